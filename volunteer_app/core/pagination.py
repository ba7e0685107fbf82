"""One way to page a query, for pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app

from volunteer_app.extensions import db

T = TypeVar("T")
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_paging(page: int | None, per_page: int | None) -> tuple[int, int]:
    default = current_app.config["PER_PAGE_DEFAULT"]
    maximum = current_app.config["PER_PAGE_MAX"]
    page = min(max(1, page or 1), MAX_PAGE)  # a huge page number would overflow the database's OFFSET
    per_page = min(max(1, per_page or default), maximum)
    return page, per_page


def paginate(query: sa.Select, page: int | None = None, per_page: int | None = None) -> Page:
    page, per_page = clamp_paging(page, per_page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total or 0, page=page, per_page=per_page)
