"""Project files that CI cannot see break: lint, and lock files that lag behind pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;]+)")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for line in requirements:
        match = PIN.match(line.strip())
        assert match, f"pyproject.toml pins every dependency exactly (name==version): {line!r}"
        found[normalised(match[1])] = match[2]
    return found


def locked(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[normalised(match[1])] = match[2]
    return found


@pytest.mark.no_db
@pytest.mark.parametrize(("lock", "extras"), [("app.txt", []), ("test.txt", ["test"])])
def test_the_lock_files_hold_exactly_the_pins_of_pyproject(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = pins(project["dependencies"])
    for extra in extras:
        wanted |= pins(project["optional-dependencies"][extra])
    in_lock = locked(ROOT / "requirements" / lock)
    differing = {name: (version, in_lock.get(name)) for name, version in wanted.items() if in_lock.get(name) != version}
    assert not differing, f"requirements/{lock} is stale, run scripts/lock: {differing} (pyproject, lock)"
    lines = (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines()
    following = [*lines[1:], ""]
    pairs = zip(lines, following, strict=True)
    unhashed = [line for line, after in pairs if PIN.match(line) and "--hash=" not in after]
    assert not unhashed, f"scripts/setup installs with --require-hashes; these have no hash: {unhashed}"


@pytest.mark.no_db
def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
