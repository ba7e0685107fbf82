"""What the scheduler runs for reports: the large imports, checked for their preview and written when committed
(reports.services.imports.run_due); small ones are done at once in the request. And the town-wide figures of the
dashboard's default period, counted again before the kept ones run out, so that no reader waits for them."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from volunteer_app.core.jobs import Job
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import Clock, today
from volunteer_app.reports.services import figures, imports


def warm_town_figures(clock: Clock) -> None:
    """The town dashboard as its staff first see it (no filter, the default period), in each language of the app,
    counted now and kept where their requests read it (kept.py keys town staff and SYSTEM alike: "town")."""
    if current_app.config["FIGURES_KEEP_SECONDS"] <= 0:
        return
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            figures.kept_figures(SYSTEM, figures.filters(on=today(clock.now())), refresh=True)


JOBS = [
    Job("reports.imports", imports.run_due, seconds=10, interval_setting="IMPORT_INTERVAL_SECONDS"),
    Job("reports.figures", warm_town_figures, seconds=300, interval_setting="FIGURES_WARM_SECONDS"),
]
