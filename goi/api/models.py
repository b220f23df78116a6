"""API tokens: an organization's keys for its own systems, stored as hashes, each with scopes and an expiry."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
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
