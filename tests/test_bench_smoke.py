"""bench/run works end to end at a tiny scale: the data set is generated, every endpoint answers its probe (200), wrk
drives each one, dispatch reaches the SMTP server once per message, a volunteer workbook is imported through the
scheduler's job, and the results file is written. No timing is asserted. It runs once, in the SQLite run (bench/run
makes its own database; the PostgreSQL run would only repeat it). scripts/test installs wrk from Debian's packages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.no_db,
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="runs once, in the SQLite run"),
]


def test_bench_run_at_a_tiny_scale(tmp_path):
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scale", "0.001", "--duration", "1", "--threads", "1",
         "--connections", "2", "--import-rows", "400", "--results", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    [report] = tmp_path.glob("*-sqlite-0.001.md")
    rows = [line.split("|")[1:-1] for line in report.read_text().splitlines() if line.startswith("| ")][1:]
    names = {cells[1].strip() for cells in rows}
    assert {"bare JSON (ceiling)", "floor: 20 rows in the site's layout", "floor: one UPDATE committed",
            "API events, upcoming", "household page (audited)", "API sign-up + cancel",
            "dashboard /reports/", "dispatch 2,000 emails to SMTP",
            "import 400 volunteers (.xlsx)"} <= names  # fmt: skip
    for cells in rows:
        name, status, requests_per_second = cells[1].strip(), cells[8].strip(), cells[2].strip()
        if status:  # an endpoint under load: it answered its probe, and wrk counted requests
            assert status in {"200", "201/204"}, (name, status)
            assert float(requests_per_second.replace(",", "")) > 0, name
    dispatched = next(cells[10] for cells in rows if cells[0].strip() == "dispatch")
    sent, received = re.search(r"(\d+) sent, the server got (\d+)", dispatched).groups()
    assert sent == received == "2000"
    imported = next(cells[10] for cells in rows if cells[0].strip() == "imports")
    assert "done, 0 rows with problems" in imported


def test_a_kept_run_is_measured_again_without_generating(tmp_path):
    """--keep leaves the work folder with its fixture; --reuse measures on it without generating anything, and plans
    and imports for people who are not there yet."""
    base = [sys.executable, str(ROOT / "bench" / "run.py"), "--duration", "1", "--threads", "1", "--connections", "1",
            "--only", "floor,planning,imports", "--import-rows", "50", "--results", str(tmp_path)]  # fmt: skip
    kept = subprocess.run([*base, "--scale", "0.001", "--keep"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert kept.returncode == 0, kept.stdout[-3000:] + kept.stderr[-3000:]
    workdir = re.search(r"^kept: (\S+) and ", kept.stdout, re.M).group(1)
    try:
        again = subprocess.run([*base, "--reuse", workdir], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
        assert "generated scale" in kept.stdout and "generated scale" not in again.stdout
        assert "floor: one ORM query, JSON" in again.stdout
        assert again.stdout.count("done, 0 rows with problems") == 1  # new people again, not the ones kept
    finally:
        subprocess.run(["rm", "-rf", workdir], check=False)
