"""The demo town: loaded through the services, idempotent, and it shows the registry."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from seeds import load_demo
from volunteer_app.accounts.models import RoleGrant, User
from volunteer_app.core.identity import parse_id_number
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import Community, Team, VolunteerProfile, YouthGroup

SEED = Path(__file__).resolve().parents[2] / "seeds" / "lishui.json"
LISHUI = {"草场", "北沙", "布新", "白岗", "同声", "金旗峰", "沙涌", "金峰洲", "岗联", "金利", "新兴", "金溪"}


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "audit_entries"
    }


def test_loading_the_demo_twice_adds_nothing_the_second_time(app):
    first = load_demo()
    assert len(first) > 40
    before = table_counts()
    assert load_demo() == ["demo data already present; nothing added"]
    assert table_counts() == before


def test_the_demo_town_is_fully_covered_by_its_seven_points(app):
    load_demo()
    lishui = next(item for item in org.coverage(SYSTEM).items if item.town.name == "里水镇")
    assert {c.name for c in lishui.communities} == LISHUI
    assert lishui.percent == 100
    assert [step.percent for step in lishui.steps][-1] == 100 and lishui.steps[0].percent < 100
    assert org.list_points(SYSTEM).total == 7
    assert any(len(p.communities) > 1 for p in org.list_points(SYSTEM).items)


def test_the_demo_users_are_scoped_to_the_demo_organisations(app):
    load_demo()
    federation = db.session.scalar(sa.select(Team).where(Team.name == "里水义工联"))
    assert user("duizhang").scopes("team_leader", "team") == {federation.id}
    point = org.list_points(SYSTEM, q="新兴").items[0]
    assert user("shegong").scopes("social_worker", "service_point") == {point.id}
    station = org.list_stations(SYSTEM).items[0]
    assert user("zhanzhang").scopes("station_supervisor", "service_station") == {station.id}
    caochang = db.session.scalar(sa.select(Community).where(Community.name == "草场"))
    assert user("shequ").scopes("league_staff", "community") == {caochang.id}
    assert user("tuanwei").scopes("league_staff", "community") == set()  # the town's
    assert [m.volunteer.name for m in federation.leaders] == ["何志强"]


def test_users_loaded_before_scopes_existed_get_their_scopes(app):
    data = json.loads(SEED.read_text(encoding="utf-8"))
    from volunteer_app.accounts import services as accounts

    for spec in data["users"]:  # as the first seed loader made them: roles without scopes
        accounts.create_user(
            SYSTEM,
            username=spec["username"],
            password=spec["password"],
            display_name=spec["display_name"],
            roles=[accounts.RoleSpec(spec["role"])],
            phone=spec.get("phone"),
        )
    load_demo()
    grants = db.session.scalars(sa.select(RoleGrant).join(RoleGrant.user).where(User.username == "shegong")).all()
    assert [(g.role, g.scope_kind) for g in grants] == [("social_worker", "service_point")]


def test_the_demo_has_one_complete_and_one_incomplete_youth_group_and_valid_volunteers(app):
    load_demo()
    groups = {g.name: g for g in db.session.scalars(sa.select(YouthGroup))}
    assert groups["同声社区青治团"].is_complete and groups["同声社区青治团"].status == "active"
    assert not groups["金旗峰社区青治团"].is_complete and groups["金旗峰社区青治团"].status == "forming"
    profile = db.session.scalar(
        sa.select(VolunteerProfile).join(VolunteerProfile.user).where(User.username == "zhiyuanzhe")
    )
    assert parse_id_number(profile.id_number).birth_date == profile.birth_date
    for number in db.session.scalars(sa.select(VolunteerProfile.id_number)):
        parse_id_number(number)
    liaison = org.list_liaison_stations(SYSTEM).items[0]
    assert liaison.name == "平东社区人大代表联络站" and liaison.reception_weekday == 1
    assert len(liaison.deputies) == 2
    assert org.list_pairings(SYSTEM).total >= 4
