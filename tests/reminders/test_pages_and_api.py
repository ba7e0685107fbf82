"""The inbox with its unread badge, notification settings, the admins' outbox page, the API, the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from volunteer_app.extensions import db
from volunteer_app.reminders import services
from volunteer_app.reminders.models import Notification, NotificationPreference, Status


def sent_notice(user, clock, n=1):
    services.notify(user, "test", ("user", f"{user.id}-{n}"), clock.now(), {"requested_at": clock.now()},
                    channels=["inbox"])
    db.session.commit()
    services.dispatch_due(clock)


def test_the_navbar_badge_counts_unread_notices_and_the_inbox_lists_them(client, login, make_user, clock):
    user = make_user()
    sent_notice(user, clock, 1)
    sent_notice(user, clock, 2)
    login(user)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'id="inbox-unread"' in page and ">2</span>" in page
    row_id = db.session.scalar(sa.select(Notification.id).order_by(Notification.id).limit(1))
    assert client.post(f"/notifications/{row_id}/read").status_code == 302
    page = client.get("/notifications?unread=1").get_data(as_text=True)
    assert ">1</span>" in page
    client.post("/notifications/read-all")
    assert 'id="inbox-unread"' not in client.get("/notifications").get_data(as_text=True)


def test_one_cannot_mark_another_users_notice(client, login, make_user, clock):
    owner, other = make_user(), make_user()
    sent_notice(owner, clock)
    row_id = db.session.scalar(sa.select(Notification.id))
    login(other)
    assert client.post(f"/notifications/{row_id}/read").status_code == 403


def test_settings_page_saves_choices_and_sends_a_test_notice(client, login, make_user):
    user = make_user("team_leader", email="lead@example.org")
    login(user)
    assert client.get("/notifications/preferences").status_code == 200
    response = client.post(
        "/notifications/preferences",
        data={"email": "", "opted_out": ["digest"], "quiet_hours": "y", "quiet_start": "21:30",
              "quiet_end": "06:45", "digest": "y"},
    )
    assert response.status_code == 302
    pref = db.session.get(NotificationPreference, user.id)
    assert (pref.email, pref.opted_out, pref.digest) == (False, ["digest"], True)
    assert pref.quiet_start.strftime("%H:%M") == "21:30"
    client.post("/notifications/test")
    channels = db.session.scalars(sa.select(Notification.channel).where(Notification.kind == "test")).all()
    assert channels == ["inbox"]  # email switched off


def test_settings_page_refuses_half_quiet_hours(client, login, make_user):
    login(make_user())
    response = client.post("/notifications/preferences", data={"quiet_hours": "y", "quiet_start": "21:00"})
    assert response.status_code == 422


def test_the_outbox_page_filters_and_lets_an_admin_retry_and_cancel(client, login, make_user, clock, app,
                                                                     monkeypatch):
    admin = make_user("admin")
    volunteer = make_user(display_name="Chen Jing", email="chen@example.org")
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 1)
    services.notify(volunteer, "test", ("user", 1), clock.now(), {"requested_at": clock.now()})
    services.notify(volunteer, "test", ("user", 2), clock.now() + timedelta(days=1), {"requested_at": clock.now()})
    db.session.commit()
    services.dispatch_due(clock)
    login(admin)
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Chen Jing" in page and "SMTP" in page
    failed_id = db.session.scalar(sa.select(Notification.id).where(Notification.status == "failed"))
    assert client.post(f"/admin/outbox/{failed_id}/retry").status_code == 302
    assert db.session.get(Notification, failed_id).status == Status.PENDING
    pending_id = db.session.scalar(
        sa.select(Notification.id).where(Notification.status == "pending", Notification.id != failed_id)
    )
    client.post(f"/admin/outbox/{pending_id}/cancel")
    assert db.session.get(Notification, pending_id).status == Status.CANCELLED
    assert client.get("/admin/outbox?q=chen&channel=email&kind=test&page=2").status_code == 200
    sent_id = db.session.scalar(sa.select(Notification.id).where(Notification.status == "sent"))
    response = client.post(f"/admin/outbox/{sent_id}/cancel", headers={"Referer": "http://localhost/admin/outbox"})
    assert response.status_code == 302  # refused with a message; a sent notice stays sent
    assert db.session.get(Notification, sent_id).status == Status.SENT


def test_volunteers_cannot_open_the_outbox(client, login, make_user):
    login(make_user())
    assert client.get("/admin/outbox").status_code == 403


def test_api_lists_my_notices_and_marks_them_read(client, make_user, token_for, clock):
    user = make_user()
    sent_notice(user, clock)
    headers = token_for(user)
    body = client.get("/api/v1/me/notifications?unread=true", headers=headers).get_json()
    assert body["total"] == 1
    notice = body["items"][0]
    assert notice["kind"] == "test" and notice["read_at"] is None
    read = client.post(f"/api/v1/me/notifications/{notice['id']}/read", headers=headers).get_json()
    assert read["read_at"] is not None
    assert client.get("/api/v1/me/notifications?unread=true", headers=headers).get_json()["total"] == 0
    assert client.post("/api/v1/me/notifications/read-all", headers=headers).get_json() == {"count": 0}


def test_api_outbox_for_admins_only(client, make_user, token_for, clock):
    admin, volunteer = make_user("admin"), make_user()
    services.notify(volunteer, "test", ("user", 1), clock.now() + timedelta(hours=1), {})
    db.session.commit()
    assert client.get("/api/v1/outbox", headers=token_for(volunteer)).status_code == 403
    headers = token_for(admin)
    body = client.get("/api/v1/outbox?status=pending", headers=headers).get_json()
    assert body["total"] == 1
    row_id = body["items"][0]["id"]
    cancelled = client.post(f"/api/v1/outbox/{row_id}/cancel", json={"reason": "moved"}, headers=headers)
    assert cancelled.get_json()["status"] == "cancelled"
    retried = client.post(f"/api/v1/outbox/{row_id}/retry", headers=headers)
    assert retried.get_json()["status"] == "pending"
    assert client.get("/api/v1/outbox?status=bogus", headers=headers).status_code == 422


def test_the_morning_digest_goes_to_staff_who_ask_for_it(app, make_user, clock):
    staff = make_user("league_staff")
    admin = make_user("admin")
    quiet = make_user("league_staff")
    for user in (staff, admin):
        services.update_preferences(user, user, email=False, webhook=False, opted_out=[], quiet_hours=True,
                                    digest=True)
    clock.set(datetime(2026, 5, 11, 12, 0, tzinfo=UTC))  # the day before, 20:00 local
    for user in (staff, quiet):
        sent_notice(user, clock)
    clock.set(datetime(2026, 5, 11, 23, 30, tzinfo=UTC))  # 07:30 local: too early
    assert services.plan_digests(clock.now()) == 0
    clock.set(datetime(2026, 5, 12, 0, 10, tzinfo=UTC))  # 08:10 local
    assert services.plan_digests(clock.now()) == 1  # the admin has no news, `quiet` did not ask
    assert services.plan_digests(clock.now()) == 0  # once a day
    services.dispatch_due(clock)
    digest = db.session.scalar(sa.select(Notification).where(Notification.kind == "digest"))
    assert digest.recipient_id == staff.id and digest.status == Status.SENT
    assert "2026-05-12" in digest.title
    assert "2026-05-11 20:00" in digest.body
