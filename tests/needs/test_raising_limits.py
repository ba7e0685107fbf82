"""The public form and the anonymous API raise at most NEED_RAISE_RATE_LIMIT needs per address and per phone
number, counted together; a refused attempt is told why (a page, or 429 on the API). Limits are off in the test
configuration, so these tests build an app with them on, as the login limits' tests do."""

from __future__ import annotations

import pytest

from volunteer_app import create_app
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db, limiter
from volunteer_app.organisations import services as org

EN = {"Accept-Language": "en"}


@pytest.fixture
def limited(tmp_path):
    app = create_app(
        "testing",
        INSTANCE_PATH=str(tmp_path),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'limits.db'}",
        RATELIMIT_ENABLED=True,
        NEED_RAISE_RATE_LIMIT="2 per hour",
    )
    with app.app_context():
        db.create_all()
        town = org.create_town(SYSTEM, name="里水镇", district="南海区")
        community = org.create_community(SYSTEM, town_id=town.id, name="草场")
        community_id = community.id
        limiter.reset()
    yield app.test_client(), community_id
    limiter.reset()


def page(client, community_id, phone, address, **changes):
    data = {
        "category": "environment",
        "community_id": str(community_id),
        "description": "路边垃圾桶满了没人清",
        "contact_phone": phone,
        **changes,
    }
    return client.post("/needs/raise", data=data, environ_base={"REMOTE_ADDR": address}, headers=EN)


def api(client, community_id, phone, address, headers=None):
    data = {"category": "environment", "community_id": community_id, "description": "路边垃圾桶满了没人清"}
    if phone:
        data["contact_phone"] = phone
    return client.post("/api/v1/needs", json=data, environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def test_one_phone_number_is_limited_whatever_the_address(limited):
    client, community = limited
    assert page(client, community, "13800000001", "10.0.0.1").status_code == 302
    assert api(client, community, "138 0000 0001", "10.0.0.2").status_code == 201
    refused = page(client, community, "13800000001", "10.0.0.3")
    assert refused.status_code == 429
    assert "too often" in refused.get_data(as_text=True)
    assert api(client, community, "+8613800000001", "10.0.0.4").status_code == 429
    assert page(client, community, "13800000002", "10.0.0.3").status_code == 302  # another phone from there


def test_one_address_is_limited_whatever_the_phone(limited):
    client, community = limited
    assert page(client, community, "13800000001", "10.0.0.9").status_code == 302
    assert api(client, community, "", "10.0.0.9").status_code == 201  # without a phone: the address still counts
    assert page(client, community, "13800000003", "10.0.0.9").status_code == 429
    response = api(client, community, "13800000004", "10.0.0.9")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert page(client, community, "13800000003", "10.0.0.10").status_code == 302


def test_a_refused_form_does_not_count(limited):
    client, community = limited
    for _attempt in range(3):
        assert page(client, community, "13800000001", "10.0.0.1", description="").status_code == 422
    assert page(client, community, "13800000001", "10.0.0.1").status_code == 302
    assert page(client, community, "13800000001", "10.0.0.1").status_code == 302
    assert page(client, community, "13800000001", "10.0.0.1").status_code == 429


def test_the_form_itself_is_never_limited(limited):
    client, _community = limited
    assert {client.get("/needs/raise", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code for _ in range(4)} == {200}
