"""How the reports' records read in the audit log (see `core.audit.register_record_type`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from volunteer_app.core import audit
from volunteer_app.core.policy import can
from volunteer_app.extensions import db
from volunteer_app.reports.models import ImportJob


def _imports(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
    """An import by the name of its file, linked for whoever may open it (its uploader, admins)."""
    named = {}
    for job in db.session.scalars(sa.select(ImportJob).where(ImportJob.id.in_(audit.int_ids(ids)))):
        link = url_for("reports.import_page", job_id=job.id) if can(reader, "import.view", job) else None
        named[str(job.id)] = audit.Named(job.filename, link)
    return named


audit.register_record_type("import_job", label=_l("Import"), describe=_imports)
