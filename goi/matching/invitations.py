"""Invitations that come out of suggestions: an owner invites a solver to apply, or the government of a similar
challenge to co-own theirs.

An invitation to apply goes once to an organization (its managers are told) or a person with a public profile, who
may decline it; it is never sent twice to the same recipient for the same challenge, only while the challenge takes
proposals, and at most `APPLY_PER_DAY` a day per challenge. An invitation to co-own goes to a verified government
that owns none of the challenge yet; any of its managers accepts (it becomes a co-owner) or declines.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeCoOwner, ChallengeStatus, SolverKind
from goi.core import audit, clock
from goi.core.errors import DomainError, NotAllowed
from goi.core.links import absolute_path, path_for
from goi.extensions import db
from goi.matching.models import ApplyInvitation, CoOwnInvitation, InvitationStatus
from goi.notify.services import notify
from goi.orgs.models import MemberRole, Membership, Organization, OrgKind

APPLY_PER_DAY = 20
CO_OWN_PER_DAY = 10
MESSAGE_MAX = 1000
MANAGER_ROLES = (MemberRole.OWNER, MemberRole.ADMIN)
CO_OWNABLE = (ChallengeStatus.DRAFT, ChallengeStatus.PUBLISHED)


def manager_ids(organization_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .where(Membership.organization_id == organization_id, Membership.role.in_(MANAGER_ROLES))
            .order_by(Membership.user_id)
        )
    )


def _message(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MESSAGE_MAX:
        raise DomainError(_("The message may have at most %(most)d characters.", most=MESSAGE_MAX), "message")
    return text


def _count_since(model, challenge_id: int, hours: int = 24) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(model)
        .where(model.challenge_id == challenge_id, model.created_at > clock.now() - timedelta(hours=hours))
    )


def invite_to_apply(
    actor: User,
    challenge: Challenge,
    *,
    organization: Organization | None = None,
    user: User | None = None,
    message: str = "",
) -> ApplyInvitation:
    """Invite one organization or person to apply; refused when it cannot apply, was invited before, or the day's
    invitations of the challenge are used up."""
    if (organization is None) == (user is None):
        raise DomainError(_("Choose whom to invite."))
    if not challenge.is_accepting_proposals:
        raise DomainError(_("Invitations to apply are sent while the challenge takes proposals."))
    kinds = {kind.value for kind in challenge.eligible_kinds}
    if organization is not None and organization.kind.value not in kinds:
        raise DomainError(_("This organization's kind may not apply to this challenge."))
    if user is not None and (SolverKind.CITIZEN.value not in kinds or not user.is_public_profile or user.is_disabled):
        raise DomainError(_("This person may not be invited to apply to this challenge."))
    text = _message(message)
    condition = (
        ApplyInvitation.organization_id == organization.id
        if organization is not None
        else ApplyInvitation.user_id == user.id
    )
    if db.session.scalar(select(ApplyInvitation.id).where(ApplyInvitation.challenge_id == challenge.id, condition)):
        raise DomainError(_("They were already invited to this challenge; an invitation is sent once."))
    if _count_since(ApplyInvitation, challenge.id) >= APPLY_PER_DAY:
        raise DomainError(
            _("At most %(most)d invitations to apply a day per challenge; try again tomorrow.", most=APPLY_PER_DAY)
        )
    invitation = ApplyInvitation(
        challenge=challenge,
        organization=organization,
        user=user,
        invited_by_id=actor.id,
        message=text,
        created_at=clock.now(),
    )
    db.session.add(invitation)
    db.session.flush()
    recipients = manager_ids(organization.id) if organization is not None else [user.id]
    notify(
        recipients,
        "apply_invitation",
        path_for("matching.invitations"),
        dedupe_key=f"apply_invitation:{invitation.id}",
        challenge=challenge,
        invitation=invitation,
        challenge_link=absolute_path(path_for("challenges.show", slug=challenge.slug)),
    )
    audit.record(
        "challenge.apply_invitation_sent",
        actor.id,
        "challenge",
        challenge.id,
        organization_id=organization.id if organization else None,
        user_id=user.id if user else None,
    )
    return invitation


def is_apply_recipient(user: User, invitation: ApplyInvitation) -> bool:
    if invitation.user_id is not None:
        return invitation.user_id == user.id
    return user.id in manager_ids(invitation.organization_id)


def decline_apply_invitation(user: User, invitation: ApplyInvitation) -> None:
    if not is_apply_recipient(user, invitation):
        raise NotAllowed(_("Only the invited person or the organization's managers answer this invitation."))
    if invitation.declined_at is not None:
        return
    invitation.declined_at = clock.now()
    audit.record("challenge.apply_invitation_declined", user.id, "apply_invitation", invitation.id)


def apply_invitations_of(user: User) -> list[ApplyInvitation]:
    """The invitations to apply sent to the user or to the organizations they manage, open challenges only, newest
    first."""
    managed = select(Membership.organization_id).where(
        Membership.user_id == user.id, Membership.role.in_(MANAGER_ROLES)
    )
    return list(
        db.session.scalars(
            select(ApplyInvitation)
            .join(Challenge, Challenge.id == ApplyInvitation.challenge_id)
            .where(
                (ApplyInvitation.user_id == user.id) | ApplyInvitation.organization_id.in_(managed),
                Challenge.status == ChallengeStatus.PUBLISHED,
                Challenge.closes_at > clock.now(),
            )
            .order_by(ApplyInvitation.created_at.desc(), ApplyInvitation.id.desc())
            .limit(50)
        )
    )


def invited_targets(challenge: Challenge) -> set[str]:
    """ "organization:<id>" and "user:<id>" of everyone already invited to apply to the challenge."""
    rows = db.session.execute(
        select(ApplyInvitation.organization_id, ApplyInvitation.user_id).where(
            ApplyInvitation.challenge_id == challenge.id
        )
    )
    return {f"organization:{org}" if org is not None else f"user:{user}" for org, user in rows}


# --- co-owning ---------------------------------------------------------------------------------------------------


def invite_to_co_own(
    actor: User,
    challenge: Challenge,
    organization: Organization,
    similar: Challenge | None = None,
    message: str = "",
) -> CoOwnInvitation:
    if challenge.status not in CO_OWNABLE:
        raise DomainError(_("A challenge gets co-owners while it is a draft or open."))
    if organization.kind != OrgKind.GOVERNMENT or organization.verified_at is None:
        raise DomainError(_("Only a verified government may co-own a challenge."))
    owners = {challenge.owner_org_id, *(co.organization_id for co in challenge.co_owners)}
    if organization.id in owners:
        raise DomainError(_("This organization already owns the challenge."))
    text = _message(message)
    if db.session.scalar(
        select(CoOwnInvitation.id).where(
            CoOwnInvitation.challenge_id == challenge.id, CoOwnInvitation.organization_id == organization.id
        )
    ):
        raise DomainError(_("This government was already invited to co-own the challenge."))
    if _count_since(CoOwnInvitation, challenge.id) >= CO_OWN_PER_DAY:
        raise DomainError(_("At most %(most)d invitations to co-own a day per challenge.", most=CO_OWN_PER_DAY))
    invitation = CoOwnInvitation(
        challenge=challenge,
        organization=organization,
        similar_challenge=similar,
        invited_by_id=actor.id,
        message=text,
        created_at=clock.now(),
    )
    db.session.add(invitation)
    db.session.flush()
    notify(
        manager_ids(organization.id),
        "co_own_invitation",
        path_for("matching.invitations"),
        dedupe_key=f"co_own_invitation:{invitation.id}",
        challenge=challenge,
        invitation=invitation,
    )
    audit.record("challenge.co_own_invited", actor.id, "challenge", challenge.id, organization_id=organization.id)
    return invitation


def answer_co_own(user: User, invitation: CoOwnInvitation, accept: bool) -> None:
    if user.id not in manager_ids(invitation.organization_id):
        raise NotAllowed(_("Only the invited government's managers answer this invitation."))
    if invitation.status != InvitationStatus.PENDING:
        raise DomainError(_("This invitation was already answered."))
    challenge = invitation.challenge
    if accept and challenge.status not in CO_OWNABLE:
        raise DomainError(_("The challenge no longer takes co-owners."))
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answered_at = clock.now()
    invitation.answered_by_id = user.id
    if accept:
        challenge.co_owners.append(ChallengeCoOwner(organization_id=invitation.organization_id))
    audit.record(
        "challenge.co_own_accepted" if accept else "challenge.co_own_declined",
        user.id,
        "challenge",
        challenge.id,
        organization_id=invitation.organization_id,
    )


def co_own_invitations_of(user: User) -> list[CoOwnInvitation]:
    managed = select(Membership.organization_id).where(
        Membership.user_id == user.id, Membership.role.in_(MANAGER_ROLES)
    )
    return list(
        db.session.scalars(
            select(CoOwnInvitation)
            .where(CoOwnInvitation.organization_id.in_(managed), CoOwnInvitation.status == InvitationStatus.PENDING)
            .order_by(CoOwnInvitation.created_at.desc(), CoOwnInvitation.id.desc())
            .limit(50)
        )
    )


def co_own_invited(challenge: Challenge) -> set[int]:
    return set(
        db.session.scalars(select(CoOwnInvitation.organization_id).where(CoOwnInvitation.challenge_id == challenge.id))
    )
