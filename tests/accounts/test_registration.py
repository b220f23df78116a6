"""Registering, confirming the email address, and asking for a new confirmation link."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import g
from sqlalchemy import func, select

from goi.accounts.models import User
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.mail import OutboxMessage
from goi.data.passwords import common_passwords
from tests.conftest import post_form
from tests.factories import make_user

GOOD_PASSWORD = "a long unusual phrase 7"
CONFIRM_LINK = re.compile(r"http://localhost(/confirm/[A-Za-z0-9_.\-]+)")


@pytest.fixture(autouse=True)
def _fresh_request_globals(app):
    """Start every request with an empty g, as a real server does.

    The app fixture keeps one app context open for the whole test and every request reuses it, so
    without this what flask-login, flask-babel, flask-wtf (the CSRF token) and the templates cache in g
    would carry over from one request (or one client) to the next.
    """

    def forget() -> None:
        for name in list(vars(g)):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def _register(client, email="baru@example.id", password=GOOD_PASSWORD, name="Warga Baru", confirm=None):
    data = {"name": name, "email": email, "password": password, "confirm": password if confirm is None else confirm}
    return post_form(client, "/register", data)


def _user(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _outbox(db, kind="confirm_email", recipient=None):
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).all()


def _confirm_path(message: OutboxMessage) -> str:
    match = CONFIRM_LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


def test_register_creates_unconfirmed_user_with_scrypt_hash_and_queues_mail(client, db):
    response = _register(client, email="Baru@Example.ID")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    user = _user(db, "baru@example.id")
    assert user is not None
    assert user.name == "Warga Baru"
    assert user.email_confirmed_at is None
    assert not user.is_confirmed
    assert user.password_hash.startswith("scrypt:")
    assert GOOD_PASSWORD not in user.password_hash
    assert user.check_password(GOOD_PASSWORD)
    assert user.locale == "id"
    [message] = _outbox(db)
    assert message.recipient == "baru@example.id"
    assert message.locale == "id"
    assert message.sent_at is None
    assert message.subject
    assert _confirm_path(message).startswith("/confirm/")
    assert "account.registered" in db.session.scalars(select(AuditEvent.action)).all()


def test_register_in_english_queues_mail_in_english(client, db):
    client.set_cookie("goi_lang", "en")
    assert _register(client).status_code == 302
    user = _user(db, "baru@example.id")
    assert user.locale == "en"
    [message] = _outbox(db)
    assert message.locale == "en"
    assert message.subject == "Confirm your GOI account"
    assert "Hello Warga Baru," in message.body_text


def test_duplicate_email_is_refused_case_insensitively_and_form_keeps_input(client, db, world):
    users, mails, events = _count(db, User), _count(db, OutboxMessage), _count(db, AuditEvent)
    response = _register(client, email="WARGA@Example.ID", name="Nama Yang Diketik")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Nama Yang Diketik"' in html
    assert 'value="WARGA@Example.ID"' in html
    assert GOOD_PASSWORD not in html  # a password is never sent back
    assert 'aria-invalid="true"' in html
    assert (_count(db, User), _count(db, OutboxMessage), _count(db, AuditEvent)) == (users, mails, events)


@pytest.mark.parametrize("length", [7, 129])
def test_password_length_outside_8_to_128_is_refused(client, db, length):
    password = ("xq7-" * 40)[:length]
    assert len(password) == length
    response = _register(client, password=password)
    assert response.status_code == 422
    assert _user(db, "baru@example.id") is None
    assert _count(db, OutboxMessage) == 0


@pytest.mark.parametrize(
    "password",
    [
        "kx9!Qz#m",  # 8 characters
        ("xq7-" * 40)[:128],  # 128 characters
        "kata sandi panjang dengan spasi",
        "pässwörd ünïcödé 日本語 العربية",
        "  leading and trailing spaces  ",
    ],
)
def test_password_of_8_to_128_of_any_characters_is_accepted(client, db, password):
    response = _register(client, password=password)
    assert response.status_code == 302
    user = _user(db, "baru@example.id")
    assert user is not None
    assert user.check_password(password)
    if password != password.strip():
        assert not user.check_password(password.strip())  # spaces are kept, not trimmed


@pytest.mark.parametrize("password", ["password1", "PASSWORD1", "12345678", "iloveyou"])
def test_common_password_is_refused(client, db, password):
    assert password.lower() in common_passwords()
    response = _register(client, password=password)
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert _user(db, "baru@example.id") is None
    assert _count(db, OutboxMessage) == 0


def test_confirm_link_get_shows_button_and_changes_nothing(client, db):
    _register(client)
    path = _confirm_path(_outbox(db)[0])
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form method="post">' in html
    assert 'type="submit"' in html
    assert 'name="csrf_token"' in html
    db.session.expire_all()
    assert _user(db, "baru@example.id").email_confirmed_at is None
    assert "account.confirmed" not in db.session.scalars(select(AuditEvent.action)).all()


def test_confirm_link_post_confirms_and_user_can_log_in(client, db):
    _register(client)
    path = _confirm_path(_outbox(db)[0])
    response = post_form(client, path, page=path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    db.session.expire_all()
    user = _user(db, "baru@example.id")
    assert user.email_confirmed_at is not None
    assert "account.confirmed" in db.session.scalars(select(AuditEvent.action)).all()
    login = post_form(client, "/login", {"email": "baru@example.id", "password": GOOD_PASSWORD})
    assert login.status_code == 302
    assert client.get("/account/profile").status_code == 200


def test_confirm_post_without_csrf_token_changes_nothing(client, db):
    _register(client)
    path = _confirm_path(_outbox(db)[0])
    assert client.post(path).status_code == 400
    db.session.expire_all()
    assert _user(db, "baru@example.id").email_confirmed_at is None


@pytest.mark.parametrize("mangle", [lambda p: p + "x", lambda p: p[:-3], lambda p: "/confirm/not-a-token"])
def test_bad_confirm_token_is_refused(client, db, mangle):
    _register(client)
    path = mangle(_confirm_path(_outbox(db)[0]))
    response = post_form(client, path, page=path)
    assert response.status_code == 400
    db.session.expire_all()
    assert _user(db, "baru@example.id").email_confirmed_at is None


def test_expired_confirm_token_is_refused(app, client, db):
    _register(client)
    path = _confirm_path(_outbox(db)[0])
    clock.shift(timedelta(seconds=app.config["EMAIL_TOKEN_MAX_AGE"] + 60))
    response = post_form(client, path, page=path)
    assert response.status_code == 400
    db.session.expire_all()
    assert _user(db, "baru@example.id").email_confirmed_at is None


def test_confirm_token_still_valid_just_before_expiry(app, client, db):
    _register(client)
    path = _confirm_path(_outbox(db)[0])
    clock.shift(timedelta(seconds=app.config["EMAIL_TOKEN_MAX_AGE"] - 60))
    assert post_form(client, path, page=path).status_code == 302
    db.session.expire_all()
    assert _user(db, "baru@example.id").email_confirmed_at is not None


def test_confirm_token_for_changed_email_is_refused(client, db):
    _register(client)
    path = _confirm_path(_outbox(db)[0])
    user = _user(db, "baru@example.id")
    user.email = "lain@example.id"
    db.session.commit()
    assert post_form(client, path, page=path).status_code == 400
    db.session.expire_all()
    assert user.email_confirmed_at is None


def test_unconfirmed_user_cannot_log_in(client, db):
    _register(client)
    response = post_form(client, "/login", {"email": "baru@example.id", "password": GOOD_PASSWORD})
    assert response.status_code == 422
    assert client.get("/account/profile").status_code == 302
    assert _user(db, "baru@example.id").last_login_at is None
    assert "auth.login" not in db.session.scalars(select(AuditEvent.action)).all()


def test_resend_confirmation_queues_new_mail_only_for_unconfirmed_account(client, db):
    _register(client)
    make_user(email="sudah@example.id")
    make_user(email="mati@example.id", confirmed=False, is_disabled=True)
    db.session.commit()
    assert len(_outbox(db)) == 1

    responses = [
        post_form(client, "/confirm", {"email": email})
        for email in ("Baru@Example.id", "sudah@example.id", "mati@example.id", "tidak-ada@example.id")
    ]
    # The same answer whatever the address.
    assert {r.status_code for r in responses} == {302}
    assert {urlsplit(r.headers["Location"]).path for r in responses} == {"/login"}

    messages = _outbox(db)
    assert [m.recipient for m in messages] == ["baru@example.id", "baru@example.id"]
    assert _confirm_path(messages[1]).startswith("/confirm/")
    # The new link confirms.
    path = _confirm_path(messages[1])
    assert post_form(client, path, page=path).status_code == 302
    db.session.expire_all()
    assert _user(db, "baru@example.id").is_confirmed
    # Once confirmed, no more mail.
    post_form(client, "/confirm", {"email": "baru@example.id"})
    assert len(_outbox(db)) == 2


def test_logged_in_user_is_sent_away_from_register(client, login_as, db):
    login_as("user")
    users = _count(db, User)
    assert client.get("/register").status_code == 302
    assert _count(db, User) == users
