"""Raising a need on the public form (phone first, no account), with an optional photo checked by its content, and
staff entering one on someone's behalf."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from volunteer_app.core.errors import Invalid
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need
from volunteer_app.needs.services.photos import photo_dir
from volunteer_app.needs.vocabulary import Source

EN = {"Accept-Language": "en"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def form(town_place, **changes) -> dict:
    data = {
        "category": "environment",
        "community_id": str(town_place["草场"].id),
        "description": "河涌边有垃圾堆积，已经一周没人清理",
        "place": "草场村河涌边",
        "contact_name": "王阿姨",
        "contact_phone": "13812345678",
        "may_contact": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def stored() -> list[Need]:
    return list(db.session.scalars(sa.select(Need)))


def test_the_public_form_reads_on_a_phone_and_lists_the_communities(client, town_place):
    page = client.get("/needs/raise", headers=EN)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in text
    assert "草场" in text and "金溪" in text
    assert 'inputmode="tel"' in text
    assert page.headers["Cache-Control"] == "no-store"  # it carries this session's form token


def test_the_public_form_stores_a_need_and_shows_its_number(client, town_place):
    response = client.post("/needs/raise", data=form(town_place))
    assert response.status_code == 302
    [need] = stored()
    assert (need.source, need.status, need.raised_by_id) == (Source.PUBLIC, "new", None)
    assert (need.contact_name, need.contact_phone, need.may_contact) == ("王阿姨", "13812345678", True)
    assert need.photo_name is None
    page = client.get(response.headers["Location"], headers=EN)
    text = page.get_data(as_text=True)
    assert need.tracking_number in text
    assert f"/needs/track/{need.tracking_number}" in text
    assert "Keep this number" in text
    assert page.headers["Cache-Control"] == "no-store"


def test_the_number_page_without_a_need_just_raised_sends_to_the_form(client):
    response = client.get("/needs/raised")
    assert response.status_code == 302 and response.headers["Location"].endswith("/needs/raise")


def test_every_bad_field_is_named_beside_it_and_nothing_is_stored(client, town_place):
    response = client.post(
        "/needs/raise",
        data=form(
            town_place,
            category="weather",
            community_id="999999",
            description="脏",
            place="很" * 201,
            contact_name="名" * 81,
            contact_phone="12345",
        ),
        headers=EN,
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    for message in (
        "Choose a category from the list.",
        "Choose a community from the list.",
        "Say in a few words what is wrong",
        "Keep it under 200 characters.",
        "Keep it under 80 characters.",
        "Give an 11-digit mainland mobile number.",
    ):
        assert message in text, message
    assert text.count("is-invalid") >= 6
    assert stored() == []


def test_contact_wanted_needs_a_phone(client, town_place):
    response = client.post("/needs/raise", data=form(town_place, contact_phone=""), headers=EN)
    assert response.status_code == 422
    assert "Give a phone number, or say we may not contact you." in response.get_data(as_text=True)
    assert stored() == []
    assert client.post("/needs/raise", data=form(town_place, contact_phone="", contact_name="", may_contact=None))
    assert len(stored()) == 1


def _with_photo(town_place, data: bytes, filename: str) -> dict:
    return {**form(town_place), "photo": (io.BytesIO(data), filename)}


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [(PNG, "photo.jpg", "image/png"), (JPEG, "IMG.JPG", "image/jpeg")],
    ids=["png-named-jpg", "jpeg"],
)
def test_a_photo_is_taken_by_its_content_whatever_its_name(client, town_place, data, filename, content_type):
    response = client.post(
        "/needs/raise", data=_with_photo(town_place, data, filename), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    [need] = stored()
    assert need.photo_type == content_type
    assert need.photo_name.endswith(".png" if content_type == "image/png" else ".jpg")
    assert "photo" not in need.photo_name
    assert (photo_dir() / need.photo_name).read_bytes() == data


def test_a_text_file_named_like_a_photo_is_refused(client, town_place):
    response = client.post(
        "/needs/raise",
        data=_with_photo(town_place, b"<script>alert(1)</script>", "photo.jpg"),
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 422
    assert "The photo must be a JPEG or PNG picture." in response.get_data(as_text=True)
    assert stored() == []


def test_a_photo_too_big_is_refused(client, town_place, app, monkeypatch):
    monkeypatch.setitem(app.config, "NEED_PHOTO_MAX_BYTES", 50)
    before = set(photo_dir().iterdir())
    response = client.post(
        "/needs/raise", data=_with_photo(town_place, PNG, "big.png"), content_type="multipart/form-data", headers=EN
    )
    assert response.status_code == 422
    assert "The photo is larger than" in response.get_data(as_text=True)
    assert stored() == []
    assert set(photo_dir().iterdir()) == before


def test_the_photo_is_served_only_to_those_who_reach_the_need(client, town_place, cast, login):
    client.post("/needs/raise", data=_with_photo(town_place, PNG, "a.png"), content_type="multipart/form-data")
    [need] = stored()
    assert client.get(f"/needs/{need.id}/photo").status_code == 302  # to the login page
    login(cast["other_leader"])
    assert client.get(f"/needs/{need.id}/photo").status_code == 404
    client.post("/logout")
    login(cast["league"])
    response = client.get(f"/needs/{need.id}/photo")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_need_without_a_photo_has_none_to_serve(client, cast, login, raise_need):
    need = raise_need()
    login(cast["admin"])
    assert client.get(f"/needs/{need.id}/photo").status_code == 404


def test_a_signed_in_volunteer_raising_on_the_form_reaches_their_need(client, town_place, cast, login):
    login(cast["volunteer"])
    assert client.post("/needs/raise", data=form(town_place)).status_code == 302
    [need] = stored()
    assert need.raised_by_id == cast["volunteer"].id
    assert services.find_need(cast["volunteer"], need.id) == need


# ---------------------------------------------------------------------------------------------- staff intake


def test_staff_enter_a_need_from_a_phone_call(client, town_place, cast, login):
    login(cast["league"])
    page = client.get("/needs/new")
    assert page.status_code == 200
    response = client.post("/needs/new", data=form(town_place, source="phone"))
    assert response.status_code == 302
    [need] = stored()
    assert (need.source, need.raised_by_id, need.contact_name) == (Source.PHONE, cast["league"].id, "王阿姨")
    number_page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert need.tracking_number in number_page
    assert "Give the person who raised it this tracking number" in number_page


def test_staff_enter_a_need_a_youth_group_collected(client, town_place, cast, login):
    login(cast["admin"])
    group = town_place["group"]
    missing = client.post("/needs/new", data=form(town_place, source="youth_group"), headers=EN)
    assert missing.status_code == 422
    assert "Choose the youth governance group from the list." in missing.get_data(as_text=True)
    response = client.post("/needs/new", data=form(town_place, source="youth_group", source_group_id=str(group.id)))
    assert response.status_code == 302
    [need] = stored()
    assert (need.source, need.source_group_id) == (Source.YOUTH_GROUP, group.id)


def test_a_youth_group_member_raises_for_their_own_group_only(client, town_place, cast, login, make_user):
    member = cast["group_member"]
    login(member)
    assert "/needs/new" in client.get("/").get_data(as_text=True)  # a home card for the group's members
    page = client.get("/needs/new", headers=EN)
    assert page.status_code == 200
    assert "Phone call" not in page.get_data(as_text=True)  # only staff take calls
    other_town_group = town_place["group"].id + 1000
    refused = client.post(
        "/needs/new", data=form(town_place, source="youth_group", source_group_id=str(other_town_group))
    )
    assert refused.status_code == 422
    assert client.post("/needs/new", data=form(town_place, source="phone")).status_code == 403
    done = client.post(
        "/needs/new", data=form(town_place, source="youth_group", source_group_id=str(town_place["group"].id))
    )
    assert done.status_code == 302
    [need] = stored()
    assert (need.source, need.source_group_id, need.raised_by_id) == (
        Source.YOUTH_GROUP,
        town_place["group"].id,
        member.id,
    )


def test_those_who_raise_for_nobody_are_sent_to_the_public_form(client, town_place, cast, login):
    login(cast["volunteer"])
    assert "/needs/new" not in client.get("/").get_data(as_text=True)
    for response in (client.get("/needs/new"), client.post("/needs/new", data=form(town_place, source="phone"))):
        assert response.status_code == 302 and response.headers["Location"].endswith("/needs/raise")
    assert stored() == []


def test_staff_intake_takes_no_source_of_another_door(cast, town_place):
    data = services.NeedInput(category="other", community_id=town_place["草场"].id, description="路灯坏了好几天")
    with pytest.raises(Invalid) as refused:
        services.raise_for(cast["admin"], data, "reception")
    assert "source" in refused.value.errors
