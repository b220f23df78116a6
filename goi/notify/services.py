"""Telling users: in-app rows and email through the outbox, by each user's chosen channel."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, func, select, update

from goi.accounts.models import User
from goi.core import clock
from goi.core.links import absolute_path
from goi.core.mail import OutboxMessage, add_to_outbox, render_message
from goi.extensions import db
from goi.notify.kinds import KINDS
from goi.notify.models import Channel, Notification, NotificationPreference


def preferences_of(user_ids: Iterable[int]) -> dict[int, dict[str, Channel]]:
    """Chosen channels per user and kind (defaults are not stored)."""
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id.in_(list(user_ids))))
    chosen: dict[int, dict[str, Channel]] = defaultdict(dict)
    for row in rows:
        chosen[row.user_id][row.kind] = row.channel
    return chosen


def channel_for(chosen: dict[str, Channel], kind: str) -> Channel:
    return chosen.get(kind, KINDS[kind].default)


def _absolute(link: str) -> str:
    return absolute_path(link) if link.startswith("/") else link


def notify(user_ids: Iterable[int], kind: str, link: str, dedupe_key: str | None = None, **context) -> int:
    """Tell each user once, in their language, by their channel for kind; returns how many were told.

    Renders templates/notify/<kind>.txt (first line "Subject: …" is the title). With a dedupe_key a user who
    already got that key is skipped.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    users = list(db.session.scalars(select(User).where(User.id.in_(ids), User.is_disabled.is_(False))))
    chosen = preferences_of(ids)
    already: set[int] = set()
    if dedupe_key:
        already = set(
            db.session.scalars(
                select(Notification.user_id).where(Notification.user_id.in_(ids), Notification.dedupe_key == dedupe_key)
            )
        )
    told = 0
    for user in users:
        if user.id in already:
            continue
        title, body = render_message(f"notify/{kind}.txt", user.locale, user=user, link=_absolute(link), **context)
        channel = channel_for(chosen[user.id], kind)
        notification = Notification(
            user_id=user.id,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            created_at=clock.now(),
            dedupe_key=dedupe_key,
        )
        if channel == Channel.EMAIL:
            # Email only: kept for the record but not shown as unread.
            notification.read_at = clock.now()
        db.session.add(notification)
        if KINDS[kind].email_allowed and channel in (Channel.EMAIL, Channel.BOTH):
            add_to_outbox(user.email, f"notify_{kind}", user.locale, title, body)
        told += 1
    # The unique (user, dedupe_key) constraint stops a concurrent duplicate at commit.
    db.session.flush()
    return told


# Built once: every page of a logged-in user shows the number (site.template_globals reads it with the header's
# other facts in one statement).
UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
)


def unread_count(user: User) -> int:
    return db.session.scalar(UNREAD, {"user_id": user.id}) or 0


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.id:
        raise PermissionError("not the recipient")
    notification.read_at = notification.read_at or clock.now()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )


def save_preferences(user: User, channels: dict[str, Channel]) -> None:
    """Store the user's channel per kind; unknown kinds are refused."""
    unknown = set(channels) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    existing = {
        row.kind: row
        for row in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    for kind, channel in channels.items():
        row = existing.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel))
        else:
            row.channel = channel


DIGEST_INTERVAL = timedelta(hours=23)


def _last_digests(emails: list[str]) -> dict[str, datetime]:
    rows = db.session.execute(
        select(OutboxMessage.recipient, func.max(OutboxMessage.created_at))
        .where(OutboxMessage.kind == "notification_digest", OutboxMessage.recipient.in_(emails))
        .group_by(OutboxMessage.recipient)
    ).all()
    return {recipient: (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) for recipient, moment in rows}


def _due_digests() -> Iterator[tuple[User, list[Notification]]]:
    """Each user due a digest now, with the notifications it holds (reads only)."""
    preferences = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.channel == Channel.DIGEST)
    ).all()
    kinds_by_user: dict[int, set[str]] = defaultdict(set)
    for row in preferences:
        kinds_by_user[row.user_id].add(row.kind)
    if not kinds_by_user:
        return
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(kinds_by_user))))}
    last = _last_digests([user.email for user in users.values()])
    for user_id, kinds in kinds_by_user.items():
        user = users.get(user_id)
        if user is None or user.is_disabled:
            continue
        if user.email in last and clock.now() - last[user.email] < DIGEST_INTERVAL:
            continue
        items = list(
            db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.kind.in_(kinds),
                    Notification.digested_at.is_(None),
                )
                .order_by(Notification.created_at, Notification.id)
            )
        )
        if items:
            yield user, items


def digests_due() -> bool:
    """Whether some user is due a digest now: asked with reads before a write transaction is begun for them."""
    return next(_due_digests(), None) is not None


def send_digests() -> int:
    """One email a day per user with everything of their digest kinds not yet digested; returns emails queued."""
    queued = 0
    for user, items in list(_due_digests()):
        subject, body = render_message(
            "mail/notification_digest.txt",
            user.locale,
            user=user,
            items=items,
            absolute=_absolute,
            link=_absolute("/notifications"),
        )
        add_to_outbox(user.email, "notification_digest", user.locale, subject, body)
        for item in items:
            item.digested_at = clock.now()
        queued += 1
    return queued
