"""/api/v1 endpoints of the organisations registry. Thin: parse with a schema, call one service, dump."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.organisations.api import (  # noqa: F401
    common,
    liaison,
    pairings,
    places,
    service_points,
    teams,
    volunteers,
    youth_groups,
)
from volunteer_app.organisations.api.common import blp

__all__ = ["blp"]
