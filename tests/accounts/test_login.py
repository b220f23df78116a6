"""Logging in and out, and ending sessions."""

from sqlalchemy import select

from goi.core.audit import AuditEvent
from tests.conftest import post_form
from tests.factories import PASSWORD


def _login(client, email, password=PASSWORD, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, "/login", data)


def test_login_with_right_password_redirects_and_is_logged(client, world, db):
    response = _login(client, "warga@example.id")
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "auth.login" in actions


def test_login_with_wrong_password_fails_and_is_logged(client, world, db):
    response = _login(client, "warga@example.id", "wrong password here")
    assert response.status_code == 422
    assert "tidak benar" in response.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 302
    failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()
    assert len(failures) == 1
    assert failures[0].detail["email"] == "warga@example.id"


def test_login_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"email": "warga@example.id", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account/profile").status_code == 302


def test_logout_ends_copied_session_and_remember_cookie(app, world):
    browser = app.test_client()
    assert _login(browser, "warga@example.id", remember=True).status_code == 302
    cookies = {cookie.key: cookie.value for cookie in browser._cookies.values()}
    assert "remember_token" in cookies
    copy = app.test_client()
    for key, value in cookies.items():
        copy.set_cookie(key, value)
    assert copy.get("/account/profile").status_code == 200
    assert post_form(browser, "/logout", page="/").status_code == 302
    thief = app.test_client()
    for key, value in cookies.items():
        thief.set_cookie(key, value)
    assert thief.get("/account/profile").status_code == 302
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", cookies["remember_token"])
    assert only_remember.get("/account/profile").status_code == 302
