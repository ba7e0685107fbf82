"""Ids that name nothing, across the registry."""

from __future__ import annotations

import pytest

from volunteer_app.core.errors import NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org

pytestmark = pytest.mark.usefixtures("english")


def test_unknown_ids_are_not_found_not_errors():
    for call in (
        lambda: org.get_team(SYSTEM, 5),
        lambda: org.get_community(SYSTEM, 2**40),
        lambda: org.get_volunteer(SYSTEM, -1),
    ):
        with pytest.raises(NotFound):
            call()
