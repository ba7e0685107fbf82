"""Each person edits their own contact details on /profile and through /api/v1/me. A new email address is used only
once the link sent to it (a signed, expiring token, through the outbox, by email to that address) comes back;
admins set an address directly. Mail goes to a real SMTP server (aiosmtpd) in this process."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from volunteer_app.accounts import profile
from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Invalid
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import services as reminders
from volunteer_app.reminders.models import Notification

BASE = "https://shanzhi.example.org"


class Soon:
    """The dispatcher's clock, a minute ahead, so what was just planned is due."""

    def now(self):
        return utcnow() + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def public_base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def confirmation_rows(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.recipient_id == user.id, Notification.kind == "email_confirmation")
            .order_by(Notification.id)
        )
    )


def link_of(user: User) -> str:
    return confirmation_rows(user)[-1].context["link"]


def token_of(user: User) -> str:
    return link_of(user).rsplit("/", 1)[1]


def path_of(link: str) -> str:
    assert link.startswith(f"{BASE}/profile/email/confirm/")
    return link.removeprefix(BASE)


def test_the_profile_page_sends_a_link_to_the_new_address_which_confirms_it(client, make_user, login, mail_config):
    user = make_user("volunteer", display_name="梁子轩", email="old@example.org")
    login(user)
    page = client.get("/profile")
    assert page.status_code == 200 and "old@example.org" in page.get_data(as_text=True)
    saved = client.post("/profile", data={"display_name": "梁子轩 Leo", "email": "Leo@Example.ORG", "locale": "en"})
    assert saved.status_code == 302
    user = fresh(user)
    assert (user.display_name, user.locale) == ("梁子轩 Leo", "en")
    assert (user.email, user.pending_email) == ("old@example.org", "Leo@example.org")  # old one stays in use
    [row] = confirmation_rows(user)
    assert (row.channel, row.recipient_id) == ("email", user.id)

    reminders.dispatch_due(Soon())
    [message] = mail_config.messages
    assert message["To"] == "梁子轩 Leo <Leo@example.org>"
    assert message["X-Notification-Kind"] == "email_confirmation"
    link = path_of(link_of(user))  # built from PUBLIC_BASE_URL, not from the Host the request named (localhost)
    assert link_of(user) in message.get_content() and "localhost" not in message.get_content()

    shown = client.get(link)
    assert shown.status_code == 200 and "Leo@example.org" in shown.get_data(as_text=True)
    assert fresh(user).email == "old@example.org"  # opening the link alone changes nothing
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    user = fresh(user)
    assert (user.email, user.pending_email) == ("Leo@example.org", None)
    assert client.post(link).status_code == 400  # used once


def test_until_confirmed_notices_go_to_the_old_address_or_to_none(make_user, mail_config):
    with_old = make_user("volunteer", email="old@example.org")
    without = make_user("volunteer")
    for user in (with_old, without):
        profile.update_profile(user, email=f"new{user.id}@example.org")
        reminders.notify(user, "test", subject=("check", user.id), context={})
    db.session.commit()
    channels = {(r.recipient_id, r.channel) for r in db.session.scalars(sa.select(Notification))
                if r.kind == "test"}  # fmt: skip
    assert channels == {(with_old.id, "inbox"), (with_old.id, "email"), (without.id, "inbox")}
    reminders.dispatch_due(Soon())
    sent = sorted((m["X-Notification-Kind"], m["To"].addresses[0].addr_spec) for m in mail_config.messages)
    assert sent == sorted([
        ("email_confirmation", f"new{with_old.id}@example.org"), ("email_confirmation", f"new{without.id}@example.org"),
        ("test", "old@example.org"),
    ])  # fmt: skip


def test_the_link_goes_out_even_with_email_switched_off(make_user, mail_config):
    user = make_user("volunteer")
    reminders.update_preferences(user, user, email=False, webhook=False, opted_out=[], quiet_hours=True)
    profile.update_profile(user, email="me@example.org")
    assert reminders.dispatch_due(Soon()).sent == 1
    assert [m["To"].addresses[0].addr_spec for m in mail_config.messages] == ["me@example.org"]


def test_a_wrong_an_expired_and_a_superseded_link_are_refused(client, make_user, login, monkeypatch):
    user = make_user("volunteer")
    login(user)
    client.post("/profile", data={"display_name": user.display_name, "email": "a@example.org", "locale": "zh_CN"})
    first = path_of(link_of(user))
    tampered = client.get(first[:-3] + "xyz")
    assert tampered.status_code == 400 and 'id="confirm-error"' in tampered.get_data(as_text=True)
    assert client.post(first[:-3] + "xyz").status_code == 400

    client.post("/profile", data={"display_name": user.display_name, "email": "b@example.org", "locale": "zh_CN"})
    assert confirmation_rows(user)[0].status == "cancelled"  # the link to a is not sent any more
    assert client.post(first).status_code == 400  # a link to an address no longer asked for
    assert fresh(user).email is None

    two_days_ago = int(time.time()) - 49 * 3600
    with monkeypatch.context() as patch:  # only while the link is made: the session cookie is signed the same way
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: two_days_ago)
        profile.resend_confirmation(fresh(user))
    expired = client.post(path_of(link_of(user)))
    assert expired.status_code == 400
    assert fresh(user).email is None and fresh(user).pending_email == "b@example.org"


def test_the_api_reads_and_edits_ones_own_details_and_confirms_with_the_token(client, make_user, token_for):
    user = make_user("volunteer", phone="13800138001", display_name="陈嘉欣")
    headers = token_for(user)
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert (me["phone"], me["email"], me["pending_email"]) == ("13800138001", None, None)
    bad = client.patch("/api/v1/me", json={"email": "not-an-address"}, headers=headers)
    assert bad.status_code == 422 and list(bad.get_json()["errors"]) == ["email"]
    patched = client.patch(
        "/api/v1/me", json={"display_name": "陈嘉欣 Jessie", "email": "jx@example.org", "locale": "en"}, headers=headers
    ).get_json()
    assert (patched["display_name"], patched["locale"]) == ("陈嘉欣 Jessie", "en")
    assert (patched["email"], patched["pending_email"]) == (None, "jx@example.org")

    refused = client.post("/api/v1/me/email/confirm", json={"token": token_of(user) + "x"}, headers=headers)
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["token"]
    other = make_user("volunteer")
    not_theirs = client.post("/api/v1/me/email/confirm", json={"token": token_of(user)}, headers=token_for(other))
    assert not_theirs.status_code == 422 and fresh(user).email is None
    confirmed = client.post("/api/v1/me/email/confirm", json={"token": token_of(user)}, headers=headers).get_json()
    assert (confirmed["email"], confirmed["pending_email"]) == ("jx@example.org", None)
    removed = client.patch("/api/v1/me", json={"email": None}, headers=headers).get_json()
    assert removed["email"] is None


def test_no_one_reaches_another_persons_details(client, make_user, login, token_for):
    volunteer, staff = make_user("volunteer"), make_user("social_worker", email="sw@example.org")
    headers = token_for(volunteer)
    refused = client.put(f"/api/v1/users/{staff.id}/email", json={"email": "x@example.org"}, headers=headers)
    assert refused.status_code == 403
    login(volunteer)
    assert client.post(f"/admin/users/{staff.id}/email", data={"email": "x@example.org"}).status_code == 403
    assert client.patch("/api/v1/me", json={"display_name": "改名"}, headers=headers).status_code == 200
    assert fresh(staff).email == "sw@example.org" and fresh(staff).display_name != "改名"


def test_an_admin_sets_a_staff_members_address_directly_and_it_is_audited(client, make_user, login, token_for):
    admin, staff = make_user("admin"), make_user("league_staff")
    login(admin)
    assert "set-email" in client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{staff.id}/email", data={"email": "chenxiao@example.org"})
    assert response.status_code == 302
    assert (fresh(staff).email, fresh(staff).pending_email) == ("chenxiao@example.org", None)
    assert confirmation_rows(staff) == []
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "user", AuditEntry.object_id == str(staff.id))
    ).all()[-1]
    assert entry.actor_id == admin.id and entry.detail == {"email": "set"}
    answer = client.put(f"/api/v1/users/{staff.id}/email", json={"email": None}, headers=token_for(admin))
    assert answer.status_code == 200 and answer.get_json()["email"] is None


def test_links_a_day_are_limited(make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_PER_DAY", 2)
    user = make_user("volunteer")
    profile.update_profile(user, email="one@example.org")
    profile.resend_confirmation(user)
    with pytest.raises(Invalid) as error:
        profile.update_profile(user, email="two@example.org", display_name="新名字")
    assert "email" in error.value.errors
    assert (fresh(user).pending_email, fresh(user).display_name) == ("one@example.org", user.display_name)


def test_an_admin_creating_a_user_gives_a_well_formed_address(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    body = {"username": "chenxiao", "password": "long-enough-pw", "display_name": "陈晓", "roles": ["league_staff"]}
    refused = client.post("/api/v1/users", json={**body, "email": "chenxiao at example"}, headers=headers)
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["email"]
    created = client.post("/api/v1/users", json={**body, "email": "ChenXiao@Example.org"}, headers=headers)
    assert created.status_code == 201
    assert db.session.scalar(sa.select(User.email).where(User.username == "chenxiao")) == "ChenXiao@example.org"
