"""Exports of every list: masked as the page is (no full ID or phone number in any file), filtered by the page's
own query string, as many rows as the page counts, audited; formula-like cells neutralised; CSV with a BOM."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask import url_for

from tests.conftest import PASSWORD
from tests.events.conftest import event_spec
from tests.socialwork.conftest import make_id_number, open_file, people, place  # noqa: F401 — fixtures
from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.events import calendar, signups
from volunteer_app.events import services as ev
from volunteer_app.events.models import HoursEntry
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile
from volunteer_app.reports.services import exports
from volunteer_app.socialwork import services as sw
from volunteer_app.socialwork.models import HouseholdMember

FORMULA = "=HYPERLINK(1)"


@pytest.fixture
def world(place, people, open_file):  # noqa: F811
    """Two communities' worth of every list, with known full numbers everywhere."""
    xinxing, buxin = place["新兴"], place["布新"]
    vols = [
        org.register_volunteer(
            None, username=f"vol-x{n}", password=PASSWORD, name=name, phone=f"1391234{n:04d}",
            id_number=make_id_number(date(1995, 3, n), sequence=200 + n), political_status=status,
            community_id=community.id,
        )
        for n, (name, community, status) in enumerate(
            [("张三", xinxing, "league_member"), ("李四", xinxing, "masses"), (FORMULA, buxin, "league_member")],
            start=1,
        )
    ]  # fmt: skip
    team = org.create_team(SYSTEM, name="里水义工联", kind="town_federation", town_id=place["town"].id)
    other = org.create_team(SYSTEM, name="里水中学志愿队", kind="school", town_id=place["town"].id)
    org.add_member(SYSTEM, team.id, volunteer_id=vols[0].id, role="leader")
    org.add_member(SYSTEM, team.id, volunteer_id=vols[1].id)
    org.create_pairing(SYSTEM, team_id=team.id, community_id=xinxing.id, purpose="长者探访")
    org.create_pairing(SYSTEM, team_id=other.id, community_id=buxin.id, purpose=FORMULA)
    org.create_youth_group(SYSTEM, community_id=xinxing.id)
    org.create_youth_group(SYSTEM, community_id=buxin.id)
    for name, community in (("新兴联络站", xinxing), ("布新联络站", buxin)):
        org.create_liaison_station(SYSTEM, name=name, community_id=community.id, reception_weekday=1,
                                   reception_start=time(9), reception_end=time(11))  # fmt: skip
    cleanup = ev.create_event(SYSTEM, **event_spec(community_id=xinxing.id))
    ev.create_event(SYSTEM, **event_spec(title="布新长者探访", kind="forum", community_id=buxin.id))
    role = cleanup.sessions[0].roles[0]  # two places: two confirmed, one waiting
    for profile in vols:
        signups.sign_up(SYSTEM, role.id, volunteer_id=profile.id)
    for n, content in enumerate(("草场清洁", "长者探访"), start=1):
        db.session.add(HoursEntry(volunteer_id=vols[0].id, kind="attendance", minutes=60 * n,
                                  service_date=date(2026, 10, n), organiser="里水义工联", content=content))  # fmt: skip
    calendar.set_override(SYSTEM, day=date(2026, 10, 9), kind="holiday", note="调休")
    calendar.set_override(SYSTEM, day=date(2026, 10, 11), kind="workday", note="补班")
    mine = open_file("新兴")
    open_file("布新")
    sw.log_visit(people["worker"], mine.id, visited_at=utcnow() - timedelta(hours=1), contact_type="home",
                 purpose=FORMULA)  # fmt: skip
    sw.add_follow_up(people["worker"], mine.id, task="复查低保材料", due_on=date.today() + timedelta(days=3))
    sw.record_consent(people["worker"], mine.id, purpose="referral", method="signed_paper",
                      member_id=mine.members[0].id)  # fmt: skip
    sw.create_referral(people["worker"], mine.id, target_kind="department", department="区医保局", reason="医疗救助")
    db.session.commit()
    return {"vols": vols, "team": team, "role": role, "household": mine, "place": place, "people": people}


def full_numbers() -> set[str]:
    """Every full ID and phone number the database holds."""
    found: set[str] = set()
    for profile in db.session.scalars(sa.select(VolunteerProfile)):
        found |= {profile.id_number, profile.phone}
    for member in db.session.scalars(sa.select(HouseholdMember)):
        found |= {member.id_number or "", member.phone or ""}
    found |= set(db.session.scalars(sa.select(User.phone).where(User.phone.is_not(None))))
    return {number for number in found if number}


def rows_of(body: bytes, fmt: str) -> list[list[str]]:
    """The file's rows as text, header first."""
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese as UTF-8
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [
        ["" if v is None else str(v) for v in row] for ws in book.worksheets for row in ws.iter_rows(values_only=True)
    ]


# name: (who, the page's endpoint, its address's ids, its query string, a narrower query string, page shows a count)
CASES = {
    "volunteers": ("league", "organisations.volunteers", {}, {}, {"community_id": "buxin"}),
    "teams": ("league", "organisations.teams", {}, {}, {"kind": "school"}),
    "team_members": ("league", "organisations.members", {"team_id": "team"}, {}, {"q": "张三"}),
    "pairings": ("league", "organisations.pairings", {}, {}, {"community_id": "buxin"}),
    "youth_groups": ("league", "organisations.youth_groups", {}, {}, {"community_id": "buxin"}),
    "communities": ("league", "organisations.communities", {}, {}, {"q": "新兴"}),
    "liaison_stations": ("league", "organisations.liaison_stations", {}, {}, {"community_id": "buxin"}),
    "events": ("league", "events.index", {}, {}, {"kind": "forum"}),
    "roster": ("league", "events.roster", {"role_id": "role"}, {}, {"status": "waitlisted"}),
    "hours": ("volunteer0", "events.my_hours", {}, {}, {"q": "长者"}),
    "holidays": ("league", "events.holidays", {}, {}, {"q": "补班"}),
    "users": ("admin", "accounts.users", {}, {}, {"q": "huangmin"}),
    "audit": (
        "admin",
        "core.audit_entries",
        {},
        {"action": "create"},
        {"action": "create", "actor": "huangmin"},
    ),
    "households": ("worker", "socialwork.households", {}, {}, {"community_id": "buxin"}),
    "visits": ("worker", None, {"household_id": "household"}, {}, None),
    "follow_ups": ("worker", None, {"household_id": "household"}, {}, None),
    "referrals": ("worker", None, {"household_id": "household"}, {}, None),
}

IDS = {
    "buxin": lambda w: w["place"]["布新"].id, "team": lambda w: w["team"].id, "role": lambda w: w["role"].id,
    "household": lambda w: w["household"].id,
}  # fmt: skip


def resolve(world, args: dict, ids: dict = IDS) -> dict[str, str]:
    return {key: str(ids[value](world)) if value in ids else value for key, value in args.items()}


def user_for(world, who: str):
    if who == "volunteer0":
        return world["vols"][0].user
    return world["people"][who]


def page_count(client, endpoint: str, args: dict) -> int:
    """The count the list page itself shows under its pager."""
    with client.application.test_request_context():
        address = url_for(endpoint, **args)
    html = client.get(address).get_data(as_text=True)
    found = re.search(r"共 (\d+) 条|(\d+) in all", html)
    assert found, address
    return int(found[1] or found[2])


def test_every_registered_list_has_a_case():
    from tests.reports.test_exports_lists import CASES as MORE  # the lists added later, with their own data

    assert set(CASES) | set(MORE) | {"needs"} >= set(exports.REGISTRY)
    assert set(CASES) | set(MORE) <= set(exports.REGISTRY)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_export_is_masked_filtered_counted_like_its_page_and_audited(name, world, client, login):
    check_export(client, login, world, name, CASES[name])


def check_export(client, login, world, name: str, case: tuple, ids: dict = IDS, secrets: set[str] | None = None):
    """The list's export in both formats holds no full number, counts what its page counts (with the page's own
    query string, and a narrower one), and is audited with its filters. `secrets`: the full numbers to look for."""
    who, endpoint, address_ids, base, narrower = case
    login(user_for(world, who))
    secrets = full_numbers() if secrets is None else secrets
    assert len(secrets) >= 8
    context = resolve(world, address_ids, ids)
    counts = {}
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/reports/exports/{name}", query_string={"format": fmt, **context,
                                                                         **resolve(world, base, ids)})  # fmt: skip
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        body = response.get_data()
        rows = rows_of(body, fmt)
        text = "\n".join("\t".join(row) for row in rows)
        assert not [secret for secret in secrets if secret in text], name
        counts[fmt] = len(rows) - 1
    if name == "households":  # one row per current member: the count audited is the files'
        assert counts["csv"] == counts["xlsx"] > 0
    else:
        assert counts["csv"] == counts["xlsx"] > 0
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "export", AuditEntry.object_id == name)
        .order_by(AuditEntry.id.desc())
    ).first()  # fmt: skip
    assert entry is not None and entry.actor_id == user_for(world, who).id
    assert entry.detail["list"] == name and entry.detail["format"] == "xlsx"
    if endpoint is not None:
        assert entry.detail["rows"] == page_count(client, endpoint, {**context, **resolve(world, base, ids)})
        if name != "households":
            assert entry.detail["rows"] == counts["csv"]
    if narrower is not None:
        narrowed = client.get(f"/reports/exports/{name}", query_string={"format": "csv", **context,
                                                                        **resolve(world, narrower, ids)})  # fmt: skip
        narrowed_rows = rows_of(narrowed.get_data(), "csv")
        assert 0 < len(narrowed_rows) - 1 < counts["csv"], name
        last = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last.detail["filters"], name  # the filters are in the audit log
        if endpoint is not None:
            assert last.detail["rows"] == page_count(client, endpoint, {**context, **resolve(world, narrower, ids)})


def test_lists_of_one_household_follow_its_file(world, client, login):
    """Visits, follow-ups and referrals need the household; another file's lists are another file's."""
    login(world["people"]["worker"])
    assert client.get("/reports/exports/visits?format=csv").status_code == 404
    other = world["people"]["other_worker"]
    client.post("/logout")
    login(other)
    household_id = world["household"].id
    assert client.get(f"/reports/exports/visits?format=csv&household_id={household_id}").status_code in (403, 404)


def test_formula_like_cells_are_neutralised_in_both_formats(world, client, login):
    login(world["people"]["league"])
    for name in ("volunteers", "pairings"):
        for fmt in ("csv", "xlsx"):
            rows = rows_of(client.get(f"/reports/exports/{name}?format={fmt}").get_data(), fmt)
            cells = [cell for row in rows for cell in row]
            assert "'" + FORMULA in cells and FORMULA not in cells, (name, fmt)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/exports/volunteers?format=xlsx").get_data()))
    assert not [c for row in book.active.iter_rows() for c in row if c.data_type == "f"]


def test_a_list_the_user_may_not_export_is_refused(world, client, login):
    login(world["vols"][1].user)
    assert client.get("/reports/exports/volunteers?format=csv").status_code == 403
    assert client.get("/reports/exports/users?format=csv").status_code == 403
    assert client.get("/reports/exports/no_such_list?format=csv").status_code == 404


def test_the_api_needs_a_token_and_follows_the_same_rules(world, client, token_for):
    assert client.get("/api/v1/exports/volunteers?format=csv").status_code == 401
    volunteer = token_for(world["vols"][1].user)
    assert client.get("/api/v1/exports/volunteers?format=csv", headers=volunteer).status_code == 403
    assert client.get("/api/v1/exports/no_such_list?format=csv", headers=volunteer).status_code == 404
    staff = token_for(world["people"]["league"])
    response = client.get(
        "/api/v1/exports/volunteers", query_string={"format": "csv", "community_id": world["place"]["布新"].id},
        headers=staff,
    )  # fmt: skip
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert len(rows_of(response.get_data(), "csv")) == 2  # the header and the one volunteer of 布新
    assert client.get("/api/v1/exports/volunteers?format=pdf", headers=staff).status_code == 422


def test_list_pages_carry_export_links_with_their_filters(world, client, login):
    login(world["people"]["league"])
    buxin = world["place"]["布新"].id
    html = client.get(f"/volunteers?community_id={buxin}&page=1").get_data(as_text=True)
    assert f"/reports/exports/volunteers?format=xlsx&amp;community_id={buxin}" in html
    assert "page=1" not in html.split("/reports/exports/volunteers")[1].split('"')[0]


def test_the_audit_log_names_the_exported_list(world, client, login):
    login(world["people"]["admin"])
    assert client.get("/reports/exports/users?format=csv").status_code == 200
    html = client.get("/admin/audit?action=export").get_data(as_text=True)
    assert "导出的列表" in html and "用户管理" in html
