"""A saved search: the filters of the challenge list a user keeps, to be told of new challenges that match them."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goi.accounts.models import User
from goi.core import clock
from goi.core.types import UTCDateTime
from goi.extensions import db


class SavedSearch(db.Model):
    """The validated filters of one search, each empty when not chosen; filters_key identifies the set of them.

    Matched by a scan when a challenge is published (publishing is rare and each user keeps at most a few
    searches), so the filter columns carry no index of their own; the user's list reads the unique index.
    """

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "filters_key", name="uq_saved_searches_user_filters"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    keywords: Mapped[str | None] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(32))
    province_code: Mapped[str | None] = mapped_column(String(2))
    metro_code: Mapped[str | None] = mapped_column(String(40))
    solver_kind: Mapped[str | None] = mapped_column(String(16))
    budget_min: Mapped[int | None] = mapped_column(BigInteger)
    budget_max: Mapped[int | None] = mapped_column(BigInteger)
    closes_within_days: Mapped[int | None]
    closes_from: Mapped[date | None] = mapped_column(Date)
    closes_until: Mapped[date | None] = mapped_column(Date)
    filters_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When its owner was last told of a challenge it matched.
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
