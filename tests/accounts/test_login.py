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


def _fail(user, times, now):
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            services.authenticate(user.username, "wrong-password", now=now)


def test_failures_in_a_row_make_the_account_wait_longer_each_time(app, make_user):
    user = make_user("volunteer")
    now = utcnow()
    _fail(user, app.config["LOGIN_THROTTLE_AFTER"], now)
    base = app.config["LOGIN_THROTTLE_BASE_SECONDS"]
    with pytest.raises(Unauthenticated, match=r"Wrong username or password|用户名或密码错误"):
        services.authenticate(user.username, PASSWORD, now=now + timedelta(seconds=base - 1))  # even the right one
    _fail(user, 1, now + timedelta(seconds=base))  # the wait is over: one more failure doubles it
    assert db.session.get(User, user.id).locked_until == now + timedelta(seconds=base * 3)
    assert services.authenticate(user.username, PASSWORD, now=now + timedelta(seconds=base * 3)).id == user.id
    assert db.session.get(User, user.id).failed_logins == 0
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.object_id == str(user.id)))]
    assert "throttle" in actions and "login_throttled" in actions  # admins see both in the audit log


def test_the_wait_never_exceeds_the_maximum_and_guesses_while_waiting_do_not_lengthen_it(app, make_user):
    user = make_user("volunteer")
    now = utcnow() - timedelta(days=2)
    for _ in range(app.config["LOGIN_THROTTLE_AFTER"] + 30):  # each failure as soon as the last wait is over
        last_failure = now
        _fail(user, 1, now)
        now = db.session.get(User, user.id).locked_until or now
    assert now - last_failure == timedelta(seconds=app.config["LOGIN_THROTTLE_MAX_SECONDS"])
    _fail(user, 3, now - timedelta(seconds=1))  # guesses while waiting: not checked, not counted
    user = db.session.get(User, user.id)
    assert user.locked_until == now
    assert user.failed_logins == app.config["LOGIN_THROTTLE_AFTER"] + 30


def test_a_device_the_owner_logged_in_from_is_not_held_up_by_a_strangers_guesses(app, make_user):
    owner = make_user("admin")
    owners_phone, stranger = app.test_client(), app.test_client()
    assert owners_phone.post("/login", data={"login": owner.username, "password": PASSWORD}).status_code == 302
    owners_phone.post("/logout")
    for _ in range(app.config["LOGIN_THROTTLE_AFTER"] + 2):
        stranger.post("/login", data={"login": owner.username, "password": "guess-guess"})
    assert stranger.post("/login", data={"login": owner.username, "password": PASSWORD}).status_code == 422
    assert owners_phone.post("/login", data={"login": owner.username, "password": PASSWORD}).status_code == 302


def test_a_forged_device_cookie_vouches_for_nobody(app, make_user):
    user = make_user("volunteer")
    _fail(user, app.config["LOGIN_THROTTLE_AFTER"], utcnow())
    client = app.test_client()
    client.set_cookie("shanzhi_known", f"[{user.id}].forged")
    assert client.post("/login", data={"login": user.username, "password": PASSWORD}).status_code == 422


def test_a_wrong_password_an_unknown_login_and_a_waiting_account_answer_alike(app, client, make_user, monkeypatch):
    """The same words, and the same work: exactly one password hash is checked on every path."""
    waiting, known = make_user("volunteer"), make_user("volunteer")
    _fail(waiting, app.config["LOGIN_THROTTLE_AFTER"], utcnow())
    checks = []
    real_check = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda *a: checks.append(1) or real_check(*a))
    answers = []
    for login_name, password in (
        (known.username, "wrong-pass"),
        ("nobody-at-all", "wrong-pass"),
        (waiting.username, PASSWORD),
    ):
        checks.clear()
        response = client.post("/login", data={"login": login_name, "password": password})
        text = response.get_data(as_text=True)
        answers.append((response.status_code, "用户名或密码错误" in text, "锁定" in text, len(checks)))
    assert answers == [(422, True, False, 1)] * 3


def test_five_failures_then_a_success_resets_the_counter(make_user):
    user = make_user("volunteer")
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            services.authenticate(user.username, "wrong-password")
    services.authenticate(user.username, PASSWORD)
    assert db.session.get(User, user.id).failed_logins == 0


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
