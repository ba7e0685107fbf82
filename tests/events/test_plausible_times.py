"""Implausible times are refused: a session longer than SESSION_MAX_HOURS, and publishing an event already over or
whose first session is more than EVENT_MAX_DAYS_AHEAD away (a mistyped year)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.events.conftest import NOW
from tests.events.test_events_api import body
from volunteer_app.core.time import to_local
from volunteer_app.events.models import Event
from volunteer_app.extensions import db


def _sessions(starts: datetime, ends: datetime) -> list[dict]:
    return [{"starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "roles": [{"name": "会务", "capacity": 1}]}]


def test_the_api_refuses_a_session_longer_than_the_configured_length(
    app, monkeypatch, client, staff, token_for, communities
):
    headers = token_for(staff)
    start = NOW + timedelta(days=6)
    years = body(communities["北沙"].id, sessions=_sessions(start, start + timedelta(days=800)))
    response = client.post("/api/v1/events", json=years, headers=headers)
    assert response.status_code == 422 and "sessions.0.ends_at" in response.get_json()["errors"]

    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 3)
    four_hours = body(communities["北沙"].id, sessions=_sessions(start, start + timedelta(hours=4)))
    response = client.post("/api/v1/events", json=four_hours, headers=headers)
    assert response.status_code == 422 and "sessions.0.ends_at" in response.get_json()["errors"]
    three_hours = body(communities["北沙"].id, sessions=_sessions(start, start + timedelta(hours=3)))
    assert client.post("/api/v1/events", json=three_hours, headers=headers).status_code == 201


def test_publishing_an_event_that_is_already_over_is_refused(client, staff, token_for, communities):
    headers = token_for(staff)
    start = datetime(1970, 1, 3, 1, tzinfo=UTC)
    draft = body(
        communities["北沙"].id,
        status="draft",
        signup_opens_at=None,
        signup_closes_at=(start - timedelta(days=1)).isoformat(),
        sessions=_sessions(start, start + timedelta(hours=2)),
    )
    event_id = client.post("/api/v1/events", json=draft, headers=headers).get_json()["id"]
    response = client.patch(f"/api/v1/events/{event_id}", json={"status": "published"}, headers=headers)
    assert response.status_code == 422 and "sessions.0.ends_at" in response.get_json()["errors"]
    assert db.session.get(Event, event_id).status == "draft"


def test_publishing_an_event_more_than_the_configured_days_ahead_is_refused(
    app, monkeypatch, client, staff, token_for, communities
):
    headers = token_for(staff)
    start = NOW + timedelta(days=400)
    far = body(communities["北沙"].id, sessions=_sessions(start, start + timedelta(hours=2)))
    response = client.post("/api/v1/events", json=far, headers=headers)
    assert response.status_code == 422 and "sessions.0.starts_at" in response.get_json()["errors"]
    monkeypatch.setitem(app.config, "EVENT_MAX_DAYS_AHEAD", 500)
    assert client.post("/api/v1/events", json=far, headers=headers).status_code == 201


def test_the_session_page_refuses_a_session_of_days_with_the_limit_in_its_message(client, login, staff, event):
    login(staff)
    start = to_local(NOW + timedelta(days=10)).replace(tzinfo=None)
    response = client.post(
        f"/events/{event.id}/sessions/new",
        data={
            "title": "",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422
    assert "168" in response.get_data(as_text=True)
    assert len(db.session.get(Event, event.id).sessions) == 1
