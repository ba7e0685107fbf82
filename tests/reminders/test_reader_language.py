"""Inbox notices are rendered in the reader's language when shown, not in the language they were queued in."""

from __future__ import annotations

from volunteer_app.extensions import db
from volunteer_app.reminders import services


def test_a_notice_queued_in_chinese_reads_in_english_after_switching(client, login, make_user, clock, token_for):
    user = make_user()
    services.notify(user, "test", ("user", user.id), clock.now(), {"requested_at": clock.now()}, channels=["inbox"])
    db.session.commit()
    services.dispatch_due(clock)
    login(user)
    assert "善治测试通知" in client.get("/notifications").get_data(as_text=True)

    client.post("/language", data={"lang": "en"})
    page = client.get("/notifications").get_data(as_text=True)
    assert "Shanzhi test notice" in page
    assert "This is a test notice from Shanzhi" in page
    assert "善治测试通知" not in page

    headers = token_for(user)  # the saved choice is English now
    notice = client.get("/api/v1/me/notifications", headers=headers).get_json()["items"][0]
    assert notice["title"] == "Shanzhi test notice"
    assert notice["body"].startswith("Hello")


def test_the_api_speaks_the_readers_language_too(client, make_user, clock, token_for):
    user = make_user()
    user.locale = "en"
    services.notify(user, "test", ("user", user.id), clock.now(), {"requested_at": clock.now()}, channels=["inbox"])
    db.session.commit()
    services.dispatch_due(clock)
    user.locale = "zh_CN"
    db.session.commit()
    notice = client.get("/api/v1/me/notifications", headers=token_for(user)).get_json()["items"][0]
    assert notice["title"] == "善治测试通知"
    marked = client.post(f"/api/v1/me/notifications/{notice['id']}/read", headers=token_for(user)).get_json()
    assert marked["title"] == "善治测试通知"
