"""Submission: eligibility, consortium, the server's deadline, versions with their hash, withdraw and resubmit."""

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from goi.challenges.models import SolverKind
from goi.core import clock
from goi.orgs.models import OrgKind
from goi.proposals import signals
from goi.proposals.models import (
    Proposal,
    ProposalStatus,
    ProposalVersion,
    TeamMember,
    TeamMemberStatus,
    TeamRole,
)
from tests import factories
from tests.conftest import log_in, post_form
from tests.proposals.conftest import accepted_partner, fill, make_proposal, proposal_form_data, submit


def _reload(db, proposal) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def _versions(db, proposal) -> list[ProposalVersion]:
    db.session.expire_all()
    query = select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id).order_by(ProposalVersion.version)
    return list(db.session.scalars(query))


def _raw_proposal(db, challenge, lead, organization=None) -> Proposal:
    """A complete proposal written as rows, bypassing the start checks, to test the submission checks alone."""
    proposal = Proposal(
        challenge=challenge,
        lead_user_id=lead.id,
        organization=organization,
        team_key=f"org:{organization.id}" if organization else f"user:{lead.id}",
        title="Baris langsung",
    )
    proposal.members.append(
        TeamMember(user_id=lead.id, email=lead.email, role=TeamRole.LEAD, status=TeamMemberStatus.ACCEPTED)
    )
    db.session.add(proposal)
    db.session.flush()
    fill(proposal)
    db.session.commit()
    return proposal


@pytest.fixture
def received():
    """Every proposal_submitted signal sent during the test."""
    seen = []

    def _listener(sender, **extra):
        seen.append((sender, extra))

    signals.proposal_submitted.connect(_listener)
    yield seen
    signals.proposal_submitted.disconnect(_listener)


def test_submit_records_version_hash_and_signal(client, db, make_challenge, world, received):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    moment = clock.now().replace(microsecond=0)
    clock.freeze(moment)
    log_in(client, lead)
    response = submit(client, proposal)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/receipt")
    proposal = _reload(db, proposal)
    [version] = _versions(db, proposal)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert (proposal.version, version.version) == (1, 1)
    assert proposal.submitted_at == version.submitted_at == moment
    assert version.content_hash == hashlib.sha256(version.content_json.encode()).hexdigest() == proposal.content_hash
    content = json.loads(version.content_json)
    assert version.content_json == json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert [criterion_id for criterion_id, _ in content["sections"]] == sorted(c.id for c in challenge.criteria)
    assert content["budget_estimate"] == 1_500_000_000 and content["trl"] == 6
    assert [(sender.id, extra["version"].id, extra["actor"].id) for sender, extra in received] == [
        (proposal.id, version.id, lead.id)
    ]


def test_receipt_shows_utc_zone_and_hash(client, db, make_challenge, world):
    challenge = make_challenge(province_code="73", title="Air Bersih Makassar")  # Sulawesi Selatan: WITA
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    from datetime import UTC, datetime

    clock.freeze(datetime(2030, 1, 15, 2, 30, 5, tzinfo=UTC))
    challenge.closes_at = datetime(2030, 2, 1, tzinfo=UTC)
    db.session.commit()
    log_in(client, lead)
    assert submit(client, proposal).status_code == 302
    html = client.get(f"/proposals/{proposal.id}/receipt").get_data(as_text=True)
    assert "2030-01-15 02:30:05 UTC" in html
    assert "2030-01-15 10:30:05 WITA (Asia/Makassar)" in html
    assert _reload(db, proposal).content_hash in html


def test_double_submit_makes_one_version(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    assert submit(client, proposal).status_code == 302
    assert submit(client, proposal).status_code == 302
    assert [v.version for v in _versions(db, proposal)] == [1]


def test_editing_then_submitting_makes_a_new_version_with_a_new_hash(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    submit(client, proposal)
    data = proposal_form_data(_reload(db, proposal), summary="Ringkasan yang diperbaiki")
    assert post_form(client, f"/proposals/{proposal.id}/edit", data).status_code == 302
    assert 'id="unsubmitted-changes"' in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert submit(client, proposal).status_code == 302
    first, second = _versions(db, proposal)
    assert (first.version, second.version) == (1, 2)
    assert first.content_hash != second.content_hash
    for version in (first, second):
        assert hashlib.sha256(version.content_json.encode()).hexdigest() == version.content_hash
    assert json.loads(second.content_json)["summary"] == "Ringkasan yang diperbaiki"
    proposal = _reload(db, proposal)
    assert (proposal.version, proposal.content_hash) == (2, second.content_hash)


def test_incomplete_proposal_is_refused(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    proposal.sections[0].body_source = "  "
    db.session.commit()
    log_in(client, lead)
    response = submit(client, proposal)
    assert response.status_code == 422
    assert challenge.criteria[0].name in response.get_data(as_text=True)
    assert _reload(db, proposal).status == ProposalStatus.DRAFT
    assert _versions(db, proposal) == []


def test_wrong_roles_cannot_submit(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["org_admin"], world["industry"])
    accepted_partner(db, proposal, solver_orgs["partner_user"], solver_orgs["university"])
    log_in(client, solver_orgs["partner_user"])  # a partner sees it but is not the lead
    assert submit(client, proposal).status_code == 403
    log_in(client, world["users"]["org_member"])  # same organization, not on the team
    page = f"/proposals/{proposal.id}"
    assert client.get(page).status_code == 404
    assert post_form(client, f"/proposals/{proposal.id}", page="/").status_code == 404
    assert _versions(db, proposal) == []


def test_community_org_on_industry_only_challenge(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge(eligible_kinds=[SolverKind.INDUSTRY])
    community = solver_orgs["community"]
    lead = world["users"]["user"]
    log_in(client, lead)
    response = post_form(
        client,
        f"/challenges/{challenge.slug}/proposals/new",
        {"team": str(community.id), "title": "Komunitas"},
    )
    assert response.status_code == 422
    proposal = _raw_proposal(db, challenge, lead, community)
    assert submit(client, proposal).status_code == 422
    assert _reload(db, proposal).status == ProposalStatus.DRAFT


def test_solo_citizen_where_citizens_are_not_allowed(client, db, make_challenge, world):
    challenge = make_challenge(eligible_kinds=[SolverKind.INDUSTRY, SolverKind.ACADEMIA])
    lead = world["users"]["user"]
    proposal = _raw_proposal(db, challenge, lead)
    log_in(client, lead)
    assert submit(client, proposal).status_code == 422
    assert _versions(db, proposal) == []


def test_government_org_cannot_apply(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["gov_admin_unverified"]
    proposal = _raw_proposal(db, challenge, lead, world["gov_unverified"])
    log_in(client, lead)
    assert submit(client, proposal).status_code == 422
    assert _versions(db, proposal) == []
    response = post_form(
        client,
        f"/challenges/{challenge.slug}/proposals/new",
        {"team": str(world["gov_unverified"].id), "title": "Pemerintah"},
    )
    assert response.status_code == 422


def test_consortium_needs_an_accepted_partner_from_another_org(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge(consortium_required=True)
    lead = world["users"]["org_admin"]
    proposal = make_proposal(db, challenge, lead, world["industry"])
    log_in(client, lead)
    assert submit(client, proposal).status_code == 422
    accepted_partner(db, proposal, world["users"]["org_member"], world["industry"])  # same organization
    assert submit(client, proposal).status_code == 422
    accepted_partner(db, proposal, solver_orgs["partner_user"], solver_orgs["university"])
    assert submit(client, proposal).status_code == 302
    assert _reload(db, proposal).status == ProposalStatus.SUBMITTED


def test_partner_not_yet_accepted_blocks_submission(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    response = post_form(
        client, f"/proposals/{proposal.id}/team", {"email": "mitra@example.id", "responsibility": "Sensor"}
    )
    assert response.status_code == 302
    assert submit(client, proposal).status_code == 422
    assert _versions(db, proposal) == []


def test_one_second_late_is_refused_whatever_the_page_showed(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Submit" in page or "submit" in page
    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    assert submit(client, proposal).status_code == 422
    assert _reload(db, proposal).status == ProposalStatus.DRAFT
    assert _versions(db, proposal) == []


def test_after_the_deadline_edit_and_withdraw_are_refused(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    submit(client, proposal)
    data = proposal_form_data(_reload(db, proposal), summary="Diubah setelah tenggat")
    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    assert post_form(client, f"/proposals/{proposal.id}/edit", data, page="/").status_code == 302
    assert post_form(client, f"/proposals/{proposal.id}/withdraw", page="/").status_code == 422
    proposal = _reload(db, proposal)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.summary != "Diubah setelah tenggat"
    assert 'id="read-only"' in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


@pytest.mark.parametrize(("offset", "accepted"), [(timedelta(microseconds=-1), True), (timedelta(0), False)])
def test_deadline_boundary(client, db, make_challenge, world, offset, accepted):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    clock.freeze(challenge.closes_at + offset)
    response = submit(client, proposal)
    assert response.status_code == (302 if accepted else 422)
    assert len(_versions(db, proposal)) == (1 if accepted else 0)


def test_withdraw_then_resubmit(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    submit(client, proposal)
    assert post_form(client, f"/proposals/{proposal.id}/withdraw", page="/").status_code == 302
    assert _reload(db, proposal).status == ProposalStatus.WITHDRAWN
    assert submit(client, proposal).status_code == 302
    proposal = _reload(db, proposal)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.withdrawn_at is None
    assert [v.version for v in _versions(db, proposal)] == [1, 2]


def test_withdrawn_cannot_come_back_while_the_team_has_another_active_proposal(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    old = make_proposal(db, challenge, lead, title="Lama")
    log_in(client, lead)
    submit(client, old)
    post_form(client, f"/proposals/{old.id}/withdraw", page="/")
    new = make_proposal(db, challenge, lead, title="Baru")
    assert new.id != old.id
    client.set_cookie("goi_lang", "en")
    response = submit(client, old)
    assert response.status_code == 422
    assert "already has another active proposal" in response.get_data(as_text=True)
    assert _reload(db, old).status == ProposalStatus.WITHDRAWN
    assert [v.version for v in _versions(db, old)] == [1]


def test_investor_org_allowed_only_when_investors_are(db, make_challenge, world):
    from goi.core.errors import DomainError
    from goi.proposals.services import check_eligibility

    investor = factories.make_org(OrgKind.INVESTOR, slug="modal-ventura", name="Modal Ventura")
    assert check_eligibility(make_challenge(title="Satu"), investor) is None
    with pytest.raises(DomainError):
        check_eligibility(make_challenge(title="Dua", eligible_kinds=[SolverKind.CITIZEN]), investor)


def test_members_of_the_owner_organization_cannot_propose(app, db, world):
    """A conflict of interest: the owner's own staff may not answer their challenge, alone or in a team."""
    from goi.challenges import lifecycle as challenge_lifecycle
    from goi.challenges import services as challenge_services
    from goi.core.errors import DomainError
    from goi.orgs.models import MemberRole
    from goi.proposals import services as proposal_services
    from goi.proposals import submission as proposal_submission
    from goi.proposals.models import TeamMember, TeamMemberStatus, TeamRole
    from goi.proposals.permissions import can_start_proposal
    from tests.factories import add_member, make_user

    challenge = challenge_services.create_challenge(
        world["users"]["gov_admin"],
        world["gov_verified"],
        {
            "title": "Konflik kepentingan",
            "summary": "Uji.",
            "sector": "water",
            "province_code": "16",
            "regency_code": "16.71",
            "eligible_kinds": ["industry", "citizen"],
            "opens_at": clock.now(),
            "closes_at": clock.now() + timedelta(days=5),
        },
    )
    challenge_lifecycle.publish(world["users"]["gov_admin"], challenge)
    staff = make_user(email="staf@palembang.go.id")
    add_member(world["gov_verified"], staff, MemberRole.MEMBER)
    db.session.commit()
    assert not can_start_proposal(staff, challenge)
    assert can_start_proposal(world["users"]["user"], challenge)
    with pytest.raises(DomainError):
        proposal_services.start_proposal(staff, challenge, None, "Usulan orang dalam")
    outsider = world["users"]["user"]
    proposal = proposal_services.start_proposal(outsider, challenge, None, "Usulan warga")
    proposal.members.append(
        TeamMember(user_id=staff.id, email=staff.email, role=TeamRole.PARTNER, status=TeamMemberStatus.ACCEPTED)
    )
    db.session.flush()
    problems = proposal_submission.submission_problems(proposal)
    assert any(staff.name in problem for problem in problems)
