"""What a scheduled job is. Each domain's `jobs.py` lists its jobs as `JOBS`; the app factory collects them into
`app.extensions["shanzhi.jobs"]` as it registers the domain's blueprints, and the scheduler process runs what it
finds there. This module imports nothing of the domains, so that no domain and the scheduler import each other."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from volunteer_app.core.time import Clock

EXTENSION = "shanzhi.jobs"


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[Clock], object]
    seconds: int
    interval_setting: str | None = None  # a config key that overrides `seconds` (e.g. DISPATCH_INTERVAL_SECONDS)

    def interval(self, config: Mapping[str, Any]) -> int:
        return int(config.get(self.interval_setting, self.seconds)) if self.interval_setting else self.seconds
