"""Words in notices: a title that carries its own quotation marks is not quoted twice."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from volunteer_app.events import summaries  # noqa: F401 — registers the organisers' summary (the scheduler imports it)
from volunteer_app.extensions import db
from volunteer_app.reminders import services
from volunteer_app.reminders.views import quotable

TITLE = "“青春心向党”青年座谈会"
CONTEXT = {
    "event_title": TITLE, "role_name": "会务", "starts_at": "2026-05-20 09:00", "ends_at": "2026-05-20 11:00",
    "place": "里水镇青年之家", "position": 1, "hours": "2.0", "closed_at": "2026-05-19 18:00", "roles": [],
    "total_confirmed": 1, "total_capacity": 2, "total_unfilled": 1, "community": "草场", "team": "里水义工联",
    "event_id": 7, "need": None,
}
QUOTING_KINDS = [
    "event_session_reminder", "event_session_changed", "event_cancelled", "event_signup_confirmed",
    "event_signup_waitlisted", "event_checked_out", "signup_promoted", "event_signups_closed",
    "referral_event",
]


@pytest.mark.parametrize("kind", QUOTING_KINDS)
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_a_quoted_title_is_not_quoted_twice(app, make_user, kind, locale):
    user = make_user()
    row = services.Claimed.of(services.notify(user, kind, ("user", user.id), None, CONTEXT, channels=["inbox"])[0])
    with app.test_request_context(), force_locale(locale):
        text = services.render_now(row, row.recipient).text
    for doubled in ("““", "””", '""', "“\"", "\"“"):
        assert doubled not in text
    assert "‘青春心向党’青年座谈会" in text or "'青春心向党'青年座谈会" in text


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("“青春心向党”青年座谈会", "‘青春心向党’青年座谈会"),
        ("“草场人居环境整治”", "草场人居环境整治"),
        ('"Clean-up"', "Clean-up"),
        ('The "Youth Home" open day', "The 'Youth Home' open day"),
        ("草场人居环境整治", "草场人居环境整治"),
    ],
)
def test_quotable_unwraps_a_whole_quoted_title_and_turns_inner_quotes_single(title, shown):
    assert quotable(title) == shown


def test_counts_in_english_use_real_plural_forms(app, client, login, make_user, clock):
    user = make_user()
    services.notify(user, "test", ("user", user.id), clock.now(), {"requested_at": clock.now()}, channels=["inbox"])
    db.session.commit()
    services.dispatch_due(clock)
    login(user)
    client.post("/language", data={"lang": "en"})
    page = client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "1 notice marked read." in page

    context = {**CONTEXT, "more_sessions": 1}
    row = services.Claimed.of(
        services.notify(user, "event_signups_closed", ("user", user.id), None, context, channels=["inbox"])[0]
    )
    with app.test_request_context(), force_locale("en"):
        assert "…and 1 later session." in services.render_now(row, row.recipient).text
        row = services.Claimed.of(
            services.notify(
                user, "event_signups_closed", ("user", -1), None, {**context, "more_sessions": 3}, channels=["inbox"]
            )[0]
        )
        assert "…and 3 later sessions." in services.render_now(row, row.recipient).text
