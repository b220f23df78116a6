"""Challenges and what hangs on them: owners, criteria, documents, addenda, questions, followers."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.core import clock
from goi.core.storage import StoredFileColumns
from goi.core.types import UTCDateTime, string_enum
from goi.extensions import db
from goi.orgs.models import Organization


class ChallengeStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    UNDER_REVIEW = "under_review"
    DECIDED = "decided"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


class ChallengeOutcome(enum.StrEnum):
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


class SolverKind(enum.StrEnum):
    INDUSTRY = "industry"
    ACADEMIA = "academia"
    COMMUNITY = "community"
    CITIZEN = "citizen"
    INVESTOR = "investor"


class BudgetKind(enum.StrEnum):
    BUDGET = "budget"
    PRIZE = "prize"


class Challenge(db.Model):
    """A problem a government publishes for solvers, with its rules and timeline."""

    __tablename__ = "challenges"
    __table_args__ = (
        Index("ix_challenges_status_closes_at", "status", "closes_at"),
        Index("ix_challenges_status_published_at", "status", "published_at"),
        # A list filtered by sector, province or metropolitan area counts and pages from one index range (at
        # 10,000 challenges: a sector's count 0.24 ms against 2.5 ms with the sector alone).
        Index("ix_challenges_sector_status_closes_at", "sector", "status", "closes_at"),
        Index("ix_challenges_province_status_closes_at", "province_code", "status", "closes_at"),
        Index("ix_challenges_metro_status_closes_at", "metro_code", "status", "closes_at"),
        # An owner's challenges: counted per state and paged by creation from the index alone (my challenges).
        Index("ix_challenges_owner_status_created_at", "owner_org_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    problem_source: Mapped[str] = mapped_column(Text, default="")
    problem_html: Mapped[str] = mapped_column(Text, default="")
    context_source: Mapped[str] = mapped_column(Text, default="")
    context_html: Mapped[str] = mapped_column(Text, default="")
    outcomes_source: Mapped[str] = mapped_column(Text, default="")
    outcomes_html: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[str] = mapped_column(String(32))
    dimension: Mapped[str | None] = mapped_column(String(32), index=True)
    sdg_numbers: Mapped[str] = mapped_column(String(64), default="")
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(5), index=True)
    metro_code: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(32), default="Asia/Jakarta")
    budget_kind: Mapped[BudgetKind] = mapped_column(string_enum(BudgetKind, "budget_kind"), default=BudgetKind.BUDGET)
    budget_min: Mapped[int | None] = mapped_column(BigInteger, index=True)
    budget_max: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # A prize or award apart from the budget (a pilot contract, a sum for the winner); both optional.
    prize_amount: Mapped[int | None] = mapped_column(BigInteger)
    prize_description: Mapped[str | None] = mapped_column(String(160))
    trl: Mapped[int | None]
    allow_industry: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    allow_academia: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    allow_community: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    allow_citizen: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    allow_investor: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    consortium_required: Mapped[bool] = mapped_column(Boolean, default=False)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    review_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_scale: Mapped[int] = mapped_column(default=5)
    is_sealed: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[ChallengeStatus] = mapped_column(
        string_enum(ChallengeStatus, "challenge_status"), default=ChallengeStatus.DRAFT, index=True
    )
    outcome: Mapped[ChallengeOutcome | None] = mapped_column(string_enum(ChallengeOutcome, "challenge_outcome"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The cover image, an upload checked by content (JPEG, PNG or WebP) and served by challenges.cover.
    cover_stored_name: Mapped[str | None] = mapped_column(String(64))
    cover_file_type: Mapped[str | None] = mapped_column(String(8))
    cover_alt: Mapped[str | None] = mapped_column(String(200))

    owner_org: Mapped[Organization] = relationship(foreign_keys=[owner_org_id])
    co_owners: Mapped[list["ChallengeCoOwner"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="ChallengeCoOwner.id"
    )
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    documents: Mapped[list["ChallengeDocument"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="ChallengeDocument.id"
    )
    addenda: Mapped[list["Addendum"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Addendum.number"
    )

    @property
    def eligible_kinds(self) -> list[SolverKind]:
        return [kind for kind in SolverKind if getattr(self, f"allow_{kind.value}")]

    @property
    def sdg_list(self) -> list[int]:
        return [int(number) for number in self.sdg_numbers.split(",") if number]

    @property
    def is_accepting_proposals(self) -> bool:
        """Open for proposals now, by the server's clock."""
        now = clock.now()
        return self.status == ChallengeStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def deadline_passed(self) -> bool:
        return clock.now() >= self.closes_at

    def __repr__(self) -> str:
        return f"<Challenge {self.slug} {self.status}>"


def budget_amount():
    """The highest amount a challenge names (its maximum, else its minimum), -1 when it names none: never NULL, so
    that the challenges without an amount sort last alike on SQLite and PostgreSQL (which put NULLs at opposite ends).
    The -1 is a literal, not a parameter: only the very expression of the index below lets the database use it."""
    return func.coalesce(Challenge.budget_max, Challenge.budget_min, literal_column("-1"))


# The budget order and the "budget from" filter read one index range, in order; status is in the index so that the
# public condition and the count are answered from the index alone.
Index("ix_challenges_budget_order", budget_amount().desc(), Challenge.closes_at, Challenge.id, Challenge.status)


class ChallengeCoOwner(db.Model):
    """Another organization that owns a joint challenge (a metropolitan area's, for example)."""

    __tablename__ = "challenge_co_owners"
    __table_args__ = (UniqueConstraint("challenge_id", "organization_id", name="uq_challenge_co_owners_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)

    challenge: Mapped[Challenge] = relationship(back_populates="co_owners")
    organization: Mapped[Organization] = relationship()


class Criterion(db.Model):
    """One weighted evaluation criterion; a challenge's weights total 100."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int]

    challenge: Mapped[Challenge] = relationship(back_populates="criteria")


class ChallengeDocument(StoredFileColumns, db.Model):
    """A document attached to a challenge (terms of reference, data, maps)."""

    __tablename__ = "challenge_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)

    challenge: Mapped[Challenge] = relationship(back_populates="documents")


class Addendum(db.Model):
    """A numbered, published change to a challenge after publication."""

    __tablename__ = "addenda"
    __table_args__ = (UniqueConstraint("challenge_id", "number", name="uq_addenda_challenge_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    changes_json: Mapped[str] = mapped_column(Text, default="{}")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    challenge: Mapped[Challenge] = relationship(back_populates="addenda")


class Question(db.Model):
    """A clarification question; private to its asker until answered and published."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_challenge_public", "challenge_id", "is_public"),
        # The owners' reminder of questions waiting for an answer: unanswered ones by age.
        Index("ix_questions_answered_at_asked_at", "answered_at", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    answer_source: Mapped[str] = mapped_column(Text, default="")
    answer_html: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)

    challenge: Mapped[Challenge] = relationship()
    asker: Mapped[User] = relationship(foreign_keys=[asker_id])


class Follow(db.Model):
    """A user following a challenge for its announcements."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id", name="uq_follows_challenge_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ChallengeEvent(db.Model):
    """A state transition of a challenge, kept for its history."""

    __tablename__ = "challenge_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
