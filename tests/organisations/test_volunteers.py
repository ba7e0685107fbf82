"""Volunteer profiles after registration: editing, who sees whom, reveals, the export, numbers stored encrypted."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from tests.organisations.helpers import raw
from volunteer_app.accounts.models import User
from volunteer_app.core import crypto
from volunteer_app.core import time as clock
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- volunteers


def test_a_volunteer_edits_only_their_own_profile(register, communities):
    own = register()
    other = register()
    me = db.session.get(User, own.user_id)
    org.update_volunteer(me, own.id, skills=["急救"], community_id=communities["北沙"].id)
    assert own.skills == ["急救"]
    with pytest.raises(NotFound):  # someone they may not see is no such volunteer to them
        org.update_volunteer(me, other.id, skills=["x"])


def test_the_id_number_cannot_be_changed(register):
    profile = register()
    with pytest.raises(Invalid) as error:
        org.update_volunteer(SYSTEM, profile.id, id_number="440524188001010014")
    assert "id_number" in error.value.errors


def test_a_new_phone_number_must_be_free_and_follows_to_the_login(register):
    first, second = register(), register(phone="13800138000")
    with pytest.raises(Invalid):
        org.update_volunteer(SYSTEM, first.id, phone="13800138000")
    org.update_volunteer(SYSTEM, first.id, phone="13700137000")
    assert db.session.get(User, first.user_id).phone == "13700137000"
    assert second.phone == "13800138000"


def test_team_leaders_see_only_their_current_members_and_staff_see_all(register, team, other_team, make_user):
    mine, theirs, former = register(name="甲"), register(name="乙"), register(name="丙")
    org.add_member(SYSTEM, team.id, volunteer_id=mine.id)
    org.add_member(SYSTEM, other_team.id, volunteer_id=theirs.id)
    membership = org.add_member(SYSTEM, team.id, volunteer_id=former.id, joined_on=date(2025, 1, 1))
    org.update_member(SYSTEM, team.id, membership.id, left_on=clock.today())
    leader = make_user("team_leader", scope=f"team:{team.id}")
    assert [p.name for p in org.list_volunteers(leader).items] == ["甲"]
    assert org.list_volunteers(make_user("league_staff")).total == 3
    with pytest.raises(Forbidden):
        org.list_volunteers(make_user("volunteer"))
    with pytest.raises(NotFound):
        org.get_volunteer(leader, theirs.id)
    assert org.get_volunteer(leader, mine.id).id == mine.id


def test_volunteers_are_found_by_name_phone_tail_or_team(register, team):
    liang = register(name="梁子轩", phone="13800138000")
    register(name="陈嘉欣", phone="13900139111")
    org.add_member(SYSTEM, team.id, volunteer_id=liang.id)
    for q in ("子轩", "8000", "义工联"):
        assert [p.name for p in org.list_volunteers(SYSTEM, q=q).items] == ["梁子轩"], q
    assert org.list_volunteers(SYSTEM, q="800").total == 0  # a tail of at least 4 digits


def test_revealing_a_full_number_is_allowed_to_staff_and_self_and_is_audited(register, make_user):
    profile = register(phone="13800138000", id_number="440524188001010014")
    owner = db.session.get(User, profile.user_id)
    staff = make_user("league_staff")
    assert org.reveal_volunteer(staff, profile.id, fields=["id_number"], reason="保险") == {
        "id_number": "440524188001010014"
    }
    assert org.reveal_volunteer(owner, profile.id, fields=["phone"]) == {"phone": "13800138000"}
    reveals = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).all()
    assert [(e.actor_id, e.detail["fields"]) for e in reveals] == [(staff.id, ["id_number"]), (owner.id, ["phone"])]
    assert reveals[0].reason == "保险"


@pytest.mark.parametrize(
    ("role", "refusal"),
    # the member's leader sees the profile and is refused the numbers; the others are told there is no such one
    [("team_leader", Forbidden), ("social_worker", NotFound), ("volunteer", NotFound)],
)
def test_others_cannot_reveal(register, make_user, team, role, refusal):
    profile = register()
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    with pytest.raises(refusal):
        org.reveal_volunteer(make_user(role, scope=f"team:{team.id}" if role == "team_leader" else None), profile.id)
    assert not db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).all()


def test_the_export_is_masked_and_audited(register, make_user):
    register(phone="13800138000", id_number="440524188001010014", name="梁子轩")
    text = org.export_volunteers_csv(make_user("league_staff"))
    assert "440524********0014" in text and "138****8000" in text
    assert "440524188001010014" not in text and "13800138000" not in text
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).one().detail["rows"] == 1


def test_a_formula_in_a_name_is_exported_as_text(register):
    register(name="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in org.export_volunteers_csv(SYSTEM)


def test_a_volunteers_id_number_is_stored_encrypted_and_read_back_plain(register):
    profile = register()
    number = profile.id_number
    stored = raw("volunteer_profiles", "id_number", profile.id)
    assert number not in stored and number[-6:] not in stored and stored.startswith("gAAAAA")
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, profile.id).id_number == number
    digest = raw("volunteer_profiles", "id_number_digest", profile.id)
    assert digest == blind_index(number) and number not in digest


def test_after_a_new_key_is_put_in_front_reencrypt_lets_the_old_one_go(app, register, monkeypatch):
    old, new = Fernet(Fernet.generate_key()), Fernet(Fernet.generate_key())
    index_key = app.extensions[crypto.EXTENSION].index_key
    monkeypatch.setitem(app.extensions, crypto.EXTENSION, crypto.Keys(MultiFernet([old]), index_key))
    profile = register()
    number = profile.id_number

    monkeypatch.setitem(app.extensions, crypto.EXTENSION, crypto.Keys(MultiFernet([new, old]), index_key))
    result = app.test_cli_runner().invoke(args=["data", "reencrypt"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 values" in result.output

    monkeypatch.setitem(app.extensions, crypto.EXTENSION, crypto.Keys(MultiFernet([new]), index_key))
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, profile.id).id_number == number
