"""The district data set of issue #16 at a scale: scale 1 is 100,000 volunteers, 2,000 teams, 20,000 events with
60,000 sessions, 1,000,000 sign-ups, 200,000 households, 1,000,000 visits and 100,000 needs, spread over
round(20 x scale) towns (at least one) of 30 communities and 5 social-work service points each.

Rows go in by bulk: COPY on PostgreSQL, executemany on SQLite, one transaction per chunk. Values pass through each
column's own bind processing (so times are stored as the app stores them), except the encrypted columns, which are
given ready tokens made with the app's keys: volunteers' ID numbers one token each (their blind index is unique),
other encrypted values from a small pool of tokens.

`generate(app, scale)` fills an empty, migrated database and returns the `Fixture` the load generator needs:
who to log in as, bearer tokens, and ids to ask for.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from volunteer_app.accounts.services import _token_digest
from volunteer_app.core.crypto import EncryptedJSON, EncryptedString, blind_index, encrypt
from volunteer_app.core.identity import check_character
from volunteer_app.extensions import db

DISTRICT = {
    "volunteers": 100_000,
    "teams": 2_000,
    "events": 20_000,
    "signups": 1_000_000,
    "households": 200_000,
    "visits": 1_000_000,
    "needs": 100_000,
}
SESSIONS_PER_EVENT = 3  # 60,000 sessions at scale 1
COMMUNITIES_PER_TOWN, POINTS_PER_TOWN = 30, 5
CHUNK = 20_000
PASSWORD = "bench-password-9"  # every generated account's password (one hash, reused)
TOKENS = 200  # volunteers with a bearer token, for the sign-up load
STAFF = ("bench-admin", "bench-staff", "bench-worker")  # user ids 1, 2, 3
COMMUNITY_WORDS = ("草场", "北沙", "布新", "白岗", "同声", "金旗峰", "沙涌", "金峰洲", "岗联", "金利", "新兴", "金溪")
TITLES = ("人居环境整治", "文化墙彩绘", "青年座谈会", "暑期夏令营", "党建星期二入户走访", "治安巡逻", "敬老探访")
SURNAMES = "陈李黄张梁何林罗郭周吴麦谭邓冯"
KINDS = ("cleanup", "mural", "summer_camp", "forum", "party_tuesday", "patrol", "other")
NEED_CATEGORIES = ("environment", "public_safety", "elderly", "children", "health", "housing", "infrastructure")


@dataclass
class Fixture:
    """What the load generator needs from the generated data."""

    scale: float
    counts: dict[str, int] = field(default_factory=dict)
    password: str = PASSWORD
    admin: str = STAFF[0]
    staff: str = STAFF[1]
    worker: str = STAFF[2]
    volunteer: str = "v1"
    tokens: dict[int, str] = field(default_factory=dict)  # volunteer profile id -> bearer token
    staff_token: str = ""
    community_id: int = 1
    event_id: int = 1
    household_id: int = 1
    open_role_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0


def counts_at(scale: float) -> dict[str, int]:
    return {name: max(10, round(number * scale)) for name, number in DISTRICT.items()}


def _raw_rows(table: sa.Table, rows: list[dict], dialect: sa.Dialect) -> tuple[list[str], list[tuple]]:
    """The rows as the driver takes them: Python defaults filled in, each column's bind processing applied (not on
    encrypted columns, which hold tokens already)."""
    given = set().union(*rows)  # a key some rows leave out is NULL there
    columns = []
    constants = {}
    for column in table.columns:
        if column.name in given:
            columns.append(column)
        elif column.default is not None and column.server_default is None:
            default = column.default
            constants[column.name] = default.arg(None) if default.is_callable else default.arg
            columns.append(column)
    processors = []
    for column in columns:
        encrypted = isinstance(column.type, (EncryptedString, EncryptedJSON))
        processors.append(None if encrypted else column.type._cached_bind_processor(dialect))
    names = [c.name for c in columns]
    out = []
    for row in rows:
        values = []
        for name, processor in zip(names, processors, strict=True):
            value = row.get(name) if name in given else constants[name]
            values.append(processor(value) if processor and value is not None else value)
        out.append(tuple(values))
    return names, out


def bulk(table_name: str, rows: list[dict]) -> None:
    """Inserts rows (dicts with the same keys) a chunk per transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    table = db.metadata.tables[table_name]
    engine = db.engine
    for start in range(0, len(rows), CHUNK):
        names, values = _raw_rows(table, rows[start : start + CHUNK], engine.dialect)
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY {table_name} ({', '.join(names)}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join("?" for _ in names)
                cursor.executemany(f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({marks})", values)
            connection.commit()
        finally:
            connection.close()


def id_number(n: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=n % 16000)
    first17 = f"4406{n // 1000 % 100:02d}{born:%Y%m%d}{n % 1000:03d}"
    return first17 + check_character(first17)


def _name(rng: random.Random, n: int) -> str:
    return f"{rng.choice(SURNAMES)}{COMMUNITY_WORDS[n % len(COMMUNITY_WORDS)][0]}{n}"


def generate(scale: float, now: datetime | None = None, log=print) -> Fixture:
    """Fills an empty, migrated database (inside an app context) with the district at `scale`."""
    started = time.perf_counter()
    now = now or datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(16)
    counts = counts_at(scale)
    fixture = Fixture(scale=scale, counts=counts)
    towns = max(1, round(20 * scale))
    password_hash = generate_password_hash(PASSWORD)
    pool = [encrypt(f"1390000{n:04d}") for n in range(50)]  # phones and contact names: tokens reused

    def step(what: str, since: float) -> float:
        log(f"  {what} in {time.perf_counter() - since:.1f} s")
        return time.perf_counter()

    # Places: towns, their social-work stations and points, communities each covered by a point.
    mark = time.perf_counter()
    bulk("towns", [{"id": t, "name": f"镇{t}", "district": "南海区"} for t in range(1, towns + 1)])
    bulk("service_stations", [{"id": t, "town_id": t, "name": f"镇{t}社工站"} for t in range(1, towns + 1)])
    points = [{"id": (t - 1) * POINTS_PER_TOWN + p, "station_id": t, "name": f"镇{t}服务点{p}"}
              for t in range(1, towns + 1) for p in range(1, POINTS_PER_TOWN + 1)]  # fmt: skip
    bulk("service_points", points)
    communities = []
    for t in range(1, towns + 1):
        for c in range(COMMUNITIES_PER_TOWN):
            communities.append({
                "id": (t - 1) * COMMUNITIES_PER_TOWN + c + 1, "town_id": t,
                "name": f"{COMMUNITY_WORDS[c % len(COMMUNITY_WORDS)]}{c}", "kind": "village" if c % 3 else "community",
                "service_point_id": (t - 1) * POINTS_PER_TOWN + c % POINTS_PER_TOWN + 1,
            })  # fmt: skip
    bulk("communities", communities)
    community_ids = [c["id"] for c in communities]
    point_of = {c["id"]: (c["service_point_id"], c["town_id"]) for c in communities}

    # People: three staff accounts (ids 1-3), then one account and profile per volunteer.
    volunteers = counts["volunteers"]
    users = [{"id": n + 1, "username": name, "display_name": name, "password_hash": password_hash}
             for n, name in enumerate(STAFF)]  # fmt: skip
    users += [{"id": n + 4, "username": f"v{n + 1}", "display_name": f"志愿者{n + 1}", "password_hash": password_hash,
               "email": f"v{n + 1}@bench.example.org"} for n in range(volunteers)]  # fmt: skip
    bulk("users", users)
    grants = [{"user_id": 1, "role": "admin"}, {"user_id": 2, "role": "league_staff"},
              {"user_id": 3, "role": "social_worker", "scope_kind": "service_point", "scope_id": 1}]  # fmt: skip
    grants += [{"user_id": n + 4, "role": "volunteer", "scope_kind": None, "scope_id": None} for n in range(volunteers)]
    bulk("role_grants", grants)
    profiles = []
    for n in range(volunteers):
        number = id_number(n)
        profiles.append({
            "id": n + 1, "user_id": n + 4, "name": _name(rng, n), "phone": f"139{n:08d}", "id_number": encrypt(number),
            "id_number_digest": blind_index(number), "sex": "MF"[n % 2], "birth_date": date(1960, 1, 1)
            + timedelta(days=n % 16000), "political_status": rng.choice(("masses", "league_member", "party_member")),
            "community_id": rng.choice(community_ids), "created_at": now - timedelta(days=rng.uniform(0, 5 * 365)),
            "updated_at": now,
        })  # fmt: skip
    bulk("volunteer_profiles", profiles)
    del profiles
    mark = step(f"{towns} towns, {len(communities)} communities, {volunteers:,} volunteers", mark)

    teams = counts["teams"]
    bulk("teams", [{"id": n + 1, "name": f"志愿服务队{n + 1}", "kind": "other", "town_id": n % towns + 1}
                   for n in range(teams)])  # fmt: skip
    bulk("team_memberships", [{"team_id": n % teams + 1, "volunteer_id": n + 1, "role": "member",
                               "joined_on": date(2024, 1, 1)} for n in range(volunteers)])  # fmt: skip

    # Events of a year (most over, the next two months planned), three weekly sessions each, one role a session.
    events, sessions, roles = [], [], []
    for n in range(counts["events"]):
        event_id = n + 1
        begins = now + timedelta(days=rng.uniform(-330, 60), hours=rng.randint(0, 10))
        begins = begins.replace(minute=0, second=0)
        status = "completed" if begins + timedelta(days=14) < now else "published"
        status = rng.choices((status, "draft", "cancelled"), (90, 6, 4))[0]
        events.append({
            "id": event_id, "title": f"{COMMUNITY_WORDS[n % 12]}{TITLES[n % len(TITLES)]}{n}", "kind": KINDS[n % 7],
            "team_id": n % teams + 1, "community_id": rng.choice(community_ids), "audience": "public",
            "status": status, "starts_at": begins, "ends_at": begins + timedelta(days=14, hours=3),
            "signup_opens_at": begins - timedelta(days=90), "signup_closes_at": begins - timedelta(hours=12),
            "created_at": now, "updated_at": now,
        })  # fmt: skip
        for s in range(SESSIONS_PER_EVENT):
            session_id = n * SESSIONS_PER_EVENT + s + 1
            starts = begins + timedelta(days=7 * s)
            sessions.append({"id": session_id, "event_id": event_id, "starts_at": starts,
                             "ends_at": starts + timedelta(hours=3)})  # fmt: skip
            roles.append({"id": session_id, "session_id": session_id, "name": "志愿者", "capacity": 40})
        if status == "published" and begins > now + timedelta(days=1) and len(fixture.open_role_ids) < 2000:
            fixture.open_role_ids += [n * SESSIONS_PER_EVENT + s + 1 for s in range(SESSIONS_PER_EVENT)]
    bulk("events", events)
    bulk("event_sessions", sessions)
    fixture.event_id = next(e["id"] for e in events if e["status"] == "published" and e["starts_at"] > now)
    del events, sessions
    mark = step(f"{teams:,} teams, {counts['events']:,} events, {len(roles):,} sessions", mark)

    # Sign-ups spread over the roles (the tokens' volunteers, the first ones, kept out: the load signs them up).
    per_role = counts["signups"] / len(roles)
    with_token = min(TOKENS, volunteers // 2)
    pool_of_volunteers = range(with_token + 1, volunteers + 1)
    for role in roles:
        role["next_seq"] = min(int(per_role) + (rng.random() < per_role % 1), 40, len(pool_of_volunteers))
    bulk("event_roles", roles)
    signups, signup_id = [], 0
    for role in roles:
        for seq, volunteer_id in enumerate(rng.sample(pool_of_volunteers, role["next_seq"]), start=1):
            signup_id += 1
            signups.append({"id": signup_id, "role_id": role["id"], "volunteer_id": volunteer_id,
                            "status": "confirmed", "seq": seq, "created_at": now, "confirmed_at": now})  # fmt: skip
        if len(signups) >= 100_000:
            bulk("signups", signups)
            signups = []
    bulk("signups", signups)
    mark = step(f"{signup_id:,} sign-ups", mark)
    del signups, roles

    # Households with a head each, five visits each; the bench's social worker works at point 1.
    households, members = [], []
    for n in range(counts["households"]):
        community_id = rng.choice(community_ids)
        point_id, town_id = point_of[community_id]
        household_id = n + 1
        households.append({
            "id": household_id, "community_id": community_id, "service_point_id": point_id, "station_id": town_id,
            "worker_id": 3 if point_id == 1 else None, "address": f"{COMMUNITY_WORDS[n % 12]}{n % 90 + 1}巷{n}号",
            "household_type": rng.choice(("general", "dibao", "tekun", "low_income")),
            "opened_on": date(2024, 1, 1) + timedelta(days=n % 600), "created_at": now, "updated_at": now,
        })  # fmt: skip
        members.append({
            "household_id": household_id, "name": _name(rng, n), "relation": "head", "sex": "MF"[n % 2],
            "id_number": pool[n % len(pool)], "phone": pool[(n + 1) % len(pool)], "joined_on": date(2024, 1, 1),
        })  # fmt: skip
    bulk("households", households)
    bulk("household_members", members)
    visits, visit_id = [], 0
    for household_id in range(1, counts["households"] + 1):
        for _ in range(counts["visits"] // counts["households"]):
            visit_id += 1
            visits.append({"id": visit_id, "household_id": household_id, "contact_type": "home",
                           "visited_at": now - timedelta(days=rng.uniform(1, 700)), "recorded_by_id": 3,
                           "purpose": "例行走访", "needs_text": "", "created_at": now, "updated_at": now})  # fmt: skip
        if len(visits) >= 100_000:
            bulk("household_visits", visits)
            visits = []
    bulk("household_visits", visits)
    fixture.household_id = next(h["id"] for h in households if h["service_point_id"] == 1)
    mark = step(f"{len(households):,} households, {visit_id:,} visits", mark)
    del households, members, visits

    needs = []
    for n in range(counts["needs"]):
        status = rng.choices(("new", "assigned", "accepted", "closed"), (20, 20, 20, 40))[0]
        assigned = status != "new"
        needs.append({
            "id": n + 1, "tracking_number": f"XQ-{n // 10000:04d}-{n % 10000:04d}", "source": "public",
            "category": NEED_CATEGORIES[n % len(NEED_CATEGORIES)], "community_id": rng.choice(community_ids),
            "description": f"{TITLES[n % len(TITLES)]}的需求{n}", "status": status,
            "contact_name": pool[n % len(pool)], "contact_phone": pool[(n + 3) % len(pool)],
            "assignee_kind": "team" if assigned else None, "team_id": n % teams + 1 if assigned else None,
            "assigned_at": now if assigned else None, "closed_at": now if status == "closed" else None,
            "created_at": now - timedelta(days=rng.uniform(0, 700)), "updated_at": now,
        })  # fmt: skip
    bulk("needs", needs)
    del needs
    mark = step(f"{counts['needs']:,} needs", mark)

    # Bearer tokens: for the first volunteers (at most TOKENS) (sign-ups) and for League staff (the needs API).
    expires = now + timedelta(days=2)
    tokens = {
        profile_id: f"bench-token-{profile_id}-{rng.getrandbits(64):x}" for profile_id in range(1, with_token + 1)
    }
    fixture.staff_token = f"bench-staff-{rng.getrandbits(64):x}"
    rows = [{"user_id": profile_id + 3, "token_hash": _token_digest(raw), "expires_at": expires, "created_at": now}
            for profile_id, raw in tokens.items()]  # fmt: skip
    rows.append({"user_id": 2, "token_hash": _token_digest(fixture.staff_token), "expires_at": expires,
                 "created_at": now})  # fmt: skip
    bulk("api_tokens", rows)
    fixture.tokens = tokens
    fixture.community_id = community_ids[len(community_ids) // 2]

    _after_bulk(db.engine)
    step("statistics", mark)
    fixture.seconds = time.perf_counter() - started
    return fixture


def _after_bulk(engine: sa.Engine) -> None:
    """Sequences past the ids given (PostgreSQL), and fresh planner statistics (both)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.columns and table.columns["id"].autoincrement:
                    connection.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                    ))  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))
