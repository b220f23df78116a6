"""How each database transaction begins: reads in a deferred transaction, writes holding the write lock.

On SQLite a write transaction begins with BEGIN IMMEDIATE, so writers queue on busy_timeout at BEGIN instead of
failing later (a deferred transaction that starts writing after another writer committed fails with
SQLITE_BUSY_SNAPSHOT); a read transaction begins with a plain BEGIN and never takes the write lock. The mode:

- a request with a safe method (GET, HEAD, OPTIONS) reads; any other request writes;
- outside a request (commands, tests calling services) every transaction writes, as before;
- write_transaction() is the write a reading request must make (the due work of goi.site.due_work);
- reading() is slow read-only work of a writing request (a password hash, an upload check), run before its write
  transaction begins; and a writing request that renders a page having written nothing reads from then on;
- lock_row() makes writers that number "the maximum + 1" under one parent row take turns on PostgreSQL.

Every dialect records the mode on the connection; with GUARD_READ_TRANSACTIONS (the test profile) a write in a
read transaction raises WriteInReadTransaction, elsewhere it is logged.
"""

import enum
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, before_render_template, current_app, has_app_context, has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from goi.extensions import db

log = logging.getLogger("goi.transactions")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE)\b", re.IGNORECASE)
# Keys in a DBAPI connection's info (reset at every BEGIN) and in a session's info (for its open transaction).
_MODE = "goi.transaction_mode"
_WROTE = "goi.transaction_wrote"
_OPEN = "goi.open_transaction"
# Set in request.environ once a writing request reads for the rest of it.
_READ_FROM_HERE = "goi.transactions.read_from_here"
_chosen: ContextVar["TransactionMode | None"] = ContextVar("goi_transaction_mode", default=None)


class TransactionMode(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class WriteInReadTransaction(RuntimeError):
    """A statement that writes ran in a transaction begun to read (with GUARD_READ_TRANSACTIONS)."""


def current_mode() -> TransactionMode:
    """The mode the next transaction begins in."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    if not has_request_context():
        return TransactionMode.WRITE
    if request.method in SAFE_METHODS or request.environ.get(_READ_FROM_HERE):
        return TransactionMode.READ
    return TransactionMode.WRITE


def open_mode() -> TransactionMode | None:
    """The mode of the session's open transaction; None when none is open."""
    info = db.session.info.get(_OPEN)
    return info.get(_MODE) if info is not None else None


def has_written() -> bool:
    """Whether the session's open transaction has written, or holds changes it will write at its next flush."""
    session = db.session
    info = session.info.get(_OPEN)
    return bool(session.new or session.dirty or session.deleted or (info is not None and info.get(_WROTE)))


def _end_unwritten_transaction() -> bool:
    """End the open transaction if it has written nothing (its reads release no data); whether none is open now."""
    if has_written():
        return False
    if db.session.info.get(_OPEN) is not None:
        db.session.commit()
    return True


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block in a write transaction, committed at its end (rolled back on an error).

    A read transaction open before it is ended first (it has written nothing); an open write transaction is joined
    and committed with the block.
    """
    if open_mode() is TransactionMode.READ:
        _end_unwritten_transaction()
    token = _chosen.set(TransactionMode.WRITE)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _chosen.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """Run slow read-only work in a read transaction of its own, so that no write lock is held meanwhile.

    An open transaction that has written nothing is ended first, so what was read before is no longer protected:
    re-read in the write phase what the write depends on. A transaction that has written is kept (the block runs
    in it: correct, only holding the lock longer).
    """
    if not _end_unwritten_transaction():
        yield
        return
    token = _chosen.set(TransactionMode.READ)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    else:
        if not _end_unwritten_transaction():
            db.session.rollback()
            raise WriteInReadTransaction("reading() was given changes to write; they are rolled back")
    finally:
        _chosen.reset(token)


def lock_row(instance: db.Model) -> None:
    """Hold the instance's row lock until the transaction ends (SELECT ... FOR UPDATE) and re-read it under the lock.

    On PostgreSQL (READ COMMITTED) a second writer waits here until the first commits; its attributes and
    collections, expired here, are then loaded afresh, and so is "the maximum + 1" read after the lock. The
    select flushes pending changes first, so expiring loses none. SQLite omits FOR UPDATE: BEGIN IMMEDIATE
    already serializes its writers.
    """
    model = type(instance)
    db.session.execute(select(model.id).where(model.id == instance.id).with_for_update())
    db.session.expire(instance)


def read_from_here() -> bool:
    """In a writing request that has written nothing: end its transaction and read for the rest of the request.

    Returns whether the request reads now.
    """
    if not has_request_context() or _chosen.get() is not None:
        return False
    if current_mode() is TransactionMode.READ:
        return True
    if not _end_unwritten_transaction():
        return False
    request.environ[_READ_FROM_HERE] = True
    return True


def _before_render(sender: Flask, template, context) -> None:
    # Rendering a page (a form with its errors, the page after a refusal) needs no write lock; an email rendered
    # for the outbox belongs to the write it is part of.
    if not (template.name or "").startswith("mail/"):
        read_from_here()


def _end_request_transaction(error: BaseException | None) -> None:
    # A transaction left open by a request (a reading one always is) ends with the request, as it does when the
    # session is removed; the test suite's shared session then starts the test's next transaction afresh.
    if error is None and db.session.info.get(_OPEN) is not None:
        _end_unwritten_transaction()


def init_app(app: Flask) -> None:
    """End every request's unwritten transaction at teardown; a page rendered by a writing request reads."""
    app.teardown_request(_end_request_transaction)
    before_render_template.connect(_before_render, app)
    for name, listener in _SESSION_LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@event.listens_for(Engine, "begin")
def _begin(connection) -> None:
    mode = current_mode()
    connection.info[_MODE] = mode
    connection.info[_WROTE] = False
    if connection.dialect.name == "sqlite":
        # pysqlite's own transaction handling is off (isolation_level=None), so this BEGIN is the transaction's.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode is TransactionMode.WRITE else "BEGIN")


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection, cursor, statement, parameters, context, executemany) -> None:
    if not _WRITE_STATEMENT.match(statement):
        return
    info = connection.info
    info[_WROTE] = True
    if info.get(_MODE) is not TransactionMode.READ:
        return
    message = f"a write in a read transaction: {statement[:80]!r}"
    if has_request_context():
        message += f" ({request.method} {request.path}; use transactions.write_transaction())"
    if has_app_context() and current_app.config.get("GUARD_READ_TRANSACTIONS"):
        raise WriteInReadTransaction(message)
    log.warning(message)


def _session_began(session: Session, transaction, connection) -> None:
    session.info[_OPEN] = connection.info


def _session_ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_OPEN, None)


_SESSION_LISTENERS = (
    ("after_begin", _session_began),
    ("after_transaction_end", _session_ended),
)
