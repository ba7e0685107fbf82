"""Exports of every list to .xlsx and CSV: a registry of the lists a user can see, each read through the SAME list
service as its page, with the page's own query-string filters and the page's masking (an export never holds a value
the user could not see on screen), every export audited (who, which list, the filters, how many rows).
registry.py holds the machinery; each module beside it registers one part's lists."""

# Importing each module registers its lists.
from volunteer_app.reports.services.exports import (  # noqa: F401
    administration,
    events,
    imports,
    needs,
    organisations,
    reminders,
    socialwork,
)
from volunteer_app.reports.services.exports.registry import (
    REGISTRY,
    ExportFile,
    export_list,
    get_list,
    may_export,
)

__all__ = ["REGISTRY", "ExportFile", "export_list", "get_list", "may_export"]
