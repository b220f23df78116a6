"""Indonesian provinces, regencies/cities (kabupaten/kota) and metropolitan areas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar, cast

TimeZoneName = Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
ZoneAbbreviation = Literal["WIB", "WITA", "WIT"]
RegencyKind = Literal["kabupaten", "kota"]

DEFAULT_TIMEZONE: TimeZoneName = "Asia/Jakarta"

# Every IANA zone in Indonesia, including the Pontianak zone and the legacy Makassar alias.
_ZONE_ABBREVIATIONS: dict[str, ZoneAbbreviation] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}

# Leading words a user may type before a region name; replaced before comparing.
_QUERY_PREFIXES: tuple[tuple[str, str], ...] = (
    ("provinsi ", ""),
    ("prov. ", ""),
    ("kab. ", "kabupaten "),
    ("kab ", "kabupaten "),
    ("kep. ", "kepulauan "),
    ("dki ", "daerah khusus ibukota "),
    ("dkj ", "daerah khusus "),
    ("diy ", "daerah istimewa "),
    ("di ", "daerah istimewa "),
)
_PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "dki": "daerah khusus ibukota jakarta",
    "diy": "daerah istimewa yogyakarta",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
}
# Province name prefixes that may be omitted ("Jakarta", "Yogyakarta", "Bangka Belitung").
_PROVINCE_OPTIONAL_PREFIXES = ("daerah khusus ibukota ", "daerah khusus ", "daerah istimewa ", "kepulauan ")
_REGENCY_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Province:
    """A province (provinsi) with its Kemendagri code and time zone."""

    code: str
    name: str
    timezone: TimeZoneName


@dataclass(frozen=True, slots=True)
class Regency:
    """A kabupaten (regency) or kota (city), coded "PP.RR" after Kemendagri."""

    code: str
    province_code: str
    name: str
    kind: RegencyKind
    timezone: TimeZoneName


@dataclass(frozen=True, slots=True)
class Metro:
    """A metropolitan area (kawasan perkotaan) made of whole regencies/cities."""

    code: str
    name: str
    core_code: str
    member_codes: tuple[str, ...]


# A ring of (longitude, latitude) points, the last point equal to the first.
Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class ProvinceShape:
    """A province's outline from Natural Earth: polygons of rings, the first ring of each its outer edge. The data
    predates 2012 and 2022, so some shapes stand for several of today's provinces (province_codes)."""

    name: str
    province_codes: tuple[str, ...]
    polygons: tuple[tuple[Ring, ...], ...]


@cache
def _load(filename: str) -> list[dict[str, Any]]:
    """Read one of the package's JSON files."""
    text = resources.files("goi.data").joinpath(filename).read_text(encoding="utf-8")
    return cast(list[dict[str, Any]], json.loads(text))


@cache
def _provinces() -> dict[str, Province]:
    """Provinces keyed by code, in code order."""
    items = sorted((Province(**row) for row in _load("provinces.json")), key=lambda p: p.code)
    return {p.code: p for p in items}


@cache
def _regencies() -> dict[str, Regency]:
    """Regencies/cities keyed by code, in code order."""
    items = sorted((Regency(**row) for row in _load("regencies.json")), key=lambda r: r.code)
    return {r.code: r for r in items}


@cache
def _metros() -> dict[str, Metro]:
    """Metropolitan areas keyed by code, in code order."""
    items = sorted(
        (
            Metro(
                code=row["code"],
                name=row["name"],
                core_code=row["core_code"],
                member_codes=tuple(row["member_codes"]),
            )
            for row in _load("metros.json")
        ),
        key=lambda m: m.code,
    )
    return {m.code: m for m in items}


@cache
def province_shapes() -> tuple[ProvinceShape, ...]:
    """The outlines of province_shapes.json (see SOURCES.md), each of today's provinces in exactly one of them."""
    text = resources.files("goi.data").joinpath("province_shapes.json").read_text(encoding="utf-8")
    return tuple(
        ProvinceShape(
            name=feature["properties"]["name"],
            province_codes=tuple(feature["properties"]["provinces"]),
            polygons=tuple(
                tuple(tuple((x, y) for x, y in ring) for ring in polygon)
                for polygon in feature["geometry"]["coordinates"]
            ),
        )
        for feature in json.loads(text)["features"]
    )


def provinces() -> list[Province]:
    """Return all provinces sorted by code."""
    return list(_provinces().values())


def province(code: str) -> Province | None:
    """Return the province with this two-digit code, or None."""
    return _provinces().get(code)


def regencies(province_code: str | None = None) -> list[Regency]:
    """Return all regencies/cities sorted by code, optionally only those of one province."""
    items = _regencies().values()
    if province_code is None:
        return list(items)
    return [r for r in items if r.province_code == province_code]


def regency(code: str) -> Regency | None:
    """Return the regency/city with this dotted code (e.g. "16.71"), or None."""
    return _regencies().get(code)


def place_name(province_code: str | None, regency_code: str | None = None) -> str:
    """'Kota Denpasar, Bali': the kabupaten/kota and the province that are known, or ''."""
    place = regency(regency_code) if regency_code else None
    in_province = province(province_code) if province_code else None
    return ", ".join(part.name for part in (place, in_province) if part is not None)


def metros() -> list[Metro]:
    """Return all metropolitan areas sorted by code."""
    return list(_metros().values())


def metro(code: str) -> Metro | None:
    """Return the metropolitan area with this code (e.g. "sarbagita"), or None."""
    return _metros().get(code)


def _key(text: str) -> str:
    """Comparison key: case-folded, letters and digits only ("Bau-Bau" == "baubau")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _normalise_query(name: str) -> str:
    """Lower-case a user-typed name, collapse spaces and expand common prefixes."""
    text = " ".join(name.casefold().split())
    for prefix, replacement in _QUERY_PREFIXES:
        if text.startswith(prefix):
            text = replacement + text[len(prefix) :]
    return text


def _strip_prefixes(name: str, prefixes: Iterable[str]) -> str:
    """Remove the first matching prefix from a lower-cased name."""
    lowered = name.casefold()
    for prefix in prefixes:
        if lowered.startswith(prefix):
            return lowered[len(prefix) :]
    return lowered


def _unique_match(
    items: Iterable[T],
    query: str,
    alias_query: str,
    full: Callable[[T], str],
    aliases: Callable[[T], set[str]],
) -> T | None:
    """Return the only item matching exactly, else the only item matching an alias, else None."""
    candidates = list(items)
    exact = [item for item in candidates if _key(full(item)) == query]
    if exact:
        return exact[0] if len(exact) == 1 else None
    loose = [item for item in candidates if alias_query in aliases(item)]
    return loose[0] if len(loose) == 1 else None


def _province_aliases(item: Province) -> set[str]:
    """Keys under which a province may be found besides its full name."""
    return {_key(_strip_prefixes(item.name, _PROVINCE_OPTIONAL_PREFIXES))}


def _regency_aliases(item: Regency) -> set[str]:
    """Keys under which a regency may be found: without "Administrasi" and without any prefix."""
    lowered = item.name.casefold()
    return {
        _key(lowered.replace(" administrasi ", " ")),
        _key(_strip_prefixes(lowered, _REGENCY_PREFIXES)),
    }


def find_province_by_name(name: str) -> Province | None:
    """Find a province by name, case-insensitively; None when unknown or ambiguous."""
    text = _normalise_query(name)
    text = _PROVINCE_ABBREVIATIONS.get(text, text)
    query = _key(text)
    if not query:
        return None
    alias_query = _key(_strip_prefixes(text, _PROVINCE_OPTIONAL_PREFIXES))
    return _unique_match(_provinces().values(), query, alias_query, lambda p: p.name, _province_aliases)


def find_regency_by_name(name: str, province_code: str | None = None) -> Regency | None:
    """Find a regency/city by name ("Kota Palembang", "palembang", "Kab. Banyuasin"); None if not unique."""
    query = _key(_normalise_query(name))
    if not query:
        return None
    return _unique_match(regencies(province_code), query, query, lambda r: r.name, _regency_aliases)


def timezone_for(province_code: str | None = None, regency_code: str | None = None) -> str:
    """Return the IANA time zone of a regency or province, defaulting to Asia/Jakarta."""
    if regency_code:
        found = regency(regency_code)
        if found is not None:
            return found.timezone
        province_code = province_code or regency_code.split(".", 1)[0]
    if province_code:
        prov = province(province_code)
        if prov is not None:
            return prov.timezone
    return DEFAULT_TIMEZONE


def zone_abbreviation(tz_name: str) -> ZoneAbbreviation:
    """Return "WIB", "WITA" or "WIT" for an Indonesian IANA zone; ValueError otherwise."""
    try:
        return _ZONE_ABBREVIATIONS[tz_name]
    except KeyError:
        raise ValueError(f"not an Indonesian time zone: {tz_name!r}") from None


def province_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs of all provinces for a WTForms SelectField."""
    return [(p.code, p.name) for p in _provinces().values()]


def regency_choices(province_code: str | None = None) -> list[tuple[str, str]]:
    """Return (code, name) pairs of regencies/cities, optionally of one province, for WTForms."""
    return [(r.code, r.name) for r in regencies(province_code)]
