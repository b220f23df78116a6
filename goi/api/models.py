"""API tokens (an organization's keys for its own systems, stored as hashes, each with scopes and an expiry) and
webhooks (the addresses an organization's systems are told of public events at, with their deliveries' outbox)."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.core import clock
from goi.core.types import UTCDateTime
from goi.extensions import db
from goi.orgs.models import Organization


class Scope(enum.StrEnum):
    READ = "read"
    CHALLENGES_WRITE = "challenges:write"
    PROPOSALS_WRITE = "proposals:write"


class ApiToken(db.Model):
    """A token acts for its organization within its scopes until it expires or is revoked; only its SHA-256 is kept
    (the secret is shown once, when it is made) and its first characters, to tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[str] = mapped_column(String(120))  # space-separated Scope values
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(value) for value in self.scopes.split())

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class WebhookEvent(enum.StrEnum):
    CHALLENGE_PUBLISHED = "challenge.published"
    CHALLENGE_ADDENDUM = "challenge.addendum"
    CHALLENGE_CLOSED = "challenge.closed"
    CHALLENGE_RESULTS_PUBLISHED = "challenge.results_published"
    PROPOSAL_RECEIVED = "proposal.received"


class WebhookScope(enum.StrEnum):
    OWN = "own"  # the challenges the organization owns or co-owns
    ALL = "all"  # every public challenge


class Webhook(db.Model):
    """An address told of the chosen events, each delivery signed with the hook's secret (shown once, when made)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[str] = mapped_column(String(200))  # space-separated WebhookEvent values
    scope: Mapped[str] = mapped_column(String(8))  # a WebhookScope value
    secret: Mapped[str] = mapped_column(String(80))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def event_set(self) -> frozenset[WebhookEvent]:
        return frozenset(WebhookEvent(value) for value in self.events.split())

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(db.Model):
    """One event for one hook: pending until delivered (a 2xx answer) or failed (after the last attempt)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The delivery command's lookup: pending deliveries (neither delivered nor failed) that are due.
        Index("ix_webhook_deliveries_due", "delivered_at", "failed_at", "next_attempt_at"),
        # A hook's page: its deliveries, newest first.
        Index("ix_webhook_deliveries_webhook_created_at", "webhook_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, sent as it is
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_response: Mapped[str | None] = mapped_column(Text)  # the first 2000 characters of the last answer
    last_error: Mapped[str | None] = mapped_column(String(500))

    webhook: Mapped[Webhook] = relationship()
