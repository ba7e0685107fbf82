"""One way to page a query, for pages and the API alike.

Two costs are kept to the page, not the table (issue #16):
- the total is counted up to PAGINATION_COUNT_CAP rows at most (`SELECT count(*) FROM (... LIMIT cap + 1)`); past
  the cap a Page says `total_exact=False` and its total is the cap ("more than 1,000");
- a list with a `Keyset` (its ORDER BY, ending in a unique column) can be read from a cursor, `after`, the sort key of
  the last row read, instead of an OFFSET that reads and throws away every row before the page. Page numbers keep
  working next to it.
Whether a next page exists comes from one extra row read with the page, never from the count.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import datetime
from math import ceil
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from volunteer_app.core.errors import Invalid
from volunteer_app.core.ids import MAX_ID
from volunteer_app.core.time import as_utc
from volunteer_app.extensions import db

T = TypeVar("T")
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int | None  # None when the page was read from a cursor
    per_page: int
    total_exact: bool = True  # False: more than `total` rows match (the count stopped at the cap)
    more: bool | None = None  # whether rows follow this page; None: judge by the total
    next_after: str | None = None  # the cursor of the page after this one (lists with a Keyset)

    def with_items(self, items: list) -> Page:
        """This page holding `items` instead (its rows made into what a list shows), the same in every other way:
        its total, whether it is exact, what follows."""
        return replace(self, items=items)

    @property
    def pages(self) -> int:
        counted = max(1, ceil(self.total / self.per_page))
        return counted if self.total_exact else max(counted, (self.page or 1) + int(self.has_next))

    @property
    def has_prev(self) -> bool:
        return (self.page or 1) > 1

    @property
    def has_next(self) -> bool:
        if self.more is not None:
            return self.more
        return (self.page or 1) < max(1, ceil(self.total / self.per_page))


@dataclass(frozen=True)
class Keyset:
    """A list's order as keyset paging needs it: mapped attributes, the last one unique (an id) so every row has its
    own key. Only the first may hold NULL, sorted last (as `ORDER BY starts_at NULLS LAST, id`); all ascending unless
    `descending` names them."""

    columns: tuple[Any, ...]
    descending: frozenset[str] = frozenset()
    nullable_first: bool = False

    def order_by(self) -> list:
        order = []
        for n, column in enumerate(self.columns):
            term = column.desc() if column.key in self.descending else column.asc()
            order.append(term.nulls_last() if n == 0 and self.nullable_first else term)
        return order

    def values_of(self, row: object) -> list:
        return [getattr(row, column.key) for column in self.columns]

    def after(self, values: list) -> sa.ColumnElement[bool]:
        """Rows after the key `values`: `c1 >= v1 AND (c1 > v1 OR c1 = v1 AND c2 > v2 ...)`, whose first term bounds
        an index range; a row whose leading key is NULL comes after every other (NULLS LAST)."""
        first, *_rest = self.columns
        if values[0] is None:  # already among the rows without a leading key: only their order by the rest remains
            return sa.and_(first.is_(None), self._beyond(self.columns[1:], values[1:]))
        bound = (first <= values[0]) if first.key in self.descending else (first >= values[0])
        return sa.and_(bound, self._beyond(self.columns, values))

    def _beyond(self, columns: tuple, values: list) -> sa.ColumnElement[bool]:
        column, value = columns[0], values[0]
        past = (column < value) if column.key in self.descending else (column > value)
        if len(columns) == 1:
            return past
        return sa.or_(past, sa.and_(column == value, self._beyond(columns[1:], values[1:])))

    def encode(self, values: list) -> str:
        plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
        return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> list:
        """The key a cursor holds, each value of its column's kind; anything else is a field error on `after`."""
        try:
            plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(plain, list) or len(plain) != len(self.columns):
                raise ValueError
            values = [self._value(column, value) for column, value in zip(self.columns, plain, strict=True)]
            if values[-1] is None or (None in values[1:]) or (values[0] is None and not self.nullable_first):
                raise ValueError
            return values
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
            raise Invalid(
                _("Not a cursor of this list: pass the `next` value of an answer unchanged."), field="after"
            ) from None

    @staticmethod
    def _value(column: Any, value: object) -> object:
        if value is None:
            return None
        kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator's (UTCDateTime) is its impl's
        if kind is datetime:
            if not (isinstance(value, dict) and isinstance(value.get("t"), str)):
                raise ValueError
            return as_utc(datetime.fromisoformat(value["t"]))
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or not -MAX_ID <= value <= MAX_ID:
                raise ValueError
            return value
        if not isinstance(value, kind):
            raise ValueError
        return value


def clamp_paging(page: int | None, per_page: int | None) -> tuple[int, int]:
    default = current_app.config["PER_PAGE_DEFAULT"]
    maximum = current_app.config["PER_PAGE_MAX"]
    page = min(max(1, page or 1), MAX_PAGE)  # a huge page number would overflow the database's OFFSET
    per_page = min(max(1, per_page or default), maximum)
    return page, per_page


def capped_count(query: sa.Select, cap: int | None = None) -> tuple[int, bool]:
    """How many rows `query` gives, counting at most `cap` + 1 of them: (the count or the cap, whether exact)."""
    cap = current_app.config["PAGINATION_COUNT_CAP"] if cap is None else cap
    limited = _keys_only(query).order_by(None).limit(cap + 1).subquery()
    found = db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0
    return (found, True) if found <= cap else (cap, False)


def _keys_only(query: sa.Select) -> sa.Select:
    """`query` selecting only its entity's primary key: counting its rows needs nothing more, and the subquery of a
    wide table's every column would be read (and, on SQLite, copied) for up to `cap` rows. A DISTINCT stays right, rows
    of an entity being distinct by their key. A query of plain columns is counted as it is."""
    lead = query.column_descriptions[0]
    entity = lead.get("entity")
    if entity is None or lead.get("expr") is not entity:
        return query
    return query.with_only_columns(*sa.inspect(entity).primary_key, maintain_column_froms=True)


def paginate(
    query: sa.Select,
    page: int | None = None,
    per_page: int | None = None,
    *,
    keyset: Keyset | None = None,
    after: str | None = None,
) -> Page:
    """A page of `query` by number, or with a `keyset` (which then gives the ORDER BY) the rows after the cursor
    `after`. The count is capped and skipped when the first page holds every row."""
    page, per_page = clamp_paging(page, per_page)
    counted = query
    if keyset is not None:
        query = query.order_by(None).order_by(*keyset.order_by())
    if keyset is not None and after:
        rows = _rows_after(query, keyset, keyset.decode(after), per_page + 1)
        page = None
    else:
        rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    more = len(rows) > per_page
    items = rows[:per_page]
    if page == 1 and not more:
        total, exact = len(items), True
    else:
        total, exact = capped_count(counted)
    next_after = keyset.encode(keyset.values_of(items[-1])) if keyset is not None and more else None
    return Page(items, total, page, per_page, total_exact=exact, more=more, next_after=next_after)


def _rows_after(query: sa.Select, keyset: Keyset, values: list, limit: int) -> list:
    """The rows after `values`. With a nullable leading key the rows that have one are read first, from an index range,
    and only if they run out the rows without one: an `OR IS NULL` in one query would lose the range."""
    if not keyset.nullable_first or values[0] is None:
        return list(db.session.scalars(query.where(keyset.after(values)).limit(limit)))
    first = keyset.columns[0]
    rows = list(db.session.scalars(query.where(first.is_not(None), keyset.after(values)).limit(limit)))
    if len(rows) < limit:
        rows += db.session.scalars(query.where(first.is_(None)).limit(limit - len(rows)))
    return rows
