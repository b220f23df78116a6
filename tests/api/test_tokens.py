"""API tokens: made by an organization's owners and admins, shown once, stored hashed, scoped, expiring, revocable,
their use logged and rate-limited; with one, a solver's system reads its proposals' states."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from goi.api import tokens
from goi.api.models import ApiToken, Scope
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.extensions import db as _db
from tests.challenges import make_challenge
from tests.conftest import post_form
from tests.proposals.conftest import accepted_partner, make_proposal, make_submitted_proposal

TOKENS_URL = "/orgs/pt-industri/api-tokens"
SECRET = re.compile(r'id="new-token"[^>]*value="(goi_[A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def _in_english(client):
    client.set_cookie("goi_lang", "en")


def _count() -> int:
    return _db.session.scalar(select(func.count(ApiToken.id)))


def _make(client, **data) -> str:
    """Make a token through the page as the logged-in user; its secret, read from the answer."""
    fields = {"name": "Sistem ERP", "scopes": ["read"], "days": "90", **data}
    response = post_form(client, TOKENS_URL, fields, page=TOKENS_URL)
    assert response.status_code == 200, response.get_data(as_text=True)
    return SECRET.search(response.get_data(as_text=True)).group(1)


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_only_the_organizations_owners_and_admins_reach_its_tokens(client, world, login_as):
    assert client.get(TOKENS_URL).status_code == 302
    for role in ("user", "org_member", "gov_admin"):
        login_as(role)
        assert client.get(TOKENS_URL).status_code == 403
    login_as("org_admin")
    assert client.get(TOKENS_URL).status_code == 200
    login_as("org_member")
    response = post_form(client, TOKENS_URL, {"name": "x", "scopes": ["read"], "days": "90"}, page="/account/profile")
    assert response.status_code == 403
    assert _count() == 0


def test_a_token_is_shown_once_stored_hashed_and_listed_by_its_start(client, world, login_as):
    login_as("org_admin")
    response = post_form(client, TOKENS_URL, {"name": "Sistem ERP", "scopes": ["read"], "days": "90"}, page=TOKENS_URL)
    html = response.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    token = _db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.token_hash and token.prefix == secret[:12]
    assert token.expires_at == pytest.approx(clock.now() + timedelta(days=90), abs=timedelta(minutes=1))
    assert _db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "api.token_created"))
    # Never again: the list shows its start only.
    listed = client.get(TOKENS_URL).get_data(as_text=True)
    assert secret not in listed and f"{token.prefix}…" in listed and "Sistem ERP" in listed


def test_bad_input_is_refused_and_kept(client, world, login_as):
    login_as("org_admin")
    response = post_form(client, TOKENS_URL, {"name": "", "scopes": ["read"], "days": "90"}, page=TOKENS_URL)
    assert response.status_code == 422
    response = post_form(client, TOKENS_URL, {"name": "Sistem ERP", "scopes": ["admin"], "days": "90"}, page=TOKENS_URL)
    assert response.status_code == 422 and 'value="Sistem ERP"' in response.get_data(as_text=True)
    response = post_form(
        client, TOKENS_URL, {"name": "Sistem ERP", "scopes": ["read"], "days": "9999"}, page=TOKENS_URL
    )
    assert response.status_code == 422
    assert _count() == 0


def test_a_token_reads_its_organizations_proposals_and_nothing_without_it(client, world, login_as):
    industry, gov = world["industry"], world["gov_verified"]
    challenge = make_challenge(gov, slug="banjir-uji", ref="c-banjir", title="Banjir uji")
    lead = world["users"]["org_owner"]
    ours = make_submitted_proposal(_db, challenge, lead, industry, title="Sensor banjir kami")
    other_lead = world["users"]["user"]
    theirs = make_proposal(_db, make_challenge(gov, slug="lain"), other_lead, None, title="Proposal orang lain")
    accepted_partner(_db, theirs, world["users"]["org_member"], industry)  # partners count too
    hidden = make_proposal(_db, make_challenge(gov, slug="tersembunyi"), other_lead, None, title="Bukan urusan kami")
    login_as("org_admin")
    secret = _make(client)

    response = client.get("/api/v1/proposals", headers=_bearer(secret))
    assert response.status_code == 200
    body = response.get_json()
    by_title = {row["title"]: row for row in body["results"]}
    assert set(by_title) == {"Sensor banjir kami", "Proposal orang lain"} and hidden.title not in by_title
    assert by_title["Sensor banjir kami"]["role"] == "lead"
    assert by_title["Sensor banjir kami"]["status"] == "submitted"
    assert by_title["Sensor banjir kami"]["challenge"]["ref"] == "c-banjir"
    assert by_title["Proposal orang lain"]["role"] == "partner" and by_title["Proposal orang lain"]["status"] == "draft"
    assert body["total"] == 2 and body["pages"] == 1
    assert ours.id in {row["id"] for row in body["results"]}

    about = client.get("/api/v1/token", headers=_bearer(secret)).get_json()
    assert about["organization"]["slug"] == "pt-industri" and about["scopes"] == ["read"]

    # Without a token, with a wrong one, or a malformed header: 401 with the consistent error body.
    for headers in ({}, _bearer("goi_not-a-token"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/proposals", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert set(response.get_json()["error"]) >= {"code", "message"}
    assert client.get("/api/v1/proposals?page=0", headers=_bearer(secret)).status_code == 400
    assert client.get("/api/v1/proposals?page=9", headers=_bearer(secret)).status_code == 404


def test_pages_come_with_link_headers(client, world, login_as, monkeypatch):
    from goi.api import views

    monkeypatch.setattr(views, "PROPOSALS_PER_PAGE", 1)
    gov, industry, lead = world["gov_verified"], world["industry"], world["users"]["org_owner"]
    for number in range(3):
        make_proposal(_db, make_challenge(gov, slug=f"c-{number}"), lead, industry, title=f"Proposal {number}")
    login_as("org_admin")
    secret = _make(client)
    response = client.get("/api/v1/proposals?page=2", headers=_bearer(secret))
    links = response.headers["Link"]
    for relation, page in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert re.search(rf'<http://[^>]*/api/v1/proposals\?page={page}>; rel="{relation}"', links), links


def test_a_revoked_or_expired_token_no_longer_works(client, world, login_as):
    login_as("org_admin")
    secret = _make(client)
    assert client.get("/api/v1/token", headers=_bearer(secret)).status_code == 200
    token = _db.session.scalar(select(ApiToken))
    clock.freeze(token.expires_at + timedelta(seconds=1))
    try:
        assert client.get("/api/v1/token", headers=_bearer(secret)).status_code == 401
    finally:
        clock.reset()
    assert client.get("/api/v1/token", headers=_bearer(secret)).status_code == 200
    response = post_form(client, f"{TOKENS_URL}/{token.id}/revoke", page=TOKENS_URL)
    assert response.status_code == 302
    assert client.get("/api/v1/token", headers=_bearer(secret)).status_code == 401
    assert "Revoked" in client.get(TOKENS_URL).get_data(as_text=True)
    # Another organization's admin cannot revoke it (nor see it exists).
    login_as("gov_admin")
    response = post_form(client, f"/orgs/pemkot-palembang/api-tokens/{token.id}/revoke", page="/account/profile")
    assert response.status_code == 404


def test_a_token_without_the_scope_is_refused(client, world, login_as):
    login_as("org_admin")
    secret = _make(client, scopes=["proposals:write"])
    token = _db.session.scalar(select(ApiToken))
    assert token.scope_set == {Scope.READ, Scope.PROPOSALS_WRITE}  # every token reads
    # A token stripped of read (made before the rule, or by hand) is refused where read is needed.
    token.scopes = "proposals:write"
    _db.session.commit()
    response = client.get("/api/v1/proposals", headers=_bearer(secret))
    assert response.status_code == 403
    assert "read" in response.get_json()["error"]["message"]


def test_every_use_is_logged_and_the_last_use_shown(client, world, login_as, caplog):
    login_as("org_admin")
    secret = _make(client)
    with caplog.at_level(logging.INFO, logger="goi.api"):
        client.get("/api/v1/token", headers=_bearer(secret))
        client.get("/api/v1/proposals?page=7", headers=_bearer(secret))
    lines = [record.getMessage() for record in caplog.records if record.name == "goi.api"]
    assert any("GET /api/v1/token answered 200" in line for line in lines)
    assert any("GET /api/v1/proposals answered 404" in line for line in lines)
    token = _db.session.scalar(select(ApiToken))
    _db.session.refresh(token)
    assert token.last_used_at is not None
    assert "never" not in client.get(TOKENS_URL).get_data(as_text=True).split("api-token-last-used")[1][:80]


def test_each_token_has_its_own_rate_limit(app, client, world, login_as):
    app.config["API_TOKEN_RATE_LIMIT"] = "3 per minute"
    login_as("org_admin")
    first, second = _make(client, name="Satu"), _make(client, name="Dua")
    answers = [client.get("/api/v1/token", headers=_bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/token", headers=_bearer(second)).status_code == 200


def test_an_organization_has_a_bounded_number_of_active_tokens(client, world, login_as, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ACTIVE_TOKENS", 2)
    login_as("org_admin")
    _make(client, name="Satu")
    _make(client, name="Dua")
    response = post_form(client, TOKENS_URL, {"name": "Tiga", "scopes": ["read"], "days": "30"}, page=TOKENS_URL)
    assert response.status_code == 422 and "at most 2 active tokens" in response.get_data(as_text=True)
    assert _count() == 2


def test_the_organization_page_links_its_tokens_and_webhooks_for_its_managers_only(client, world, login_as):
    login_as("org_member")
    page = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert TOKENS_URL not in page and "/orgs/pt-industri/webhooks" not in page
    login_as("org_admin")
    page = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert f'href="{TOKENS_URL}"' in page and 'href="/orgs/pt-industri/webhooks"' in page
