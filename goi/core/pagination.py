"""Page through a select() with a constant number of queries."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import ColumnElement, Select, func, not_, select

from goi.extensions import db


@dataclass(slots=True)
class Page:
    """A page of rows. A page read by key knows its keys at once and reads its rows when they are first asked for:
    a list whose rows are drawn from a kept fragment (goi.site.page_cache.cached_fragment) never reads them."""

    page: int
    per_page: int
    total: int
    keys: list[Any] | None = None
    _items: list[Any] | None = None
    _load: Callable[[], list[Any]] | None = None

    @property
    def items(self) -> list[Any]:
        if self._items is None:
            self._items = self._load() if self._load is not None else []
            self._load = None
        return self._items

    @property
    def has_items(self) -> bool:
        return bool(self.keys) if self.keys is not None else bool(self.items)

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


def paginate(
    query: Select,
    per_page: int = 20,
    page: int | None = None,
    key=None,
    first: ColumnElement | None = None,
    total: int | None = None,
    ordered_keys: Select | None = None,
) -> Page:
    """One count query and one page query, whatever the number of rows.

    With key (the entity's primary key column), the page's keys are found first and its rows read after: the
    database then sorts only the sort columns and the keys of the matching rows, not whole rows with their long
    texts (a sorted challenge list at 10,000 challenges: 24 ms of SQLite against 5). One query more, still constant.

    With first (a condition that is never NULL; needs key), the rows meeting it come before the others, each part in
    the query's own order: the keys are read from each part with its own LIMIT and OFFSET, so an index on the order
    serves both, where ordering by the condition sorts every matching row. One count query gives the total and the
    size of the first part, and a part the page does not reach is not read: at most five statements.

    With total (the number of rows of query, which the caller has counted for something else anyway), the count
    query is not made. With ordered_keys (a select of the keys in the list's order; needs key and total), the page's
    keys come from it and query only reads their rows: for a list whose keys an index gives more cheaply than
    query's own filter would.
    """
    if ordered_keys is not None and (key is None or total is None):
        raise ValueError("ordered_keys= needs key= and total=")
    page = page or current_page_number()
    offset = (page - 1) * per_page
    if first is None:
        if total is None:
            total = db.session.scalar(count_query(query)) or 0
        window = (ordered_keys if ordered_keys is not None else query).limit(per_page).offset(offset)
        if key is None:
            items = list(db.session.scalars(window))
            if page > 1 and not items:
                abort(404)
            return Page(page=page, per_page=per_page, total=total or 0, _items=items)
        keys = list(db.session.scalars(window if ordered_keys is not None else _keys_of(window, key)))
    else:
        if key is None or query._distinct or query._group_by_clauses or total is not None or ordered_keys is not None:
            raise ValueError("first= pages a plain query by key, and counts it itself")
        # Two counts in one statement, each from its own index (the first part's is a range of the order's index),
        # rather than one scan that tests the condition row by row (0.6 against 1.0 ms at 9,000 open challenges).
        counts = select(count_query(query).scalar_subquery(), count_query(query.where(first)).scalar_subquery())
        total, first_total = db.session.execute(counts).one()
        # The count tells how much of the page each part fills: a part the page does not reach is not read.
        in_first = max(0, min(per_page, first_total - offset))
        in_rest = max(0, min(per_page - in_first, total - first_total - max(0, offset - first_total)))
        keys = []
        if in_first:
            keys += db.session.scalars(_keys_of(query.where(first), key).limit(in_first).offset(offset))
        if in_rest:
            rest = _keys_of(query.where(not_(first)), key).limit(in_rest).offset(max(0, offset - first_total))
            keys += db.session.scalars(rest)
    if page > 1 and not keys:
        abort(404)
    return Page(
        page=page,
        per_page=per_page,
        total=total or 0,
        keys=keys,
        _load=lambda: _rows_of(query, key, keys) if keys else [],
    )


def _keys_of(query: Select, key) -> Select:
    return query.with_only_columns(key, maintain_column_froms=True)


def _rows_of(query: Select, key, keys: list) -> list:
    """The rows of query with these keys, in the keys' order."""
    found = {getattr(item, key.key): item for item in db.session.scalars(query.where(key.in_(keys)).order_by(None))}
    return [found[value] for value in keys if value in found]
