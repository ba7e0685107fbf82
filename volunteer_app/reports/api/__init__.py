"""/api/v1 endpoints of figures, imports and exports. Thin: parse with a schema, call one service, dump."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.reports.api import exports, imports, stats  # noqa: F401
from volunteer_app.reports.api.common import blp

__all__ = ["blp"]
