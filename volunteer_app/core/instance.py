"""Secrets an installation makes once and keeps in its instance folder, so restarts and every worker agree."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def instance_secret(instance: Path, name: str, make: Callable[[], str]) -> str:
    """The secret in instance/<name>, made by `make` the first time. O_EXCL: when two processes start at once,
    one writes it and the other reads what was written."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(make())
    return path.read_text().strip()
