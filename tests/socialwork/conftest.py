"""A town with a station and two service points (新兴 covers 新兴 and 布新, 金溪 covers 金溪), their workers,
the station's supervisor, and a way to open household files."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest

from volunteer_app.core.identity import check_character
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org
from volunteer_app.socialwork import services


def make_id_number(birth: date, sequence: int = 123, region: str = "440605") -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@pytest.fixture
def place():
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    names = ("新兴", "布新", "金溪", "沙涌")
    communities = {name: org.create_community(SYSTEM, town_id=town.id, name=name) for name in names}
    station = org.create_station(
        SYSTEM, town_id=town.id, name="里水镇社会工作服务站", community_ids=[communities["沙涌"].id]
    )
    xinxing = org.create_point(
        SYSTEM,
        station_id=station.id,
        name="新兴社会工作服务点",
        community_ids=[communities["新兴"].id, communities["布新"].id],
    )
    jinxi = org.create_point(
        SYSTEM, station_id=station.id, name="金溪社会工作服务点", community_ids=[communities["金溪"].id]
    )
    return {"town": town, "station": station, "xinxing": xinxing, "jinxi": jinxi, **communities}


@pytest.fixture
def people(place, make_user):
    return {
        "worker": make_user("social_worker", f"service_point:{place['xinxing'].id}", username="huangmin"),
        "colleague": make_user("social_worker", f"service_point:{place['xinxing'].id}", username="chenjie"),
        "other_worker": make_user("social_worker", f"service_point:{place['jinxi'].id}", username="liwei"),
        "supervisor": make_user("station_supervisor", f"service_station:{place['station'].id}", username="lijing"),
        "admin": make_user("admin", username="admin1"),
        "league": make_user("league_staff", username="tuanwei"),
        "volunteer": make_user("volunteer", username="vol1"),
    }


@pytest.fixture
def open_file(place, people):
    numbers = count(1)

    def make(community: str = "新兴", actor=None, flags=("disability",), **overrides):
        n = next(numbers)
        members = overrides.pop("members", None) or [
            {
                "name": f"户主{n}", "relation": "head",
                "id_number": make_id_number(date(1960, 1, 1 + n % 28), sequence=100 + n),
                "phone": f"1380000{n:04d}", "flags": list(flags),
                **({"disability_type": "physical", "disability_grade": 2} if "disability" in flags else {}),
            },
            {"name": f"配偶{n}", "relation": "spouse", "id_number": "", "phone": ""},
        ]  # fmt: skip
        return services.create_household(
            actor or people["worker"], community_id=place[community].id, address=f"{community}村{n}巷{n}号",
            members=members, **overrides,
        )  # fmt: skip

    return make
