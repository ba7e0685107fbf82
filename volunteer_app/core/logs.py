"""Structured logs: one JSON line per request (request id, user id, method, path, status, duration) and every other
log record as a JSON line carrying the request id, so a line in the web log and the error it led to can be joined.

Personal data never reaches a log line: paths are logged without their query string (searches hold names and
phone numbers), SQL parameters are hidden by the engine (`hide_parameters`, see config.py), and every message and
traceback passes `redact`, which masks ID numbers and mobile numbers wherever they appear.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask_login import current_user

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("shanzhi.request")


def redact(text: str) -> str:
    return MOBILE.sub("1**********", ID_NUMBER.sub("******************", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(log_format: str, level: str = "INFO") -> None:
    """Sends every log record to stderr in the chosen format ("json" or "text"); the web app and the scheduler
    process both call it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)


def init_app(app: Flask) -> None:
    if app.config["LOG_FORMAT"] and not app.testing:
        configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
        app.logger.handlers.clear()  # Flask's own handler would print every error a second time, unformatted

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        duration_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
        user_id = current_user.get_id() if current_user and current_user.is_authenticated else None
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "fields": {
                    "method": request.method,
                    "path": redact(request.path),
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": int(user_id.split(":")[0]) if user_id else None,
                    "ip": request.remote_addr,
                }
            },
        )
        return response
