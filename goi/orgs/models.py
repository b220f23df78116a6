"""Organizations, their members, invitations and verification requests."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.core import clock
from goi.core.types import UTCDateTime, string_enum
from goi.extensions import db


class OrgKind(enum.StrEnum):
    GOVERNMENT = "government"
    INDUSTRY = "industry"
    ACADEMIA = "academia"
    COMMUNITY = "community"
    INVESTOR = "investor"


class GovernmentKind(enum.StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    CITY = "city"
    BUMD = "bumd"
    MINISTRY = "ministry"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class VerificationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Organization(db.Model):
    """A government, company, university, community or investor acting on the platform."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # The key of an organization in imported files (`flask goi import`).
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[OrgKind] = mapped_column(string_enum(OrgKind, "org_kind"), index=True)
    government_kind: Mapped[GovernmentKind | None] = mapped_column(string_enum(GovernmentKind, "government_kind"))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    regency_code: Mapped[str | None] = mapped_column(String(5), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @property
    def is_government(self) -> bool:
        return self.kind == OrgKind.GOVERNMENT

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Membership(db.Model):
    """A user's role in an organization."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id", name="uq_memberships_org_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(string_enum(MemberRole, "member_role"))
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def can_manage(self) -> bool:
        return self.role in (MemberRole.OWNER, MemberRole.ADMIN)


class Invitation(db.Model):
    """An emailed invitation to join an organization with a role."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_org_email", "organization_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[MemberRole] = mapped_column(string_enum(MemberRole, "member_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > clock.now()


class VerificationRequest(db.Model):
    """A government organization's request to be verified, with its official letter."""

    __tablename__ = "verification_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    official_email_domain: Mapped[str] = mapped_column(String(120))
    letter_stored_name: Mapped[str] = mapped_column(String(64))
    letter_filename: Mapped[str] = mapped_column(String(160))
    letter_size: Mapped[int]
    status: Mapped[VerificationStatus] = mapped_column(
        string_enum(VerificationStatus, "verification_status"), default=VerificationStatus.PENDING, index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
