"""A small town whose figures are counted by hand, for the figures, dashboard and stats API tests.

The period is March to May 2025 (PERIOD), long over, so the counts do not move with the clock. Rows the services
would refuse to backdate (past events, sign-ups, ledger entries, registration times) are written directly.

Communities 草场 (A), 北沙 (B), 布新 (C); teams 里水义工联 (T1) and 源田团支部 (T2).
Volunteers (registered on):
  v1 A 2025-01-10 T1 · v2 A 2025-03-15 T1 (joined then) · v3 B 2025-04-20 T2 · v4 B 2025-07-01 · v5 C 2024-12-01
Events (session starts, local time; role places):
  E1 cleanup A T1 completed 2025-03-10 09-12, 3 places: v1, v2 confirmed and checked in, v3 cancelled;
     hours v1 180 min, v2 120 min
  E2 mural   B T2 completed 2025-04-05 14-17, 2 places: v3 checked in, v1 confirmed but never came (a no-show);
     hours v3 180 min and a correction of -60
  E3 forum   A T1 published 2025-05-28 09-11, 5 places: v2 confirmed
  E4 cleanup A -- cancelled 2025-04-10 09-11, 4 places: v1 confirmed
  E5 patrol  C T1 draft     2025-05-01 09-11, 10 places
  E6 cleanup A T1 completed 2025-02-15 09-11 (before the period), 2 places: v1 checked in, hours 60 min
  and 30 minutes for v3 on 2025-05-02 with no event (a correction kept after its event was deleted)
Youth groups: A's complete (party member, League cadre, two League members), B's with one League member, C none.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import as_utc
from volunteer_app.events.models import Event, EventRole, EventSession, HoursEntry, Signup
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import TeamMembership, VolunteerProfile

PERIOD = (date(2025, 3, 1), date(2025, 5, 31))
# "Now" for attendance in the services' tests: E1 and E2 are over, E3 is still to come.
BEFORE_E3 = as_utc(datetime(2025, 5, 25, 12, 0))


def local(day: date, hour: int) -> datetime:
    return as_utc(datetime(day.year, day.month, day.day, hour))


@pytest.fixture(name="figures_town")
def figures_town_fixture(make_user):
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    a, b, c = (org.create_community(SYSTEM, town_id=town.id, name=name) for name in ("草场", "北沙", "布新"))
    t1 = org.create_team(SYSTEM, name="里水义工联", kind="town_federation", town_id=town.id)
    t2 = org.create_team(SYSTEM, name="源田团支部", kind="enterprise_league_branch", town_id=town.id)
    numbers = count(1)

    def volunteer(community, registered: date, team=None):
        n = next(numbers)
        profile = org.register_volunteer(
            None,
            username=f"vol-{n}",
            password=PASSWORD,
            name=f"志愿者{n}",
            phone=f"139{n:08d}",
            id_number=make_id_number(date(1995, 1, n), sequence=100 + n),
            political_status="league_member",
            community_id=community.id,
        )
        profile.created_at = local(registered, 10)
        if team is not None:
            db.session.add(TeamMembership(team_id=team.id, volunteer_id=profile.id, joined_on=registered))
        db.session.commit()
        return profile

    v1 = volunteer(a, date(2025, 1, 10), t1)
    v2 = volunteer(a, date(2025, 3, 15), t1)
    v3 = volunteer(b, date(2025, 4, 20), t2)
    v4 = volunteer(b, date(2025, 7, 1))
    v5 = volunteer(c, date(2024, 12, 1))

    def event(title, kind, community, team, status, day: date, hours: tuple[int, int], places: int):
        made = Event(
            title=title, kind=kind, community_id=community.id, team_id=team.id if team else None, status=status,
            starts_at=local(day, hours[0]), ends_at=local(day, hours[1]),
        )  # fmt: skip
        session = EventSession(event=made, starts_at=made.starts_at, ends_at=made.ends_at)
        role = EventRole(session=session, name="志愿者", capacity=places)
        db.session.add_all([made, session, role])
        db.session.flush()
        return made, session, role

    seq = count(1)

    def signup(role, session, profile, status="confirmed", came=False):
        made = Signup(
            role_id=role.id, volunteer_id=profile.id, status=status, seq=next(seq),
            checked_in_at=session.starts_at if came else None, checked_out_at=session.ends_at if came else None,
        )  # fmt: skip
        db.session.add(made)
        db.session.flush()
        return made

    def hours(profile, minutes, day: date, event=None, signup=None, kind="attendance"):
        db.session.add(HoursEntry(
            volunteer_id=profile.id, event_id=event.id if event else None, signup_id=signup.id if signup else None,
            kind=kind, minutes=minutes, service_date=day,
        ))  # fmt: skip

    e1, s1, r1 = event("草场清洁", "cleanup", a, t1, "completed", date(2025, 3, 10), (9, 12), 3)
    hours(v1, 180, date(2025, 3, 10), e1, signup(r1, s1, v1, came=True))
    hours(v2, 120, date(2025, 3, 10), e1, signup(r1, s1, v2, came=True))
    signup(r1, s1, v3, status="cancelled")
    e2, s2, r2 = event("北沙彩绘", "mural", b, t2, "completed", date(2025, 4, 5), (14, 17), 2)
    s_v3 = signup(r2, s2, v3, came=True)
    hours(v3, 180, date(2025, 4, 5), e2, s_v3)
    hours(v3, -60, date(2025, 4, 5), e2, s_v3, kind="correction")
    signup(r2, s2, v1)  # confirmed, never checked in
    _e3, s3, r3 = event("草场座谈会", "forum", a, t1, "published", date(2025, 5, 28), (9, 11), 5)
    signup(r3, s3, v2)
    _e4, s4, r4 = event("草场清洁（取消）", "cleanup", a, None, "cancelled", date(2025, 4, 10), (9, 11), 4)
    signup(r4, s4, v1)
    event("布新巡逻", "patrol", c, t1, "draft", date(2025, 5, 1), (9, 11), 10)
    e6, s6, r6 = event("草场清洁（二月）", "cleanup", a, t1, "completed", date(2025, 2, 15), (9, 11), 2)
    hours(v1, 60, date(2025, 2, 15), e6, signup(r6, s6, v1, came=True))
    hours(v3, 30, date(2025, 5, 2), kind="correction")
    db.session.commit()

    group_a = org.create_youth_group(SYSTEM, community_id=a.id)
    for part, name in (("party_member", "党员"), ("league_cadre", "团干"), ("league_member", "团员甲"),
                       ("league_member", "团员乙")):  # fmt: skip
        org.add_group_member(SYSTEM, group_a.id, part=part, name=name)
    group_b = org.create_youth_group(SYSTEM, community_id=b.id)
    org.add_group_member(SYSTEM, group_b.id, part="league_member", name="团员丙")
    db.session.commit()

    leader = make_user("team_leader", f"team:{t1.id}", username="leader-t1")
    return {
        "town": town, "A": a, "B": b, "C": c, "T1": t1, "T2": t2,
        "v1": v1, "v2": v2, "v3": v3, "v4": v4, "v5": v5, "E1": e1, "E2": e2,
        "staff": make_user("league_staff", username="tuanwei-figures"),
        "admin": make_user("admin", username="admin-figures"),
        "leader": leader,
        "other_leader": make_user("team_leader", f"team:{t2.id}", username="leader-t2"),
        "volunteer": v2.user,
    }  # fmt: skip


def profile_of(user) -> VolunteerProfile:
    return db.session.query(VolunteerProfile).filter_by(user_id=user.id).one()
