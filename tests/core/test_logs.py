"""One JSON line per request with its request id, and no ID or phone number in any log line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from volunteer_app import create_app
from volunteer_app.accounts import access
from volunteer_app.core import logs
from volunteer_app.extensions import db

pytestmark = pytest.mark.no_db


@pytest.fixture
def logged(tmp_path):
    """A production-configured app whose JSON log lines are collected."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    app = create_app(
        "production", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'logs.db'}",
        SESSION_COOKIE_SECURE=False, RATELIMIT_ENABLED=False,
    )  # fmt: skip
    with app.app_context():
        db.create_all()
    stream = io.StringIO()
    [ours] = [h for h in root.handlers if isinstance(h.formatter, logs.JsonFormatter)]  # what configure() installed
    ours.stream = stream

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield app, lines
    root.handlers, _ = saved[0], root.setLevel(saved[1])


def test_each_request_is_one_json_line_with_its_request_id(logged):
    app, lines = logged
    response = app.test_client().get("/healthz?q=13800138000", headers={"X-Request-ID": "abc12345-from-nginx"})
    assert response.headers["X-Request-ID"] == "abc12345-from-nginx"
    [line] = [line for line in lines() if line["logger"] == "shanzhi.request"]
    assert line["request_id"] == "abc12345-from-nginx"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/healthz", 200, None)
    assert isinstance(line["duration_ms"], float)
    assert "13800138000" not in json.dumps(lines())  # the query string is not logged


def test_a_request_without_a_usable_id_gets_a_fresh_one(logged):
    app, _ = logged
    response = app.test_client().get("/healthz", headers={"X-Request-ID": "bad id; DROP"})
    assert response.headers["X-Request-ID"] != "bad id; DROP"
    assert len(response.headers["X-Request-ID"]) == 16


def test_an_error_is_logged_with_context_but_without_numbers(logged):
    app, lines = logged

    @app.route("/boom")
    @access.public
    def boom():
        raise RuntimeError("registering 44060519950101123X failed for 13800138000")

    assert app.test_client().get("/boom", headers={"X-Request-ID": "req-00000001"}).status_code == 500
    text = json.dumps(lines(), ensure_ascii=False)
    assert "44060519950101123X" not in text and "13800138000" not in text
    error = next(line for line in lines() if line["level"] == "ERROR")
    assert error["request_id"] == "req-00000001" and "RuntimeError" in error["exception"]


def test_database_errors_never_carry_the_statement_values(app):
    with app.app_context():
        assert db.engine.hide_parameters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id 44060519950101123X here", "id ****************** here"),
        ("call 13800138000.", "call 1**********."),
        ("order 123456789012345678901 stays", "order 123456789012345678901 stays"),  # not an ID number
    ],
)
def test_redact_masks_numbers_only(text, expected):
    assert logs.redact(text) == expected
