"""A file's history keeps what an edit replaced, encrypted like the record, and shows it back (numbers masked)."""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.extensions import db
from volunteer_app.socialwork import services
from volunteer_app.socialwork.models import HouseholdEvent


def _history(household_id: int, kind: str) -> list[HouseholdEvent]:
    return list(
        db.session.scalars(
            sa.select(HouseholdEvent).where(HouseholdEvent.household_id == household_id, HouseholdEvent.kind == kind)
        )
    )


def test_a_household_edit_keeps_the_old_values(people, open_file):
    household = open_file(notes="独居，行动不便")
    old_address = household.address
    services.update_household(people["worker"], household.id, address="新兴村9巷1号", notes="已安装扶手")
    [edit] = _history(household.id, "updated")
    assert edit.detail == {"fields": ["address", "notes"]}
    assert edit.previous == {"address": old_address, "notes": "独居，行动不便"}


def test_an_edit_that_changes_nothing_adds_no_history(people, open_file):
    household = open_file()
    services.update_household(people["worker"], household.id, address=household.address)
    assert _history(household.id, "updated") == []


def test_a_member_edit_keeps_the_old_values_encrypted_at_rest(people, open_file):
    household = open_file()
    head = household.members[0]
    old_phone, old_name = head.phone, head.name
    services.update_member(people["worker"], household.id, head.id, {"phone": "13912345678", "name": "户主新名"})
    [edit] = _history(household.id, "member_updated")
    assert edit.previous == {"phone": old_phone, "name": old_name}
    assert edit.detail["member_id"] == head.id and edit.detail["fields"] == ["name", "phone"]
    stored = db.session.execute(
        sa.text("SELECT previous FROM household_events WHERE id = :id"), {"id": edit.id}
    ).scalar()
    assert old_phone not in stored and "户主" not in stored  # one encrypted token


def test_the_history_tab_shows_old_values_with_numbers_masked(client, login, people, open_file):
    household = open_file()
    head = household.members[0]
    old_phone, old_address = head.phone, household.address
    services.update_member(people["worker"], household.id, head.id, {"phone": "13912345678"})
    services.update_household(people["worker"], household.id, address="新兴村9巷1号")
    login(people["worker"])
    page = client.get(f"/social-work/households/{household.id}?tab=history").get_data(as_text=True)
    assert old_phone not in page and f"{old_phone[:3]}****{old_phone[-4:]}" in page
    assert old_address in page
