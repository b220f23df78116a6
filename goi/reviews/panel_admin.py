"""Building a challenge's review panel: invitations by email, their answers and reminders, roles and loads.

The owners invite reviewers and chairs; a chair invites reviewers only, and only an owner changes, reminds or removes
a chair. An invitation is one row per (challenge, address): inviting a person who declined opens it again. Its link
carries a token of which only the hash is stored; the token is derived from the server's secret, the row and the
moment of the invitation, so that a reminder sends the same link again and an answer or a new invitation ends it.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from goi.accounts.models import User
from goi.accounts.services import find_user_by_email
from goi.challenges.models import Challenge, ChallengeStatus
from goi.challenges.permissions import can_manage_challenge
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.links import absolute_path, path_for
from goi.core.mail import queue_mail
from goi.core.tokens import hash_token
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews import conflicts
from goi.reviews.models import (
    Assignment,
    Conflict,
    PanelMember,
    PanelRole,
    PanelStatus,
    Review,
    ReviewStatus,
)

MAX_LOAD = 200
# A panel is built while the challenge lives: not before it is published, not once it is cancelled or archived.
CLOSED_TO_INVITATIONS = frozenset({ChallengeStatus.DRAFT, ChallengeStatus.CANCELLED, ChallengeStatus.ARCHIVED})
REMIND_INTERVAL = timedelta(days=1)
# An invitation unanswered this long is reminded once, by itself, unless someone reminded it already.
AUTOMATIC_REMINDER_AFTER = timedelta(days=3)


@dataclass(frozen=True)
class PanelRow:
    """A member of the panel as its list shows it, with the count of their active conflicts."""

    member: PanelMember
    conflicts: int


def may_take_invitations(challenge: Challenge) -> bool:
    return challenge.status not in CLOSED_TO_INVITATIONS


def _require_open(challenge: Challenge) -> None:
    if not may_take_invitations(challenge):
        raise DomainError(_("This challenge takes no reviewers in its present state."))


def _require_may_handle(actor: User, challenge: Challenge, role: PanelRole) -> None:
    """Chairs are named, changed, reminded and removed by the challenge's owners only."""
    if role == PanelRole.CHAIR and not can_manage_challenge(actor, challenge):
        raise DomainError(_("Only the challenge's owners name and change chairs."), field="role")


def _check_load(max_load: int | None) -> None:
    if max_load is not None and not 1 <= max_load <= MAX_LOAD:
        raise DomainError(_("A load between 1 and %(max)d proposals, or none.", max=MAX_LOAD), field="max_load")


def invitation_token(member: PanelMember) -> str:
    """The token of the member's invitation link (the same until the invitation is answered or made again)."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else secret.encode()
    message = f"goi.panel-invitation:{member.id}:{int(member.invited_at.timestamp())}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _send_invitation(member: PanelMember, inviter: User | None, locale: str, reminder: bool) -> None:
    path = path_for("reviews.panel_invitation", token=invitation_token(member))
    queue_mail(
        member.email,
        "panel_invitation",
        locale,
        member=member,
        challenge=member.challenge,
        inviter=inviter,
        reminder=reminder,
        link=absolute_path(path),
    )


def _inviter(member: PanelMember) -> User | None:
    return db.session.get(User, member.invited_by_id) if member.invited_by_id else None


def _mail_locale(member: PanelMember, inviter: User | None) -> str:
    """The invitee's language if they have an account, else the inviter's (the page's, when they are at one)."""
    invitee = member.user or find_user_by_email(member.email)
    if invitee is not None:
        return invitee.locale
    if has_request_context() and get_locale() is not None:
        return str(get_locale())
    return inviter.locale if inviter is not None else "id"


def invite(actor: User, challenge: Challenge, email: str, role: PanelRole, max_load: int | None) -> PanelMember:
    """Invite the person with this address to the panel and email them the link."""
    _require_open(challenge)
    _require_may_handle(actor, challenge, role)
    _check_load(max_load)
    email = email.strip().lower()
    member = db.session.scalar(
        select(PanelMember).where(PanelMember.challenge_id == challenge.id, PanelMember.email == email)
    )
    if member is not None and member.status != PanelStatus.DECLINED:
        raise DomainError(_("This person is already on the panel or invited."), field="email")
    if member is None:
        member = PanelMember(challenge_id=challenge.id, email=email)
        db.session.add(member)
    member.user_id = None
    member.role = role
    member.max_load = max_load
    member.status = PanelStatus.INVITED
    member.invited_by_id = actor.id
    member.invited_at = clock.now()
    member.reminded_at = None
    member.responded_at = None
    db.session.flush()
    member.token_hash = hash_token(invitation_token(member))
    db.session.flush()
    _send_invitation(member, actor, _mail_locale(member, actor), reminder=False)
    audit.record(
        "review.panel_invited",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        email=email,
        role=role.value,
        max_load=max_load,
    )
    return member


def member_for_token(token: str) -> PanelMember | None:
    """The unanswered invitation of this link, or None (unknown, answered, or invited again since)."""
    member = db.session.scalar(select(PanelMember).where(PanelMember.token_hash == hash_token(token)))
    if member is None or member.status != PanelStatus.INVITED:
        return None
    return member


def _answerable(user: User, member: PanelMember | None) -> PanelMember:
    if member is None or member.status != PanelStatus.INVITED:
        raise DomainError(_("This invitation is invalid or was answered already."))
    if member.email != user.email.strip().lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Log in with that address to answer it.", email=member.email)
        )
    _require_open(member.challenge)
    return member


def accept(user: User, member: PanelMember | None) -> PanelMember:
    """The invited person joins the panel; their conflicts with the proposals are recorded at once."""
    member = _answerable(user, member)
    member.user_id = user.id
    member.status = PanelStatus.ACCEPTED
    member.responded_at = clock.now()
    member.token_hash = None
    db.session.flush()
    conflicts.record_detected(member.challenge, user)
    audit.record("review.panel_accepted", actor_id=user.id, object_type="challenge", object_id=member.challenge_id)
    return member


def decline(user: User, member: PanelMember | None) -> PanelMember:
    member = _answerable(user, member)
    member.status = PanelStatus.DECLINED
    member.responded_at = clock.now()
    member.token_hash = None
    audit.record("review.panel_declined", actor_id=user.id, object_type="challenge", object_id=member.challenge_id)
    return member


def update_member(actor: User, member: PanelMember, role: PanelRole, max_load: int | None) -> None:
    """Change a member's role or load: chairs (before or after) only by an owner."""
    _require_may_handle(actor, member.challenge, member.role)
    _require_may_handle(actor, member.challenge, role)
    _check_load(max_load)
    changes = {}
    if member.role != role:
        changes["role"] = [member.role.value, role.value]
        member.role = role
    if member.max_load != max_load:
        changes["max_load"] = [member.max_load, max_load]
        member.max_load = max_load
    if changes:
        audit.record(
            "review.panel_member_updated",
            actor_id=actor.id,
            object_type="challenge",
            object_id=member.challenge_id,
            email=member.email,
            **changes,
        )


def submitted_reviews_of(member: PanelMember) -> int:
    query = (
        select(func.count())
        .select_from(Review)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.member_id == member.id, Review.status == ReviewStatus.SUBMITTED)
    )
    return db.session.scalar(query) or 0


def remove_member(actor: User, member: PanelMember) -> None:
    """Take a person off the panel with their assignments; not someone whose submitted reviews count."""
    _require_may_handle(actor, member.challenge, member.role)
    if submitted_reviews_of(member):
        raise DomainError(
            _("%(email)s has submitted reviews, which stay in the review: they cannot be removed.", email=member.email)
        )
    audit.record(
        "review.panel_member_removed",
        actor_id=actor.id,
        object_type="challenge",
        object_id=member.challenge_id,
        email=member.email,
        status=member.status.value,
    )
    db.session.delete(member)
    db.session.flush()


def _last_sent(member: PanelMember) -> datetime:
    return max(member.invited_at, member.reminded_at or member.invited_at)


def may_remind(member: PanelMember) -> bool:
    """An unanswered invitation last sent a day ago or more."""
    return member.status == PanelStatus.INVITED and clock.now() - _last_sent(member) >= REMIND_INTERVAL


def remind(actor: User, member: PanelMember) -> None:
    """Send an unanswered invitation again, at most once a day."""
    _require_may_handle(actor, member.challenge, member.role)
    _require_open(member.challenge)
    if member.status != PanelStatus.INVITED:
        raise DomainError(_("Only an unanswered invitation can be reminded."))
    if clock.now() - _last_sent(member) < REMIND_INTERVAL:
        raise DomainError(_("%(email)s was invited or reminded less than a day ago.", email=member.email))
    member.reminded_at = clock.now()
    inviter = _inviter(member)
    _send_invitation(member, inviter, _mail_locale(member, inviter), reminder=True)
    audit.record(
        "review.panel_reminded",
        actor_id=actor.id,
        object_type="challenge",
        object_id=member.challenge_id,
        email=member.email,
    )


def _waiting_query():
    return (
        select(PanelMember)
        .join(Challenge, Challenge.id == PanelMember.challenge_id)
        .where(
            PanelMember.status == PanelStatus.INVITED,
            PanelMember.reminded_at.is_(None),
            PanelMember.invited_at <= clock.now() - AUTOMATIC_REMINDER_AFTER,
            Challenge.status.not_in(CLOSED_TO_INVITATIONS),
        )
    )


def invitations_to_remind() -> bool:
    """Whether an invitation waits for its automatic reminder (a read, before a write transaction is begun)."""
    return db.session.scalar(_waiting_query().with_only_columns(PanelMember.id).limit(1)) is not None


def send_invitation_reminders() -> int:
    """Remind, once, each invitation unanswered for more than three days that nobody reminded yet."""
    waiting = db.session.scalars(
        _waiting_query().options(selectinload(PanelMember.challenge)).order_by(PanelMember.id)
    ).all()
    for member in waiting:
        member.reminded_at = clock.now()
        inviter = _inviter(member)
        _send_invitation(member, inviter, _mail_locale(member, inviter), reminder=True)
        audit.record(
            "review.panel_reminded", object_type="challenge", object_id=member.challenge_id, email=member.email
        )
    return len(waiting)


def panel_rows(challenge: Challenge) -> list[PanelRow]:
    """The panel, chairs first, then by address; each with their active conflicts counted, in one statement."""
    active = (
        select(Conflict.user_id, func.count().label("count"))
        .where(Conflict.challenge_id == challenge.id, Conflict.cleared_at.is_(None))
        .group_by(Conflict.user_id)
        .subquery()
    )
    order = {PanelRole.CHAIR: 0, PanelRole.REVIEWER: 1}
    query = (
        select(PanelMember, func.coalesce(active.c.count, 0))
        .outerjoin(active, active.c.user_id == PanelMember.user_id)
        .options(selectinload(PanelMember.user))
        .where(PanelMember.challenge_id == challenge.id)
        .order_by(PanelMember.email, PanelMember.id)
    )
    rows = [PanelRow(member, count) for member, count in db.session.execute(query)]
    return sorted(rows, key=lambda row: order[row.member.role])


def panel_member_or_none(challenge: Challenge, member_id: int) -> PanelMember | None:
    member = db.session.get(PanelMember, member_id)
    return member if member is not None and member.challenge_id == challenge.id else None


def accepted_members(challenge: Challenge) -> list[PanelMember]:
    """Who may be ruled conflicted: the accepted members, by name."""
    query = (
        select(PanelMember)
        .join(User, User.id == PanelMember.user_id)
        .options(selectinload(PanelMember.user))
        .where(PanelMember.challenge_id == challenge.id, PanelMember.status == PanelStatus.ACCEPTED)
        .order_by(User.name, PanelMember.id)
    )
    return list(db.session.scalars(query))


def refresh_conflicts(proposal: Proposal) -> None:
    """After a submission: the accepted members' detected conflicts with the challenge's proposals, again."""
    challenge = proposal.challenge
    users = [member.user for member in accepted_members(challenge)]
    if not users:
        return
    proposals = conflicts.reviewable_proposals(challenge)
    for user in users:
        conflicts.record_detected(challenge, user, proposals)


def panel_conflict_or_none(challenge: Challenge, conflict_id: int) -> Conflict | None:
    conflict = db.session.get(Conflict, conflict_id)
    return conflict if conflict is not None and conflict.challenge_id == challenge.id else None


def submitted_proposals(challenge: Challenge) -> list[Proposal]:
    """The challenge's submitted proposals with their teams and what names them, by id."""
    query = (
        select(Proposal)
        .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
        .options(selectinload(Proposal.members), selectinload(Proposal.organization), selectinload(Proposal.lead_user))
        .order_by(Proposal.id)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class ConflictRow:
    """A conflict as the managers' list shows it: who set and who cleared it by name."""

    conflict: Conflict
    created_by: str | None
    cleared_by: str | None


def conflict_rows(challenge: Challenge, user_id: int | None = None) -> list[ConflictRow]:
    """The challenge's conflicts (of one user, if given), active first, by proposal and person; one statement and its
    eager loads."""
    creator, clearer = aliased(User), aliased(User)
    query = (
        select(Conflict, creator.name, clearer.name)
        .outerjoin(creator, creator.id == Conflict.created_by_id)
        .outerjoin(clearer, clearer.id == Conflict.cleared_by_id)
        .join(User, User.id == Conflict.user_id)
        .where(Conflict.challenge_id == challenge.id)
        .options(
            selectinload(Conflict.user),
            selectinload(Conflict.proposal).selectinload(Proposal.organization),
            selectinload(Conflict.proposal).selectinload(Proposal.lead_user),
        )
        .order_by(Conflict.cleared_at.is_not(None), Conflict.proposal_id, User.name, Conflict.id)
    )
    if user_id is not None:
        query = query.where(Conflict.user_id == user_id)
    return [ConflictRow(conflict, created, cleared) for conflict, created, cleared in db.session.execute(query)]
