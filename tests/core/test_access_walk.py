"""Walks every registered route as anonymous, volunteer and admin and checks each answer against the
route's declared access. A route added without an access marker fails here, so none is forgotten."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from volunteer_app.accounts.access import PUBLIC, Access

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
EXTENSION_ENDPOINTS = ("static", "bootstrap.static", "api-docs.", "api_docs_assets.")


def declared_access(app, rule: Rule, method: str) -> Access | None:
    view = app.view_functions[rule.endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(getattr(view_class, method.lower(), None), "access", None)
    return getattr(view, "access", None)


def sample_url(rule: Rule) -> str:
    values = {arg: 1 if isinstance(rule._converters[arg].to_python("1"), int) else "x" for arg in rule.arguments}
    for arg, converter in rule._converters.items():
        if converter.__class__.__name__ == "PathConverter":
            values[arg] = "x"
    return rule.build(values, append_unknown=False)[1]


# Logging out ends every session of the user and revokes their API tokens: walked last, so that the calls after it
# still act as the user.
WALKED_LAST = ("accounts.logout",)


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint in WALKED_LAST):
        if rule.endpoint.startswith(EXTENSION_ENDPOINTS):
            continue
        for method in sorted(rule.methods - SKIPPED_METHODS):
            yield rule, method


def call(client, method: str, url: str, headers=None):
    return client.open(url, method=method, headers=headers or {}, json={} if url.startswith("/api/") else None)


def test_every_route_declares_who_may_open_it(app):
    missing = [f"{method} {rule.rule}" for rule, method in routes(app) if declared_access(app, rule, method) is None]
    assert missing == [], "routes without an access marker (use accounts.access.public/signed_in/roles)"


def test_the_walk_covers_the_foundation_routes(app):
    seen = {rule.rule for rule, _method in routes(app)}
    assert {"/", "/login", "/logout", "/admin/users", "/admin/audit", "/api/v1/me", "/api/v1/users"} <= seen


@pytest.fixture
def actors(client, make_user, token_for):
    volunteer = make_user("volunteer")
    admin = make_user("admin")
    return {
        "anonymous": (None, {}),
        "volunteer": (volunteer, token_for(volunteer)),
        "admin": (admin, token_for(admin)),
    }


# /readyz answers 503 while no scheduler runs beside the tests: that is its answer, not a failure.
NOT_READY_BY_DESIGN = {"core.ready"}


@pytest.mark.parametrize("who", ["anonymous", "volunteer", "admin"])
def test_every_route_answers_as_its_access_says(app, client, actors, who):
    user, api_headers = actors[who]
    problems = []
    for rule, method in routes(app):
        access = declared_access(app, rule, method)
        url = sample_url(rule)
        is_api = url.startswith("/api/")
        with client.session_transaction() as session:
            session.clear()
        if user is not None and not is_api:
            client.post("/login", data={"login": user.username, "password": "correct-horse-9"})
        response = call(client, method, url, api_headers if is_api else None)
        status = response.status_code
        allowed = access.kind == PUBLIC or (
            user is not None and (not access.roles or user.has_role(*access.roles))
        )
        if status >= 500 and not (rule.endpoint in NOT_READY_BY_DESIGN and status == 503):
            problems.append(f"{who} {method} {url}: {status}")
        elif is_api and not response.is_json:
            problems.append(f"{who} {method} {url}: answered non-JSON on an API path")
        elif not allowed and user is None and not (
            status == 401 if is_api else status == 302 and "/login" in response.headers["Location"]
        ):
            problems.append(f"{who} {method} {url}: expected a login demand, got {status}")
        elif not allowed and user is not None and status != 403:
            problems.append(f"{who} {method} {url}: expected 403, got {status}")
        elif allowed and status in (401, 403) and access.kind != PUBLIC:
            problems.append(f"{who} {method} {url}: allowed by its marker but got {status}")
    assert problems == []
