"""Finding records: one by the id a request named (ids outside 1..2**31-1 name nothing, see core.ids), or a list
by the words someone searched for."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from volunteer_app.core.errors import NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db

Model = TypeVar("Model")


def find(model: type[Model], object_id: object, *options: Any) -> Model | None:
    """The record, or None when the id names nothing (an id given in a form or body, checked as a field)."""
    if not valid_id(object_id):
        return None
    return db.session.get(model, object_id, options=list(options))


def get_or_404(model: type[Model], object_id: object, message: str, *options: Any) -> Model:
    """The record, or NotFound with `message` (an id in the path: the answer is 404)."""
    obj = find(model, object_id, *options)
    if obj is None:
        raise NotFound(message)
    return obj


def search(query: sa.Select, q: str | None, *columns: Any) -> sa.Select:
    """The query narrowed to rows where any of `columns` contains the words `q` (as typed, at most 100
    characters; % and _ match themselves). No words: the query unchanged."""
    q = clean_text(q, 100)
    if not q:
        return query
    return query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in columns)))
