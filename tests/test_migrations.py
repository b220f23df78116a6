"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import logging
import uuid
import warnings
from pprint import pformat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, create_engine, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.schema import CreateIndex

from config import TestConfig
from goi import create_app
from goi.extensions import db, migrate
from tests import database

PG_URI = database.POSTGRES_URL
pytestmark = database.skip_on_postgresql("it builds its own SQLite and PostgreSQL databases, in the SQLite run")


@pytest.fixture(autouse=True)
def _keep_loggers():
    """migrations/env.py runs logging.config.fileConfig, which disables every existing logger."""
    manager = logging.Logger.manager
    disabled = {name: getattr(logger, "disabled", False) for name, logger in manager.loggerDict.items()}
    root_level = logging.getLogger().level
    root_handlers = list(logging.getLogger().handlers)
    yield
    for name, logger in list(manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
    root = logging.getLogger()
    root.setLevel(root_level)
    for handler in list(root.handlers):
        if handler not in root_handlers:
            root.removeHandler(handler)


def _flask_db(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, f"flask db {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"


def _expression_indexes() -> dict:
    """The models' indexes on an expression (autogenerate cannot reflect them on SQLite), by name."""
    return {
        index.name: index
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(expression, Column) for expression in index.expressions)
    }


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        expression_indexes = _expression_indexes()

        def compared(object_, name, type_, reflected, compare_to) -> bool:
            return not (type_ == "index" and name in expression_indexes)

        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": compared})
        with warnings.catch_warnings():
            # Reflection passes over expression indexes on SQLite; they are compared below instead.
            warnings.filterwarnings("ignore", ".*expression-based index")
            differences = compare_metadata(context, db.metadata)
        return differences + _expression_index_differences(connection, expression_indexes)


def _expression_index_differences(connection, expression_indexes: dict) -> list:
    """Each expression index exists on its table with the models' definition, as the database writes it."""
    differences = []
    for name, index in expression_indexes.items():
        found = _index_definition(connection, name)
        expected = _index_definition(connection, name, create=index)
        if found != expected:
            differences.append(("expression index", name, found, expected))
    return differences


def _index_definition(connection, name: str, create=None) -> tuple | None:
    """(table, definition) of an index in the database; with create, of the model index created as a scratch copy
    in a transaction that is rolled back (PostgreSQL writes a definition back in its own words, with casts)."""
    scratch = "scratch_" + name
    if create is not None:
        if connection.dialect.name == "sqlite":  # SQLite keeps the statement as it was written
            return create.table.name, str(CreateIndex(create).compile(dialect=connection.dialect))
        transaction = connection.begin_nested() if connection.in_transaction() else connection.begin()
        try:
            connection.execute(
                text(
                    str(CreateIndex(create).compile(dialect=connection.dialect)).replace(
                        f"INDEX {name} ", f"INDEX {scratch} ", 1
                    )
                )
            )
            table, definition = _index_definition(connection, scratch)
        finally:
            transaction.rollback()
        return table, definition.replace(scratch, name, 1)
    if connection.dialect.name == "sqlite":
        query = "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    else:
        query = "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :name"
    row = connection.execute(text(query), {"name": name}).one_or_none()
    return None if row is None else tuple(row)


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def _assert_matches_models(app) -> None:
    differences = _differences(app)
    assert differences == [], "the migrated schema differs from the models:\n" + pformat(differences)


# Tables of this part of the app; the models may hold more (every table is compared below).
CORE_TABLES = {
    "users",
    "organizations",
    "memberships",
    "invitations",
    "verification_requests",
    "audit_events",
    "mail_outbox",
}


def _model_tables() -> set[str]:
    return set(db.metadata.tables)


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(
        TestConfig,
        INSTANCE_PATH=str(tmp_path),
        UPLOAD_PATH=str(tmp_path / "uploads"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_on_fresh_sqlite_matches_the_models(sqlite_app):
    assert _tables(sqlite_app) == set()
    _flask_db(sqlite_app, "upgrade")
    assert _model_tables() >= CORE_TABLES
    assert _tables(sqlite_app) == _model_tables() | {"alembic_version"}
    _assert_matches_models(sqlite_app)


def test_downgrade_to_base_then_upgrade_again_on_sqlite(sqlite_app):
    _flask_db(sqlite_app, "upgrade")
    _flask_db(sqlite_app, "downgrade", "base")
    assert _tables(sqlite_app) <= {"alembic_version"}
    _flask_db(sqlite_app, "upgrade")
    assert _tables(sqlite_app) == _model_tables() | {"alembic_version"}
    _assert_matches_models(sqlite_app)


def test_migrations_have_a_single_head(sqlite_app):
    with sqlite_app.app_context():
        heads = ScriptDirectory.from_config(migrate.get_config()).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


def _postgres_or_skip() -> None:
    try:
        engine = create_engine(PG_URI, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URI}: {error}")


@pytest.fixture
def pg_schema():
    """A throwaway schema in the test database, dropped afterwards."""
    _postgres_or_skip()
    schema = f"goi_migrations_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_URI)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def pg_app(tmp_path, pg_schema):
    app = create_app(
        TestConfig,
        INSTANCE_PATH=str(tmp_path),
        UPLOAD_PATH=str(tmp_path / "uploads"),
        SQLALCHEMY_DATABASE_URI=PG_URI,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={pg_schema}"}},
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_upgrade_on_postgresql_matches_the_models(pg_app, pg_schema):
    with pg_app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("select current_schema()")).scalar() == pg_schema
    assert _tables(pg_app) == set()
    _flask_db(pg_app, "upgrade")
    assert _tables(pg_app) == _model_tables() | {"alembic_version"}
    _assert_matches_models(pg_app)
    _flask_db(pg_app, "downgrade", "base")
    assert _tables(pg_app) <= {"alembic_version"}
    _flask_db(pg_app, "upgrade")
    _assert_matches_models(pg_app)


def test_upgrading_sqlite_keeps_child_rows_of_rebuilt_tables(sqlite_app):
    """A batch migration rebuilds a parent table; its children (ON DELETE CASCADE) must survive."""
    _flask_db(sqlite_app, "upgrade", "e98dbf3ea5e7")
    with sqlite_app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, created_at, is_platform_admin, is_disabled,"
                " session_version, locale, headline, bio_source, bio_html, expertise, languages, is_public_profile)"
                " VALUES (1, 'a@example.id', 'A', 'x', '2026-01-01', 0, 0, 1, 'id', '', '', '', '', 'id', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO organizations (id, slug, name, kind, description_source, description_html, website,"
                " created_at) VALUES (1, 'pt-a', 'PT A', 'industry', '', '', '', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO memberships (id, organization_id, user_id, role, is_public, created_at)"
                " VALUES (1, 1, 1, 'owner', 1, '2026-01-01')"
            )
        )
    _flask_db(sqlite_app, "upgrade")
    with sqlite_app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM memberships")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
