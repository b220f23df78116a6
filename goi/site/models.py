"""The content version: one counter raised by every change that public pages show."""

from sqlalchemy import DDL, BigInteger, event
from sqlalchemy.orm import Mapped, mapped_column

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
