"""Published results: the owner's public account of a decided challenge and the proposals it names."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.challenges.models import Challenge, Criterion
from goi.core import clock
from goi.core.types import UTCDateTime, string_enum
from goi.extensions import db
from goi.proposals.models import Proposal


class AwardLabel(enum.StrEnum):
    WINNER = "winner"
    RUNNER_UP = "runner_up"
    HONOURABLE_MENTION = "honourable_mention"
    SHORTLISTED = "shortlisted"


class ChallengeResult(db.Model):
    """The results of one challenge, published once and public from then on."""

    __tablename__ = "challenge_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    summary_source: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    challenge: Mapped[Challenge] = relationship()
    published_by: Mapped[User | None] = relationship()
    entries: Mapped[list["ResultEntry"]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="ResultEntry.position"
    )


class ResultEntry(db.Model):
    """One proposal named in the results, with its award and the jury's citation."""

    __tablename__ = "result_entries"
    __table_args__ = (UniqueConstraint("result_id", "proposal_id", name="uq_result_entries_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("challenge_results.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    award: Mapped[AwardLabel] = mapped_column(string_enum(AwardLabel, "award_label", length=24))
    position: Mapped[int]
    citation: Mapped[str] = mapped_column(Text, default="")

    result: Mapped[ChallengeResult] = relationship(back_populates="entries")
    proposal: Mapped[Proposal] = relationship()


# --- The review before the results: panel, rounds, conflicts, assignments, reviews, discussion -------------------


class Blindness(enum.StrEnum):
    OPEN = "open"
    SINGLE_BLIND = "single_blind"


class ReviewSettings(db.Model):
    """How a challenge is reviewed: blindness, when a proposal is ranked, what proposers are told."""

    __tablename__ = "review_settings"

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    blindness: Mapped[Blindness] = mapped_column(string_enum(Blindness, "blindness"), default=Blindness.OPEN)
    min_reviews: Mapped[int] = mapped_column(default=2)
    # Weighted scores (0-100) of one proposal further apart than this (max - min) are flagged for discussion.
    disagreement_spread: Mapped[int] = mapped_column(default=25)
    share_comments: Mapped[bool] = mapped_column(Boolean, default=False)

    challenge: Mapped[Challenge] = relationship()


class PanelRole(enum.StrEnum):
    REVIEWER = "reviewer"
    CHAIR = "chair"


class PanelStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PanelMember(db.Model):
    """A person invited by email to review a challenge's proposals; a chair sees everything but conflicts."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("challenge_id", "email", name="uq_panel_members_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[PanelRole] = mapped_column(string_enum(PanelRole, "panel_role"), default=PanelRole.REVIEWER)
    max_load: Mapped[int | None]
    status: Mapped[PanelStatus] = mapped_column(string_enum(PanelStatus, "panel_status"), default=PanelStatus.INVITED)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class ReviewRound(db.Model):
    """One of up to three rounds (screening, full review, pitch), each with its deadline and ranking."""

    __tablename__ = "review_rounds"
    __table_args__ = (UniqueConstraint("challenge_id", "number", name="uq_review_rounds_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reviews_per_proposal: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()


class RoundProposal(db.Model):
    """A proposal taken into a round: every submitted one into the first, the shortlist into the next."""

    __tablename__ = "round_proposals"
    __table_args__ = (UniqueConstraint("round_id", "proposal_id", name="uq_round_proposals"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    round: Mapped[ReviewRound] = relationship()
    proposal: Mapped[Proposal] = relationship()


class ConflictSource(enum.StrEnum):
    DETECTED = "detected"
    DECLARED = "declared"  # by the reviewer
    SET = "set"  # by an owner or a chair


class ConflictKind(enum.StrEnum):
    TEAM_MEMBER = "team_member"
    ORGANIZATION = "organization"
    EMAIL_DOMAIN = "email_domain"
    CO_OWNER = "co_owner"
    EMPLOYMENT = "employment"
    COLLABORATION = "collaboration"
    PERSONAL = "personal"
    FINANCIAL = "financial"
    OTHER = "other"


class Conflict(db.Model):
    """A reason a person may not review a proposal; cleared ones are kept with who cleared them and why."""

    __tablename__ = "review_conflicts"
    __table_args__ = (Index("ix_review_conflicts_user_proposal", "user_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[ConflictSource] = mapped_column(string_enum(ConflictSource, "conflict_source"))
    kind: Mapped[ConflictKind] = mapped_column(string_enum(ConflictKind, "conflict_kind"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    clear_reason: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    DECLINED = "declined"


class Assignment(db.Model):
    """A panel member asked to review one proposal in one round."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("round_id", "proposal_id", "member_id", name="uq_review_assignments"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        string_enum(AssignmentStatus, "assignment_status"), default=AssignmentStatus.ASSIGNED
    )
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[ReviewRound] = relationship()
    proposal: Mapped[Proposal] = relationship()
    member: Mapped[PanelMember] = relationship()
    review: Mapped["Review | None"] = relationship(back_populates="assignment", uselist=False)


class Recommendation(enum.StrEnum):
    STRONG_ACCEPT = "strong_accept"
    ACCEPT = "accept"
    WEAK_ACCEPT = "weak_accept"
    WEAK_REJECT = "weak_reject"
    REJECT = "reject"


class ReviewStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Review(db.Model):
    """An assignment's review: a score and comment per criterion, a recommendation, a confidence, a panel note."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReviewStatus] = mapped_column(string_enum(ReviewStatus, "review_status"), default=ReviewStatus.DRAFT)
    recommendation: Mapped[Recommendation | None] = mapped_column(string_enum(Recommendation, "recommendation"))
    confidence: Mapped[int | None]
    panel_note: Mapped[str] = mapped_column(Text, default="")
    # The criteria's scores weighted by their weights, on 0-100; set when the review is submitted.
    weighted_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    scores: Mapped[list["CriterionScore"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="CriterionScore.criterion_id"
    )


class CriterionScore(db.Model):
    """One criterion's score (on the challenge's scale) and comment in a review."""

    __tablename__ = "review_criterion_scores"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id", name="uq_review_criterion_scores"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ReviewChange(db.Model):
    """Every change to a review, old and new value, who and when; chairs read them."""

    __tablename__ = "review_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")


class DiscussionPost(db.Model):
    """A message in the panel's discussion of one proposal; never shown to proposers or conflicted members."""

    __tablename__ = "review_discussion_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped[User | None] = relationship()
