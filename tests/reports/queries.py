"""The SQL statements a block of code runs, to count them and to read what they touch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from volunteer_app.extensions import db


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


def touching(seen: list[str], table: str) -> list[str]:
    """The statements that read `table` (FROM or JOIN it)."""
    return [s for s in seen if f"FROM {table}" in s or f"JOIN {table}" in s]
