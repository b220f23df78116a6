"""Assign automatically: affinity from the reviewers' expertise and counted projects against the proposals' text, the
grid's rules (conflicts, declines, loads, kept assignments), the preview and its confirmation, all or nothing."""

import json
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.challenges import lifecycle
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError
from goi.orgs.models import MemberRole, OrgKind, PastProject
from goi.reviews import auto_assign, rounds
from goi.reviews.models import (
    Assignment,
    AssignmentStatus,
    PanelRole,
    PanelStatus,
)
from tests import factories
from tests.conftest import log_in, post_form
from tests.proposals.conftest import make_submitted_proposal
from tests.reviews.test_rounds import _conflict, _member

PAIR = re.compile(r'name="pairs" value="(\d+:\d+)"')


@pytest.fixture(autouse=True)
def _in_english(app, client):
    client.set_cookie("goi_lang", "en")
    with force_locale("en"):
        yield


@pytest.fixture
def review(db, world, make_challenge):
    """A sealed challenge past its deadline with a flood proposal and a tax proposal (in Indonesian), an owner, three
    reviewers whose expertise is written in English (floods, local taxes, none), and round 1 of one review each."""
    challenge = make_challenge()
    flood = make_submitted_proposal(
        db,
        challenge,
        factories.make_user(email="tim-banjir@example.id"),
        title="Peringatan dini banjir Sungai Musi",
        summary="Sistem peringatan dini banjir untuk permukiman di tepi sungai.",
        approach="Sirene dan pesan singkat ke warga saat banjir datang.",
    )
    tax = make_submitted_proposal(
        db,
        challenge,
        factories.make_user(email="tim-pajak@example.id"),
        title="Pajak daerah daring",
        summary="Pembayaran pajak bumi dan bangunan secara daring.",
        approach="Aplikasi untuk wajib pajak dan kepatuhan pajak daerah.",
    )
    clock.freeze(challenge.closes_at + timedelta(minutes=1))
    lifecycle.close_expired_challenges()
    owner = world["users"]["gov_admin"]
    users = {
        "hydro": factories.make_user(email="hidro@example.id", name="Ahli Banjir", expertise="flood early warning"),
        "fiscal": factories.make_user(
            email="fiskal@example.id", name="Ahli Pajak", expertise="local tax, property tax"
        ),
        "general": factories.make_user(email="umum@example.id", name="Juri Umum"),
    }
    members = {name: _member(db, challenge, user) for name, user in users.items()}
    first = rounds.create_first_round(
        owner, challenge, rounds.RoundValues("Seleksi", clock.now() + timedelta(days=14), 1)
    )
    db.session.commit()
    yield {
        "challenge": challenge,
        "flood": flood,
        "tax": tax,
        "owner": owner,
        "users": users,
        "members": members,
        "round": first,
    }
    clock.reset()


def _target(db, review, count: int) -> None:
    review["round"].reviews_per_proposal = count
    db.session.commit()


def _pairs(result) -> set[tuple[int, int]]:
    return {(pair.proposal.id, pair.member.id) for pair in result.pairs}


def _assigned(db) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(Assignment.proposal_id, Assignment.member_id).where(Assignment.status == AssignmentStatus.ASSIGNED)
    )
    return set(rows.all())


def _assignment_count(db) -> int:
    return db.session.scalar(select(func.count(Assignment.id)))


def _url(review, part: str = "") -> str:
    return f"/challenges/{review['challenge'].slug}/review/rounds/1/auto-assign{part}"


# --- affinity and reasons -----------------------------------------------------------------------------------------


def test_affinity_favours_the_reviewer_whose_expertise_matches_across_languages(review):
    result = auto_assign.propose(review["round"], set(), "total", locale="en")
    members, flood, tax = review["members"], review["flood"], review["tax"]
    assert _pairs(result) == {(flood.id, members["hydro"].id), (tax.id, members["fiscal"].id)}
    by_pair = {(pair.proposal.id, pair.member.id): pair for pair in result.pairs}
    flood_pair = by_pair[(flood.id, members["hydro"].id)]
    assert flood_pair.affinity > 0
    # "flood early warning" meets "peringatan dini banjir" through the thesaurus, named in the viewer's language.
    assert {"flood", "early warning"} <= set(flood_pair.reasons)
    with force_locale("id"):
        in_indonesian = auto_assign.propose(review["round"], set(), "total", locale="id")
    reasons = {(pair.proposal.id, pair.member.id): pair.reasons for pair in in_indonesian.pairs}
    assert "banjir" in reasons[(flood.id, members["hydro"].id)]
    assert result.total == pytest.approx(sum(pair.affinity for pair in result.pairs))
    assert result.worst == pytest.approx(min(pair.affinity for pair in result.pairs))
    assert result.proposals == 2
    assert result.kept == 0


def test_only_past_projects_counted_for_matching_add_affinity_and_name_a_reason(review, db):
    flood, members, users = review["flood"], review["members"], review["users"]
    # Only the general reviewer may take the flood proposal; their profile says nothing but a past project.
    _conflict(db, review["challenge"], flood, users["hydro"])
    _conflict(db, review["challenge"], flood, users["fiscal"])
    project = PastProject(
        user_id=users["general"].id,
        title="Early warning of floods along the Musi",
        description="Sirens for riverside neighbourhoods.",
        counts_for_matching=False,
    )
    db.session.add(project)
    db.session.commit()

    def flood_pair():
        result = auto_assign.propose(review["round"], set(), "total", locale="en")
        (pair,) = [pair for pair in result.pairs if pair.proposal.id == flood.id]
        assert pair.member.id == members["general"].id
        return pair

    ignored = flood_pair()
    assert ignored.affinity == 0
    assert ignored.reasons == []
    project.counts_for_matching = True
    db.session.commit()
    counted = flood_pair()
    assert counted.affinity > 0
    assert "past project: Early warning of floods along the Musi" in counted.reasons


# --- the grid's rules ---------------------------------------------------------------------------------------------


def test_conflicts_and_declined_pairs_are_never_proposed(review, db):
    flood, tax, members, users = review["flood"], review["tax"], review["members"], review["users"]
    _conflict(db, review["challenge"], flood, users["hydro"])
    declined = rounds.assign(review["owner"], review["round"], tax.id, members["fiscal"].id)
    rounds.decline(users["fiscal"], declined, "Saya konsultan pemkot untuk pajak.")
    db.session.commit()
    for seed in range(5):
        pairs = _pairs(auto_assign.propose(review["round"], set(), "randomized", 1.0, seed=seed))
        assert (flood.id, members["hydro"].id) not in pairs
        assert (tax.id, members["fiscal"].id) not in pairs
        assert {proposal for proposal, _member in pairs} == {flood.id, tax.id}


def test_loads_are_respected_counting_the_rounds_existing_assignments(review, db):
    flood, tax, members = review["flood"], review["tax"], review["members"]
    _target(db, review, 2)
    members["hydro"].max_load = 1
    members["general"].max_load = 1
    db.session.commit()
    # The general reviewer's one place is taken already: they get nothing new.
    rounds.assign(review["owner"], review["round"], tax.id, members["general"].id)
    db.session.commit()
    result = auto_assign.propose(review["round"], set(), "total")
    assert _pairs(result) == {
        (flood.id, members["hydro"].id),
        (flood.id, members["fiscal"].id),
        (tax.id, members["fiscal"].id),
    }
    assert result.kept == 1


def test_a_rerun_after_a_decline_keeps_the_other_assignments_and_fills_only_the_gap(review, db):
    flood, members, users = review["flood"], review["members"], review["users"]
    _target(db, review, 2)
    first = auto_assign.propose(review["round"], set(), "total")
    assert len(first.pairs) == 4
    auto_assign.confirm(
        review["owner"], review["round"], set(), [(p.proposal.id, p.member.id) for p in first.pairs], "total"
    )
    db.session.commit()
    before = _assigned(db)
    flood_reviewers = {member for proposal, member in before if proposal == flood.id}
    assert members["hydro"].id in flood_reviewers
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.proposal_id == flood.id, Assignment.member_id == members["hydro"].id)
    )
    rounds.decline(users["hydro"], assignment, "Saya pernah bekerja dengan tim ini.")
    db.session.commit()
    (other,) = {member.id for member in members.values()} - flood_reviewers
    again = auto_assign.propose(review["round"], set(), "fair")
    assert _pairs(again) == {(flood.id, other)}
    assert again.proposals == 1
    assert again.kept == 1
    assert _assigned(db) == before - {(flood.id, members["hydro"].id)}


def test_an_impossible_assignment_names_the_proposals_and_writes_nothing(review, db, client):
    flood, users = review["flood"], review["users"]
    _target(db, review, 3)
    _conflict(db, review["challenge"], flood, users["general"])
    with pytest.raises(DomainError) as raised:
        auto_assign.propose(review["round"], set(), "total")
    named = f"Too few panel members may review Proposal #{flood.id}: Peringatan dini banjir Sungai Musi"
    assert named in raised.value.message
    log_in(client, review["owner"])
    response = post_form(client, _url(review), {"mode": "total", "max_probability": "0.5"})
    assert response.status_code == 422
    assert f"Proposal #{flood.id}: Peringatan dini banjir Sungai Musi" in response.get_data(as_text=True)
    assert _assignment_count(db) == 0


def test_missing_capacity_is_told_in_reviews(review, db):
    _target(db, review, 2)
    for member in review["members"].values():
        member.max_load = 1
    db.session.commit()
    with pytest.raises(DomainError, match="The panel's loads are 1 reviews short: 2 proposals × 2 reviewers need 4"):
        auto_assign.propose(review["round"], set(), "fair")


@pytest.mark.parametrize("mode", auto_assign.MODES)
def test_each_mode_gives_a_valid_assignment(review, db, mode):
    flood, tax, members, users = review["flood"], review["tax"], review["members"], review["users"]
    _target(db, review, 2)
    members["fiscal"].max_load = 1
    extra = factories.make_user(email="cadangan@example.id", name="Juri Cadangan", expertise="drainage")
    members["extra"] = _member(db, review["challenge"], extra)
    _conflict(db, review["challenge"], tax, users["hydro"])
    # Randomized at 0.75 needs three eligible members per proposal at two reviews each: tax has three.
    result = auto_assign.propose(review["round"], set(), mode, 0.75, seed=3)
    pairs = _pairs(result)
    for proposal in (flood, tax):
        assert len({member for pid, member in pairs if pid == proposal.id}) == 2
    assert (tax.id, members["hydro"].id) not in pairs
    assert sum(1 for _pid, member in pairs if member == members["fiscal"].id) <= 1


# --- at most one reviewer of an organization on a proposal ------------------------------------------------------


def _colleagues(db, review):
    """The flood expert and the general juror work at the same university; the fiscal expert elsewhere."""
    users = review["users"]
    users["general"].expertise = "flood drainage, banjir"
    campus = factories.make_org(OrgKind.ACADEMIA, slug="kampus-banjir", name="Kampus Banjir")
    factories.add_member(campus, users["hydro"], MemberRole.MEMBER)
    factories.add_member(campus, users["general"], MemberRole.MEMBER)
    office = factories.make_org(OrgKind.INDUSTRY, slug="konsultan-pajak", name="Konsultan Pajak")
    factories.add_member(office, users["fiscal"], MemberRole.MEMBER)
    _target(db, review, 2)


def test_organization_groups_join_users_through_any_shared_organization(db):
    people = [factories.make_user(email=f"orang{number}@example.id") for number in range(5)]
    first = factories.make_org(OrgKind.ACADEMIA, slug="satu")
    second = factories.make_org(OrgKind.INDUSTRY, slug="dua")
    factories.add_member(first, people[0], MemberRole.MEMBER)
    factories.add_member(first, people[1], MemberRole.MEMBER)
    factories.add_member(second, people[1], MemberRole.MEMBER)
    factories.add_member(second, people[2], MemberRole.MEMBER)
    db.session.commit()
    groups = auto_assign.organization_groups([person.id for person in people])
    assert groups[0] == groups[1] == groups[2]  # 0 and 2 share no organization, but both share one with 1
    assert len({groups[0], groups[3], groups[4]}) == 3  # no organization: each alone


@pytest.mark.parametrize("mode", ["total", "fair"])
def test_one_reviewer_per_organization_keeps_colleagues_apart(review, db, mode):
    _colleagues(db, review)
    flood, members = review["flood"], review["members"]
    colleagues = {members["hydro"].id, members["general"].id}
    unconstrained = auto_assign.propose(review["round"], set(), mode)
    assert {member for pid, member in _pairs(unconstrained) if pid == flood.id} == colleagues  # the two best fits
    result = auto_assign.propose(review["round"], set(), mode, one_per_organization=True)
    pairs = _pairs(result)
    for proposal in (flood, review["tax"]):
        reviewers = {member for pid, member in pairs if pid == proposal.id}
        assert len(reviewers) == 2 and not colleagues <= reviewers


def test_one_reviewer_per_organization_is_refused_with_randomized_and_when_impossible(review, db, client):
    _colleagues(db, review)
    with pytest.raises(DomainError, match="not the randomized") as raised:
        auto_assign.propose(review["round"], set(), "randomized", 0.75, one_per_organization=True)
    assert raised.value.field == "one_per_organization"
    _conflict(db, review["challenge"], review["flood"], review["users"]["fiscal"])
    with pytest.raises(DomainError, match="reviewers of different organizations"):
        auto_assign.propose(review["round"], set(), "total", one_per_organization=True)
    log_in(client, review["owner"])
    form = client.get(_url(review)).get_data(as_text=True)
    assert 'name="one_per_organization"' in form
    response = post_form(
        client,
        _url(review),
        {"mode": "total", "max_probability": "0.5", "one_per_organization": "y"},
        page=_url(review),
    )
    assert response.status_code == 422
    assert "reviewers of different organizations" in response.get_data(as_text=True)
    assert _assignment_count(db) == 0


def test_one_reviewer_per_organization_names_a_proposal_that_already_breaks_it(review, db):
    _colleagues(db, review)
    _target(db, review, 3)
    flood, members = review["flood"], review["members"]
    for name in ("hydro", "general"):
        rounds.assign(review["owner"], review["round"], flood.id, members[name].id)
    db.session.commit()
    with pytest.raises(DomainError, match="already has two reviewers of the same organization"):
        auto_assign.propose(review["round"], set(), "total", one_per_organization=True)


def test_a_locked_round_is_refused(review, db, client):
    rounds.lock_round(review["owner"], review["round"])
    db.session.commit()
    with pytest.raises(DomainError, match="locked"):
        auto_assign.propose(review["round"], set(), "total")
    log_in(client, review["owner"])
    page = client.get(_url(review)).get_data(as_text=True)
    assert "This round is locked" in page
    assert 'class="auto-assign-form"' not in page


# --- the pages ----------------------------------------------------------------------------------------------------


def test_the_grid_offers_it_and_the_preview_shows_pairs_reasons_figures_and_time(review, client, db):
    log_in(client, review["owner"])
    grid = client.get(f"/challenges/{review['challenge'].slug}/review/rounds/1/assignments").get_data(as_text=True)
    assert _url(review) in grid
    assert "js/auto_assign.js" in grid
    response = post_form(client, _url(review), {"mode": "fair", "max_probability": "0.5"}, page=_url(review))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    members = review["members"]
    assert set(PAIR.findall(html)) == {
        f"{review['flood'].id}:{members['hydro'].id}",
        f"{review['tax'].id}:{members['fiscal'].id}",
    }
    assert "Solved in" in html
    assert "early warning" in html
    assert "Lowest affinity of one proposal" in html
    # The confirm form carries the mode; every pair is checked until the owner unchecks it.
    assert re.search(r'<input[^>]*name="mode"[^>]*value="fair"', html)
    assert html.count(" checked>") == 2
    assert _assignment_count(db) == 0


def test_confirm_creates_exactly_the_checked_pairs(review, client, db):
    log_in(client, review["owner"])
    html = post_form(client, _url(review), {"mode": "total", "max_probability": "0.5"}).get_data(as_text=True)
    keys = PAIR.findall(html)
    assert len(keys) == 2
    response = post_form(client, _url(review, "/confirm"), {"mode": "total", "pairs": keys[:1]}, page=_url(review))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/review/rounds/1/assignments")
    proposal, member = (int(part) for part in keys[0].split(":"))
    assert _assigned(db) == {(proposal, member)}
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.auto_assigned")).all()
    assert [json.loads(event.detail_json)["count"] for event in logged] == [1]


@pytest.mark.parametrize("tamper", ["conflict", "not_accepted", "full_load", "other_panel", "past_target"])
def test_a_tampered_confirm_is_refused_and_writes_nothing(review, client, db, world, make_challenge, tamper):
    flood, tax, members, users = review["flood"], review["tax"], review["members"], review["users"]
    good = f"{tax.id}:{members['fiscal'].id}"
    if tamper == "conflict":
        _conflict(db, review["challenge"], flood, users["hydro"])
        bad, told = f"{flood.id}:{members['hydro'].id}", "conflict of interest"
    elif tamper == "not_accepted":
        invited = _member(db, review["challenge"], factories.make_user(name="Belum Jawab"), status=PanelStatus.INVITED)
        bad, told = f"{flood.id}:{invited.id}", "Only panel members who accepted"
    elif tamper == "full_load":
        _target(db, review, 2)
        members["general"].max_load = 1
        rounds.assign(review["owner"], review["round"], tax.id, members["general"].id)
        db.session.commit()
        bad, told = f"{flood.id}:{members['general'].id}", "load is full"
    elif tamper == "other_panel":
        elsewhere = make_challenge(title="Sampah di Palembang")
        stranger = _member(db, elsewhere, factories.make_user(name="Rahasia Lain"))
        bad, told = f"{flood.id}:{stranger.id}", "a panel member"
    else:
        bad, told = f"{flood.id}:{members['general'].id}", "past the round"
        good = f"{flood.id}:{members['hydro'].id}"
    before = _assignment_count(db)
    log_in(client, review["owner"])
    response = post_form(client, _url(review, "/confirm"), {"mode": "total", "pairs": [good, bad]}, page=_url(review))
    assert response.status_code == 302
    assert _assignment_count(db) == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was assigned" in page
    assert told in page
    assert "Rahasia Lain" not in page


def test_a_malformed_or_unchecked_confirm_is_refused(review, client, db):
    log_in(client, review["owner"])
    malformed = post_form(client, _url(review, "/confirm"), {"mode": "total", "pairs": ["1;2"]}, page=_url(review))
    assert malformed.status_code == 400
    bad_mode = post_form(client, _url(review, "/confirm"), {"mode": "greedy", "pairs": ["1:2"]}, page=_url(review))
    assert bad_mode.status_code == 400
    empty = post_form(client, _url(review, "/confirm"), {"mode": "total"}, page=_url(review))
    assert empty.status_code == 302
    assert "Check at least one proposed assignment" in client.get(empty.headers["Location"]).get_data(as_text=True)
    unknown = post_form(client, _url(review), {"mode": "greedy", "max_probability": "0.5"})
    assert unknown.status_code == 422
    assert _assignment_count(db) == 0


def test_a_conflicted_chair_neither_sees_nor_assigns_that_proposal(review, client, db):
    flood, tax = review["flood"], review["tax"]
    chair = factories.make_user(email="ketua@example.id", name="Ketua Panel")
    chair_member = _member(db, review["challenge"], chair, role=PanelRole.CHAIR)
    _conflict(db, review["challenge"], flood, chair)
    log_in(client, chair)
    html = post_form(client, _url(review), {"mode": "total", "max_probability": "0.5"}).get_data(as_text=True)
    assert {key.split(":")[0] for key in PAIR.findall(html)} == {str(tax.id)}
    assert "Peringatan dini banjir" not in html
    hidden = f"{flood.id}:{review['members']['hydro'].id}"
    response = post_form(client, _url(review, "/confirm"), {"mode": "total", "pairs": [hidden]}, page=_url(review))
    assert response.status_code == 404
    assert chair_member.id not in {member for _proposal, member in _assigned(db)}
    assert _assignment_count(db) == 0


@pytest.mark.parametrize("who", ["reviewer", "team"])
def test_a_reviewer_or_a_team_member_cannot_reach_the_pages(review, client, db, who):
    user = review["users"]["hydro"] if who == "reviewer" else review["flood"].lead_user
    log_in(client, user)
    assert client.get(_url(review)).status_code in (403, 404)
    pair = f"{review['flood'].id}:{review['members']['hydro'].id}"
    solve = post_form(client, _url(review), {"mode": "total", "max_probability": "0.5"}, page="/")
    confirm = post_form(client, _url(review, "/confirm"), {"mode": "total", "pairs": [pair]}, page="/")
    assert solve.status_code in (403, 404)
    assert confirm.status_code in (403, 404)
    assert _assignment_count(db) == 0


def test_csrf_is_required_and_get_changes_nothing(review, client, db):
    log_in(client, review["owner"])
    page = client.get(_url(review))
    assert page.status_code == 200
    assert 'aria-live="polite"' in page.get_data(as_text=True)
    assert client.get(_url(review, "/confirm")).status_code == 405
    pair = f"{review['flood'].id}:{review['members']['hydro'].id}"
    assert client.post(_url(review, "/confirm"), data={"mode": "total", "pairs": [pair]}).status_code == 400
    assert client.post(_url(review), data={"mode": "total", "max_probability": "0.5"}).status_code == 400
    assert _assignment_count(db) == 0
