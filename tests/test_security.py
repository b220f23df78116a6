"""Security settings: headers, cookies, secrets, size limits, redirects, error pages, debug and login throttling."""

import os
import re
import subprocess
import sys
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from config import DevelopmentConfig, ProductionConfig, TestConfig
from goi import create_app
from goi.core.mail import OutboxMessage
from goi.core.policy import POLICY, PUBLIC
from goi.extensions import db as _db
from tests import database, factories
from tests.conftest import csrf_token_from, log_in, post_form
from tests.factories import PASSWORD
from tests.orgs import fresh_client

ROOT = Path(__file__).resolve().parent.parent
LEAK_MARKERS = ("Traceback", 'File "', ".py", "/work/", str(ROOT), "SELECT", "sqlite3", "sqlalchemy", "Werkzeug")


@pytest.fixture
def client(app):
    """A client that starts each request with an empty flask.g, as a real server does."""
    return fresh_client(app)


@contextmanager
def fresh_app(tmp_path, config=TestConfig, **overrides):
    """An app of its own (own settings, own limiter storage) with an empty database, its context pushed."""
    app = create_app(config, INSTANCE_PATH=str(tmp_path / "fresh"), UPLOAD_PATH=str(tmp_path / "up"), **overrides)
    with app.app_context(), database.empty_tables():
        yield app


def _boom():
    raise RuntimeError("SELECT password_hash FROM users -- /work/main/goi/secret.py line 12")


@pytest.fixture
def boom_app(app, monkeypatch):
    """The test app with one more public route that fails with an internal-looking message."""
    monkeypatch.setitem(POLICY, "boom", PUBLIC)
    app.add_url_rule("/boom", "boom", _boom)
    return app


# --- headers ---------------------------------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value
    return directives


def assert_security_headers(response) -> None:
    csp = _csp(response)
    assert csp.get("default-src") == "'self'"
    assert csp.get("object-src") == "'none'"
    assert csp.get("base-uri") == "'none'"
    assert csp.get("frame-ancestors") == "'none'"
    script_src = csp.get("script-src", "")
    # No nonce: a page served from the cache carries the same policy as the page it was made from.
    assert script_src == "'self'", script_src
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"


def test_headers_on_page_redirect_404_and_500(boom_app, world):
    client = fresh_client(boom_app)
    page = client.get("/")
    redirect = client.get("/account/profile")
    missing = client.get("/no-such-page")
    failure = client.get("/boom")
    assert [page.status_code, redirect.status_code, missing.status_code, failure.status_code] == [200, 302, 404, 500]
    for response in (page, redirect, missing, failure):
        assert_security_headers(response)
        assert "Strict-Transport-Security" not in response.headers


def test_the_policy_is_the_same_for_every_response(client, world):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/challenges").headers["Content-Security-Policy"]
    assert first == second


def test_hsts_only_over_https(client, world):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    hsts = secure.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600


class _ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts: list[dict] = []
        self.event_handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.inline_scripts.append(values)
        for name, _ in attrs:
            if name.lower().startswith("on"):
                self.event_handlers.append((tag, name))


def test_no_inline_script(boom_app, world):
    client = fresh_client(boom_app)
    users = world["users"]
    pages = {
        None: ["/", "/login", "/register", "/password/forgot", "/orgs", "/orgs/pt-industri", "/challenges", "/nope"],
        users["org_admin"]: ["/account/profile", "/orgs/pt-industri/members", "/orgs/pt-industri/edit", "/orgs/new"],
        users["platform_admin"]: ["/admin/", "/admin/users", "/admin/audit", "/admin/verifications", "/boom"],
        users["gov_admin"]: ["/orgs/pemkot-palembang/challenges/new", "/account/challenges", "/notifications"],
    }
    checked = 0
    for user, urls in pages.items():
        with client.session_transaction() as session:
            session.clear()
        if user is not None:
            log_in(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404, 500), (url, response.status_code)
            collector = _ScriptCollector()
            collector.feed(response.get_data(as_text=True))
            # The policy allows scripts from this site's files only: an inline script would not run.
            assert collector.inline_scripts == [], f"inline <script> on {url}"
            assert collector.event_handlers == [], f"inline event handlers on {url}: {collector.event_handlers}"
            checked += 1
    assert checked == sum(len(urls) for urls in pages.values())


# --- cookies and secrets ---------------------------------------------------------------------------------------------


def _set_cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set; got {response.headers.getlist('Set-Cookie')}")


def test_session_and_remember_cookies_are_httponly_and_lax(client, world):
    response = post_form(client, "/login", {"email": "warga@example.id", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        cookie = _set_cookie(response, name)
        assert "HttpOnly" in cookie, cookie
        assert "SameSite=Lax" in cookie, cookie
        assert "Secure" not in cookie  # TestConfig serves plain http


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


def test_production_cookie_carries_secure_flag(tmp_path):
    good_key = "k" * 20 + "9f3b2a7c1d0e4f5a6b7c"
    with fresh_app(tmp_path, ProductionConfig, SECRET_KEY=good_key, SQLALCHEMY_DATABASE_URI="sqlite://") as app:
        factories.make_user(email="prod@example.id")
        _db.session.commit()
        client = fresh_client(app)
        https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
        page = client.get("/login", **https)
        assert "Secure" in _set_cookie(page, "session")
        token = csrf_token_from(page.get_data(as_text=True))
        data = {"csrf_token": token, "email": "prod@example.id", "password": PASSWORD, "remember": "y"}
        response = client.post("/login", data=data, **https)
        assert response.status_code == 302
        assert "Secure" in _set_cookie(response, "session")
        assert "Secure" in _set_cookie(response, "remember_token")


@pytest.mark.parametrize(
    "key",
    [None, "", "   ", "dev", "change-me", "development-only-secret", "short-key", "x" * 31],
    ids=["missing", "empty", "blank", "dev", "change-me", "default", "short", "31-chars"],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    with pytest.raises(RuntimeError, match="GOI_SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=key, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=str(tmp_path))


def test_production_refuses_the_default_key_from_the_class(tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "development-only-secret")
    with pytest.raises(RuntimeError, match="GOI_SECRET_KEY"):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=str(tmp_path))


def test_production_accepts_a_long_random_key(tmp_path):
    app = create_app(
        ProductionConfig,
        SECRET_KEY="0123456789abcdef" * 4,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        INSTANCE_PATH=str(tmp_path),
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.debug is False


# --- debug -----------------------------------------------------------------------------------------------------------


def _development_debug(goi_debug: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "GOI_DEBUG"}
    if goi_debug is not None:
        env["GOI_DEBUG"] = goi_debug
    result = subprocess.run(
        [sys.executable, "-c", "import config; print(config.DevelopmentConfig.DEBUG)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for(tmp_path):
    assert TestConfig.DEBUG is False
    assert ProductionConfig.DEBUG is False
    assert create_app(TestConfig, INSTANCE_PATH=str(tmp_path)).debug is False
    assert _development_debug(None) == "False"
    assert _development_debug("0") == "False"
    assert _development_debug("1") == "True"
    if os.environ.get("GOI_DEBUG") is None:
        assert DevelopmentConfig.DEBUG is False


# --- request size ----------------------------------------------------------------------------------------------------


def test_oversized_post_gets_the_413_error_page(tmp_path):
    with fresh_app(tmp_path, MAX_CONTENT_LENGTH=1000) as app:
        client = fresh_client(app)
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"csrf_token": token, "email": "a@example.id", "password": "x" * 5000})
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert "Terlalu besar" in html  # the app's own page, in Indonesian
        assert '<html lang="id">' in html
        assert "Request Entity Too Large" not in html  # not Werkzeug's default page
        assert_security_headers(response)
        small = client.post("/login", data={"csrf_token": token, "email": "a@example.id", "password": "x"})
        assert small.status_code == 422


# --- redirects after login -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "https://evil.example",
        "http://evil.example/login",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "https:evil.example",
    ],
)
def test_login_never_redirects_off_site(client, world, target):
    response = post_form(client, "/login", {"email": "warga@example.id", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_with_next_in_the_query_string_is_checked_too(client, world):
    response = post_form(
        client, "/login?next=//evil.example", {"email": "warga@example.id", "password": PASSWORD}, page="/login"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(client, world):
    response = post_form(
        client, "/login", {"email": "warga@example.id", "password": PASSWORD, "next": "/orgs/pt-industri?tab=members"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/orgs/pt-industri?tab=members"


def test_the_login_redirect_carries_next_and_it_is_followed(client, world):
    redirect = client.get("/account/organizations")
    assert redirect.status_code == 302
    login_page = redirect.headers["Location"]
    assert login_page == "/login?next=/account/organizations"
    response = post_form(client, login_page, {"email": "warga@example.id", "password": PASSWORD})
    assert response.headers["Location"] == "/account/organizations"


# --- error pages -----------------------------------------------------------------------------------------------------


def _error_page(client, url: str, status: int) -> str:
    response = client.get(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    for marker in LEAK_MARKERS:
        assert marker not in html, f"{status} page shows {marker!r}"
    assert f"{status}" in html
    return html


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("id", {404: "Halaman tidak ditemukan", 403: "Tidak diizinkan", 500: "Terjadi kesalahan"}),
        ("en", {404: "Page not found", 403: "Not allowed", 500: "Something went wrong"}),
    ],
)
def test_error_pages_reveal_nothing_and_speak_the_language(boom_app, world, language, texts):
    client = fresh_client(boom_app)
    if language != "id":
        client.set_cookie("goi_lang", language)
    anonymous = {404: _error_page(client, "/no/such/page", 404), 500: _error_page(client, "/boom", 500)}
    log_in(client, world["users"]["user"])
    pages = {**anonymous, 403: _error_page(client, "/admin/", 403)}
    other = {"id": "en", "en": "id"}[language]
    for status, html in pages.items():
        assert f'<html lang="{language}">' in html, status
        assert texts[status] in html, (status, language)
        assert f'<html lang="{other}">' not in html


def test_unexpected_error_is_logged_but_not_shown(boom_app, world, caplog):
    client = fresh_client(boom_app)
    html = _error_page(client, "/boom", 500)
    assert "password_hash" not in html
    assert any("unhandled error on GET /boom" in record.getMessage() for record in caplog.records)


def test_json_errors_reveal_nothing(boom_app, world):
    client = fresh_client(boom_app)
    response = client.get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.is_json
    body = response.get_data(as_text=True)
    for marker in LEAK_MARKERS:
        assert marker not in body


# --- login throttling ------------------------------------------------------------------------------------------------


def _login_attempt(client, email: str, ip: str, password: str | None = None):
    environ = {"REMOTE_ADDR": ip}
    password = password or "wrong " + PASSWORD
    token = csrf_token_from(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password}, environ_base=environ)


def test_login_is_throttled_per_account_and_per_ip(tmp_path):
    overrides = {
        "RATELIMIT_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
        "LOGIN_LIMIT_PER_IP": "5 per minute",
        "RESET_LIMIT_PER_IP": "10 per minute",
    }
    with fresh_app(tmp_path, **overrides) as app:
        factories.make_user(email="target@example.id")
        factories.make_user(email="other@example.id")
        factories.make_user(email="third@example.id")
        _db.session.commit()
        client = fresh_client(app)
        statuses = [_login_attempt(client, "target@example.id", "10.0.0.1").status_code for _ in range(3)]
        assert statuses == [422, 422, 422]
        # The fourth attempt on the account is refused from anywhere, even with the right password.
        assert _login_attempt(client, "target@example.id", "10.0.0.2").status_code == 429
        locked = _login_attempt(client, "TARGET@example.id ", "10.0.0.3", PASSWORD)
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan" in locked.get_data(as_text=True)
        assert client.get("/account/profile").status_code == 302
        # Another account from the first address works until that address used its 5 failures.
        assert _login_attempt(client, "other@example.id", "10.0.0.1").status_code == 422
        assert _login_attempt(client, "other@example.id", "10.0.0.1").status_code == 422
        assert _login_attempt(client, "other@example.id", "10.0.0.1").status_code == 429
        assert _login_attempt(client, "third@example.id", "10.0.0.1", PASSWORD).status_code == 429
        # From elsewhere the other account still logs in.
        assert _login_attempt(client, "third@example.id", "10.0.0.9", PASSWORD).status_code == 302
        # The locked account can still ask for a reset link.
        reset = fresh_client(app)
        environ = {"REMOTE_ADDR": "10.0.0.1"}
        token = csrf_token_from(reset.get("/password/forgot", environ_base=environ).get_data(as_text=True))
        response = reset.post(
            "/password/forgot", data={"csrf_token": token, "email": "target@example.id"}, environ_base=environ
        )
        assert response.status_code in (200, 302)
        messages = _db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "target@example.id")
        ).all()
        assert [message.kind for message in messages] == ["reset_password"]


def test_successful_logins_do_not_use_up_the_limit(tmp_path):
    with fresh_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per minute") as app:
        factories.make_user(email="often@example.id")
        _db.session.commit()
        for _ in range(5):
            client = fresh_client(app)
            assert _login_attempt(client, "often@example.id", "10.0.0.1", PASSWORD).status_code == 302


def test_a_record_number_too_large_for_a_key_is_a_404_not_a_database_error(client):
    for path in ("/offers/215161776775642480640", "/api/v1/offers/2147483648", "/users/99999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.get("/api/v1/offers/2147483648").get_json()["error"]["code"] == 404
    # Whatever the method: another rule of the same path (the proposal's GET beside its PATCH) makes it no 405.
    assert client.patch("/api/v1/proposals/2147483648", json={}).status_code == 404
    assert client.post("/proposals/83598192016449355776").status_code == 404
    assert client.get("/api/v1/offers/2147483647").status_code == 404
