import sqlalchemy as sa

from tests.organisations.factories import make_service_point
from volunteer_app.accounts.models import User
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org


def test_an_admin_creates_a_user_from_the_page(client, make_user, login):
    login(make_user("admin"))
    response = client.post(
        "/admin/users/new",
        data={"username": "chenxiao", "display_name": "陈晓", "password": "long-enough-pw", "roles": ["league_staff"]},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "chenxiao"))
    assert user.roles == ["league_staff"]


def test_the_new_user_page_shows_field_errors_and_saves_nothing(client, make_user, login):
    login(make_user("admin"))
    response = client.post(
        "/admin/users/new",
        data={"username": "ok-name", "display_name": "x", "password": "short", "roles": ["volunteer"], "scope": "team"},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.username == "ok-name")) is None
    assert "service_point:3" in response.get_data(as_text=True)  # the scope error shows an example


def test_the_user_list_searches_and_pages(client, make_user, login):
    login(make_user("admin"))
    for n in range(25):
        make_user("volunteer", display_name=f"队员{n:02d}")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "队员18" in first and "队员19" not in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "队员19" in second
    found = client.get("/admin/users?q=队员07").get_data(as_text=True)
    assert "队员07" in found and "队员08" not in found


def test_the_home_page_fits_the_role(client, make_user, login):
    login(make_user("social_worker"))
    page = client.get("/").get_data(as_text=True)
    assert "/admin/users" not in page
    client.post("/logout")
    login(make_user("admin"))
    assert "/admin/users" in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_see_a_welcome_page_with_a_login_link(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in page


def test_unknown_pages_answer_with_the_not_found_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


def test_forms_are_refused_without_a_csrf_token_when_protection_is_on(app, client, make_user):
    user = make_user("volunteer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"login": user.username, "password": "correct-horse-9"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


def test_an_admin_scopes_an_existing_user_on_their_page(client, make_user, login):
    login(make_user("admin"))
    worker = make_user("volunteer")
    scope = f"service_point:{make_service_point().id}"
    response = client.post(f"/admin/users/{worker.id}", data={"role": "social_worker", "scope": scope})
    assert response.status_code == 302
    db.session.expire_all()
    grants = {(g.role, g.scope_kind, g.scope_id) for g in db.session.get(User, worker.id).grants}
    assert grants == {("volunteer", None, None), ("social_worker", "service_point", int(scope.split(":")[1]))}
    again = client.post(f"/admin/users/{worker.id}", data={"role": "social_worker", "scope": scope})
    assert again.status_code == 422


def test_scopes_read_as_the_names_of_what_they_name(client, make_user, login):
    point = make_service_point()
    worker = make_user("social_worker", scope=f"service_point:{point.id}")
    login(worker)
    home = client.get("/").get_data(as_text=True)
    assert "新兴社会工作服务点" in home and f"service_point:{point.id}" not in home
    client.post("/logout")
    login(make_user("admin"))
    users = client.get("/admin/users").get_data(as_text=True)
    assert "新兴社会工作服务点" in users


def test_an_admin_cannot_disable_themself_or_drop_their_own_admin_role(client, make_user, login):
    admin = make_user("admin")
    login(admin)
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    client.post(f"/admin/users/{admin.id}/grants/{admin.grants[0].id}/remove")
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    assert db.session.get(User, admin.id).roles == ["admin"]


def test_a_disabled_account_cannot_log_in_and_enabling_unlocks_it(client, make_user, login):
    admin = make_user("admin")
    other = make_user("volunteer")
    login(admin)
    client.post(f"/admin/users/{other.id}/active", data={"active": "0"})
    client.post("/logout")
    refused = client.post("/login", data={"login": other.username, "password": "correct-horse-9"})
    assert refused.status_code == 422
    login(admin)
    client.post(f"/admin/users/{other.id}/active", data={"active": "1"})
    client.post("/logout")
    login(other)


def test_a_nul_character_in_a_page_request_is_a_400_not_a_database_error(client, make_user, login):
    """PostgreSQL refuses NUL in text: without the guard these were 500s there (and SQLite stored the NUL)."""
    assert client.post("/login", data={"login": "admin\x00", "password": "x"}).status_code == 400
    login(make_user("admin"))
    assert client.get("/admin/users?q=%00").status_code == 400
    assert client.get("/admin/users?q=ok").status_code == 200


def test_league_staff_of_a_community_are_called_community_staff_not_the_towns(client, make_user, login):
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    community = org.create_community(SYSTEM, town_id=town.id, name="草场", kind="community")
    login(make_user("league_staff", f"community:{community.id}"))
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Community staff · 里水镇 草场" in home and "Town Youth League staff" not in home
    client.post("/logout")
    login(make_user("admin"))
    users = client.get("/admin/users", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Community staff · 里水镇 草场" in users and "Administrator" in users
