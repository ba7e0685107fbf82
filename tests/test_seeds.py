import json
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from seeds.events import DATA, _moved_on, _weeks_since
from volunteer_app.accounts.models import User
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import today, utcnow
from volunteer_app.events import hours
from volunteer_app.events.models import Event, EventRole, EventSession, Signup
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import MeetingQuestion, Need, NeedRating, Reception
from volunteer_app.needs.services import needs_figures
from volunteer_app.needs.vocabulary import OPEN_WORK, Source
from volunteer_app.needs.vocabulary import Status as NeedStatus
from volunteer_app.organisations.models import VolunteerProfile
from volunteer_app.reminders.models import Notification, Status


def _counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in {"audit_entries", "api_tokens"}
    }


def test_the_demo_seed_loads_one_user_per_role_and_a_second_run_adds_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    users = db.session.scalars(sa.select(User)).all()
    assert {role for user in users for role in user.roles} == {
        "admin", "league_staff", "team_leader", "volunteer", "social_worker", "station_supervisor", "deputy"
    }
    first = _counts()
    second_run = runner.invoke(args=["seed", "demo"])
    assert second_run.exit_code == 0
    assert _counts() == first


def test_every_demo_volunteer_has_approved_hours_and_the_demo_volunteer_a_star(app):
    """The demo is loaded "now": its history (past sessions, attendance, approved hours) lies before that moment, so
    hours, stars and the certificate have something to show, and no notice about that history goes out."""
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    now = utcnow()
    volunteers = json.loads((Path(__file__).parents[1] / "seeds" / "lishui.json").read_text("utf-8"))["volunteers"]
    for spec in volunteers:
        profile = db.session.scalar(
            sa.select(VolunteerProfile).join(User).where(User.username == spec["username"])
        )
        summary = hours.summary(SYSTEM, profile.id)
        assert summary.minutes > 0, spec["username"]
        assert hours.certificate(SYSTEM, profile.id).lines, spec["username"]
        if spec["username"] in ("zhiyuanzhe", "duizhang"):
            assert summary.stars >= 1, (spec["username"], summary.hours)
    past_sessions = db.session.scalars(sa.select(EventSession.id).where(EventSession.ends_at < now)).all()
    assert past_sessions
    past_signups = db.session.scalars(
        sa.select(Signup.id).join(EventRole).where(EventRole.session_id.in_(past_sessions))
    ).all()
    stale = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.status == Status.PENDING.value,
            sa.or_(
                sa.and_(Notification.subject_type == EventSession.__tablename__,
                        Notification.subject_id.in_([str(i) for i in past_sessions])),
                sa.and_(Notification.subject_type == Signup.__tablename__,
                        Notification.subject_id.in_([str(i) for i in past_signups])),
            ),
        )
    )
    assert stale == 0

def test_the_demo_town_has_needs_from_every_door_in_every_state_with_their_history_in_the_past(app):
    """Needs raised through every door, in every state the boards and lists show, each step dated back from the
    day of seeding; the notices that history would have sent are withdrawn."""
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    now, on = utcnow(), today()
    needs = db.session.scalars(sa.select(Need)).all()
    assert {n.source for n in needs} == set(Source)
    assert {"new", "assigned", "accepted", "in_progress", "closed", "declined", "merged", "reopened"} <= {
        n.status for n in needs
    }
    assert all(n.created_at < now for n in needs)
    assert all(u.created_at <= now for n in needs for u in n.updates)
    overdue = [n for n in needs if n.status in OPEN_WORK and n.deadline < on]
    assert len(overdue) >= 2
    assert any(n.status in OPEN_WORK and n.deadline >= on for n in needs)
    assert any(n.event_id is not None and n.status == NeedStatus.IN_PROGRESS for n in needs)
    merged = next(n for n in needs if n.status == NeedStatus.MERGED)
    assert merged.merged_into.status not in (NeedStatus.MERGED, NeedStatus.CLOSED)
    ratings = db.session.scalars(sa.select(NeedRating)).all()
    assert len(ratings) >= 3 and all(r.need.status == NeedStatus.CLOSED for r in ratings if r.stars >= 3)
    assert [r.need.status for r in ratings if r.stars < 3] == [NeedStatus.REOPENED]
    assert all(r.need.closed_at < r.created_at < now for r in ratings)

    reception = db.session.scalars(sa.select(Reception)).one()
    assert reception.day < on and reception.day.weekday() == reception.station.reception_weekday
    assert len(reception.visitors) >= 2 and all(v.need is not None for v in reception.visitors)
    deputy = db.session.scalar(sa.select(User).where(User.username == "daibiao"))
    (grant,) = [g for g in deputy.grants if g.role == "deputy"]
    reached = db.session.scalars(scope.needs(deputy)).all()
    assert grant.scope_id in {d.id for d in reception.deputies} and any(n.reception_visitor_id for n in reached)

    questions = db.session.scalars(sa.select(MeetingQuestion)).all()
    assert {"pending", "published", "answered"} <= {q.status for q in questions}
    commitments = [n for n in needs if n.source == Source.MEETING]
    assert commitments and all(n.meeting.starts_at < now and n.question_id for n in commitments)
    assert all(n.status in OPEN_WORK for n in commitments)

    figures = needs_figures(SYSTEM)
    assert figures.closed >= 2 and figures.median_days_to_close and figures.ratings >= 3
    assert figures.overdue == len(overdue)
    pending = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.subject_type == Need.__tablename__, Notification.status == Status.PENDING.value
        )
    )
    assert pending == 0


def test_the_upcoming_demo_events_stay_ahead_whatever_day_the_demo_is_seeded_on():
    """events.json carries the dates of the week it was written in; seeded on any later day, each event moves on by
    whole weeks, so it falls on the same weekday and what was open for sign-up then is open on the day of seeding."""
    data = json.loads(DATA.read_text("utf-8"))
    written_on = date.fromisoformat(data["written_on"])
    closing = [e for e in data["events"] if e.get("signup_closes_at") and e["status"] == "published"]
    assert closing
    for days in range(0, 800, 3):
        on = written_on + timedelta(days=days)
        for original, moved in zip(closing, _moved_on(closing, _weeks_since(written_on, on)), strict=True):
            closes = datetime.fromisoformat(moved["signup_closes_at"])
            assert closes.date() > on, (on, original["title"])
            assert closes.weekday() == datetime.fromisoformat(original["signup_closes_at"]).weekday()
            assert moved["title"] == original["title"] and len(moved["sessions"]) == len(original["sessions"])


def test_the_demo_seeded_today_has_its_next_clean_up_open_for_sign_up(app):
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    clean_up = db.session.scalar(sa.select(Event).where(Event.title == "白岗社区人居环境整治志愿服务"))
    now = utcnow()
    assert clean_up.signup_opens_at <= now < clean_up.signup_closes_at
    assert all(session.starts_at > now for session in clean_up.sessions)
