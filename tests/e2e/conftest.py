"""End-to-end fixtures: the real app served by gunicorn on a fresh SQLite file with the demo data,
and Debian's Chromium driven by Playwright at phone size.

Every test under tests/e2e is marked `e2e` and `no_db` (it uses the served app's database, not the
in-process one). Screenshots go to test-artifacts/ in the repository root.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import served

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark everything in this folder, so `-m "not e2e"` leaves it out and no per-test DB clean-up runs."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.no_db)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _server_env(workdir: Path) -> dict[str, str]:
    return served.server_env(f"sqlite:///{workdir / 'e2e.db'}", workdir)


def run_flask(env: dict[str, str], *args: str) -> str:
    """Runs a `flask` command against the served app's database; fails the test if it fails; returns its output."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def live_env(tmp_path_factory) -> dict[str, str]:
    """The served app's environment (its database and instance folder), migrated and seeded with the demo."""
    workdir = tmp_path_factory.mktemp("live_server")
    env = _server_env(workdir)
    # Its address is configured, as in production: links people keep (QR codes, feeds) are built from it.
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{served.free_port()}"
    run_flask(env, "db", "upgrade", "heads")
    run_flask(env, "seed", "demo")
    return env


@pytest.fixture(scope="session")
def live_server(live_env) -> Iterator[str]:
    """The real app on the seeded database: `gunicorn -w 2` on a free port."""
    port = int(live_env["PUBLIC_BASE_URL"].rpartition(":")[2])
    with served.gunicorn(live_env, workers=2, port=port) as (url, _log):
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk (scripts/test does it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def phone_page(browser, artifacts, request):
    """A fresh phone-sized page (390x844, 2x, touch, zh-CN). On failure its last state is saved as a screenshot."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
            # The page may be gone; the report already tells what failed.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(artifacts / f"FAILED-{name}.png"), full_page=True)
        context.close()


@pytest.fixture
def screenshot(artifacts):
    """screenshot(page, "name") saves test-artifacts/<name>.png (full page)."""

    def take(page, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
