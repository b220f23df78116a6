"""The next challenge deadline, kept in memory: a request learns without a query that no challenge is due to close.

Each app keeps the earliest closes_at of a published challenge and when it read it. It reads it again when this
process commits a change to a challenge's status or deadline (a session hook raises a version), when
DEADLINE_REFRESH_SECONDS have passed (other processes change deadlines too), and after closing challenges.
"""

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from goi.challenges.lifecycle import close_expired_challenges
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.core.transactions import write_transaction
from goi.extensions import db

_EXTENSION = "goi.next_deadline"
_CHANGED = "goi.deadlines_changed"
_lock = threading.Lock()
# Raised by every commit of this process that changed a deadline; a known deadline of an older version is stale.
_version = 0


@dataclass(frozen=True, slots=True)
class _Known:
    deadline: datetime | None
    read_at: datetime
    version: int


def next_deadline() -> datetime | None:
    """The earliest closes_at of a published challenge, None when none is published (from memory when fresh)."""
    app = current_app._get_current_object()
    now = clock.now()
    known = app.extensions.get(_EXTENSION)
    refresh = timedelta(seconds=app.config.get("DEADLINE_REFRESH_SECONDS", 60))
    if known is None or known.version != _version or not timedelta(0) <= now - known.read_at < refresh:
        version = _version
        deadline = db.session.scalar(
            select(func.min(Challenge.closes_at)).where(Challenge.status == ChallengeStatus.PUBLISHED)
        )
        known = app.extensions[_EXTENSION] = _Known(deadline, now, version)
    return known.deadline


def close_if_due() -> int:
    """Close the challenges past their deadline, in a write transaction of their own; no SQL when none is due."""
    deadline = next_deadline()
    if deadline is None or deadline > clock.now():
        return 0
    with write_transaction():
        closed = close_expired_challenges()
    # Read again next time, even when another process had closed them already (nothing changed here).
    current_app.extensions.pop(_EXTENSION, None)
    return closed


def _note_changes(session: Session, flush_context) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Challenge):
            session.info[_CHANGED] = True
            return
    for obj in session.dirty:
        if isinstance(obj, Challenge):
            attributes = inspect(obj).attrs
            if attributes.status.history.has_changes() or attributes.closes_at.history.has_changes():
                session.info[_CHANGED] = True
                return


def _after_commit(session: Session) -> None:
    global _version
    if session.info.pop(_CHANGED, False):
        with _lock:
            _version += 1


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


_LISTENERS = (
    ("after_flush", _note_changes),
    ("after_commit", _after_commit),
    ("after_rollback", _after_rollback),
)


def register_deadline_listeners() -> None:
    """Listen to every ORM session (once per process)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
