"""Export of one's own imports (the files and their counts; never their rows, which hold ID numbers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.reports.models import ImportStatus
from volunteer_app.reports.services import imports
from volunteer_app.reports.services.exports.registry import Column, ExportList, label, name_of, register

# As reports/_import_status.html words them.
STATUS_LABELS = {
    ImportStatus.PREVIEWING: _l("Waiting to be checked"), ImportStatus.CHECKING: _l("Being checked"),
    ImportStatus.PREVIEWED: _l("Checked: waiting for you"), ImportStatus.QUEUED: _l("Waiting to be imported"),
    ImportStatus.RUNNING: _l("Being imported"), ImportStatus.DONE: _l("Imported"), ImportStatus.FAILED: _l("Failed"),
}  # fmt: skip

register(ExportList(
    "imports", _l("My imports"), "import.list",
    lambda a: {},
    lambda actor, f, page, per_page: imports.list_imports(actor, page=page, per_page=per_page),
    (
        Column(_l("File"), lambda j: j.filename, 30),
        Column(_l("Kind"), lambda j: label(imports.KIND_TITLES)(j.kind), 10),
        Column(_l("Team"), lambda j: name_of(j.team), 24),
        Column(_l("Status"), lambda j: label(STATUS_LABELS)(j.status), 12),
        Column(_l("Rows"), lambda j: j.total, 8),
        Column(_l("Records imported"), lambda j: j.created if j.status == ImportStatus.DONE else "", 8),
        Column(_l("Uploaded"), lambda j: j.created_at, 17),
    ),
))  # fmt: skip
