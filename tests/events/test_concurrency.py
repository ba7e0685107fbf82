"""50 volunteers sign up at the same moment for a role with 10 places, through gunicorn with 4 workers: exactly
10 are confirmed and 40 waitlisted at positions 1..40, and nothing is lost. On SQLite (a temp file) and on
PostgreSQL (a database of its own), whichever the suite runs on."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from tests import served
from tests.organisations.conftest import make_id_number
from volunteer_app import create_app
from volunteer_app.accounts import services as accounts
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.events import services
from volunteer_app.events.models import Signup
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org

pytestmark = [pytest.mark.slow, pytest.mark.no_db]
VOLUNTEERS = 50
PLACES = 10


@pytest.fixture
def own_database_url(database_url, tmp_path) -> Iterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'signups.db'}"
        return
    name = f"{url.database}_signups"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _prepare(url: str, instance: Path) -> tuple[int, list[str]]:
    """Schema, a published event whose role has 10 places, 50 volunteers with a token each."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(instance))
    with app.app_context():
        upgrade(revision="heads")
        town = org.create_town(SYSTEM, name="里水镇")
        community = org.create_community(SYSTEM, town_id=town.id, name="草场")
        now = utcnow()
        event = services.create_event(
            SYSTEM,
            title="草场人居环境整治（并发）",
            kind="cleanup",
            community_id=community.id,
            signup_opens_at=now - timedelta(days=1),
            signup_closes_at=now + timedelta(days=6),
            status="published",
            sessions=[
                {
                    "starts_at": now + timedelta(days=7),
                    "ends_at": now + timedelta(days=7, hours=3),
                    "roles": [{"name": "清洁队员", "capacity": PLACES}],
                }
            ],
        )
        role_id = event.sessions[0].roles[0].id
        tokens = []
        for n in range(VOLUNTEERS):
            profile = org.register_volunteer(
                None,
                username=f"rush-{n}",
                password="correct-horse-9",
                name=f"志愿者{n}",
                phone=f"137{n:08d}",
                id_number=make_id_number(date(1990, 1, 1) + timedelta(days=n), 100 + n),
                political_status="masses",
                community_id=community.id,
            )
            tokens.append(accounts.issue_token(profile.user)[0])
        db.session.remove()
        db.engine.dispose()
    return role_id, tokens


def _post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_fifty_simultaneous_signups_for_ten_places_give_ten_confirmed_and_forty_waitlisted_in_order(
    own_database_url, tmp_path
):
    role_id, tokens = _prepare(own_database_url, tmp_path)
    env = served.server_env(own_database_url, tmp_path)
    with served.gunicorn(env, workers=4) as (base, log):
        barrier = threading.Barrier(VOLUNTEERS)
        answers: list[tuple[int, dict]] = [(0, {})] * VOLUNTEERS

        def rush(n: int) -> None:
            barrier.wait()
            answers[n] = _post(f"{base}/api/v1/signups", tokens[n], {"role_id": role_id})

        threads = [threading.Thread(target=rush, args=(n,)) for n in range(VOLUNTEERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert [status for status, _ in answers] == [201] * VOLUNTEERS, (answers, log.read_text(errors="replace")[-3000:])
    confirmed = [body for _, body in answers if body["status"] == "confirmed"]
    waitlisted = [body for _, body in answers if body["status"] == "waitlisted"]
    assert len(confirmed) == PLACES
    assert sorted(body["waitlist_position"] for body in waitlisted) == list(range(1, VOLUNTEERS - PLACES + 1))

    engine = sa.create_engine(own_database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(Signup.id, Signup.status, Signup.seq).where(Signup.role_id == role_id).order_by(Signup.seq)
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == VOLUNTEERS and len({r.seq for r in rows}) == VOLUNTEERS
    assert sum(r.status == "confirmed" for r in rows) == PLACES
    # The queue is in the order the requests were served: positions follow the sequence numbers.
    position_of = {body["id"]: body["waitlist_position"] for body in waitlisted}
    in_seq_order = [position_of[r.id] for r in rows if r.status == "waitlisted"]
    assert in_seq_order == list(range(1, VOLUNTEERS - PLACES + 1))
