"""Record ids: positive 32-bit integers, the range of every primary key (PostgreSQL's `integer`). A larger number
names nothing, and must not reach the database: PostgreSQL refuses to compare an `integer` column with it (a server
error) where SQLite merely finds no row."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


def valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a path naming 0 or a number beyond MAX_ID matches no route (404), and the OpenAPI
    document states the range of each path id."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID, signed: bool = False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: a rule picks its converter when it is added."""
    app.url_map.converters["int"] = IdConverter
