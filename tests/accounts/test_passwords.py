"""Forgotten passwords (reset by email link) and changing the password."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.mail import OutboxMessage
from tests.conftest import log_in, post_form
from tests.factories import PASSWORD

NEW_PASSWORD = "another unusual phrase 42"
RESET_LINK = re.compile(r"http://localhost(/password/reset/[A-Za-z0-9_.\-]+)")


def _reset_mails(db):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "reset_password").order_by(OutboxMessage.id)
    ).all()


def _actions(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _forgot(client, email):
    response = post_form(client, "/password/forgot", {"email": email})
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    return response, flashes


def _reset_path(db) -> str:
    mails = _reset_mails(db)
    assert mails
    match = RESET_LINK.search(mails[-1].body_text)
    assert match, mails[-1].body_text
    return match.group(1)


def _reset(client, path, password=NEW_PASSWORD):
    return post_form(client, path, {"password": password, "confirm": password}, page=path)


def _logged_in_client(app, email, password=PASSWORD):
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": email, "password": password})
    assert response.status_code == 302
    assert browser.get("/account/profile").status_code == 200
    return browser


def _cookies(browser) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in browser._cookies.values()}


def _client_with(app, cookies):
    browser = app.test_client()
    for key, value in cookies.items():
        browser.set_cookie(key, value)
    return browser


def test_forgot_password_queues_reset_mail_for_existing_account(client, db, world):
    response, flashes = _forgot(client, "Warga@Example.ID")
    assert response.status_code == 302
    [message] = _reset_mails(db)
    assert message.recipient == "warga@example.id"
    assert message.locale == "id"
    assert _reset_path(db).startswith("/password/reset/")
    assert len(_actions(db, "auth.reset_requested")) == 1
    assert flashes


def test_forgot_password_answers_the_same_for_unknown_address(client, db, world):
    known, known_flashes = _forgot(client, "warga@example.id")
    unknown, unknown_flashes = _forgot(client, "nobody@example.id")
    assert unknown.status_code == known.status_code == 302
    assert unknown.headers["Location"] == known.headers["Location"]
    assert unknown_flashes == known_flashes
    assert [m.recipient for m in _reset_mails(db)] == ["warga@example.id"]
    assert len(_actions(db, "auth.reset_requested")) == 1


def test_forgot_password_for_disabled_account_queues_nothing(client, db, world):
    user = world["users"]["user"]
    user.is_disabled = True
    db.session.commit()
    response, _ = _forgot(client, "warga@example.id")
    assert response.status_code == 302
    assert _reset_mails(db) == []


def test_reset_link_sets_new_password_and_works_once(client, db, world):
    _forgot(client, "warga@example.id")
    path = _reset_path(db)
    assert client.get(path).status_code == 200
    response = _reset(client, path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    user = world["users"]["user"]
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    assert user.password_hash.startswith("scrypt:")
    assert len(_actions(db, "auth.password_reset")) == 1

    # The second use of the same link is refused and changes nothing.
    assert client.get(path).status_code == 400
    assert _reset(client, path, "yet another phrase 99").status_code == 400
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert len(_actions(db, "auth.password_reset")) == 1

    assert post_form(client, "/login", {"email": "warga@example.id", "password": NEW_PASSWORD}).status_code == 302


def test_reset_link_expires_after_reset_token_max_age(app, client, db, world):
    _forgot(client, "warga@example.id")
    path = _reset_path(db)
    clock.shift(timedelta(seconds=app.config["RESET_TOKEN_MAX_AGE"] + 60))
    assert client.get(path).status_code == 400
    assert _reset(client, path).status_code == 400
    user = world["users"]["user"]
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_reset_link_works_just_before_expiry(app, client, db, world):
    _forgot(client, "warga@example.id")
    path = _reset_path(db)
    clock.shift(timedelta(seconds=app.config["RESET_TOKEN_MAX_AGE"] - 60))
    assert _reset(client, path).status_code == 302


def test_tampered_reset_link_is_refused(client, db, world):
    _forgot(client, "warga@example.id")
    path = _reset_path(db)
    assert client.get(path[:-2] + "xx").status_code == 400
    assert client.get("/password/reset/garbage").status_code == 400


def test_reset_refuses_common_password(client, db, world):
    _forgot(client, "warga@example.id")
    path = _reset_path(db)
    response = _reset(client, path, "password1")
    assert response.status_code != 302
    assert 'id="password-error"' in response.get_data(as_text=True)
    user = world["users"]["user"]
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert _actions(db, "auth.password_reset") == []
    # The link was not used up by the refused attempt.
    assert _reset(client, path).status_code == 302


def test_reset_confirms_an_unconfirmed_address(client, db):
    from tests.factories import make_user

    user = make_user(email="belum@example.id", confirmed=False)
    db.session.commit()
    _forgot(client, "belum@example.id")
    assert _reset(client, _reset_path(db)).status_code == 302
    db.session.refresh(user)
    assert user.is_confirmed


def test_reset_ends_existing_sessions(app, client, db, world):
    victim = _logged_in_client(app, "warga@example.id")
    copied = _client_with(app, _cookies(victim))
    assert copied.get("/account/profile").status_code == 200
    _forgot(client, "warga@example.id")
    assert _reset(client, _reset_path(db)).status_code == 302
    assert victim.get("/account/profile").status_code == 302
    assert copied.get("/account/profile").status_code == 302


def _change(browser, current, new, confirm=None):
    data = {"current_password": current, "password": new, "confirm": new if confirm is None else confirm}
    return post_form(browser, "/account/password", data)


def test_change_password_requires_login(client, world):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


def test_change_password_refuses_wrong_current_password(app, db, world):
    browser = _logged_in_client(app, "warga@example.id")
    response = _change(browser, "not my password", NEW_PASSWORD)
    assert response.status_code == 200
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    user = world["users"]["user"]
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert _actions(db, "auth.password_changed") == []
    assert browser.get("/account/profile").status_code == 200


def test_change_password_refuses_common_password(app, db, world):
    browser = _logged_in_client(app, "warga@example.id")
    response = _change(browser, PASSWORD, "password1")
    assert 'id="password-error"' in response.get_data(as_text=True)
    user = world["users"]["user"]
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert _actions(db, "auth.password_changed") == []


def test_change_password_keeps_this_session_and_ends_copied_older_ones(app, db, world):
    browser = _logged_in_client(app, "warga@example.id")
    older = _cookies(browser)
    other_device = _logged_in_client(app, "warga@example.id")

    response = _change(browser, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/profile"
    assert browser.get("/account/profile").status_code == 200

    assert _client_with(app, older).get("/account/profile").status_code == 302
    assert other_device.get("/account/profile").status_code == 302

    user = world["users"]["user"]
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    [event] = _actions(db, "auth.password_changed")
    assert event.actor_id == user.id
    assert event.object_type == "user"
    assert event.object_id == user.id
    # The old password no longer logs in; the new one does.
    assert post_form(app.test_client(), "/login", {"email": user.email, "password": PASSWORD}).status_code == 422
    assert post_form(app.test_client(), "/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_change_password_session_set_by_fixture_also_ends(app, client, db, login_as):
    user = login_as("user")
    stale = app.test_client()
    log_in(stale, user)
    assert stale.get("/account/profile").status_code == 200
    assert _change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get("/account/profile").status_code == 200
    assert stale.get("/account/profile").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1
