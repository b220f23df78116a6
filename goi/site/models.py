"""The content version: one counter raised by every change that public pages show."""

from sqlalchemy import DDL, BigInteger, event, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from goi.extensions import db

CONTENT_VERSION_ROW = 1  # the id of the one row (the DDL below and the migration insert it)


class ContentVersion(db.Model):
    """The single row whose counter the page cache compares its entries with."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


# The row exists from the table's creation on (the migration inserts it too), so raising it is always an UPDATE.
event.listen(
    ContentVersion.__table__,
    "after_create",
    DDL("INSERT INTO content_version (id, counter) VALUES (1, 0)"),
)


def raise_content_version(executor: Connection | Session) -> None:
    """Raise the counter in the caller's transaction: once it commits, every page cached before is stale."""
    table = ContentVersion.__table__
    executor.execute(update(table).where(table.c.id == CONTENT_VERSION_ROW).values(counter=table.c.counter + 1))
