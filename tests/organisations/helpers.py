"""What the registry's service tests share: counting rows, reading the audit log, a minor's ID number."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from tests.organisations.conftest import make_id_number
from volunteer_app.core import time as clock
from volunteer_app.core.audit import AuditEntry
from volunteer_app.extensions import db


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_text() -> str:
    return " ".join(f"{e.reason} {e.detail}" for e in db.session.scalars(sa.select(AuditEntry)))


def minor_id(today: date | None = None) -> str:
    today = today or clock.today()
    return make_id_number(today.replace(year=today.year - 15) - timedelta(days=3), sequence=222)


def grant_changes(user_id: int) -> list[dict]:
    """The audit log's record of roles given to and taken from a user, oldest first."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "user", AuditEntry.object_id == str(user_id))
        .order_by(AuditEntry.id)
    )
    return [e.detail for e in entries if e.detail and ({"added_role", "removed_role"} & set(e.detail))]


def raw(table: str, column: str, row_id: int) -> str | None:
    """A column as stored, before the model decrypts it."""
    return db.session.execute(sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()
