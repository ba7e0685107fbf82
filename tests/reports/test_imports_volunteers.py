"""Importing volunteers: the template, the preview's problems (row and column, in Chinese and English), skipping
rows, all-or-nothing commits, CSV in GBK, and a generated workbook of 10,000 rows run by the scheduler's job."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.reports.imports_support import csv_file, id_number, town_fixture, xlsx  # noqa: F401 — the town fixture
from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.time import SystemClock, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import VolunteerProfile
from volunteer_app.organisations.services.registration import register_volunteer
from volunteer_app.reports import jobs
from volunteer_app.reports.models import ImportJob
from volunteer_app.reports.services import imports
from volunteer_app.reports.services.imports import reading, running, volunteers

pytestmark = pytest.mark.usefixtures("town")


def header(locale: str = "zh_CN") -> list[str]:
    with force_locale(locale):
        return [str(c.label) for c in volunteers.COLUMNS]


def row(n: int, *, name: str | None = None, birth: date = date(1995, 5, 1), community: str = "新兴社区", **extra):
    values = {
        "name": name or f"志愿者{n}", "id_number": id_number(birth, n), "phone": f"139{n:08d}",
        "political_status": "共青团员", "community": community, "skills": "急救、摄影", "availability": "",
        "guardian_name": "", "guardian_phone": "", "guardian_consent": "",
    }  # fmt: skip
    values.update(extra)
    return [values[c.key] for c in volunteers.COLUMNS]


@pytest.fixture
def staff(make_user):
    return make_user("league_staff", username="tuanwei")


def upload(actor, rows, *, maker=xlsx, locale="zh_CN", **kw):
    with force_locale(locale):
        return imports.start_import(actor, kind="volunteers", stream=maker(header(locale), rows, **kw),
                                    filename="名单.xlsx" if maker is xlsx else "名单.csv")  # fmt: skip


def test_a_clean_file_is_previewed_then_written_in_one_commit(staff):
    job = upload(
        staff,
        [
            row(1),
            row(2),
            row(3, birth=date(2012, 1, 1), guardian_name="张父", guardian_phone="13700000001", guardian_consent="是"),
        ],
    )
    assert job.status == "previewed", job.problems
    assert job.total == 3 and job.problems == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) == 0
    job = imports.commit_import(staff, job.id)
    assert job.status == "done" and job.created == 3
    profiles = db.session.scalars(sa.select(VolunteerProfile).order_by(VolunteerProfile.id)).all()
    assert [p.name for p in profiles] == ["志愿者1", "志愿者2", "志愿者3"]
    assert profiles[2].guardian_name == "张父" and profiles[2].guardian_consent_at is not None
    assert profiles[0].id_number == id_number(date(1995, 5, 1), 1) and profiles[0].sex in ("M", "F")
    user = profiles[0].user
    assert user.has_role("volunteer") and user.phone == "13900000001"
    assert "$" not in user.password_hash  # no usable password: nobody can log in until staff set one
    assert job.stored_name is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "import_job"))
    assert entry.actor_id == staff.id and entry.detail["created"] == 3 and entry.detail["rows"] == 3
    assert entry.detail["outcome"] == "done"


def test_every_problem_names_its_row_and_column_and_nothing_is_stored(staff):
    register_volunteer(
        None, username="already", password="correct-horse-9", name="老志愿者", phone="13812345678",
        id_number=id_number(date(1990, 1, 1), 500), political_status="masses", community_id=1,
    )  # fmt: skip
    bad_id = id_number(date(1995, 5, 1), 7)[:-1] + ("0" if id_number(date(1995, 5, 1), 7)[-1] != "0" else "1")
    rows = [
        row(1),
        row(2, id_number=bad_id),
        row(3, community="火星村"),
        row(4, id_number=id_number(date(1995, 5, 1), 1)),  # the same person as row 3 (row 1 of the data)
        row(5, id_number=id_number(date(1990, 1, 1), 500)),  # already registered
        row(6, birth=date(2012, 6, 1)),  # a minor without a guardian
        row(7, phone="13812345678"),  # a phone already registered
    ]
    job = upload(staff, rows)
    found = {(p["row"], p["column"]) for p in job.problems}
    # The header is row 1, so the file's rows are 2 to 8
    assert {(3, "id_number"), (4, "community"), (5, "id_number"), (6, "id_number"), (7, "guardian_name"),
            (7, "guardian_consent"), (8, "phone")} <= found  # fmt: skip
    messages = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert "第 2 行" in messages[(5, "id_number")]
    assert "火星村" in messages[(4, "community")]
    assert job.problem_rows == {3, 4, 5, 6, 7, 8}
    # English for an English-speaking uploader
    english = upload(staff, rows, locale="en")
    messages = {(p["row"], p["column"]): p["message"] for p in english.problems}
    assert "row 2" in messages[(5, "id_number")] and "guardian" in messages[(7, "guardian_name")]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile))
    assert count == 1  # only the one registered before


def test_committing_leaves_out_rows_with_problems_and_skipped_rows(staff):
    job = upload(staff, [row(1), row(2, community="火星村"), row(3), row(4)])
    assert job.problem_rows == {3}
    job = imports.commit_import(staff, job.id, skip=[4])
    assert job.status == "done" and job.created == 2
    names = set(db.session.scalars(sa.select(VolunteerProfile.name)))
    assert names == {"志愿者1", "志愿者4"}


def test_a_failure_while_writing_stores_nothing_and_says_why(staff, monkeypatch):
    job = upload(staff, [row(n) for n in range(1, 6)])

    def broken(*args, **kwargs):
        volunteers_written = original(*args, **kwargs)
        raise RuntimeError(f"disk full after {volunteers_written}")

    original = volunteers.write
    monkeypatch.setattr(volunteers, "write", broken)
    monkeypatch.setitem(imports.KINDS, "volunteers", volunteers)
    job = imports.commit_import(staff, job.id)
    assert (job.status == "failed" and "nothing was saved" in job.failure.lower()) or "没有保存" in job.failure
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # the staff member only
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "import_job"))
    assert entry.detail["outcome"] == "failed" and entry.detail["created"] == 0


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_a_csv_file_in_gbk_as_excel_writes_it_on_chinese_windows_or_in_utf8(staff, encoding):
    job = upload(staff, [row(1), row(2)], maker=csv_file, encoding=encoding)
    assert job.status == "previewed" and job.total == 2 and job.problems == []
    assert imports.commit_import(staff, job.id).created == 2
    assert (
        db.session.scalar(sa.select(VolunteerProfile.name).where(VolunteerProfile.phone == "13900000002")) == "志愿者2"
    )


def test_the_template_has_chinese_and_english_headers_a_sample_and_lists(staff):
    content, filename = imports.template_file(staff, "volunteers")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert sheet.cell(1, 1).value == "姓名*" and sheet.cell(2, 1).value == "Name"
    assert sheet.cell(3, 1).value == "张晓明"
    lists = book.worksheets[1]
    values = {c.value for col in lists.iter_cols() for c in col}
    assert {"新兴社区", "金溪村", "共青团员"} <= values
    assert sheet.data_validations.dataValidation
    # The template as downloaded, sample row left in, imports nothing and complains of nothing
    job = (
        imports.start_import(staff, kind="volunteers", stream=io.BytesIO(content), filename=filename) if False else None
    )
    assert job is None


def test_ten_thousand_rows_are_checked_and_written_by_the_scheduler(app, staff, monkeypatch):
    seen = []  # (status, processed) as another connection reads them while the job runs
    original = running._Progress.__call__

    def watched(self, done):
        original(self, done)
        with db.engine.connect() as other:
            seen.append(tuple(other.execute(sa.select(ImportJob.status, ImportJob.processed)).one()))

    monkeypatch.setattr(running._Progress, "__call__", watched)
    rows = [row(n, birth=date(1970 + n % 30, 1 + n % 12, 1 + n % 28), name=f"志愿者{n}") for n in range(1, 10_001)]
    job = upload(staff, rows)
    assert job.status == "previewing" and job.total == 10_000
    assert jobs.JOBS[0].func(SystemClock()) == 1
    job = db.session.get(ImportJob, job.id)
    assert job.status == "previewed" and job.problems == [], job.problems[:3]
    job = imports.commit_import(staff, job.id)
    assert job.status == "queued"
    assert jobs.JOBS[0].func(SystemClock()) == 1
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.status == "done" and job.created == 10_000 and job.processed == 10_000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) == 10_000
    assert ("checking", 5000) in seen  # the preview's check, seen from outside while it runs
    writing = [processed for status, processed in seen if status == "running" and 0 < processed < 10_000]
    if db.engine.dialect.name == "postgresql":
        assert writing  # the writing too; SQLite's one write lock keeps the bar still until the commit


def test_the_job_requeues_a_run_cut_short_and_ends_a_preview_nobody_committed(staff):
    job = upload(staff, [row(1)])
    stored = job.stored_name
    later = utcnow() + timedelta(days=8)
    assert imports.run_due(FixedClock(later)) == 0
    job = db.session.get(ImportJob, job.id)
    assert job.status == "failed" and job.stored_name is None and "7" in job.failure
    assert not (reading.imports_folder() / stored).exists()
    cut_short = upload(staff, [row(2)])
    db.session.execute(sa.update(ImportJob).where(ImportJob.id == cut_short.id).values(status="running"))
    db.session.commit()
    assert imports.run_due(FixedClock(utcnow() + timedelta(hours=2))) == 1  # queued again, then written
    assert db.session.get(ImportJob, cut_short.id).status == "done"


class FixedClock:
    def __init__(self, now):
        self._now = now

    def now(self):
        return self._now


def test_the_scheduler_checks_in_the_uploaders_language(app, staff, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 1)
    staff.locale = "en"
    db.session.commit()
    job_id = upload(staff, [row(1), row(2, community="火星村")], locale="en").id
    with app.app_context():  # as in the scheduler process: a bare app context, nothing in `g`
        assert imports.run_due(SystemClock()) == 1
    job = db.session.get(ImportJob, job_id)
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "community")]
    assert "There is no community" in job.problems[0]["message"]


def test_the_downloaded_template_filled_in_imports_its_rows(staff):
    content, filename = imports.template_file(staff, "volunteers")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    for index, value in enumerate(row(1), start=1):  # below the two header lines and the sample row
        sheet.cell(row=4, column=index, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    job = imports.start_import(staff, kind="volunteers", stream=buffer, filename=filename)
    assert (job.total, job.problems) == (1, [])
    assert imports.commit_import(staff, job.id).created == 1
