"""Two volunteers with the same kinds of data (sign-ups, hours, notices, a need each), so every test can check that
one person's data shows theirs and nothing of the other's."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.events.conftest import (  # noqa: F401 — fixtures shared with the events tests
    NOW,
    at,
    communities,
    event,
    make_event,
    register,
    role,
    staff,
    team,
    town,
)
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, signups
from volunteer_app.needs import services as needs
from volunteer_app.needs.services.raising import NeedInput
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile


@dataclass
class Person:
    profile: VolunteerProfile
    name: str
    phone: str
    id_number: str


def _person(profile: VolunteerProfile) -> Person:
    return Person(profile, profile.name, profile.phone, profile.id_number)


@pytest.fixture
def two_people(register, event, role, team, communities):  # noqa: F811
    """张三 and 李四: both in the team, signed up, served three approved hours, raised a need signed in."""
    people = [
        _person(register(name="张三丰", phone="13912340001")),
        _person(register(name="李四光", phone="13912340002")),
    ]
    for person in people:
        org.add_member(SYSTEM, team.id, volunteer_id=person.profile.id)
        signups.sign_up(person.profile.user, role.id, now=NOW)
        needs.raise_public(
            NeedInput("environment", communities["草场"].id, f"{person.name}家门口的路灯坏了",
                      contact_name=person.name, contact_phone=person.phone, may_contact=True),
            actor=person.profile.user,
        )  # fmt: skip
    session = event.sessions[0]
    hours.mark_attendance(SYSTEM, session.id, [s.id for s in signups.list_for_session(SYSTEM, session.id).items],
                          "present", now=at(7, 3))  # fmt: skip
    hours.approve_hours(SYSTEM, session.id, now=at(7, 4))
    return people
