"""Pages of the organisations registry. Thin: parse a form or the query string, call one service, render."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.organisations import records as _records  # noqa: F401 — names its records in the audit log
from volunteer_app.organisations.views import (  # noqa: F401
    common,
    liaison,
    menu,
    pairings,
    places,
    service_points,
    teams,
    volunteers,
    youth_groups,
)
from volunteer_app.organisations.views.common import bp

__all__ = ["bp"]
