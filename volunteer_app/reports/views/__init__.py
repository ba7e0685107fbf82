"""Pages of dashboards, imports and exports. Thin: parse the query string or a form, call one service, render."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.reports.views import dashboards, exports, imports  # noqa: F401
from volunteer_app.reports.views.common import bp

__all__ = ["bp"]
