"""The user account and its public profile."""

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from goi.core import clock
from goi.core.types import UTCDateTime
from goi.extensions import db

PASSWORD_METHOD = "scrypt"  # noqa: S105 (a hash method name, not a password)


def hash_password(password: str) -> str:
    """The stored form of a password (slow on purpose: run it outside a write transaction)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_METHOD) if has_app_context() else PASSWORD_METHOD
    return generate_password_hash(password, method=method)


def split_list(stored: str) -> list[str]:
    """The items of a comma-separated profile column, trimmed, without empty ones."""
    return [item.strip() for item in stored.split(",") if item.strip()]


class MatchingProfile:
    """The lists of a matching profile's comma-separated columns (expertise, seeking, sectors, regions_served,
    languages), for users and organizations alike."""

    @property
    def expertise_list(self) -> list[str]:
        return split_list(self.expertise)

    @property
    def seeking_list(self) -> list[str]:
        return split_list(self.seeking)

    @property
    def sector_list(self) -> list[str]:
        return split_list(self.sectors)

    @property
    def regions_served_list(self) -> list[str]:
        return split_list(self.regions_served)

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)


class User(UserMixin, MatchingProfile, db.Model):
    """A person with a login; the profile is shown publicly only when they choose."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Raised by every change of the row or of its past projects: the matching's cache reloads what changed since.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now, index=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Raised whenever every existing session must end (logout, password change, disabling).
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str] = mapped_column(String(8), default="id")

    headline: Mapped[str] = mapped_column(String(160), default="")
    bio_source: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    expertise: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[str] = mapped_column(String(120), default="id")
    # The matching profile (issue 12): what the person seeks in partners, the sectors they work in (codes), the
    # provinces (2-digit codes) and kabupaten/kota (5-digit codes) they serve, the TRL of their solutions.
    seeking: Mapped[str] = mapped_column(String(500), default="")
    sectors: Mapped[str] = mapped_column(String(300), default="")
    regions_served: Mapped[str] = mapped_column(String(1000), default="")
    trl: Mapped[int | None] = mapped_column()
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    regency_code: Mapped[str | None] = mapped_column(String(5), index=True)
    is_public_profile: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        # The version travels in the session and remember cookie, so raising it ends them all.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
