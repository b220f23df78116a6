"""Introductions: a user asks to be introduced to a user or an organization; the recipient accepts or declines.

Decisions (issue 12):
- A user can be asked when their account is active and they are findable: a public profile, or shown publicly as a
  member on an organization's page. Nobody asks themselves or an organization they belong to.
- A request to an organization goes to its managers (owners and admins): each of them is told, any of them answers
  and, after acceptance, writes in the thread. Plain members are not a side of it.
- A block is between two people. It stops the blocked one's requests to the blocker (refused with the same words as
  any other "cannot send", so the blocked one does not learn of it), declines the pending requests between them
  either way and closes their person-to-person threads for both. A manager's block does not stop requests to the
  organization: the other managers still receive them and that manager is no longer told of them or of the
  blocked one's messages; only when every manager blocked the requester is the request refused (nobody would answer).
- The context is a challenge the public sees (any state but draft), a live public offer, or a suggestion of the
  platform (no record).
- At most 5 requests per requester in 24 hours and 20 in 7 days, counted from the table.
- Message and thread text is plain text, shown escaped with its line breaks; the audit log never holds it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import joinedload

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import audit, clock
from goi.core.errors import DomainError, NotAllowed
from goi.core.links import path_for
from goi.core.pagination import Page, paginate
from goi.extensions import db
from goi.matching.models import Introduction, IntroductionMessage, IntroductionStatus, UserBlock
from goi.notify.services import notify
from goi.orgs.models import MemberRole, Membership, Offer, Organization
from goi.orgs.services import public_memberships_of

EXPIRY = timedelta(days=14)
MESSAGE_MIN, MESSAGE_MAX = 20, 2000
BODY_MAX = 5000
# (requests, window): both apply.
RATE_LIMITS = ((5, timedelta(hours=24)), (20, timedelta(days=7)))
CONTEXT_KINDS = ("challenge", "offer", "suggestion")
MANAGER_ROLES = (MemberRole.OWNER, MemberRole.ADMIN)


@dataclass(frozen=True, slots=True)
class Context:
    """What a request is about, as its page shows it: kind, the record (None for a suggestion) and its title."""

    kind: str
    id: int | None
    record: object | None

    @property
    def title(self) -> str:
        return getattr(self.record, "title", "")


def cannot_send() -> DomainError:
    # The same words for every refusal that must not tell the requester why (a block, nobody to answer).
    return DomainError(_("This introduction request cannot be sent."))


# ---- who is who ----------------------------------------------------------------------------------------------


def manager_ids(organization_id: int) -> set[int]:
    """The active owners and admins of an organization."""
    return set(
        db.session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.organization_id == organization_id,
                Membership.role.in_(MANAGER_ROLES),
                User.is_disabled.is_(False),
            )
        )
    )


def recipient_side_ids(introduction: Introduction) -> set[int]:
    """The users who answer and write for the recipient."""
    if introduction.recipient_user_id is not None:
        return {introduction.recipient_user_id}
    return manager_ids(introduction.recipient_organization_id)


def is_party(user, introduction: Introduction) -> bool:
    """The requester, the recipient user or a manager of the recipient organization: they alone see the request."""
    if not user.is_authenticated:
        return False
    return user.id == introduction.requester_id or user.id in recipient_side_ids(introduction)


def can_answer(user, introduction: Introduction) -> bool:
    return (
        user.is_authenticated
        and user.id != introduction.requester_id
        and user.id in recipient_side_ids(introduction)
        and introduction.status == IntroductionStatus.PENDING
        and not introduction.is_expired
    )


def blocked_by(blocked_id: int, blocker_ids: set[int]) -> set[int]:
    """Which of blocker_ids have blocked blocked_id."""
    if not blocker_ids:
        return set()
    return set(
        db.session.scalars(
            select(UserBlock.blocker_id).where(
                UserBlock.blocked_id == blocked_id, UserBlock.blocker_id.in_(blocker_ids)
            )
        )
    )


def _blocked_between(first_id: int, second_id: int) -> bool:
    pair = or_(
        and_(UserBlock.blocker_id == first_id, UserBlock.blocked_id == second_id),
        and_(UserBlock.blocker_id == second_id, UserBlock.blocked_id == first_id),
    )
    return db.session.scalar(select(UserBlock.id).where(pair).limit(1)) is not None


def has_blocked(blocker: User, blocked: User) -> bool:
    return bool(blocked_by(blocked.id, {blocker.id}))


def thread_is_open(introduction: Introduction) -> bool:
    """Accepted, and for a request to a person, neither has blocked the other since."""
    if introduction.status != IntroductionStatus.ACCEPTED:
        return False
    if introduction.recipient_user_id is None:
        return True
    return not _blocked_between(introduction.requester_id, introduction.recipient_user_id)


def is_reachable(user: User) -> bool:
    """Whether a person can be asked: active, with a public profile or shown on an organization's page."""
    if user.is_disabled:
        return False
    if user.is_public_profile:
        return True
    shown = select(Membership.id).where(Membership.user_id == user.id, Membership.is_public).limit(1)
    return db.session.scalar(shown) is not None


# ---- the context ---------------------------------------------------------------------------------------------


def parse_context(raw: str | None) -> tuple[str | None, int | None]:
    """ "challenge:5", "offer:3" or "suggestion" as (kind, id); None for nothing; DomainError for anything else."""
    if not raw:
        return None, None
    kind, _sep, number = raw.partition(":")
    if kind == "suggestion" and not number:
        return kind, None
    if kind in ("challenge", "offer") and number.isdigit():
        return kind, int(number)
    raise DomainError(_("This context is unknown."))


def load_context(kind: str | None, context_id: int | None) -> Context | None:
    """The context's record if the public sees it (a challenge not in draft, a live public offer), else DomainError."""
    if kind is None:
        return None
    if kind == "suggestion":
        return Context(kind, None, None)
    record = None
    if kind == "challenge" and context_id is not None:
        record = db.session.get(Challenge, context_id)
        if record is not None and record.status == ChallengeStatus.DRAFT:
            record = None
    elif kind == "offer" and context_id is not None:
        record = db.session.get(Offer, context_id)
        if record is not None and not (record.is_public and record.expires_on >= clock.now().date()):
            record = None
    if record is None:
        raise DomainError(_("This challenge or offer is not available."))
    return Context(kind, context_id, record)


def context_of(introduction: Introduction) -> Context | None:
    """The stored context, whatever its state now (None when it is gone)."""
    kind, context_id = introduction.context_kind, introduction.context_id
    if kind is None:
        return None
    if kind == "suggestion":
        return Context(kind, None, None)
    model = Challenge if kind == "challenge" else Offer
    record = db.session.get(model, context_id) if context_id is not None else None
    return Context(kind, context_id, record) if record is not None else None


# ---- asking --------------------------------------------------------------------------------------------------


def clean_text(text: str | None, low: int, high: int, field: str) -> str:
    """Text trimmed, its line ends made \\n and NUL removed, within low..high characters, else DomainError."""
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not low <= len(cleaned) <= high:
        raise DomainError(
            _("Write between %(low)d and %(high)d characters (now %(count)d).", low=low, high=high, count=len(cleaned)),
            field=field,
        )
    return cleaned


def next_allowed_at(requester: User) -> datetime | None:
    """When the requester may send again if a rate limit holds now, else None."""
    now = clock.now()
    longest = max(window for _limit, window in RATE_LIMITS)
    sent = list(
        db.session.scalars(
            select(Introduction.created_at)
            .where(Introduction.requester_id == requester.id, Introduction.created_at > now - longest)
            .order_by(Introduction.created_at)
        )
    )
    waits = []
    for limit, window in RATE_LIMITS:
        in_window = [moment for moment in sent if moment > now - window]
        if len(in_window) >= limit:
            # A slot frees when the oldest request that keeps the count at the limit leaves the window.
            waits.append(in_window[len(in_window) - limit] + window)
    return max(waits) if waits else None


def _pending_to(requester: User, recipient: ColumnElement) -> bool:
    query = select(Introduction.id).where(
        Introduction.requester_id == requester.id,
        recipient,
        Introduction.status == IntroductionStatus.PENDING,
        Introduction.expires_at > clock.now(),
    )
    return db.session.scalar(query.limit(1)) is not None


def request_introduction(
    requester: User,
    *,
    user: User | None = None,
    organization: Organization | None = None,
    message: str,
    context_kind: str | None = None,
    context_id: int | None = None,
) -> Introduction:
    """Ask user or organization for an introduction; the recipients are told in-app and by email."""
    if (user is None) == (organization is None):
        raise ValueError("one recipient: a user or an organization")
    # Concurrent requests of one requester queue here on PostgreSQL (SQLite's writes are serialized already), so
    # that the rate limit and the one pending request per recipient hold.
    db.session.execute(select(User.id).where(User.id == requester.id).with_for_update())
    if user is not None:
        if user.id == requester.id:
            raise DomainError(_("You cannot ask for an introduction to yourself."))
        if not is_reachable(user):
            raise cannot_send()
        if has_blocked(requester, user):
            raise DomainError(_("You blocked this person: unblock them to ask for an introduction."))
        if has_blocked(user, requester):
            raise cannot_send()
        recipients = {user.id}
        pending = _pending_to(requester, Introduction.recipient_user_id == user.id)
    else:
        member = select(Membership.id).where(
            Membership.organization_id == organization.id, Membership.user_id == requester.id
        )
        if db.session.scalar(member) is not None:
            raise DomainError(_("You are a member of this organization."))
        managers = manager_ids(organization.id)
        recipients = managers - blocked_by(requester.id, managers)
        if not recipients:
            raise cannot_send()
        pending = _pending_to(requester, Introduction.recipient_organization_id == organization.id)
    if pending:
        raise DomainError(_("You already have a pending request to them: wait for their answer."))
    context = load_context(context_kind, context_id)
    text = clean_text(message, MESSAGE_MIN, MESSAGE_MAX, "message")
    again = next_allowed_at(requester)
    if again is not None:
        raise DomainError(
            _(
                "You can send at most 5 introduction requests in 24 hours and 20 in 7 days. "
                "You can send the next one from %(when)s.",
                when=clock.format_in_zone(again),
            )
        )
    now = clock.now()
    introduction = Introduction(
        requester=requester,
        recipient_user=user,
        recipient_organization=organization,
        message=text,
        context_kind=context.kind if context else None,
        context_id=context.id if context else None,
        status=IntroductionStatus.PENDING,
        created_at=now,
        expires_at=now + EXPIRY,
    )
    db.session.add(introduction)
    db.session.flush()
    audit.record(
        "introduction.requested",
        requester.id,
        "introduction",
        introduction.id,
        recipient_user_id=user.id if user else None,
        recipient_organization_id=organization.id if organization else None,
        context=f"{context.kind}:{context.id or ''}" if context else None,
    )
    notify(
        recipients,
        "introduction_requested",
        _link(introduction),
        introduction=introduction,
        requester=requester,
        context=context,
    )
    return introduction


def _link(introduction: Introduction) -> str:
    return path_for("matching.introduction", introduction_id=introduction.id)


# ---- answering and writing -----------------------------------------------------------------------------------


def answer(introduction: Introduction, user: User, accept: bool) -> None:
    """The recipient (or a manager of the recipient organization) accepts or declines a pending request."""
    if user.id == introduction.requester_id or user.id not in recipient_side_ids(introduction):
        raise NotAllowed(_("Only the recipient answers this request."))
    if introduction.status != IntroductionStatus.PENDING:
        raise DomainError(_("This request has been answered already."))
    if introduction.is_expired:
        raise DomainError(_("This request expired: it can no longer be answered."))
    introduction.status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    introduction.answered_at = clock.now()
    introduction.answered_by = user
    audit.record(
        "introduction.accepted" if accept else "introduction.declined", user.id, "introduction", introduction.id
    )
    notify(
        [introduction.requester_id],
        "introduction_answered",
        _link(introduction),
        introduction=introduction,
        accepted=accept,
        recipient_name=recipient_name(introduction),
    )


def recipient_name(introduction: Introduction) -> str:
    if introduction.recipient_user is not None:
        return introduction.recipient_user.name
    return introduction.recipient_organization.name


def post_message(introduction: Introduction, user: User, body: str) -> IntroductionMessage:
    """A message in the thread of an accepted request, by one of its sides; the other side is told."""
    sides = {introduction.requester_id, *recipient_side_ids(introduction)}
    if user.id not in sides:
        raise NotAllowed(_("Only the two sides write in this conversation."))
    if not thread_is_open(introduction):
        raise DomainError(_("This conversation is closed."))
    text = clean_text(body, 1, BODY_MAX, "body")
    message = IntroductionMessage(introduction_id=introduction.id, author=user, body=text, created_at=clock.now())
    db.session.add(message)
    db.session.flush()
    others = sides - {user.id}
    notify(
        others - blocked_by(user.id, others),
        "introduction_message",
        _link(introduction) + "#thread",
        introduction=introduction,
        author=user,
        message=message,
    )
    return message


def messages_of(introduction: Introduction) -> list[IntroductionMessage]:
    query = (
        select(IntroductionMessage)
        .where(IntroductionMessage.introduction_id == introduction.id)
        .options(joinedload(IntroductionMessage.author))
        .order_by(IntroductionMessage.created_at, IntroductionMessage.id)
    )
    return list(db.session.scalars(query))


# ---- blocks --------------------------------------------------------------------------------------------------


def block(blocker: User, blocked: User) -> None:
    """blocker blocks blocked: the pending requests between them are declined and their threads close."""
    if blocker.id == blocked.id:
        raise DomainError(_("You cannot block yourself."))
    if has_blocked(blocker, blocked):
        return
    db.session.add(UserBlock(blocker_id=blocker.id, blocked_id=blocked.id, created_at=clock.now()))
    between = or_(
        and_(Introduction.requester_id == blocked.id, Introduction.recipient_user_id == blocker.id),
        and_(Introduction.requester_id == blocker.id, Introduction.recipient_user_id == blocked.id),
    )
    pending = db.session.scalars(select(Introduction).where(between, Introduction.status == IntroductionStatus.PENDING))
    for introduction in pending:
        introduction.status = IntroductionStatus.DECLINED
        introduction.answered_at = clock.now()
        introduction.answered_by = blocker
    db.session.flush()
    audit.record("user.blocked", blocker.id, "user", blocked.id)


def unblock(blocker: User, blocked: User) -> None:
    query = select(UserBlock).where(UserBlock.blocker_id == blocker.id, UserBlock.blocked_id == blocked.id)
    row = db.session.scalar(query)
    if row is None:
        return
    db.session.delete(row)
    db.session.flush()
    audit.record("user.unblocked", blocker.id, "user", blocked.id)


def blocked_people(user: User) -> list[User]:
    """The people user blocked, the latest first."""
    query = (
        select(User)
        .join(UserBlock, UserBlock.blocked_id == User.id)
        .where(UserBlock.blocker_id == user.id)
        .order_by(UserBlock.created_at.desc(), UserBlock.id.desc())
    )
    return list(db.session.scalars(query))


# ---- lists ---------------------------------------------------------------------------------------------------


def _received_by(user: User) -> ColumnElement:
    managed = select(Membership.organization_id).where(
        Membership.user_id == user.id, Membership.role.in_(MANAGER_ROLES)
    )
    return or_(Introduction.recipient_user_id == user.id, Introduction.recipient_organization_id.in_(managed))


def introductions_page(user: User, box: str, per_page: int) -> Page:
    """A page (?page=) of the requests user received ("received", also for the organizations they manage) or sent."""
    condition = Introduction.requester_id == user.id if box == "sent" else _received_by(user)
    query = (
        select(Introduction)
        .where(condition)
        .options(
            joinedload(Introduction.requester),
            joinedload(Introduction.recipient_user),
            joinedload(Introduction.recipient_organization),
        )
        .order_by(Introduction.created_at.desc(), Introduction.id.desc())
    )
    return paginate(query, per_page=per_page)


def pending_received_count(user: User) -> int:
    query = (
        select(func.count())
        .select_from(Introduction)
        .where(
            _received_by(user),
            Introduction.status == IntroductionStatus.PENDING,
            Introduction.expires_at > clock.now(),
        )
    )
    return db.session.scalar(query) or 0


def days_left(introduction: Introduction) -> int:
    """Whole days (rounded up) before a pending request expires."""
    remaining = introduction.expires_at - clock.now()
    return max(0, -(-remaining // timedelta(days=1)))


def display_status(introduction: Introduction) -> str:
    """pending, accepted, declined or expired."""
    return "expired" if introduction.is_expired else introduction.status.value


@dataclass(frozen=True, slots=True)
class Contact:
    """One side's contact details, shown to both sides once a request is accepted."""

    name: str
    email: str
    organizations: list[str]


def _person_contact(user: User) -> Contact:
    return Contact(user.name, user.email, [row.organization.name for row in public_memberships_of(user)])


def contacts(introduction: Introduction) -> list[Contact]:
    """The requester's and the recipient's details: for an organization, the manager who accepted, in its name."""
    if introduction.status != IntroductionStatus.ACCEPTED:
        return []
    requester = _person_contact(introduction.requester)
    if introduction.recipient_user is not None:
        return [requester, _person_contact(introduction.recipient_user)]
    manager = introduction.answered_by
    organization = introduction.recipient_organization.name
    if manager is None:
        return [requester, Contact(organization, "", [])]
    return [requester, Contact(manager.name, manager.email, [organization])]
