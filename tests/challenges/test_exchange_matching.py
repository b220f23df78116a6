"""`flask goi import` / `export` of organizations' matching profiles: expertise, seeking, sectors, regions served,
TRL, languages, past projects ("solutions") and offers."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from goi.core import clock
from goi.orgs.models import Offer, OfferKind, Organization, PastProject
from tests.challenges import NOW

PROFILE = {
    "ref": "pt-sungai-data",
    "name": "PT Sungai Data",
    "kind": "industry",
    "province": "Sumatera Selatan",
    "expertise": ["sensor muka air", " telemetri ", "Sensor muka air"],
    "seeking": ["PDAM mitra uji coba"],
    "sectors": ["water", "SAFETY"],
    "regions_served": ["Sumatera Selatan", "palembang", "Kab. Banyuasin"],
    "trl": 7,
    "languages": ["id", "en"],
    "solutions": [
        {
            "title": "Peringatan dini banjir Sungai Musi",
            "year": 2024,
            "client": "BPBD Kota Palembang",
            "description": "Dua belas sensor muka air.",
            "link": "https://example.id/musi",
        },
        {"title": "Telemetri intake PDAM"},
    ],
    "offers": [
        {
            "kind": "technology_offer",
            "title": "Sensor muka air sewaan",
            "description": "Per titik, tiga bulan.",
            "sector": "water",
            "region": "Kota Palembang",
            "expires_on": "2027-03-31",
        },
        {"kind": "partnership_request", "title": "Mencari kota mitra", "region": "Bali"},
    ],
}


def _run(app, tmp_path, organizations, name="data.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"organizations": organizations}), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["goi", "import", str(path)])


def _export(app, tmp_path, name="export.json") -> dict:
    path = tmp_path / name
    result = app.test_cli_runner().invoke(args=["goi", "export", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _organization(db) -> Organization:
    return db.session.scalar(select(Organization).where(Organization.ref == PROFILE["ref"]))


def _projects(db, organization) -> list[tuple]:
    return db.session.execute(
        select(PastProject.title, PastProject.year, PastProject.client, PastProject.counts_for_matching)
        .where(PastProject.organization_id == organization.id)
        .order_by(PastProject.id)
    ).all()


def _offers(db, organization) -> list[tuple]:
    return db.session.execute(
        select(Offer.id, Offer.kind, Offer.title, Offer.expires_on)
        .where(Offer.organization_id == organization.id)
        .order_by(Offer.id)
    ).all()


def _with(**changes) -> dict:
    return {**json.loads(json.dumps(PROFILE)), **changes}


def test_each_profile_field_is_imported(app, db, tmp_path):
    result = _run(app, tmp_path, [PROFILE])
    assert result.exit_code == 0, result.output
    organization = _organization(db)
    # Items are trimmed, and the same keyword twice (whatever its case) is kept once.
    assert organization.expertise == "sensor muka air, telemetri"
    assert organization.seeking_list == ["PDAM mitra uji coba"]
    assert organization.sector_list == ["water", "safety"]
    # A province's name is the province; a kabupaten/kota is found as `region` is, with or without its prefix.
    assert organization.regions_served_list == ["16", "16.71", "16.07"]
    assert organization.trl == 7
    assert organization.language_list == ["id", "en"]
    assert _projects(db, organization) == [
        ("Peringatan dini banjir Sungai Musi", 2024, "BPBD Kota Palembang", True),
        ("Telemetri intake PDAM", None, "", True),
    ]
    offers = db.session.scalars(select(Offer).order_by(Offer.id)).all()
    assert [(o.kind, o.title, o.sector, o.province_code, o.regency_code, o.is_public) for o in offers] == [
        (OfferKind.TECHNOLOGY_OFFER, "Sensor muka air sewaan", "water", "16", "16.71", True),
        (OfferKind.PARTNERSHIP_REQUEST, "Mencari kota mitra", None, "51", None, True),
    ]
    # Without expires_on an offer runs for a year from the day of the import.
    assert [o.expires_on for o in offers] == [date(2027, 3, 31), NOW.date().replace(year=NOW.year + 1)]


BAD_VALUES = [
    ("expertise", "sensor", "'expertise' must be a list of text"),
    ("expertise", ["sensor", ""], "'expertise' holds an empty item"),
    ("expertise", ["x" * 61], "'expertise' holds an item longer than 60 characters"),
    ("expertise", [f"kata {n}" for n in range(21)], "'expertise' holds more than 20 items"),
    ("expertise", ["sensor, telemetri"], "'expertise' holds an item with a comma"),
    ("seeking", [3], "'seeking' must be a list of text"),
    ("sectors", ["water", "spaceflight"], "unknown sector 'spaceflight' in 'sectors'"),
    ("regions_served", ["Palembang", "Atlantis"], "unknown region 'Atlantis' in 'regions_served'"),
    ("trl", 10, "'trl' must be a whole number from 1 to 9"),
    ("trl", "7", "'trl' must be a whole number from 1 to 9"),
    ("languages", ["id", "fr"], "'languages' must be a non-empty list of 'id' and 'en'"),
    ("languages", [], "'languages' must be a non-empty list of 'id' and 'en'"),
    ("solutions", {"title": "x"}, "'solutions' must be a list of {title"),
    ("solutions", [{"year": 2020}], "solutions[0]: 'title' is missing"),
    ("solutions", [{"title": "x", "year": "2020"}], "solutions[0]: 'year' must be a whole number"),
    ("solutions", [{"title": "x", "link": "javascript:alert(1)"}], "solutions[0]: 'link' must start with https://"),
    ("offers", [{"kind": "gift", "title": "x"}], "offers[0]: unknown kind 'gift'"),
    ("offers", [{"kind": "technology_offer"}], "offers[0]: 'title' is missing"),
    ("offers", [{"kind": "technology_offer", "title": "x" * 161}], "offers[0]: 'title' is longer than 160"),
    (
        "offers",
        [{"kind": "technology_offer", "title": "x", "expires_on": "next year"}],
        "offers[0]: 'expires_on' is not an ISO 8601 date",
    ),
    ("offers", [{"kind": "investment_offer", "title": "x", "sector": "spaceflight"}], "offers[0]: unknown sector"),
    (
        "offers",
        [{"kind": "technology_request", "title": "x", "region": "Atlantis"}],
        "unknown region 'Atlantis' in 'offers[0].region'",
    ),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_VALUES)
def test_a_bad_value_is_refused_naming_the_record_and_the_field_and_nothing_is_written(
    app, db, tmp_path, key, value, message
):
    result = _run(app, tmp_path, [_with(**{key: value})])
    assert result.exit_code != 0
    assert f"organization '{PROFILE['ref']}': " in result.output
    assert message in result.output
    assert (_count(db, Organization), _count(db, PastProject), _count(db, Offer)) == (0, 0, 0)


def test_a_bad_value_in_a_reimport_leaves_the_stored_profile_as_it_was(app, db, tmp_path):
    assert _run(app, tmp_path, [PROFILE]).exit_code == 0
    organization = _organization(db)
    before = (organization.expertise, _projects(db, organization), _offers(db, organization))
    bad = _with(expertise=["baru"], solutions=[{"title": "Proyek baru"}], offers=[{"kind": "gift", "title": "x"}])
    result = _run(app, tmp_path, [bad])
    assert result.exit_code != 0 and "offers[0]: unknown kind 'gift'" in result.output
    db.session.expire_all()
    assert (organization.expertise, _projects(db, organization), _offers(db, organization)) == before


def test_reimport_replaces_solutions_and_offers_only_when_the_key_is_present(app, db, tmp_path):
    assert _run(app, tmp_path, [PROFILE]).exit_code == 0
    organization = _organization(db)
    offers = _offers(db, organization)
    # A project added on the profile page, kept out of matching by its owner.
    db.session.add(PastProject(organization_id=organization.id, title="Proyek internal", counts_for_matching=False))
    db.session.commit()

    # Keys left out leave what is stored; solutions given replace every project of the organization.
    record = {key: value for key, value in PROFILE.items() if key not in ("expertise", "trl", "offers")}
    record["solutions"] = [{"title": "Dasbor banjir kota", "year": 2025}]
    result = _run(app, tmp_path, [record])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert organization.expertise == "sensor muka air, telemetri" and organization.trl == 7
    assert _projects(db, organization) == [("Dasbor banjir kota", 2025, "", True)]
    assert _offers(db, organization) == offers

    # Without solutions the projects stay; an empty offers list removes every offer.
    record = {key: value for key, value in PROFILE.items() if key != "solutions"}
    record["offers"] = []
    assert _run(app, tmp_path, [record]).exit_code == 0
    db.session.expire_all()
    assert _projects(db, organization) == [("Dasbor banjir kota", 2025, "", True)]
    assert _offers(db, organization) == []

    # "trl": null clears it, as an absent key does not.
    assert _run(app, tmp_path, [_with(trl=None)]).exit_code == 0
    db.session.expire_all()
    assert organization.trl is None


def test_export_writes_the_profile_and_round_trips(app, db, tmp_path):
    assert _run(app, tmp_path, [PROFILE]).exit_code == 0
    organization = _organization(db)
    # An expired offer and a hidden one are exported too, each as it is.
    offers = db.session.scalars(select(Offer).order_by(Offer.id)).all()
    offers[0].expires_on = NOW.date() - timedelta(days=1)
    offers[1].is_public = False
    db.session.add(PastProject(organization_id=organization.id, title="Proyek internal", counts_for_matching=False))
    db.session.commit()

    exported = _export(app, tmp_path)
    (record,) = exported["organizations"]
    assert record["expertise"] == ["sensor muka air", "telemetri"]
    assert record["sectors"] == ["water", "safety"]
    assert record["regions_served"] == ["Sumatera Selatan", "Kota Palembang", "Kabupaten Banyuasin"]
    assert record["trl"] == 7 and record["languages"] == ["id", "en"]
    assert record["solutions"][0] == {
        "title": "Peringatan dini banjir Sungai Musi",
        "year": 2024,
        "client": "BPBD Kota Palembang",
        "description": "Dua belas sensor muka air.",
        "link": "https://example.id/musi",
        "counts_for_matching": True,
    }
    assert record["solutions"][2] == {"title": "Proyek internal", "counts_for_matching": False}
    assert record["offers"] == [
        {
            "kind": "technology_offer",
            "title": "Sensor muka air sewaan",
            "description": "Per titik, tiga bulan.",
            "sector": "water",
            "region": "Kota Palembang",
            "expires_on": (NOW.date() - timedelta(days=1)).isoformat(),
            "public": True,
        },
        {
            "kind": "partnership_request",
            "title": "Mencari kota mitra",
            "region": "Bali",
            "expires_on": NOW.date().replace(year=NOW.year + 1).isoformat(),
            "public": False,
        },
    ]

    # Importing the export writes the same profile again: a second export is the first, nothing duplicated.
    clock.freeze(NOW + timedelta(days=40))
    result = app.test_cli_runner().invoke(args=["goi", "import", str(tmp_path / "export.json")])
    assert result.exit_code == 0, result.output
    assert (_count(db, Organization), _count(db, PastProject), _count(db, Offer)) == (1, 3, 2)
    assert _export(app, tmp_path, "again.json") == exported
