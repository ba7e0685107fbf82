"""Lists that make their page's items out of the rows read (the inbox's notices, the reception schedules, the
service points' coverage) keep what the page said of the rest: a total stopped at PAGINATION_COUNT_CAP stays
"more than", and a next page stays known."""

from __future__ import annotations

from datetime import time

import pytest

from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services as needs
from volunteer_app.organisations import services as org
from volunteer_app.reminders.models import Notification
from volunteer_app.reminders.services import reading

ROWS = 3


def _inbox(make_user):
    user = make_user(username="reader")
    now = utcnow()
    for n in range(ROWS):
        db.session.add(Notification(
            recipient_id=user.id, kind="test", subject_id=str(n), scheduled_at=now, next_attempt_at=now,
            channel="inbox", status="sent", sent_at=now, title=f"测试通知{n}", body="你好",
        ))  # fmt: skip
    db.session.commit()
    return lambda **paging: reading.inbox(user, **paging)


def _reception_schedules(make_user):
    for n in range(ROWS):
        org.create_liaison_station(SYSTEM, name=f"联络站{n}", reception_weekday=1, reception_start=time(14, 30),
                                   reception_end=time(17, 30))  # fmt: skip
    return lambda **paging: needs.list_schedules(SYSTEM, **paging)


def _service_point_coverage(make_user):
    for n in range(ROWS):
        org.create_town(SYSTEM, name=f"镇{n}", district="南海区")
    return lambda **paging: org.coverage(SYSTEM, **paging)


@pytest.mark.parametrize("listing", [_inbox, _reception_schedules, _service_point_coverage])
def test_a_page_past_the_count_cap_says_more_than(app, make_user, monkeypatch, listing):
    read = listing(make_user)
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_CAP", ROWS - 1)
    page = read(page=2, per_page=1)
    assert len(page.items) == 1
    assert (page.total, page.total_exact, page.has_next) == (ROWS - 1, False, True)
