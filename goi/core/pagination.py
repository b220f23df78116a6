"""Page through a select() with a constant number of queries."""

from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select, func, select

from goi.extensions import db


@dataclass(slots=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def current_page_number() -> int:
    """The ?page= argument, 404 when it is not a positive integer."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(404)
    return int(raw)


def count_query(query: Select) -> Select:
    """The rows of query, counted without reading them: SELECT count(*) over its FROM and WHERE, no ORDER BY.

    The database answers it from an index of the filtered columns, where counting a subquery of every selected
    column reads each row. A query with DISTINCT or GROUP BY is counted as a subquery (its rows are groups).
    """
    if query._distinct or query._group_by_clauses:
        return select(func.count()).select_from(query.order_by(None).subquery())
    return query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


def paginate(query: Select, per_page: int = 20, page: int | None = None) -> Page:
    """One count query and one page query, whatever the number of rows."""
    page = page or current_page_number()
    total = db.session.scalar(count_query(query)) or 0
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    if page > 1 and not items:
        abort(404)
    return Page(items=items, page=page, per_page=per_page, total=total)
