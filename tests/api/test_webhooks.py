"""Webhooks: added by an organization's owners and admins (their secret shown once), refused for private addresses,
told of public events with public payloads (proposals by count only, to the owners only), delivered signed to a
real HTTP server, tried again with back-off, listed with their answers, and disabled."""

import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.api import webhooks
from goi.api.models import Webhook, WebhookDelivery, WebhookEvent, WebhookScope
from goi.challenges import addenda as challenge_addenda
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges.models import ChallengeOutcome, ChallengeStatus
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.extensions import db as _db
from goi.reviews import services as review_services
from goi.reviews.models import AwardLabel
from goi.reviews.services import EntryChoice
from tests import factories
from tests.challenges import make_challenge
from tests.conftest import count_statements, post_form
from tests.proposals.conftest import make_submitted_proposal

HOOKS_URL = "/orgs/pt-industri/webhooks"
PUBLIC_URL = "https://93.184.215.14/goi-hook"  # a public address: resolved without DNS
SECRET = re.compile(r'id="new-secret"[^>]*value="(whsec_[A-Za-z0-9_-]+)"')
ALL_EVENTS = [event.value for event in WebhookEvent]


@pytest.fixture(autouse=True)
def _in_english(app, client):
    client.set_cookie("goi_lang", "en")
    with force_locale("en"):
        yield


def _count(model) -> int:
    return _db.session.scalar(select(func.count(model.id)))


def _hook(organization, user, scope=WebhookScope.OWN, events=ALL_EVENTS, url=PUBLIC_URL) -> Webhook:
    webhook, _secret = webhooks.create_webhook(user, organization, url, {WebhookEvent(e) for e in events}, scope)
    _db.session.commit()
    return webhook


def _deliveries(webhook) -> list[WebhookDelivery]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id).order_by(WebhookDelivery.id)
        )
    )


# --- registration ---------------------------------------------------------------------------------------------------


def test_only_the_organizations_owners_and_admins_reach_its_webhooks(client, world, login_as):
    assert client.get(HOOKS_URL).status_code == 302
    for role in ("user", "org_member", "gov_admin"):
        login_as(role)
        assert client.get(HOOKS_URL).status_code == 403
    login_as("org_member")
    fields = {"url": PUBLIC_URL, "events": ["challenge.published"], "scope": "own"}
    assert post_form(client, HOOKS_URL, fields, page="/account/profile").status_code == 403
    assert _count(Webhook) == 0
    login_as("org_admin")
    assert client.get(HOOKS_URL).status_code == 200


def test_a_webhook_is_added_with_its_secret_shown_once(client, world, login_as):
    login_as("org_admin")
    fields = {"url": PUBLIC_URL, "events": ["challenge.published", "challenge.closed"], "scope": "all"}
    response = post_form(client, HOOKS_URL, fields)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    webhook = _db.session.scalar(select(Webhook))
    assert (webhook.url, webhook.events, webhook.scope) == (
        PUBLIC_URL,
        "challenge.closed challenge.published",
        "all",
    )
    assert webhook.secret == secret and webhook.created_by_id == world["users"]["org_admin"].id
    assert _db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "api.webhook_created"))
    listed = client.get(HOOKS_URL)
    html = listed.get_data(as_text=True)
    assert secret not in html and PUBLIC_URL in html and "Every public challenge" in html and "Active" in html
    assert listed.headers["Cache-Control"] == "no-store"


def test_bad_input_is_refused_and_kept(client, world, login_as):
    login_as("org_admin")
    cases = [
        ({"url": "", "events": ["challenge.published"], "scope": "own"}, "This field is required"),
        ({"url": "ftp://93.184.215.14/x", "events": ["challenge.published"], "scope": "own"}, "https://"),
        ({"url": PUBLIC_URL, "events": [], "scope": "own"}, "Choose at least one event."),
        ({"url": PUBLIC_URL, "events": ["proposal.opened"], "scope": "own"}, "not a valid choice"),
        ({"url": PUBLIC_URL, "events": ["challenge.published"], "scope": "everything"}, "ot a valid choice"),
        ({"url": "https://no-such-host.invalid/x", "events": ["challenge.closed"], "scope": "own"}, "cannot be found"),
    ]
    for fields, message in cases:
        response = post_form(client, HOOKS_URL, fields)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, fields
        assert message in html, (fields, message)
        if fields["url"]:
            assert f'value="{fields["url"]}"' in html
    assert _count(Webhook) == 0


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "http://[::1]/hook", "http://localhost/hook"]
)
def test_private_and_loopback_addresses_are_refused_unless_the_operator_allows_them(app, client, world, login_as, url):
    login_as("org_admin")
    response = post_form(client, HOOKS_URL, {"url": url, "events": ["challenge.published"], "scope": "own"})
    assert response.status_code == 422
    assert "webhooks go to public addresses only" in response.get_data(as_text=True)
    assert _count(Webhook) == 0
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    response = post_form(client, HOOKS_URL, {"url": url, "events": ["challenge.published"], "scope": "own"})
    assert response.status_code == 200 and _count(Webhook) == 1


def test_link_local_multicast_and_mapped_addresses_are_refused(app):
    for url in (
        "http://169.254.169.254/latest",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
    ):
        with pytest.raises(webhooks.AddressRefused):
            webhooks.check_url(url)
    assert webhooks.check_url(f" {PUBLIC_URL} ") == PUBLIC_URL


# --- events ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def hooks(world):
    """Palembang's own hook and PT Industri's hook of every public challenge, both of every event; Makassar's own
    hook (it owns nothing here)."""
    users = world["users"]
    return {
        "owner": _hook(world["gov_verified"], users["gov_admin"], WebhookScope.OWN),
        "watcher": _hook(world["industry"], users["org_admin"], WebhookScope.ALL),
        "stranger": _hook(world["gov_unverified"], users["gov_admin_unverified"], WebhookScope.OWN),
    }


def _payloads(webhook) -> list[dict]:
    return [json.loads(delivery.payload) for delivery in _deliveries(webhook)]


def test_each_event_is_queued_with_its_public_payload_for_the_hooks_it_reaches(world, hooks):
    owner = world["users"]["gov_admin"]
    challenge = make_challenge(
        world["gov_verified"], ChallengeStatus.DRAFT, slug="banjir-musi", ref="PLG-2026-01", title="Banjir Musi"
    )
    _db.session.commit()
    challenge_lifecycle.publish(owner, challenge)
    _db.session.commit()
    challenge_addenda.publish_addendum(
        owner, challenge, "Tenggat diperpanjang.", {"closes_at": challenge.closes_at + timedelta(days=7)}
    )
    _db.session.commit()
    winner = make_submitted_proposal(
        _db, challenge, world["users"]["org_member"], world["industry"], title="Sensor Genangan Rahasia"
    )
    make_submitted_proposal(_db, challenge, factories.make_user(email="lain@example.id"), None, title="Usulan Kedua")
    clock.freeze(challenge.closes_at + timedelta(minutes=1))
    challenge_lifecycle.close_expired_challenges()
    _db.session.commit()
    challenge_lifecycle.start_review(owner, challenge)
    challenge_lifecycle.decide(owner, challenge, ChallengeOutcome.AWARDED)
    review_services.publish_results(
        owner, challenge, "Juri memilih satu pemenang.", [EntryChoice(winner.id, AwardLabel.WINNER, "Hemat energi.")]
    )
    _db.session.commit()

    owner_events = [payload["event"] for payload in _payloads(hooks["owner"])]
    assert owner_events == [
        "challenge.published",
        "challenge.addendum",
        "proposal.received",
        "proposal.received",
        "challenge.closed",
        "challenge.results_published",
    ]
    # Every public challenge, but not proposals: those go to the challenge's own organizations only.
    watcher = _payloads(hooks["watcher"])
    assert [payload["event"] for payload in watcher] == [
        "challenge.published",
        "challenge.addendum",
        "challenge.closed",
        "challenge.results_published",
    ]
    assert _deliveries(hooks["stranger"]) == []

    published = watcher[0]["challenge"]
    assert published == {
        "ref": "PLG-2026-01",
        "slug": "banjir-musi",
        "title": "Banjir Musi",
        "status": "published",
        "url": "http://localhost/challenges/banjir-musi",
        "sector": "transportation",
        "province": {"code": "16", "name": published["province"]["name"]},
        "regency": {"code": "16.71", "name": published["regency"]["name"]},
        "closes_at": published["closes_at"],
    }
    assert published["province"]["name"] == "Sumatera Selatan"
    assert watcher[1]["addendum"]["number"] == 1 and watcher[1]["addendum"]["summary"] == "Tenggat diperpanjang."
    assert watcher[2]["challenge"]["status"] == "closed"
    results = watcher[3]["results"]
    assert results["outcome"] == "awarded" and results["summary"] == "Juri memilih satu pemenang."
    assert [(entry["award"], entry["title"], entry["citation"]) for entry in results["entries"]] == [
        ("winner", "Sensor Genangan Rahasia", "Hemat energi.")
    ]

    received = [payload for payload in _payloads(hooks["owner"]) if payload["event"] == "proposal.received"]
    assert [payload["proposals"] for payload in received] == [{"submitted": 1}, {"submitted": 2}]
    for payload in received:
        text = json.dumps(payload)
        assert "Sensor Genangan Rahasia" not in text and "Usulan Kedua" not in text and "PT Industri" not in text
        assert set(payload) == {"event", "created_at", "challenge", "proposals"}


def test_only_the_chosen_events_of_active_hooks_are_queued(world):
    users = world["users"]
    closed_only = _hook(world["gov_verified"], users["gov_admin"], events=["challenge.closed"])
    disabled = _hook(world["gov_verified"], users["gov_admin"])
    webhooks.disable_webhook(users["gov_admin"], disabled)
    _db.session.commit()
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
    challenge_lifecycle.publish(users["gov_admin"], challenge)
    _db.session.commit()
    assert _deliveries(closed_only) == [] and _deliveries(disabled) == []


def test_a_co_owner_hears_of_its_joint_challenges(world):
    from goi.challenges.models import ChallengeCoOwner

    users = world["users"]
    co_owner_hook = _hook(world["industry"], users["org_admin"], WebhookScope.OWN)
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
    challenge.co_owners.append(ChallengeCoOwner(organization_id=world["industry"].id))
    _db.session.commit()
    challenge_lifecycle.publish(users["gov_admin"], challenge)
    _db.session.commit()
    assert [delivery.event for delivery in _deliveries(co_owner_hook)] == ["challenge.published"]


# --- delivery -------------------------------------------------------------------------------------------------------


class Receiver:
    """A real HTTP server on 127.0.0.1 that checks each request's signature with the hook's secret."""

    def __init__(self, status: int = 200, answer: str = "ok"):
        self.status, self.answer = status, answer
        self.secret = ""
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {
                        "headers": dict(self.headers),
                        "body": body,
                        "valid": webhooks.verify_signature(
                            receiver.secret, self.headers["X-GOI-Signature"], body, time.time()
                        ),
                    }
                )
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(receiver.answer.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _published_to(app, world, receiver: Receiver) -> Webhook:
    """A hook of Palembang to the receiver, and a challenge of Palembang published: one delivery due."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    hook = _hook(world["gov_verified"], world["users"]["gov_admin"], url=receiver.url)
    receiver.secret = hook.secret
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT, title="Banjir Musi")
    challenge_lifecycle.publish(world["users"]["gov_admin"], challenge)
    _db.session.commit()
    return hook


def test_a_delivery_reaches_a_real_server_signed_with_the_hooks_secret(app, world):
    with Receiver(200, "terima kasih") as receiver:
        hook = _published_to(app, world, receiver)
        result = app.test_cli_runner().invoke(args=["goi", "webhooks", "deliver"])
    assert result.exit_code == 0 and "delivered 1, failed 0" in result.output
    [request] = receiver.requests
    [delivery] = _deliveries(hook)
    assert request["valid"]
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-GOI-Event"] == "challenge.published"
    assert headers["X-GOI-Delivery"] == str(delivery.id)
    assert headers["X-GOI-Signature"].startswith(f"t={headers['X-GOI-Timestamp']},v1=")
    assert abs(int(headers["X-GOI-Timestamp"]) - time.time()) < 60
    assert json.loads(request["body"])["challenge"]["title"] == "Banjir Musi"
    assert request["body"].decode() == delivery.payload
    assert delivery.delivered_at is not None and delivery.attempts == 1
    assert (delivery.last_status_code, delivery.last_response, delivery.last_error) == (200, "terima kasih", None)
    # Delivered once: the next run finds nothing due.
    assert webhooks.deliver_due() == (0, 0)
    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_tried_again_with_back_off_then_given_up(app, world):
    with Receiver(500, "boom") as receiver:
        hook = _published_to(app, world, receiver)
        start = clock.now()
        clock.freeze(start)
        assert webhooks.deliver_due() == (0, 1)
        [delivery] = _deliveries(hook)
        assert (delivery.attempts, delivery.last_status_code, delivery.last_response) == (1, 500, "boom")
        assert delivery.last_error == "HTTP 500" and delivery.failed_at is None
        assert delivery.next_attempt_at == start + timedelta(minutes=1)
        moment = start
        for attempt, delay in enumerate(webhooks.RETRY_DELAYS, start=2):
            assert _deliveries(hook)[0].next_attempt_at == moment + delay
            clock.freeze(moment + delay - timedelta(seconds=1))
            assert webhooks.deliver_due() == (0, 0)  # not due yet
            moment += delay
            clock.freeze(moment)
            assert webhooks.deliver_due() == (0, 1)
            [delivery] = _deliveries(hook)
            assert delivery.attempts == attempt
        assert delivery.attempts == webhooks.MAX_ATTEMPTS == 6
        assert delivery.failed_at == moment and delivery.delivered_at is None
        clock.freeze(moment + timedelta(days=2))
        assert webhooks.deliver_due() == (0, 0)
    assert len(receiver.requests) == 6 and all(request["valid"] for request in receiver.requests)
    assert (
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ) == webhooks.RETRY_DELAYS


def test_an_address_refused_at_delivery_is_recorded_and_not_called(app, world):
    with Receiver() as receiver:
        hook = _published_to(app, world, receiver)
        app.config["WEBHOOK_ALLOW_PRIVATE"] = False  # the operator changed their mind (or DNS changed)
        assert webhooks.deliver_due() == (0, 1)
    assert receiver.requests == []
    [delivery] = _deliveries(hook)
    assert delivery.last_error.startswith("refused:") and delivery.last_status_code is None


def test_a_receiver_that_does_not_answer_is_an_error(app, world):
    with Receiver() as receiver:
        hook = _published_to(app, world, receiver)
    # The server is shut: the connection is refused.
    assert webhooks.deliver_due() == (0, 1)
    [delivery] = _deliveries(hook)
    assert delivery.attempts == 1 and delivery.last_status_code is None and delivery.last_error


def test_verify_signature_refuses_a_wrong_secret_a_changed_body_and_an_old_timestamp():
    body = b'{"event": "challenge.published"}'
    now = time.time()
    header = webhooks.signature_header("whsec_rahasia", int(now), body)
    assert webhooks.verify_signature("whsec_rahasia", header, body, now)
    assert not webhooks.verify_signature("whsec_lain", header, body, now)
    assert not webhooks.verify_signature("whsec_rahasia", header, body + b" ", now)
    assert not webhooks.verify_signature("whsec_rahasia", header, body, now + 301)
    old = webhooks.signature_header("whsec_rahasia", int(now) - 3600, body)
    assert not webhooks.verify_signature("whsec_rahasia", old, body, now)
    for junk in ("", "t=abc,v1=00", "v1=00", f"t={int(now)}"):
        assert not webhooks.verify_signature("whsec_rahasia", junk, body, now)


# --- the deliveries page, disabling ---------------------------------------------------------------------------------


def test_the_deliveries_page_shows_each_answer_newest_first(app, client, world, login_as):
    with Receiver(500, "Internal trouble at the receiver") as receiver:
        hook = _published_to(app, world, receiver)
        webhooks.deliver_due()
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
    challenge_lifecycle.publish(world["users"]["gov_admin"], challenge)
    _db.session.commit()
    login_as("gov_admin")
    url = f"/orgs/pemkot-palembang/webhooks/{hook.id}"
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    first, second = _deliveries(hook)
    assert html.index(f"webhook-delivery-{second.id}") < html.index(f"webhook-delivery-{first.id}")
    assert "Internal trouble at the receiver" in html and "HTTP 500" in html and ">500<" in html
    assert "Pending" in html and "1 of 6" in html and "0 of 6" in html
    assert client.get(f"{url}?page=2").status_code == 404
    assert client.get(f"{url}?page=zero").status_code == 404
    # Constant queries whatever the number of deliveries.
    before = count_statements(client, url)
    for _ in range(3):
        challenge = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
        challenge_lifecycle.publish(world["users"]["gov_admin"], challenge)
    _db.session.commit()
    assert count_statements(client, url) == before
    # Another organization's hook is not found, nor are its deliveries.
    login_as("org_admin")
    assert client.get(f"/orgs/pt-industri/webhooks/{hook.id}").status_code == 404


def test_the_list_page_makes_constant_queries(client, world, login_as):
    login_as("org_admin")
    _hook(world["industry"], world["users"]["org_admin"])
    before = count_statements(client, HOOKS_URL)
    _hook(world["industry"], world["users"]["org_owner"])
    _hook(world["industry"], world["users"]["org_member"], WebhookScope.ALL)
    assert count_statements(client, HOOKS_URL) == before


def test_a_disabled_webhook_gets_nothing_more(client, world, login_as):
    hook = _hook(world["industry"], world["users"]["org_admin"], WebhookScope.ALL)
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
    challenge_lifecycle.publish(world["users"]["gov_admin"], challenge)
    _db.session.commit()
    # Another organization's admin cannot disable it (nor learn it exists).
    login_as("gov_admin")
    response = post_form(client, f"/orgs/pemkot-palembang/webhooks/{hook.id}/disable", page="/account/profile")
    assert response.status_code == 404
    login_as("org_admin")
    response = post_form(client, f"{HOOKS_URL}/{hook.id}/disable", page=HOOKS_URL)
    assert response.status_code == 302
    [pending] = _deliveries(hook)
    assert pending.failed_at is not None and pending.last_error == "webhook disabled"
    assert _db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "api.webhook_disabled"))
    html = client.get(HOOKS_URL).get_data(as_text=True)
    assert "Disabled" in html and f"{HOOKS_URL}/{hook.id}/disable" not in html
    another = make_challenge(world["gov_verified"], ChallengeStatus.DRAFT)
    challenge_lifecycle.publish(world["users"]["gov_admin"], another)
    _db.session.commit()
    assert len(_deliveries(hook)) == 1
    assert webhooks.deliver_due() == (0, 0)
    # Twice is refused, without a change.
    response = post_form(client, f"{HOOKS_URL}/{hook.id}/disable", page=HOOKS_URL)
    assert response.status_code == 302
    assert "disabled already" in client.get(HOOKS_URL).get_data(as_text=True)


def test_an_organization_has_a_bounded_number_of_active_webhooks(client, world, login_as, monkeypatch):
    monkeypatch.setattr(webhooks, "MAX_ACTIVE_WEBHOOKS", 1)
    login_as("org_admin")
    _hook(world["industry"], world["users"]["org_admin"])
    response = post_form(client, HOOKS_URL, {"url": PUBLIC_URL, "events": ["challenge.closed"], "scope": "own"})
    assert response.status_code == 422 and "at most 1 active webhooks" in response.get_data(as_text=True)
    assert _count(Webhook) == 1
