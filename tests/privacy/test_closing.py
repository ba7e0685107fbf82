"""Closing one's account: the password confirms it; the account, its sessions and tokens end; the person's data is
erased or anonymised everywhere it was personal; the hours ledger stays and still makes the service record; places
go to the waitlist; the last administrator cannot."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from tests.privacy.conftest import NOW, at
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import ApiToken, RoleGrant, User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Conflict, Invalid, Unauthenticated
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, signups
from volunteer_app.events.models import HoursEntry, Signup
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import TeamMembership, VolunteerProfile, YouthGroupMember
from volunteer_app.privacy import closing
from volunteer_app.reminders.models import Notification, NotificationPreference, Status
from volunteer_app.reminders.services import update_preferences


def _personal_text() -> str:
    """Every personal column of the tables that held the person, decrypted, as one text to search."""
    rows = []
    for user in db.session.scalars(sa.select(User)):
        rows.append([user.username, user.display_name, user.phone, user.email, user.pending_email])
    for p in db.session.scalars(sa.select(VolunteerProfile)):
        rows.append([p.name, p.phone, p.id_number, p.guardian_name, p.guardian_phone])
    rows += [[m.name] for m in db.session.scalars(sa.select(YouthGroupMember))]
    rows += [[n.contact_name, n.contact_phone] for n in db.session.scalars(sa.select(Need))]
    rows += [[json.dumps(n.context, ensure_ascii=False), n.title, n.body]
             for n in db.session.scalars(sa.select(Notification))]  # fmt: skip
    return json.dumps(rows, ensure_ascii=False)


@pytest.fixture
def later_role(make_event):
    """A role with one place, a fortnight away."""
    session = {"starts_at": at(14), "ends_at": at(14, 2), "roles": [{"name": "巡河员", "capacity": 1}]}
    event = make_event(title="北沙河涌巡查", sessions=[session])
    return event.sessions[0].roles[0]


def test_a_wrong_password_changes_nothing(client, login, two_people):
    me, _other = two_people
    user = me.profile.user
    with pytest.raises(Invalid) as refused:
        closing.close_account(user, "not my password")
    assert "password" in refused.value.errors
    login(user)
    page = client.post("/me/close", data={"understood": "y", "password": "wrong"})
    assert page.status_code == 422
    db.session.expire_all()
    assert user.active and user.username.startswith("vol-") and me.profile.name == me.name
    assert client.get("/me/data").status_code == 200  # still signed in
    assert not db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "close"))


def test_closing_erases_the_person_keeps_the_ledger_and_moves_the_waitlist_up(two_people, later_role, register, town):
    me, other = two_people
    user, profile = me.profile.user, me.profile
    group = org.create_youth_group(SYSTEM, community_id=profile.community_id)
    org.add_group_member(SYSTEM, group.id, part="league_member", volunteer_id=profile.id)
    update_preferences(user, user, email=False, webhook=False, opted_out=[], quiet_hours=True, digest=False)
    signups.sign_up(user, later_role.id, now=NOW)
    waiting = signups.sign_up(register().user, later_role.id, now=NOW)
    assert waiting.status == "waitlisted"
    before = hours.certificate(SYSTEM, profile.id, now=at(8))
    ledger_rows = db.session.scalar(
        sa.select(sa.func.count(HoursEntry.id)).where(HoursEntry.volunteer_id == profile.id)
    )
    token = accounts.issue_token(user)[0]
    assert me.name in _personal_text()

    closing.close_account(user, PASSWORD, now=at(8))
    db.session.expire_all()

    text = _personal_text()
    for value in (me.name, me.phone, me.id_number):
        assert value not in text
    for value in (other.name, other.phone, other.id_number):
        assert value in text  # the other volunteer is untouched
    assert (user.username, user.active, user.grants) == (f"closed-{user.id}", False, [])
    assert profile.name == closing.CLOSED_VOLUNTEER_NAME and profile.skills == []
    for login_name in (me.phone, f"closed-{user.id}"):
        with pytest.raises(Unauthenticated):
            accounts.authenticate(login_name, PASSWORD)
    with pytest.raises(Unauthenticated):
        accounts.user_for_token(token)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))) == 0
    assert db.session.get(NotificationPreference, user.id) is None
    assert not db.session.scalar(
        sa.select(Notification.id).where(Notification.recipient_id == user.id, Notification.status == Status.PENDING)
    )

    # Kept: the ledger, so the service record comes out as before, with the closed volunteer's name on it.
    after = hours.certificate(SYSTEM, profile.id, now=at(8))
    assert (after.total_minutes, len(after.lines)) == (before.total_minutes, len(before.lines)) != (0, 0)
    assert after.volunteer.name == closing.CLOSED_VOLUNTEER_NAME
    assert db.session.scalar(
        sa.select(sa.func.count(HoursEntry.id)).where(HoursEntry.volunteer_id == profile.id)
    ) == ledger_rows  # fmt: skip

    # The place of the upcoming session went to the waitlist; past sign-ups stay as they were.
    assert db.session.get(Signup, waiting.id).status == "confirmed"
    assert db.session.scalar(
        sa.select(sa.func.count(TeamMembership.id)).where(
            TeamMembership.volunteer_id == profile.id, TeamMembership.left_on.is_(None)
        )
    ) == 0  # fmt: skip
    close = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "close"))
    assert (close.actor_id, close.object_id, close.detail["signups_withdrawn"]) == (user.id, str(user.id), 1)

    # The real numbers are free again: the person may register anew.
    again = org.register_volunteer(
        None, username="zhang-again", password=PASSWORD, name=me.name, phone=me.phone, id_number=me.id_number,
        political_status="masses", community_id=profile.community_id,
    )  # fmt: skip
    assert again.id != profile.id


def test_closed_usernames_cannot_be_taken(app):
    with pytest.raises(Invalid) as refused:
        accounts.create_user(SYSTEM, username="closed-9", password=PASSWORD, display_name="x", roles=[
            accounts.RoleSpec("volunteer")])  # fmt: skip
    assert "username" in refused.value.errors


def test_the_last_administrator_cannot_close_but_another_can(make_user):
    first = make_user("admin")
    with pytest.raises(Conflict):
        closing.close_account(first, PASSWORD)
    assert first.active and first.has_role("admin")
    second = make_user("admin")
    make_user("league_staff")
    closing.close_account(first, PASSWORD)
    assert not first.active
    assert db.session.scalar(sa.select(sa.func.count(RoleGrant.id)).where(RoleGrant.user_id == first.id)) == 0
    with pytest.raises(Conflict):
        closing.close_account(second, PASSWORD)


def test_the_page_closes_the_account_and_logs_out(client, login, two_people):
    me, _other = two_people
    login(me.profile.user)
    page = client.get("/me/close")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    assert client.post("/me/close", data={"password": PASSWORD}).status_code == 422  # not ticked
    answer = client.post("/me/close", data={"understood": "y", "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
    assert client.get("/me/data").status_code == 302  # logged out
    assert client.post("/login", data={"login": me.phone, "password": PASSWORD}).status_code == 422  # refused


def test_the_api_closes_the_account_and_its_token_ends(client, token_for, two_people):
    me, _other = two_people
    headers = token_for(me.profile.user)
    assert client.post("/api/v1/me/close", json={"password": "wrong"}, headers=headers).status_code == 422
    assert client.post("/api/v1/me/close", json={"password": PASSWORD}, headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_birth_date_keeps_only_its_year(two_people):
    me, _other = two_people
    closing.close_account(me.profile.user, PASSWORD, now=at(8))
    db.session.expire_all()
    assert me.profile.birth_date == date(me.profile.birth_date.year, 1, 1)
    assert me.profile.id_number == f"closed-{me.profile.id}"


def test_a_minors_guardian_is_shown_to_them_and_erased_on_closing(client, login, register):
    minor = register(
        name="王小明", id_number=make_id_number(date(2013, 5, 1), sequence=311),
        guardian=org.Guardian("王建国", "13700001234", True),
    )  # fmt: skip
    login(minor.user)
    page = client.get("/me/data").get_data(as_text=True)
    assert 'id="guardian"' in page and "王建国" in page and "13700001234" in page
    closing.close_account(minor.user, PASSWORD)
    db.session.expire_all()
    assert (minor.guardian_name, minor.guardian_phone, minor.guardian_consent_at) == (None, None, None)
    assert "王建国" not in _personal_text() and "13700001234" not in _personal_text()
