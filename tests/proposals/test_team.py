"""Consortium teams: invitations by email, accepting and declining, removing partners."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from goi.core import clock
from goi.notify.models import Notification
from goi.proposals import signals
from goi.proposals.models import Proposal, TeamMember, TeamMemberStatus, TeamRole
from tests import factories
from tests.conftest import log_in, post_form
from tests.proposals.conftest import INVITE_LINK, make_proposal, outbox


def _partners(db, proposal) -> list[TeamMember]:
    db.session.expire_all()
    query = select(TeamMember).where(TeamMember.proposal_id == proposal.id, TeamMember.role == TeamRole.PARTNER)
    return list(db.session.scalars(query.order_by(TeamMember.id)))


def _invite(client, proposal, email, responsibility="Analisis data", organization_id=""):
    return post_form(
        client,
        f"/proposals/{proposal.id}/team",
        {"email": email, "responsibility": responsibility, "organization_id": organization_id},
    )


def _link(db, email) -> str:
    [message] = [m for m in outbox(db, "team_invitation") if m.recipient == email]
    match = INVITE_LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


@pytest.fixture
def invited():
    seen = []

    def _listener(sender, **extra):
        seen.append((sender, extra))

    signals.team_member_invited.connect(_listener)
    yield seen
    signals.team_member_invited.disconnect(_listener)


def test_invitation_is_emailed_to_the_partner_and_nobody_else(client, db, make_challenge, world, solver_orgs, invited):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    before = len(outbox(db))
    log_in(client, lead)
    response = _invite(client, proposal, "Dosen@Unsri.ac.id", organization_id=str(solver_orgs["university"].id))
    assert response.status_code == 302
    [member] = _partners(db, proposal)
    assert (member.email, member.status, member.organization_id) == (
        "dosen@unsri.ac.id",
        TeamMemberStatus.INVITED,
        solver_orgs["university"].id,
    )
    assert member.responsibility == "Analisis data"
    assert len(member.token_hash) == 64
    messages = outbox(db)[before:]
    assert [(m.recipient, m.kind) for m in messages] == [("dosen@unsri.ac.id", "team_invitation")]
    path = _link(db, "dosen@unsri.ac.id")
    token = path.rsplit("/", 1)[1]
    assert token not in member.token_hash
    [(sender, extra)] = invited
    assert sender.id == member.id and extra["path"] == path and extra["inviter"].id == lead.id


def test_invitation_uses_the_invitees_locale(client, db, make_challenge, world):
    factories.make_user(email="english@example.id", locale="en")
    db.session.commit()
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    log_in(client, world["users"]["user"])
    _invite(client, proposal, "english@example.id")
    _invite(client, proposal, "tanpa-akun@example.id")
    locales = {m.recipient: m.locale for m in outbox(db, "team_invitation")}
    assert locales == {"english@example.id": "en", "tanpa-akun@example.id": "id"}


def test_an_invitees_in_app_notification_links_a_path_as_every_notification_does(client, db, make_challenge, world):
    invitee = factories.make_user(email="punya-akun@example.id")
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    log_in(client, world["users"]["user"])
    _invite(client, proposal, "punya-akun@example.id")
    [notification] = db.session.scalars(
        select(Notification).where(Notification.user_id == invitee.id, Notification.kind == "team_invitation")
    ).all()
    assert notification.link == _link(db, "punya-akun@example.id")
    assert notification.link.startswith("/team-invitations/")


def test_get_shows_the_invitation_and_changes_nothing_post_accepts(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    _invite(client, proposal, "dosen@unsri.ac.id", organization_id=str(solver_orgs["university"].id))
    path = _link(db, "dosen@unsri.ac.id")
    partner = solver_orgs["partner_user"]
    log_in(client, partner)
    page = client.get(path)
    assert page.status_code == 200
    assert 'value="accept"' in page.get_data(as_text=True)
    assert _partners(db, proposal)[0].status == TeamMemberStatus.INVITED
    response = post_form(client, path, {"decision": "accept"})
    assert response.status_code == 302
    [member] = _partners(db, proposal)
    assert (member.status, member.user_id, member.token_hash) == (TeamMemberStatus.ACCEPTED, partner.id, None)
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert client.get(path).status_code == 404  # the link is used up
    log_in(client, lead)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Universitas Sriwijaya" in html.split('id="partner-organizations"', 1)[1]


def test_only_the_invited_address_can_answer(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    log_in(client, world["users"]["user"])
    _invite(client, proposal, "dosen@unsri.ac.id")
    path = _link(db, "dosen@unsri.ac.id")
    log_in(client, solver_orgs["competitor"])
    assert post_form(client, path, {"decision": "accept"}).status_code == 422
    assert _partners(db, proposal)[0].status == TeamMemberStatus.INVITED
    assert client.get(f"/proposals/{proposal.id}").status_code == 404


def test_named_organization_must_be_the_accepters(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    outsider = factories.make_user(email="bukan-anggota@example.id")
    db.session.commit()
    log_in(client, world["users"]["user"])
    _invite(client, proposal, outsider.email, organization_id=str(solver_orgs["university"].id))
    path = _link(db, outsider.email)
    log_in(client, outsider)
    assert post_form(client, path, {"decision": "accept"}).status_code == 422
    assert _partners(db, proposal)[0].status == TeamMemberStatus.INVITED


def test_decline_and_remove(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    _invite(client, proposal, "dosen@unsri.ac.id")
    _invite(client, proposal, "lain@example.id")
    log_in(client, solver_orgs["partner_user"])
    assert post_form(client, _link(db, "dosen@unsri.ac.id"), {"decision": "decline"}).status_code == 302
    assert client.get(f"/proposals/{proposal.id}").status_code == 404
    log_in(client, lead)
    other = next(m for m in _partners(db, proposal) if m.email == "lain@example.id")
    url = f"/proposals/{proposal.id}/team/{other.id}/remove"
    response = post_form(client, url, page=f"/proposals/{proposal.id}/team")
    assert response.status_code == 302
    assert [(m.email, m.status) for m in _partners(db, proposal)] == [("dosen@unsri.ac.id", TeamMemberStatus.DECLINED)]


def test_partners_cannot_manage_the_team(client, db, make_challenge, world, solver_orgs):
    from tests.proposals.conftest import accepted_partner

    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    member = accepted_partner(db, proposal, solver_orgs["partner_user"], solver_orgs["university"])
    log_in(client, solver_orgs["partner_user"])
    assert client.get(f"/proposals/{proposal.id}/team").status_code == 200
    assert _invite(client, proposal, "x@example.id").status_code == 403
    response = post_form(client, f"/proposals/{proposal.id}/team/{member.id}/remove", page="/")
    assert response.status_code == 403
    assert len(_partners(db, proposal)) == 1
    assert outbox(db, "team_invitation") == []


def test_team_is_frozen_after_the_deadline(client, db, make_challenge, world):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    log_in(client, world["users"]["user"])
    page = f"/proposals/{proposal.id}/team"
    html_token_page = page
    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    response = post_form(client, page, {"email": "telat@example.id", "responsibility": "x"}, page=html_token_page)
    assert response.status_code == 422
    assert _partners(db, proposal) == []
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).members[0].role == TeamRole.LEAD


def test_team_table_names_each_member_with_their_email_under_a_member_column(
    client, db, make_challenge, world, solver_orgs
):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    _invite(client, proposal, "dosen@unsri.ac.id", organization_id=str(solver_orgs["university"].id))
    _invite(client, proposal, "belum@contoh.id")
    partner = solver_orgs["partner_user"]
    log_in(client, partner)
    post_form(client, _link(db, "dosen@unsri.ac.id"), {"decision": "accept"})
    log_in(client, lead)
    client.set_cookie("goi_lang", "en")
    html = client.get(f"/proposals/{proposal.id}/team").get_data(as_text=True)
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "Member" in head and "Email address" not in head
    rows = {
        row.split('data-member-status="', 1)[1].split('"', 1)[0] + str(index): row
        for index, row in enumerate(html.split("<tr ")[1:])
    }
    accepted = [row for key, row in rows.items() if key.startswith("accepted")]
    invited = [row for key, row in rows.items() if key.startswith("invited")]
    assert any(partner.name in row and partner.email in row for row in accepted)
    assert any(lead.name in row and lead.email in row for row in accepted)
    assert len(invited) == 1 and "belum@contoh.id" in invited[0]
