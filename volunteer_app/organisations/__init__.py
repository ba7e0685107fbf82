"""Towns, communities, teams, pairings, youth groups, service stations and points, liaison stations,
volunteer profiles."""

from __future__ import annotations

from collections.abc import Callable


def _name_of(model_name: str) -> Callable[[int], str | None]:
    def name(object_id: int) -> str | None:
        from volunteer_app.extensions import db
        from volunteer_app.organisations import models

        found = db.session.get(getattr(models, model_name), object_id)
        return None if found is None else getattr(found, "full_name", None) or found.name

    return name


def _register_scope_kinds() -> None:
    """Role grants scoped to one of our objects (`team:3`, `service_point:2`, ...) must name one that exists, and
    are shown by its name."""
    from volunteer_app.accounts.services import register_scope_kind

    for kind, model_name in (
        ("community", "Community"),
        ("team", "Team"),
        ("service_point", "ServicePoint"),
        ("service_station", "ServiceStation"),
        ("deputy", "Deputy"),
    ):
        register_scope_kind(kind, _name_of(model_name))


_register_scope_kinds()
