"""The dashboard's figures at district scale: 100,000 volunteers and 1,000,000 sign-ups (with their sessions, roles
and approved hours), 30,000 household files, generated into an empty database, then each figure of
reports/services/counts.py, the reused social-work coverage, and the whole dashboard, the team and community
pages and the stats API timed (median of several runs), town-wide and filtered.

    .venv/bin/python bench/figures.py                                   # a temporary SQLite file
    .venv/bin/python bench/figures.py --database postgresql+psycopg://postgres@127.0.0.1/EMPTY_DB
    .venv/bin/python bench/figures.py --volunteers 10000 --signups 100000   # a quick look
    .venv/bin/python bench/figures.py --database sqlite:////tmp/bench.db      # kept: a second run reuses it

A database that already holds the generated town is reused (generation takes minutes).

Each figure is timed as the migrations leave the database, then with the indexes proposed for the figures
(PROPOSED_INDEXES: adding them is a migration's job), side by side in one run. The issue asks for answers within a
second on both databases.
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
from volunteer_app.accounts.models import User  # noqa: E402
from volunteer_app.core.policy import SYSTEM  # noqa: E402
from volunteer_app.events.models import Event, EventKind, EventRole, EventSession, HoursEntry, Signup  # noqa: E402
from volunteer_app.extensions import db  # noqa: E402
from volunteer_app.organisations.models import (  # noqa: E402
    Community,
    ServiceStation,
    Team,
    TeamMembership,
    Town,
    VolunteerProfile,
    YouthGroup,
    YouthGroupMember,
)
from volunteer_app.reports.services import counts, figures  # noqa: E402
from volunteer_app.socialwork.models import FollowUp, Household, Visit  # noqa: E402

TOWNS, COMMUNITIES_PER_TOWN, TEAMS = 10, 30, 300
# What the figures would read instead of the tables (migrations are the lead's): --proposed-indexes creates them.
PROPOSED_INDEXES = (
    # The ledger of a period: hours by month, team and community, and who served (index-only range scans).
    "CREATE INDEX IF NOT EXISTS ix_hours_entries_service_date ON hours_entries "
    "(service_date, event_id, volunteer_id, minutes)",
    # Places taken and no-shows per role, and who holds a place, without reading the sign-ups' rows.
    "CREATE INDEX IF NOT EXISTS ix_signups_role_status_checked_in ON signups "
    "(role_id, status, checked_in_at, volunteer_id)",
    # Events of a period by kind and status.
    "CREATE INDEX IF NOT EXISTS ix_events_starts_at_status_kind ON events (starts_at, status, kind)",
    # Volunteers registered by a day, per community.
    "CREATE INDEX IF NOT EXISTS ix_volunteer_profiles_community_created_at ON volunteer_profiles "
    "(community_id, created_at)",
)
PROPOSED_INDEX_NAMES = [statement.split()[5] for statement in PROPOSED_INDEXES]
CHUNK = 20_000


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start : start + CHUNK])
    db.session.commit()


def _generate(volunteers: int, signups: int, households: int, now: datetime) -> dict[str, int]:
    rng = random.Random(14)
    _insert(Town, [{"id": t + 1, "name": f"镇{t + 1}", "district": "南海区"} for t in range(TOWNS)])
    communities = [
        {"id": t * COMMUNITIES_PER_TOWN + c + 1, "town_id": t + 1, "name": f"村{t + 1}-{c + 1}"}
        for t in range(TOWNS)
        for c in range(COMMUNITIES_PER_TOWN)
    ]
    community_ids = [c["id"] for c in communities]
    _insert(Community, communities)
    _insert(ServiceStation, [{"id": t + 1, "town_id": t + 1, "name": f"镇{t + 1}社工站"} for t in range(TOWNS)])
    _insert(Team, [{"id": n + 1, "name": f"志愿服务队{n + 1}", "kind": "other", "town_id": n % TOWNS + 1}
                   for n in range(TEAMS)])  # fmt: skip
    started = time.perf_counter()
    _insert(User, [{"id": 100 + n, "username": f"v{n}", "display_name": f"志愿者{n}", "password_hash": "x"}
                   for n in range(volunteers)])  # fmt: skip
    profiles = []
    for n in range(volunteers):
        profiles.append({
            "id": n + 1, "user_id": 100 + n, "name": f"志愿者{n}", "phone": f"13{n:09d}", "id_number": "",
            "id_number_digest": f"{n:064d}", "sex": "MF"[n % 2],
            "birth_date": date(1990, 1, 1) + timedelta(days=n % 9000),
            "political_status": "league_member", "community_id": rng.choice(community_ids),
            "created_at": now - timedelta(days=rng.uniform(0, 5 * 365)),
        })  # fmt: skip
    _insert(VolunteerProfile, profiles)
    _insert(TeamMembership, [{"team_id": rng.randint(1, TEAMS), "volunteer_id": n + 1, "role": "member",
                              "joined_on": date(2021, 1, 1)} for n in range(volunteers)])  # fmt: skip
    print(f"  {volunteers:,} volunteers in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    events = signups // 10
    event_rows, session_rows, role_rows, signup_rows, hour_rows = [], [], [], [], []
    kinds = [k.value for k in EventKind]
    signup_id = 0
    for n in range(events):
        begins = now + timedelta(days=rng.uniform(-3 * 365, 90), hours=rng.randint(0, 10))
        ends = begins + timedelta(hours=rng.choice((2, 3, 4)))
        over = ends < now
        status = rng.choices(("completed", "published", "draft", "cancelled"), (45, 45, 5, 5))[0]
        status = "published" if status == "completed" and not over else status
        community_id = rng.choice(community_ids)
        event_rows.append({
            "id": n + 1, "title": f"活动{n}", "kind": rng.choice(kinds), "team_id": rng.randint(1, TEAMS),
            "community_id": community_id, "status": status, "starts_at": begins, "ends_at": ends,
        })  # fmt: skip
        session_rows.append({"id": n + 1, "event_id": n + 1, "starts_at": begins, "ends_at": ends})
        role_rows.append({"id": n + 1, "session_id": n + 1, "name": "志愿者", "capacity": rng.randint(8, 20)})
        for volunteer_id in rng.sample(range(1, volunteers + 1), 10):
            signup_id += 1
            came = over and rng.random() < 0.85
            signup_rows.append({
                "id": signup_id, "role_id": n + 1, "volunteer_id": volunteer_id, "seq": signup_id,
                "status": "confirmed" if rng.random() < 0.9 else "cancelled",
                "checked_in_at": begins if came else None, "checked_out_at": ends if came else None,
            })  # fmt: skip
            if came and status == "completed":
                hour_rows.append({
                    "volunteer_id": volunteer_id, "signup_id": signup_id, "event_id": n + 1, "kind": "attendance",
                    "minutes": int((ends - begins).total_seconds() // 60), "service_date": begins.date(),
                })  # fmt: skip
        if len(signup_rows) >= 200_000:
            _flush(event_rows, session_rows, role_rows, signup_rows, hour_rows)
    _flush(event_rows, session_rows, role_rows, signup_rows, hour_rows)
    print(f"  {events:,} events, {signup_id:,} sign-ups in {time.perf_counter() - started:.1f} s")

    groups = [{"id": c, "community_id": c, "name": f"青治团{c}"} for c in community_ids]
    _insert(YouthGroup, groups)
    parts = ("party_member", "league_cadre", "league_member", "league_member")
    _insert(YouthGroupMember, [{"group_id": g["id"], "name": "团员", "part": part}
                               for g in groups for part in parts[: rng.randint(1, 4)]])  # fmt: skip

    started = time.perf_counter()
    worker = _user("bench-worker", "social_worker")
    _insert(Household, [{
        "id": n + 1, "community_id": (c := rng.choice(community_ids)),
        "station_id": (c - 1) // COMMUNITIES_PER_TOWN + 1,
        "address": f"地址{n}", "household_type": rng.choice(("general", "dibao", "tekun", "general")),
        "opened_on": date(2024, 1, 1),
    } for n in range(households)])  # fmt: skip
    _insert(Visit, [{"household_id": rng.randint(1, households), "contact_type": "home",
                     "visited_at": now - timedelta(days=rng.uniform(0, 400))}
                    for _ in range(households * 2)])  # fmt: skip
    _insert(FollowUp, [{"household_id": rng.randint(1, households), "task": "复访", "owner_id": worker.id,
                        "due_on": (now - timedelta(days=rng.uniform(-60, 60))).date()}
                       for _ in range(households // 3)])  # fmt: skip
    print(f"  {households:,} households with visits and follow-ups in {time.perf_counter() - started:.1f} s")
    _analyze()
    return {"community_id": community_ids[7], "team_id": 7}


def _analyze() -> None:
    """Fresh statistics; on PostgreSQL also the visibility map, which index-only scans need (as autovacuum keeps
    it on a live database)."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def _user(username: str, role: str) -> User:
    return accounts.create_user(
        SYSTEM, username=username, password="correct-horse-9", display_name=username,
        roles=[accounts.RoleSpec.parse(role, None)],
    )  # fmt: skip


def _flush(*tables: list[dict]) -> None:
    for model, rows in zip((Event, EventSession, EventRole, Signup, HoursEntry), tables, strict=True):
        _insert(model, rows)
        rows.clear()


def _median_ms(run, repeat: int) -> float:
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
        db.session.rollback()
    return statistics.median(samples) * 1000


PARTS = {
    "volunteer_counts": counts.volunteer_counts,
    "volunteers_by_community": counts.volunteers_by_community,
    "hours_by_month": counts.hours_by_month,
    "hours_by_team": counts.hours_by_team,
    "hours_by_community": counts.hours_by_community,
    "events_by_kind": counts.events_by_kind,
    "events_by_status": counts.events_by_status,
    "attendance": counts.attendance,
    "youth_groups": counts.youth_groups,
}


def _report(title: str, staff: User, ids: dict[str, int], repeat: int, client, headers: dict[str, str]) -> None:
    year = figures.filters()
    scopes = {
        "town, 12 months": year,
        "one community": figures.filters(community_id=ids["community_id"]),
        "one team": figures.filters(team_id=ids["team_id"]),
        "town, 3 years": figures.filters(year.date_to - timedelta(days=3 * 365), year.date_to),
    }
    print(f"\n{title}: median ms of {repeat} runs ({db.engine.dialect.name}); the issue's bound is 1000 ms\n")
    print(f"{'figure':<28}" + "".join(f"{name:>17}" for name in scopes))
    for name, part in PARTS.items():
        cells = [_median_ms(lambda p=part, f=f: p(f), repeat) for f in scopes.values()]
        print(f"{name:<28}" + "".join(f"{ms:>17.1f}" for ms in cells))
    coverage = [  # social work is not counted by team
        f"{_median_ms(lambda f=f: figures.social_work(staff, f), repeat):>17.1f}" if f.team_id is None else f"{'-':>17}"
        for f in scopes.values()
    ]
    print(f"{'coverage (socialwork)':<28}" + "".join(coverage))
    whole = [_median_ms(lambda f=f: figures.figures(staff, f), repeat) for f in scopes.values()]
    print(f"{'the whole dashboard':<28}" + "".join(f"{ms:>17.1f}" for ms in whole))
    for path in ("/reports/", "/api/v1/stats/overview", "/api/v1/stats/hours", "/api/v1/stats/events"):
        with_headers = headers if path.startswith("/api/") else {}
        assert client.get(path, headers=with_headers).status_code == 200, path
        print(f"GET {path:<38}{_median_ms(lambda p=path, h=with_headers: client.get(p, headers=h), repeat):>17.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--signups", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--database", help="an empty database's URL, or one a run filled (default: temporary SQLite)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        app = create_app("production", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=tmp, RATELIMIT_ENABLED=False,
                         SECRET_KEY="bench", WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)  # fmt: skip
        with app.app_context():
            upgrade(revision="heads")
            if db.session.scalar(sa.select(sa.func.count(VolunteerProfile.id))):
                print(f"reusing the town generated before in {url}")
                ids = {"community_id": 8, "team_id": 7}
                for name in PROPOSED_INDEX_NAMES:
                    db.session.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
                _analyze()
            else:
                print(f"generating on {db.engine.dialect.name}:")
                ids = _generate(args.volunteers, args.signups, args.households, datetime.now(UTC))
                _user("bench-staff", "league_staff")
            staff = db.session.scalar(sa.select(User).where(User.username == "bench-staff"))
            headers = {"Authorization": f"Bearer {accounts.issue_token(staff)[0]}"}
        client = app.test_client()
        client.post("/login", data={"login": "bench-staff", "password": "correct-horse-9"})
        with app.app_context():
            staff = db.session.merge(staff)
            _report("As migrated", staff, ids, args.repeat, client, headers)
            for statement in PROPOSED_INDEXES:
                db.session.execute(sa.text(statement))
            _analyze()
            _report("With the proposed indexes", staff, ids, args.repeat, client, headers)


if __name__ == "__main__":
    main()
