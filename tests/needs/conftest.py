"""A small town for needs: three communities, a team paired with 草场 and one with none, a youth governance group
of 草场 whose member has an account, a social-work point covering 草场, a liaison station with two deputies (one
with an account), town staff, and `raise_need` to put a need in through the one creation path."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import count

import pytest

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.vocabulary import Source
from volunteer_app.organisations import services as org
from volunteer_app.socialwork import services as socialwork


@pytest.fixture
def town_place():
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    communities = {name: org.create_community(SYSTEM, town_id=town.id, name=name) for name in ("草场", "北沙", "金溪")}
    paired = org.create_team(SYSTEM, name="草场青年志愿服务队", kind="town_federation", town_id=town.id)
    unpaired = org.create_team(SYSTEM, name="北沙志愿服务队", kind="town_federation", town_id=town.id)
    org.create_pairing(SYSTEM, team_id=paired.id, community_id=communities["草场"].id, since=date(2026, 1, 1))
    station = org.create_station(SYSTEM, town_id=town.id, name="里水镇社会工作服务站", community_ids=[])
    point = org.create_point(
        SYSTEM, station_id=station.id, name="草场社会工作服务点", community_ids=[communities["草场"].id]
    )
    liaison = org.create_liaison_station(
        SYSTEM,
        name="草场人大代表联络站",
        community_id=communities["草场"].id,
        reception_weekday=1,
        reception_start=time(14, 30),
        reception_end=time(17, 30),
        deputies=[{"name": "李代表", "level": "district"}, {"name": "陈代表", "level": "town"}],
    )
    group = org.create_youth_group(SYSTEM, community_id=communities["草场"].id)
    return {
        "town": town,
        **communities,
        "paired_team": paired,
        "unpaired_team": unpaired,
        "station": station,
        "point": point,
        "liaison": liaison,
        "deputy": liaison.deputies[0],
        "other_deputy": liaison.deputies[1],
        "group": group,
    }


@pytest.fixture
def cast(town_place, make_user):
    """The people of the needs workflow, each with an account."""
    place = town_place
    group_volunteer = org.register_volunteer(
        None,
        username="qingzhi",
        password=PASSWORD,
        name="青治团员",
        phone="13900000001",
        id_number=make_id_number(date(1998, 5, 5), sequence=201),
        political_status="league_member",
        community_id=place["草场"].id,
    )
    org.add_group_member(SYSTEM, place["group"].id, part="league_member", volunteer_id=group_volunteer.id)
    db.session.commit()
    return {
        "admin": make_user("admin", username="admin1"),
        "league": make_user("league_staff", username="tuanwei"),
        "leader": make_user("team_leader", f"team:{place['paired_team'].id}", username="leader"),
        "other_leader": make_user("team_leader", f"team:{place['unpaired_team'].id}", username="other-leader"),
        "worker": make_user("social_worker", f"service_point:{place['point'].id}", username="worker"),
        "supervisor": make_user("station_supervisor", f"service_station:{place['station'].id}", username="super"),
        "deputy": make_user("deputy", f"deputy:{place['deputy'].id}", username="deputy"),
        "group_member": group_volunteer.user,
        "volunteer": make_user("volunteer", username="vol"),
    }


@pytest.fixture
def raise_need(town_place):
    """raise_need(actor=None, source=Source.PUBLIC, **fields) -> a committed need in 草场 unless told otherwise."""
    numbers = count(1)

    def make(actor=None, source: Source = Source.PUBLIC, **fields):
        n = next(numbers)
        data = {
            "category": "environment",
            "community_id": town_place["草场"].id,
            "description": f"河涌边垃圾堆积第{n}处",
            "place": "草场村河涌边",
            "contact_name": "王阿姨",
            "contact_phone": f"1380000{n:04d}",
            "may_contact": True,
        }
        data.update(fields)
        links = {k: data.pop(k) for k in list(data) if k not in services.NeedInput.__dataclass_fields__}
        need = services.create_need(actor, services.NeedInput(**data), source=source, **links)
        db.session.commit()
        return need

    return make


@pytest.fixture
def need_from_visit(town_place, cast):
    """need_from_visit(shared=False) -> (need, household): a social worker raised the need on a visit to 陈桂兰's
    household (草场村五巷8号, 13911112222) through the visit door, and staff assigned it to the paired team.
    `shared`: on the household's consent, shared with whoever handles it."""
    numbers = count(400)

    def make(shared: bool = False):
        household = socialwork.create_household(
            cast["worker"], community_id=town_place["草场"].id, address="草场村五巷8号",
            members=[{"name": "陈桂兰", "relation": "head", "phone": "13911112222",
                      "id_number": make_id_number(date(1950, 3, 3), sequence=next(numbers))}],
        )  # fmt: skip
        visit = socialwork.log_visit(
            cast["worker"], household.id, visited_at=utcnow() - timedelta(hours=1), contact_type="home"
        )
        if shared:
            socialwork.record_consent(
                cast["worker"], household.id, purpose="referral", method="signed_paper", given_by="陈桂兰"
            )
        data = services.NeedInput(
            category="elderly", community_id=town_place["草场"].id, description="老人家中灯泡坏了需要更换",
            place="草场村",
        )  # fmt: skip
        need = services.raise_from_visit(cast["worker"], visit.id, data, share_household=shared)
        services.assign(cast["league"], need.id, services.Assignment("team", town_place["paired_team"].id))
        return need, household

    return make
