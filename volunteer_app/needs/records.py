"""How needs read in the audit log and the outbox (see `core.audit.register_record_type`): by tracking number,
linked only for a reader whose scope reaches the need. Never the raiser's name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_pgettext

from volunteer_app.core import audit
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need


def describe_needs(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
    rows = db.session.execute(
        sa.select(Need.id, Need.tracking_number, scope.need_scope(reader).label("reach")).where(
            Need.id.in_(audit.int_ids(ids))
        )
    ).all()
    return {
        str(row.id): audit.Named(row.tracking_number, url_for("needs.need", need_id=row.id) if row.reach else None)
        for row in rows
    }


audit.register_record_type("need", "needs", label=lazy_pgettext("record type", "Need"), describe=describe_needs)
