"""The app as `bench/run` serves it on gunicorn (`serve:app`): the production app of wsgi.py plus two things that
exist only here, never in wsgi.py:

- `/bench/ceiling`, a public endpoint answering a small fixed JSON: what the framework, the middleware every
  request passes (access markers, security headers, the request log) and gunicorn cost, with no query;
- the floors, each the least a kind of answer can cost on this stack, to read the app's figures against:
  `/bench/floor/query` reads one event by primary key through the ORM (one query), `/bench/floor/list` reads a
  page of 20 events through the ORM and answers them as JSON (two queries: the page and a capped count, as every
  list does), `/bench/floor/page` renders those 20 rows in the site's layout (base.html: menu, language switch),
  `/bench/floor/write` (POST) commits one UPDATE of one row, as every sign-up at least does;
- an `X-Query-Count` header on every answer: how many SQL statements the request ran (a counter on the engine).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, jsonify, render_template

from volunteer_app import create_app
from volunteer_app.accounts import access
from volunteer_app.core.pagination import capped_count
from volunteer_app.core.time import utcnow
from volunteer_app.events.models import Event
from volunteer_app.extensions import csrf, db

FLOOR_PAGE = """{% extends "base.html" %}{% block content %}<ul class="list-group">{% for e in events %}
<li class="list-group-item"><a href="{{ url_for('events.event', event_id=e.id) }}">{{ e.title }}</a>
<small class="text-body-secondary">{{ e.place }} · {{ e.kind }}</small></li>{% endfor %}</ul>{% endblock %}"""


@access.public
def ceiling() -> Response:
    return jsonify({"ok": True, "service": "shanzhi"})


@access.public
def floor_query() -> Response:
    event = db.session.get(Event, 1)
    return jsonify({"id": event.id, "title": event.title})


def _twenty_events() -> list[Event]:
    query = sa.select(Event).order_by(Event.id.desc())
    capped_count(query)  # as every list counts its rows, up to PAGINATION_COUNT_CAP
    return list(db.session.scalars(query.limit(20)))


@access.public
def floor_list() -> Response:
    return jsonify({"items": [{"id": e.id, "title": e.title, "place": e.place, "kind": e.kind, "status": e.status,
                               "created_at": e.created_at.isoformat()} for e in _twenty_events()],
                    "as_of": utcnow().isoformat()})  # fmt: skip


@csrf.exempt  # wrk sends no form
@access.public
def floor_write() -> Response:
    db.session.execute(sa.update(Event).where(Event.id == 1).values(place=Event.place))
    db.session.commit()
    return jsonify({"ok": True})


@access.public
def floor_page() -> str:
    # Compiled once, as the app's own templates are (render_template_string would compile it on every request).
    return render_template(current_app.config["BENCH_FLOOR_PAGE"], events=_twenty_events())


def _count(*_args) -> None:
    if has_request_context():
        g.bench_queries = g.get("bench_queries", 0) + 1


def instrument(app: Flask) -> Flask:
    app.add_url_rule("/bench/ceiling", "bench_ceiling", ceiling)
    app.add_url_rule("/bench/floor/query", "bench_floor_query", floor_query)
    app.add_url_rule("/bench/floor/list", "bench_floor_list", floor_list)
    app.add_url_rule("/bench/floor/page", "bench_floor_page", floor_page)
    app.add_url_rule("/bench/floor/write", "bench_floor_write", floor_write, methods=["POST"])
    app.config["BENCH_FLOOR_PAGE"] = app.jinja_env.from_string(FLOOR_PAGE)
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", _count)

    @app.after_request
    def _query_count(response: Response) -> Response:
        response.headers["X-Query-Count"] = str(g.get("bench_queries", 0))
        return response

    return app


app = instrument(create_app())
