"""Fixtures for events: the registry fixtures (town, communities, teams, `register`), staff, and a ready event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.organisations.conftest import (  # noqa: F401 — fixtures shared with the registry's tests
    communities,
    counted_queries,
    make_id_number,
    other_team,
    register,
    team,
    town,
)
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services
from volunteer_app.events.models import Signup
from volunteer_app.extensions import db
from volunteer_app.reminders.models import Notification

# "Now" for the services, which take it as a parameter; the API and pages run on the real clock, so it is today.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def at(days: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def events_page(statement: str) -> bool:
    """Whether a statement is the one reading a page of the events list (for its query plan)."""
    return statement.lstrip().startswith("SELECT events.") and "LIMIT" in statement.upper()


def status_of(signup_id: int) -> str:
    """A sign-up's status as the database has it now, after steps that changed it behind the session's back."""
    db.session.expire_all()
    return db.session.get(Signup, signup_id).status


def inbox_notices(kind: str, user) -> list[Notification]:
    """The inbox notices of this kind sent to the user."""
    db.session.expire_all()
    query = sa.select(Notification).where(
        Notification.kind == kind, Notification.recipient_id == user.id, Notification.channel == "inbox"
    )
    return list(db.session.scalars(query))


def event_spec(**overrides) -> dict:
    """A published one-morning clean-up a week from NOW, sign-up open from a day before NOW."""
    spec = {
        "title": "草场人居环境整治",
        "kind": "cleanup",
        "place": "草场村文化广场",
        "signup_opens_at": at(-1),
        "signup_closes_at": at(6),
        "status": "published",
        "sessions": [{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "清洁队员", "capacity": 2}]}],
    }
    spec.update(overrides)
    return spec


@pytest.fixture
def staff(make_user):
    return make_user("league_staff")


@pytest.fixture
def make_event(communities):  # noqa: F811 — the fixture imported above
    def make(**overrides):
        spec = event_spec(**{"community_id": communities["草场"].id, **overrides})
        return services.create_event(SYSTEM, **spec)

    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def role(event):
    return event.sessions[0].roles[0]


@pytest.fixture
def query_counter():
    return counted_queries
