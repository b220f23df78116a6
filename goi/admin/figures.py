"""The admin dashboard's figures: the verification queue, accounts and organizations by kind, the outboxes' health
and the latest audit events, each from one aggregate query (eight in all, whatever the data's size)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, exists, func, select

from goi.accounts.models import User
from goi.api.models import WebhookDelivery
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.mail import OutboxMessage
from goi.extensions import db
from goi.orgs.models import Membership, Organization, OrgKind, VerificationRequest, VerificationStatus
from goi.search.models import SearchOutbox

# A verification request waiting longer than this is late (the queue's promise to applicants).
VERIFICATION_LATE_AFTER = timedelta(days=3)
RECENT_EVENTS = 10


@dataclass(frozen=True, slots=True)
class Queue:
    """Rows waiting in a queue: how many, since when, and how many of them are late or failed."""

    waiting: int
    oldest: datetime | None
    late: int = 0


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: OrgKind
    total: int
    verified: int = 0


@dataclass(frozen=True, slots=True)
class Accounts:
    total: int
    confirmed: int
    disabled: int
    admins: int
    public_profiles: int
    without_organization: int
    by_organization_kind: list[KindCount]


@dataclass(frozen=True, slots=True)
class Outboxes:
    mail_pending: Queue  # late: messages retried at least once
    mail_failed: int
    search_pending: Queue
    webhook_pending: Queue  # late: deliveries retried at least once
    webhook_failed: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    verification: Queue
    accounts: Accounts
    organizations: list[KindCount]
    outboxes: Outboxes
    recent_events: list[tuple[AuditEvent, User | None]]


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def verification_queue(now: datetime) -> Queue:
    waiting, oldest, late = db.session.execute(
        select(
            func.count(VerificationRequest.id),
            func.min(VerificationRequest.created_at),
            _count_if(VerificationRequest.created_at < now - VERIFICATION_LATE_AFTER),
        ).where(VerificationRequest.status == VerificationStatus.PENDING)
    ).one()
    return Queue(int(waiting), oldest, int(late))


def accounts() -> Accounts:
    has_membership = exists().where(Membership.user_id == User.id)
    total, confirmed, disabled, admins, public, alone = db.session.execute(
        select(
            func.count(User.id),
            _count_if(User.email_confirmed_at.is_not(None)),
            _count_if(User.is_disabled.is_(True)),
            _count_if(User.is_platform_admin.is_(True)),
            _count_if(User.is_public_profile.is_(True)),
            _count_if(~has_membership),
        )
    ).one()
    rows = db.session.execute(
        select(Organization.kind, func.count(func.distinct(Membership.user_id)))
        .join(Membership, Membership.organization_id == Organization.id)
        .group_by(Organization.kind)
    ).all()
    members = {kind: int(count) for kind, count in rows}
    return Accounts(
        total=int(total),
        confirmed=int(confirmed),
        disabled=int(disabled),
        admins=int(admins),
        public_profiles=int(public),
        without_organization=int(alone),
        by_organization_kind=[KindCount(kind, members.get(kind, 0)) for kind in OrgKind],
    )


def organizations_by_kind() -> list[KindCount]:
    rows = db.session.execute(
        select(
            Organization.kind, func.count(Organization.id), _count_if(Organization.verified_at.is_not(None))
        ).group_by(Organization.kind)
    ).all()
    found = {kind: (int(total), int(verified)) for kind, total, verified in rows}
    return [KindCount(kind, *found.get(kind, (0, 0))) for kind in OrgKind]


def outboxes() -> Outboxes:
    pending = OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)
    mail_waiting, mail_oldest, mail_retried, mail_failed = db.session.execute(
        select(
            _count_if(pending),
            func.min(case((pending, OutboxMessage.created_at))),
            _count_if(pending & (OutboxMessage.attempts > 0)),
            _count_if(OutboxMessage.failed_at.is_not(None)),
        )
    ).one()
    waiting = WebhookDelivery.delivered_at.is_(None) & WebhookDelivery.failed_at.is_(None)
    hook_waiting, hook_oldest, hook_retried, hook_failed = db.session.execute(
        select(
            _count_if(waiting),
            func.min(case((waiting, WebhookDelivery.created_at))),
            _count_if(waiting & (WebhookDelivery.attempts > 0)),
            _count_if(WebhookDelivery.failed_at.is_not(None)),
        )
    ).one()
    search_waiting, search_oldest = db.session.execute(
        select(func.count(SearchOutbox.id), func.min(SearchOutbox.created_at)).where(SearchOutbox.indexed_at.is_(None))
    ).one()
    return Outboxes(
        mail_pending=Queue(int(mail_waiting), mail_oldest, int(mail_retried)),
        mail_failed=int(mail_failed),
        search_pending=Queue(int(search_waiting), search_oldest),
        webhook_pending=Queue(int(hook_waiting), hook_oldest, int(hook_retried)),
        webhook_failed=int(hook_failed),
    )


def recent_events(limit: int = RECENT_EVENTS) -> list[tuple[AuditEvent, User | None]]:
    rows = db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [(event, user) for event, user in rows]


def dashboard() -> Dashboard:
    return Dashboard(
        verification=verification_queue(clock.now()),
        accounts=accounts(),
        organizations=organizations_by_kind(),
        outboxes=outboxes(),
        recent_events=recent_events(),
    )
