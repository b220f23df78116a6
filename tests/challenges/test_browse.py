"""Browsing /challenges: public only, each filter filters, sorting, paging, a constant number of queries."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from goi.challenges.models import ChallengeStatus
from goi.extensions import db
from goi.orgs.models import MemberRole, OrgKind
from tests import factories
from tests.challenges import NOW, make_challenge
from tests.conftest import count_statements, statements_of

ROW = re.compile(r'data-challenge="([^"]+)"')


def _slugs(client, query: str = "") -> list[str]:
    response = client.get(f"/challenges{query}")
    assert response.status_code == 200, response.status_code
    return ROW.findall(response.get_data(as_text=True))


@pytest.fixture
def catalogue(palembang):
    """A small set of challenges, each standing out in one filter."""
    make = make_challenge
    challenges = {
        "draft": make(palembang, ChallengeStatus.DRAFT, slug="draft"),
        "open": make(
            palembang,
            ChallengeStatus.PUBLISHED,
            slug="open",
            sector="water",
            budget_min=100_000_000,
            budget_max=500_000_000,
            closes_at=NOW + timedelta(days=5),
        ),
        "expired": make(
            palembang,
            ChallengeStatus.PUBLISHED,
            slug="expired",
            closes_at=NOW - timedelta(hours=1),
            opens_at=NOW - timedelta(days=10),
        ),
        "closed": make(
            palembang,
            ChallengeStatus.CLOSED,
            slug="closed",
            closes_at=NOW - timedelta(days=2),
            opens_at=NOW - timedelta(days=10),
        ),
        "review": make(
            palembang,
            ChallengeStatus.UNDER_REVIEW,
            slug="review",
            closes_at=NOW - timedelta(days=3),
            opens_at=NOW - timedelta(days=10),
        ),
        "bali": make(
            palembang,
            ChallengeStatus.PUBLISHED,
            slug="bali",
            province_code="51",
            regency_code="51.03",
            timezone="Asia/Makassar",
            allow_industry=False,
            budget_min=2_000_000_000,
            closes_at=NOW + timedelta(days=60),
        ),
        "metro": make(
            palembang,
            ChallengeStatus.PUBLISHED,
            slug="metro",
            province_code=None,
            regency_code=None,
            metro_code="sarbagita",
            timezone="Asia/Makassar",
            closes_at=NOW + timedelta(days=90),
        ),
        "cancelled": make(
            palembang,
            ChallengeStatus.CANCELLED,
            slug="cancelled",
            cancel_reason="Batal",
            closes_at=NOW + timedelta(days=10),
        ),
    }
    db.session.commit()
    return challenges


def test_drafts_are_never_listed(client, catalogue, login_as):
    assert "draft" not in _slugs(client)
    login_as("gov_admin")
    assert "draft" not in _slugs(client)
    assert set(_slugs(client)) == set(catalogue) - {"draft"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=open", {"open", "bali", "metro"}),
        ("?status=closed", {"expired", "closed"}),
        ("?status=under_review", {"review"}),
        ("?status=cancelled", {"cancelled"}),
        ("?sector=water", {"open"}),
        ("?province=51", {"bali", "metro"}),
        ("?metro=sarbagita", {"bali", "metro"}),
        ("?metro=patungraya-agung", {"open", "expired", "closed", "review", "cancelled"}),
        ("?kind=industry&status=open", {"open", "metro"}),
        ("?budget_min=400000000&budget_max=600000000", {"open"}),
        ("?budget_min=1000000000", {"bali"}),
        ("?budget_max=50000000", set()),
        ("?budget_min=400.000.000&budget_max=600.000.000", {"open"}),
        ("?budget_min=Rp+400+juta&budget_max=0,6+miliar", {"open"}),
        ("?budget_min=1+miliar", {"bali"}),
        ("?closes_within=7", {"open"}),
        ("?closes_from=2026-12-01&closes_until=2026-12-31", {"bali"}),
    ],
)
def test_each_filter_filters(client, catalogue, query, expected):
    assert set(_slugs(client, query)) == expected


def test_sorting(client, catalogue):
    deadline = _slugs(client, "?status=open&sort=deadline")
    assert deadline == ["open", "bali", "metro"]
    assert _slugs(client, "?sort=budget")[:2] == ["bali", "open"]
    assert _slugs(client)[:3] == ["open", "bali", "metro"]  # open challenges first, soonest deadline first


def test_invalid_filters_are_ignored_with_a_message(client, catalogue):
    response = client.get("/challenges?status=bogus&budget_min=abc&closes_from=kemarin&sort=x&province=99")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ignored-filters" in html
    assert set(ROW.findall(html)) == set(catalogue) - {"draft"}


def test_a_budget_filter_shows_its_amount_grouped_or_says_it_was_ignored(client, catalogue):
    html = client.get("/challenges?budget_min=480000000").get_data(as_text=True)
    assert 'name="budget_min" type="text" value="480.000.000"' in html
    assert "ignored-filters" not in html
    refused = client.get("/challenges?budget_min=1,500&budget_max=-5").get_data(as_text=True)
    assert "Anggaran mulai dari (Rp), Anggaran hingga (Rp)." in refused
    assert 'value="1,500"' in refused and 'value="-5"' in refused
    assert set(ROW.findall(refused)) == set(catalogue) - {"draft"}


def test_bad_page_numbers_answer_404(client, catalogue):
    assert client.get("/challenges?page=abc").status_code == 404
    assert client.get("/challenges?page=9").status_code == 404


def test_empty_state(client, db):
    html = client.get("/challenges").get_data(as_text=True)
    assert "empty-state" in html and "data-challenge" not in html


def test_pagination(client, palembang):
    for number in range(25):
        make_challenge(palembang, ChallengeStatus.PUBLISHED, closes_at=NOW + timedelta(days=number + 1))
    db.session.commit()
    first, second = _slugs(client), _slugs(client, "?page=2")
    assert len(first) == 20 and len(second) == 5 and not set(first) & set(second)
    assert 'rel="next"' in client.get("/challenges").get_data(as_text=True)


def _count_queries(client, query: str = "") -> int:
    return count_statements(client, f"/challenges{query}")


def test_the_number_of_queries_does_not_grow_with_the_challenges(client, palembang):
    owners = [palembang] + [
        factories.make_org(OrgKind.GOVERNMENT, verified=True, slug=f"pemkab-{number}") for number in range(4)
    ]
    for number in range(3):
        make_challenge(owners[number % len(owners)], ChallengeStatus.PUBLISHED)
    db.session.commit()
    db.session.expire_all()
    few = _count_queries(client)
    for number in range(27):
        make_challenge(owners[number % len(owners)], ChallengeStatus.PUBLISHED)
    db.session.commit()
    db.session.expire_all()
    many = _count_queries(client)
    assert few == many


def test_organization_page_lists_its_challenges(client, login_as, palembang, world):
    published = make_challenge(palembang, ChallengeStatus.PUBLISHED, slug="terbit")
    draft = make_challenge(palembang, ChallengeStatus.DRAFT, slug="konsep")
    db.session.commit()
    assert _org_rows(client) == {published.slug}
    login_as("user")
    assert _org_rows(client) == {published.slug}
    login_as("gov_admin")
    assert _org_rows(client) == {published.slug, draft.slug}
    assert "/orgs/pemkot-palembang/challenges/new" in client.get("/orgs/pemkot-palembang").get_data(as_text=True)


def _org_rows(client) -> set[str]:
    return set(ROW.findall(client.get("/orgs/pemkot-palembang").get_data(as_text=True)))


def test_my_challenges_counts_per_state(client, login_as, palembang, world):
    for status in (ChallengeStatus.DRAFT, ChallengeStatus.PUBLISHED, ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED):
        make_challenge(palembang, status)
    other = factories.make_org(OrgKind.GOVERNMENT, verified=True, slug="pemkot-lain")
    make_challenge(other, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert 'data-status="draft" data-count="1"' in html
    assert 'data-status="published" data-count="2"' in html
    assert 'data-status="closed" data-count="1"' in html
    assert len(ROW.findall(html)) == 4
    assert 'href="/account/challenges"' in html  # the nav link for challenge owners


def test_my_challenges_issue_as_many_queries_for_30_challenges_as_for_3(client, login_as, palembang, world):
    statuses = (ChallengeStatus.DRAFT, ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED)

    def add(count: int) -> None:
        for number in range(count):
            make_challenge(palembang, statuses[number % len(statuses)])
        db.session.commit()
        db.session.expire_all()

    add(3)
    login_as("gov_admin")
    few = count_statements(client, "/account/challenges")
    add(27)
    html = client.get("/account/challenges").get_data(as_text=True)
    assert len(ROW.findall(html)) == 30 and 'data-status="draft" data-count="10"' in html
    assert count_statements(client, "/account/challenges") == few


def test_my_challenges_counts_its_challenges_once(client, login_as, palembang, world):
    """The list's length is the sum of the counts per state: no second count over the same challenges."""
    for status in (ChallengeStatus.DRAFT, ChallengeStatus.PUBLISHED):
        make_challenge(palembang, status)
    db.session.commit()
    login_as("gov_admin")
    # (The rows' statement counts each row's followers, questions and proposals, not the challenges.)
    counts = [
        s
        for s in statements_of(client, "/account/challenges")
        if "count(" in s and "FROM challenges" in s and "FROM follows" not in s
    ]
    assert len(counts) == 1, counts
    assert client.get("/account/challenges?page=2").status_code == 404  # past the last page, as counted


def test_my_challenges_for_someone_who_owns_none(client, login_as, world):
    member = factories.make_user(email="staf@palembang.go.id")
    factories.add_member(world["gov_verified"], member, MemberRole.MEMBER)
    db.session.commit()
    login_as("user")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert "empty-state" in html and 'href="/account/challenges"' not in html.split("<main")[0]


def test_budget_shown_in_rupiah(client, palembang):
    make_challenge(
        palembang,
        ChallengeStatus.PUBLISHED,
        budget_min=1_500_000_000,
        budget_max=2_000_000_000,
        closes_at=datetime(2026, 12, 31, 16, 59, tzinfo=UTC),
    )
    db.session.commit()
    html = client.get("/challenges").get_data(as_text=True)
    assert "Rp 1.500.000.000 – Rp 2.000.000.000" in html and "31 Des 2026, 23.59 WIB" in html


def test_a_page_read_by_its_keys_holds_the_rows_of_the_plain_page_in_the_same_order(app, palembang):
    from goi.challenges.models import Challenge
    from goi.challenges.queries import browse_query
    from goi.core.pagination import paginate

    for number in range(25):
        make_challenge(
            palembang,
            ChallengeStatus.PUBLISHED if number % 5 else ChallengeStatus.CLOSED,
            closes_at=NOW + timedelta(days=number % 4 + 1),  # ties, broken by id
            budget_max=(number % 3) * 100_000_000 or None,
        )
    db.session.commit()
    for sort in ("deadline", "newest", "budget"):
        query = browse_query({"sort": sort})
        for page in (1, 2, 3):
            with app.test_request_context():
                plain = paginate(query, per_page=10, page=page)
                keyed = paginate(query, per_page=10, page=page, key=Challenge.id)
            assert [c.id for c in keyed.items] == [c.id for c in plain.items], (sort, page)
            assert keyed.total == plain.total == 25 and len(keyed.items) == (5 if page == 3 else 10)


def test_the_open_first_page_is_the_page_of_the_open_first_order_across_the_boundary(app, palembang):
    """browse_page reads the open challenges and the others apart; each page holds what one sort would give."""
    from goi.challenges.queries import browse_page, browse_query
    from goi.core.pagination import paginate

    for number in range(23):
        status = ChallengeStatus.PUBLISHED if number % 3 else ChallengeStatus.DECIDED
        days = (number % 5) - 2  # some published ones past their deadline: not open, listed with the others
        make_challenge(
            palembang, status, closes_at=NOW + timedelta(days=days, hours=1), opens_at=NOW - timedelta(days=9)
        )
    db.session.commit()
    for filters in ({}, {"sort": "deadline", "sector": "transportation"}, {"status": "closed"}):
        with app.test_request_context():
            pages = paginate(browse_query(filters), per_page=4, page=1).pages
        assert pages >= 2, filters  # the data cross a page boundary in every case
        query = browse_query(filters)
        for page in range(1, pages + 1):
            with app.test_request_context():
                expected = paginate(query, per_page=4, page=page)
            with app.test_request_context(f"/challenges?page={page}"):
                got = browse_page(filters, None, per_page=4)
            assert [c.id for c in got.items] == [c.id for c in expected.items], (filters, page)
            assert got.total == expected.total and got.items
    with app.test_request_context("/challenges?page=2"):
        assert [c.id for c in browse_page({"sort": "newest"}, None, per_page=4).items] == [
            c.id for c in paginate(browse_query({"sort": "newest"}), per_page=4, page=2).items
        ]


def test_a_part_of_the_open_first_order_that_the_page_does_not_reach_is_not_read(client, palembang):
    for number in range(3):
        make_challenge(palembang, ChallengeStatus.PUBLISHED, closes_at=NOW + timedelta(days=number + 1))
    db.session.commit()
    only_open = _count_queries(client)
    for number in range(2):
        make_challenge(palembang, ChallengeStatus.DECIDED, closes_at=NOW - timedelta(days=number + 1))
    db.session.commit()
    both = _count_queries(client)
    assert len(_slugs(client)) == 5
    assert only_open == both - 1


def test_a_challenge_page_asks_about_the_viewers_memberships_once(client, login_as, palembang, world):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("user")
    statements = statements_of(client, f"/challenges/{challenge.slug}")
    assert len([s for s in statements if "FROM memberships" in s]) == 1, statements
    # The owner organization comes with the challenge, not in a statement of its own.
    assert not [s for s in statements if s.lstrip().startswith("SELECT organizations.id") and "JOIN" not in s]


def test_my_challenges_holds_each_challenge_once_across_owner_and_co_owners(client, login_as, palembang, world):
    from goi.challenges.models import ChallengeCoOwner

    admin = world["users"]["gov_admin"]
    denpasar = factories.make_org(OrgKind.GOVERNMENT, verified=True, slug="pemkot-denpasar")
    badung = factories.make_org(OrgKind.GOVERNMENT, verified=True, slug="pemkab-badung")
    factories.add_member(denpasar, admin, MemberRole.ADMIN)
    factories.add_member(badung, admin, MemberRole.ADMIN)
    # Owned by one of the admin's organizations and co-owned by the two others.
    shared = make_challenge(palembang, ChallengeStatus.PUBLISHED, slug="bersama")
    db.session.add_all([ChallengeCoOwner(challenge=shared, organization=org) for org in (denpasar, badung)])
    # Co-owned only, by two of them; and someone else's challenge the admin has nothing to do with.
    other = factories.make_org(OrgKind.GOVERNMENT, verified=True, slug="pemkot-lain")
    co_owned = make_challenge(other, ChallengeStatus.DRAFT, slug="mitra")
    db.session.add_all([ChallengeCoOwner(challenge=co_owned, organization=org) for org in (denpasar, badung)])
    make_challenge(other, ChallengeStatus.PUBLISHED, slug="bukan-milik")
    db.session.commit()
    login_as("gov_admin")
    html = client.get("/account/challenges").get_data(as_text=True)
    assert ROW.findall(html) == ["mitra", "bersama"]  # created at the same moment: the later id first
    assert 'data-status="published" data-count="1"' in html and 'data-status="draft" data-count="1"' in html
