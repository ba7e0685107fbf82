"""Pages of the organisations registry. Thin: parse a form or the query string, call one service, render."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.organisations import records as _records  # noqa: F401 — names its records in the audit log
from volunteer_app.organisations.views import (  # noqa: F401
    _common,
    liaison,
    menu,
    pairings,
    places,
    social_work,
    teams,
    volunteers,
    youth_groups,
)
from volunteer_app.organisations.views._common import bp

__all__ = ["bp"]
