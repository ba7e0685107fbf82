"""What a scheduled job is. Each domain's `jobs.py` lists its jobs as `JOBS`; the app factory collects them into
`app.extensions["shanzhi.jobs"]` as it registers the domain's blueprints, and the scheduler process runs what it
finds there. This module imports nothing of the domains, so that no domain and the scheduler import each other."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from volunteer_app.core.time import Clock
from volunteer_app.extensions import db

EXTENSION = "shanzhi.jobs"


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[Clock], object]
    seconds: int
    interval_setting: str | None = None  # a config key that overrides `seconds` (e.g. DISPATCH_INTERVAL_SECONDS)

    def interval(self, config: Mapping[str, Any]) -> int:
        return int(config.get(self.interval_setting, self.seconds)) if self.interval_setting else self.seconds


# The first key of every job's advisory lock: Shanzhi's own space, so that other users of the same PostgreSQL
# database (another app, a maintenance script) cannot collide with a job by chance.
_LOCK_SPACE = 0x5A4E


@contextmanager
def exclusive(job_id: str) -> Iterator[bool]:
    """Whether this process may run the job now: on PostgreSQL only one holder of the job's advisory lock across
    every scheduler process; a second scheduler (a standby, or one started by mistake) skips the run instead of
    doing the same work at the same moment. The lock lives on a connection of its own, because jobs commit as they
    go and a transaction-scoped lock would end at their first commit. SQLite has one host and one writer at a time,
    so there every run is this process's."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = zlib.crc32(job_id.encode()) - 2**31  # pg_try_advisory_lock(int, int) takes signed 32-bit keys
    with db.engine.connect() as conn:
        held = conn.scalar(sa.text("SELECT pg_try_advisory_lock(:space, :key)"), {"space": _LOCK_SPACE, "key": key})
        conn.commit()
        try:
            yield bool(held)
        finally:
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:space, :key)"), {"space": _LOCK_SPACE, "key": key})
                conn.commit()
