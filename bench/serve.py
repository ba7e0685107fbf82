"""The app as `bench/run` serves it on gunicorn (`serve:app`): the production app of wsgi.py plus two things that
exist only here, never in wsgi.py:

- `/bench/ceiling`, a public endpoint answering a small fixed JSON: what the framework, the middleware every
  request passes (access markers, security headers, the request log) and gunicorn cost, with no query;
- an `X-Query-Count` header on every answer: how many SQL statements the request ran (a counter on the engine).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context, jsonify

from volunteer_app import create_app
from volunteer_app.accounts import access
from volunteer_app.extensions import db


@access.public
def ceiling() -> Response:
    return jsonify({"ok": True, "service": "shanzhi"})


def _count(*_args) -> None:
    if has_request_context():
        g.bench_queries = g.get("bench_queries", 0) + 1


def instrument(app: Flask) -> Flask:
    app.add_url_rule("/bench/ceiling", "bench_ceiling", ceiling)
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", _count)

    @app.after_request
    def _query_count(response: Response) -> Response:
        response.headers["X-Query-Count"] = str(g.get("bench_queries", 0))
        return response

    return app


app = instrument(create_app())
