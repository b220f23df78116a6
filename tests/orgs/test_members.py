"""Invitations, roles, removing and leaving."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.mail import OutboxMessage
from goi.orgs.models import Invitation, MemberRole, Membership
from tests import factories
from tests.conftest import log_in, post_form
from tests.orgs import fresh_client

MEMBERS = "/orgs/pt-industri/members"
LINK = re.compile(r"http://localhost(/invitations/[A-Za-z0-9_-]+)")


@pytest.fixture
def client(app):
    return fresh_client(app)


def _fresh(db):
    db.session.expire_all()


def _invitations(db, email: str) -> list[Invitation]:
    _fresh(db)
    return list(db.session.scalars(select(Invitation).where(Invitation.email == email).order_by(Invitation.id)))


def _outbox(db, kind: str, recipient: str) -> list[OutboxMessage]:
    _fresh(db)
    query = select(OutboxMessage).where(OutboxMessage.kind == kind, OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _membership(db, organization, user) -> Membership | None:
    _fresh(db)
    return db.session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user.id)
    )


def _membership_count(db, organization) -> int:
    _fresh(db)
    return db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.organization_id == organization.id)
    )


def _invite(client, email: str, role: str = "member"):
    return post_form(client, MEMBERS, {"email": email, "role": role})


def _invitation_path(db, email: str) -> str:
    messages = _outbox(db, "org_invitation", email)
    assert messages, f"no invitation mail to {email}"
    match = LINK.search(messages[-1].body_text)
    assert match, messages[-1].body_text
    return match.group(1)


@pytest.mark.parametrize(("role", "invited_role"), [("org_owner", "admin"), ("org_admin", "member")])
def test_owner_and_admin_invite_by_email(client, db, login_as, world, role, invited_role):
    inviter = login_as(role)
    response = _invite(client, "Baru@Example.id", invited_role)
    assert response.status_code == 302
    invitations = _invitations(db, "baru@example.id")
    assert len(invitations) == 1
    invitation = invitations[0]
    assert invitation.role == MemberRole(invited_role)
    assert invitation.organization_id == world["industry"].id
    assert invitation.invited_by_id == inviter.id
    assert invitation.accepted_at is None and invitation.revoked_at is None
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=14)) < timedelta(seconds=1)
    assert len(invitation.token_hash) == 64
    messages = _outbox(db, "org_invitation", "baru@example.id")
    assert len(messages) == 1
    path = _invitation_path(db, "baru@example.id")
    # Only the hash of the token is stored.
    assert invitation.token_hash not in path
    assert "PT Industri" in messages[0].subject + messages[0].body_text
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "org.member_invited")).all()
    assert len(audit) == 1 and audit[0].detail["email"] == "baru@example.id"


@pytest.mark.parametrize("role", ["org_member", "user"])
def test_non_managers_cannot_invite(client, db, login_as, role):
    login_as(role)
    assert client.get(MEMBERS).status_code == 403
    response = post_form(client, MEMBERS, {"email": "baru@example.id", "role": "member"}, page="/")
    assert response.status_code == 403
    assert _invitations(db, "baru@example.id") == []
    assert _outbox(db, "org_invitation", "baru@example.id") == []


def test_only_an_owner_can_invite_an_owner(client, db, login_as):
    login_as("org_admin")
    response = _invite(client, "calon-owner@example.id", "owner")
    assert response.status_code in (200, 302)
    assert _invitations(db, "calon-owner@example.id") == []
    assert _outbox(db, "org_invitation", "calon-owner@example.id") == []

    login_as("org_owner")
    assert _invite(client, "calon-owner@example.id", "owner").status_code == 302
    invitations = _invitations(db, "calon-owner@example.id")
    assert [i.role for i in invitations] == [MemberRole.OWNER]


def test_inviting_an_existing_member_is_refused(client, db, login_as):
    login_as("org_owner")
    _invite(client, "member@industri.id")
    assert _invitations(db, "member@industri.id") == []
    assert _outbox(db, "org_invitation", "member@industri.id") == []


def test_invitee_accepts_while_logged_in_with_that_email(client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "tamu@example.id", "admin")
    path = _invitation_path(db, "tamu@example.id")
    guest = factories.make_user(email="tamu@example.id", name="Tamu Undangan")
    db.session.commit()

    login_as("anonymous")
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]

    log_in(client, guest)
    before = _membership_count(db, world["industry"])
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="submit"' in html and 'method="post"' in html
    assert _membership(db, world["industry"], guest) is None
    assert _membership_count(db, world["industry"]) == before
    assert _invitations(db, "tamu@example.id")[0].accepted_at is None

    response = post_form(client, path, {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/orgs/pt-industri")
    membership = _membership(db, world["industry"], guest)
    assert membership is not None
    assert membership.role == MemberRole.ADMIN
    assert _invitations(db, "tamu@example.id")[0].accepted_at is not None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "org.member_joined")) == 1

    # The link is used up.
    assert client.get(path).status_code == 404


def test_accepting_is_case_insensitive_for_the_account_email(client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "campur@example.id")
    path = _invitation_path(db, "campur@example.id")
    guest = factories.make_user(email="Campur@Example.id")
    db.session.commit()
    log_in(client, guest)
    assert post_form(client, path, {}).status_code == 302
    assert _membership(db, world["industry"], guest) is not None


def test_another_logged_in_user_cannot_accept(client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "tamu@example.id", "owner")
    path = _invitation_path(db, "tamu@example.id")

    intruder = login_as("user")
    response = post_form(client, path, {})
    assert response.status_code != 302
    assert _membership(db, world["industry"], intruder) is None
    invitation = _invitations(db, "tamu@example.id")[0]
    assert invitation.accepted_at is None
    assert invitation.is_open

    # A member of another organization cannot use it either.
    other = login_as("gov_admin")
    post_form(client, path, {})
    assert _membership(db, world["industry"], other) is None


def test_expired_invitation_is_refused(app, client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "telat@example.id")
    path = _invitation_path(db, "telat@example.id")
    guest = factories.make_user(email="telat@example.id")
    db.session.commit()
    clock.shift(timedelta(days=app.config["INVITATION_MAX_AGE_DAYS"], minutes=1))
    log_in(client, guest)
    assert client.get(path).status_code == 404
    response = post_form(client, path, {}, page="/")
    assert response.status_code == 404
    assert _membership(db, world["industry"], guest) is None
    assert _invitations(db, "telat@example.id")[0].accepted_at is None


def test_invitation_still_valid_just_before_expiry(app, client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "tepat@example.id")
    path = _invitation_path(db, "tepat@example.id")
    guest = factories.make_user(email="tepat@example.id")
    db.session.commit()
    clock.shift(timedelta(days=app.config["INVITATION_MAX_AGE_DAYS"]) - timedelta(minutes=5))
    log_in(client, guest)
    assert post_form(client, path, {}).status_code == 302
    assert _membership(db, world["industry"], guest) is not None


def test_revoked_invitation_is_refused(client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "batal@example.id")
    path = _invitation_path(db, "batal@example.id")
    invitation = _invitations(db, "batal@example.id")[0]
    response = post_form(client, f"/orgs/pt-industri/invitations/{invitation.id}/revoke", {}, page=MEMBERS)
    assert response.status_code == 302
    assert _invitations(db, "batal@example.id")[0].revoked_at is not None

    guest = factories.make_user(email="batal@example.id")
    db.session.commit()
    log_in(client, guest)
    assert client.get(path).status_code == 404
    assert post_form(client, path, {}, page="/").status_code == 404
    assert _membership(db, world["industry"], guest) is None


def test_a_new_invitation_replaces_the_old_one(client, db, login_as, world):
    login_as("org_owner")
    _invite(client, "dua@example.id")
    first = _invitation_path(db, "dua@example.id")
    _invite(client, "dua@example.id", "admin")
    second = _invitation_path(db, "dua@example.id")
    assert first != second
    invitations = _invitations(db, "dua@example.id")
    assert invitations[0].revoked_at is not None and invitations[1].revoked_at is None
    guest = factories.make_user(email="dua@example.id")
    db.session.commit()
    log_in(client, guest)
    assert client.get(first).status_code == 404
    assert post_form(client, second, {}).status_code == 302
    assert _membership(db, world["industry"], guest).role == MemberRole.ADMIN


def test_unknown_invitation_token_is_404(client, db, login_as):
    login_as("user")
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_other_organization_cannot_revoke_an_invitation(client, db, login_as):
    login_as("org_owner")
    _invite(client, "x@example.id")
    invitation = _invitations(db, "x@example.id")[0]
    login_as("gov_admin")
    response = post_form(client, f"/orgs/pemkot-palembang/invitations/{invitation.id}/revoke", {}, page="/")
    assert response.status_code == 404
    assert _invitations(db, "x@example.id")[0].revoked_at is None


# Roles


def _change_role(client, db, organization, user, role: str, slug: str = "pt-industri"):
    membership = _membership(db, organization, user)
    return post_form(client, f"/orgs/{slug}/members/{membership.id}/role", {"role": role}, page=f"/orgs/{slug}")


def _role_events(db) -> list[AuditEvent]:
    _fresh(db)
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "org.role_changed")))


def test_owner_changes_roles_and_it_is_audited(client, db, login_as, world):
    owner = login_as("org_owner")
    member = world["users"]["org_member"]
    response = _change_role(client, db, world["industry"], member, "admin")
    assert response.status_code == 302
    assert _membership(db, world["industry"], member).role == MemberRole.ADMIN
    events = _role_events(db)
    assert len(events) == 1
    event = events[0]
    assert event.actor_id == owner.id
    assert event.object_type == "organization" and event.object_id == world["industry"].id
    assert event.detail == {"user_id": member.id, "old": "member", "new": "admin"}

    # An owner may also make someone an owner.
    assert _change_role(client, db, world["industry"], member, "owner").status_code == 302
    assert _membership(db, world["industry"], member).role == MemberRole.OWNER
    assert len(_role_events(db)) == 2


def test_admin_changes_members_but_not_owners(client, db, login_as, world):
    login_as("org_admin")
    member = world["users"]["org_member"]
    owner = world["users"]["org_owner"]
    assert _change_role(client, db, world["industry"], member, "admin").status_code == 302
    assert _membership(db, world["industry"], member).role == MemberRole.ADMIN

    _change_role(client, db, world["industry"], owner, "member")
    assert _membership(db, world["industry"], owner).role == MemberRole.OWNER
    _change_role(client, db, world["industry"], member, "owner")
    assert _membership(db, world["industry"], member).role == MemberRole.ADMIN
    assert len(_role_events(db)) == 1


def test_member_cannot_change_roles(client, db, login_as, world):
    login_as("org_member")
    response = _change_role(client, db, world["industry"], world["users"]["org_member"], "owner")
    assert response.status_code == 403
    assert _membership(db, world["industry"], world["users"]["org_member"]).role == MemberRole.MEMBER
    assert _role_events(db) == []


def test_last_owner_cannot_step_down(client, db, login_as, world):
    owner = login_as("org_owner")
    _change_role(client, db, world["industry"], owner, "admin")
    assert _membership(db, world["industry"], owner).role == MemberRole.OWNER
    assert _role_events(db) == []

    # With a second owner, stepping down works.
    _change_role(client, db, world["industry"], world["users"]["org_admin"], "owner")
    assert _change_role(client, db, world["industry"], owner, "admin").status_code == 302
    assert _membership(db, world["industry"], owner).role == MemberRole.ADMIN
    assert len(_role_events(db)) == 2


def test_role_change_of_a_membership_of_another_org_is_404(client, db, login_as, world):
    login_as("org_owner")
    foreign = _membership(db, world["gov_verified"], world["users"]["gov_admin"])
    response = post_form(client, f"/orgs/pt-industri/members/{foreign.id}/role", {"role": "member"}, page="/")
    assert response.status_code == 404
    assert _membership(db, world["gov_verified"], world["users"]["gov_admin"]).role == MemberRole.OWNER


# Removing and leaving


def _remove(client, db, organization, user):
    membership = _membership(db, organization, user)
    return post_form(client, f"/orgs/pt-industri/members/{membership.id}/remove", {}, page=MEMBERS)


def test_owner_and_admin_remove_a_member(client, db, login_as, world):
    login_as("org_admin")
    assert _remove(client, db, world["industry"], world["users"]["org_member"]).status_code == 302
    assert _membership(db, world["industry"], world["users"]["org_member"]) is None
    login_as("org_owner")
    assert _remove(client, db, world["industry"], world["users"]["org_admin"]).status_code == 302
    assert _membership(db, world["industry"], world["users"]["org_admin"]) is None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "org.member_removed")) == 2


def test_admin_cannot_remove_an_owner_and_last_owner_stays(client, db, login_as, world):
    owner = world["users"]["org_owner"]
    login_as("org_admin")
    _remove(client, db, world["industry"], owner)
    assert _membership(db, world["industry"], owner) is not None
    login_as("org_owner")
    _remove(client, db, world["industry"], owner)
    assert _membership(db, world["industry"], owner) is not None


def test_member_cannot_remove_others(client, db, login_as, world):
    login_as("org_member")
    membership = _membership(db, world["industry"], world["users"]["org_admin"])
    response = post_form(client, f"/orgs/pt-industri/members/{membership.id}/remove", {}, page="/")
    assert response.status_code == 403
    assert _membership(db, world["industry"], world["users"]["org_admin"]) is not None


def test_member_leaves(client, db, login_as, world):
    member = login_as("org_member")
    response = post_form(client, "/orgs/pt-industri/leave", {}, page="/orgs/pt-industri")
    assert response.status_code == 302
    assert _membership(db, world["industry"], member) is None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "org.member_left")) == 1
    # No longer a member: leaving again is forbidden.
    assert post_form(client, "/orgs/pt-industri/leave", {}, page="/").status_code == 403


def test_last_owner_cannot_leave(client, db, login_as, world):
    owner = login_as("org_owner")
    response = post_form(client, "/orgs/pt-industri/leave", {}, page="/orgs/pt-industri")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/orgs/pt-industri")
    assert _membership(db, world["industry"], owner) is not None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "org.member_left")) == 0


def test_non_member_cannot_leave(client, db, login_as):
    login_as("user")
    assert post_form(client, "/orgs/pt-industri/leave", {}, page="/").status_code == 403


def test_members_page_lists_members_and_open_invitations(client, db, login_as):
    login_as("org_owner")
    _invite(client, "terbuka@example.id")
    html = client.get(MEMBERS).get_data(as_text=True)
    for email in ("owner@industri.id", "member@industri.id", "admin@industri.id", "terbuka@example.id"):
        assert email in html
