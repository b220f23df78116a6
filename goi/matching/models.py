"""What matchmaking stores: dismissed suggestions, invitations to apply and to co-own, introductions and blocks."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.challenges.models import Challenge
from goi.core import clock
from goi.core.types import UTCDateTime, string_enum
from goi.extensions import db
from goi.orgs.models import Organization


class Dismissal(db.Model):
    """A suggestion a user dismissed: it never comes back to them in that list.

    `kind` names the list (challenge, solver, partner, reviewer, similar), `target` what was suggested
    ("challenge:5", "organization:3", "user:7") and `context` what the list was for ("challenge:9", or "").
    """

    __tablename__ = "dismissals"
    __table_args__ = (UniqueConstraint("user_id", "kind", "context", "target", name="uq_dismissals_user_suggestion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    context: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ApplyInvitation(db.Model):
    """A challenge owner's invitation to an organization or a person to apply; sent once, declinable."""

    __tablename__ = "apply_invitations"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) <> (user_id IS NULL)", name="apply_invitation_has_one_recipient"),
        UniqueConstraint("challenge_id", "organization_id", name="uq_apply_invitations_challenge_org"),
        UniqueConstraint("challenge_id", "user_id", name="uq_apply_invitations_challenge_user"),
        Index("ix_apply_invitations_invited_by_created_at", "invited_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    organization: Mapped[Organization | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class CoOwnInvitation(db.Model):
    """An owner's invitation to the government of a similar challenge to co-own theirs."""

    __tablename__ = "co_own_invitations"
    __table_args__ = (UniqueConstraint("challenge_id", "organization_id", name="uq_co_own_invitations_challenge_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    # The invited organization's challenge that made them similar, when there is one.
    similar_challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InvitationStatus] = mapped_column(
        string_enum(InvitationStatus, "co_own_invitation_status"), default=InvitationStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship(foreign_keys=[challenge_id])
    similar_challenge: Mapped[Challenge | None] = relationship(foreign_keys=[similar_challenge_id])
    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class IntroductionStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Introduction(db.Model):
    """A user's request to be introduced to a user or an organization, with a message and a context.

    A pending request past `expires_at` (14 days) counts as expired; the status column is not rewritten for it.
    """

    __tablename__ = "introductions"
    __table_args__ = (
        CheckConstraint(
            "(recipient_user_id IS NULL) <> (recipient_organization_id IS NULL)",
            name="introduction_has_one_recipient",
        ),
        Index("ix_introductions_requester_created_at", "requester_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text)
    # What the request is about: "challenge", "offer" or "suggestion", with the id of that record.
    context_kind: Mapped[str | None] = mapped_column(String(16))
    context_id: Mapped[int | None] = mapped_column()
    status: Mapped[IntroductionStatus] = mapped_column(
        string_enum(IntroductionStatus, "introduction_status"), default=IntroductionStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    recipient_user: Mapped[User | None] = relationship(foreign_keys=[recipient_user_id])
    recipient_organization: Mapped[Organization | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def is_expired(self) -> bool:
        return self.status == IntroductionStatus.PENDING and self.expires_at <= clock.now()


class IntroductionMessage(db.Model):
    """A message in the thread of an accepted introduction."""

    __tablename__ = "introduction_messages"
    __table_args__ = (Index("ix_introduction_messages_introduction_created_at", "introduction_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introductions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped[User | None] = relationship()


class UserBlock(db.Model):
    """A user who blocked another: the blocked one can no longer ask them for an introduction or write to them."""

    __tablename__ = "user_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id", name="uq_user_blocks_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
