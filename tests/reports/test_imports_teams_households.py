"""Importing a team's members and household files: the services' own rules on every row, problems by row and
column, and the scopes (a leader imports only into their own team and cannot make leaders; a social worker opens
files only in the communities their service point covers)."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.reports.imports_support import id_number, town_fixture, xlsx  # noqa: F401 — the town fixture
from volunteer_app.core.errors import Forbidden
from volunteer_app.extensions import db
from volunteer_app.organisations.models import TeamMembership
from volunteer_app.organisations.services.registration import register_volunteer
from volunteer_app.reports.services import imports
from volunteer_app.reports.services.imports import households, team_members
from volunteer_app.socialwork import services as socialwork
from volunteer_app.socialwork.models import Household, HouseholdMember

pytestmark = pytest.mark.usefixtures("town")


def header(module) -> list[str]:
    with force_locale("zh_CN"):
        return [str(c.label) for c in module.COLUMNS]


def upload(actor, kind, module, rows, team=None):
    with force_locale("zh_CN"):
        return imports.start_import(
            actor, kind=kind, stream=xlsx(header(module), rows), filename="导入.xlsx", team_id=team and team.id
        )


def volunteer(town, n: int):
    return register_volunteer(
        None, username=f"vol{n}", password="correct-horse-9", name=f"志愿者{n}", phone=f"1390000{n:04d}",
        id_number=id_number(date(1995, 1, n), n), political_status="masses", community_id=town["新兴社区"].id,
    )  # fmt: skip


def member_row(phone: str, role: str = "队员", joined: str = "2025-03-01") -> list[str]:
    return [phone, "", role, joined]


# ---------------------------------------------------------------------------------------------- team members


def test_staff_import_members_and_leaders_of_a_team(town, make_user):
    staff = make_user("league_staff")
    for n in (1, 2, 3):
        volunteer(town, n)
    rows = [
        member_row("13900000001"),
        member_row("13900000002", role="队长"),
        member_row("13900000009"),  # nobody has this number
        member_row("13900000001"),  # again
        member_row("13900000003", joined="3月1日"),
    ]
    job = upload(staff, "team_members", team_members, rows, team=town["team"])
    problems = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert set(problems) == {(4, "phone"), (5, "phone"), (6, "joined_on")}
    assert "没有" in problems[(4, "phone")] and "第 2 行" in problems[(5, "phone")]
    job = imports.commit_import(staff, job.id)
    assert job.status == "done" and job.created == 2
    memberships = db.session.scalars(sa.select(TeamMembership).order_by(TeamMembership.id)).all()
    assert [(m.volunteer.name, m.role) for m in memberships] == [("志愿者1", "member"), ("志愿者2", "leader")]
    assert memberships[1].volunteer.user.has_role("team_leader")


def test_a_leader_imports_into_their_own_team_only_and_makes_no_leaders(town, make_user):
    leader = make_user("team_leader", f"team:{town['team'].id}")
    for n in (1, 2):
        volunteer(town, n)
    with pytest.raises(Forbidden):
        upload(leader, "team_members", team_members, [member_row("13900000001")], team=town["other_team"])
    job = upload(leader, "team_members", team_members, [member_row("13900000001"), member_row("13900000002", "队长")],
                 team=town["team"])  # fmt: skip
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "role")]
    assert imports.commit_import(leader, job.id).created == 1


# ---------------------------------------------------------------------------------------------- households


def household_row(key, community, name, relation, number="", address="", **extra):
    values = {"household": key, "community": community, "address": address, "household_type": "", "name": name,
              "relation": relation, "id_number": number, "phone": "", "flags": "", "disability_type": "",
              "disability_grade": "", **extra}  # fmt: skip
    return [values[c.key] for c in households.COLUMNS]


def test_a_social_worker_imports_households_only_where_their_point_covers(town, make_user):
    worker = make_user("social_worker", f"service_point:{town['xinxing'].id}")
    head = id_number(date(1960, 1, 1), 11)
    rows = [
        household_row(
            "1",
            "新兴社区",
            "李桂英",
            "户主",
            head,
            address="新兴社区一巷1号",
            flags="残疾",
            disability_type="肢体残疾",
            disability_grade="2",
        ),
        household_row("1", "", "王强", "配偶"),
        household_row("2", "金溪村", "陈大", "户主", id_number(date(1958, 2, 2), 12), address="金溪村3号"),
        household_row("3", "布新村", "赵一", "户主", address="布新村9号"),
        household_row("3", "", "赵二", "户主"),  # a second head
        household_row("4", "布新村", "钱三", "户主", head, address="布新村10号"),  # the same person as row 2
    ]
    job = upload(worker, "households", households, rows)
    problems = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert (4, "community") in problems and "服务点" in problems[(4, "community")]
    assert (5, "relation") in problems
    assert (6, "") in problems and "第 5 行" in problems[(6, "")]  # left out with its household
    assert (7, "id_number") in problems and "第 2 行" in problems[(7, "id_number")]
    assert job.problem_rows == {4, 5, 6, 7}
    job = imports.commit_import(worker, job.id)
    assert job.status == "done" and job.created == 1
    household = db.session.scalar(sa.select(Household))
    assert household.community_id == town["新兴社区"].id and household.address == "新兴社区一巷1号"
    names = sorted(db.session.scalars(sa.select(HouseholdMember.name)))
    assert names == ["李桂英", "王强"]


def test_the_station_supervisor_imports_into_every_point_and_a_volunteer_into_none(town, make_user):
    supervisor = make_user("station_supervisor", f"service_station:{town['station'].id}")
    rows = [household_row("A", "金溪村", "陈大", "户主", address="金溪村3号"),
            household_row("B", "新兴社区", "李四", "户主", address="新兴社区2号")]  # fmt: skip
    job = upload(supervisor, "households", households, rows)
    assert job.problems == []
    assert imports.commit_import(supervisor, job.id).created == 2
    # One person, one active file: a member already on file is refused in the service's words
    on_file = id_number(date(1950, 3, 3), 21)
    socialwork.create_household(supervisor, community_id=town["金溪村"].id, address="金溪村5号",
                                members=[{"name": "周五", "relation": "head", "id_number": on_file}])  # fmt: skip
    job = upload(
        supervisor, "households", households, [household_row("C", "金溪村", "周五", "户主", on_file, address="x")]
    )
    assert [(p["row"], p["column"]) for p in job.problems] == [(2, "id_number")]
    assert "已" in job.problems[0]["message"]
    with pytest.raises(Forbidden):
        upload(make_user("volunteer"), "households", households, rows)


def test_the_templates_of_team_members_and_households(town, make_user):
    staff = make_user("league_staff")
    content, _name = imports.template_file(staff, "team_members", town["team"].id)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [sheet.cell(1, i).value for i in (1, 3)] == ["手机号码*", "角色"] and sheet.cell(2, 4).value == "Joined on"
    worker = make_user("social_worker", f"service_point:{town['xinxing'].id}")
    content, _name = imports.template_file(worker, "households")
    book = load_workbook(io.BytesIO(content))
    assert book.worksheets[0].cell(1, 1).value == "户编号*"
    assert "户主" in {c.value for column in book.worksheets[1].iter_cols() for c in column}
    with pytest.raises(Forbidden):
        imports.template_file(worker, "volunteers")
