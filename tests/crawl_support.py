"""A bounded breadth-first crawl of the pages a user reaches by following links, for tests/test_crawl.py.

The crawl uses the real login form and the Flask test client (one fresh context per request, as a server would),
follows every same-site `<a href>`, GET form action and redirect, and records for each answer: a server error
(a 5xx, or an exception that testing mode lets through), anything the app logged at ERROR or above while serving
it, and the script the page carries inline (which a Content-Security-Policy of `script-src 'self'` would block).
Every problem names the URL and the page that linked to it, so one run reports them all.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from tests.conftest import IsolatedClient

HOST = "localhost"
MAX_PAGES = 400
URLS_PER_ENDPOINT = 3
# Never followed even when linked: leaving the session or changing the language would end or skew the walk, and
# static files hold no links.
SKIPPED_ENDPOINTS = {"accounts.logout", "core.set_language", "static", "bootstrap.static"}
# <script> blocks that browsers never run, so a CSP does not concern them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}
DEMO_TOWN = Path(__file__).resolve().parent.parent / "seeds" / "lishui.json"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str


def demo_logins() -> list[Login]:
    """Every login the demo town offers: one user per role, and the volunteers who register with a password."""
    data = json.loads(DEMO_TOWN.read_text(encoding="utf-8"))
    logins = [Login(spec["username"], spec["password"], spec["role"]) for spec in data["users"]]
    known = {login.username for login in logins}
    logins += [
        Login(spec["username"], spec["password"], "volunteer")
        for spec in data["volunteers"]
        if spec.get("password") and spec["username"] not in known
    ]
    return logins


@dataclass
class Page:
    links: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects the links of a page (anchors, GET form actions) and its inline script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            self.page.links.append(values["href"])
        elif tag == "form" and values.get("method", "get").lower() == "get":
            self.page.links.append(values.get("action", ""))
        for name, value in values.items():
            is_handler = re.fullmatch(r"on[a-z]+", name) is not None
            if is_handler or (name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:")):
                self.page.inline_scripts.append(f'<{tag} {name}="{value[:60]}">')
        if tag == "script" and not values.get("src") and values.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            self._in_inline_script = True
            self.page.inline_scripts.append("<script> without src")

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.page.inline_scripts[-1] = f"<script>{' '.join(data.split())[:60]}</script>"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False


def parse_page(html: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_logged(app: Flask) -> Iterator[list[logging.LogRecord]]:
    """What any logger (the app's included) records at ERROR or above while the block runs."""
    handler = _Collect()
    loggers = [logging.getLogger()] + ([] if app.logger.propagate else [app.logger])
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def project_traceback(error: BaseException) -> str:
    """The traceback of an error and of the errors it arose from, without the frames of Flask, Werkzeug, the
    test client and this crawl, which are the same for every page."""
    parts: list[str] = []
    current: traceback.TracebackException | None = traceback.TracebackException.from_exception(error)
    while current is not None:
        frames = [
            frame
            for frame in current.stack
            if "site-packages" not in frame.filename
            and Path(frame.filename).name not in {"crawl_support.py", "conftest.py"}
        ]
        parts.insert(
            0, "".join(traceback.StackSummary.from_list(frames).format()) + "".join(current.format_exception_only())
        )
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "Traceback (the app's frames):\n" + "\nwhich led to:\n".join(parts)


def _describe(record: logging.LogRecord) -> str:
    text = f"logged {record.levelname} from {record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        text += "\n" + project_traceback(record.exc_info[1])
    return text


@dataclass
class Crawl:
    """The walk of one user (None: anonymous) through the site."""

    app: Flask
    who: str
    server_errors: list[str] = field(default_factory=list)
    inline_scripts: dict[str, list[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # a 4xx behind a link: a link its reader may not follow
    fetched: list[str] = field(default_factory=list)
    endpoints: set[str] = field(default_factory=set)
    truncated: bool = False

    def __post_init__(self) -> None:
        self.client = IsolatedClient(self.app, self.app.response_class, use_cookies=True)
        self.adapter = self.app.url_map.bind(HOST)
        self._seen: set[str] = set()
        self._per_endpoint: Counter[str] = Counter()
        self._query_shapes: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ logging in

    def log_in(self, login: Login) -> None:
        """Submits the login page's own form, as a person would."""
        response = self.client.get("/login")
        form = _login_form(response.get_data(as_text=True))
        data = {name: value for name, (kind, value) in form.fields.items() if kind == "hidden"}
        for name, (kind, _value) in form.fields.items():
            if kind == "password":
                data[name] = login.password
            elif kind in {"text", "email"}:
                data[name] = login.username
        answer = self.client.post(urljoin("/login", form.action or "/login"), data=data)
        assert answer.status_code == 302, f"{login.username} could not log in: {answer.status_code}"

    # ------------------------------------------------------------------ walking

    def _admit(self, url: str) -> str | None:
        """The URL to fetch for a link, or None when it leaves the site, is not a GET page, or is one more of a
        kind already seen enough (the same route with other ids, or the same query with other numbers)."""
        parts = urlsplit(url)
        if parts.scheme not in {"", "http", "https"} or parts.netloc not in {"", HOST}:
            return None
        path = parts.path or "/"
        query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        url = f"{path}?{query}" if query else path
        if url in self._seen:
            return None
        try:
            endpoint, _args = self.adapter.match(path, method="GET")
        except RequestRedirect as redirect:
            return self._admit(redirect.new_url)
        except MethodNotAllowed:
            return None
        except NotFound:
            endpoint = "<no route>"
        if endpoint in SKIPPED_ENDPOINTS:
            return None
        if query:
            shape = (endpoint, re.sub(r"\d+", "#", query))
            if shape in self._query_shapes:
                return None
            self._query_shapes.add(shape)
        else:
            if self._per_endpoint[endpoint] >= URLS_PER_ENDPOINT:
                return None
            self._per_endpoint[endpoint] += 1
        self._seen.add(url)
        self.endpoints.add(endpoint)
        return url

    def walk(self, start: str = "/") -> None:
        queue: deque[tuple[str, str]] = deque()
        first = self._admit(start)
        if first:
            queue.append((first, "(start)"))
        while queue:
            if len(self.fetched) >= MAX_PAGES:
                self.truncated = True
                return
            url, source = queue.popleft()
            for link in self._fetch(url, source):
                admitted = self._admit(urljoin(url, link.split("#", 1)[0]))
                if admitted:
                    queue.append((admitted, url))

    def _fetch(self, url: str, source: str) -> list[str]:
        self.fetched.append(url)
        where = f"{self.who}: GET {url} (linked from {source})"
        with errors_logged(self.app) as logged:
            try:
                response = self.client.get(url)
            except Exception as error:  # testing mode lets a view's exception through instead of answering 500
                self.server_errors.append(f"{where} raised {project_traceback(error)}")
                return []
        self.server_errors += [f"{where} {_describe(record)}" for record in logged]
        if response.status_code >= 500:
            self.server_errors.append(f"{where} answered {response.status_code}")
        elif response.status_code >= 400:
            self.refused.append(f"{where} answered {response.status_code}")
        if 300 <= response.status_code < 400 and response.location:
            return [response.location]
        if response.mimetype != "text/html":
            return []
        page = parse_page(response.get_data(as_text=True))
        if page.inline_scripts:
            self.inline_scripts[url] = page.inline_scripts
        return page.links


@dataclass
class _Form:
    action: str
    fields: dict[str, tuple[str, str]]


class _LoginFormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._current = _Form(values.get("action", ""), {})
        elif tag == "input" and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = (values.get("type", "text").lower(), values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def _login_form(html: str) -> _Form:
    parser = _LoginFormParser()
    parser.feed(html)
    forms = [form for form in parser.forms if any(kind == "password" for kind, _ in form.fields.values())]
    assert len(forms) == 1, "the login page should hold exactly one form with a password field"
    return forms[0]
