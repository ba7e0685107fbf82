"""Pages of needs, receptions and meetings, phone first. Thin: parse a form or the query string, call one service,
render. Which needs a user reaches is decided by scope.py through the services, never here."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.needs.views import (  # noqa: F401
    boards,
    handling,
    meetings,
    public,
    receptions,
)
from volunteer_app.needs.views.common import bp

__all__ = ["bp"]
