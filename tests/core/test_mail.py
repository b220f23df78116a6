"""The mail outbox delivered by `flask goi mail send` to a real SMTP server running in the test process."""

import logging
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from flask import g
from flask_babel import force_locale, gettext, refresh
from sqlalchemy import select

from config import TestConfig
from goi import create_app
from goi.core import clock
from goi.core.mail import OutboxMessage, queue_mail
from goi.extensions import db as _db
from tests import database
from tests.conftest import post_form

PASSWORD = "a long unusual phrase 7"
SENDER = "GOI Test <no-reply@goi.test>"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    """Keeps every envelope the server accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[Message]:
        return [message_from_bytes(envelope.original_content or envelope.content) for envelope in self.envelopes]


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, CollectingHandler]]:
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def _make_app(tmp_path, **overrides):
    settings = {
        "INSTANCE_PATH": str(tmp_path),
        "UPLOAD_PATH": str(tmp_path / "uploads"),
        "MAIL_SENDER": SENDER,
        "MAIL_TIMEOUT": 5,
        "MAIL_MAX_ATTEMPTS": 3,
    }
    settings.update(overrides)
    return create_app(TestConfig, **settings)


@pytest.fixture
def mail_settings(smtp) -> dict:
    controller, _ = smtp
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port}


@pytest.fixture
def app(tmp_path, mail_settings):
    """The app of conftest, with mail going to the test SMTP server (or wherever mail_settings says)."""
    app = _make_app(tmp_path, **mail_settings)

    def forget() -> None:
        # One app context serves the whole test; start each request with an empty g as a server would.
        for name in list(vars(g)):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)
    with app.app_context(), database.empty_tables():
        yield app
    clock.reset()


def _register(client, email="baru@example.id", name="Warga Baru"):
    data = {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD}
    response = post_form(client, "/register", data)
    assert response.status_code == 302
    return response


def _send(app):
    _db.session.commit()  # the CLI runs in the same app context; leave no transaction open
    result = app.test_cli_runner().invoke(args=["goi", "mail", "send"])
    _db.session.expire_all()
    return result


def _rows(db) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_registration_mail_is_delivered_over_smtp(app, client, db, smtp):
    _, handler = smtp
    _register(client)
    [row] = _rows(db)
    assert row.sent_at is None

    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output

    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == ["baru@example.id"]
    assert envelope.mail_from == "no-reply@goi.test"
    [message] = handler.messages()
    assert message["To"] == "baru@example.id"
    assert message["Content-Language"] == "id"
    assert _subject(message) == row.subject
    with force_locale("id"):
        assert _subject(message) == gettext("Confirm your GOI account")
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    assert re.search(r"http://localhost/confirm/[A-Za-z0-9_.\-]+", body)
    assert body.replace("\r\n", "\n").strip() == row.body_text.strip()

    [row] = _rows(db)
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.last_error is None
    assert row.failed_at is None

    # Nothing left to send: a second run delivers nothing more.
    again = _send(app)
    assert again.exit_code == 0
    assert "sent 0, failed 0" in again.output
    assert len(handler.envelopes) == 1


def test_message_in_english_for_english_user(app, client, db, smtp):
    _, handler = smtp
    client.set_cookie("goi_lang", "en")
    _register(client, email="english@example.id", name="Jane")
    _send(app)
    [message] = handler.messages()
    assert message["To"] == "english@example.id"
    assert message["Content-Language"] == "en"
    assert _subject(message) == "Confirm your GOI account"
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    assert "Hello Jane," in body
    [row] = _rows(db)
    assert row.locale == "en"
    assert row.sent_at is not None


def test_english_subject_differs_from_indonesian(app, client, db):
    with app.test_request_context(), force_locale("id"):
        indonesian = gettext("Confirm your GOI account")
    if indonesian == "Confirm your GOI account":
        pytest.skip("the Indonesian catalogue has no translation of this subject yet")
    _register(client, email="id@example.id")
    client.set_cookie("goi_lang", "en")
    _register(client, email="en@example.id")
    subjects = {row.recipient: row.subject for row in _rows(db)}
    assert subjects["en@example.id"] == "Confirm your GOI account"
    assert subjects["id@example.id"] == indonesian
    assert subjects["id@example.id"] != subjects["en@example.id"]


def test_mails_to_several_recipients_are_all_delivered(app, client, db, smtp):
    _, handler = smtp
    for number in range(3):
        queue_mail(f"r{number}@example.id", "reset_password", "id", user={"name": f"R{number}"}, link="http://x/y")
    result = _send(app)
    assert result.exit_code == 0
    assert sorted(e.rcpt_tos[0] for e in handler.envelopes) == ["r0@example.id", "r1@example.id", "r2@example.id"]
    assert all(row.sent_at is not None for row in _rows(db))


class TestWithoutServer:
    """The configured port has no SMTP server listening."""

    @pytest.fixture
    def mail_settings(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": _free_port(), "MAIL_TIMEOUT": 2}

    def test_failure_is_recorded_and_retried_later(self, app, client, db):
        _register(client)
        before = clock.now()
        result = _send(app)
        assert result.exit_code == 1
        assert "sent 0, failed 1" in result.output
        [row] = _rows(db)
        assert row.attempts == 1
        assert row.last_error
        assert row.sent_at is None
        assert row.failed_at is None
        assert row.next_attempt_at > before
        assert row.next_attempt_at > clock.now()

        # Not due yet: the next run does not try again.
        again = _send(app)
        assert again.exit_code == 0
        assert _rows(db)[0].attempts == 1

    def test_gives_up_after_max_attempts(self, app, client, db):
        _register(client)
        max_attempts = app.config["MAIL_MAX_ATTEMPTS"]
        for attempt in range(1, max_attempts + 1):
            result = _send(app)
            assert result.exit_code == 1
            [row] = _rows(db)
            assert row.attempts == attempt
            if attempt < max_attempts:
                assert row.failed_at is None
                clock.shift(timedelta(hours=2))
        assert row.failed_at is not None
        assert row.sent_at is None
        clock.shift(timedelta(days=1))
        final = _send(app)
        assert final.exit_code == 0
        assert _rows(db)[0].attempts == max_attempts

    def test_message_delivered_once_server_is_back(self, app, client, db):
        _register(client)
        assert _send(app).exit_code == 1
        handler = CollectingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=app.config["MAIL_PORT"])
        controller.start()
        try:
            clock.shift(timedelta(hours=2))
            result = _send(app)
        finally:
            controller.stop()
        assert result.exit_code == 0, result.output
        assert [e.rcpt_tos for e in handler.envelopes] == [["baru@example.id"]]
        [row] = _rows(db)
        assert row.attempts == 2
        assert row.sent_at is not None
        assert row.last_error is None


class TestLogOnly:
    @pytest.fixture
    def mail_settings(self) -> dict:
        return {"MAIL_SERVER": None, "MAIL_LOG_ONLY": True}

    def test_mail_is_written_to_the_log_and_marked_sent(self, app, client, db, caplog):
        caplog.set_level(logging.INFO, logger="goi.mail")
        _register(client)
        result = _send(app)
        assert result.exit_code == 0, result.output
        [row] = _rows(db)
        assert row.sent_at is not None
        records = [r for r in caplog.records if r.name == "goi.mail"]
        assert len(records) == 1
        text = records[0].getMessage()
        assert "baru@example.id" in text
        assert row.subject in text
        assert "/confirm/" in text


class TestNoServerConfigured:
    @pytest.fixture
    def mail_settings(self) -> dict:
        return {"MAIL_SERVER": None, "MAIL_LOG_ONLY": False}

    def test_send_refuses_without_server_and_keeps_mail(self, app, client, db):
        _register(client)
        result = _send(app)
        assert result.exit_code != 0
        assert "GOI_MAIL_SERVER" in result.output
        [row] = _rows(db)
        assert row.sent_at is None
        assert row.attempts == 0


def test_the_catalogue_follows_the_locale_inside_one_request_also_when_forced(app):
    """Translations are found by the locale's parts: a forced locale (an email in its recipient's language) gets
    its own catalogue, and the request's comes back after it."""
    with app.test_request_context("/", headers={"Cookie": "goi_lang=id"}):
        assert gettext("Challenges") == "Tantangan"
        with force_locale("en"):
            assert gettext("Challenges") == "Challenges"
        assert gettext("Challenges") == "Tantangan"
    with app.test_request_context("/", headers={"Cookie": "goi_lang=en"}):
        refresh()  # the test's app context (and its g) outlives the request; a served request starts afresh
        assert gettext("Challenges") == "Challenges"
