"""Challenges written with a token of challenges:write: drafts, their edits, publication and addenda under the site's
rules, each write by the token's maker while they still administer its organization, named in the audit log, all or
nothing, and the webhooks told as from the site."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from goi.api import tokens
from goi.api import webhooks as api_webhooks
from goi.api.models import ApiToken, Scope, WebhookDelivery, WebhookEvent, WebhookScope
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.extensions import db as _db
from goi.orgs.models import MemberRole, Membership
from tests.challenges import make_challenge

JAKARTA = ZoneInfo("Asia/Jakarta")
HOOK_URL = "https://93.184.215.14/goi-hook"  # a public address: resolved without DNS


@pytest.fixture(autouse=True)
def _in_english(client):
    client.set_cookie("goi_lang", "en")


def _headers(world, organization="gov_verified", role="gov_admin", scopes=(Scope.CHALLENGES_WRITE,)) -> dict:
    """The headers of a new token of the organization, made by the role's user."""
    _token, secret = tokens.create_token(world["users"][role], world[organization], "Sistem SPSE", set(scopes), 90)
    _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _moment(days: float) -> str:
    return (clock.now() + timedelta(days=days)).astimezone(JAKARTA).isoformat()


def _body(**fields) -> dict:
    return {
        "title": "Banjir Sungai Musi",
        "summary": "Peringatan dini banjir untuk warga bantaran.",
        "problem": "Banjir **rutin** tiap musim hujan.",
        "sector": "water",
        "sdgs": [6, 11],
        "province_code": "16",
        "regency_code": "16.71",
        "budget_min": 500_000_000,
        "budget_max": 2_000_000_000,
        "eligible_kinds": ["industry", "academia"],
        "opens_at": _moment(0),
        "closes_at": _moment(30),
        "review_until": _moment(45),
        "criteria": [
            {"name": "Relevansi", "description": "Menjawab masalah.", "weight": 60},
            {"name": "Biaya", "weight": 40},
        ],
        "ref": "PLG-2026-01",
        **fields,
    }


def _rows() -> dict:
    """What a refused write must leave as it was: every table a challenge write touches."""
    _db.session.expire_all()
    return {
        "challenges": [
            (c.id, c.status.value, c.title, c.closes_at, c.published_at, [(k.name, k.weight) for k in c.criteria])
            for c in _db.session.scalars(select(Challenge).order_by(Challenge.id))
        ],
        "audit": _db.session.scalar(select(func.count(AuditEvent.id))),
        "deliveries": _db.session.scalar(select(func.count(WebhookDelivery.id))),
    }


def _hook(world, event: WebhookEvent) -> None:
    """A webhook of the challenges' organization that hears event."""
    api_webhooks.create_webhook(world["users"]["gov_admin"], world["gov_verified"], HOOK_URL, {event}, WebhookScope.OWN)
    _db.session.commit()


def _deliveries(event: WebhookEvent) -> int:
    return _db.session.scalar(select(func.count(WebhookDelivery.id)).where(WebhookDelivery.event == event.value))


def test_a_token_creates_a_draft_of_its_organization(client, world):
    headers = _headers(world)
    token = _db.session.scalar(select(ApiToken))
    response = client.post("/api/v1/challenges", json=_body(), headers=headers)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    challenge = _db.session.scalar(select(Challenge).where(Challenge.ref == "PLG-2026-01"))
    assert response.headers["Location"] == f"http://localhost/api/v1/challenges/{challenge.slug}"
    assert answer["slug"] == challenge.slug and answer["status"] == "draft"
    assert answer["owner"]["slug"] == "pemkot-palembang"
    assert answer["problem"]["html"] == "<p>Banjir <strong>rutin</strong> tiap musim hujan.</p>"
    assert [(c["name"], c["weight"]) for c in answer["criteria"]] == [("Relevansi", 60), ("Biaya", 40)]
    assert answer["eligible"] == ["industry", "academia"]
    assert challenge.owner_org_id == world["gov_verified"].id
    assert challenge.created_by_id == world["users"]["gov_admin"].id
    # Times come with their offset and are kept in UTC.
    assert abs(challenge.closes_at - (clock.now() + timedelta(days=30))) < timedelta(minutes=1)
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "challenge.created"))
    assert event.actor_id == world["users"]["gov_admin"].id
    assert event.object_id == challenge.id
    assert event.detail["api_token"] == token.id


def test_a_new_draft_takes_the_site_forms_defaults(client, world):
    headers = _headers(world)
    body = {name: value for name, value in _body().items() if name not in ("criteria", "eligible_kinds", "ref")}
    response = client.post("/api/v1/challenges", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["eligible"] == ["industry", "academia", "community", "citizen", "investor"]
    assert [c["weight"] for c in answer["criteria"]] == [30, 25, 25, 20]
    assert answer["ref"] is None


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": ""}, {"title"}),
        ({"sector": "astrology", "closes_at": "2026-03-01T09:00:00"}, {"sector", "closes_at"}),
        ({"colour": "red"}, {"colour"}),
        ({"criteria": [{"name": "Relevansi", "weight": 0}]}, {"criteria"}),
        # The services' rules, as on the site: weights add up to 100, the deadline after the opening, the region.
        ({"criteria": [{"name": "Relevansi", "weight": 50}, {"name": "Biaya", "weight": 40}]}, {"criteria"}),
        ({"closes_at": _moment(-1)}, {"closes_at"}),
        ({"regency_code": "73.71"}, {"regency_code"}),
        ({"province_code": None, "regency_code": None}, {"province_code"}),
        ({"co_owners": ["no-such-organization"]}, {"co_owners"}),
        ({"co_owners": ["pemkot-makassar"]}, {"co_owners"}),
    ],
)
def test_a_body_that_is_not_valid_is_refused_naming_its_fields_and_writes_nothing(client, world, changes, fields):
    headers = _headers(world)
    before = _rows()
    response = client.post("/api/v1/challenges", json=_body(**changes), headers=headers)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert set(error["fields"]) == fields
    assert all(message for message in error["fields"].values())
    assert _rows() == before


def test_a_reference_is_unique(client, world):
    headers = _headers(world)
    assert client.post("/api/v1/challenges", json=_body(), headers=headers).status_code == 201
    response = client.post("/api/v1/challenges", json=_body(), headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"ref": "Another challenge has this reference."}


def test_a_body_must_be_a_json_object(client, world):
    headers = _headers(world)
    assert client.post("/api/v1/challenges", data="title=x", headers=headers).status_code == 415
    assert client.post("/api/v1/challenges", json=["x"], headers=headers).status_code == 400


def test_a_draft_changes_only_in_the_fields_sent_and_all_or_nothing(client, world):
    headers = _headers(world)
    slug = client.post("/api/v1/challenges", json=_body(), headers=headers).get_json()["slug"]
    response = client.patch(f"/api/v1/challenges/{slug}", json={"title": "Banjir Musi 2026"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["title"] == "Banjir Musi 2026"
    assert answer["summary"] == "Peringatan dini banjir untuk warga bantaran."
    assert answer["budget"]["maximum"] == 2_000_000_000
    assert [c["weight"] for c in answer["criteria"]] == [60, 40]
    # The title is valid and would be applied before the criteria are checked: the refusal undoes it.
    before = _rows()
    bad = {"title": "Judul lain", "criteria": [{"name": "Satu", "weight": 10}, {"name": "Dua", "weight": 10}]}
    response = client.patch(f"/api/v1/challenges/{slug}", json=bad, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"criteria"}
    assert _rows() == before
    assert client.patch(f"/api/v1/challenges/{slug}", json={"trl": 12}, headers=headers).status_code == 422


def test_a_published_challenge_changes_only_through_an_addendum(client, world):
    headers = _headers(world)
    challenge = make_challenge(world["gov_verified"])
    _db.session.commit()
    before = _rows()
    response = client.patch(f"/api/v1/challenges/{challenge.slug}", json={"title": "Lain"}, headers=headers)
    assert response.status_code == 409
    assert "addendum" in response.get_json()["error"]["message"]
    assert _rows() == before


def test_a_draft_is_published_under_the_sites_rules_and_webhooks_are_told(client, world):
    headers = _headers(world)
    _hook(world, WebhookEvent.CHALLENGE_PUBLISHED)
    _db.session.commit()
    slug = client.post("/api/v1/challenges", json=_body(), headers=headers).get_json()["slug"]
    response = client.post(f"/api/v1/challenges/{slug}/publish", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "published"
    assert response.get_json()["published_at"] is not None
    assert _deliveries(WebhookEvent.CHALLENGE_PUBLISHED) == 1
    # Now public: the read answers it.
    assert client.get(f"/api/v1/challenges/{slug}").status_code == 200
    response = client.post(f"/api/v1/challenges/{slug}/publish", headers=headers)
    assert response.status_code == 409
    assert _deliveries(WebhookEvent.CHALLENGE_PUBLISHED) == 1


def test_a_draft_whose_deadline_passed_is_not_published(client, world):
    headers = _headers(world)
    late = make_challenge(
        world["gov_verified"],
        status=ChallengeStatus.DRAFT,
        opens_at=clock.now() - timedelta(days=9),
        closes_at=clock.now() - timedelta(days=1),
    )
    _db.session.commit()
    before = _rows()
    response = client.post(f"/api/v1/challenges/{late.slug}/publish", headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"closes_at"}
    assert _rows() == before


def test_an_unverified_government_neither_creates_nor_publishes(client, world):
    headers = _headers(world, organization="gov_unverified", role="gov_admin_unverified")
    response = client.post("/api/v1/challenges", json=_body(), headers=headers)
    assert response.status_code == 403
    assert "verified government" in response.get_json()["error"]["message"]
    # A draft made while verified, the verification since withdrawn.
    headers = _headers(world)
    slug = client.post("/api/v1/challenges", json=_body(), headers=headers).get_json()["slug"]
    world["gov_verified"].verified_at = None
    _db.session.commit()
    before = _rows()
    assert client.post(f"/api/v1/challenges/{slug}/publish", headers=headers).status_code == 403
    assert _rows() == before


def test_an_addendum_moves_the_deadline_later_only(client, world):
    headers = _headers(world)
    _hook(world, WebhookEvent.CHALLENGE_ADDENDUM)
    challenge = make_challenge(world["gov_verified"])
    _db.session.commit()
    url = f"/api/v1/challenges/{challenge.slug}/addenda"
    before = _rows()
    response = client.post(url, json={"summary": "Tenggat maju", "closes_at": _moment(10)}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"closes_at"}
    response = client.post(url, json={"summary": "Tidak ada"}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"summary"}
    assert client.post(url, json={"closes_at": _moment(40)}, headers=headers).status_code == 422
    assert _rows() == before
    response = client.post(url, json={"summary": "Tenggat mundur", "closes_at": _moment(40)}, headers=headers)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["number"] == 1 and answer["changed"] == ["closes_at"] and answer["summary"] == "Tenggat mundur"
    _db.session.expire_all()
    assert abs(_db.session.get(Challenge, challenge.id).closes_at - (clock.now() + timedelta(days=40))) < timedelta(
        minutes=1
    )
    assert _deliveries(WebhookEvent.CHALLENGE_ADDENDUM) == 1
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "challenge.addendum"))
    assert event.actor_id == world["users"]["gov_admin"].id and "api_token" in event.detail
    criteria = [{"name": "Dampak", "weight": 70}, {"name": "Biaya", "weight": 30}]
    response = client.post(url, json={"summary": "Kriteria baru", "criteria": criteria}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["number"] == 2


def test_a_draft_takes_no_addendum(client, world):
    headers = _headers(world)
    draft = make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT)
    _db.session.commit()
    response = client.post(
        f"/api/v1/challenges/{draft.slug}/addenda", json={"summary": "x", "closes_at": _moment(40)}, headers=headers
    )
    assert response.status_code == 409


def _write_requests(slug: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("post", "/api/v1/challenges", _body()),
        ("patch", f"/api/v1/challenges/{slug}", {"title": "Lain"}),
        ("post", f"/api/v1/challenges/{slug}/publish", None),
        ("post", f"/api/v1/challenges/{slug}/addenda", {"summary": "Tenggat mundur", "closes_at": _moment(40)}),
    ]


def _statuses(client, slug: str, headers: dict) -> list[int]:
    return [
        getattr(client, method)(url, json=body, headers=headers).status_code
        for method, url, body in _write_requests(slug)
    ]


def test_no_token_no_scope_or_another_organization_is_refused_and_writes_nothing(client, world, login_as):
    draft = make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT)
    _db.session.commit()
    read_only = _headers(world, scopes=(Scope.READ,))
    industry = _headers(world, organization="industry", role="org_admin")
    makassar = _headers(world, organization="gov_unverified", role="gov_admin_unverified")
    before = _rows()
    login_as("gov_admin")  # a session is not a token
    assert _statuses(client, draft.slug, {}) == [401, 401, 401, 401]
    assert _statuses(client, draft.slug, read_only) == [403, 403, 403, 403]
    # Another organization's token: its challenges are not found (a draft is not revealed), and an industry
    # organization creates none.
    assert _statuses(client, draft.slug, industry) == [403, 404, 404, 404]
    assert _statuses(client, "no-such-challenge", makassar)[1:] == [404, 404, 404]
    assert _rows() == before


def test_a_token_whose_maker_no_longer_administers_the_organization_is_refused(client, world):
    headers = _headers(world)
    draft = make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT)
    membership = _db.session.scalar(
        select(Membership).where(
            Membership.user_id == world["users"]["gov_admin"].id,
            Membership.organization_id == world["gov_verified"].id,
        )
    )
    membership.role = MemberRole.MEMBER
    _db.session.commit()
    before = _rows()
    statuses = _statuses(client, draft.slug, headers)
    assert statuses == [403, 403, 403, 403]
    response = client.patch(f"/api/v1/challenges/{draft.slug}", json={"title": "Lain"}, headers=headers)
    assert "no longer administers" in response.get_json()["error"]["message"]
    assert _rows() == before


def test_the_writes_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    create = document["paths"]["/api/v1/challenges"]["post"]
    assert create["security"] == [{"token": ["challenges:write"]}]
    assert "Location" in create["description"]
    assert {"201", "401", "403", "409", "422", "429"} <= set(create["responses"])
    assert "patch" in document["paths"]["/api/v1/challenges/{slug}"]
    assert "post" in document["paths"]["/api/v1/challenges/{slug}/publish"]
    assert "post" in document["paths"]["/api/v1/challenges/{slug}/addenda"]


def test_each_token_writes_within_its_own_rate_limit(app, client, world):
    app.config["API_TOKEN_RATE_LIMIT"] = "2 per minute"
    headers = _headers(world)
    other = _headers(world)
    answers = [client.post("/api/v1/challenges", json=_body(ref=None), headers=headers).status_code for _ in range(3)]
    assert answers == [201, 201, 429]
    assert client.post("/api/v1/challenges", json=_body(ref=None), headers=other).status_code == 201
