"""Issue #16's bench: the district data set at a scale, the app on gunicorn with 4 workers, each endpoint driven by
wrk from another process for a fixed time, side by side in one run with the bare ceiling endpoint; then reminder
dispatch to a local SMTP server, planning reminders for 1,000 sign-ups, and a 10,000-row volunteer import, timed
through their service functions. Prints a table and writes bench/results/<date>-<db>-<scale>.md.

    bench/run --scale 0.01                         # SQLite, a few minutes
    bench/run --scale 0.1 --db postgresql          # database bench_0_1 on 127.0.0.1, created and dropped
    bench/run --scale 0.01 --only ceiling,events_api --duration 3
    bench/run --scale 1 --db postgresql --keep     # keeps the database and the work folder (its keys, fixture.json)
    bench/run --reuse /tmp/shanzhi-bench-XXXX      # measures again on what a kept run generated, without regenerating
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(BENCH)]
VENV_BIN = Path(sys.executable).parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1"

import data  # noqa: E402  (bench/data.py)

DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

SIGNUP_LUA = """
local tokens = {%(tokens)s}
local volunteers = {%(volunteers)s}
local roles = {%(roles)s}
local pending = {}
init = function(args) math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0)) end
request = function()
  -- Every other request cancels a sign-up made earlier, so places stay free and volunteers can sign up again.
  if #pending > 0 and math.random() < 0.5 then
    local p = table.remove(pending, 1)
    return wrk.format("DELETE", "/api/v1/signups/" .. p[2], {["Authorization"] = "Bearer " .. tokens[p[1]]})
  end
  local v = volunteers[math.random(#volunteers)]
  local r = roles[math.random(#roles)]
  return wrk.format("POST", "/api/v1/signups",
    {["Authorization"] = "Bearer " .. tokens[v], ["Content-Type"] = "application/json"},
    '{"role_id": ' .. r .. '}')
end
response = function(status, headers, body)
  if status == 201 then
    local id, v = body:match('"id":%%s*(%%d+)'), body:match('"volunteer_id":%%s*(%%d+)')
    if id and v then table.insert(pending, {tonumber(v), id}) end
  end
end
"""


@dataclass
class Endpoint:
    group: str
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    script: str = ""  # Lua for wrk beyond the summary (the sign-up load)
    method: str = "GET"


@dataclass
class Result:
    group: str
    name: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    queries: str = ""
    status: str = ""
    non2xx: int = 0
    requests: int = 0
    note: str = ""


# --------------------------------------------------------------------------------------------- database


def database_url(db_kind: str, scale: float, workdir: Path) -> str:
    if db_kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    return f"{PG_SERVER}/{pg_name(scale)}"


def pg_name(scale: float) -> str:
    return "bench_" + f"{scale:g}".replace(".", "_").replace("-", "_")


def pg_admin(statement: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def server_env(url: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASK_APP="wsgi",
        FLASK_CONFIG="production",
        DATABASE_URL=url,
        INSTANCE_PATH=str(workdir / "instance"),
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_ENABLED="0",
        PUBLIC_BASE_URL="http://127.0.0.1",
    )
    return env


def migrate(url: str, workdir: Path) -> None:
    started = time.perf_counter()
    subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=server_env(url, workdir), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    print(f"migrated (flask db upgrade) in {time.perf_counter() - started:.1f} s")


def migrate_and_generate(url: str, workdir: Path, scale: float) -> data.Fixture:
    migrate(url, workdir)
    app = _app(url, workdir)
    with app.app_context():
        fixture = data.generate(scale)
        from volunteer_app.extensions import db

        db.engine.dispose()
    print(f"generated scale {scale:g} in {fixture.seconds:.1f} s")
    (workdir / "fixture.json").write_text(json.dumps({"url": url, "db": db_kind(url), **asdict(fixture)}))
    return fixture


def db_kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def reused(workdir: Path, args: argparse.Namespace) -> tuple[str, data.Fixture]:
    """The database and fixture a `--keep` run left in its work folder; the run's scale and database are theirs."""
    saved = json.loads((workdir / "fixture.json").read_text())
    url, args.db = saved.pop("url"), saved.pop("db")
    saved["tokens"] = {int(vid): token for vid, token in saved["tokens"].items()}  # JSON keys are strings
    fixture = data.Fixture(**saved)
    args.scale = fixture.scale
    migrate(url, workdir)  # the code measured may have added a migration since
    return url, fixture


def _app(url: str, workdir: Path, **overrides):
    from volunteer_app import create_app

    return create_app(
        "production", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(workdir / "instance"), RATELIMIT_ENABLED=False,
        LOG_LEVEL="WARNING", **overrides,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, workdir: Path, port: int) -> subprocess.Popen:
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 — lives as long as the server
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "--pythonpath", f"{ROOT},{BENCH}",
         "serve:app"],
        cwd=ROOT, env=server_env(url, workdir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ceiling", timeout=2).read()
            return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None:
                break
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base: str, username: str, password: str) -> str:
    """Logs in through the login page once; returns the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": csrf, "login": username, "password": password}).encode()
    try:
        opener.open(f"{base}/login", data=form).read()
    except urllib.error.HTTPError as answer:  # the redirect after a login: its cookie is what we came for
        if answer.code != 302:
            raise
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "session" not in cookies:
        raise SystemExit(f"could not log in as {username}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def probe(base: str, endpoint: Endpoint) -> tuple[int, str]:
    """One request: its status and the queries it ran."""
    request = urllib.request.Request(base + endpoint.path, headers=endpoint.headers, method=endpoint.method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("X-Query-Count", "?")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Query-Count", "?")


# --------------------------------------------------------------------------------------------- the load


def endpoints(fixture: data.Fixture, base: str) -> list[Endpoint]:
    today = datetime.now(UTC).date().isoformat()
    volunteer = {"Authorization": f"Bearer {next(iter(fixture.tokens.values()))}"}
    staff = {"Authorization": f"Bearer {fixture.staff_token}"}
    signed_in = {"Cookie": login(base, fixture.volunteer, fixture.password)}
    worker = {"Cookie": login(base, fixture.worker, fixture.password)}
    league = {"Cookie": login(base, fixture.staff, fixture.password)}
    events = "/api/v1/events"
    tokens = ", ".join(f'[{vid}] = "{token}"' for vid, token in fixture.tokens.items())
    signup_script = SIGNUP_LUA % {
        "tokens": tokens,
        "volunteers": ", ".join(str(vid) for vid in fixture.tokens),
        "roles": ", ".join(str(rid) for rid in fixture.open_role_ids),
    }
    return [
        Endpoint("ceiling", "bare JSON (ceiling)", "/bench/ceiling"),
        Endpoint("floor", "floor: one ORM query, JSON", "/bench/floor/query"),
        Endpoint("floor", "floor: 20 rows + capped count, JSON", "/bench/floor/list"),
        Endpoint("floor", "floor: 20 rows in the site's layout", "/bench/floor/page"),
        Endpoint("floor", "floor: one UPDATE committed", "/bench/floor/write", method="POST"),
        Endpoint("events_api", "API events, upcoming", f"{events}?from={today}T00:00:00", volunteer),
        Endpoint("events_api", "API events, all", events, volunteer),
        Endpoint("events_api", "API events, all, page 50", f"{events}?page=50", volunteer),
        Endpoint("events_api", "API events, words 彩绘", f"{events}?q={quote('彩绘')}", volunteer),
        Endpoint("events_api", "API events, one community", f"{events}?community_id={fixture.community_id}", volunteer),
        Endpoint("events_pages", "events page, anonymous", "/events"),
        Endpoint("events_pages", "events page, signed in", "/events", signed_in),
        Endpoint("events_pages", "event page, anonymous", f"/events/{fixture.event_id}"),
        Endpoint("events_pages", "event page, signed in", f"/events/{fixture.event_id}", signed_in),
        Endpoint("signups", "API sign-up + cancel", "/api/v1/signups", script=signup_script),
        Endpoint("households", "household page (audited)", f"/social-work/households/{fixture.household_id}", worker),
        Endpoint("households", "household list", "/social-work/households", worker),
        Endpoint("households", "household list, words 巷1", f"/social-work/households?q={quote('巷1')}", worker),
        Endpoint("reports", "dashboard /reports/", "/reports/", league),
        Endpoint("reports", "needs page", "/needs", league),
        Endpoint("reports", "API needs", "/api/v1/needs", staff),
    ]


def drive(base: str, endpoint: Endpoint, args: argparse.Namespace, workdir: Path) -> Result:
    result = Result(endpoint.group, endpoint.name)
    if not endpoint.script:
        started = time.perf_counter()
        status, queries = probe(base, endpoint)
        result.status, result.queries = str(status), queries
        probe_seconds = time.perf_counter() - started
    script = workdir / "load.lua"
    method = f'wrk.method = "{endpoint.method}"\n' if endpoint.method != "GET" and not endpoint.script else ""
    script.write_text(method + endpoint.script + DONE_LUA)
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "30s",
               "-s", str(script)]  # fmt: skip
    for name, value in endpoint.headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, base + endpoint.path], capture_output=True, text=True, check=False).stdout
    line = re.search(r"^BENCH (.*)$", output, re.M)
    if not line:
        result.note = "wrk gave no summary"
        return result
    if not int(line.group(1).split()[0].split("=")[1]) and not endpoint.script:
        result.note = f"no request finished in {args.duration} s under load; one alone took {probe_seconds:.1f} s"
        return result
    figures = dict(pair.split("=") for pair in line.group(1).split())
    seconds = int(figures["duration_us"]) / 1e6
    result.requests = int(figures["requests"])
    result.rps = result.requests / seconds if seconds else 0.0
    result.p50_ms, result.p95_ms = int(figures["p50"]) / 1000, int(figures["p95"]) / 1000
    result.non2xx = int(figures["non2xx"])
    if int(figures["errors"]):
        result.note = f"{figures['errors']} socket errors"
    if endpoint.script:  # the sign-up load: one probe after, to count a sign-up's queries
        result.status, result.queries = "201/204", signup_queries(base, endpoint)
    return result


def signup_queries(base: str, endpoint: Endpoint) -> str:
    tokens = dict(re.findall(r'\[(\d+)\] = "([^"]+)"', endpoint.script))
    roles = re.search(r"local roles = \{([^}]*)\}", endpoint.script).group(1).split(", ")
    token = list(tokens.values())[-1]
    for role in roles:
        request = urllib.request.Request(
            base + endpoint.path, data=json.dumps({"role_id": int(role)}).encode(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.headers.get("X-Query-Count", "?")
        except urllib.error.HTTPError:
            continue
    return "?"


# --------------------------------------------------------------------------------------------- in-process figures


def dispatch_and_planning(url: str, workdir: Path, fixture: data.Fixture, wanted) -> list[Result]:
    """Reminder dispatch to a local SMTP server (aiosmtpd in a process of its own) and planning reminders for 1,000
    sign-ups, through their service functions (bench/dispatch.py and bench/plan_reminders.py)."""
    import dispatch
    import plan_reminders

    from volunteer_app.core.time import utcnow
    from volunteer_app.events import notices
    from volunteer_app.extensions import db

    results = []
    with dispatch.smtp_server() as (port, counts, smtp_pid):
        app = _app(url, workdir, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                   MAIL_USERNAME=None)  # fmt: skip
        with app.app_context():
            if wanted("dispatch"):
                users = list(range(4, 4 + min(1000, fixture.counts["volunteers"])))
                total = 2000
                dispatch.clear_outbox()  # the sign-up load's notices would go out with these
                dispatch.plan(users, total, "email", "bench-run")
                meter = dispatch.CpuMeter(smtp_pid)
                meter.start()
                sent, seconds = dispatch.dispatch(app.config["DISPATCH_BATCH_SIZE"])
                cpu_ms = 1000 * sum(meter.stop()) / max(sent, 1)
                note = (f"**{sent / seconds:,.0f} messages/s**; {sent} sent, the server got {counts.messages} on "
                        f"{counts.connections} connection(s); {cpu_ms:.1f} ms CPU a message in dispatcher, SMTP server "
                        f"and database: {1000 / cpu_ms:,.0f}/s on idle cores")  # fmt: skip
                results.append(Result("dispatch", f"dispatch {total:,} emails to SMTP", note=note))
            if wanted("planning"):
                event = plan_reminders.build(1000)
                started = time.perf_counter()
                notices.plan_event(event, utcnow())
                db.session.commit()
                seconds = time.perf_counter() - started
                rows = 4 * 1000  # two reminders before the session, inbox and email each
                results.append(Result("planning", "plan reminders, 1,000 sign-ups", note=f"**{seconds * 1000:,.0f} ms**"
                                      f" for {rows:,} outbox rows (one call)"))  # fmt: skip
            db.session.remove()
            db.engine.dispose()
    return results


def volunteer_workbook(rows: int, first: int) -> bytes:
    """An .xlsx of `rows` new volunteers (valid ID numbers, phones and communities), headed by the column keys."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["name", "id_number", "phone", "political_status", "community"])
    community = f"镇1 {data.COMMUNITY_WORDS[0]}0"  # by town and name: every town has one of that name
    for n in range(first, first + rows):
        sheet.append([f"导入志愿者{n}", data.id_number(n), f"137{n:08d}", "共青团员", community])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def volunteer_import(url: str, workdir: Path, fixture: data.Fixture, rows: int = 10_000) -> list[Result]:
    """A 10,000-row volunteer workbook through the import's service functions and the scheduler's job: stored and
    checked (the preview), then committed and written."""
    import io

    import sqlalchemy as sa

    from volunteer_app.accounts.models import User
    from volunteer_app.core.time import SystemClock
    from volunteer_app.extensions import db
    from volunteer_app.organisations.models import VolunteerProfile
    from volunteer_app.reports.services import imports

    app = _app(url, workdir)
    with app.app_context(), app.test_request_context():
        # New people past every profile there is: a --reuse run finds the volunteers an earlier run imported.
        first = (db.session.scalar(sa.select(sa.func.max(VolunteerProfile.id))) or 0) + 10
        workbook = volunteer_workbook(rows, first=first)
        admin = db.session.scalar(sa.select(User).where(User.username == fixture.admin))
        started = time.perf_counter()
        job = imports.start_import(admin, kind="volunteers", stream=io.BytesIO(workbook), filename="bench.xlsx")
        imports.run_due(SystemClock())
        checked = time.perf_counter() - started
        job = imports.get_import(admin, job.id)
        problems = len(job.problems or [])
        started = time.perf_counter()
        imports.commit_import(admin, job.id)
        imports.run_due(SystemClock())
        written = time.perf_counter() - started
        job = imports.get_import(admin, job.id)
        note = (f"**check {checked:.1f} s, write {written:.1f} s** ({rows / (checked + written):,.0f} rows/s); "
                f"{job.status}, {problems} rows with problems")  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return [Result("imports", f"import {rows:,} volunteers (.xlsx)", note=note)]


# --------------------------------------------------------------------------------------------- report


def table(results: list[Result]) -> list[str]:
    ceiling = next((r for r in results if r.group == "ceiling" and r.rps), None)
    lines = [
        "| group | endpoint | req/s | ratio to ceiling | p50 ms | p95 ms | p95 / ceiling p95 | queries/request | "
        "status | non-2xx | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for r in results:
        if not r.status:  # an in-process figure: its rate or time stands in the note
            lines.append(f"| {r.group} | {r.name} |  |  |  |  |  |  |  |  | {r.note} |")
            continue
        ratio = f"{r.rps / ceiling.rps:.3f}" if ceiling else ""
        p95_ratio = f"{r.p95_ms / ceiling.p95_ms:.1f}" if ceiling and ceiling.p95_ms else ""
        lines.append(
            f"| {r.group} | {r.name} | {r.rps:,.0f} | {ratio} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {p95_ratio} | "
            f"{r.queries} | {r.status} | {r.non2xx} | {r.note} |"
        )
    return lines


def write_report(args, fixture: data.Fixture, results: list[Result], started: datetime) -> Path:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    counts = ", ".join(f"{number:,} {name}" for name, number in fixture.counts.items())
    lines = [
        f"# bench/run --scale {args.scale:g} --db {args.db}",
        "",
        f"{started:%Y-%m-%d %H:%M} UTC, commit {commit.strip()}, {os.cpu_count()} cores; gunicorn -w 4; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per endpoint; one run.",
        "",
        f"Data: {counts} (generated in {fixture.seconds:.0f} s).",
        "",
        *table(results),
        "",
        "Ratios are to the ceiling measured in the same run. Queries/request come from one extra request "
        "(X-Query-Count). Dispatch and planning run in-process through their service functions after the load. "
        "Non-2xx on sign-ups are refusals the rules give (already signed up, overlapping place).",
        "",
    ]
    out = Path(args.results) / f"{started:%Y-%m-%d}-{args.db}-{args.scale:g}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01, help="1 = the district of issue #16")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--only", default="", help="comma-separated groups: ceiling, floor, events_api, events_pages, "
                        "signups, households, reports, dispatch, planning, imports")  # fmt: skip
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the volunteer workbook imported")
    parser.add_argument("--results", default=str(BENCH / "results"))
    parser.add_argument("--keep", action="store_true", help="keep the database and work folder")
    parser.add_argument("--reuse", metavar="WORKDIR", help="measure on the data a --keep run left (kept again)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    only = {name.strip() for name in args.only.split(",") if name.strip()}

    def wanted(group: str) -> bool:
        return not only or group in only or group == "ceiling"

    started = datetime.now(UTC)
    if args.reuse:
        workdir, args.keep = Path(args.reuse), True
        url, fixture = reused(workdir, args)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="shanzhi-bench-"))
        (workdir / "instance").mkdir()
        url = database_url(args.db, args.scale, workdir)
        if args.db == "postgresql":
            pg_admin(f"DROP DATABASE IF EXISTS {pg_name(args.scale)}")
            pg_admin(f"CREATE DATABASE {pg_name(args.scale)}")
    try:
        if not args.reuse:
            fixture = migrate_and_generate(url, workdir, args.scale)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, workdir, port)
        results = []
        try:
            for endpoint in endpoints(fixture, base):
                if wanted(endpoint.group):
                    results.append(drive(base, endpoint, args, workdir))
                    print("\n".join(table(results)[-1:]), flush=True)
        finally:
            stop_server(server)
        if wanted("dispatch") or wanted("planning"):
            results += dispatch_and_planning(url, workdir, fixture, wanted)
        if wanted("imports"):
            results += volunteer_import(url, workdir, fixture, args.import_rows)
        print("\n".join(table(results)))
        print(f"\nwritten to {write_report(args, fixture, results, started)}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            if args.db == "postgresql":
                pg_admin(f"DROP DATABASE IF EXISTS {pg_name(args.scale)} WITH (FORCE)")
        else:
            print(f"kept: {workdir} and {url}")


if __name__ == "__main__":
    main()
