"""Shared by the import tests: a town with communities, service points and a team; workbooks and CSV files built
in memory; valid ID numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook

from volunteer_app.core.identity import check_character
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org


def id_number(birth: date, sequence: int, region: str = "440605") -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


def xlsx(header: list[str], rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def csv_file(header: list[str], rows: list[list[object]], encoding: str = "utf-8-sig") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


@pytest.fixture(name="town")
def town_fixture():
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    names = ("新兴社区", "布新村", "金溪村")
    communities = {name: org.create_community(SYSTEM, town_id=town.id, name=name) for name in names}
    station = org.create_station(SYSTEM, town_id=town.id, name="里水镇社会工作服务站")
    xinxing = org.create_point(
        SYSTEM, station_id=station.id, name="新兴社会工作服务点",
        community_ids=[communities["新兴社区"].id, communities["布新村"].id],
    )  # fmt: skip
    jinxi = org.create_point(
        SYSTEM, station_id=station.id, name="金溪社会工作服务点", community_ids=[communities["金溪村"].id]
    )
    team = org.create_team(SYSTEM, name="里水镇青年志愿服务队", kind="town_federation")
    other_team = org.create_team(SYSTEM, name="金溪村志愿服务队", kind="other")
    return {"town": town, "station": station, "xinxing": xinxing, "jinxi": jinxi, "team": team,
            "other_team": other_team, **communities}  # fmt: skip
