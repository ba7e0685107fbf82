"""The deadline job: open work due within NEED_REMIND_DAYS working days reminds the assignee's people, work past
its deadline tells town staff; each notice once however often the job runs. Time is handed to it (`now`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import as_utc, today
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.vocabulary import Assignee, Status
from volunteer_app.reminders.models import Notification
from volunteer_app.reminders.scheduler import registered_jobs

KINDS = ("need_due_soon", "need_overdue")


def _monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def _working_monday() -> date:
    """A Monday, a week or more ahead, whose week has no public holiday, so the working days are plain."""
    monday = _monday_after(today() + timedelta(days=7))
    while services.add_working_days(monday - timedelta(days=3), 5) != monday + timedelta(days=4):
        monday += timedelta(days=7)
    return monday


def _at(day: date, clock: time = time(10, 0)) -> datetime:
    return as_utc(datetime.combine(day, clock))


@pytest.fixture
def assign(raise_need):
    """assign(kind, target_id, deadline, status=ASSIGNED) -> a need assigned through the service."""

    def make(kind: Assignee, target_id: int | None, deadline: date, status: Status = Status.ASSIGNED):
        need = raise_need()
        department = "镇城管办" if kind == Assignee.DEPARTMENT else ""
        services.assign(SYSTEM, need.id, services.Assignment(kind, target_id, department, deadline=deadline))
        for step in (Status.ACCEPTED, Status.IN_PROGRESS, Status.CLOSED):
            if status == Status.ASSIGNED or Status(need.status) == status:
                break
            services.change_status(SYSTEM, need, step)
        db.session.commit()
        return need

    return make


def _planned(kinds=KINDS) -> list[tuple[str, int, str]]:
    """(kind, recipient, need id) of each deadline notice, one per channel counted once (the inbox)."""
    rows = db.session.execute(
        sa.select(Notification.kind, Notification.recipient_id, Notification.subject_id).where(
            Notification.kind.in_(kinds), Notification.channel == "inbox"
        )
    ).all()
    return sorted(tuple(row) for row in rows)


def test_due_soon_to_the_assignee_and_overdue_to_town_staff_each_once(assign, cast, town_place):
    monday = _working_monday()
    team, group = town_place["paired_team"].id, town_place["group"].id
    due_wednesday = assign(Assignee.TEAM, team, monday + timedelta(days=2))  # 2 working days ahead
    due_thursday = assign(Assignee.TEAM, team, monday + timedelta(days=3))  # 3: not yet
    due_today = assign(Assignee.YOUTH_GROUP, group, monday, Status.IN_PROGRESS)  # its last day: still due
    late = assign(Assignee.TEAM, team, monday - timedelta(days=3), Status.ACCEPTED)  # Friday before
    late_department = assign(Assignee.DEPARTMENT, None, monday - timedelta(days=1))
    assign(Assignee.TEAM, team, monday - timedelta(days=5), Status.CLOSED)  # closed: nothing
    db.session.commit()

    report = services.deadline_sweep(_at(monday))
    assert (report.due_soon, report.overdue) == (2, 2)
    expected = sorted(
        [
            ("need_due_soon", cast["leader"].id, str(due_wednesday.id)),
            ("need_due_soon", cast["group_member"].id, str(due_today.id)),
            # Town staff: League staff over the whole town (the administrators only when there are none).
            ("need_overdue", cast["league"].id, str(late.id)),
            ("need_overdue", cast["league"].id, str(late_department.id)),
        ]
    )
    assert _planned() == expected
    services.deadline_sweep(_at(monday))
    services.deadline_sweep(_at(monday, time(11, 0)))  # the next hour's run
    assert _planned() == expected

    # The next day: Thursday's need comes within two working days and Monday's has passed; nothing is repeated.
    services.deadline_sweep(_at(monday + timedelta(days=1)))
    assert _planned() == sorted(
        [
            *expected,
            ("need_due_soon", cast["leader"].id, str(due_thursday.id)),
            ("need_overdue", cast["league"].id, str(due_today.id)),
        ]
    )


def test_the_reminder_counts_working_days_over_the_weekend(assign, cast, town_place):
    monday = _working_monday()
    friday = monday - timedelta(days=3)
    tuesday = assign(Assignee.TEAM, town_place["paired_team"].id, monday + timedelta(days=1))
    wednesday = assign(Assignee.TEAM, town_place["paired_team"].id, monday + timedelta(days=2))
    services.deadline_sweep(_at(friday))  # Friday + 2 working days is Tuesday
    assert _planned() == [("need_due_soon", cast["leader"].id, str(tuesday.id))]
    assert str(wednesday.id) not in {p[2] for p in _planned()}


def test_a_need_no_longer_open_is_not_reminded(assign, town_place):
    monday = _working_monday()
    need = assign(Assignee.TEAM, town_place["paired_team"].id, monday, Status.CLOSED)
    assert services.deadline_sweep(_at(monday + timedelta(days=5))).planned == 0
    assert _planned() == [] and need.status == Status.CLOSED


def test_the_scheduler_runs_the_sweep_with_its_clock(assign, cast, town_place):
    monday = _working_monday()
    late = assign(Assignee.TEAM, town_place["paired_team"].id, monday)
    job = next(j for j in registered_jobs() if j.id == "needs.deadline_sweep")

    class Clock:
        def now(self):
            return _at(monday + timedelta(days=1))

    assert job.func(Clock()).overdue == 1
    job.func(Clock())
    assert _planned() == [("need_overdue", cast["league"].id, str(late.id))]
