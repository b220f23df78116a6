"""Fixtures: app → db → client → login_as(role), plus helpers for CSRF-protected posts."""

import re
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import event

from config import TestConfig
from goi import create_app
from goi.core import clock
from goi.extensions import db as _db
from goi.extensions import limiter
from goi.orgs.models import MemberRole, OrgKind
from tests import database, factories

CSRF_PATTERN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def pytest_sessionstart(session) -> None:
    try:
        database.start_run()
    except database.Unreachable as error:
        # Not a failure: this machine has no PostgreSQL server; where it has one, every failure counts.
        pytest.exit(f"PostgreSQL is not reachable at {database.POSTGRES_URL} ({error}): run skipped", returncode=0)
    # Every app the tests make with TestConfig uses the run's database unless it asks for another.
    TestConfig.SQLALCHEMY_DATABASE_URI = database.url()


def pytest_sessionfinish(session) -> None:
    database.finish_run()


def pytest_report_header(config) -> str:
    if database.ON_POSTGRESQL:
        return f"database: PostgreSQL, schema {database.RUN_SCHEMA} at {database.POSTGRES_URL}"
    return "database: SQLite (GOI_TEST_DATABASE=postgresql runs the suite on PostgreSQL)"


def _fresh_request_globals(sender, **extra) -> None:
    # The fixture keeps one app context open for the test body, and Flask reuses it for the test client's
    # requests; in production every request has a fresh `g`, so each test request starts with an empty one.
    g.__dict__.clear()


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    app = create_app(TestConfig, INSTANCE_PATH=str(tmp_path), UPLOAD_PATH=str(tmp_path / "uploads"))
    request_started.connect(_fresh_request_globals, app)
    # The limiter is one object for the process; each test starts with no attempts counted.
    limiter.reset()
    with app.app_context(), database.empty_tables():
        yield app
    clock.reset()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def count_statements(client: FlaskClient, url: str) -> int:
    """How many SQL statements a GET of url issues (see statements_of)."""
    return len(statements_of(client, url))


def statements_of(client: FlaskClient, url: str) -> list[str]:
    """SQL statements a GET of url issues, after a warm-up GET (work done once per process or day not counted)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client.get(url)
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return statements


def duplicate_ids(html: str) -> list[str]:
    """The id attributes that occur more than once on a page (each must be unique for labels and scripts)."""
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(name for name, count in counts.items() if count > 1)


def post_form(client: FlaskClient, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST like a browser: fetch the page that holds the form, then send its CSRF token back, the page as Referer."""
    page = page or url
    payload = dict(data or {})
    payload["csrf_token"] = session_csrf_token(client, page)
    kwargs.setdefault("headers", {}).setdefault("Referer", f"http://localhost{page}")
    return client.post(url, data=payload, **kwargs)


def session_csrf_token(client: FlaskClient, page: str = "/") -> str:
    """The CSRF token of the client's session, from page; or from the login form when page carries none (an
    anonymous visitor's public pages start no session, so that they can be cached)."""
    html = client.get(page).get_data(as_text=True)
    if CSRF_PATTERN.search(html) is None:
        html = client.get("/login").get_data(as_text=True)
    return csrf_token_from(html)


@pytest.fixture
def post(client):
    def _post(url: str, data: dict | None = None, page: str = "/", **kwargs):
        return post_form(client, url, data, page=page, **kwargs)

    return _post


def log_in(client: FlaskClient, user) -> None:
    """Log user in by session, as flask-login would after a successful form login."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


ROLES = (
    "anonymous",
    "user",
    "org_member",
    "org_admin",
    "gov_admin_unverified",
    "gov_admin",
    "platform_admin",
    # Plain users elsewhere; tests/test_policy.py puts them on the review panel of its sample challenge.
    "reviewer",
    "conflicted_reviewer",
    "chair",
)


@pytest.fixture
def world(db):
    """One organization of each situation the roles need, committed."""
    owner = factories.make_user(email="owner@industri.id", name="Owner Industri")
    industry = factories.make_org(OrgKind.INDUSTRY, owner=owner, slug="pt-industri", name="PT Industri")
    member = factories.make_user(email="member@industri.id", name="Member Industri")
    factories.add_member(industry, member, MemberRole.MEMBER)
    admin = factories.make_user(email="admin@industri.id", name="Admin Industri")
    factories.add_member(industry, admin, MemberRole.ADMIN)
    gov_unverified_admin = factories.make_user(email="admin@makassar.go.id", name="Admin Makassar")
    gov_unverified = factories.make_org(
        OrgKind.GOVERNMENT, owner=gov_unverified_admin, slug="pemkot-makassar", name="Pemkot Makassar"
    )
    gov_admin = factories.make_user(email="admin@palembang.go.id", name="Admin Palembang")
    gov_verified = factories.make_org(
        OrgKind.GOVERNMENT, owner=gov_admin, verified=True, slug="pemkot-palembang", name="Pemkot Palembang"
    )
    plain = factories.make_user(email="warga@example.id", name="Warga Biasa")
    platform_admin = factories.make_user(email="root@goi.id", name="Admin Platform", is_platform_admin=True)
    reviewer = factories.make_user(email="reviewer@example.id", name="Penilai Satu")
    conflicted_reviewer = factories.make_user(email="conflicted@example.id", name="Penilai Berkonflik")
    chair = factories.make_user(email="chair@example.id", name="Ketua Panel")
    db.session.commit()
    return {
        "users": {
            "user": plain,
            "org_member": member,
            "org_admin": admin,
            "gov_admin_unverified": gov_unverified_admin,
            "gov_admin": gov_admin,
            "platform_admin": platform_admin,
            "reviewer": reviewer,
            "conflicted_reviewer": conflicted_reviewer,
            "chair": chair,
            "org_owner": owner,
        },
        "industry": industry,
        "gov_unverified": gov_unverified,
        "gov_verified": gov_verified,
    }


@pytest.fixture
def login_as(client, world):
    """login_as(role) logs the test client in as that role's user (anonymous logs out) and returns the user."""

    def _login_as(role: str):
        if role == "anonymous":
            with client.session_transaction() as session:
                session.clear()
            return None
        user = world["users"][role]
        log_in(client, user)
        return user

    return _login_as
