"""`flask goi import` / `export`: idempotent by ref, all or nothing, clear errors."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.orgs.models import Organization

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)

SAMPLE = {
    "organizations": [
        {
            "ref": "pemkab-banyuasin",
            "name": "Pemerintah Kabupaten Banyuasin",
            "kind": "government",
            "government_kind": "regency",
            "region": "banyuasin",
            "province": "SUMATERA SELATAN",
        },
        {"ref": "pemprov-bali", "name": "Pemerintah Provinsi Bali", "kind": "government", "province": "bali"},
    ],
    "challenges": [
        {
            "ref": "banyuasin-rob",
            "org": "pemkab-banyuasin",
            "title": "Peringatan dini banjir rob",
            "summary": "Sensor pasang surut untuk desa pesisir.",
            "description": "Desa pesisir **tergenang** rob.",
            "sector": "water",
        },
        {
            "ref": "bali-plastik",
            "org": "pemprov-bali",
            "title": "Pengurangan sampah plastik",
            "summary": "Rantai pasok guna ulang untuk hotel.",
            "description": "Sampah plastik.",
            "sector": "waste",
            "metro": "Sarbagita",
            "closes_at": "2027-03-31T23:59",
            "status": "draft",
            "eligible": ["industry", "community"],
            "criteria": [{"name": "Dampak", "weight": 60}, {"name": "Biaya", "weight": 40}],
        },
    ],
}


def _run(app, tmp_path, data, command="import"):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["goi", command, str(path)])


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_creates_verified_organizations_and_open_challenges(app, db, tmp_path):
    clock.freeze(NOW)
    result = _run(app, tmp_path, SAMPLE)
    assert result.exit_code == 0, result.output
    banyuasin = db.session.scalar(select(Organization).where(Organization.ref == "pemkab-banyuasin"))
    assert banyuasin.is_verified and banyuasin.regency_code == "16.07" and banyuasin.province_code == "16"
    rob = db.session.scalar(select(Challenge).where(Challenge.ref == "banyuasin-rob"))
    assert rob.status == ChallengeStatus.PUBLISHED
    assert rob.opens_at == NOW and rob.closes_at == NOW + timedelta(days=30)
    assert [c.weight for c in rob.criteria] == [30, 25, 25, 20]
    assert "<strong>tergenang</strong>" in rob.problem_html
    assert rob.regency_code == "16.07" and rob.timezone == "Asia/Jakarta"
    plastik = db.session.scalar(select(Challenge).where(Challenge.ref == "bali-plastik"))
    assert plastik.status == ChallengeStatus.DRAFT
    assert plastik.metro_code == "sarbagita" and plastik.timezone == "Asia/Makassar"
    # A time without offset is read in the region's zone: 23:59 WITA is 15:59 UTC.
    assert plastik.closes_at == datetime(2027, 3, 31, 15, 59, tzinfo=UTC)
    assert plastik.allow_industry and plastik.allow_community and not plastik.allow_academia
    assert [(c.name, c.weight) for c in plastik.criteria] == [("Dampak", 60), ("Biaya", 40)]


def test_reimport_updates_and_never_duplicates(app, db, tmp_path):
    assert _run(app, tmp_path, SAMPLE).exit_code == 0
    changed = json.loads(json.dumps(SAMPLE))
    changed["challenges"][0]["title"] = "Peringatan dini banjir rob (revisi)"
    result = _run(app, tmp_path, changed)
    assert result.exit_code == 0, result.output
    assert "challenges updated 2" in result.output
    assert _count(db, Organization) == 2
    assert _count(db, Challenge) == 2
    titles = db.session.scalars(select(Challenge.title).order_by(Challenge.id)).all()
    assert titles[0] == "Peringatan dini banjir rob (revisi)"


def test_a_bad_record_writes_nothing_and_names_the_record(app, db, tmp_path):
    bad = json.loads(json.dumps(SAMPLE))
    bad["challenges"][0]["sector"] = "spaceflight"
    bad["organizations"][1]["province"] = "Atlantis"
    bad["challenges"].append(
        {"ref": "orphan", "org": "no-such-org", "title": "t", "summary": "s", "description": "", "sector": "water"}
    )
    result = _run(app, tmp_path, bad)
    assert result.exit_code != 0
    assert "challenge 'banyuasin-rob': unknown sector 'spaceflight'" in result.output
    assert "organization 'pemprov-bali': unknown province 'Atlantis'" in result.output
    assert "challenge 'orphan': unknown organization 'no-such-org'" in result.output
    assert _count(db, Organization) == 0
    assert _count(db, Challenge) == 0


def test_unknown_region_and_invalid_json_are_clear_errors(app, db, tmp_path):
    bad = json.loads(json.dumps(SAMPLE))
    bad["organizations"][0]["region"] = "Kota Narnia"
    result = _run(app, tmp_path, bad)
    assert result.exit_code != 0
    assert "unknown region 'Kota Narnia'" in result.output
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["goi", "import", str(path)])
    assert result.exit_code != 0
    assert "not valid JSON" in result.output
    assert _count(db, Organization) == 0


def test_weights_not_totalling_100_are_refused(app, db, tmp_path):
    bad = json.loads(json.dumps(SAMPLE))
    bad["challenges"][1]["criteria"] = [{"name": "Dampak", "weight": 60}, {"name": "Biaya", "weight": 30}]
    result = _run(app, tmp_path, bad)
    assert result.exit_code != 0
    assert "challenge 'bali-plastik': criteria" in result.output
    assert _count(db, Challenge) == 0


def test_export_writes_the_import_format_and_round_trips(app, db, tmp_path):
    clock.freeze(NOW)
    assert _run(app, tmp_path, SAMPLE).exit_code == 0
    out = tmp_path / "export.json"
    result = app.test_cli_runner().invoke(args=["goi", "export", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert {o["ref"] for o in exported["organizations"]} == {"pemkab-banyuasin", "pemprov-bali"}
    # Drafts stay private: only the published challenge is exported.
    assert [c["ref"] for c in exported["challenges"]] == ["banyuasin-rob"]
    rob = exported["challenges"][0]
    assert rob["org"] == "pemkab-banyuasin" and rob["region"] == "Kabupaten Banyuasin"
    assert rob["closes_at"] == (NOW + timedelta(days=30)).isoformat()
    # Importing the export again changes nothing and duplicates nothing.
    result = app.test_cli_runner().invoke(args=["goi", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert _count(db, Organization) == 2 and _count(db, Challenge) == 2
    again = db.session.scalar(select(Challenge).where(Challenge.ref == "banyuasin-rob"))
    assert again.closes_at == NOW + timedelta(days=30)


def test_a_non_government_organization_cannot_own_a_challenge(app, db, tmp_path):
    bad = json.loads(json.dumps(SAMPLE))
    bad["organizations"][0]["kind"] = "industry"
    result = _run(app, tmp_path, bad)
    assert result.exit_code != 0
    assert "is not a government" in result.output
