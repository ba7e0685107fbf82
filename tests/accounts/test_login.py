from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from volunteer_app.accounts import services
from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Unauthenticated
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db


def test_a_user_logs_in_with_username_and_sees_their_home(client, make_user):
    user = make_user("volunteer", display_name="梁子轩")
    response = client.post("/login", data={"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert "梁子轩" in home.get_data(as_text=True)


def test_a_user_logs_in_with_their_phone_number(client, make_user):
    user = make_user("volunteer", phone="13800138000")
    response = client.post("/login", data={"login": "13800138000", "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize("login_name", ["nobody-here", "VOLUNTEER-1"])
def test_a_wrong_password_or_unknown_user_gets_the_same_message(client, make_user, login_name):
    make_user("volunteer")
    response = client.post("/login", data={"login": login_name, "password": "wrong-password"})
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_a_form_with_missing_fields_is_refused_with_field_messages(client):
    response = client.post("/login", data={"login": ""})
    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)


def test_six_failed_logins_lock_the_account_for_fifteen_minutes(app, make_user):
    user = make_user("volunteer")
    now = utcnow()
    for _ in range(6):
        with pytest.raises(Unauthenticated):
            services.authenticate(user.username, "wrong-password", now=now)
    with pytest.raises(Unauthenticated, match="15"):
        services.authenticate(user.username, PASSWORD, now=now + timedelta(minutes=1))
    assert services.authenticate(user.username, PASSWORD, now=now + timedelta(minutes=16)).id == user.id
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.object_id == str(user.id)))]
    assert "lock" in actions


def test_five_failures_then_a_success_resets_the_counter(make_user):
    user = make_user("volunteer")
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            services.authenticate(user.username, "wrong-password")
    services.authenticate(user.username, PASSWORD)
    assert db.session.get(User, user.id).failed_logins == 0


def test_a_locked_account_says_so_on_the_login_page(client, make_user):
    user = make_user("volunteer")
    for _ in range(6):
        client.post("/login", data={"login": user.username, "password": "nope-nope"})
    response = client.post("/login", data={"login": user.username, "password": PASSWORD})
    assert response.status_code == 422
    assert "锁定" in response.get_data(as_text=True)


def test_logout_ends_the_session(client, make_user, login):
    login(make_user("volunteer"))
    client.post("/logout")
    assert client.get("/admin/users").status_code == 302


def test_an_idle_session_expires(app, client, make_user, login):
    login(make_user("admin"))
    with client.session_transaction() as session:
        session["last_seen"] -= (app.config["SESSION_IDLE_MINUTES"] + 1) * 60
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_only_follows_next_within_the_site(client, make_user):
    user = make_user("volunteer")
    response = client.post(
        "/login?next=https://evil.example/steal", data={"login": user.username, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
