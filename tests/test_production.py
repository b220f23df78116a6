"""The production profile on real services: PostgreSQL, Redis-backed rate limits, secure cookies."""

import logging
import re
import secrets
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from config import ProductionConfig, TestConfig
from goi import create_app
from goi.accounts.models import User
from goi.core.mail import OutboxMessage
from goi.extensions import db
from tests import database
from tests.conftest import csrf_token_from

PG_URI = database.POSTGRES_URL
REDIS_URI = "redis://127.0.0.1:6379/15"
HTTPS = "https://localhost"
EMAIL = "produksi@example.id"
PASSWORD = "kata sandi produksi yang panjang"
CLIENT_IP = "203.0.113.7"
pytestmark = database.skip_on_postgresql("the SQLite run already runs this module on PostgreSQL")



@pytest.fixture(autouse=True)
def _keep_loggers():
    """migrations/env.py runs logging.config.fileConfig, which disables every existing logger."""
    manager = logging.Logger.manager
    disabled = {name: getattr(logger, "disabled", False) for name, logger in manager.loggerDict.items()}
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    yield
    for name, logger in list(manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
    root.setLevel(root_level)
    for handler in list(root.handlers):
        if handler not in root_handlers:
            root.removeHandler(handler)


@pytest.fixture
def redis_db():
    yield from database.empty_redis_database(REDIS_URI, decode_responses=True)


@pytest.fixture
def pg_schema():
    try:
        probe = create_engine(PG_URI, connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URI}: {error}")
    schema = f"goi_production_{uuid.uuid4().hex[:12]}"
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
def prod_app(tmp_path, pg_schema, redis_db):
    # A SQLite app created earlier in the same process must not leak its settings into this one.
    create_app(TestConfig, INSTANCE_PATH=str(tmp_path / "sqlite"))
    app = create_app(
        ProductionConfig,
        SECRET_KEY=secrets.token_hex(20),
        # Only the URL, as GOI_DATABASE_URL would give it; the schema travels in libpq's options.
        SQLALCHEMY_DATABASE_URI=f"{PG_URI}?options=-csearch_path%3D{pg_schema}",
        RATELIMIT_STORAGE_URI=REDIS_URI,
        RATELIMIT_ENABLED=True,
        # The page cache shares the test's Redis database (flushed before and after), not the default db 0.
        CACHE_REDIS_URL=REDIS_URI,
        INSTANCE_PATH=str(tmp_path / "instance"),
        UPLOAD_PATH=str(tmp_path / "uploads"),
        BASE_URL=HTTPS,
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_production_refuses_an_insecure_secret_key(tmp_path):
    for key in ("", "dev", "development-only-secret", "x" * 31):
        with pytest.raises(RuntimeError):
            create_app(
                ProductionConfig,
                SECRET_KEY=key,
                SQLALCHEMY_DATABASE_URI=PG_URI,
                INSTANCE_PATH=str(tmp_path),
            )


def _get(client, path: str, **kwargs):
    return client.get(path, base_url=HTTPS, **kwargs)


def _post(client, path: str, data: dict, page: str | None = None, headers: dict | None = None):
    html = _get(client, page or path, headers=headers).get_data(as_text=True)
    # Over HTTPS Flask-WTF also checks that the Referer is this site, as a browser would send it.
    headers = {"Referer": HTTPS + (page or path), **(headers or {})}
    return client.post(path, base_url=HTTPS, data={**data, "csrf_token": csrf_token_from(html)}, headers=headers)


def _login(client, password: str, remember: bool = False):
    data = {"email": EMAIL, "password": password, **({"remember": "y"} if remember else {})}
    return _post(client, "/login", data, headers={"X-Forwarded-For": CLIENT_IP})


def test_csrf_over_https_needs_a_same_site_referer(prod_app, redis_db):
    client = prod_app.test_client()
    html = _get(client, "/login").get_data(as_text=True)
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_token_from(html)}
    assert client.post("/login", base_url=HTTPS, data=data).status_code == 400
    evil = {"Referer": "https://evil.example/login"}
    assert client.post("/login", base_url=HTTPS, data=data, headers=evil).status_code == 400


def _limiter_counts(redis_db, fragment: str) -> list[int]:
    return [int(redis_db.get(key) or 0) for key in redis_db.scan_iter(match=f"*{fragment}*")]


def test_register_confirm_login_and_rate_limits_in_redis(prod_app, redis_db, pg_schema):
    with prod_app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("select current_schema()")).scalar() == pg_schema
        assert db.engine.dialect.name == "postgresql"

    client = prod_app.test_client()
    page = _get(client, "/register")
    assert page.status_code == 200
    assert "max-age=" in page.headers.get("Strict-Transport-Security", "")
    response = _post(
        client, "/register", {"name": "Pengguna Produksi", "email": EMAIL, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    with prod_app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user is not None and user.email_confirmed_at is None
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == EMAIL))
        assert mail is not None and mail.kind == "confirm_email"
        match = re.search(r"https://localhost(/confirm/\S+)", mail.body_text)
        assert match, mail.body_text
    confirm_path = match.group(1)

    # Logging in before confirming fails and counts against the limits.
    assert _login(client, PASSWORD).status_code == 422
    assert _post(client, confirm_path, {}).status_code == 302
    with prod_app.app_context():
        assert db.session.scalar(select(User.email_confirmed_at).where(User.email == EMAIL)) is not None

    response = _login(client, PASSWORD, remember=True)
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "; HttpOnly" in cookies[name], cookies
    assert _get(client, "/account/profile").status_code == 200

    # The limiter's counters live in Redis db 15: one failure so far, the success was not deducted.
    assert redis_db.dbsize() > 0
    assert _limiter_counts(redis_db, f"account:{EMAIL}") == [1]
    assert _limiter_counts(redis_db, CLIENT_IP) == [1]

    other = prod_app.test_client()
    for _attempt in range(4):
        assert _login(other, "kata sandi yang salah sekali").status_code == 422
    assert _limiter_counts(redis_db, f"account:{EMAIL}") == [5]
    assert _limiter_counts(redis_db, CLIENT_IP) == [5]
    # LOGIN_LIMIT_PER_ACCOUNT is 5 per 15 minutes: now even the right password is refused.
    assert _login(other, PASSWORD).status_code == 429
    assert _get(other, "/account/profile").status_code == 302

    # A second app host sharing the Redis sees the same counters and refuses too.
    second_host = create_app(
        ProductionConfig,
        SECRET_KEY=prod_app.config["SECRET_KEY"],
        SQLALCHEMY_DATABASE_URI=prod_app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_STORAGE_URI=REDIS_URI,
        CACHE_REDIS_URL=REDIS_URI,
        INSTANCE_PATH=prod_app.instance_path,
    )
    try:
        assert _login(second_host.test_client(), PASSWORD).status_code == 429
    finally:
        with second_host.app_context():
            db.engine.dispose()
