"""Planning session reminders: an event with 1,000 confirmed volunteers (bulk-inserted), then time
`events.notices.plan_event` (24 h and 2 h reminders, inbox and email: 4,000 outbox rows), and once more to show
what planning again costs (it adds nothing), and what refreshing them costs when the event is renamed.

    .venv/bin/python bench/plan_reminders.py [--volunteers 1000] [--database-url URL]

Without --database-url (or BENCH_DATABASE_URL) it uses a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from volunteer_app import create_app
from volunteer_app.accounts.models import User
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.time import utcnow
from volunteer_app.events import notices as reminders
from volunteer_app.events.models import Event, EventRole, EventSession, Signup
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Town, VolunteerProfile
from volunteer_app.reminders.models import Notification
from volunteer_app.reminders.services import refresh_planned


def build(count: int) -> Event:
    now = utcnow()
    stamp = int(now.timestamp())
    tag = f"plan-bench-{stamp}"  # its own people (names, phones unique) each time: bench/run --reuse builds again
    town = Town(name=f"bench-town-{now.timestamp():.0f}")
    community = Community(town=town, name="bench-community")
    starts = now + timedelta(days=3)
    event = Event(
        title="Bench clean-up", kind="cleanup", place="Square", status="published",
        signup_closes_at=now + timedelta(days=2), starts_at=starts, ends_at=starts + timedelta(hours=3),
    )
    session = EventSession(starts_at=starts, ends_at=starts + timedelta(hours=3), title="")
    role = EventRole(name="Cleaner", capacity=count)
    session.roles = [role]
    event.sessions = [session]
    db.session.add_all([town, community, event])
    db.session.flush()
    db.session.execute(
        sa.insert(User),
        [
            {"username": f"{tag}-{n}", "display_name": f"Volunteer {n}", "password_hash": "x",
             "email": f"{tag}-{n}@example.org"}
            for n in range(count)
        ],
    )
    user_ids = list(db.session.scalars(sa.select(User.id).where(User.username.like(f"{tag}-%")).order_by(User.id)))
    db.session.execute(
        sa.insert(VolunteerProfile),
        [
            {"user_id": uid, "name": f"V{n}", "phone": f"138{(stamp % 100_000 * 1000 + n) % 10**8:08d}",
             "id_number": f"{n:018d}",
             "id_number_digest": blind_index(f"{tag}-{n}"), "sex": "F",
             "birth_date": date(1990, 1, 1), "political_status": "masses", "community_id": community.id,
             "skills": [], "availability": [], "created_at": now, "updated_at": now}
            for n, uid in enumerate(user_ids)
        ],
    )
    profile_ids = list(
        db.session.scalars(sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id.in_(user_ids)))
    )
    db.session.execute(
        sa.insert(Signup),
        [
            {"role_id": role.id, "volunteer_id": pid, "status": "confirmed", "seq": n + 1, "created_at": now,
             "confirmed_at": now}
            for n, pid in enumerate(profile_ids)
        ],
    )
    db.session.commit()
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=1_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-plan-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(workdir))
    with app.app_context():
        upgrade(revision="heads")
        event = build(args.volunteers)
        print(f"plan_reminders bench: {args.volunteers} confirmed volunteers, {url.split(':')[0]}")
        started = time.perf_counter()
        planned = reminders.plan_event(event, utcnow())
        db.session.commit()
        seconds = time.perf_counter() - started
        rows = db.session.scalar(sa.select(sa.func.count(Notification.id)))
        print(f"  plan            {seconds:8.3f} s   {rows / seconds:8.0f} rows/s   ({planned} offered, {rows} rows)")
        started = time.perf_counter()
        again = reminders.plan_event(event, utcnow())
        db.session.commit()
        seconds = time.perf_counter() - started
        after = db.session.scalar(sa.select(sa.func.count(Notification.id)))
        print(f"  plan again      {seconds:8.3f} s   ({again} offered, {after - rows} new rows)")
        event.title = f"{event.title} (renamed)"
        db.session.flush()
        started = time.perf_counter()
        refreshed = refresh_planned(reminders.REMINDER.key, event.sessions, {"event_title": event.title})
        db.session.commit()
        seconds = time.perf_counter() - started
        print(f"  rename refresh  {seconds:8.3f} s   {refreshed / seconds:8.0f} rows/s   ({refreshed} rows updated)")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
