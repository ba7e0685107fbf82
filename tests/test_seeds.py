import json
from pathlib import Path

import sqlalchemy as sa

from volunteer_app.accounts.models import User
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.events import hours
from volunteer_app.events.models import EventRole, EventSession, Signup
from volunteer_app.extensions import db
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
        "admin", "league_staff", "team_leader", "volunteer", "social_worker", "station_supervisor"
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
