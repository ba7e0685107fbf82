"""Backups: one archive holding the database and the keys its encrypted numbers and sessions need, restored into an
empty database. SQLite is copied online with its backup API (a consistent snapshot while the app keeps writing);
PostgreSQL goes through pg_dump and pg_restore (custom format), which must be on the PATH.

The archive (tar.gz, mode 0600) holds `manifest.json` (format, database kind, schema revision, time),
`database.sqlite3` or `database.pgdump`, and `keys/` (secret_key, data_encryption_keys, blind_index_key). Keep it
as carefully as the keys themselves: whoever has it can read every encrypted number.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import make_url

from volunteer_app.extensions import db

FORMAT = 1
BACKUP_STAMP = "last_backup"
KEY_FILES = {  # archive name -> (config setting, instance file the app makes when the setting is unset)
    "secret_key": ("SECRET_KEY", "secret_key"),
    "data_encryption_keys": ("DATA_ENCRYPTION_KEYS", "data_encryption_key"),
    "blind_index_key": ("BLIND_INDEX_KEY", "blind_index_key"),
}


class BackupError(Exception):
    """What stops a backup or a restore, in words for the operator."""


@dataclass(frozen=True)
class Restored:
    kind: str
    revision: list[str]
    keys_written: list[str]
    keys_to_set: list[str]  # settings given in the environment that must be changed to the backup's values


def _kind() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _revision() -> list[str]:
    return sorted(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _key_sources(setting: str, filename: str) -> tuple[str | None, Path]:
    """A key given explicitly in the configuration (environment), if any, and the instance file the app uses
    otherwise."""
    path = Path(current_app.instance_path) / filename
    configured = current_app.config.get(setting)
    in_file = path.read_text().strip() if path.is_file() else None
    return (configured if configured and configured != in_file else None), path


def _current_keys() -> dict[str, str]:
    keys = {}
    for name, (setting, filename) in KEY_FILES.items():
        configured, path = _key_sources(setting, filename)
        keys[name] = configured or path.read_text().strip()
    return keys


def create(output: Path) -> Path:
    """Writes the archive to `output` and returns it."""
    kind = _kind()
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {kind} databases are not supported")
    manifest = {
        "format": FORMAT,
        "database": kind,
        "revision": _revision(),
        "created_at": datetime.now(UTC).isoformat(),
    }
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if kind == "sqlite":
            _copy_sqlite(
                Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database), work_dir / "database.sqlite3"
            )
        else:
            dump = work_dir / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}", _libpq_url()])
        (work_dir / "keys").mkdir()
        for name, value in _current_keys().items():
            (work_dir / "keys" / name).write_text(value)
        (work_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        output.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            for path in sorted(work_dir.rglob("*")):
                archive.add(path, arcname=str(path.relative_to(work_dir)), recursive=False)
    (Path(current_app.instance_path) / BACKUP_STAMP).write_text(manifest["created_at"])  # for `flask doctor`
    return output


def _copy_sqlite(source: Path, target: Path) -> None:
    db.session.remove()
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    copy.close()


def restore(archive_path: Path) -> Restored:
    """Restores the archive into the configured database, which must hold no tables, and its keys into the
    instance folder. The keys there are replaced: with an empty database nothing was encrypted with them yet."""
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work_dir, filter="data")
        manifest = json.loads((work_dir / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        kind = _kind()
        if manifest["database"] != kind:
            raise BackupError(f"this is a {manifest['database']} backup; the configured database is {kind}")
        if _tables():
            raise BackupError("the database is not empty: restore into a new, empty database")
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            shutil.copyfile(
                work_dir / "database.sqlite3", make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
            )
        else:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={_libpq_url()}",
                  str(work_dir / "database.pgdump")])  # fmt: skip
        written, to_set = _restore_keys(work_dir / "keys")
    return Restored(kind, manifest["revision"], written, to_set)


def _restore_keys(keys_dir: Path) -> tuple[list[str], list[str]]:
    written, to_set = [], []
    for name, (setting, filename) in KEY_FILES.items():
        value = (keys_dir / name).read_text()
        configured, path = _key_sources(setting, filename)
        if configured is not None:
            if configured != value:
                to_set.append(setting)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value)
        path.chmod(0o600)
        written.append(filename)
    return written, to_set


def _tables() -> list[str]:
    return sa.inspect(db.engine).get_table_names()


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
