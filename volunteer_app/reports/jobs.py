"""What the scheduler runs for reports: the large imports, checked for their preview and written when committed
(reports.services.imports.run_due); small ones are done at once in the request."""

from __future__ import annotations

from volunteer_app.core.jobs import Job
from volunteer_app.reports.services import imports

JOBS = [
    Job("reports.imports", imports.run_due, seconds=10, interval_setting="IMPORT_INTERVAL_SECONDS"),
]
