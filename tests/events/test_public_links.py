"""Links that people and calendar apps keep are built on PUBLIC_BASE_URL, whatever Host the request named."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

BASE = "https://shanzhi.example.cn"
FORGED = {"HTTP_HOST": "evil.example"}  # what a client sends as its Host header


@pytest.fixture(autouse=True)
def public_base(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE + "/")


def test_feed_urls_from_the_api_ignore_a_forged_host(client, token_for, staff, team, communities):
    headers = token_for(staff)
    community = communities["草场"]
    for path in (f"/api/v1/teams/{team.id}/calendar-feed", f"/api/v1/communities/{community.id}/calendar-feed"):
        url = client.get(path, headers=headers, environ_overrides=FORGED).get_json()["url"]
        assert url.startswith(BASE + "/calendar/feeds/") and "evil" not in url
        assert client.get(url.removeprefix(BASE)).status_code == 200


def _login_through_the_forged_host(client, user) -> None:
    # the browser's cookies belong to the host it called, so the whole visit goes through the forged one
    data = {"login": user.username, "password": PASSWORD}
    assert client.post("/login", data=data, environ_overrides=FORGED).status_code == 302


def test_the_subscriptions_page_and_the_qr_code_ignore_a_forged_host(client, register, staff, event):
    _login_through_the_forged_host(client, register().user)
    page = client.get("/calendar/subscribe", environ_overrides=FORGED).get_data(as_text=True)
    assert BASE + "/calendar/feeds/" in page and "evil.example" not in page
    client.post("/logout", environ_overrides=FORGED)
    _login_through_the_forged_host(client, staff)
    qr = client.get(f"/sessions/{event.sessions[0].id}/qr", environ_overrides=FORGED).get_data(as_text=True)
    url = re.search(r"<code>([^<]+)</code>", qr).group(1)
    assert url.startswith(BASE + "/check-in/") and "evil.example" not in qr
