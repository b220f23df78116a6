"""Organizations, their members, invitations and verification requests."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from goi.accounts.models import MatchingProfile, User
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


class Organization(MatchingProfile, db.Model):
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
    # The matching profile (issue 12): expertise and what the organization seeks (comma-separated keywords), its
    # sectors (codes), the provinces (2-digit codes) and kabupaten/kota (5-digit codes) it serves, the TRL of its
    # solutions and its working languages.
    expertise: Mapped[str] = mapped_column(String(500), default="")
    seeking: Mapped[str] = mapped_column(String(500), default="")
    sectors: Mapped[str] = mapped_column(String(300), default="")
    regions_served: Mapped[str] = mapped_column(String(1000), default="")
    trl: Mapped[int | None] = mapped_column()
    languages: Mapped[str] = mapped_column(String(120), default="id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    # Raised by every change of the row or of its past projects: the matching's cache reloads what changed since.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now, index=True)
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


class MembershipPeriod(db.Model):
    """When a user was a member of an organization, kept after they leave: conflicts of interest look back two years.

    Written by the session itself (below) whenever a membership is added or removed, however it is added.
    """

    __tablename__ = "membership_periods"
    __table_args__ = (Index("ix_membership_periods_user_org", "user_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    user: Mapped[User] = relationship()


@event.listens_for(Session, "before_flush")
def _record_membership_periods(session, _flush_context, _instances) -> None:
    for membership in [obj for obj in session.new if isinstance(obj, Membership)]:
        period = MembershipPeriod(joined_at=membership.created_at or clock.now())
        if membership.organization is not None:
            period.organization = membership.organization
        else:
            period.organization_id = membership.organization_id
        if membership.user is not None:
            period.user = membership.user
        else:
            period.user_id = membership.user_id
        session.add(period)
    for membership in [obj for obj in session.deleted if isinstance(obj, Membership)]:
        session.execute(
            update(MembershipPeriod)
            .where(
                MembershipPeriod.organization_id == membership.organization_id,
                MembershipPeriod.user_id == membership.user_id,
                MembershipPeriod.left_at.is_(None),
            )
            .values(left_at=clock.now())
        )


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


class PastProject(db.Model):
    """A past project or solution on a user's or an organization's profile: evidence for matching if they say so."""

    __tablename__ = "past_projects"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) <> (user_id IS NULL)", name="past_project_has_one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column()
    client: Mapped[str] = mapped_column(String(160), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    # The owner decides which evidence the matching reads.
    counts_for_matching: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organization: Mapped[Organization | None] = relationship()
    user: Mapped[User | None] = relationship()


class OfferKind(enum.StrEnum):
    TECHNOLOGY_OFFER = "technology_offer"
    TECHNOLOGY_REQUEST = "technology_request"
    PARTNERSHIP_REQUEST = "partnership_request"
    INVESTMENT_OFFER = "investment_offer"


class Offer(db.Model):
    """An organization's offer or request on the marketplace, public by default, until its expiry date."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_public_expires_on", "is_public", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[OfferKind] = mapped_column(string_enum(OfferKind, "offer_kind", length=24), index=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[str | None] = mapped_column(String(32), index=True)
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    regency_code: Mapped[str | None] = mapped_column(String(5))
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()


@event.listens_for(Session, "before_flush")
def _touch_owners_of_past_projects(session, _flush_context, _instances) -> None:
    """A past project added, changed or removed changes its owner's profile as matching reads it."""
    changed = [
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, PastProject) and (obj in session.new or obj in session.deleted or session.is_modified(obj))
    ]
    for project in changed:
        if project.organization_id is not None or project.organization is not None:
            owner_id = project.organization.id if project.organization is not None else project.organization_id
            if owner_id is not None:
                session.execute(update(Organization).where(Organization.id == owner_id).values(updated_at=clock.now()))
        else:
            owner_id = project.user.id if project.user is not None else project.user_id
            if owner_id is not None:
                session.execute(update(User).where(User.id == owner_id).values(updated_at=clock.now()))
