"""The SQL statements a block of code runs: to count them, to read what they touch, and to ask the database how it
runs one of them (which index gives a list its order)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from volunteer_app.extensions import db


@contextmanager
def _each_statement(record: Callable[[str, Any], None]) -> Iterator[None]:
    def before(conn, cursor, statement, parameters, context, executemany):
        record(statement, parameters)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


@contextmanager
def statements() -> Iterator[list[str]]:
    """The statements the block runs, in order."""
    seen: list[str] = []
    with _each_statement(lambda statement, parameters: seen.append(statement)):
        yield seen


def touching(seen: list[str], table: str) -> list[str]:
    """The statements that read `table` (FROM or JOIN it)."""
    return [s for s in seen if f"FROM {table}" in s or f"JOIN {table}" in s]


def query_plan(run: Callable[[], object], pick: Callable[[str], bool]) -> str:
    """How the database runs the first statement of `run()` that `pick` takes: EXPLAIN on PostgreSQL, EXPLAIN QUERY
    PLAN on SQLite, with the statement's own parameters."""
    seen: list[tuple[str, Any]] = []
    with _each_statement(lambda statement, parameters: seen.append((statement, parameters))):
        run()
    statement, parameters = next((s, p) for s, p in seen if pick(s))
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # A handful of test rows would be read by a sequential scan anyway: ask whether an index CAN serve the query.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
        connection.exec_driver_sql("RESET enable_seqscan")
        return plan
    return "\n".join(str(row) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
