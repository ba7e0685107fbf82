"""`flask doctor`: what in this deployment's settings is unsafe or will hurt in production, each with what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import make_url

from volunteer_app.core.backup import BACKUP_STAMP
from volunteer_app.core.health import readiness

WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "please-change", "test", "development"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
KEY_FILES = ("data_encryption_key", "blind_index_key")


@dataclass(frozen=True)
class Finding:
    ok: bool
    topic: str
    text: str


def examine(app: Flask, *, workers: int) -> list[Finding]:
    """Every check, passed or not, in the order an administrator would fix them."""
    config = app.config
    findings = [
        _check(not app.debug, "debug", "debug mode is off", "debug mode is ON: never serve it; unset FLASK_DEBUG and "
               "use FLASK_CONFIG=production"),
        _secret(config.get("SECRET_KEY") or ""),
        _check(bool(config.get("SESSION_COOKIE_SECURE")), "cookies", "session cookies are sent over HTTPS only",
               "SESSION_COOKIE_SECURE is off: sessions travel in clear text; serve over HTTPS and set it to 1"),
        _database(config["SQLALCHEMY_DATABASE_URI"], workers),
        _check(workers <= 1 or not str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://"), "limits",
               "rate limits are shared by every worker",
               f"{workers} workers count rate limits apart (memory://): set RATELIMIT_STORAGE_URI=redis://..."),
        _mail(config),
        _public_url(config.get("PUBLIC_BASE_URL") or ""),
        _keys_backed_up(app),
    ]  # fmt: skip
    ready = readiness()
    for check, topic in (("database", "connection"), ("migrations", "migrations")):
        result = ready.checks.get(check, "not checked")
        findings.append(_check(result == "ok", topic, f"{check}: ok", f"{check}: {result} (run `flask db upgrade`)"))
    return findings


def _check(ok: bool, topic: str, good: str, bad: str) -> Finding:
    return Finding(ok, topic, good if ok else bad)


def _secret(secret: str) -> Finding:
    weak = len(secret) < 32 or secret.lower() in WEAK_SECRETS
    return _check(not weak, "secret", "SECRET_KEY is long and random",
                  "SECRET_KEY is short or a known default: anyone could forge sessions; unset it (one is made in "
                  "instance/) or set 64 random hex characters")  # fmt: skip


def _database(uri: str, workers: int) -> Finding:
    kind = make_url(uri).get_backend_name()
    bad = f"SQLite with {workers} workers: writes queue behind each other; use PostgreSQL (DATABASE_URL)"
    return _check(kind != "sqlite" or workers <= 1, "database", f"{kind} for {workers} worker(s)", bad)


def _mail(config) -> Finding:
    server = config.get("MAIL_SERVER") or ""
    secured = config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")
    return _check(server in LOCAL_HOSTS or bool(secured), "mail", "mail goes over TLS or to a local relay",
                  f"mail to {server} without TLS: set MAIL_USE_TLS=1 (STARTTLS) or MAIL_USE_SSL=1")  # fmt: skip


def _public_url(url: str) -> Finding:
    parts = urlsplit(url)
    if not parts.hostname or parts.hostname in LOCAL_HOSTS:
        return Finding(False, "public url", f"PUBLIC_BASE_URL is {url or 'unset'}: links in messages and QR codes "
                       "would point at this machine; set it to the address people use")  # fmt: skip
    return _check(parts.scheme == "https", "public url", f"links point at {url}",
                  f"PUBLIC_BASE_URL {url} is not https: links in messages would be sent in clear")  # fmt: skip


def _keys_backed_up(app: Flask) -> Finding:
    """Keys made in instance/ exist only there: losing the folder loses every encrypted number. A backup archive
    (`flask backup create`) holds them; it leaves a stamp newer than the key files."""
    instance = Path(app.instance_path)
    made_here = [instance / name for name in KEY_FILES if (instance / name).is_file()]
    if app.config.get("DATA_ENCRYPTION_KEYS") and app.config.get("BLIND_INDEX_KEY"):
        return Finding(True, "keys", "encryption keys come from the environment: keep them with your secrets")
    stamp = instance / BACKUP_STAMP
    newest_key = max((path.stat().st_mtime for path in made_here), default=0)
    backed_up = stamp.is_file() and stamp.stat().st_mtime >= newest_key
    return _check(backed_up, "keys", "the instance keys are in a backup",
                  f"the encryption keys in {instance} are in no backup: run `flask backup create` and keep the "
                  "archive safe; losing them loses every encrypted number")  # fmt: skip
