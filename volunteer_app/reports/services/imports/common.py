"""What the checks of every kind share: a row's problems, the outcome of a check, progress, and the lookups a check
builds once (communities by name) instead of once per row."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core.errors import Errors, Invalid
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community
from volunteer_app.reports.services.imports.columns import Row, normalised

Progress = Callable[[int], None]  # told how many rows are done so far
CHUNK = 500  # rows per IN (...) lookup and per batch of inserts


@dataclass
class Checked:
    """What a check found: problems by row, and for the rows without any, what to write."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    good: list[tuple[Row, Any]] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.problems.append({"row": row, "column": column, "message": str(message)})

    def add_errors(self, row: int, errors: Errors, columns: dict[str, str]) -> None:
        """A service's field errors, each under the column that holds the field."""
        for name, messages in errors.items():
            for message in messages:
                self.add(row, columns.get(name, name if name != "_schema" else ""), message)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing(column: sa.ColumnElement, values: Iterable[Any]) -> set[Any]:
    """Which of the values are already in the column, a few queries for thousands of values."""
    wanted = sorted({v for v in values if v})
    found: set[Any] = set()
    for part in chunks(wanted):
        found.update(db.session.scalars(sa.select(column).where(column.in_(part))))
    return found


def community_lookup() -> dict[str, int]:
    """A community by its name, or by town and name ("里水镇 新兴社区") where two towns share a name."""
    communities = list(db.session.scalars(sa.select(Community).options(sa.orm.selectinload(Community.town))))
    by_name: dict[str, list[int]] = {}
    for community in communities:
        by_name.setdefault(normalised(community.name), []).append(community.id)
    lookup = {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}
    lookup.update({normalised(c.full_name): c.id for c in communities})
    return lookup


def community_names() -> list[str]:
    """The names a template's drop-down offers (town and name where a name is not unique)."""
    communities = list(
        db.session.scalars(sa.select(Community).options(sa.orm.selectinload(Community.town)).order_by(Community.name))
    )
    counts: dict[str, int] = {}
    for community in communities:
        counts[community.name] = counts.get(community.name, 0) + 1
    return [c.name if counts[c.name] == 1 else c.full_name for c in communities]


def unknown_community(cell: str) -> str:
    if not cell:
        return _("Give the community.")
    return _("There is no community called “%(name)s”. Choose one from the list.", name=cell)


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(cell: str) -> date | None:
    """2025-03-01, 2025/3/1 or 2025年3月1日; None when the cell holds something else."""
    match = _DATE.match(cell or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def bad_date() -> str:
    return _("Write the date as 2025-03-01.")


def trial(write: Callable[[], object]) -> Errors:
    """Runs a service's own write to learn what it refuses, then undoes it: a preview checks each row with exactly
    the rules of the page that adds one. Its field errors, or {} when it would have been written."""
    try:
        write()
    except Invalid as error:
        return error.errors
    finally:
        db.session.rollback()
    return {}
