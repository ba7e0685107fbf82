"""POST /api/v1/needs: anyone without a token raises on the public form's rules; a caller who raises on someone's
behalf may name the source. Public callers never name one."""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import Source


def body(town_place, **changes) -> dict:
    data = {
        "category": "elderly",
        "community_id": town_place["北沙"].id,
        "description": "独居老人家里的水管漏水，需要上门维修",
        "place": "北沙村二巷",
        "contact_name": "陈伯",
        "contact_phone": "13711112222",
        "may_contact": True,
    }
    data.update(changes)
    return data


def only_need() -> Need:
    [need] = db.session.scalars(sa.select(Need))
    return need


def test_anyone_raises_a_need_without_a_token(client, town_place):
    response = client.post("/api/v1/needs", json=body(town_place))
    assert response.status_code == 201
    need = only_need()
    assert response.get_json() == {"id": need.id, "tracking_number": need.tracking_number, "status": "new"}
    assert (need.source, need.raised_by_id, need.contact_phone) == (Source.PUBLIC, None, "13711112222")


def test_a_public_caller_naming_a_source_is_told_which_field(client, town_place):
    response = client.post("/api/v1/needs", json=body(town_place, source="phone"))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["source"]
    group = client.post("/api/v1/needs", json=body(town_place, source_group_id=town_place["group"].id))
    assert list(group.get_json()["errors"]) == ["source_group_id"]
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


def test_bad_fields_are_named(client, town_place):
    response = client.post(
        "/api/v1/needs",
        json=body(town_place, category="weather", community_id=999999, description="短", contact_phone="123"),
    )
    assert response.status_code == 422
    assert {"category"} <= response.get_json()["errors"].keys()
    response = client.post(
        "/api/v1/needs", json=body(town_place, community_id=999999, description="短", contact_phone="123")
    )
    assert response.get_json()["errors"].keys() == {"community_id", "description", "contact_phone"}
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


def test_staff_with_a_token_raise_on_someones_behalf(client, town_place, cast, token_for):
    headers = token_for(cast["league"])
    response = client.post("/api/v1/needs", json=body(town_place, source="phone"), headers=headers)
    assert response.status_code == 201
    need = only_need()
    assert (need.source, need.raised_by_id) == (Source.PHONE, cast["league"].id)


def test_a_youth_group_source_names_the_group(client, town_place, cast, token_for):
    headers = token_for(cast["group_member"])
    missing = client.post("/api/v1/needs", json=body(town_place, source="youth_group"), headers=headers)
    assert list(missing.get_json()["errors"]) == ["source_group_id"]
    response = client.post(
        "/api/v1/needs",
        json=body(town_place, source="youth_group", source_group_id=town_place["group"].id),
        headers=headers,
    )
    assert response.status_code == 201
    assert only_need().source_group_id == town_place["group"].id


def test_a_volunteer_with_a_token_may_not_name_a_source(client, town_place, cast, token_for):
    headers = token_for(cast["volunteer"])
    assert client.post("/api/v1/needs", json=body(town_place, source="phone"), headers=headers).status_code == 403
    mine = client.post("/api/v1/needs", json=body(town_place), headers=headers)
    assert mine.status_code == 201
    assert (only_need().source, only_need().raised_by_id) == (Source.PUBLIC, cast["volunteer"].id)


def test_the_document_says_the_operation_takes_a_token_or_none(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/needs"]["post"]
    assert operation["security"] == [{}, {"bearerAuth": []}]
    assert set(operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1:]) == {"NeedIn"}
    track = spec["paths"]["/api/v1/needs/track/{tracking_number}"]["get"]
    assert track["security"] == []
