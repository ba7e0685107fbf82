"""The monthly report workbook: one sheet per table, Chinese headers, a totals row on each sheet, and the totals are
the dashboard's figures (reports.services.figures) for that month, checked against the hand-counted town."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlalchemy as sa

from tests.reports.figures_town import figures_town_fixture  # noqa: F401 — the fixture
from volunteer_app.core.audit import AuditEntry
from volunteer_app.extensions import db
from volunteer_app.reports.services import figures


def workbook(client, month: str) -> dict[str, list[list]]:
    response = client.get(f"/reports/monthly?month={month}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_the_workbook_of_april_holds_the_dashboards_figures(figures_town, client, login):
    staff = figures_town["staff"]
    login(staff)
    sheets = workbook(client, "2025-04")
    assert list(sheets) == [
        "各队伍服务时长", "各社区服务时长", "活动", "按类型统计举办的活动", "报名情况", "社工服务覆盖情况",
        "提出的需求", "已办结诉求",
    ]  # fmt: skip
    found = figures.figures(staff, figures.filters(date(2025, 4, 1), date(2025, 4, 30)))
    # Hours: E2's 180 minutes less a 60-minute correction, for 源田团支部 in 北沙.
    team_rows = sheets["各队伍服务时长"]
    assert team_rows[0] == ["志愿服务队", "时长（小时）"]
    assert team_rows[1:-1] == [[bar.label, bar.value] for bar in found.hours_by_team] == [["源田团支部", 2.0]]
    assert team_rows[-1] == ["合计", found.hours_total] == ["合计", 2.0]
    assert sheets["各社区服务时长"][1:] == [["北沙", 2.0], ["合计", 2.0]]
    # Events starting in April: E2 completed and E4 cancelled; held by kind: E2's mural only.
    assert sheets["活动"][-1] == ["合计", found.events_total] == ["合计", 2]
    assert sheets["按类型统计举办的活动"][-1] == ["合计", 1]
    # Sign-ups of April's sessions of events held: E2's two places, v3 came, v1 did not.
    a = found.attendance
    assert sheets["报名情况"][-1] == [a.places, a.confirmed, a.fill_rate, a.ended_confirmed, a.no_shows, a.no_show_rate]
    assert sheets["报名情况"][-1][:2] == [2, 2] and sheets["报名情况"][-1][4] == 1
    assert sheets["社工服务覆盖情况"][-1] == ["合计", 0, 0, 0, 0]
    assert sheets["提出的需求"][-1] == ["合计", found.needs.raised] == ["合计", 0]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == "monthly")).one()
    assert entry.actor_id == staff.id and entry.detail["filters"] == {"month": "2025-04"}


def test_march_counts_e1_for_its_team_and_community(figures_town, client, login):
    login(figures_town["staff"])
    sheets = workbook(client, "2025-03")
    assert sheets["各队伍服务时长"][1:] == [["里水义工联", 5.0], ["合计", 5.0]]
    assert sheets["各社区服务时长"][1:] == [["草场", 5.0], ["合计", 5.0]]


def test_only_town_staff_get_the_workbook_and_the_month_is_checked(figures_town, client, login, token_for):
    assert client.get("/api/v1/exports/monthly?month=2025-04").status_code == 401
    login(figures_town["leader"])
    assert client.get("/reports/monthly?month=2025-04").status_code == 403
    leader = token_for(figures_town["leader"])
    assert client.get("/api/v1/exports/monthly?month=2025-04", headers=leader).status_code == 403
    staff = token_for(figures_town["staff"])
    assert client.get("/api/v1/exports/monthly?month=2025-4", headers=staff).status_code == 422
    assert client.get("/api/v1/exports/monthly?month=2025-13", headers=staff).status_code == 422
    response = client.get("/api/v1/exports/monthly?month=2025-04", headers=staff)
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.get_data())).sheetnames[0] == "各队伍服务时长"


def test_the_monthly_page_offers_last_month_and_refuses_a_bad_one(figures_town, client, login):
    login(figures_town["staff"])
    page = client.get("/reports/monthly")
    assert page.status_code == 200 and 'type="month"' in page.get_data(as_text=True)
    refused = client.get("/reports/monthly?month=2025-13")
    assert refused.status_code == 422 and "YYYY-MM" in refused.get_data(as_text=True)
