"""/me/data and its downloads: everything held about the person asking, their own numbers in full, nothing of
anyone else's; every look and download audited; one query per section, however many rows."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from openpyxl import load_workbook

from tests.organisations.conftest import counted_queries
from tests.privacy.conftest import NOW, at
from volunteer_app.core.audit import AuditEntry
from volunteer_app.events import signups
from volunteer_app.extensions import db
from volunteer_app.privacy import holdings


def _entries(user_id: int) -> list[tuple[str, str]]:
    return list(
        db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.object_type).where(AuditEntry.actor_id == user_id)
            .order_by(AuditEntry.id)
        ).tuples()
    )  # fmt: skip


def _mine_not_theirs(text: str, me, other) -> None:
    for value in (me.name, me.phone, me.id_number):
        assert value in text
    for value in (other.name, other.phone, other.id_number):
        assert value not in text


def test_the_page_shows_my_own_data_in_full_and_nothing_of_another_person(client, login, two_people):
    me, other = two_people
    login(me.profile.user)
    page = client.get("/me/data")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    _mine_not_theirs(text, me, other)
    for section in ("account", "volunteer_profile", "team_memberships", "signups", "attendance", "hours_ledger",
                    "certificate", "notices", "notification_preferences", "needs", "audit_entries"):  # fmt: skip
        assert f'id="{section}"' in text
    assert "里水义工联" in text and "草场人居环境整治" in text and "家门口的路灯坏了" in text
    assert f"/volunteers/{me.profile.id}/edit" in text  # where the profile is corrected
    assert ("reveal", "volunteer_profile") in _entries(me.profile.user.id)  # the look, as any reveal


def test_the_downloads_hold_my_data_and_are_each_audited(client, login, token_for, two_people):
    me, other = two_people
    headers = token_for(me.profile.user)
    login(me.profile.user)

    answer = client.get("/me/data.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data())
    _mine_not_theirs(answer.get_data(as_text=True), me, other)
    assert data["sections"]["volunteer_profile"][0]["id_number"] == me.id_number
    assert data["sections"]["hours_ledger"][0]["hours"] == "3"
    assert [n["contact_phone"] for n in data["sections"]["needs"]] == [me.phone]

    answer = client.get("/me/data.xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.get_data()), read_only=True)
    cells = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
    _mine_not_theirs(cells, me, other)
    assert len(book.sheetnames) == len(data["sections"])

    answer = client.get("/api/v1/me/data", headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["sections"]["account"][0]["username"] == me.profile.user.username
    _mine_not_theirs(json.dumps(answer.get_json(), ensure_ascii=False), me, other)

    assert _entries(me.profile.user.id).count(("export", "user")) == 3
    assert client.get("/api/v1/me/data").status_code == 401


def test_someone_without_a_volunteer_profile_sees_their_account(client, login, staff):
    login(staff)
    text = client.get("/me/data").get_data(as_text=True)
    assert staff.username in text and 'id="volunteer_profile"' not in text
    assert ("view", "user") in _entries(staff.id)


def test_the_data_is_read_in_the_same_queries_however_many_rows(two_people, make_event):
    me, _other = two_people
    user = me.profile.user

    def queries() -> int:
        db.session.expire_all()
        with counted_queries() as statements:
            holdings.for_download(user, "json")
        return len(statements)

    before = queries()
    for day in (8, 9, 10):
        later = make_event(
            sessions=[{"starts_at": at(day), "ends_at": at(day, 2), "roles": [{"name": "r", "capacity": 5}]}]
        )
        signups.sign_up(user, later.sessions[0].roles[0].id, now=NOW)
    assert queries() == before
