"""The receptions' pages and API: staff record visitors and see them in full; a deputy reads the receptions they
are on duty at with names and phones masked; everyone else is refused."""

from __future__ import annotations

from datetime import date
from unittest.mock import patch

import sqlalchemy as sa

from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need, ReceptionVisitor

TUESDAY = "2026-10-13"


def _form(town_place, **changes) -> dict:
    data = {
        "name": "黄伯",
        "phone": "13712345678",
        "raised": "村口路灯坏了两个月，晚上很黑",
        "category": "infrastructure",
        "community_id": str(town_place["草场"].id),
        "deputy_id": str(town_place["deputy"].id),
        "owner": "deputy",
    }
    data.update(changes)
    return data


def test_the_receptions_page_lists_next_dates_and_says_which_holidays_were_skipped(town_place, cast, login):
    with patch("volunteer_app.needs.services.receptions.today", return_value=date(2026, 9, 30)):
        page = login(cast["league"]).get("/receptions").get_data(as_text=True)
    assert "草场人大代表联络站" in page
    assert f'datetime="{TUESDAY}"' in page
    assert 'class="small text-muted mb-2 skipped-holidays"' in page and 'datetime="2026-10-06"' in page


def test_staff_record_a_visitor_from_the_page_and_see_it_in_full(town_place, cast, login):
    client = login(cast["league"])
    response = client.post(f"/receptions/{town_place['liaison'].id}/{TUESDAY}", data=_form(town_place))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    need = db.session.scalar(sa.select(Need))
    assert need.deputy_id == town_place["deputy"].id and need.status == "assigned"
    page = client.get(f"/receptions/{town_place['liaison'].id}/{TUESDAY}").get_data(as_text=True)
    assert "黄伯" in page and "13712345678" in page and need.tracking_number in page


def test_a_refused_visitor_form_shows_the_messages_and_stores_nothing(town_place, cast, login):
    response = login(cast["league"]).post(
        f"/receptions/{town_place['liaison'].id}/{TUESDAY}", data=_form(town_place, phone="12", raised="坏")
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ReceptionVisitor.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


def test_a_deputy_reads_their_reception_masked_and_cannot_record(town_place, cast, login):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, date.fromisoformat(TUESDAY))
    services.record_visitor(
        cast["league"],
        reception.id,
        services.VisitorInput(
            name="黄伯",
            phone="13712345678",
            raised="村口路灯坏了两个月",
            category="infrastructure",
            owner="deputy",
            deputy_id=town_place["deputy"].id,
        ),
    )
    client = login(cast["deputy"])
    page = client.get(f"/receptions/{town_place['liaison'].id}/{TUESDAY}").get_data(as_text=True)
    assert "黄*" in page and "137****5678" in page
    assert "黄伯" not in page and "13712345678" not in page
    assert 'id="record-visitor"' not in page
    response = client.post(f"/receptions/{town_place['liaison'].id}/{TUESDAY}", data=_form(town_place))
    assert response.status_code == 403 and db.session.scalar(sa.select(sa.func.count(Need.id))) == 1
    assert client.post(f"/receptions/{town_place['liaison'].id}/{TUESDAY}/on-duty", data={}).status_code == 403


def test_a_volunteer_is_refused(cast, login):
    assert login(cast["volunteer"]).get("/receptions").status_code == 403


def test_a_date_off_the_rule_is_not_found(town_place, cast, login):
    client = login(cast["league"])
    assert client.get(f"/receptions/{town_place['liaison'].id}/2026-10-06").status_code == 404
    assert client.get(f"/receptions/{town_place['liaison'].id}/2026-10-14").status_code == 404
    assert client.get(f"/receptions/{town_place['liaison'].id}/not-a-date").status_code == 404


def test_the_api_records_a_reception_and_a_visitor(town_place, cast, token_for, client):
    staff = token_for(cast["league"])
    station_id = town_place["liaison"].id
    refused = client.post("/api/v1/receptions", json={"station_id": station_id, "day": "2026-10-06"}, headers=staff)
    assert refused.status_code == 422 and "day" in refused.get_json()["errors"]
    opened = client.post("/api/v1/receptions", json={"station_id": station_id, "day": TUESDAY}, headers=staff)
    assert opened.status_code == 200, opened.get_json()
    reception = opened.get_json()
    assert {d["name"] for d in reception["deputies"]} == {"李代表", "陈代表"}
    body = {
        "name": "黄伯",
        "phone": "13712345678",
        "raised": "村口路灯坏了两个月",
        "category": "infrastructure",
        "owner": "deputy",
        "deputy_id": town_place["deputy"].id,
    }
    created = client.post(f"/api/v1/receptions/{reception['id']}/visitors", json=body, headers=staff)
    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    need = db.session.get(Need, answer["need_id"])
    assert answer["tracking_number"] == need.tracking_number and answer["need_status"] == "assigned"
    listed = client.get(f"/api/v1/receptions?station_id={station_id}&from=2026-10-01", headers=staff).get_json()
    assert [r["id"] for r in listed["items"]] == [reception["id"]] and listed["items"][0]["visitor_count"] == 1
    deputy = token_for(cast["deputy"])
    assert client.get("/api/v1/receptions", headers=deputy).get_json()["total"] == 1
    assert client.post(f"/api/v1/receptions/{reception['id']}/visitors", json=body, headers=deputy).status_code == 403
    assert client.get("/api/v1/receptions", headers=token_for(cast["volunteer"])).status_code == 403


def test_with_several_deputies_on_duty_staff_say_who_received_the_visitor(town_place, cast, login):
    response = login(cast["league"]).post(
        f"/receptions/{town_place['liaison'].id}/{TUESDAY}", data=_form(town_place, deputy_id="")
    )
    assert response.status_code == 422 and "请选择领办的代表" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0
