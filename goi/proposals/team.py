"""Proposal teams (consortia): the lead invites partners by email; partners accept or decline."""

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from goi.accounts.models import User
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.links import absolute_path, path_for
from goi.core.mail import queue_mail
from goi.core.tokens import hash_token
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind
from goi.proposals import signals
from goi.proposals.models import Proposal, TeamMember, TeamMemberStatus, TeamRole
from goi.proposals.services import partners, require_lead, require_open, solver_organizations


def partner_organizations(proposal: Proposal) -> list[Organization]:
    """Organizations of the accepted partners, each once."""
    found: list[Organization] = []
    for member in partners(proposal):
        if member.status == TeamMemberStatus.ACCEPTED and member.organization and member.organization not in found:
            found.append(member.organization)
    return found


def invite_partner(
    user: User, proposal: Proposal, email: str, responsibility: str, organization: Organization | None
) -> TeamMember:
    """Record a partner invitation and email its link (the token exists only in the link)."""
    require_lead(user, proposal)
    require_open(proposal)
    email = email.strip().lower()
    if email == user.email.lower():
        raise DomainError(_("You are already the team lead."), field="email")
    if organization is not None and organization.kind == OrgKind.GOVERNMENT:
        raise DomainError(_("A government organization cannot be a partner."), field="organization_id")
    member = next((member for member in proposal.members if member.email == email), None)
    if member is not None and member.status != TeamMemberStatus.DECLINED:
        raise DomainError(_("This person is already on the team or invited."), field="email")
    token = secrets.token_urlsafe(32)
    if member is None:
        member = TeamMember(email=email, role=TeamRole.PARTNER)
        proposal.members.append(member)
    member.user_id = None
    member.organization = organization
    member.responsibility = responsibility.strip()[:200]
    member.status = TeamMemberStatus.INVITED
    member.token_hash = hash_token(token)
    member.invited_at = clock.now()
    member.accepted_at = None
    db.session.flush()
    invitee = db.session.scalar(select(User).where(func.lower(User.email) == email))
    path = path_for("proposals.team_invitation", token=token)
    queue_mail(
        email,
        "team_invitation",
        invitee.locale if invitee else "id",
        proposal=proposal,
        challenge=proposal.challenge,
        member=member,
        inviter=user,
        link=absolute_path(path),
    )
    audit.record(
        "proposal.partner_invited", actor_id=user.id, object_type="proposal", object_id=proposal.id, email=email
    )
    signals.team_member_invited.send(member, path=path, inviter=user)
    return member


def member_for_token(token: str) -> TeamMember | None:
    member = db.session.scalar(select(TeamMember).where(TeamMember.token_hash == hash_token(token)))
    if member is None or member.status != TeamMemberStatus.INVITED:
        return None
    return member


def pending_invitation(user: User, member_id: int) -> TeamMember | None:
    """The unanswered invitation member_id if it was sent to user's address, else None (the dashboard answers it
    without the emailed token: the logged-in owner of the address is who the token stands for)."""
    member = db.session.get(TeamMember, member_id)
    if member is None or member.status != TeamMemberStatus.INVITED or member.email != user.email.lower():
        return None
    return member


def _answerable(user: User, member: TeamMember | None) -> TeamMember:
    if member is None:
        raise DomainError(_("This invitation is invalid or was withdrawn."))
    if member.email != user.email.lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Log in with that address to answer it.", email=member.email)
        )
    require_open(member.proposal)
    return member


def accept_team_invitation(user: User, token: str) -> TeamMember:
    return accept_invitation(user, member_for_token(token))


def decline_team_invitation(user: User, token: str) -> TeamMember:
    return decline_invitation(user, member_for_token(token))


def accept_invitation(user: User, member: TeamMember | None) -> TeamMember:
    member = _answerable(user, member)
    if member.organization is not None and member.organization not in solver_organizations(user):
        raise DomainError(
            _(
                "The invitation names %(name)s; only a member of that organization can accept it.",
                name=member.organization.name,
            )
        )
    member.user_id = user.id
    member.status = TeamMemberStatus.ACCEPTED
    member.accepted_at = clock.now()
    member.token_hash = None
    audit.record("proposal.partner_accepted", actor_id=user.id, object_type="proposal", object_id=member.proposal_id)
    return member


def decline_invitation(user: User, member: TeamMember | None) -> TeamMember:
    member = _answerable(user, member)
    member.status = TeamMemberStatus.DECLINED
    member.token_hash = None
    audit.record("proposal.partner_declined", actor_id=user.id, object_type="proposal", object_id=member.proposal_id)
    return member


def remove_partner(user: User, member: TeamMember) -> None:
    proposal = member.proposal
    require_lead(user, proposal)
    require_open(proposal)
    if member.role == TeamRole.LEAD:
        raise DomainError(_("The team lead cannot be removed."))
    proposal.members.remove(member)
    audit.record(
        "proposal.partner_removed", actor_id=user.id, object_type="proposal", object_id=proposal.id, email=member.email
    )
