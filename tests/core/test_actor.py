"""One Actor protocol: what every service may ask of whoever acts. Users and SYSTEM both satisfy it."""

from __future__ import annotations

import pytest

from volunteer_app.core.policy import SYSTEM, Actor


def test_a_user_and_system_are_both_actors(make_user):
    user = make_user("station_supervisor")
    assert isinstance(user, Actor) and isinstance(SYSTEM, Actor)
    assert user.has_role("station_supervisor") and not user.has_role("admin")
    assert SYSTEM.scopes("team_leader", "team") == set()


@pytest.mark.no_db
def test_something_without_roles_is_not_an_actor():
    class Stranger:
        id = 1
        is_active = True

    assert not isinstance(Stranger(), Actor)
