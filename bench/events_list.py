"""Listing events at 100,000 events: GET /api/v1/events with filters, timed through the test client on a temp
SQLite database, first with the filter indexes, then with them dropped, side by side in one run.

    bash bench/run            # or: .venv/bin/python bench/events_list.py --events 100000 --repeat 15
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from volunteer_app import create_app  # noqa: E402
from volunteer_app.accounts import services as accounts  # noqa: E402
from volunteer_app.core.identity import check_character  # noqa: E402
from volunteer_app.core.policy import SYSTEM  # noqa: E402
from volunteer_app.events.models import Event, EventKind, EventRole, EventSession  # noqa: E402
from volunteer_app.extensions import db  # noqa: E402
from volunteer_app.organisations import services as org  # noqa: E402

FILTER_INDEXES = (
    "ix_events_status_ends_at",
    "ix_events_community_ends_at",
    "ix_events_kind_ends_at",
    "ix_events_team_ends_at",
    "ix_events_starts_at",
    "ix_events_ends_at",
)
COMMUNITIES = ("草场", "北沙", "布新", "白岗", "同声", "金旗峰", "沙涌", "金峰洲", "岗联", "金利", "新兴", "金溪")
TITLES = ("人居环境整治", "文化墙彩绘", "青年座谈会", "暑期夏令营", "党建星期二入户走访", "治安巡逻", "敬老探访")


def _generate(count: int, community_ids: list[int], team_ids: list[int], now: datetime) -> None:
    rng = random.Random(42)
    kinds = [k.value for k in EventKind]
    chunk = 5000
    for start in range(0, count, chunk):
        events, sessions, roles = [], [], []
        for n in range(start, min(count, start + chunk)):
            event_id = n + 1
            # Years of history and the next three months planned: most events are over, as in a real town.
            begins = now + timedelta(days=rng.uniform(-9 * 365, 90), hours=rng.randint(0, 10))
            ends = begins + timedelta(hours=rng.choice((2, 3, 4, 8)))
            status = rng.choices(("published", "completed", "draft", "cancelled"), (80, 10, 6, 4))[0]
            events.append(
                {
                    "id": event_id,
                    "title": f"{rng.choice(COMMUNITIES)}{rng.choice(TITLES)}{n}",
                    "kind": rng.choice(kinds),
                    "team_id": rng.choice(team_ids),
                    "community_id": rng.choice(community_ids),
                    "place": "",
                    "description": "",
                    "audience": "public",
                    "status": status,
                    "starts_at": begins,
                    "ends_at": ends,
                    "signup_opens_at": begins - timedelta(days=30),
                    "signup_closes_at": begins - timedelta(hours=12),
                    "enrolment_seq": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            sessions.append({"id": event_id, "event_id": event_id, "title": "", "starts_at": begins, "ends_at": ends})
            roles.append(
                {
                    "id": event_id,
                    "session_id": event_id,
                    "name": "志愿者",
                    "description": "",
                    "capacity": rng.randint(5, 300),
                    "next_seq": 0,
                }
            )
        db.session.execute(sa.insert(Event), events)
        db.session.execute(sa.insert(EventSession), sessions)
        db.session.execute(sa.insert(EventRole), roles)
        db.session.commit()


def _setup(app, count: int) -> tuple[dict[str, str], dict[str, int]]:
    with app.app_context():
        upgrade(revision="heads")
        town = org.create_town(SYSTEM, name="里水镇", district="南海区")
        communities = [org.create_community(SYSTEM, town_id=town.id, name=name).id for name in COMMUNITIES]
        teams = [org.create_team(SYSTEM, name=f"志愿服务队{n}", kind="other", town_id=town.id).id for n in range(5)]
        first17 = f"440605{date(1998, 5, 4):%Y%m%d}123"
        profile = org.register_volunteer(
            None,
            username="bench-volunteer",
            password="correct-horse-9",
            name="测试志愿者",
            phone="13700000001",
            id_number=first17 + check_character(first17),
            political_status="league_member",
            community_id=communities[0],
        )
        org.add_member(SYSTEM, teams[0], volunteer_id=profile.id)
        token = accounts.issue_token(profile.user)[0]
        started = time.perf_counter()
        _generate(count, communities, teams, datetime.now(UTC))
        print(f"generated {count:,} events (with a session and a role each) in {time.perf_counter() - started:.1f} s")
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}, {"community_id": communities[3]}


def _queries(ids: dict[str, int]) -> list[tuple[str, str]]:
    today = datetime.now(UTC).date()
    month = today + timedelta(days=30)
    return [
        ("upcoming (from today)", f"from={today}T00:00:00"),
        ("upcoming, one kind", f"from={today}T00:00:00&kind=mural"),
        ("upcoming, one community", f"from={today}T00:00:00&community_id={ids['community_id']}"),
        ("next 30 days, published", f"from={today}T00:00:00&to={month}T00:00:00&status=published"),
        (
            "kind + community + range",
            f"from={today}T00:00:00&to={month}T00:00:00&kind=cleanup&community_id={ids['community_id']}",
        ),
        ("words (not indexable)", f"from={today}T00:00:00&q=彩绘"),
    ]


def _time(client, headers, query: str, repeat: int) -> float:
    url = f"/api/v1/events?{query}"
    for _ in range(2):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, headers=headers)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db",
            INSTANCE_PATH=tmp,
            RATELIMIT_ENABLED=False,
        )
        headers, ids = _setup(app, args.events)
        client = app.test_client()
        queries = _queries(ids)
        with app.app_context():
            indexed = {name: _time(client, headers, q, args.repeat) for name, q in queries}
            for index in FILTER_INDEXES:
                db.session.execute(sa.text(f"DROP INDEX {index}"))
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        with app.app_context():
            dropped = {name: _time(client, headers, q, args.repeat) for name, q in queries}
            total = client.get(f"/api/v1/events?{queries[0][1]}", headers=headers).get_json()["total"]
        print(
            f"\nGET /api/v1/events as a volunteer, {args.events:,} events, median of {args.repeat} requests "
            f"(page 1 of {total:,} upcoming)\n"
        )
        print(f"{'filter':<28} {'indexed ms':>11} {'no index ms':>12} {'ratio':>7}")
        for name, _query in queries:
            print(f"{name:<28} {indexed[name]:>11.1f} {dropped[name]:>12.1f} {dropped[name] / indexed[name]:>6.1f}x")


if __name__ == "__main__":
    main()
