"""Webhooks: registering an organization's hooks, queueing an event's deliveries, delivering them signed.

A delivery is a POST of the event's JSON with the headers X-GOI-Event, X-GOI-Delivery, X-GOI-Timestamp and
X-GOI-Signature ("t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>' with the hook's secret>"); a 2xx answer
delivers it, anything else is tried again after RETRY_DELAYS, and after MAX_ATTEMPTS it has failed. An address that
resolves to a private, loopback, link-local, multicast, reserved or unspecified address is refused at registration
and again at each delivery (DNS may change) unless WEBHOOK_ALLOW_PRIVATE is set. Payloads hold public data only.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from goi.accounts.models import User
from goi.api.models import Webhook, WebhookDelivery, WebhookEvent, WebhookScope
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.extensions import db
from goi.orgs.models import Organization

SECRET_PREFIX = "whsec_"  # noqa: S105 (the visible start of every secret, not a secret)
MAX_ACTIVE_WEBHOOKS = 10
MAX_URL_LENGTH = 500
TIMEOUT_SECONDS = 5
# The waits after the 1st … 5th failed attempt; the 6th failure is the last.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
RESPONSE_KEPT = 2000
# A run claims the deliveries it is about to send for this long, so that a second run at the same time leaves them.
CLAIM = timedelta(minutes=5)
USER_AGENT = "GOI-Webhooks/1"


# --- addresses ------------------------------------------------------------------------------------------------------


class AddressRefused(DomainError):
    """A webhook address that may not be called."""


def _is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def check_url(url: str) -> str:
    """The address, stripped, if it may be called: http or https, a host that resolves, and (unless the operator
    allows private addresses) only to public addresses. AddressRefused otherwise."""
    url = (url or "").strip()
    if len(url) > MAX_URL_LENGTH:
        raise AddressRefused(_("The address is at most %(most)d characters.", most=MAX_URL_LENGTH), field="url")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(_("Give an http:// or https:// address, such as https://example.go.id/goi."), field="url")
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise AddressRefused(
            _("The address's host %(host)s cannot be found.", host=parts.hostname), field="url"
        ) from None
    if current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        return url
    if not found or not all(_is_public_address(info[4][0]) for info in found):
        raise AddressRefused(
            _(
                "The address's host %(host)s is a private, local or reserved address: webhooks go to public "
                "addresses only.",
                host=parts.hostname,
            ),
            field="url",
        )
    return url


# --- registration ---------------------------------------------------------------------------------------------------


def create_webhook(
    actor: User, organization: Organization, url: str, events: set[WebhookEvent], scope: WebhookScope
) -> tuple[Webhook, str]:
    """A new hook and its secret (to be shown once); the caller commits."""
    if not events:
        raise DomainError(_("Choose at least one event."), field="events")
    active = db.session.scalar(
        select(db.func.count(Webhook.id)).where(
            Webhook.organization_id == organization.id, Webhook.disabled_at.is_(None)
        )
    )
    if active >= MAX_ACTIVE_WEBHOOKS:
        raise DomainError(
            _("An organization has at most %(most)d active webhooks: disable one first.", most=MAX_ACTIVE_WEBHOOKS)
        )
    url = check_url(url)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook = Webhook(
        organization_id=organization.id,
        url=url,
        events=" ".join(sorted(event.value for event in events)),
        scope=scope.value,
        secret=secret,
        created_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(webhook)
    db.session.flush()
    audit.record(
        "api.webhook_created",
        actor_id=actor.id,
        object_type="organization",
        object_id=organization.id,
        webhook=webhook.id,
        url=url,
        events=webhook.events,
        scope=webhook.scope,
    )
    return webhook, secret


def disable_webhook(actor: User, webhook: Webhook) -> None:
    """Stop the hook; what it still had to deliver is given up."""
    if webhook.disabled_at is not None:
        raise DomainError(_("This webhook is disabled already."))
    now = clock.now()
    webhook.disabled_at = now
    db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook.id,
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
        )
        .values(failed_at=now, last_error="webhook disabled")
        .execution_options(synchronize_session=False)
    )
    audit.record(
        "api.webhook_disabled",
        actor_id=actor.id,
        object_type="organization",
        object_id=webhook.organization_id,
        webhook=webhook.id,
    )


def webhooks_of(organization: Organization) -> list[Webhook]:
    return list(
        db.session.scalars(
            select(Webhook)
            .options(selectinload(Webhook.created_by))
            .where(Webhook.organization_id == organization.id)
            .order_by(Webhook.created_at.desc(), Webhook.id.desc())
        )
    )


def deliveries_query(webhook: Webhook):
    """The hook's deliveries, newest first."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    )


# --- queueing -------------------------------------------------------------------------------------------------------


def queue(event: WebhookEvent, owner_ids: Iterable[int], public: bool, payload: dict) -> int:
    """Add one delivery of payload per active hook that hears event: the hooks of the owner organizations (scope
    own or all) and, when public, every hook with scope all. In the caller's transaction; how many were queued."""
    owner_ids = sorted(set(owner_ids))
    reach = Webhook.organization_id.in_(owner_ids)
    if public:
        reach = reach | (Webhook.scope == WebhookScope.ALL.value)
    hooks = db.session.scalars(select(Webhook).where(Webhook.disabled_at.is_(None), reach)).all()
    now = clock.now()
    body = json.dumps({"event": event.value, "created_at": now.isoformat(), **payload}, ensure_ascii=False)
    queued = 0
    for hook in hooks:
        if event in hook.event_set:
            db.session.add(
                WebhookDelivery(
                    webhook_id=hook.id, event=event.value, payload=body, created_at=now, next_attempt_at=now
                )
            )
            queued += 1
    return queued


# --- signing --------------------------------------------------------------------------------------------------------


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The X-GOI-Signature of body sent at timestamp."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# A receiver may copy this function as it is (it needs only the standard library's hashlib and hmac).
def verify_signature(secret: str, header: str, body: bytes, now: float, tolerance: int = 300) -> bool:
    """Whether header (X-GOI-Signature) signs body with secret, made at most tolerance seconds from now."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        signature = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


# --- delivery -------------------------------------------------------------------------------------------------------


def _post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """The status code and the start of the answer's body; OSError when no answer came.

    http.client rather than urllib.request: it follows no redirect (which could lead to an address the rule
    refuses: a 3xx answer is an answer, not a delivery) and sends the headers' names as written."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read(RESPONSE_KEPT * 4).decode("utf-8", "replace")[:RESPONSE_KEPT]
    finally:
        connection.close()


def _claim_due(limit: int, now: datetime) -> list[tuple[int, str, str, str, str]]:
    """(delivery id, event, payload, url, secret) of the due deliveries, claimed for this run and committed."""
    rows = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.event, WebhookDelivery.payload, Webhook.url, Webhook.secret)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
            WebhookDelivery.next_attempt_at <= now,
            Webhook.disabled_at.is_(None),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).all()
    if rows:
        db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_([row[0] for row in rows]))
            .values(next_attempt_at=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return [tuple(row) for row in rows]


def _send(delivery_id: int, event: str, payload: str, url: str, secret: str) -> tuple[int | None, str | None, str]:
    """(status code, start of the answer, error) of one attempt."""
    try:
        check_url(url)
    except AddressRefused as error:
        return None, None, f"refused: {error.message}"
    body = payload.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-GOI-Event": event,
        "X-GOI-Delivery": str(delivery_id),
        "X-GOI-Timestamp": str(timestamp),
        "X-GOI-Signature": signature_header(secret, timestamp, body),
    }
    try:
        status, text = _post(url, headers, body)
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, None, f"{type(error).__name__}: {error}"
    return status, text, "" if 200 <= status < 300 else f"HTTP {status}"


def deliver_due(limit: int = 100) -> tuple[int, int]:
    """Send the due deliveries, each result committed as it comes. Returns (delivered, failed attempts)."""
    delivered = failed = 0
    for delivery_id, event, payload, url, secret in _claim_due(limit, clock.now()):
        status, text, error = _send(delivery_id, event, payload, url, secret)
        delivery = db.session.get(WebhookDelivery, delivery_id)
        now = clock.now()
        delivery.attempts += 1
        delivery.last_status_code = status
        delivery.last_response = text
        delivery.last_error = error[:500] or None
        if not error:
            delivery.delivered_at = now
            delivered += 1
        else:
            failed += 1
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.failed_at = now
            else:
                delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
        db.session.commit()
    return delivered, failed
