"""The seeded town, the people and the calls of tests/test_permission_matrix.py.

`build_world` loads the demo town once and adds, through the services, the kinds of user it lacks (a leader of a
second team, League staff scoped to a community, a social worker of a second point) and a team-only event; it
returns the actors (a logged-in page client and an API token each) and `ids`: for each URL parameter name the id of
a seeded object in the scope of the "A" users (team A, point A). `answer` classifies what a call got back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from seeds import load_demo
from tests.conftest import IsolatedClient
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core.ids import MAX_ID
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.events import hours, reservations
from volunteer_app.events import services as events
from volunteer_app.events.models import Event, EventRole, EventSession, Signup
from volunteer_app.extensions import db
from volunteer_app.needs.models import Meeting, MeetingQuestion, Need, Reception
from volunteer_app.organisations.models import (
    Community,
    LiaisonStation,
    Pairing,
    ServicePoint,
    ServiceStation,
    Team,
    TeamMembership,
    Town,
    VolunteerProfile,
    YouthGroup,
)
from volunteer_app.reminders.models import Notification
from volunteer_app.socialwork.models import Attachment, Consent, FollowUp, Household, HouseholdMember, Referral, Visit

PASSWORD = "matrix-pass-9"
DEMO_PASSWORD = "shanzhi-demo"
TEAM_A, TEAM_B = "里水义工联", "佛山市源田床具机械有限公司志愿者团支部"
POINT_A, POINT_B = "新兴社会工作服务点", "金溪社会工作服务点"
COMMUNITY_A = "新兴"
# An id no seeded object has: a route whose object is missing answers 404 to those it lets in.
MISSING = MAX_ID

# The kinds of user of issue 17, in the order the matrix lists them; the demo logins where the town has one.
KINDS = (
    "anonymous",
    "volunteer",
    "leader_a",
    "leader_b",
    "league",
    "community_staff",
    "worker_a",
    "worker_b",
    "supervisor",
    "deputy",
    "admin",
)
DEMO_LOGINS = {
    "volunteer": ("zhiyuanzhe", DEMO_PASSWORD),
    "leader_a": ("duizhang", DEMO_PASSWORD),
    "league": ("tuanwei", DEMO_PASSWORD),
    "worker_a": ("shegong", DEMO_PASSWORD),
    "supervisor": ("zhanzhang", DEMO_PASSWORD),
    "deputy": ("daibiao", DEMO_PASSWORD),
    "admin": ("admin", "shanzhi-admin"),
}


@dataclass
class Actor:
    kind: str
    page: IsolatedClient
    api_headers: dict[str, str]


def _one(query: sa.Select):
    return db.session.scalar(query.limit(1))


def _id(query: sa.Select) -> int:
    found = _one(query)
    return MISSING if found is None else found


def _add_user(username: str, role: str, scope: str) -> User:
    """A user holding one scoped role, given through grant_role as every domain does."""
    user = accounts.create_user(
        SYSTEM, username=username, password=PASSWORD, display_name=username, roles=[accounts.RoleSpec("volunteer")]
    )
    accounts.grant_role(SYSTEM, user, accounts.RoleSpec.parse(role, scope))
    db.session.commit()
    return user


def _certificate(user_id: int) -> str:
    """The number of a certificate of the demo volunteer, issued as printing their service record does."""
    issued = hours.issue_certificate(db.session.get(User, user_id)).issued
    assert issued is not None, "the demo volunteer has service hours to certify"
    return issued.number


def _team_only_event(team_id: int) -> int:
    """A published event for team A's members only (the demo town has none)."""
    start = utcnow().replace(microsecond=0) + timedelta(days=20)
    event = events.create_event(
        SYSTEM,
        title="队内培训",
        kind="other",
        place="义工联活动室",
        team_id=team_id,
        audience="teams",
        audience_team_ids=[team_id],
        status="published",
        signup_opens_at=utcnow() - timedelta(days=1),
        signup_closes_at=start - timedelta(days=1),
        sessions=[
            {"starts_at": start, "ends_at": start + timedelta(hours=2), "roles": [{"name": "学员", "capacity": 10}]}
        ],
    )
    return event.id


def _reservation(role_id: int, team_id: int) -> int:
    """Places of the A-side role reserved for team A (the demo town's reservation is of another role)."""
    role = events.get_role(SYSTEM, role_id)
    session, event = role.session, role.session.event
    last = min(t for t in (session.starts_at, event.signup_closes_at) if t is not None)
    fill_by = max(utcnow() + timedelta(minutes=30), last - timedelta(hours=1))
    return reservations.reserve(SYSTEM, role_id, team_id=team_id, places=1, fill_by=fill_by).id


def build_world(app: Flask) -> tuple[dict[str, Actor], dict[str, object]]:
    load_demo()
    team_a = _one(sa.select(Team.id).where(Team.name == TEAM_A))
    team_b = _one(sa.select(Team.id).where(Team.name == TEAM_B))
    point_a = _one(sa.select(ServicePoint.id).where(ServicePoint.name == POINT_A))
    point_b = _one(sa.select(ServicePoint.id).where(ServicePoint.name == POINT_B))
    community_a = _one(sa.select(Community.id).where(Community.name == COMMUNITY_A))
    _add_user("matrix-leader-b", "team_leader", f"team:{team_b}")
    _add_user("matrix-community-staff", "league_staff", f"community:{community_a}")
    _add_user("matrix-worker-b", "social_worker", f"service_point:{point_b}")
    # Someone no actor is: the target of the user administration routes, which end sessions or change grants.
    bystander = accounts.create_user(
        SYSTEM,
        username="matrix-bystander",
        password=PASSWORD,
        display_name="bystander",
        roles=[accounts.RoleSpec("volunteer")],
    )
    logins = {
        **DEMO_LOGINS,
        "leader_b": ("matrix-leader-b", PASSWORD),
        "community_staff": ("matrix-community-staff", PASSWORD),
        "worker_b": ("matrix-worker-b", PASSWORD),
    }

    event_a = _one(
        sa.select(Event.id)
        .where(Event.team_id == team_a, Event.status == "published", Event.audience == "public")
        .order_by(Event.id)
    )
    session_a = _one(sa.select(EventSession.id).where(EventSession.event_id == event_a).order_by(EventSession.id))
    role_a = _one(sa.select(EventRole.id).where(EventRole.session_id == session_a).order_by(EventRole.id))
    volunteer_user = _one(sa.select(User.id).where(User.username == DEMO_LOGINS["volunteer"][0]))
    household_a = _one(
        sa.select(Household.id)
        .where(Household.service_point_id == point_a, Household.status == "active")
        .order_by(Household.id)
    )
    visit_a = _id(sa.select(Visit.id).where(Visit.household_id == household_a).order_by(Visit.id))
    youth_group = _one(sa.select(YouthGroup.id).order_by(YouthGroup.id))
    liaison = _one(sa.select(LiaisonStation.id).order_by(LiaisonStation.id))
    ids: dict[str, object] = {
        "team_id": team_a,
        "point_id": point_a,
        "community_id": community_a,
        "town_id": _one(sa.select(Town.id).order_by(Town.id)),
        "station_id": _one(sa.select(ServiceStation.id).order_by(ServiceStation.id)),
        "liaison_station_id": liaison,
        "group_id": youth_group,
        "group_member_id": MISSING,  # removing a member of a youth group may leave it incomplete
        "pairing_id": _one(sa.select(Pairing.id).where(Pairing.team_id == team_a).order_by(Pairing.id)),
        "membership_id": _id(
            sa.select(TeamMembership.id).where(TeamMembership.team_id == team_a, TeamMembership.role != "leader")
        ),
        "profile_id": _one(
            sa.select(VolunteerProfile.id)
            .join(TeamMembership, TeamMembership.volunteer_id == VolunteerProfile.id)
            .where(TeamMembership.team_id == team_a, TeamMembership.role != "leader")
            .where(VolunteerProfile.user_id != volunteer_user)
            .order_by(VolunteerProfile.id)
        ),
        "user_id": bystander.id,
        "grant_id": MISSING,
        "event_id": event_a,
        "team_only_event_id": _team_only_event(team_a),
        "session_id": session_a,
        "role_id": role_a,
        "reservation_id": _reservation(role_a, team_a),
        # Someone else's sign-up, of a volunteer outside team B (whose leader may cancel their members' sign-ups).
        "signup_id": _one(
            sa.select(Signup.id)
            .join(VolunteerProfile, VolunteerProfile.id == Signup.volunteer_id)
            .join(EventRole, EventRole.id == Signup.role_id)
            .join(EventSession, EventSession.id == EventRole.session_id)
            .join(Event, Event.id == EventSession.event_id)
            .where(Event.team_id == team_a, Event.status == "published", VolunteerProfile.user_id != volunteer_user)
            .where(
                Signup.volunteer_id.not_in(
                    sa.select(TeamMembership.volunteer_id).where(TeamMembership.team_id == team_b)
                )
            )
            .order_by(Signup.id)
        ),
        "enrolment_id": MISSING,
        "correction_id": MISSING,
        "override_id": MISSING,
        "job_id": MISSING,
        "household_id": household_a,
        "member_id": _id(sa.select(HouseholdMember.id).where(HouseholdMember.household_id == household_a)),
        "visit_id": visit_a,
        "consent_id": _id(sa.select(Consent.id).where(Consent.household_id == household_a)),
        "follow_up_id": _id(sa.select(FollowUp.id).where(FollowUp.household_id == household_a)),
        "referral_id": _id(sa.select(Referral.id).where(Referral.household_id == household_a)),
        "attachment_id": _id(sa.select(Attachment.id).where(Attachment.visit_id == visit_a)),
        "need_id": _one(sa.select(Need.id).where(Need.team_id == team_a).order_by(Need.id)),
        "number": _certificate(volunteer_user),
        "tracking_number": _one(sa.select(Need.tracking_number).where(Need.team_id == team_a).order_by(Need.id)),
        "reception_id": _id(sa.select(Reception.id).order_by(Reception.id)),
        "meeting_id": _one(sa.select(Meeting.id).order_by(Meeting.id)),
        "question_id": _id(sa.select(MeetingQuestion.id).order_by(MeetingQuestion.id)),
        "notification_id": _id(sa.select(Notification.id).order_by(Notification.id)),
        "day": (utcnow().date() + timedelta(days=7)).isoformat(),
        "list_name": "volunteers",
        "token": "not-a-token",
    }
    db.session.commit()
    actors = {}
    for kind in KINDS:
        page = IsolatedClient(app, app.response_class, use_cookies=True)
        headers: dict[str, str] = {}
        if kind != "anonymous":
            username, password = logins[kind]
            answer = page.post("/login", data={"login": username, "password": password})
            assert answer.status_code == 302, f"{username} could not log in"
            user = db.session.scalar(sa.select(User).where(User.username == username))
            headers = {"Authorization": f"Bearer {accounts.issue_token(user)[0]}"}
            db.session.commit()
        actors[kind] = Actor(kind, page, headers)
    return actors, ids


def answer(response) -> str:
    """What a call got, in the matrix's words: ok, login (sent to log in / 401), denied (403), hidden (404) or
    error (5xx)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status == 401 or (status in (302, 303) and "/login" in (response.location or "").split("?")[0]):
        return "login"
    return {403: "denied", 404: "hidden"}.get(status, "ok")
