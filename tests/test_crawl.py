"""Crawls the seeded demo town as anonymous and as every demo login, following every same-site link from home, and
fails on any page that breaks: a 5xx, an exception, or an error the app logged while serving it. A page that
answered 500 on seeded data (a household visit with policies) once escaped every test that built its own data.

The crawl runs once for the module (seeding and walking take most of the time) and the checks read its findings.
It cleans the database itself: conftest's clean-up runs only around a test function, not a module fixture."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import pytest

from seeds import load_demo
from tests.conftest import _truncate_all
from tests.crawl_support import Crawl, demo_logins, parse_page
from volunteer_app.extensions import db, limiter


@dataclass
class Findings:
    crawls: list[Crawl]
    seconds: dict[str, float]


@pytest.fixture(scope="module")
def findings(app) -> Findings:
    # conftest's autouse fixture does this per test, after a module fixture has run; a production app built by an
    # earlier test would otherwise leave rate limits on for the logins below.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    seconds: dict[str, float] = {}
    crawls: list[Crawl] = []
    with app.app_context():
        try:
            start = time.perf_counter()
            load_demo()
            db.session.remove()
            seconds["seeding"] = time.perf_counter() - start
            for login in [None, *demo_logins()]:
                start = time.perf_counter()
                crawl = Crawl(app, f"{login.username} ({login.role})" if login else "anonymous")
                if login:
                    crawl.log_in(login)
                crawl.walk()
                crawls.append(crawl)
                seconds[crawl.who] = time.perf_counter() - start
        finally:
            db.session.remove()
            _truncate_all()
    return Findings(crawls, seconds)


def test_no_page_reachable_from_home_fails_for_anyone_on_the_demo_town(findings):
    print(f"seeding: {findings.seconds['seeding']:.1f} s")
    for crawl in findings.crawls:
        limit = " (stopped at the limit)" if crawl.truncated else ""
        print(f"{crawl.who}: {len(crawl.fetched)} pages in {findings.seconds[crawl.who]:.1f} s{limit}")
        print("".join(f"  refused: {line}\n" for line in crawl.refused), end="")
    errors = [error for crawl in findings.crawls for error in crawl.server_errors]
    if errors:
        pytest.fail(f"{len(errors)} page(s) failed:\n\n" + "\n\n".join(errors), pytrace=False)


def test_no_page_offers_anyone_a_link_they_are_refused(findings):
    """A link or button is shown only where its reader may follow it (templates ask `may(action, obj)`, the rule the
    service applies): League staff of one community were offered the town's holiday calendar, town and pairing
    edits, and the pages of volunteers of other communities, each a 403 or 404 behind a link."""
    refused = [line for crawl in findings.crawls for line in crawl.refused]
    assert refused == []


def test_the_crawl_gets_past_the_login_down_to_the_deep_pages(findings):
    """Guards the crawl itself, so that a login that silently failed or a link parser that found nothing cannot
    pass as a clean site."""
    anonymous, *signed_in = findings.crawls
    assert [crawl.who for crawl in signed_in if not crawl.endpoints - anonymous.endpoints] == []
    reached = set().union(*(crawl.endpoints for crawl in findings.crawls))
    deep = {"socialwork.household", "socialwork.visit", "events.event", "events.attendance", "organisations.volunteer"}
    assert deep <= reached, sorted(reached)


def test_no_crawled_page_carries_inline_script(findings):
    """Pages run under a Content-Security-Policy with script-src 'self' (core/security.py): it would block inline
    <script> blocks, on*= handler attributes and javascript: URLs."""
    pages_by_finding: dict[str, list[str]] = defaultdict(list)
    for crawl in findings.crawls:
        for url, items in crawl.inline_scripts.items():
            for item in items:
                if url not in pages_by_finding[item]:
                    pages_by_finding[item].append(url)
    if pages_by_finding:
        pytest.fail(
            "inline script on crawled pages:\n"
            + "\n".join(f"{item} on {', '.join(urls[:3])}" for item, urls in sorted(pages_by_finding.items())),
            pytrace=False,
        )


@pytest.mark.no_db
def test_the_page_parser_finds_links_get_forms_and_inline_script():
    page = parse_page(
        '<a href="/events">e</a><form method="get" action="/volunteers"></form><form method="post" action="/logout">'
        '</form><script src="/static/js/app.js"></script><script type="application/json">{}</script>'
        '<script>alert(1)</script><select onChange="this.form.submit()"></select><a href="javascript:print()">p</a>'
    )
    assert page.links == ["/events", "/volunteers", "javascript:print()"]
    assert page.inline_scripts == [
        "<script>alert(1)</script>",
        '<select onchange="this.form.submit()">',
        '<a href="javascript:print()">',
    ]


@pytest.mark.no_db
def test_the_crawl_stays_on_the_site_and_collapses_ids_and_query_numbers(app):
    crawl = Crawl(app, "nobody")
    admitted = [
        crawl._admit(url)
        for url in [
            *(f"/teams/{n}" for n in range(1, 6)),
            "/events?page=2",
            "/events?page=3",
            "/events?kind=patrol",
            "http://localhost/towns",
            "https://elsewhere.example/towns",
            "mailto:someone@example.com",
            "/logout",
            "/language",
            "/teams/1",
        ]
    ]
    assert admitted == [
        "/teams/1", "/teams/2", "/teams/3", None, None,
        "/events?page=2", None, "/events?kind=patrol",
        "/towns", None, None, None, None, None,
    ]  # fmt: skip
