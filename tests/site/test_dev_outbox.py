"""Development mail: each outgoing mail's links on the console and the whole mail at /dev/outbox, which no other
profile has."""

import re

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from config import DevelopmentConfig, ProductionConfig
from goi.accounts.models import User
from goi.core.mail import add_to_outbox
from goi.core.policy import POLICY, PUBLIC
from goi.extensions import db
from tests.conftest import post_form
from tests.orgs import fresh_client
from tests.profiles import make_app, serving

PASSWORD = "a long unusual phrase 7"
BASE_URL = "http://127.0.0.1:5000"
CONFIRM_LINK = re.compile(re.escape(BASE_URL) + r"(/confirm/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def dev_app(tmp_path):
    with serving(make_app(DevelopmentConfig, tmp_path, BASE_URL=BASE_URL)) as app:
        yield app


def _register(client, email: str = "baru@example.id"):
    data = {"name": "Warga Baru", "email": email, "password": PASSWORD, "confirm": PASSWORD}
    response = post_form(client, "/register", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _add_mail(recipient: str, subject: str, body: str) -> None:
    add_to_outbox(recipient, "test", "id", subject, body)
    db.session.commit()


def test_a_new_user_confirms_with_the_link_on_the_console_and_at_dev_outbox(dev_app, capsys):
    client = fresh_client(dev_app)
    _register(client)
    capsys.readouterr()

    # The next request delivers what the registration queued: a line on the console with the link ...
    page = client.get("/dev/outbox")
    assert page.status_code == 200
    console = capsys.readouterr().err
    [line] = [line for line in console.splitlines() if "mail to baru@example.id" in line]
    assert "INFO goi.mail: mail to baru@example.id: " in line
    link = CONFIRM_LINK.search(line)
    assert link, console

    # ... and the whole mail on the page, its link clickable.
    html = page.get_data(as_text=True)
    assert "baru@example.id" in html
    assert f'<a href="{link.group(0)}" rel="nofollow noopener noreferrer">{link.group(0)}</a>' in html

    response = post_form(client, link.group(1), {})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "baru@example.id"))
    assert user.email_confirmed_at is not None


def test_mail_is_listed_newest_first_as_escaped_text(dev_app):
    _add_mail("first@example.id", "First", "Old news")
    _add_mail("second@example.id", "<b>Second</b>", "<script>alert(1)</script>\nhttps://example.id/a?b=1&c=2.")
    html = fresh_client(dev_app).get("/dev/outbox").get_data(as_text=True)
    assert html.index("second@example.id") < html.index("first@example.id")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Second</b>" not in html and "&lt;b&gt;Second&lt;/b&gt;" in html
    link = "https://example.id/a?b=1&amp;c=2"
    assert f'<a href="{link}" rel="nofollow noopener noreferrer">{link}</a>.' in html


def test_dev_outbox_is_never_cached(dev_app):
    client = fresh_client(dev_app)
    assert dev_app.config["PAGE_CACHE"]
    first = client.get("/dev/outbox")
    assert first.headers["Cache-Control"] == "private, no-store"
    _add_mail("later@example.id", "Later", "A mail sent after the first visit")
    # Mail is no content the page cache follows: a kept page would not show it.
    assert "later@example.id" in client.get("/dev/outbox").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "Development tool: every email the site sends"),
        ("id", "Alat pengembangan: setiap email yang dikirim situs"),
    ],
)
def test_the_page_says_it_is_a_development_tool(dev_app, language, notice):
    client = fresh_client(dev_app)
    client.set_cookie("goi_lang", language)
    assert notice in client.get("/dev/outbox").get_data(as_text=True)


def test_development_endpoints_have_a_rule(dev_app):
    endpoints = {rule.endpoint for rule in dev_app.url_map.iter_rules()}
    assert "dev.outbox" in endpoints
    assert sorted(endpoints - set(POLICY)) == []
    assert POLICY["dev.outbox"] is PUBLIC


def test_no_dev_outbox_in_the_test_profile(app, client, db):
    assert "dev.outbox" not in {rule.endpoint for rule in app.url_map.iter_rules()}
    assert client.get("/dev/outbox").status_code == 404


def test_no_dev_outbox_in_production(tmp_path):
    with serving(make_app(ProductionConfig, tmp_path)) as app:
        assert "dev.outbox" not in {rule.endpoint for rule in app.url_map.iter_rules()}
        _add_mail("secret@example.id", "Reset", "https://example.id/reset/token")
        response = fresh_client(app).get("/dev/outbox", base_url="https://localhost")
        assert response.status_code == 404
        assert "secret@example.id" not in response.get_data(as_text=True)
        with app.test_request_context(), pytest.raises(BuildError):
            url_for("dev.outbox")
