"""Starting a proposal (alone or for an organization, idempotent), editing drafts, one active proposal per team."""

import re
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from goi.core import clock
from goi.proposals.models import Proposal, ProposalStatus, TeamMemberStatus, TeamRole
from tests.conftest import csrf_token_from, log_in, post_form
from tests.proposals.conftest import make_proposal, proposal_form_data, proposals_of_team


def _start(client, challenge, team="solo", title="Sistem Peringatan Banjir"):
    url = f"/challenges/{challenge.slug}/proposals/new"
    return post_form(client, url, {"team": team, "title": title})


def test_start_alone_creates_a_draft_with_lead_and_sections(client, db, login_as, make_challenge):
    challenge = make_challenge()
    user = login_as("user")
    response = _start(client, challenge)
    assert response.status_code == 302
    [proposal] = proposals_of_team(db, challenge, f"user:{user.id}")
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/edit")
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.organization_id is None
    assert [(m.role, m.status, m.user_id) for m in proposal.members] == [
        (TeamRole.LEAD, TeamMemberStatus.ACCEPTED, user.id)
    ]
    assert sorted(s.criterion_id for s in proposal.sections) == sorted(c.id for c in challenge.criteria)


def test_start_for_an_organization_uses_the_org_team_key(client, db, login_as, make_challenge, world):
    challenge = make_challenge()
    login_as("org_member")
    industry = world["industry"]
    assert _start(client, challenge, team=str(industry.id)).status_code == 302
    [proposal] = proposals_of_team(db, challenge, f"org:{industry.id}")
    assert proposal.organization_id == industry.id


def test_double_clicked_start_makes_one_proposal(client, db, login_as, make_challenge):
    challenge = make_challenge()
    user = login_as("user")
    html = client.get(f"/challenges/{challenge.slug}/proposals/new").get_data(as_text=True)
    payload = {"team": "solo", "title": "Sekali saja", "csrf_token": csrf_token_from(html)}
    first = client.post(f"/challenges/{challenge.slug}/proposals/new", data=payload)
    second = client.post(f"/challenges/{challenge.slug}/proposals/new", data=payload)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(proposals_of_team(db, challenge, f"user:{user.id}")) == 1


def test_another_member_of_the_org_is_not_given_the_org_proposal(client, db, login_as, make_challenge, world):
    challenge = make_challenge()
    make_proposal(db, challenge, world["users"]["org_admin"], world["industry"])
    login_as("org_member")
    response = _start(client, challenge, team=str(world["industry"].id))
    assert response.status_code == 302
    assert "/edit" not in response.headers["Location"]
    assert len(proposals_of_team(db, challenge, f"org:{world['industry'].id}")) == 1


def test_start_for_an_organization_one_does_not_belong_to_is_refused(client, db, login_as, make_challenge, world):
    challenge = make_challenge()
    login_as("user")
    response = _start(client, challenge, team=str(world["industry"].id))
    assert response.status_code == 422
    assert proposals_of_team(db, challenge, f"org:{world['industry'].id}") == []


def test_start_needs_login(client, make_challenge, world):
    challenge = make_challenge()
    response = client.get(f"/challenges/{challenge.slug}/proposals/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_start_refused_after_deadline_and_on_draft_challenge(client, db, login_as, make_challenge):
    open_challenge = make_challenge()
    draft = make_challenge(publish=False, title="Sampah Plastik")
    user = login_as("user")
    assert client.get(f"/challenges/{draft.slug}/proposals/new").status_code == 404
    html = client.get(f"/challenges/{open_challenge.slug}/proposals/new").get_data(as_text=True)
    clock.freeze(open_challenge.closes_at + timedelta(seconds=1))
    response = client.post(
        f"/challenges/{open_challenge.slug}/proposals/new",
        data={"team": "solo", "title": "Terlambat", "csrf_token": csrf_token_from(html)},
    )
    assert response.status_code == 409
    assert proposals_of_team(db, open_challenge, f"user:{user.id}") == []


def test_edit_saves_and_sanitizes_markdown(client, db, login_as, make_challenge, world):
    challenge = make_challenge()
    lead = login_as("user")
    proposal = make_proposal(db, challenge, lead, filled=False)
    data = proposal_form_data(proposal, approach="**Tebal** <script>alert(1)</script>", budget_estimate="2500000")
    response = post_form(client, f"/proposals/{proposal.id}/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert "<strong>Tebal</strong>" in proposal.approach_html
    assert "<script" not in proposal.approach_html
    assert proposal.budget_estimate == 2_500_000
    assert all(section.body_source.startswith("Bagian ") for section in proposal.sections)


@pytest.mark.parametrize(
    ("field", "value"), [("trl", "12"), ("budget_estimate", "-5"), ("budget_estimate", "1,500"), ("title", "")]
)
def test_validation_error_keeps_what_was_typed(client, db, login_as, make_challenge, field, value):
    challenge = make_challenge()
    lead = login_as("user")
    proposal = make_proposal(db, challenge, lead, filled=False)
    typed = "Pendekatan panjang yang tidak boleh hilang 12345"
    data = proposal_form_data(proposal, approach=typed, **{field: value})
    response = post_form(client, f"/proposals/{proposal.id}/edit", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert typed in html
    assert "Bagian " in html
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).approach_source == ""


@pytest.mark.parametrize("typed", ["850.000.000", "Rp 850 juta", "0,85 miliar"])
def test_the_budget_estimate_is_read_as_people_type_it_and_shown_grouped(client, db, login_as, make_challenge, typed):
    challenge = make_challenge()
    lead = login_as("user")
    proposal = make_proposal(db, challenge, lead, filled=False)
    url = f"/proposals/{proposal.id}/edit"
    response = post_form(client, url, proposal_form_data(proposal, budget_estimate=typed))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).budget_estimate == 850_000_000
    assert 'name="budget_estimate" type="text" value="850.000.000"' in client.get(url).get_data(as_text=True)


def test_a_budget_estimate_that_cannot_be_read_says_why_and_changes_nothing(client, db, login_as, make_challenge):
    challenge = make_challenge()
    lead = login_as("user")
    proposal = make_proposal(db, challenge, lead, filled=False)
    response = post_form(client, f"/proposals/{proposal.id}/edit", proposal_form_data(proposal, budget_estimate="1,5"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="1,5"' in html
    assert re.search(r'id="budget_estimate-error"[^>]*>Jumlah harus bilangan bulat rupiah', html)
    db.session.expire_all()
    unchanged = db.session.get(Proposal, proposal.id)
    assert unchanged.budget_estimate is None and unchanged.approach_source == ""


def test_only_the_lead_edits(client, db, login_as, make_challenge, world, solver_orgs):
    from tests.proposals.conftest import accepted_partner

    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    accepted_partner(db, proposal, solver_orgs["partner_user"], solver_orgs["university"])
    log_in(client, solver_orgs["partner_user"])
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    log_in(client, solver_orgs["competitor"])
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 404


def test_database_keeps_one_active_proposal_per_team(db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    make_proposal(db, challenge, lead, filled=False)
    db.session.add(Proposal(challenge_id=challenge.id, lead_user_id=lead.id, team_key=f"user:{lead.id}", title="Kedua"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_withdrawn_proposals_do_not_block_a_new_one(db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    first = make_proposal(db, challenge, lead, filled=False)
    first.status = ProposalStatus.WITHDRAWN
    db.session.commit()
    db.session.add(Proposal(challenge_id=challenge.id, lead_user_id=lead.id, team_key=f"user:{lead.id}", title="Baru"))
    db.session.commit()
    assert len(proposals_of_team(db, challenge, f"user:{lead.id}")) == 2


def test_my_proposals_lists_lead_and_partner_proposals(client, db, login_as, make_challenge, world, solver_orgs):
    from tests.proposals.conftest import accepted_partner

    challenge = make_challenge()
    mine = make_proposal(db, challenge, world["users"]["user"], title="Milik Saya")
    other = make_proposal(db, challenge, world["users"]["org_admin"], world["industry"], title="Sebagai Mitra")
    accepted_partner(db, other, world["users"]["user"])
    hidden = make_proposal(db, challenge, solver_orgs["competitor"], title="Punya Orang Lain")
    login_as("user")
    html = client.get("/account/proposals").get_data(as_text=True)
    assert f'data-proposal-id="{mine.id}"' in html
    assert f'data-proposal-id="{other.id}"' in html
    assert f'data-proposal-id="{hidden.id}"' not in html
