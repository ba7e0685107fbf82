"""Registering volunteers: the ID-number rules, a minor's guardian, the account it opens, and a race for the same ID."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.organisations.helpers import audit_text, count, minor_id, raw
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Invalid
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
    messages = " ".join(error.value.errors["_schema"])
    assert "already registered" in messages and "id_number" not in error.value.errors
    for secret in ("梁子轩", "liangzx", "13800138000", "138****8000", "8000", str(holder.id), "002X"):
        assert secret not in messages
    assert count(VolunteerProfile) == 1
    assert count(User) == 1


def test_a_known_id_number_and_a_known_phone_get_the_same_answer_naming_neither(register):
    register(phone="13800138000", id_number="11010519491231002X", username="liangzx")
    answers = []
    for fields in ({"id_number": "11010519491231002X"}, {"phone": "13800138000"}):
        with pytest.raises(Invalid) as error:
            register(**fields)
        answers.append(error.value.errors)
    assert answers[0] == answers[1] and set(answers[0]) == {"_schema"}
    assert count(User) == 1


def test_staff_registering_someone_are_told_which_number_is_taken(register, make_user, communities):
    register(phone="13800138000")
    staff = make_user("league_staff")
    with pytest.raises(Invalid) as error:
        org.register_volunteer(
            staff, username="newcomer", password=PASSWORD, name="新人", phone="13800138000",
            id_number="11010519491231002X", political_status="league_member", community_id=communities["草场"].id,
        )  # fmt: skip
    assert "already registered" in error.value.errors["phone"][0]


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


def test_a_registration_that_loses_a_race_for_the_same_id_gets_the_same_message(
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
    assert "already registered" in error.value.errors["_schema"][0]
    assert [u.username for u in db.session.scalars(sa.select(User))] == ["winner"]


FULL_RACE_ID = "440524188001010014"
