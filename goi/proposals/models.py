"""Proposals, their teams, criterion sections, attachments and submitted versions."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.challenges.models import Challenge, Criterion
from goi.core import clock
from goi.core.storage import StoredFileColumns
from goi.core.types import UTCDateTime, string_enum
from goi.extensions import db
from goi.orgs.models import Organization


class ProposalStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class TeamRole(enum.StrEnum):
    LEAD = "lead"
    PARTNER = "partner"


class TeamMemberStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Proposal(db.Model):
    """A team's proposal for a challenge; one active proposal per team and challenge."""

    __tablename__ = "proposals"
    __table_args__ = (
        # The database, not only the form, keeps one active (not withdrawn) proposal per team and challenge.
        Index(
            "uq_proposals_active_team",
            "challenge_id",
            "team_key",
            unique=True,
            sqlite_where=text("status != 'withdrawn'"),
            postgresql_where=text("status != 'withdrawn'"),
        ),
        Index("ix_proposals_challenge_status", "challenge_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    lead_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # "org:<id>" when submitted for an organization, "user:<id>" when alone.
    team_key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    approach_source: Mapped[str] = mapped_column(Text, default="")
    approach_html: Mapped[str] = mapped_column(Text, default="")
    workplan_source: Mapped[str] = mapped_column(Text, default="")
    workplan_html: Mapped[str] = mapped_column(Text, default="")
    team_roles: Mapped[str] = mapped_column(Text, default="")
    budget_estimate: Mapped[int | None] = mapped_column(BigInteger)
    trl: Mapped[int | None]
    status: Mapped[ProposalStatus] = mapped_column(
        string_enum(ProposalStatus, "proposal_status"), default=ProposalStatus.DRAFT, index=True
    )
    version: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    challenge: Mapped[Challenge] = relationship()
    lead_user: Mapped[User] = relationship(foreign_keys=[lead_user_id])
    organization: Mapped[Organization | None] = relationship()
    sections: Mapped[list["ProposalSection"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalSection.id"
    )
    members: Mapped[list["TeamMember"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    attachments: Mapped[list["ProposalAttachment"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalAttachment.id"
    )
    versions: Mapped[list["ProposalVersion"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalVersion.version"
    )

    @property
    def team_name(self) -> str:
        """The organization the proposal was submitted for, else its lead's name."""
        return self.organization.name if self.organization else self.lead_user.name


class ProposalSection(db.Model):
    """The proposal's answer to one of the challenge's criteria."""

    __tablename__ = "proposal_sections"
    __table_args__ = (UniqueConstraint("proposal_id", "criterion_id", name="uq_proposal_sections_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="sections")
    criterion: Mapped[Criterion] = relationship()


class TeamMember(db.Model):
    """The lead or a partner of a proposal's team (consortium); partners accept an emailed invitation."""

    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("proposal_id", "email", name="uq_team_members_proposal_email"),
        # The invitations waiting for an address, which the invitee's dashboard reads on every visit.
        Index("ix_team_members_email_status", "email", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[TeamRole] = mapped_column(string_enum(TeamRole, "team_role"))
    responsibility: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[TeamMemberStatus] = mapped_column(string_enum(TeamMemberStatus, "team_member_status"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class ProposalAttachment(StoredFileColumns, db.Model):
    """A file attached to a proposal, downloadable only by those who may see the proposal."""

    __tablename__ = "proposal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")


class ProposalVersion(db.Model):
    """A frozen copy of what was submitted, with its receipt hash."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "version", name="uq_proposal_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content_json: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))

    proposal: Mapped[Proposal] = relationship(back_populates="versions")
