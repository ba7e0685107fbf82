"""Following a need by its tracking number, on the public status page and the track API: its steps, public
history and outcome, never anyone's name, phone or photo; a merged need follows the one it was merged into; the
raiser rates a closed need there (1-2 reopens it for review)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need, NeedRating, NeedUpdate
from volunteer_app.needs.vocabulary import Status, UpdateKind

EN = {"Accept-Language": "en"}


@pytest.fixture
def worked(town_place, cast):
    """Takes a need through dispatch (by league staff, with a reason), a public reply and a private note by the
    team's leader, to closed with an outcome."""

    def work(need: Need, *, close: bool = True) -> Need:
        need = db.session.get(Need, need.id)
        services.assign_need(
            cast["league"],
            need,
            services.Assignment(kind="team", target_id=town_place["paired_team"].id),
            reason="派单内部说明",  # not written for the raiser: the change shows, its reason does not
        )
        services.change_status(cast["leader"], need, Status.ACCEPTED)
        need.updates.append(
            NeedUpdate(
                kind=UpdateKind.REPLY.value, text="周六上午安排志愿者清理", public=True, actor_id=cast["leader"].id
            )
        )
        need.updates.append(
            NeedUpdate(
                kind=UpdateKind.NOTE.value, text="内部备注：联系王阿姨确认", public=False, actor_id=cast["leader"].id
            )
        )
        if close:
            services.change_status(cast["leader"], need, Status.IN_PROGRESS)
            services.change_status(cast["leader"], need, Status.CLOSED, reason="已清理干净", public=True)
            need.outcome = "12名志愿者清理了河涌边的垃圾"
            need.closed_at = utcnow()
            need.times_closed += 1
        db.session.commit()
        return need

    return work


def merge(duplicate: Need, into: Need) -> None:
    duplicate = db.session.get(Need, duplicate.id)
    duplicate.merged_into_id = into.id
    services.change_status(SYSTEM, duplicate, Status.MERGED, reason="同一问题")
    db.session.commit()


def personal_data(need: Need, cast) -> list[str]:
    return [
        need.contact_name,
        need.contact_phone,
        "/photo",
        cast["league"].display_name,
        cast["leader"].display_name,
        "内部备注",
        "派单内部说明",
    ]


def test_the_status_page_shows_progress_and_nothing_personal(client, raise_need, worked, cast, town_place):
    need = raise_need(photo_name="abc.png", photo_type="image/png")
    worked(need, close=False)
    page = client.get(f"/needs/track/{need.tracking_number}", headers=EN)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert need.tracking_number in text
    assert "Environment" in text and "草场" in text
    assert "Dispatched" in text and "Accepted" in text
    assert "周六上午安排志愿者清理" in text  # the public reply
    assert "Town staff" in text and "草场青年志愿服务队" in text  # who acts, as a body, never as a person
    assert str(db.session.get(Need, need.id).deadline) in text
    for personal in personal_data(need, cast):
        assert personal not in text, personal
    assert page.headers["Cache-Control"] == "no-store"
    assert 'id="rate-form"' not in text  # not closed yet


def test_the_track_api_shows_progress_and_nothing_personal(client, raise_need, worked, cast):
    need = raise_need(photo_name="abc.png", photo_type="image/png")
    worked(need)
    response = client.get(f"/api/v1/needs/track/{need.tracking_number}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["category"], body["community"]) == ("closed", "environment", "草场")
    assert [step["done"] for step in body["steps"]] == [True] * 5
    assert body["outcome"] == "12名志愿者清理了河涌边的垃圾"
    assert body["handler"] == {"kind": "team", "name": "草场青年志愿服务队"}
    assert body["may_rate"] is True and body["rating"] is None
    assert {entry["by"] for entry in body["history"]} == {None, "town_staff", "assignee"}
    dumped = json.dumps(body, ensure_ascii=False)
    for personal in personal_data(need, cast):
        assert personal not in dumped, personal


def test_a_deputy_is_named_by_kind_only(client, raise_need, town_place):
    need = raise_need()
    services.assign(SYSTEM, need.id, services.Assignment(kind="deputy", target_id=town_place["deputy"].id))
    body = client.get(f"/api/v1/needs/track/{need.tracking_number}").get_json()
    assert body["handler"] == {"kind": "deputy", "name": ""}
    assert town_place["deputy"].name not in client.get(f"/needs/track/{need.tracking_number}").get_data(as_text=True)


def test_a_merged_need_follows_the_need_it_was_merged_into(client, raise_need, worked, cast):
    target, duplicate = raise_need(), raise_need()
    merge(duplicate, target)
    worked(target)
    page = client.get(f"/needs/track/{duplicate.tracking_number}", headers=EN)
    text = page.get_data(as_text=True)
    assert 'id="merged-note"' in text
    assert "12名志愿者清理了河涌边的垃圾" in text
    assert target.tracking_number not in text  # the other raiser's key
    for personal in personal_data(target, cast) + personal_data(duplicate, cast):
        assert personal not in text, personal
    body = client.get(f"/api/v1/needs/track/{duplicate.tracking_number}").get_json()
    assert (body["merged"], body["status"], body["tracking_number"]) == (True, "closed", duplicate.tracking_number)


def test_the_raiser_rates_a_closed_need_on_its_status_page(client, raise_need, worked):
    need = worked(raise_need())
    page = client.get(f"/needs/track/{need.tracking_number}")
    assert 'id="rate-form"' in page.get_data(as_text=True)
    assert page.get_data(as_text=True).count('type="radio"') == 5
    response = client.post(f"/needs/track/{need.tracking_number}/rate", data={"stars": "4", "comment": "很及时"})
    assert response.status_code == 302
    rating = db.session.scalar(sa.select(NeedRating))
    assert (rating.stars, rating.comment, rating.need_id, rating.round) == (4, "很及时", need.id, 1)
    text = client.get(f"/needs/track/{need.tracking_number}", headers=EN).get_data(as_text=True)
    assert 'id="rating"' in text and "4 of 5" in text and "很及时" in text
    assert 'id="rate-form"' not in text
    again = client.post(f"/needs/track/{need.tracking_number}/rate", data={"stars": "5"})
    assert again.status_code == 302  # refused, with a message, back where the raiser was
    assert db.session.scalar(sa.select(sa.func.count(NeedRating.id))) == 1


def test_a_low_rating_reopens_the_need_and_the_page_says_so(client, raise_need, worked):
    need = worked(raise_need())
    rated = client.post(f"/needs/track/{need.tracking_number}/rate", data={"stars": "2"}, headers=EN)
    assert rated.status_code == 302
    assert db.session.get(Need, need.id).status == Status.REOPENED
    text = client.get(f"/needs/track/{need.tracking_number}", headers=EN).get_data(as_text=True)
    assert 'id="reopened-note"' in text
    assert "Rated 2 of 5: reopened for staff to review." in text
    assert "Town staff" in text  # the review is the town's, whoever set it going


def test_a_rating_without_stars_is_refused_beside_the_stars(client, raise_need, worked):
    need = worked(raise_need())
    response = client.post(f"/needs/track/{need.tracking_number}/rate", data={"comment": "一般"}, headers=EN)
    assert response.status_code == 422
    assert "Give 1 to 5 stars." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(NeedRating.id))) == 0


def test_the_raiser_of_a_merged_need_rates_the_need_it_follows(client, raise_need, worked):
    target, duplicate = raise_need(), raise_need()
    merge(duplicate, target)
    worked(target)
    assert client.post(f"/needs/track/{duplicate.tracking_number}/rate", data={"stars": "5"}).status_code == 302
    rating = db.session.scalar(sa.select(NeedRating))
    assert (rating.need_id, rating.raised_need_id) == (target.id, duplicate.id)
    assert 'id="rate-form"' in client.get(f"/needs/track/{target.tracking_number}").get_data(as_text=True)


def test_the_api_rates_once_a_round(client, raise_need, worked):
    need = raise_need()
    url = f"/api/v1/needs/track/{need.tracking_number}/rate"
    assert client.post(url, json={"stars": 5}).status_code == 409  # not closed yet
    worked(need)
    assert client.post(url, json={"stars": 6}).get_json()["errors"].keys() == {"stars"}
    response = client.post(url, json={"stars": 1, "comment": "没人来"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["rating"]["stars"], body["may_rate"]) == ("reopened", 1, False)
    assert client.post(url, json={"stars": 3}).status_code == 409


def test_a_number_no_need_has_is_not_found(client, raise_need):
    raise_need()
    assert client.get("/needs/track/XQ-0000-0000").status_code == 404
    assert client.get("/api/v1/needs/track/XQ-0000-0000").status_code == 404
    assert client.get("/api/v1/needs/track/nonsense").status_code == 404
    assert client.post("/api/v1/needs/track/XQ-0000-0000/rate", json={"stars": 5}).status_code == 404


def test_the_lookup_form_takes_the_number_as_people_type_it(client, raise_need):
    need = raise_need()
    typed = need.tracking_number.lower().replace("-", " ")
    response = client.get("/needs/track", query_string={"number": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/needs/track/{need.tracking_number}")
    refused = client.get("/needs/track", query_string={"number": "12345"}, headers=EN)
    assert refused.status_code == 200 and "is-invalid" in refused.get_data(as_text=True)
    assert "is-invalid" not in client.get("/needs/track").get_data(as_text=True)
    lower = client.get(f"/needs/track/{need.tracking_number.lower()}")
    assert lower.status_code == 302 and lower.headers["Location"].endswith(need.tracking_number)
