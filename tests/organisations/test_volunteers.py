"""Registering volunteers and their profiles: numbers checked, masked, revealed, exported and stored encrypted."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from tests.conftest import PASSWORD
from tests.organisations.helpers import audit_text, count, minor_id
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core import crypto
from volunteer_app.core import time as clock
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- registration


def test_a_person_registers_and_sex_and_birth_date_come_from_the_id_number(register):
    profile = register(id_number="440524188001010014", name="梁子轩")
    assert (profile.sex, profile.birth_date) == ("M", date(1880, 1, 1))
    user = db.session.get(User, profile.user_id)
    assert user.roles == ["volunteer"]
    assert user.display_name == "梁子轩"
    assert accounts.authenticate(user.username, PASSWORD).id == user.id


def test_the_volunteer_can_log_in_with_their_phone_number_after_registering(register):
    profile = register(phone="13800138000")
    assert accounts.authenticate("13800138000", PASSWORD).id == profile.user_id


def test_a_second_registration_with_the_same_id_is_refused_without_revealing_the_holder(register):
    holder = register(name="梁子轩", phone="13800138000", id_number="11010519491231002X", username="liangzx")
    with pytest.raises(Invalid) as error:
        register(name="冒名者", phone="13900000000", id_number="11010519491231002x")
    messages = " ".join(error.value.errors["id_number"])
    assert "already registered" in messages
    for secret in ("梁子轩", "liangzx", "13800138000", "138****8000", "8000", str(holder.id), "002X"):
        assert secret not in messages
    assert count(VolunteerProfile) == 1
    assert count(User) == 1


def test_an_invalid_id_number_is_a_field_error_and_nothing_is_written(register):
    with pytest.raises(Invalid) as error:
        register(id_number="110105194912310021")
    assert "last character" in error.value.errors["id_number"][0]
    assert count(User) == 0
    assert count(VolunteerProfile) == 0


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800", "138001380001", "电话"])
def test_an_invalid_mobile_number_is_a_field_error(register, phone):
    with pytest.raises(Invalid) as error:
        register(phone=phone)
    assert list(error.value.errors) == ["phone"]
    assert count(User) == 0


def test_a_phone_number_is_normalised_from_the_way_people_type_it(register):
    assert register(phone="+86 138-0013-8000").phone == "13800138000"


def test_a_minor_without_guardian_consent_is_refused_and_nothing_is_written(register):
    with pytest.raises(Invalid) as error:
        register(id_number=minor_id(), guardian={"name": "刘建国", "phone": "13900139008", "consent": False})
    assert set(error.value.errors) == {"guardian.consent"}
    assert count(User) == 0


def test_a_minor_without_a_guardian_at_all_gets_a_message_per_field(register):
    with pytest.raises(Invalid) as error:
        register(id_number=minor_id())
    assert set(error.value.errors) == {"guardian.name", "guardian.phone", "guardian.consent"}


def test_a_minor_with_a_guardian_and_consent_is_registered(register):
    profile = register(id_number=minor_id(), guardian={"name": "刘建国", "phone": "13900139008", "consent": True})
    assert profile.guardian_name == "刘建国"
    assert profile.guardian_consent_at is not None
    assert profile.guardian_phone == "13900139008"
    assert "13900139008" not in raw("volunteer_profiles", "guardian_phone", profile.id)  # encrypted at rest


def test_an_adult_needs_no_guardian_and_a_given_one_is_not_kept(register):
    profile = register(guardian={"name": "x", "phone": "1", "consent": False})
    assert profile.guardian_name is None


def test_every_problem_is_reported_at_once(register):
    register(username="taken-name")
    with pytest.raises(Invalid) as error:
        register(username="taken-name", id_number="123", phone="1", political_status="anarchist", community_id=999)
    assert {"username", "id_number", "phone", "political_status", "community_id"} <= set(error.value.errors)
    assert count(User) == 1


def test_a_taken_username_leaves_no_half_written_profile(register):
    register(username="taken-name")
    with pytest.raises(Invalid) as error:
        register(username="taken-name")
    assert list(error.value.errors) == ["username"]
    assert count(User) == 1
    assert count(VolunteerProfile) == 1


def test_the_audit_log_never_holds_a_full_id_or_phone_number(register):
    profile = register(phone="13800138000", id_number="440524188001010014")
    org.reveal_volunteer(SYSTEM, profile.id, reason="insurance")
    text = audit_text()
    assert "440524188001010014" not in text
    assert "13800138000" not in text
    assert "440524********0014" in text


def test_a_profile_never_shows_its_numbers_in_its_repr(register):
    profile = register(phone="13800138000", id_number="440524188001010014")
    assert "440524188001010014" not in repr(profile)


# ---------------------------------------------------------------------------------------------- volunteers


def test_a_volunteer_edits_only_their_own_profile(register, communities):
    own = register()
    other = register()
    me = db.session.get(User, own.user_id)
    org.update_volunteer(me, own.id, skills=["急救"], community_id=communities["北沙"].id)
    assert own.skills == ["急救"]
    with pytest.raises(Forbidden):
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
    with pytest.raises(Forbidden):
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


@pytest.mark.parametrize("role", ["team_leader", "social_worker", "volunteer"])
def test_others_cannot_reveal(register, make_user, team, role):
    profile = register()
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    with pytest.raises(Forbidden):
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


def test_a_registration_that_loses_a_race_for_the_same_id_gets_the_same_field_message(
    register, communities, monkeypatch
):
    """Another request commits the same ID number between this one's first check and its write."""
    original = accounts.create_user

    def racing_create_user(*args, **kwargs):
        with db.engine.begin() as other:  # another request commits the same ID number first
            user_id = other.execute(
                sa.insert(User).values(
                    username="winner",
                    display_name="先到者",
                    password_hash="x",
                    active=True,
                    failed_logins=0,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
            other.execute(
                sa.insert(VolunteerProfile).values(
                    user_id=user_id,
                    name="先到者",
                    phone="13600136000",
                    id_number=FULL_RACE_ID,
                    id_number_digest=blind_index(FULL_RACE_ID),
                    sex="M",
                    birth_date=date(1880, 1, 1),
                    political_status="masses",
                    community_id=communities["草场"].id,
                    skills=[],
                    availability=[],
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(accounts, "create_user", racing_create_user)
    with pytest.raises(Invalid) as error:
        register(id_number=FULL_RACE_ID)
    assert "already registered" in error.value.errors["id_number"][0]
    assert [u.username for u in db.session.scalars(sa.select(User))] == ["winner"]


FULL_RACE_ID = "440524188001010014"


def raw(table: str, column: str, row_id: int) -> str | None:
    return db.session.execute(sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()


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
