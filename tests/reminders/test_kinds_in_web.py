"""A web worker knows every kind of notice the scheduler plans, or its inbox could not render them in the reader's
language and the settings page could not offer them. Checked in a fresh process: in the test process the jobs'
modules are imported already."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
from volunteer_app import create_app
from volunteer_app.reminders import kinds
app = create_app("testing")
web = {kind.key for kind in kinds.all_kinds()}
from volunteer_app.reminders import scheduler
scheduler.registered_jobs(app)
print(sorted({kind.key for kind in kinds.all_kinds()} - web))
"""


def test_the_web_app_knows_every_kind_the_scheduler_plans():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
