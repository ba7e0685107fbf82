"""/api/v1 endpoints of needs, receptions and meetings. Thin: parse with a schema, call one service, dump."""

# Importing each module registers its routes on the blueprint.
from volunteer_app.needs.api import (  # noqa: F401
    handling,
    meetings,
    public,
    receptions,
)
from volunteer_app.needs.api.common import blp

__all__ = ["blp"]
