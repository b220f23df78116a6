"""Index changes through an outbox: rows written in the transaction of the change, applied after its commit.

after_flush records every insert, update and delete of a searchable object (or of a part of one: a criterion
changes its challenge's document) as search_outbox rows on the flushing connection, so a rollback takes them away
with the change. After the commit, once the session has given its connection back, apply_pending() runs in a
fresh session: it takes the index's write lock (waiting SEARCH_LOCK_TIMEOUT at most), reads every pending row and
the current state of their records, writes the documents, commits the index, then marks the rows indexed. A
writer that cannot get the lock, fails, or dies leaves its rows pending for the next writer or `goi search sync`.
While it waits for the lock, a writer returns as soon as another writer has applied its rows (one write then
serves several requests); the index write itself never merges segments (whoosh_backend merges in the background).
"""

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from goi.accounts.models import User
from goi.challenges.models import Addendum, Challenge, ChallengeCoOwner, Criterion, Question
from goi.core import clock
from goi.core.changes import has_column_changes
from goi.extensions import db
from goi.orgs.models import Membership, Organization, PastProject
from goi.proposals.models import Proposal, ProposalSection, TeamMember
from goi.reviews.models import ChallengeResult, ResultEntry
from goi.search.backend import IndexBusy
from goi.search.models import SearchOutbox
from goi.site.models import raise_content_version

log = logging.getLogger("goi.search")

_WRITTEN = "search_outbox_written"
_APPLY = "search_outbox_apply"
# A busy index: the lock is tried every _LOCK_POLL seconds, the caller's rows checked every _CHECK_EVERY.
_LOCK_POLL = 0.01
_CHECK_EVERY = 0.03
# Columns whose change does not change a document (a login writes last_login_at, for instance).
_IGNORED_COLUMNS = {
    User: {"last_login_at", "session_version", "password_hash", "locale", "email_confirmed_at", "email"},
    Challenge: {"updated_at"},
    Proposal: {"updated_at", "content_hash", "version"},
}


def targets_of(obj) -> list[tuple[str, int | None]]:
    """The documents an object's change touches, as (type, id)."""
    match obj:
        case Challenge():
            return [("challenge", obj.id)]
        case Criterion() | ChallengeCoOwner():
            return [("challenge", obj.challenge_id)]
        case Addendum():
            return [("addendum", obj.id), ("challenge", obj.challenge_id)]
        case Question():
            return [("question", obj.id)]
        case Organization():
            return [("organization", obj.id)]
        case Membership():
            return [("organization", obj.organization_id), ("profile", obj.user_id)]
        case User():
            return [("profile", obj.id)]
        case PastProject():
            # A past project is part of its owner's document (when it counts for matching); one owner id is None.
            return [("organization", obj.organization_id), ("profile", obj.user_id)]
        case Proposal():
            return [("proposal", obj.id)]
        case TeamMember() | ProposalSection():
            return [("proposal", obj.proposal_id)]
        case ChallengeResult():
            return [("result", obj.id)]
        case ResultEntry():
            return [("result", obj.result_id)]
    return []


def _record_changes(session: Session, flush_context) -> None:
    targets: set[tuple[str, int]] = set()
    for obj in session.new:
        targets.update(targets_of(obj))
    for obj in session.deleted:
        targets.update(targets_of(obj))
    for obj in session.dirty:
        if targets_of(obj) and has_column_changes(obj, _IGNORED_COLUMNS.get(type(obj), ())):
            targets.update(targets_of(obj))
    rows = [
        {"doc_type": doc_type, "object_id": object_id, "created_at": clock.now()}
        for doc_type, object_id in sorted(target for target in targets if target[1] is not None)
    ]
    if rows:
        connection = session.connection()
        connection.execute(insert(SearchOutbox.__table__), rows)
        # The highest row id this transaction can see: its own rows are at most this (a writer whose rows another
        # writer applied meanwhile returns without waiting for the index).
        last_id = connection.execute(select(func.max(SearchOutbox.id))).scalar() or 0
        session.info[_WRITTEN] = max(session.info.get(_WRITTEN, 0), last_id)


def _after_commit(session: Session) -> None:
    last_id = session.info.pop(_WRITTEN, 0)
    if last_id:
        session.info[_APPLY] = max(session.info.get(_APPLY, 0), last_id)


def _after_rollback(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


def _after_transaction_end(session: Session, transaction) -> None:
    # Runs once the session has given its connection back: the writer uses a connection of its own.
    if transaction.parent is not None:
        return
    last_id = session.info.pop(_APPLY, 0)
    if not last_id:
        return
    if not has_app_context() or not current_app.config.get("SEARCH_SYNC_ON_COMMIT", True):
        return
    try:
        apply_pending(timeout=current_app.config.get("SEARCH_LOCK_TIMEOUT", 1.0), through=last_id)
    except Exception:  # the change is committed; its rows stay pending for the next writer
        log.exception("search index update failed; rows stay pending")


_LISTENERS = (
    ("after_flush", _record_changes),
    ("after_commit", _after_commit),
    ("after_soft_rollback", lambda session, previous: _after_rollback(session)),
    ("after_transaction_end", _after_transaction_end),
)


def register_outbox_listeners() -> None:
    """Listen to every ORM session (once per process)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _expand(session: Session, targets: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    from goi.search.documents import dependent_targets

    ordered = dict.fromkeys(targets)
    for doc_type, object_id in list(ordered):
        ordered.update(dict.fromkeys(dependent_targets(session, doc_type, object_id)))
    return list(ordered)


def apply_pending(timeout: float | None = None, limit: int = 2000, through: int | None = None) -> int:
    """Apply pending outbox rows to the index; the number of rows applied (0 when the index is busy).

    through: the caller's own rows are those up to this id (the after-commit path). While the index is busy the
    caller polls the lock and returns as soon as another writer has applied its rows; holding the lock, it
    returns at once if they are applied already, else it applies every pending row (other writers' too).
    """
    from goi.search.service import backend

    if timeout is None:
        timeout = current_app.config.get("SEARCH_LOCK_TIMEOUT", 1.0)
    deadline = time.monotonic() + max(timeout, 0.0)
    applied = 0
    next_check = 0.0
    while True:
        try:
            with backend().batch(0.0) as batch:
                rows = _apply_rows(batch, limit, through)
        except IndexBusy:
            now = time.monotonic()
            if through is not None and now >= next_check:
                if not _pending_through(through):
                    return applied
                next_check = now + _CHECK_EVERY
            if now >= deadline:
                log.info("search index busy; %d outbox rows left for the next writer", applied)
                return applied
            time.sleep(min(_LOCK_POLL, max(deadline - now, 0.0)))
            continue
        if not rows:
            return applied
        # The index is committed: now the rows are done. A crash before this line only repeats the work.
        _mark_indexed([row.id for row in rows])
        applied += len(rows)
        if len(rows) < limit:
            return applied


def _pending_through(last_id: int) -> bool:
    with Session(bind=db.engine) as session:
        return (
            session.execute(
                select(SearchOutbox.id).where(SearchOutbox.indexed_at.is_(None), SearchOutbox.id <= last_id).limit(1)
            ).first()
            is not None
        )


def _apply_rows(batch, limit: int, through: int | None) -> list:
    """Under the index lock: write the documents of up to limit pending rows; the rows written."""
    from goi.search.documents import build

    with Session(bind=db.engine) as session:
        pending = select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.object_id).where(
            SearchOutbox.indexed_at.is_(None)
        )
        if through is not None and session.execute(pending.where(SearchOutbox.id <= through).limit(1)).first() is None:
            return []  # another writer applied this caller's rows
        rows = session.execute(pending.order_by(SearchOutbox.id).limit(limit)).all()
        if not rows:
            return []
        documents, removed = [], []
        for doc_type, object_id in _expand(session, ((row.doc_type, row.object_id) for row in rows)):
            document = build(session, doc_type, object_id)
            if document is None:
                removed.append(f"{doc_type}:{object_id}")
            else:
                documents.append(document)
        session.rollback()  # ends the read, so that SQLite writers are not held while the index writes
    batch.remove(removed)
    batch.index(documents)
    return rows


def _mark_indexed(row_ids: list[int]) -> None:
    with Session(bind=db.engine) as session, session.begin():
        mark_indexed(session, row_ids)


def mark_indexed(session: Session, row_ids: list[int]) -> None:
    """These rows are done (and every cached search page stale: the index answers differently now).

    Exactly the rows read, never "every id up to the last one": on PostgreSQL a transaction holding a lower id can
    commit after a higher one, and its change may not be in what was indexed.
    """
    for start in range(0, len(row_ids), 500):
        session.execute(
            update(SearchOutbox)
            .where(SearchOutbox.id.in_(row_ids[start : start + 500]), SearchOutbox.indexed_at.is_(None))
            .values(indexed_at=clock.now())
            .execution_options(synchronize_session=False)
        )
    raise_content_version(session)


def purge_indexed(older_than: timedelta = timedelta(days=7)) -> int:
    """Delete rows indexed long ago; the number deleted."""
    with Session(bind=db.engine) as session, session.begin():
        result = session.execute(
            delete(SearchOutbox).where(
                SearchOutbox.indexed_at.is_not(None), SearchOutbox.indexed_at < clock.now() - older_than
            )
        )
        return result.rowcount or 0
