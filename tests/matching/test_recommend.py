"""Recommendations: what each list holds and leaves out, its order, its reasons, and the cache's freshness."""

from datetime import timedelta

import pytest

from config import TestConfig
from goi import create_app
from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.data import regions
from goi.extensions import db
from goi.matching import recommend
from goi.matching.corpus import fresh
from goi.orgs.models import OrgKind, PastProject
from tests import database
from tests.challenges import make_challenge
from tests.factories import make_org, make_user


def _government(**fields):
    return make_org(OrgKind.GOVERNMENT, verified=True, **fields)


def _flood(owner, **fields):
    values = {
        "title": "Sistem peringatan dini banjir Sungai Musi",
        "summary": "Peringatan dini banjir berbasis sensor tinggi muka air untuk warga bantaran sungai.",
        "problem_html": "<p>Banjir rutin setiap musim hujan; BPBD butuh peringatan dua jam sebelumnya.</p>",
        "sector": "water",
        "province_code": "16",
        "regency_code": "16.71",
    }
    values.update(fields)
    return make_challenge(owner, **values)


def _waste(owner, **fields):
    values = {
        "title": "Pengurangan sampah plastik di pasar tradisional",
        "summary": "Bank sampah dan daur ulang plastik dari pasar kota.",
        "problem_html": "<p>Sampah plastik pasar menumpuk di TPA.</p>",
        "sector": "waste",
        "province_code": "63",
        "regency_code": "63.71",
    }
    values.update(fields)
    return make_challenge(owner, **values)


def _flood_company(**fields):
    values = {
        "name": "Hidro Sensor Nusantara",
        "description_html": "<p>We build IoT flood early warning sensors for rivers and drainage.</p>",
        "expertise": "flood early warning, water level sensors, IoT",
        "sectors": "water",
        "regions_served": "16",
    }
    values.update(fields)
    return make_org(OrgKind.INDUSTRY, **values)


def test_challenges_for_an_organization_are_open_eligible_and_ranked_by_fit_across_languages(app):
    city = _government()
    flood, waste = _flood(city), _waste(city)
    closed = _flood(city, title="Peringatan dini banjir lama", closes_at=clock.now() - timedelta(days=1))
    draft = _flood(city, title="Draf peringatan banjir", status=ChallengeStatus.DRAFT)
    not_for_industry = _flood(city, title="Peringatan banjir oleh komunitas", allow_industry=False)
    company = _flood_company()

    found = recommend.challenges_for_organization(db.session, company)

    ids = [suggestion.object_id for suggestion in found]
    assert ids[0] == flood.id
    assert closed.id not in ids and draft.id not in ids and not_for_industry.id not in ids
    assert waste.id not in ids  # nothing shared: no text, no sector, no region
    kinds = {reason.kind for reason in found[0].reasons}
    assert {"terms", "sector", "region", "kind"} <= kinds
    # The place is named in the text and given by its Kemendagri code (an API's caller reads codes).
    region = next(reason for reason in found[0].reasons if reason.kind == "region")
    place = regions.province(region.values[0]) or regions.regency(region.values[0])
    assert place is not None and place.name in region.text
    terms = next(reason for reason in found[0].reasons if reason.kind == "terms").values
    # The English profile meets the Indonesian challenge through the thesaurus: the concept is named.
    assert any("banjir" in term or "flood" in term for term in terms), terms


def test_a_past_project_counts_only_when_its_owner_says_so(app):
    city = _government()
    waste = _waste(city)
    company = make_org(OrgKind.INDUSTRY, name="Serba Guna", description_html="<p>Konsultan.</p>")
    project = PastProject(
        organization=company,
        title="Bank sampah plastik digital",
        description="Aplikasi bank sampah dan daur ulang plastik untuk pasar.",
        year=2024,
        counts_for_matching=False,
    )
    db.session.add(project)
    db.session.flush()
    assert waste.id not in [s.object_id for s in recommend.challenges_for_organization(db.session, company)]

    project.counts_for_matching = True
    db.session.flush()
    found = recommend.challenges_for_organization(db.session, company)
    assert [s.object_id for s in found] == [waste.id]
    assert any(
        reason.kind == "solution" and "Bank sampah plastik digital" in reason.text for reason in found[0].reasons
    )


def test_dismissed_challenges_never_come_back(app):
    city = _government()
    flood = _flood(city)
    user = make_user()
    company = _flood_company()
    assert [s.object_id for s in recommend.challenges_for_organization(db.session, company, viewer=user)] == [flood.id]

    recommend.dismiss(db.session, user, "challenge", f"challenge:{flood.id}")
    recommend.dismiss(db.session, user, "challenge", f"challenge:{flood.id}")  # twice is harmless

    assert recommend.challenges_for_organization(db.session, company, viewer=user) == []
    # Another user still sees it.
    assert recommend.challenges_for_organization(db.session, company, viewer=make_user()) != []


def test_solvers_for_a_challenge_respect_who_may_apply_and_list_why(app):
    city = _government()
    flood = _flood(city, allow_academia=False)
    company = _flood_company()
    university = make_org(
        OrgKind.ACADEMIA, name="Universitas Sungai", expertise="flood early warning, hydrology", sectors="water"
    )
    unrelated = make_org(OrgKind.INDUSTRY, name="Kopi Enak", expertise="coffee roasting", sectors="tourism")
    person = make_user(name="Ahli Banjir", is_public_profile=True, expertise="peringatan dini banjir, sensor")

    found = recommend.solvers_for_challenge(db.session, flood)

    targets = [suggestion.target for suggestion in found]
    assert set(targets[:2]) == {f"organization:{company.id}", f"user:{person.id}"}
    assert f"organization:{university.id}" not in targets  # academia may not apply
    assert f"organization:{unrelated.id}" not in targets
    assert f"user:{person.id}" in targets  # citizens may apply
    company_suggestion = found[targets.index(f"organization:{company.id}")]
    assert company_suggestion.ref == company.ref and company_suggestion.name == "Hidro Sensor Nusantara"

    flood.allow_citizen = False
    db.session.flush()
    assert f"user:{person.id}" not in [s.target for s in recommend.solvers_for_challenge(db.session, flood)]


def test_partners_must_suit_both_sides(app):
    city = _government()
    flood = _flood(city)
    lead = make_org(
        OrgKind.ACADEMIA,
        name="Lab Hidrologi",
        expertise="hydrological modelling, flood forecasting",
        seeking="IoT sensor manufacturing, field installation",
        sectors="water",
    )
    # Offers what the lead seeks and seeks what the lead offers: suits both.
    both = make_org(
        OrgKind.INDUSTRY,
        name="Sensor Pabrik",
        expertise="IoT sensor manufacturing, field installation of river sensors",
        seeking="flood forecasting models",
        sectors="water",
    )
    # Offers what the lead seeks but wants something the lead does not offer: suits the lead only.
    one_sided = make_org(
        OrgKind.INDUSTRY,
        name="Sensor Dagang",
        expertise="IoT sensor manufacturing, field installation",
        seeking="coffee export markets, hotel marketing",
        sectors="water",
    )

    found = recommend.partners_for(db.session, lead, flood)

    targets = [s.target for s in found]
    assert targets[0] == f"organization:{both.id}"
    assert f"organization:{lead.id}" not in targets
    if f"organization:{one_sided.id}" in targets:
        assert found[targets.index(f"organization:{one_sided.id}")].score < found[0].score
    kinds = {reason.kind for reason in found[0].reasons}
    assert {"brings", "gets", "kind"} <= kinds


def test_similar_challenges_are_other_governments_and_not_itself(app):
    palembang, banjarmasin = _government(name="Kota Palembang"), _government(name="Kota Banjarmasin")
    flood = _flood(palembang)
    own_other = _flood(palembang, title="Peringatan banjir kedua")
    elsewhere = _flood(
        banjarmasin, title="Peringatan dini banjir Sungai Martapura", province_code="63", regency_code="63.71"
    )
    _waste(banjarmasin)

    found = recommend.similar_challenges(db.session, flood)

    assert [s.object_id for s in found] == [elsewhere.id]
    assert own_other.id not in [s.object_id for s in found]


def test_the_cache_follows_changes_without_reanalysing_everything(app):
    city = _government()
    flood = _flood(city)
    company = _flood_company()
    clock.shift(timedelta(minutes=1))
    _waste(city, title="Kompos sampah organik")  # the latest row, read again with those changed after it
    corpus = fresh(db.session, "challenges")
    before = corpus.entries[flood.id]

    clock.shift(timedelta(minutes=1))
    waste = _waste(city, sector="water")
    assert waste.id in {s.object_id for s in recommend.challenges_for_organization(db.session, company)}
    assert corpus.entries[flood.id] is before  # the unchanged row was not analysed again

    flood.status = ChallengeStatus.CANCELLED
    db.session.flush()
    assert flood.id not in {s.object_id for s in recommend.challenges_for_organization(db.session, company)}
    assert flood.id not in fresh(db.session, "challenges").entries

    company.expertise = "plastic recycling, waste bank"
    company.description_html = ""
    db.session.flush()
    assert company.id in fresh(db.session, "organizations").entries
    organizations = fresh(db.session, "organizations")
    assert "plastic" in " ".join(organizations.entries[company.id].profile.words.values())


@pytest.fixture
def file_app(tmp_path):
    """An app over a database that a second thread reaches on a connection of its own (a file, not memory)."""
    app = create_app(
        TestConfig,
        INSTANCE_PATH=str(tmp_path),
        UPLOAD_PATH=str(tmp_path / "uploads"),
        SQLALCHEMY_DATABASE_URI=database.shared_url(tmp_path),
    )
    with app.app_context(), database.empty_tables():
        yield app


def test_a_large_first_build_for_the_challenge_page_runs_in_the_background(file_app, monkeypatch):
    from goi.matching import corpus as corpus_module

    palembang, banjarmasin = _government(name="Kota Palembang"), _government(name="Kota Banjarmasin")
    flood = _flood(palembang)
    elsewhere = _flood(banjarmasin, title="Banjir Sungai Martapura", province_code="63", regency_code="63.71")
    db.session.commit()
    monkeypatch.setattr(corpus_module, "BACKGROUND_ABOVE", 1)

    # The page does without them while the corpus is built in its own thread…
    assert recommend.similar_challenges(db.session, flood, wait=False) == []
    for thread in [t for t in corpus_module.threading.enumerate() if t.name == "matching-challenges"]:
        thread.join(timeout=30)
    # …and has them once it is built; a caller that needs them waits for the build instead.
    assert [s.object_id for s in recommend.similar_challenges(db.session, flood, wait=False)] == [elsewhere.id]
    assert [s.object_id for s in recommend.similar_challenges(db.session, flood)] == [elsewhere.id]
