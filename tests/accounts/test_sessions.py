"""Ending sessions: logging out, changing the password, being disabled and an admin's "log out everywhere" end
every login session of the user (a copied cookie no longer works) and revoke their API tokens."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from volunteer_app.accounts.models import User
from volunteer_app.extensions import db


@pytest.fixture
def second_browser(app):
    """Another browser, or an attacker who copied the session cookie."""

    def open_with(cookie: str):
        other = app.test_client()
        other.set_cookie("session", cookie)
        return other

    return open_with


@pytest.fixture
def users_browser(app):
    """The user's own browser, signed in, beside the admin's (the `client`)."""

    def sign_in(user: User):
        browser = app.test_client()
        assert browser.post("/login", data={"login": user.username, "password": PASSWORD}).status_code == 302
        return browser

    return sign_in


def _signed_in(browser, user: User) -> bool:
    return 'id="logout"' in browser.get("/").get_data(as_text=True)


def _token_works(client, headers) -> bool:
    return client.get("/api/v1/me", headers=headers).status_code == 200


def test_a_copied_session_cookie_no_longer_works_after_logout(client, make_user, login, second_browser, token_for):
    user = make_user("volunteer")
    login(user)
    headers = token_for(user)
    copied = second_browser(client.get_cookie("session").value)
    assert _signed_in(copied, user)

    client.post("/logout")

    assert not _signed_in(copied, user)
    assert copied.get("/admin/users").status_code == 302
    assert not _token_works(client, headers)


def test_a_password_change_ends_the_other_sessions_and_the_tokens(client, make_user, login, second_browser, token_for):
    user = make_user("volunteer")
    login(user)
    headers = token_for(user)
    elsewhere = second_browser(client.get_cookie("session").value)

    assert 'id="change-password"' in client.get("/profile").get_data(as_text=True)

    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "a-new-password-7"}
    )

    assert response.status_code == 302
    assert _signed_in(client, user), "the browser that changed it stays signed in"
    assert not _signed_in(elsewhere, user)
    assert not _token_works(client, headers)
    assert client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}).status_code == 401
    token_for(user, "a-new-password-7")


def test_a_wrong_current_password_changes_nothing(client, make_user, login):
    user = make_user("volunteer")
    login(user)
    response = client.post("/account/password", data={"current_password": "wrong", "new_password": "a-new-password-7"})
    assert response.status_code == 422
    assert db.session.get(User, user.id).session_version == 1
    token_for_old = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    assert token_for_old.status_code == 200


def test_disabling_a_user_ends_their_sessions_and_tokens_for_good(client, make_user, login, users_browser, token_for):
    user = make_user("volunteer")
    browser = users_browser(user)
    headers = token_for(user)
    login(make_user("admin"))

    client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    client.post(f"/admin/users/{user.id}/active", data={"active": "1"})

    assert not _signed_in(browser, user), "enabling the account again does not revive its old sessions"
    assert not _token_works(client, headers)


def test_an_admin_logs_a_user_out_everywhere_from_the_user_page(client, make_user, login, users_browser, token_for):
    user = make_user("volunteer")
    browser, other_device = users_browser(user), users_browser(user)
    headers = token_for(user)
    login(make_user("admin"))
    assert "log-out-everywhere" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)

    response = client.post(f"/admin/users/{user.id}/sessions/end")

    assert response.status_code == 302
    assert not _signed_in(browser, user) and not _signed_in(other_device, user)
    assert not _token_works(client, headers)
    assert db.session.get(User, user.id).active, "the account itself stays usable: the user logs in again"
    assert _signed_in(users_browser(user), user)


def test_an_admin_logs_a_user_out_everywhere_through_the_api(client, make_user, token_for):
    user = make_user("volunteer")
    users_token = token_for(user)
    admin_token = token_for(make_user("admin"))

    response = client.post(f"/api/v1/users/{user.id}/sessions/end", headers=admin_token)

    assert response.status_code == 204
    assert not _token_works(client, users_token)
    assert _token_works(client, admin_token)
    assert client.post(f"/api/v1/users/{user.id}/sessions/end", headers=users_token).status_code == 401


def test_only_admins_end_others_sessions_and_not_their_own_token_in_use(client, make_user, token_for):
    volunteer, admin = make_user("volunteer"), make_user("admin")
    volunteer_token, admin_token = token_for(volunteer), token_for(admin)

    assert client.post(f"/api/v1/users/{admin.id}/sessions/end", headers=volunteer_token).status_code == 403
    assert client.post(f"/api/v1/users/{admin.id}/sessions/end", headers=admin_token).status_code == 409
    assert _token_works(client, admin_token)


def test_a_session_from_before_session_versions_is_not_honoured(client, make_user, login, app):
    """Cookies written before this change carry the bare user id: they name no version, so they log nobody in."""
    user = make_user("volunteer")
    login(user)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert not _signed_in(client, user)
