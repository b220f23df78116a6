"""Transactions: reading requests never take the write lock; writers take it only while they write."""

import multiprocessing
import sqlite3
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from config import TestConfig
from goi import create_app
from goi.accounts import services as account_services
from goi.accounts.models import User
from goi.core import transactions
from goi.core.transactions import TransactionMode, WriteInReadTransaction
from goi.extensions import db
from tests import factories
from tests.conftest import csrf_token_from, log_in, post_form
from tests.factories import PASSWORD

NEW_PASSWORD = "a long unusual phrase 8"


@contextmanager
def recorded(engine):
    """The statements run on engine in the block, with a ("begin", mode) entry for each transaction begun."""
    log: list = []

    def on_begin(connection):
        log.append(("begin", connection.info.get("goi.transaction_mode")))

    def on_statement(connection, cursor, statement, parameters, context, executemany):
        log.append(statement)

    # Registered after goi.core.transactions' own listener, so the mode is already recorded when this runs.
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield log
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "before_cursor_execute", on_statement)


def _modes(log) -> list[TransactionMode]:
    return [entry[1] for entry in log if isinstance(entry, tuple)]


def _is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def test_a_get_begins_only_read_transactions(client, login_as, db):
    login_as("user")
    db.session.commit()
    client.get("/account/profile")  # the first request of a process also sends due reminders (a write)
    with recorded(db.engine) as log:
        assert client.get("/account/profile").status_code == 200
    assert _modes(log) and set(_modes(log)) == {TransactionMode.READ}
    if _is_sqlite():
        assert "BEGIN IMMEDIATE" not in log and "BEGIN" in log


def test_a_post_that_writes_begins_immediate(client, login_as, db):
    user = login_as("user")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    with recorded(db.engine) as log:
        response = client.post("/language", data={"language": "en", "csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert db.session.get(User, user.id).locale == "en"
    assert TransactionMode.WRITE in _modes(log)
    update = next(index for index, entry in enumerate(log) if isinstance(entry, str) and entry.startswith("UPDATE"))
    begun = [entry[1] for entry in log[:update] if isinstance(entry, tuple)]
    assert begun[-1] is TransactionMode.WRITE
    if _is_sqlite():
        assert log[: update + 1].count("BEGIN IMMEDIATE") >= 1
        assert [entry for entry in log[:update] if entry in ("BEGIN", "BEGIN IMMEDIATE")][-1] == "BEGIN IMMEDIATE"


def test_a_write_in_a_reading_request_fails_loudly(app, db):
    db.session.commit()
    with app.test_request_context("/", method="GET"):
        db.session.add(User(email="tulis@example.id", name="Tulis", password_hash="x"))
        with pytest.raises(WriteInReadTransaction):
            db.session.flush()
        db.session.rollback()
        with recorded(db.engine) as log, transactions.write_transaction():
            db.session.add(User(email="tulis@example.id", name="Tulis", password_hash="x"))
        # The write, then the search index update after its commit.
        assert set(_modes(log)) == {TransactionMode.WRITE}
        assert transactions.current_mode() is TransactionMode.READ
    assert db.session.scalar(select(User.name).where(User.email == "tulis@example.id")) == "Tulis"


def test_write_transaction_ends_the_read_transaction_before_it(app, db):
    factories.make_user(email="baca@example.id")
    db.session.commit()
    with app.test_request_context("/", method="GET"), recorded(db.engine) as log:
        user = db.session.scalar(select(User).where(User.email == "baca@example.id"))
        assert transactions.open_mode() is TransactionMode.READ
        with transactions.write_transaction():
            user.name = "Baru"
        assert transactions.open_mode() is None
        assert user.name == "Baru"
    modes = _modes(log)
    assert modes[:2] == [TransactionMode.READ, TransactionMode.WRITE] and modes[-1] is TransactionMode.READ


def test_reading_keeps_a_transaction_that_has_written(app, db):
    with app.test_request_context("/", method="POST"):
        factories.make_user(email="tetap@example.id")
        with transactions.reading():
            assert transactions.open_mode() is TransactionMode.WRITE
        db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "tetap@example.id")) is None


def test_a_writing_request_that_renders_a_form_error_reads_from_then_on(client, login_as, db):
    login_as("user")
    db.session.commit()
    html = client.get("/account/password").get_data(as_text=True)
    data = {"current_password": PASSWORD, "password": "short", "confirm": "other", "csrf_token": csrf_token_from(html)}
    with recorded(db.engine) as log:
        assert client.post("/account/password", data=data).status_code == 200
    # The request's first queries (its user) hold the write lock; the page is rendered in a read transaction.
    assert _modes(log)[-1] is TransactionMode.READ


# --- slow work of a writer happens before its write transaction ---------------------------------------------------


@pytest.fixture
def file_app(tmp_path):
    """An app on an SQLite file, so that another connection can probe its locks."""
    path = tmp_path / "goi.sqlite3"
    app = create_app(
        TestConfig,
        INSTANCE_PATH=str(tmp_path),
        UPLOAD_PATH=str(tmp_path / "uploads"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
    )
    with app.app_context():
        db.create_all()
        factories.make_user(email="warga@example.id")
        db.session.commit()
        db.session.remove()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def _write_lock_is_free(path) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def test_login_checks_the_password_while_nobody_holds_the_write_lock(file_app, monkeypatch):
    app, path = file_app
    seen = []
    check_password = User.check_password

    def watched(self, password):
        seen.append((transactions.open_mode(), _write_lock_is_free(path)))
        return check_password(self, password)

    monkeypatch.setattr(User, "check_password", watched)
    for password, status in ((PASSWORD, 302), ("wrong password here", 422)):
        data = {"email": "warga@example.id", "password": password}
        with app.app_context():
            assert post_form(app.test_client(), "/login", data).status_code == status
    assert seen == [(TransactionMode.READ, True), (TransactionMode.READ, True)]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "warga@example.id"))
        assert user.last_login_at is not None


def test_login_statements_hash_before_the_write_transaction(client, world, db, monkeypatch):
    html = client.get("/login").get_data(as_text=True)
    check_password = User.check_password
    with recorded(db.engine) as log:
        monkeypatch.setattr(
            User, "check_password", lambda user, password: log.append("HASH") or check_password(user, password)
        )
        data = {"email": "warga@example.id", "password": PASSWORD, "csrf_token": csrf_token_from(html)}
        assert client.post("/login", data=data).status_code == 302
    hashed = log.index("HASH")
    assert [entry[1] for entry in log[:hashed] if isinstance(entry, tuple)][-1] is TransactionMode.READ
    stamp = next(
        index for index, entry in enumerate(log) if isinstance(entry, str) and entry.startswith("UPDATE users")
    )
    assert hashed < stamp
    assert [entry[1] for entry in log[hashed:stamp] if isinstance(entry, tuple)][-1] is TransactionMode.WRITE


@pytest.mark.parametrize("form", ["register", "change_password"])
def test_new_passwords_are_hashed_outside_a_write_transaction(client, world, db, monkeypatch, form):
    seen = []
    hash_password = account_services.hash_password

    def watched(password):
        seen.append(transactions.open_mode())
        return hash_password(password)

    monkeypatch.setattr(account_services, "hash_password", watched)
    if form == "register":
        data = {"name": "Warga Baru", "email": "baru@example.id", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        assert post_form(client, "/register", data).status_code == 302
        assert db.session.scalar(select(User).where(User.email == "baru@example.id")).check_password(NEW_PASSWORD)
    else:
        user = world["users"]["user"]
        log_in(client, user)
        data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        assert post_form(client, "/account/password", data).status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    assert seen and TransactionMode.WRITE not in seen


# --- two readers while a writer holds the lock -------------------------------------------------------------------


def _app_on(path, instance):
    return create_app(
        TestConfig,
        INSTANCE_PATH=str(instance),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        REMINDERS_ON_REQUEST=False,
    )


def _hold_the_write_lock(path, instance, holding, release, results) -> None:
    app = _app_on(path, instance)
    with app.app_context(), transactions.write_transaction():
        db.session.add(User(email="penulis@example.id", name="Penulis", password_hash="x"))
        db.session.flush()
        holding.set()
        results.put(("writer released by the test", release.wait(timeout=60)))


def _read_a_page(path, instance, start, results) -> None:
    app = _app_on(path, instance)
    client = app.test_client()
    start.wait(timeout=60)
    began = time.monotonic()
    status = client.get("/challenges").status_code
    results.put(("reader", status, time.monotonic() - began))


def test_two_readers_read_while_a_writer_holds_the_lock(tmp_path):
    path = tmp_path / "shared.sqlite3"
    setup = _app_on(path, tmp_path / "setup")
    with setup.app_context():
        db.create_all()
        db.engine.dispose()
    spawn = multiprocessing.get_context("spawn")
    holding, release, start = spawn.Event(), spawn.Event(), spawn.Event()
    results = spawn.Queue()
    writer = spawn.Process(target=_hold_the_write_lock, args=(path, tmp_path / "w", holding, release, results))
    readers = [
        spawn.Process(target=_read_a_page, args=(path, tmp_path / f"r{number}", start, results)) for number in (1, 2)
    ]
    writer.start()
    for reader in readers:
        reader.start()
    try:
        assert holding.wait(timeout=60), "the writer never began"
        assert not _write_lock_is_free(path)
        start.set()
        answers = [results.get(timeout=60) for _ in readers]
        # Both readers are done and the writer still holds its transaction open.
        assert writer.is_alive() and not _write_lock_is_free(path)
    finally:
        release.set()
        writer.join(timeout=60)
        for reader in readers:
            reader.join(timeout=60)
    assert sorted(answer[:2] for answer in answers) == [("reader", 200), ("reader", 200)]
    # Far below the 15 s busy timeout a reader would wait for the lock.
    assert all(answer[2] < 5 for answer in answers)
    assert results.get(timeout=10) == ("writer released by the test", True)
    assert writer.exitcode == 0
