"""The search outbox: one row per change to a searchable object, written in the transaction of the change."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from goi.core import clock
from goi.core.types import UTCDateTime
from goi.extensions import db


class SearchOutbox(db.Model):
    """A document to (re)index or remove; indexed_at is set once the index has it."""

    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_pending", "indexed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    indexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SearchOutbox {self.id} {self.doc_type}:{self.object_id} {'done' if self.indexed_at else 'pending'}>"
