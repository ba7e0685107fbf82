"""Export of the needs list, with the needs page's tabs and filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.core.args import choice_arg, id_arg
from volunteer_app.core.pagination import Page
from volunteer_app.core.policy import Actor
from volunteer_app.needs import scope as needs_scope
from volunteer_app.needs import services as needs
from volunteer_app.needs.vocabulary import CATEGORY_LABELS as NEED_CATEGORY_LABELS
from volunteer_app.needs.vocabulary import SOURCE_LABELS as NEED_SOURCE_LABELS
from volunteer_app.needs.vocabulary import STATUS_LABELS as NEED_STATUS_LABELS
from volunteer_app.needs.vocabulary import Category, Source, Status
from volunteer_app.reports.services.exports.registry import (
    Args,
    Column,
    ExportList,
    Filters,
    label,
    register,
    search_only,
)


def _need_filters(args: Args) -> Filters:
    """The needs page's query string: its tab (`status`; staff start on the dispatch queue, others on open work)."""
    return {
        "status": args.get("status") if args.get("status") in {*TABS, *(s.value for s in Status)} else None,
        "category": choice_arg("category", [c.value for c in Category], args),
        "source": choice_arg("source", [s.value for s in Source], args),
        "community_id": id_arg("community_id", args),
        "assignee": args.get("assignee", "")[:40] or None,
        "overdue": args.get("overdue") == "1",
        **search_only(args),
    }  # fmt: skip


TABS = ("dispatch", "open", "closed", "all")


def _list_needs(actor: Actor, f: Filters, page: int, per_page: int) -> Page:
    status = f["status"] or ("dispatch" if needs_scope.is_staff(actor) else "open")
    if status == "dispatch" and not needs_scope.is_staff(actor):
        status = "open"
    chosen = {key: value for key, value in f.items() if key != "status"}
    return needs.list_needs(actor, status=None if status == "all" else status, page=page, per_page=per_page, **chosen)


register(ExportList(
    "needs", _l("Needs"), None, _need_filters, _list_needs,
    (
        Column(_l("Tracking number"), lambda n: n.tracking_number, 16),
        Column(_l("Category"), lambda n: label(NEED_CATEGORY_LABELS)(n.category), 10),
        Column(_l("Community"), lambda n: n.community.name, 16),
        Column(_l("Place"), lambda n: n.place, 20),
        Column(_l("What is wrong"), lambda n: n.description, 40),
        Column(_l("Status"), lambda n: label(NEED_STATUS_LABELS)(n.status), 10),
        Column(_l("Source"), lambda n: label(NEED_SOURCE_LABELS)(n.source), 10),
        Column(_l("Assigned to"), lambda n: n.assignee_name if n.assignee_kind else "", 20),
        Column(_l("Deadline"), lambda n: n.deadline, 12),
        Column(_l("Raised"), lambda n: n.created_at, 17),
    ),
))  # fmt: skip
