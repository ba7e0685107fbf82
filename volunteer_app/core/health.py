"""Whether this deployment can serve: the database answers, its schema is at the newest migration, and the
scheduler process is alive (each job run leaves a heartbeat). `/readyz` answers from `readiness()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class Heartbeat(db.Model):
    """The last run of each scheduled job, written by the scheduler process after every run."""

    __tablename__ = "scheduler_heartbeats"

    job_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")


def beat(job_id: str, *, ok: bool, error: str = "", now: datetime | None = None) -> None:
    """Records a job's run in its own short transaction (the job's own has ended, committed or rolled back)."""
    now = now or utcnow()
    row = db.session.get(Heartbeat, job_id) or Heartbeat(job_id=job_id)
    row.last_run_at = now
    if ok:
        row.last_ok_at = now
        row.last_error = ""
    else:
        row.last_error = error[:500]
    db.session.add(row)
    db.session.commit()


@cache
def migration_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)  # what was checked -> "ok" or why not

    @property
    def ready(self) -> bool:
        return all(result == "ok" for result in self.checks.values())


def readiness(now: datetime | None = None) -> Readiness:
    now = now or utcnow()
    result = Readiness()
    try:
        versions = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        result.checks["database"] = "unreachable or not set up"
        return result
    result.checks["database"] = "ok"
    if versions != migration_heads():
        result.checks["migrations"] = "not at the newest migration"
        result.checks["scheduler"] = "not checked before the schema is up to date"
        return result
    result.checks["migrations"] = "ok"
    last = db.session.scalar(sa.select(sa.func.max(Heartbeat.last_run_at)))
    limit = timedelta(seconds=current_app.config["SCHEDULER_HEARTBEAT_MAX_SECONDS"])
    if last is None:
        result.checks["scheduler"] = "no job has run yet"
    elif now - last > limit:
        result.checks["scheduler"] = f"silent for {int((now - last).total_seconds())} s"
    else:
        result.checks["scheduler"] = "ok"
    return result
