"""A set-password link: issued by staff, shown once, works once and for a while, sets the password."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD
from volunteer_app.accounts import password_links, services
from volunteer_app.accounts.models import User
from volunteer_app.core.errors import Forbidden, Invalid, Unauthenticated
from volunteer_app.extensions import db


@pytest.fixture
def imported(make_user):
    """A volunteer account made without a usable password, as an import makes it."""
    user = make_user("volunteer", phone="13811112222")
    user.password_hash = "!imported"
    db.session.commit()
    return user


def _token(link: str) -> str:
    return re.search(r"/password/set/([^/?#]+)", link).group(1)


def test_league_staff_show_a_link_and_the_volunteer_sets_a_password_with_it(client, login, make_user, imported):
    login(make_user("league_staff"))
    page = client.post(f"/users/{imported.id}/password-link").get_data(as_text=True)
    assert "<svg" in page  # the QR code to scan
    link = re.search(r'value="(http[^"]+/password/set/[^"]+)"', page).group(1)
    client.post("/logout")
    path = "/password/set/" + _token(link)
    assert client.get(path).status_code == 200
    bad = client.post(path, data={"password": "new-secret-9", "confirm": "other-secret-9"})
    assert bad.status_code == 422
    done = client.post(path, data={"password": "new-secret-9", "confirm": "new-secret-9"})
    assert done.status_code == 302
    assert services.authenticate("13811112222", "new-secret-9").id == imported.id
    used = client.get(path, follow_redirects=True).get_data(as_text=True)  # used: it no longer works
    assert "已被使用" in used or "has been used" in used


def test_league_staff_cannot_issue_links_for_staff_accounts(make_user):
    staff, admin = make_user("league_staff"), make_user("admin")
    with pytest.raises(Forbidden):
        password_links.issue(staff, admin.id)
    _, link = password_links.issue(admin, staff.id)  # admins may, for anyone
    assert "/password/set/" in link


def test_a_link_expires(app, make_user, imported, monkeypatch):
    _, link = password_links.issue(make_user("admin"), imported.id)
    monkeypatch.setitem(app.config, "PASSWORD_LINK_HOURS", -1)  # as if the hours had passed
    with pytest.raises(Invalid, match=r"expired|过期"):
        password_links.holder(_token(link))


def test_a_link_issued_before_a_password_change_no_longer_works(make_user, imported):
    _, link = password_links.issue(make_user("admin"), imported.id)
    imported.password_hash = generate_password_hash(PASSWORD)
    db.session.commit()
    with pytest.raises(Invalid):
        password_links.holder(_token(link))


def test_an_imported_account_cannot_log_in_before_its_password_is_set(imported):
    with pytest.raises(Unauthenticated):
        services.authenticate("13811112222", "!imported")
    assert db.session.get(User, imported.id).password_hash == "!imported"


def test_a_forged_link_is_not_found(client):
    assert client.get("/password/set/not-a-real-token").status_code == 404


def test_setting_the_password_ends_the_accounts_sessions(client, make_user, imported):
    before = imported.session_version
    _, link = password_links.issue(make_user("admin"), imported.id)
    password_links.set_password(_token(link), "new-secret-9", "new-secret-9")
    assert db.session.get(User, imported.id).session_version == before + 1
