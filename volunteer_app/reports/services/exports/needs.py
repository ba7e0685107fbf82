"""Exports of the needs area: the needs list (with the needs page's tabs and filters), a board's overdue needs,
recorded receptions, deliberation meetings and one meeting's questions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from volunteer_app.core.args import choice_arg, id_arg
from volunteer_app.core.identity import mask_phone
from volunteer_app.core.pagination import Page
from volunteer_app.core.policy import Actor
from volunteer_app.needs import scope as needs_scope
from volunteer_app.needs import services as needs
from volunteer_app.needs.services import receptions
from volunteer_app.needs.vocabulary import CATEGORY_LABELS as NEED_CATEGORY_LABELS
from volunteer_app.needs.vocabulary import QUESTION_STATUS_LABELS, Category, QuestionStatus, Source, Status
from volunteer_app.needs.vocabulary import SOURCE_LABELS as NEED_SOURCE_LABELS
from volunteer_app.needs.vocabulary import STATUS_LABELS as NEED_STATUS_LABELS
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
    status = f["status"] or ("dispatch" if needs_scope.any_staff(actor) else "open")
    if status == "dispatch" and not needs_scope.any_staff(actor):
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


register(ExportList(
    "overdue_needs", _l("Overdue needs"), None,
    # The town's board filters by community in its query string; a community's board names it in its address.
    lambda a: {"community_id": id_arg("community_id", a), **search_only(a)},
    lambda actor, f, page, per_page: needs.overdue_needs(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Tracking number"), lambda n: n.tracking_number, 16),
        Column(_l("Deadline"), lambda n: n.deadline, 12),
        Column(_l("Category"), lambda n: label(NEED_CATEGORY_LABELS)(n.category), 10),
        Column(_l("Community"), lambda n: n.community.name, 16),
        Column(_l("Assigned to"), lambda n: n.assignee_name if n.assignee_kind else "", 20),
        Column(_l("What is wrong"), lambda n: n.description, 40),
    ),
))  # fmt: skip


def _visitors(actor: Actor, reception: Any) -> str:
    """Each visitor's name as the reception's page shows it to the reader; the phone masked for everyone."""
    return "; ".join(
        f"{line.name} {mask_phone(line.visitor.phone)}".strip() for line in receptions.visitor_lines(actor, reception)
    )


def _reception_list(actor: Actor, f: Filters, page: int, per_page: int) -> Page:
    found = needs.list_receptions(actor, page=page, per_page=per_page, **f)
    # The visitors column reads them as this reader may.
    found.items[:] = [(reception, _visitors(actor, reception)) for reception in found.items]
    return found


register(ExportList(
    "receptions", _l("Recorded receptions"), "reception.list",
    lambda a: {"station_id": id_arg("station_id", a), **search_only(a)},
    _reception_list,
    (
        Column(_l("Date"), lambda r: r[0].day, 12),
        Column(_l("Liaison station"), lambda r: r[0].station.name, 24),
        Column(_l("Deputies"), lambda r: "、".join(d.name for d in r[0].deputies), 24),
        Column(_l("Visitors"), lambda r: len(r[0].visitors), 8),
        Column(_l("Who came"), lambda r: r[1], 40),
    ),
))  # fmt: skip


def _meetings(actor: Actor, f: Filters, page: int, per_page: int) -> Page:
    """As the meetings page: upcoming ones, or the past ones when none is ahead and no tab was chosen."""
    found = needs.list_meetings(upcoming=f["when"] != "past", q=f["q"], page=page, per_page=per_page)
    if f["when"] is None and not found.total:
        found = needs.list_meetings(upcoming=False, q=f["q"], page=page, per_page=per_page)
    return found


register(ExportList(
    "meetings", _l("Deliberation meetings"), None,  # public, like the page
    lambda a: {"when": choice_arg("when", ("upcoming", "past"), a), **search_only(a)},
    _meetings,
    (
        Column(_l("Title"), lambda m: m.title, 30),
        Column(_l("Starts"), lambda m: m.starts_at, 17),
        Column(_l("Place"), lambda m: m.place, 24),
        Column(_l("Deputies"), lambda m: "、".join(d.name for d in m.deputies), 24),
    ),
))  # fmt: skip

register(ExportList(
    "meeting_questions", _l("Questions"), "meeting.manage",
    lambda a: {
        "meeting_id": id_arg("meeting_id", a), "status": choice_arg("status", QuestionStatus, a), **search_only(a),
    },
    lambda actor, f, page, per_page: needs.list_questions(
        actor, f["meeting_id"], status=f["status"], q=f["q"], page=page, per_page=per_page
    ),
    (
        Column(_l("Asked at"), lambda q: q.created_at, 17),
        Column(_l("Status"), lambda q: label(QUESTION_STATUS_LABELS)(q.status), 12),
        Column(_l("Asked by"), lambda q: receptions.mask_name(q.asker_name), 10),  # the asker's contact, masked
        Column(_l("Mobile phone"), lambda q: mask_phone(q.asker_phone), 15),
        Column(_l("Question"), lambda q: q.text, 40),
        Column(_l("Answer"), lambda q: q.answer, 40),
    ),
    needs=("meeting_id",),
))  # fmt: skip
