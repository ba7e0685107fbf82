"""The import pages and API: the template download, an upload showing each row's problems, skipping rows on the
page, committing, the list of my imports, the links from the lists, the status route a progress bar polls during a
scheduler's run (and after a reload), and the API's preview, commit and status."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.reports.imports_support import csv_file, id_number, town_fixture, xlsx  # noqa: F401 — the town fixture
from volunteer_app.core.time import SystemClock
from volunteer_app.extensions import db
from volunteer_app.organisations.models import VolunteerProfile
from volunteer_app.reports import jobs
from volunteer_app.reports.models import ImportJob
from volunteer_app.reports.services.imports import running, volunteers

pytestmark = pytest.mark.usefixtures("town")


def rows(count: int, bad: tuple[int, ...] = ()) -> list[list[str]]:
    out = []
    for n in range(1, count + 1):
        values = {"name": f"志愿者{n}", "id_number": id_number(date(1980 + n % 20, 1 + n % 12, 1 + n % 28), n),
                  "phone": f"139{n:08d}", "political_status": "群众",
                  "community": "新兴社区" if n not in bad else "火星村"}  # fmt: skip
        out.append([values.get(c.key, "") for c in volunteers.COLUMNS])
    return out


def workbook(count: int, bad: tuple[int, ...] = ()) -> io.BytesIO:
    with force_locale("zh_CN"):
        return xlsx([str(c.label) for c in volunteers.COLUMNS], rows(count, bad))


@pytest.fixture
def staff(make_user, login):
    user = make_user("league_staff", username="tuanwei")
    login(user)
    return user


def test_the_template_downloads_as_a_workbook(client, staff):
    response = client.get("/reports/imports/template.xlsx?kind=volunteers")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.cell(1, 2).value.startswith("身份证")


def test_upload_preview_skip_and_commit_on_the_pages(client, staff):
    page = client.get("/volunteers")
    assert "/reports/imports/new?kind=volunteers" in page.get_data(as_text=True)
    response = client.post(
        "/reports/imports/new?kind=volunteers",
        data={"kind": "volunteers", "file": (workbook(4, bad=(2,)), "名单.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]
    html = client.get(url).get_data(as_text=True)
    assert "第 3 行" in html and "火星村" in html and "村（社区）" in html
    html = client.get(url + "?rows=all").get_data(as_text=True)
    assert 'name="skip" value="5"' in html
    # Skip row 5 (志愿者4), then import: rows 2 and 4 are written, row 3 had a problem
    response = client.post(url + "?rows=all", data={"shown": ["2", "3", "4", "5"], "skip": ["5"], "commit": "1"})
    assert response.status_code == 302
    job = db.session.scalar(sa.select(ImportJob))
    assert job.status == "done" and job.skipped == [5] and job.created == 2
    assert set(db.session.scalars(sa.select(VolunteerProfile.name))) == {"志愿者1", "志愿者3"}
    html = client.get(url).get_data(as_text=True)
    assert "已导入 2 条记录" in html
    listing = client.get("/reports/imports").get_data(as_text=True)
    assert "名单.xlsx" in listing


def test_a_refused_upload_says_why_beside_the_form(client, staff):
    response = client.post(
        "/reports/imports/new?kind=volunteers",
        data={"kind": "volunteers", "file": (io.BytesIO(b"not a workbook"), "名单.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Excel" in response.get_data(as_text=True)


def test_the_status_route_shows_the_progress_of_a_running_job_and_after_a_reload(app, client, staff, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 10)
    response = client.post(
        "/reports/imports/new?kind=volunteers",
        data={"kind": "volunteers", "file": (workbook(450), "大名单.xlsx")},
        content_type="multipart/form-data",
    )
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "data-import-status" in page and "js/imports.js" in page  # the progress bar, waiting for the scheduler
    seen = []
    original = running._Progress.__call__

    def watched(self, done):
        original(self, done)
        seen.append(client.get(url + "/status").get_json())  # what the page polls while the job runs

    monkeypatch.setattr(running._Progress, "__call__", watched)
    assert jobs.JOBS[0].func(SystemClock()) == 1
    checking = [s for s in seen if s["status"] == "checking" and 0 < s["processed"] < s["total"]]
    assert checking and checking[0]["total"] == 450 and checking[0]["processed"] == 200
    status = client.get(url + "/status").get_json()  # a reload after the check
    assert status["status"] == "previewed" and status["processed"] == 450
    client.post(url, data={"commit": "1"})
    assert client.get(url + "/status").get_json()["status"] == "queued"
    assert jobs.JOBS[0].func(SystemClock()) == 1
    status = client.get(url + "/status").get_json()
    assert status["status"] == "done" and status["created"] == 450 and status["processed"] == 450, status["problems"][
        :3
    ]


def test_nobody_else_reads_an_import(client, staff, make_user):
    other = make_user("league_staff", username="other")
    job = running.start_import(other, kind="volunteers", stream=workbook(2), filename="a.xlsx")
    assert client.get(f"/reports/imports/{job.id}/status").status_code == 403
    assert client.get(f"/reports/imports/{job.id}").status_code == 403


# ---------------------------------------------------------------------------------------------- API


def test_the_api_previews_commits_and_reports_status(client, make_user, token_for):
    user = make_user("league_staff", username="api-staff")
    headers = token_for(user)
    assert client.post("/api/v1/imports", data={"kind": "volunteers"}).status_code == 401
    response = client.post(
        "/api/v1/imports", headers=headers, content_type="multipart/form-data",
        data={"kind": "volunteers", "file": (workbook(3, bad=(3,)), "名单.xlsx")},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "previewed" and body["total"] == 3
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(4, "community")]
    response = client.post(f"/api/v1/imports/{body['id']}/commit", headers=headers, json={"skip": [2]})
    assert response.status_code == 200 and response.get_json()["status"] == "done"
    status = client.get(f"/api/v1/imports/{body['id']}", headers=headers).get_json()
    assert (status["status"], status["processed"], status["total"], status["created"]) == ("done", 1, 3, 1)
    assert client.post(f"/api/v1/imports/{body['id']}/commit", headers=headers, json={}).status_code == 409


def test_the_api_refuses_a_leader_importing_into_another_team(client, make_user, token_for, town):
    leader = make_user("team_leader", f"team:{town['team'].id}")
    response = client.post(
        "/api/v1/imports", headers=token_for(leader), content_type="multipart/form-data",
        data={"kind": "team_members", "team_id": str(town["other_team"].id),
              "file": (csv_file(["手机号码"], [["13900000001"]]), "m.csv")},
    )  # fmt: skip
    assert response.status_code == 403


def test_a_failed_import_shows_why_and_keeps_nothing(client, staff, monkeypatch):
    job = running.start_import(staff, kind="volunteers", stream=workbook(3, bad=(2,)), filename="a.xlsx")

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(volunteers, "write", broken)
    client.post(f"/reports/imports/{job.id}", data={"commit": "1"})
    html = client.get(f"/reports/imports/{job.id}").get_data(as_text=True)
    assert "导入失败：没有保存任何数据" in html and "失败" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) == 0
