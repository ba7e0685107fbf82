"""Demo events from the source article: the 白岗 clean-up, the 草场 mural, the 同声 youth forum, the 金旗峰 summer
camp and the recurring Party-building Tuesday visits. Idempotent: an event is known by its title.

Everything goes through the events services, so the demo obeys the same rules as the pages."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from volunteer_app.accounts.models import User
from volunteer_app.core.errors import DomainError
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.events import calendar, enrolments, services, signups
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Team, Town

DATA = Path(__file__).with_name("events.json")


def _when(value: str | None) -> datetime | None:
    return as_utc(datetime.fromisoformat(value)) if value else None  # naive = local time


def _community_id(town: str, name: str) -> int:
    return db.session.scalar(
        sa.select(Community.id).join(Community.town).where(Town.name == town, Community.name == name)
    )


def _event(spec: dict[str, Any]) -> Event:
    team_id = db.session.scalar(sa.select(Team.id).where(Team.name == spec["team"])) if spec.get("team") else None
    sessions = [
        {
            "title": s.get("title", ""),
            "starts_at": _when(s["starts_at"]),
            "ends_at": _when(s["ends_at"]),
            "roles": s["roles"],
        }
        for s in spec["sessions"]
    ]
    recurring = spec.get("recurrence")
    event = services.create_event(
        SYSTEM,
        title=spec["title"],
        kind=spec["kind"],
        team_id=team_id,
        community_id=_community_id(spec["town"], spec["community"]),
        place=spec.get("place", ""),
        description=spec.get("description", ""),
        signup_opens_at=_when(spec.get("signup_opens_at")),
        signup_closes_at=_when(spec.get("signup_closes_at")),
        beneficiary_capacity=spec.get("beneficiary_capacity"),
        status="draft" if recurring else spec.get("status", "draft"),
        sessions=sessions,
    )
    if recurring:
        rule = dict(recurring)
        rule["start_time"], rule["end_time"] = (
            time.fromisoformat(rule["start_time"]),
            time.fromisoformat(rule["end_time"]),
        )
        rule["starts_on"] = datetime.fromisoformat(rule["starts_on"]).date()
        calendar.set_recurrence(SYSTEM, event.id, **rule)
        calendar.generate_sessions(SYSTEM, event.id)
        if spec.get("status") == "published":
            services.publish(SYSTEM, event.id)
    return event


def _signups(event: Event, spec: dict[str, Any], report: list[str]) -> None:
    event = services.get_event(SYSTEM, event.id)
    for item in spec.get("signups", []):
        user = db.session.scalar(sa.select(User).where(User.username == item["username"]))
        session = event.sessions[item.get("session", 0)] if event.sessions else None
        role = next((r for r in session.roles if r.name == item["role"]), None) if session else None
        if user is None or role is None:
            continue
        try:
            signup = signups.sign_up(SYSTEM, role.id, volunteer_id=_profile_id(user), now=utcnow())
        except DomainError as error:  # e.g. the window has closed since the demo data was written
            report.append(f"  sign-up {user.username} → {role.name} skipped: {error.message}")
            continue
        report.append(f"  sign-up {user.username} → {role.name}: {signup.status}")


def _profile_id(user: User) -> int | None:
    from volunteer_app.organisations.models import VolunteerProfile

    return db.session.scalar(sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id))


def load_events(report: list[str]) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for spec in data["events"]:
        if db.session.scalar(sa.select(Event.id).where(Event.title == spec["title"])):
            continue
        event = _event(spec)
        report.append(f"event {event.title} ({event.status})")
        _signups(event, spec, report)
        for child in spec.get("enrolments", []):
            enrolments.enrol(SYSTEM, event.id, guardian_consent=True, **child)
            report.append(f"  enrolled {child['child_name']}")
