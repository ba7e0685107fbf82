"""Imports of volunteers, team members and households from .xlsx or CSV: a template to fill in, a preview of every
row's problems, skipped rows, and one all-or-nothing commit (run by the scheduler for large files)."""

from volunteer_app.reports.services.imports.running import (
    KIND_TITLES,
    KINDS,
    PreviewRow,
    column_labels,
    commit_import,
    get_import,
    list_imports,
    preview_rows,
    run_due,
    set_skipped,
    start_import,
    status_of,
    template_file,
)

__all__ = [
    "KINDS",
    "KIND_TITLES",
    "PreviewRow",
    "column_labels",
    "commit_import",
    "get_import",
    "list_imports",
    "preview_rows",
    "run_due",
    "set_skipped",
    "start_import",
    "status_of",
    "template_file",
]
