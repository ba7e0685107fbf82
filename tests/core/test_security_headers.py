"""Security headers on every answer, no-store on every answer that depends on who asks, and templates that keep to
the Content-Security-Policy (no inline script, handler, javascript: URL or inline style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.socialwork.conftest import open_file, people, place  # noqa: F401 — fixtures
from volunteer_app import create_app

ROOT = Path(__file__).resolve().parents[2] / "volunteer_app"


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.no_db
@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/openapi.json", "/nowhere", "/api/v1/nowhere", "/favicon.ico"])
def test_every_answer_carries_the_security_headers(client, path):
    _assert_security_headers(client.get(path))


@pytest.mark.no_db
def test_hsts_only_over_https_or_with_a_secure_cookie(client, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")

    production = create_app(
        "production", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="k"
    )
    assert "Strict-Transport-Security" in production.test_client().get("/health").headers


def test_signed_in_pages_and_api_answers_are_never_stored(client, make_user, login, token_for):
    admin = make_user("admin")
    headers = token_for(admin)
    assert client.get("/api/v1/users", headers=headers).headers["Cache-Control"] == "no-store"
    login(admin)
    for path in ("/", "/admin/users", f"/admin/users/{admin.id}"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_household_pages_and_api_answers_are_never_stored(client, login, token_for, request):
    staff = request.getfixturevalue("people")  # the social-work fixtures, imported above
    household = request.getfixturevalue("open_file")()
    headers = token_for(staff["worker"])
    assert client.get(f"/api/v1/households/{household.id}", headers=headers).headers["Cache-Control"] == "no-store"
    login(staff["worker"])
    for path in (f"/social-work/households/{household.id}", f"/social-work/households/{household.id}/print"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.no_db
def test_what_anyone_may_see_may_be_cached(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


# What a Content-Security-Policy without 'unsafe-inline' refuses: a <script> with a body (a src= one is fine),
# on...= handlers, javascript: URLs, <style> blocks and style= attributes.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']|javascript:|<style\b|\sstyle\s*=", re.IGNORECASE
)


@pytest.mark.no_db
@pytest.mark.parametrize(
    "line",
    ['<script>go()</script>', '<a onclick="go()">', "<select onchange='this.form.submit()'>", '<a href="javascript:x">',
     "<style>p {}</style>", '<p style="color: red">'],
)
def test_the_template_check_finds_what_the_policy_refuses(line):
    assert INLINE.search(line)
    assert not INLINE.search('<script src="/static/js/app.js"></script> {% macro form_body(form, only=None) %}')


def test_no_template_holds_inline_script_or_style():
    found = []
    for template in sorted(ROOT.rglob("templates/**/*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "move these into static/js/app.js (data- attributes) or static/css/app.css:\n" + "\n".join(found)
