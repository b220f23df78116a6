"""In-app notifications and each user's choice of channel per kind."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from goi.core import clock
from goi.core.types import UTCDateTime
from goi.extensions import db


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    BOTH = "both"
    DIGEST = "digest"


class Notification(db.Model):
    """One thing a user is told about; unread until they mark it read."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once a daily digest has carried it by email.
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deduplicates reminders: the same key is never sent twice to the same user.
    dedupe_key: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
    )


class NotificationPreference(db.Model):
    """How a user wants to hear about one kind of notification."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[Channel] = mapped_column(
        Enum(
            Channel,
            name="notification_channel",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
