"""Published results: the owner's public account of a decided challenge and the proposals it names."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.challenges.models import Challenge
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
