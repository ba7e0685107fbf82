"""Demo events from the source article: the 白岗 clean-up, the 草场 mural, the 同声 youth forum, the 金旗峰 summer
camp and the recurring Party-building Tuesday visits. Idempotent: an event is known by its title.

The "history" of events.json is what the teams did before the demo was loaded: weekly sessions counted back from
the day of seeding, with sign-ups, attendance and approved hours, so each demo volunteer has hours, the demo
volunteer and the team leader a star, and certificates have lines. The notices that history would have sent at the
time (confirmations, reminders, hours recorded) are withdrawn: none of them goes out now.

The upcoming "events" carry the dates of the week they were written in ("written_on"). Seeded later, they move on
by whole weeks (weekdays, and so Tuesday duties and Saturday clean-ups, stay), so that the demo of any day looks
like the demo of its first week: the next clean-up still open for sign-up, the forum ahead, nothing closed early.

Everything goes through the events services, so the demo obeys the same rules as the pages."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from volunteer_app.accounts.models import User
from volunteer_app.core.errors import DomainError
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import as_utc, to_local, utcnow
from volunteer_app.events import calendar, enrolments, hours, reservations, services, signups, team_signups
from volunteer_app.events.models import Event, EventStatus, Signup
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Team, Town
from volunteer_app.reminders.services import cancel_planned

DATA = Path(__file__).with_name("events.json")
DATED = {"signup_opens_at", "signup_closes_at", "starts_at", "ends_at", "fill_by", "starts_on", "ends_on"}


def _moved_on(value: Any, by: timedelta) -> Any:
    """The events' specs with every date and time in them `by` later (their other fields as they were)."""
    if isinstance(value, list):
        return [_moved_on(item, by) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: (datetime.fromisoformat(item) + by).isoformat() if key in DATED and item else _moved_on(item, by)
        for key, item in value.items()
    }


def _weeks_since(written_on: date, today: date) -> timedelta:
    return timedelta(weeks=max(0, (today - written_on).days // 7))


def _when(value: str | None) -> datetime | None:
    return as_utc(datetime.fromisoformat(value)) if value else None  # naive = local time


def _community_id(town: str, name: str) -> int:
    return db.session.scalar(
        sa.select(Community.id).join(Community.town).where(Town.name == town, Community.name == name)
    )


def _team_id(spec: dict[str, Any]) -> int | None:
    return db.session.scalar(sa.select(Team.id).where(Team.name == spec["team"])) if spec.get("team") else None


def _event(spec: dict[str, Any]) -> Event:
    team_id = _team_id(spec)
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


def _reservations(event: Event, spec: dict[str, Any], report: list[str]) -> None:
    """Places held for a team, some of them already filled with names (the leader fills the rest on the page)."""
    event = services.get_event(SYSTEM, event.id)
    for item in spec.get("reservations", []):
        role = next((r for s in event.sessions for r in s.roles if r.name == item["role"]), None)
        team_id = _team_id(item)
        if role is None or team_id is None:
            continue
        try:
            held = reservations.reserve(
                SYSTEM, role.id, team_id=team_id, places=item["places"], fill_by=_when(item["fill_by"])
            )
            names = [
                _profile_id(u) for u in db.session.scalars(sa.select(User).where(User.username.in_(item["names"])))
            ]
            held = reservations.fill(SYSTEM, role.id, held.id, names)
        except DomainError as error:  # e.g. the fill-by time has passed since the demo data was written
            report.append(f"  reservation {item['team']} → {role.name} skipped: {error.message}")
            continue
        report.append(f"  reservation {item['team']} → {role.name}: {held.filled} of {held.places} named")


def _profile_id(user: User) -> int | None:
    from volunteer_app.organisations.models import VolunteerProfile

    return db.session.scalar(sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id))


def _past_days(spec: dict[str, Any], today: date) -> list[date]:
    """The last `sessions` days on `weekday` (Monday 0) before today, `every_weeks` apart, oldest first."""
    last = today - timedelta(days=(today.weekday() - spec["weekday"] - 1) % 7 + 1)
    step = timedelta(weeks=spec.get("every_weeks", 1))
    return [last - step * n for n in reversed(range(spec["sessions"]))]


def _local(day: date, clock: str) -> datetime:
    return as_utc(datetime.combine(day, time.fromisoformat(clock)))  # naive = local time


def _past_event(spec: dict[str, Any], report: list[str]) -> None:
    """A completed event whose sessions all lie before now: each volunteer named signs up a few days ahead, is
    marked present and has the hours approved, each step at the time it would have happened."""
    now = utcnow()
    days = _past_days(spec, to_local(now).date())
    sessions = [
        {"starts_at": _local(day, spec["start"]), "ends_at": _local(day, spec["end"]), "roles": spec["roles"]}
        for day in days
    ]
    event = services.create_event(
        SYSTEM,
        title=spec["title"],
        kind=spec["kind"],
        team_id=_team_id(spec),
        community_id=_community_id(spec["town"], spec["community"]),
        place=spec.get("place", ""),
        description=spec.get("description", ""),
        signup_opens_at=sessions[0]["starts_at"] - timedelta(days=14),
        signup_closes_at=sessions[-1]["starts_at"] - timedelta(days=1),
        status=EventStatus.PUBLISHED,
        sessions=sessions,
        now=sessions[0]["starts_at"] - timedelta(days=14),  # published when sign-up opened, not today
    )
    people = {
        item["username"]: _profile_id(db.session.scalar(sa.select(User).where(User.username == item["username"])))
        for item in spec["attendance"]
    }
    approved: dict[str, int] = dict.fromkeys(people, 0)
    history: list[object] = []  # what the notices of the time were about
    for index, session in enumerate(services.get_event(SYSTEM, event.id).sessions):
        present = [item for item in spec["attendance"] if index % item.get("every", 1) == 0]
        places = []
        for role in session.roles:
            names = [item["username"] for item in present if item["role"] == role.name]
            if names:
                results = team_signups.bulk_sign_up(
                    SYSTEM, role.id, [people[n] for n in names], now=session.starts_at - timedelta(days=3)
                )
                for name, result in zip(names, results, strict=True):
                    if result.signup_id is None:
                        report.append(f"  {session.starts_at:%Y-%m-%d} sign-up {name} skipped: {result.problem}")
                    else:
                        places.append(result.signup_id)
                        approved[name] += 1
        hours.mark_attendance(SYSTEM, session.id, places, "present", now=session.ends_at)
        hours.approve_hours(SYSTEM, session.id, now=min(session.ends_at + timedelta(hours=1), now))
        history += [session, *((Signup.__tablename__, signup_id) for signup_id in places)]
    for subject in history:
        cancel_planned(subject, reason="demo history: it happened before the demo was loaded")
    db.session.commit()
    services.update_event(SYSTEM, event.id, status=EventStatus.COMPLETED, now=now)
    report.append(f"past event {event.title}: {len(days)} sessions from {days[0]} to {days[-1]}, completed")
    report.extend(f"  hours approved for {name}: {n} sessions" for name, n in approved.items())


def load_events(report: list[str]) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    by = _weeks_since(date.fromisoformat(data["written_on"]), to_local(utcnow()).date())
    if by:
        report.append(f"events moved on {by.days // 7} weeks from the week they were written in")
    for spec in _moved_on(data["events"], by):
        if db.session.scalar(sa.select(Event.id).where(Event.title == spec["title"])):
            continue
        event = _event(spec)
        report.append(f"event {event.title} ({event.status})")
        _signups(event, spec, report)
        _reservations(event, spec, report)
        for child in spec.get("enrolments", []):
            enrolments.enrol(SYSTEM, event.id, guardian_consent=True, **child)
            report.append(f"  enrolled {child['child_name']}")
    for spec in data.get("history", []):
        if not db.session.scalar(sa.select(Event.id).where(Event.title == spec["title"])):
            _past_event(spec, report)
