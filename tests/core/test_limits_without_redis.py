"""With the Redis that counts rate limits away, limited pages still answer (logins, a dashboard's recount) and the
limits still hold, each worker counting them in its own memory. Run in a process of its own: the limiter is one
object for the whole process, and its "storage is away" state would follow the other tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WORKER = """
import sys
from pathlib import Path
from volunteer_app import create_app
from volunteer_app.accounts import services as accounts
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db

folder = Path(sys.argv[1])
app = create_app(
    "testing", INSTANCE_PATH=str(folder), SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'away.db'}",
    RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1",  # nothing answers there
    LOGIN_RATE_LIMIT="100 per minute", LOGIN_PERSON_RATE_LIMIT="2 per minute", FIGURES_REFRESH_LIMIT="1 per minute",
)
with app.app_context():
    db.create_all()
    accounts.create_user(SYSTEM, username="staff", password="a-long-password", display_name="Staff",
                         roles=[accounts.RoleSpec.parse("league_staff", None)])
client = app.test_client()
guesses = [client.post("/login", data={"login": "nobody", "password": "wrong"}).status_code for _ in range(3)]
print("logins", *guesses)
print("login", client.post("/login", data={"login": "staff", "password": "a-long-password"}).status_code)
recounts = [client.get("/reports/?refresh=1", headers={"Accept-Language": "en"}) for _ in range(2)]
told = "too-often" if "too often" in recounts[1].get_data(as_text=True) else "-"
print("recounts", *(r.status_code for r in recounts), told)
"""


def test_limited_pages_answer_and_still_limit_with_the_limits_redis_away(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(tmp_path)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    assert lines["logins"] == "422 422 429"  # the third guess at one name: counted in the worker's memory
    assert lines["login"] == "302"
    assert lines["recounts"] == "200 200 too-often"  # the second recount shows the kept figures, as with Redis
