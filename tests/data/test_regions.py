"""Tests for goi.data.regions."""

from __future__ import annotations

from collections import Counter

import pytest

from goi.data import regions


def test_province_count_and_order() -> None:
    """There are 38 provinces, returned in code order."""
    codes = [p.code for p in regions.provinces()]
    assert len(codes) == 38
    assert codes == sorted(codes)
    assert codes[0] == "11" and codes[-1] == "96"


def test_regency_counts() -> None:
    """idn-area-data 4.0.1 lists 514 regencies/cities: 416 kabupaten and 98 kota."""
    kinds = Counter(r.kind for r in regions.regencies())
    assert len(regions.regencies()) == 514
    assert kinds == {"kabupaten": 416, "kota": 98}


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("16", "Sumatera Selatan"),
        ("31", "Daerah Khusus Ibukota Jakarta"),
        ("51", "Bali"),
        ("91", "Papua"),
        ("93", "Papua Selatan"),
        ("94", "Papua Tengah"),
        ("95", "Papua Pegunungan"),
        ("96", "Papua Barat Daya"),
    ],
)
def test_known_provinces(code: str, name: str) -> None:
    """Known province codes map to their names."""
    found = regions.province(code)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("16.71", "Kota Palembang", "kota"),
        ("16.07", "Kabupaten Banyuasin", "kabupaten"),
        ("16.02", "Kabupaten Ogan Komering Ilir", "kabupaten"),
        ("51.71", "Kota Denpasar", "kota"),
        ("63.71", "Kota Banjarmasin", "kota"),
        ("73.71", "Kota Makassar", "kota"),
        ("31.71", "Kota Administrasi Jakarta Pusat", "kota"),
        ("91.71", "Kota Jayapura", "kota"),
    ],
)
def test_known_regencies(code: str, name: str, kind: str) -> None:
    """Known regency codes map to their names and kinds."""
    found = regions.regency(code)
    assert found is not None
    assert (found.name, found.kind) == (name, kind)


def test_unknown_codes() -> None:
    """Unknown codes return None."""
    assert regions.province("99") is None
    assert regions.regency("16.99") is None
    assert regions.metro("atlantis") is None


def test_regency_integrity() -> None:
    """Each regency has an existing province, its code prefix and time zone, and a kind prefix."""
    for reg in regions.regencies():
        prov = regions.province(reg.province_code)
        assert prov is not None, reg
        assert reg.code.split(".")[0] == prov.code, reg
        assert len(reg.code) == 5 and reg.code[2] == ".", reg
        assert reg.timezone == prov.timezone, reg
        prefix = "Kota " if reg.kind == "kota" else "Kabupaten "
        assert reg.name.startswith(prefix), reg
        assert reg.name == " ".join(reg.name.split()), reg


def test_unique_codes() -> None:
    """Province, regency and metro codes are unique in the source files."""
    for filename in ("provinces.json", "regencies.json", "metros.json"):
        codes = [row["code"] for row in regions._load(filename)]
        assert len(codes) == len(set(codes)), filename


def test_regencies_filtered_by_province() -> None:
    """Filtering by province returns that province's regencies only."""
    south_sumatra = regions.regencies("16")
    assert len(south_sumatra) == 17
    assert {r.province_code for r in south_sumatra} == {"16"}
    assert regions.regencies("99") == []


@pytest.mark.parametrize(
    ("regency_code", "tz", "abbreviation"),
    [
        ("16.71", "Asia/Jakarta", "WIB"),
        ("61.71", "Asia/Jakarta", "WIB"),
        ("51.71", "Asia/Makassar", "WITA"),
        ("63.71", "Asia/Makassar", "WITA"),
        ("73.71", "Asia/Makassar", "WITA"),
        ("91.71", "Asia/Jayapura", "WIT"),
        ("81.71", "Asia/Jayapura", "WIT"),
    ],
)
def test_time_zones(regency_code: str, tz: str, abbreviation: str) -> None:
    """Regencies get their province's time zone."""
    assert regions.timezone_for(regency_code=regency_code) == tz
    assert regions.zone_abbreviation(tz) == abbreviation


def test_time_zone_split_by_province() -> None:
    """Provinces split into 18 WIB, 12 WITA and 8 WIT."""
    zones = Counter(p.timezone for p in regions.provinces())
    assert zones == {"Asia/Jakarta": 18, "Asia/Makassar": 12, "Asia/Jayapura": 8}


def test_timezone_for_fallbacks() -> None:
    """timezone_for falls back to the province, then to Asia/Jakarta."""
    assert regions.timezone_for() == "Asia/Jakarta"
    assert regions.timezone_for(province_code="51") == "Asia/Makassar"
    assert regions.timezone_for(province_code="99") == "Asia/Jakarta"
    assert regions.timezone_for(regency_code="94.99") == "Asia/Jayapura"


def test_zone_abbreviation_rejects_foreign_zone() -> None:
    """Non-Indonesian zones are rejected."""
    with pytest.raises(ValueError):
        regions.zone_abbreviation("Europe/Paris")


def test_metros_members_exist_and_include_core() -> None:
    """Every metro member is a known regency and the core is a member."""
    all_metros = regions.metros()
    assert len(all_metros) == 9
    for m in all_metros:
        assert m.core_code in m.member_codes, m.code
        assert len(set(m.member_codes)) == len(m.member_codes), m.code
        for code in m.member_codes:
            assert regions.regency(code) is not None, (m.code, code)


@pytest.mark.parametrize(
    ("code", "members"),
    [
        (
            "patungraya-agung",
            {"Kota Palembang", "Kabupaten Banyuasin", "Kabupaten Ogan Ilir", "Kabupaten Ogan Komering Ilir"},
        ),
        ("sarbagita", {"Kota Denpasar", "Kabupaten Badung", "Kabupaten Gianyar", "Kabupaten Tabanan"}),
        (
            "banjarbakula",
            {
                "Kota Banjarmasin",
                "Kota Banjarbaru",
                "Kabupaten Banjar",
                "Kabupaten Barito Kuala",
                "Kabupaten Tanah Laut",
            },
        ),
        ("mamminasata", {"Kota Makassar", "Kabupaten Maros", "Kabupaten Gowa", "Kabupaten Takalar"}),
        ("mebidangro", {"Kota Medan", "Kota Binjai", "Kabupaten Deli Serdang", "Kabupaten Karo"}),
    ],
)
def test_metro_members_by_name(code: str, members: set[str]) -> None:
    """Metro members resolve to the expected regency names."""
    found = regions.metro(code)
    assert found is not None
    names = {reg.name for c in found.member_codes if (reg := regions.regency(c)) is not None}
    assert names == members


@pytest.mark.parametrize(
    ("query", "province_code", "expected"),
    [
        ("palembang", None, "16.71"),
        ("KOTA PALEMBANG", None, "16.71"),
        ("Kab. Banyuasin", None, "16.07"),
        ("banyuasin", None, "16.07"),
        ("ogan komering ilir", None, "16.02"),
        ("Jakarta Pusat", None, "31.71"),
        ("Kota Jayapura", None, "91.71"),
        ("Kabupaten Jayapura", None, "91.03"),
        ("Banjar", "63", "63.03"),
        ("Kota Baubau", None, "74.72"),
    ],
)
def test_find_regency_by_name(query: str, province_code: str | None, expected: str) -> None:
    """Names are matched case-insensitively, with or without a prefix."""
    found = regions.find_regency_by_name(query, province_code)
    assert found is not None
    assert found.code == expected


@pytest.mark.parametrize(
    ("query", "province_code"),
    [
        ("Atlantis", None),
        ("", None),
        ("Kabupaten Palembang", None),
        ("Jayapura", None),
        ("Banjar", None),
        ("Palembang", "51"),
    ],
)
def test_find_regency_by_name_misses(query: str, province_code: str | None) -> None:
    """Unknown, wrongly prefixed or ambiguous names return None."""
    assert regions.find_regency_by_name(query, province_code) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sumatera selatan", "16"),
        ("DKI Jakarta", "31"),
        ("Jakarta", "31"),
        ("DI Yogyakarta", "34"),
        ("Riau", "14"),
        ("Kepulauan Riau", "21"),
        ("Provinsi Bali", "51"),
        ("NTT", "53"),
        ("papua", "91"),
    ],
)
def test_find_province_by_name(query: str, expected: str) -> None:
    """Province names are matched case-insensitively, with common abbreviations."""
    found = regions.find_province_by_name(query)
    assert found is not None
    assert found.code == expected


def test_find_province_by_name_miss() -> None:
    """Unknown province names return None."""
    assert regions.find_province_by_name("Atlantis") is None
    assert regions.find_province_by_name("") is None


def test_choices() -> None:
    """Choice helpers return (code, name) pairs."""
    provinces = regions.province_choices()
    assert len(provinces) == 38
    assert ("16", "Sumatera Selatan") in provinces
    assert ("16.71", "Kota Palembang") in regions.regency_choices("16")
    assert all(code.startswith("51.") for code, _ in regions.regency_choices("51"))
    assert len(regions.regency_choices()) == 514


def test_dataclasses_are_frozen() -> None:
    """Returned records are immutable."""
    prov = regions.province("16")
    assert prov is not None
    with pytest.raises(AttributeError):
        prov.name = "X"  # type: ignore[misc]
