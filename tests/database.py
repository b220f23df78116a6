"""The database of a test run: SQLite, or with GOI_TEST_DATABASE=postgresql a schema of the run's own on PostgreSQL."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, exists, literal, select, text, union_all
from sqlalchemy.exc import OperationalError

import goi.models  # noqa: F401  (every table belongs to the metadata)
from goi.core.audit import AuditEvent
from goi.extensions import db

DATABASES = ("sqlite", "postgresql")
DATABASE = os.environ.get("GOI_TEST_DATABASE", "sqlite").strip().lower() or "sqlite"
ON_POSTGRESQL = DATABASE == "postgresql"
POSTGRES_URL = os.environ.get("GOI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RUN_SCHEMA = f"goi_test_{uuid.uuid4().hex[:12]}"


# The rows a table has from its creation on (inserted by its after_create DDL), put back after each test.
_created_rows: dict[str, list[dict]] = {}
# Whether the run's role may turn triggers off for its own transaction (a superuser may).
_skips_triggers: list[bool] = [False]


class Unreachable(Exception):
    """PostgreSQL does not answer at POSTGRES_URL."""


def with_schema(schema: str) -> str:
    """POSTGRES_URL with search_path set to schema, in libpq's options, as GOI_DATABASE_URL would carry it.

    Commits do not wait for the WAL to reach the disk (synchronous_commit=off): test data need not survive a
    crash of the server, and every commit would otherwise wait for an fsync.
    """
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


def url() -> str:
    """The database of this run's apps: SQLite in memory, or the run's schema on PostgreSQL."""
    return with_schema(RUN_SCHEMA) if ON_POSTGRESQL else "sqlite://"


def shared_url(folder: Path | str) -> str:
    """A database several connections and processes share: a SQLite file in folder, or the run's schema."""
    return with_schema(RUN_SCHEMA) if ON_POSTGRESQL else f"sqlite:///{Path(folder) / 'goi.sqlite3'}"


def skip_on_postgresql(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(ON_POSTGRESQL, reason=f"not in the PostgreSQL run: {reason}")


def _server() -> Engine:
    return create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})


def start_run() -> None:
    """Create the run's schema with every table (PostgreSQL only); raise Unreachable if the server does not answer."""
    if DATABASE not in DATABASES:
        raise pytest.UsageError(f"GOI_TEST_DATABASE={DATABASE!r}: use one of {', '.join(DATABASES)}")
    if not ON_POSTGRESQL:
        return
    server = _server()
    try:
        with server.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{RUN_SCHEMA}"'))
    except OperationalError as error:
        raise Unreachable(str(error).splitlines()[0]) from error
    finally:
        server.dispose()
    engine = create_engine(url())
    try:
        db.metadata.create_all(engine)
        with engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                rows = [dict(row) for row in connection.execute(select(table)).mappings()]
                if rows:
                    _created_rows[table.name] = rows
            superuser = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
            _skips_triggers[:] = [bool(superuser.scalar())]
    finally:
        engine.dispose()


def finish_run() -> None:
    if ON_POSTGRESQL:
        _drop_schema(RUN_SCHEMA)


def _drop_schema(schema: str) -> None:
    server = _server()
    try:
        with server.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    except OperationalError:
        pass  # unreachable: there is nothing to drop
    finally:
        server.dispose()


@contextmanager
def empty_tables() -> Iterator[None]:
    """Every table of the current app's database empty for the block: created on SQLite, emptied on PostgreSQL."""
    prepare_tables()
    try:
        yield
    finally:
        release_tables()


def prepare_tables() -> None:
    """Create every table of the current app's database (SQLite) or empty them (PostgreSQL)."""
    if db.engine.dialect.name == "sqlite":
        db.create_all()
    else:
        _empty_postgresql_tables(db.engine)


def release_tables() -> None:
    """End the current app's session, drop SQLite's tables and close the connections."""
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        db.drop_all()
    db.engine.dispose()


def _empty_postgresql_tables(engine: Engine) -> None:
    # TRUNCATE of every table rewrites every table's files (about 50 ms a test); deleting the few rows a test
    # left costs a few ms. Children go first, so no foreign key is in the way.
    tables = db.metadata.sorted_tables
    probe = union_all(*(select(literal(table.name)).where(exists().select_from(table)) for table in tables))
    with engine.begin() as connection:
        # A connection a test left inside a transaction would otherwise make this wait for ever.
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        if _skips_triggers[0]:
            # For this transaction only: no foreign-key checks per deleted row, and the audit log's guard
            # (a row trigger) lets its rows go.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        filled = set(connection.execute(probe).scalars())
        for table in reversed(tables):
            if table.name not in filled:
                continue
            if table.name == AuditEvent.__tablename__ and not _skips_triggers[0]:
                # Its rows refuse DELETE (a row trigger); TRUNCATE fires no row trigger.
                connection.execute(text(f'TRUNCATE "{table.name}"'))
            else:
                connection.execute(table.delete())
        for table in tables:
            if table.name in _created_rows:
                connection.execute(table.insert(), _created_rows[table.name])
        # Ids start at 1 again, as in a new database.
        connection.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        )


@contextmanager
def empty_database(folder: Path | str) -> Iterator[str]:
    """The URL of a database without tables (for migrations): a SQLite file in folder, or a schema of its own."""
    if not ON_POSTGRESQL:
        yield f"sqlite:///{Path(folder) / 'goi.sqlite3'}"
        return
    schema = f"{RUN_SCHEMA}_{uuid.uuid4().hex[:6]}"
    server = _server()
    try:
        with server.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        server.dispose()
    try:
        yield with_schema(schema)
    finally:
        _drop_schema(schema)


def empty_redis_database(uri: str, **options) -> Iterator:
    """A fixture body: a connection to the Redis database at uri, emptied before and after the test; the test is
    skipped, with the reason, when Redis does not answer."""
    import redis

    try:
        connection = redis.Redis.from_url(uri, socket_connect_timeout=3, **options)
        connection.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        pytest.skip(f"Redis is not reachable at {uri}: {error}")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()
