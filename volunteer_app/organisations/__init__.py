"""Towns, communities, teams, pairings, youth groups, service stations and points, liaison stations,
volunteer profiles."""

from __future__ import annotations

from collections.abc import Callable


def _exists(model_name: str) -> Callable[[int], bool]:
    def check(object_id: int) -> bool:
        from volunteer_app.extensions import db
        from volunteer_app.organisations import models

        return db.session.get(getattr(models, model_name), object_id) is not None

    return check


def _register_scope_checks() -> None:
    """Role grants scoped to one of our objects (`team:3`, `service_point:2`, ...) must name one that exists."""
    from volunteer_app.accounts.services import register_scope_check

    for kind, model_name in (
        ("community", "Community"),
        ("team", "Team"),
        ("service_point", "ServicePoint"),
        ("service_station", "ServiceStation"),
    ):
        register_scope_check(kind, _exists(model_name))


_register_scope_checks()
