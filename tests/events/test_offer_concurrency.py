"""Promotion offers under load (issue 15), through gunicorn with 4 workers: while offered volunteers accept (one of
them twice at once), confirmed ones cancel (offering more places) and twenty newcomers sign up, all at the same
moment, a role of 10 places never holds more than 10 (confirmed and offered), every offer accepted in time is
confirmed, and an offer is answered once. On SQLite (a temp file) and PostgreSQL, whichever the suite runs on."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from tests import served
from tests.events.test_concurrency import PLACES, VOLUNTEERS, _post, _prepare, own_database_url  # noqa: F401
from volunteer_app import create_app
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services
from volunteer_app.events.models import EventRole, EventSession, Signup
from volunteer_app.extensions import db

pytestmark = [pytest.mark.slow, pytest.mark.no_db]
SIGNED_UP = 30  # 10 confirmed, 20 waitlisted before the rush


def _call(method: str, url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            body = response.read()
            return response.status, json.loads(body) if body else {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _ask_to_confirm(url: str, instance, role_id: int) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(instance))
    with app.app_context():
        event_id = db.session.scalar(
            sa.select(EventSession.event_id)
            .join(EventRole, EventRole.session_id == EventSession.id)
            .where(EventRole.id == role_id)
        )
        services.update_event(SYSTEM, event_id, promotion_confirm_hours=24)
        db.session.remove()
        db.engine.dispose()


def _rows(url: str, role_id: int) -> list:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.select(Signup.id, Signup.status, Signup.seq).where(Signup.role_id == role_id).order_by(Signup.seq)
            ).all()
    finally:
        engine.dispose()


def test_accepts_cancellations_and_sign_ups_at_once_never_exceed_the_places(own_database_url, tmp_path):  # noqa: F811
    role_id, tokens = _prepare(own_database_url, tmp_path)
    _ask_to_confirm(own_database_url, tmp_path, role_id)
    env = served.server_env(own_database_url, tmp_path)
    with served.gunicorn(env, workers=4) as (base, log):
        ids = []
        for n in range(SIGNED_UP):  # one after the other: volunteer n has seq n
            status, body = _post(f"{base}/api/v1/signups", tokens[n], {"role_id": role_id})
            assert status == 201, body
            ids.append(body["id"])
        for n in range(5):  # five places freed: offered to waitlisted 10..14
            assert _call("DELETE", f"{base}/api/v1/signups/{ids[n]}", tokens[n])[0] == 204

        calls = (
            [("POST", f"{base}/api/v1/signups/{ids[n]}/accept", tokens[n], "accept") for n in range(10, 15)]
            + [("POST", f"{base}/api/v1/signups/{ids[10]}/accept", tokens[10], "again")]
            + [("DELETE", f"{base}/api/v1/signups/{ids[n]}", tokens[n], "cancel") for n in range(5, 10)]
            + [("POST", f"{base}/api/v1/signups/{ids[n]}/accept", tokens[n], "early") for n in range(15, 20)]
        )
        newcomers = list(range(SIGNED_UP, VOLUNTEERS))
        barrier = threading.Barrier(len(calls) + len(newcomers))
        answers: dict[tuple[str, int], tuple[int, dict]] = {}

        def call(index: int) -> None:
            method, url, token, label = calls[index]
            barrier.wait()
            answers[(label, index)] = _call(method, url, token)

        def sign_up(n: int) -> None:
            barrier.wait()
            answers[("signup", n)] = _post(f"{base}/api/v1/signups", tokens[n], {"role_id": role_id})

        threads = [threading.Thread(target=call, args=(i,)) for i in range(len(calls))]
        threads += [threading.Thread(target=sign_up, args=(n,)) for n in newcomers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    tail = log.read_text(errors="replace")[-3000:]
    by_label: dict[str, list[int]] = {}
    for (label, _index), (status, _body) in answers.items():
        by_label.setdefault(label, []).append(status)
    assert len(answers) == len(calls) + len(newcomers), tail
    # the first accept of volunteer 10 and the duplicate: one 200, one 409
    assert sorted(by_label["accept"] + by_label["again"]) == [200] * 5 + [409], (by_label, tail)
    assert by_label["cancel"] == [204] * 5, tail
    assert set(by_label["early"]) <= {200, 409}, tail  # offered mid-rush or not yet
    assert by_label["signup"] == [201] * len(newcomers), tail
    assert all(body["status"] == "waitlisted" for (label, _), (_, body) in answers.items() if label == "signup")

    rows = _rows(own_database_url, role_id)
    holding = [r for r in rows if r.status in ("confirmed", "offered")]
    assert len(holding) == PLACES  # never more; and the waitlist fills every freed place
    statuses = {r.id: r.status for r in rows}
    assert all(statuses[ids[n]] == "confirmed" for n in range(10, 15))
    assert all(statuses[ids[n]] == "cancelled" for n in range(10))
    # places went in order: everyone holding one came before everyone still waiting
    waiting = [r.seq for r in rows if r.status == "waitlisted"]
    assert max(r.seq for r in holding) < min(waiting)
