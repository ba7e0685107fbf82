from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.organisations.factories import make_service_point
from volunteer_app.accounts.models import ApiToken, User
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db


def test_a_token_is_issued_for_good_credentials_and_identifies_the_user(client, make_user):
    user = make_user("league_staff", display_name="陈晓")
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == user.username
    assert me.get_json()["display_name"] == "陈晓"
    assert me.get_json()["roles"] == ["league_staff"]


def test_tokens_are_stored_only_as_digests(client, make_user):
    user = make_user("volunteer")
    token = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}).get_json()
    stored = db.session.scalar(sa.select(ApiToken.token_hash))
    assert stored != token["access_token"]
    assert len(stored) == 64


def test_wrong_credentials_get_401_in_json(client, make_user):
    user = make_user("volunteer")
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": "wrong-one"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_a_token_request_missing_fields_gets_field_errors(client):
    response = client.post("/api/v1/auth/token", json={"username": "someone"})
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]


def test_malformed_json_is_a_400_json_error_not_a_500(client):
    response = client.post(
        "/api/v1/auth/token", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.is_json
    assert "error" in response.get_json()


def test_an_oversized_body_is_refused_with_413(app, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/api/v1/auth/token", data=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_calls_without_a_token_or_with_a_bad_one_get_401(client):
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthenticated"


def test_an_expired_token_gets_401_and_says_so(client, make_user, token_for):
    headers = token_for(make_user("volunteer"))
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers | {"Accept-Language": "en"})
    assert response.status_code == 401
    assert "expired" in response.get_json()["error"]["message"]


def test_a_session_cookie_does_not_authenticate_api_calls(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/api/v1/me").status_code == 401


def test_an_admin_creates_a_user_with_roles_and_scopes(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    point = make_service_point()
    response = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "huangmin",
            "password": "long-enough-pw",
            "display_name": "黄敏",
            "roles": ["volunteer", {"role": "social_worker", "scope": f"service_point:{point.id}"}],
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"] > 0
    assert body["roles"] == ["social_worker", "volunteer"]
    assert {"role": "social_worker", "scope_kind": "service_point", "scope_id": point.id,
            "scope_name": point.name} in body["grants"]
    assert "password" not in body


def test_creating_a_user_with_bad_fields_reports_each_field_and_writes_nothing(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "a", "password": "short", "display_name": "", "roles": ["wizard"], "phone": "123"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"username", "password", "display_name", "roles", "phone"}
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


@pytest.mark.parametrize(
    "scope",
    [
        "service_point:2147483648",  # PostgreSQL: integer out of range when looking the point up
        "service_point:99999999999999999999",  # SQLite too: beyond its 64-bit INTEGER
        "service_point:²",  # a digit to str.isdigit, not to int()
    ],
)
def test_a_scope_naming_no_possible_id_is_a_field_error_and_writes_nothing(client, make_user, token_for, scope):
    headers = token_for(make_user("admin"))
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    body = {"username": "scoped", "password": "long-enough-pw", "display_name": "x",
            "roles": [{"role": "social_worker", "scope": scope}]}  # fmt: skip
    response = client.post("/api/v1/users", headers=headers, json=body)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["roles"]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_roles_are_documented_as_names_or_scoped_objects(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    name, scoped = schemas["UserCreate"]["properties"]["roles"]["items"]["oneOf"]
    assert "social_worker" in name["enum"]
    assert scoped["required"] == ["role"] and set(scoped["properties"]) == {"role", "scope"}


def test_a_duplicate_username_is_a_field_error(client, make_user, token_for):
    admin = make_user("admin")
    headers = token_for(admin)
    body = {
        "username": admin.username.upper(), "password": "long-enough-pw", "display_name": "x", "roles": ["volunteer"]
    }
    response = client.post("/api/v1/users", headers=headers, json=body)
    assert response.status_code == 422
    assert "username" in response.get_json()["errors"]


def test_unknown_fields_in_a_body_are_reported(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    body = {
        "username": "newone", "password": "long-enough-pw", "display_name": "x", "roles": ["volunteer"], "isAdmin": 1
    }
    response = client.post("/api/v1/users", headers=headers, json=body)
    assert response.status_code == 422
    assert "isAdmin" in response.get_json()["errors"]


def test_only_admins_create_or_list_users(client, make_user, token_for):
    headers = token_for(make_user("league_staff"))
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    response = client.post("/api/v1/users", headers=headers, json={})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_the_user_list_is_paginated_and_searchable(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    for n in range(5):
        make_user("volunteer", display_name=f"志愿者{n}")
    page = client.get("/api/v1/users?per_page=2&page=2", headers=headers).get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (6, 2, 2, 2)
    found = client.get("/api/v1/users?q=志愿者3", headers=headers).get_json()
    assert [u["display_name"] for u in found["items"]] == ["志愿者3"]
    capped = client.get("/api/v1/users?per_page=1000", headers=headers).get_json()
    assert capped["per_page"] == 100


def test_bad_paging_arguments_are_422_not_500(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    response = client.get("/api/v1/users?page=zero", headers=headers)
    assert response.status_code == 422
    assert "page" in response.get_json()["errors"]


def test_unknown_api_paths_answer_json_not_html(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
