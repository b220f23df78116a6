"""Creating and editing draft challenges: who may, what is checked, how times are read."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from goi.challenges.models import BudgetKind, Challenge, ChallengeCoOwner, ChallengeStatus, SolverKind
from goi.extensions import db
from goi.orgs.models import MemberRole, OrgKind
from tests import factories
from tests.challenges import challenge_form_data, criteria_data, make_challenge

NEW = "/orgs/pemkot-palembang/challenges/new"


def _challenges() -> list[Challenge]:
    db.session.expire_all()
    return list(db.session.scalars(select(Challenge).order_by(Challenge.id)))


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Challenge))


def test_owner_creates_a_draft(client, post, login_as):
    login_as("gov_admin")
    page = client.get(NEW)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The default rubric is prefilled: weights 30, 25, 25, 20.
    for weight in (30, 25, 20):
        assert f'value="{weight}"' in html
    assert "WIB" in html

    response = post(NEW, challenge_form_data(), page=NEW)
    assert response.status_code == 302
    [challenge] = _challenges()
    assert response.headers["Location"].endswith(f"/challenges/{challenge.slug}")
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.owner_org.slug == "pemkot-palembang"
    assert challenge.title == "Pengendalian banjir Palembang"
    assert "<strong>rutin</strong>" in challenge.problem_html and "<script>" not in challenge.problem_html
    assert challenge.sector == "water" and challenge.dimension == "environment"
    assert challenge.sdg_list == [6, 11]
    assert (challenge.province_code, challenge.regency_code, challenge.metro_code) == ("16", "16.71", None)
    assert challenge.budget_kind == BudgetKind.BUDGET
    assert (challenge.budget_min, challenge.budget_max, challenge.trl) == (1_500_000_000, 2_000_000_000, 5)
    assert challenge.eligible_kinds == [SolverKind.INDUSTRY, SolverKind.ACADEMIA]
    assert challenge.consortium_required and challenge.is_sealed and challenge.score_scale == 10
    assert challenge.timezone == "Asia/Jakarta"
    # 23:59 WIB is 16:59 UTC.
    assert challenge.closes_at == datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
    assert challenge.opens_at == datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    assert [(c.name, c.weight) for c in challenge.criteria] == [("Relevansi", 40), ("Kelayakan", 30), ("Dampak", 30)]


def test_wita_times_are_converted_to_utc(client, post, login_as):
    login_as("gov_admin")
    data = challenge_form_data(province_code="51", regency_code="51.71", closes_at="2026-12-31T23:59")
    assert post(NEW, data, page=NEW).status_code == 302
    [challenge] = _challenges()
    assert challenge.timezone == "Asia/Makassar"
    assert challenge.closes_at == datetime(2026, 12, 31, 15, 59, tzinfo=UTC)
    login_as("gov_admin")
    html = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "31 Des 2026, 23.59 WITA" in html


def test_metropolitan_challenge_takes_the_core_city_zone(client, post, login_as):
    login_as("gov_admin")
    data = challenge_form_data(province_code="", regency_code="", metro_code="mamminasata")
    assert post(NEW, data, page=NEW).status_code == 302
    [challenge] = _challenges()
    assert challenge.metro_code == "mamminasata" and challenge.province_code is None
    assert challenge.timezone == "Asia/Makassar"
    assert challenge.closes_at == datetime(2026, 12, 31, 15, 59, tzinfo=UTC)


@pytest.mark.parametrize("role", ["user", "org_admin", "gov_admin_unverified", "platform_admin"])
def test_others_cannot_create_for_palembang(client, post, login_as, role):
    login_as(role)
    assert client.get(NEW).status_code == 403
    assert post(NEW, challenge_form_data()).status_code == 403
    assert _count() == 0


def test_a_member_who_is_not_admin_is_refused(client, post, login_as, world):
    member = factories.make_user(email="staf@palembang.go.id")
    factories.add_member(world["gov_verified"], member, MemberRole.MEMBER)
    db.session.commit()
    from tests.conftest import log_in

    log_in(client, member)
    assert client.get(NEW).status_code == 403
    assert post(NEW, challenge_form_data()).status_code == 403
    assert _count() == 0


@pytest.mark.parametrize(("role", "slug"), [("gov_admin_unverified", "pemkot-makassar"), ("org_admin", "pt-industri")])
def test_unverified_government_and_industry_cannot_create(client, post, login_as, role, slug):
    login_as(role)
    url = f"/orgs/{slug}/challenges/new"
    assert client.get(url).status_code == 403
    assert post(url, challenge_form_data()).status_code == 403
    assert _count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_weights_not_totalling_100_write_nothing_and_keep_the_typed_values(client, post, login_as):
    login_as("gov_admin")
    data = challenge_form_data(title="Judul yang diketik", **criteria_data([("Relevansi", 40), ("Kelayakan", 33)]))
    response = post(NEW, data, page=NEW)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "criteria-errors" in html
    assert 'value="Judul yang diketik"' in html
    assert 'value="33"' in html and 'value="Kelayakan"' in html
    assert 'value="2026-12-31T23:59"' in html
    assert _count() == 0


@pytest.mark.parametrize(
    "rows",
    [
        [("Satu-satunya", 100)],
        [(f"Kriteria {number}", 10 if number == 10 else 9) for number in range(11)],
    ],
    ids=["one", "eleven"],
)
def test_criteria_count_is_between_2_and_10(client, post, login_as, rows):
    assert sum(weight for _, weight in rows) == 100
    login_as("gov_admin")
    data = {key: value for key, value in challenge_form_data().items() if not key.startswith("criteria-")}
    response = post(NEW, {**data, **criteria_data(rows)}, page=NEW)
    assert response.status_code == 422
    assert "criteria-errors" in response.get_data(as_text=True)
    assert _count() == 0


def test_deadline_before_opening_is_refused(client, post, login_as):
    login_as("gov_admin")
    response = post(NEW, challenge_form_data(opens_at="2026-12-01T08:00", closes_at="2026-11-20T08:00"), page=NEW)
    assert response.status_code == 422
    assert 'value="2026-11-20T08:00"' in response.get_data(as_text=True)
    assert _count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"summary": "x" * 301},
        {"eligible_kinds": []},
        {"sector": "bogus"},
        {"province_code": "16", "regency_code": "51.71"},
        {"province_code": "", "regency_code": "", "metro_code": ""},
        {"trl": "12"},
        {"budget_min": "5", "budget_max": "3"},
        {"budget_min": "-1"},
        {"score_scale": "7"},
    ],
    ids=["summary", "kinds", "sector", "regency", "region", "trl", "budget", "negative", "scale"],
)
def test_bad_values_are_refused(client, post, login_as, overrides):
    login_as("gov_admin")
    response = post(NEW, challenge_form_data(**overrides), page=NEW)
    assert response.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize(
    ("low", "high", "stored"),
    [
        ("480.000.000", "1,5 miliar", (480_000_000, 1_500_000_000)),
        ("Rp 480 juta", "Rp 1.500.000.000,-", (480_000_000, 1_500_000_000)),
    ],
)
def test_budgets_are_read_as_people_type_them(client, post, login_as, low, high, stored):
    login_as("gov_admin")
    assert 'id="budget_min" name="budget_min" type="text"' in client.get(NEW).get_data(as_text=True)
    assert post(NEW, challenge_form_data(budget_min=low, budget_max=high), page=NEW).status_code == 302
    [challenge] = _challenges()
    assert (challenge.budget_min, challenge.budget_max) == stored


def test_a_budget_that_cannot_be_read_is_refused_beside_its_field_as_typed(client, post, login_as):
    login_as("gov_admin")
    response = post(NEW, challenge_form_data(budget_min="48.00.000", budget_max="1,500"), page=NEW)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # Beside each field, in Indonesian (the default language), with the text as it was typed.
    assert 'value="48.00.000"' in html and 'value="1,500"' in html
    assert re.search(r'id="budget_min-error"[^>]*>Pisahkan ribuan per tiga angka', html)
    assert re.search(r'id="budget_max-error"[^>]*>Satu koma sebelum tiga angka bermakna ganda', html)
    assert _count() == 0


def test_the_highest_budget_is_compared_with_the_lowest_however_they_are_written(client, post, login_as):
    login_as("gov_admin")
    response = post(NEW, challenge_form_data(budget_min="1 miliar", budget_max="500.000.000"), page=NEW)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="budget_max-error"[^>]*>Jumlah tertinggi lebih kecil dari jumlah terendah', html)
    assert 'value="1.000.000.000"' in html and 'value="500.000.000"' in html
    assert _count() == 0


def test_a_draft_shows_its_budget_grouped_and_keeps_it_when_a_new_one_is_refused(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT, budget_min=480_000_000, budget_max=1_500_000_000)
    db.session.commit()
    url = f"/challenges/{challenge.slug}/edit"
    login_as("gov_admin")
    html = client.get(url).get_data(as_text=True)
    assert 'value="480.000.000"' in html and 'value="1.500.000.000"' in html
    refused = post(url, challenge_form_data(budget_min="1,5", budget_max="2 miliar"), page=url)
    assert refused.status_code == 422
    assert 'value="1,5"' in refused.get_data(as_text=True)
    [kept] = _challenges()
    assert (kept.budget_min, kept.budget_max) == (480_000_000, 1_500_000_000)
    assert post(url, challenge_form_data(budget_min="1,5 miliar", budget_max="2 miliar"), page=url).status_code == 302
    [saved] = _challenges()
    assert (saved.budget_min, saved.budget_max) == (1_500_000_000, 2_000_000_000)


def test_co_owners_must_be_verified_governments_and_then_manage(client, post, login_as, world):
    denpasar_admin = factories.make_user(email="admin@denpasar.go.id")
    denpasar = factories.make_org(OrgKind.GOVERNMENT, owner=denpasar_admin, verified=True, slug="pemkot-denpasar")
    db.session.commit()
    login_as("gov_admin")
    refused = post(NEW, challenge_form_data(co_owner_ids=[str(world["gov_unverified"].id)]), page=NEW)
    assert refused.status_code == 422
    assert _count() == 0
    assert post(NEW, challenge_form_data(co_owner_ids=[str(denpasar.id)]), page=NEW).status_code == 302
    [challenge] = _challenges()
    assert [row.organization_id for row in challenge.co_owners] == [denpasar.id]
    from tests.conftest import log_in

    log_in(client, denpasar_admin)
    assert client.get(f"/challenges/{challenge.slug}/edit").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ChallengeCoOwner)) == 1
    # The co-owner's dashboard and organization page list it with its own challenges (the draft for its managers).
    assert f'data-challenge="{challenge.slug}"' in client.get("/account/challenges").get_data(as_text=True)
    assert f'data-challenge="{challenge.slug}"' in client.get("/orgs/pemkot-denpasar").get_data(as_text=True)


def test_owner_edits_a_draft(client, post, login_as, palembang):
    challenge = make_challenge(
        palembang,
        ChallengeStatus.DRAFT,
        province_code="51",
        regency_code="51.71",
        timezone="Asia/Makassar",
        closes_at=datetime(2026, 12, 31, 15, 59, tzinfo=UTC),
    )
    db.session.commit()
    url = f"/challenges/{challenge.slug}/edit"
    login_as("gov_admin")
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="2026-12-31T23:59"' in html and "WITA" in html
    data = challenge_form_data(title="Judul baru", province_code="51", regency_code="51.71")
    assert post(url, data, page=url).status_code == 302
    [saved] = _challenges()
    assert saved.title == "Judul baru" and saved.slug == challenge.slug
    assert saved.closes_at == datetime(2026, 12, 31, 15, 59, tzinfo=UTC)


def test_a_published_challenge_is_not_edited_directly(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    url = f"/challenges/{challenge.slug}/edit"
    login_as("gov_admin")
    get = client.get(url)
    assert get.status_code == 302 and get.headers["Location"].endswith(f"/challenges/{challenge.slug}/addenda/new")
    response = post(url, challenge_form_data(title="Diam-diam diubah"), page=f"/challenges/{challenge.slug}")
    assert response.status_code == 422
    [saved] = _challenges()
    assert saved.title == challenge.title


@pytest.mark.parametrize("role", ["user", "org_admin", "gov_admin_unverified"])
def test_others_cannot_edit(client, post, login_as, palembang, role):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    login_as(role)
    url = f"/challenges/{challenge.slug}/edit"
    # Another's draft answers as a missing challenge would: nothing confirms that it exists.
    assert client.get(url).status_code == 404
    assert post(url, challenge_form_data(title="Dibajak")).status_code == 404
    assert _challenges()[0].title == challenge.title


def test_choices_of_several_are_checkboxes_not_a_ctrl_click_list(client, login_as):
    login_as("gov_admin")
    html = client.get(NEW).get_data(as_text=True)
    assert 'name="sdgs"' in html and "multiple" not in html.split('name="sdgs"')[0].rsplit("<", 1)[-1]
    assert re.search(r'<fieldset class="mb-3 checkbox-group" id="sdgs"', html)
    assert (
        len(re.findall(r'<input[^>]*type="checkbox"[^>]*name="sdgs"|<input[^>]*name="sdgs"[^>]*type="checkbox"', html))
        == 17
    )
