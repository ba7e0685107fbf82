"""People read names, not internal values: the audit log and the outbox name their records (linked where the
reader may open them, household names only inside the household's scope), the event status flash is translated."""

from __future__ import annotations

import re

from tests.events.conftest import event_spec
from tests.organisations.conftest import communities, town  # noqa: F401 — fixtures
from tests.socialwork.conftest import open_file, people, place  # noqa: F401 — fixtures
from volunteer_app.core import audit
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services as events
from volunteer_app.extensions import db
from volunteer_app.reminders import services as reminders


def test_publishing_flashes_the_translated_status(client, login, make_user, communities):  # noqa: F811
    staff = make_user("league_staff")
    event = events.create_event(SYSTEM, **event_spec(community_id=communities["草场"].id, status="draft"))
    login(staff)
    page = client.post(f"/events/{event.id}/status", data={"status": "published"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "活动状态已更新为：已发布" in text
    assert "published" not in re.sub(r"<[^>]+>", "", text)


def test_the_audit_log_names_users_and_events_with_links(client, login, make_user, communities):  # noqa: F811
    admin = make_user("admin")
    volunteer = make_user(display_name="陈静", username="chenjing")
    event = events.create_event(SYSTEM, **event_spec(community_id=communities["草场"].id, title="草场河涌清漂"))
    audit.record(admin, "update", "event", event.id)
    audit.record(admin, "update", "user", volunteer.id)
    audit.record(admin, "delete", "user", 99999)
    audit.record(admin, "update", "attendance", event.sessions[0].id)  # attendance is recorded by its session
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f'<a href="/events/{event.id}">草场河涌清漂</a>' in page
    assert f'<a href="/events/{event.id}">草场河涌清漂 · ' in page
    assert f'<a href="/admin/users/{volunteer.id}">陈静 (chenjing)</a>' in page
    assert "用户（99999 号）" in page  # gone: its kind and number
    assert f"user #{volunteer.id}" not in page and f"event #{event.id}" not in page
    assert '<option value="household" >服务对象户档案</option>' in page  # the filter offers kinds by their names


def test_a_household_is_named_only_inside_its_scope(app, client, login, people, open_file):  # noqa: F811
    household = open_file()
    head = household.head_name
    audit.record(people["worker"], "view", "household", household.id)
    db.session.commit()
    login(people["admin"])  # an admin reads the log but does not reach the file
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f"household #{household.id}" not in page
    assert f"服务对象户档案（{household.id} 号）" in page
    assert head not in page
    assert f'href="/social-work/households/{household.id}"' not in page

    key = ("household", str(household.id))
    with app.test_request_context():
        named = audit.name_records(people["worker"], [key])[key]
        elsewhere = audit.name_records(people["other_worker"], [key])[key]
    assert head in named.label and named.url == f"/social-work/households/{household.id}"
    assert head not in elsewhere.label and elsewhere.url is None


def test_the_outbox_names_what_a_notice_is_about(client, login, make_user, communities):  # noqa: F811
    admin = make_user("admin")
    volunteer = make_user()
    event = events.create_event(SYSTEM, **event_spec(community_id=communities["草场"].id, title="草场河涌清漂"))
    session = event.sessions[0]
    reminders.notify(volunteer, "test", session, None, {"requested_at": "2026-05-12T02:00:00+00:00"})
    db.session.commit()
    login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "event_sessions#" not in page
    assert f'<a href="/events/{event.id}">草场河涌清漂 · ' in page
