"""The rules: history of heads and moves, prompts, follow-up notices, attachments with consent, exports,
retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.socialwork.conftest import make_id_number
from volunteer_app.core import time
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders.models import Notification
from volunteer_app.reminders.scheduler import registered_jobs
from volunteer_app.socialwork import services
from volunteer_app.socialwork.models import Attachment, HouseholdEvent, HouseholdMember
from volunteer_app.socialwork.services.uploads import upload_dir

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_changing_the_head_keeps_the_old_head_and_the_history(people, open_file):
    household = open_file()
    head, spouse = household.members
    services.change_head(people["worker"], household.id, spouse.id, previous_head_relation="spouse")
    db.session.expire_all()
    assert (head.relation, spouse.relation) == ("spouse", "head")
    events = db.session.scalars(sa.select(HouseholdEvent).where(HouseholdEvent.kind == "head_changed")).all()
    assert events[0].detail["old_head"] == head.id and events[0].detail["new_head"] == spouse.id


def test_moving_a_member_ends_the_old_row_and_both_files_keep_it(people, open_file):
    first, second = open_file(), open_file()
    spouse = first.members[1]
    moved = services.move_member(people["worker"], first.id, spouse.id, to_household_id=second.id, relation="other")
    db.session.expire_all()
    old = db.session.get(HouseholdMember, spouse.id)
    assert old.left_on is not None and old.moved_to_member_id == moved.id and moved.household_id == second.id
    kinds = {e.kind for e in db.session.scalars(sa.select(HouseholdEvent))}
    assert {"member_moved_out", "member_moved_in"} <= kinds
    with pytest.raises(Invalid):  # the head moves only after someone else heads the household
        services.move_member(people["worker"], first.id, first.members[0].id, to_household_id=second.id,
                             relation="other")  # fmt: skip


def test_moving_to_another_points_household_is_refused_like_a_missing_one(people, open_file):
    mine, theirs = open_file(), open_file("金溪", actor=people["other_worker"])
    answers = []
    for target in (theirs.id, 999_999):
        with pytest.raises(Invalid) as error:
            services.move_member(people["worker"], mine.id, mine.members[1].id, to_household_id=target,
                                 relation="other")  # fmt: skip
        answers.append(error.value.errors)
    assert answers[0] == answers[1]
    assert "to_household_id" in answers[0]


def test_one_person_one_active_file(people, open_file):
    household = open_file()
    with pytest.raises(Invalid) as error:
        services.add_member(
            people["worker"],
            household.id,
            {"name": "重复", "relation": "child", "id_number": household.members[0].id_number},
        )
    assert "id_number" in error.value.errors


def test_prompts_point_at_a_disability_allowance_not_recorded_and_a_target_household_not_visited(people, open_file):
    policy = services.create_policy(SYSTEM, code="disability_allowances", name="残疾人两项补贴",
                                    target_flags=["disability"])  # fmt: skip
    household = open_file()
    kinds = [p.kind for p in services.prompts(household, on=time.today())]
    assert "benefit" in kinds and "visit" in kinds
    services.log_visit(people["worker"], household.id, visited_at=utcnow() - timedelta(minutes=5),
                       contact_type="home", policies={"applied": [policy.id]})  # fmt: skip
    kinds = [p.kind for p in services.prompts(household, on=time.today())]
    assert "benefit" not in kinds and "visit" not in kinds


def test_the_sweep_reminds_the_owner_before_and_tells_the_supervisor_after_the_due_date(people, open_file, app):
    household = open_file()
    today = time.today()
    soon = services.add_follow_up(people["worker"], household.id, task="复访", due_on=today + timedelta(days=1))
    late = services.add_follow_up(SYSTEM, household.id, task="陪诊", due_on=today - timedelta(days=3))
    services.add_follow_up(people["worker"], household.id, task="远期", due_on=today + timedelta(days=30))
    notices = services.due_follow_up_notices(utcnow())
    assert {(n.kind, n.recipient_id, n.follow_up_id) for n in notices} == {
        ("due_soon", people["worker"].id, soon.id),
        ("overdue", people["supervisor"].id, late.id),
    }
    assert len({n.key for n in notices}) == len(notices)
    work = services.my_follow_ups(people["worker"])
    assert [f.id for f in work.overdue] == [late.id] and [f.id for f in work.due_soon] == [soon.id]
    counts = services.overdue_counts(people["supervisor"])
    assert counts["per_worker"][0]["overdue"] == 1 and counts["per_community"][0]["name"] == "新兴"
    job = next(j for j in registered_jobs() if j.id == "socialwork.follow_up_sweep")

    class Clock:
        def now(self):
            return utcnow()

    assert job.func(Clock()) == 2
    job.func(Clock())  # the hourly sweep plans each notice once
    planned = db.session.execute(
        sa.select(Notification.kind, Notification.recipient_id, Notification.subject_id).where(
            Notification.channel == "inbox"
        )
    ).all()
    assert sorted(planned) == sorted([
        ("follow_up_due", people["worker"].id, str(soon.id)),
        ("follow_up_overdue", people["supervisor"].id, str(late.id)),
    ])


def test_attachments_need_consent_and_a_real_image_or_pdf(people, open_file, app):
    household = open_file()
    at = utcnow() - timedelta(minutes=5)
    with pytest.raises(Invalid) as error:
        services.log_visit(people["worker"], household.id, visited_at=at, contact_type="home",
                           attachments=[services.Upload("p.png", PNG)])  # fmt: skip
    assert "attachments" in error.value.errors
    services.record_consent(people["worker"], household.id, purpose="attachments", method="signed_paper",
                            member_id=household.members[0].id)  # fmt: skip
    for bad in (services.Upload("p.png", b"<script>"), services.Upload("big.png", PNG + b"\0" * 4_000_000)):
        with pytest.raises(Invalid):
            services.log_visit(people["worker"], household.id, visited_at=at, contact_type="home",
                               attachments=[bad])  # fmt: skip
    visit = services.log_visit(people["worker"], household.id, visited_at=at, contact_type="home",
                               attachments=[services.Upload("../../etc/photo.png", PNG)])  # fmt: skip
    stored = visit.attachments[0]
    assert stored.filename == "photo.png" and (upload_dir() / stored.stored_name).read_bytes() == PNG
    assert "static" not in str(upload_dir())
    with pytest.raises(NotFound):
        services.open_attachment(people["other_worker"], household.id, stored.id)


def test_an_unmasked_export_needs_a_reason_and_is_audited_per_household(people, open_file, colleague_file=None):
    mine = open_file()
    theirs_at_my_point = open_file(actor=people["colleague"])
    with pytest.raises(Invalid):
        services.export_households(people["worker"], unmasked=True)
    body, count = services.export_households(people["worker"], fmt="xlsx", unmasked=True, reason="台账核对")
    assert count == 2
    from io import BytesIO

    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    numbers = {row[0]: row[11] for row in rows[1:] if row[8] == "户主" or row[8] == "Head of household"}
    assert numbers[str(mine.id)] == mine.members[0].id_number  # my own household in full
    assert "*" in numbers[str(theirs_at_my_point.id)]  # a colleague's stays masked
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert {e.object_id for e in entries} == {str(mine.id), str(theirs_at_my_point.id)}
    assert all(e.reason == "台账核对" for e in entries)
    masked, _ = services.export_households(people["worker"])
    assert mine.members[0].id_number.encode() not in masked


def test_closed_files_are_archived_after_the_period_and_an_admin_anonymises_them(people, open_file, app):
    household = open_file()
    services.record_consent(people["worker"], household.id, purpose="attachments", method="signed_paper",
                            member_id=household.members[0].id)  # fmt: skip
    services.log_visit(people["worker"], household.id, visited_at=utcnow() - timedelta(minutes=5),
                       contact_type="home", purpose="私密", attachments=[services.Upload("p.png", PNG)])  # fmt: skip
    services.close_household(people["worker"], household.id, reason="迁出本镇", on=date(2025, 1, 1))
    assert services.archive_closed(as_utc(datetime(2025, 6, 1, 12))) == 0
    later = as_utc(datetime(2026, 1, 2, 12))
    assert services.archive_closed(later) == 1
    with pytest.raises(NotFound):
        services.anonymise(people["admin"], household.id + 1, reason="x")
    with pytest.raises(Invalid):
        services.anonymise(people["admin"], household.id, reason="")
    services.anonymise(people["admin"], household.id, reason="保存期满")
    db.session.expire_all()
    members = db.session.scalars(sa.select(HouseholdMember)).all()
    assert all(m.id_number is None and m.phone is None and m.name.startswith("已匿名") for m in members)
    assert all(m.id_number_digest is None for m in members)  # nothing left to match a person against either
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.reason == "保存期满")).one()
    assert entry.actor_name == "admin1" and entry.detail == {"anonymised": True}
    # Not the admin's to read, even archived: answered as for no file at all.
    with force_locale("en"), pytest.raises(NotFound, match="No such household file") as refused:
        services.read_household(people["admin"], household.id)
    assert refused.value.status == 404


def raw_column(table: str, column: str, row_id: int) -> str | None:
    return db.session.execute(sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()


def test_household_numbers_and_phones_are_encrypted_and_a_file_is_found_by_the_full_id_number(open_file, people):
    certificate = make_id_number(date(1958, 3, 9), sequence=77) + "42"
    household = open_file(members=[{
        "name": "陈桂英", "relation": "head", "id_number": certificate[:18], "phone": "13926010001",
        "flags": ["disability"], "disability_type": "physical", "disability_grade": 2,
        "disability_certificate": certificate,
    }])  # fmt: skip
    member = household.members[0]
    for column in ("id_number", "disability_certificate"):
        assert certificate[:18] not in raw_column("household_members", column, member.id)
    assert "13926010001" not in raw_column("household_members", "phone", member.id)
    db.session.expire_all()
    assert db.session.get(HouseholdMember, member.id).disability_certificate == certificate

    found = services.list_households(people["worker"], q=certificate[:18])
    assert [h.id for h in found.items] == [household.id]
    assert services.list_households(people["worker"], q=certificate[:17] + "0").items == []
