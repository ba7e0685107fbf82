"""The monthly report workbook the town reports upward: one .xlsx, one sheet per table, headers in the reader's
language (Chinese first), a totals row on each sheet. Every number comes from the function that gives the
dashboard (or the coverage page, or the needs board) the same number: no second copy of a query here."""

from __future__ import annotations

import calendar as months
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.core import audit
from volunteer_app.core.errors import raise_if
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.spreadsheets import Sheet, spooled, write_xlsx
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.needs.vocabulary import CATEGORY_LABELS
from volunteer_app.reports.services import figures
from volunteer_app.reports.services.exports import ExportFile


@dataclass(frozen=True)
class Month:
    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> Month:
    """`YYYY-MM` as its first and last day; a field error otherwise."""
    match = _MONTH.match(value or "")
    year, month = (int(match[1]), int(match[2])) if match else (0, 0)
    if not (match and 1 <= month <= 12 and 1970 <= year <= 2999):
        raise_if({"month": [_("Give the month as YYYY-MM, for example 2026-11.")]})
    return Month(date(year, month, 1), date(year, month, months.monthrange(year, month)[1]))


def last_month(on: date | None = None) -> str:
    """The month before `on` (today), as YYYY-MM: the month a report is usually made for."""
    first = (on or today()).replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def _bars(title: Any, what: str, bars: list[figures.Bar], total: float, unit: str) -> Sheet:
    return Sheet(str(title), [what, unit], [[bar.label, bar.value] for bar in bars], (24, 14), [_("Total"), total])


def hours_sheets(found: figures.Figures) -> list[Sheet]:
    """Hours per team and per community; each sheet's total is the dashboard's hours of the month."""
    return [
        _bars(_l("Hours per team"), _("Team"), found.hours_by_team or [], found.hours_total or 0, _("Hours")),
        _bars(
            _l("Hours per community"), _("Community"), found.hours_by_community or [], found.hours_total or 0,
            _("Hours"),
        ),
    ]  # fmt: skip


def events_sheets(found: figures.Figures) -> list[Sheet]:
    """Events starting in the month by status (all of them) and by kind (those held)."""
    by_kind = found.events_by_kind or []
    return [
        _bars(_l("Events"), _("Status"), found.events_by_status or [], found.events_total or 0, _("Events")),
        _bars(_l("Events held by kind"), _("Kind"), by_kind, sum(b.value for b in by_kind), _("Events")),
    ]


def signups_sheet(found: figures.Figures) -> Sheet:
    """Places and sign-ups of the month's sessions: the dashboard's fill rate and no-show rate, one row."""
    a = found.attendance
    return Sheet(
        str(_l("Sign-ups")),
        [_("Places"), _("Confirmed sign-ups"), _("Fill rate"), _("Confirmed in ended sessions"), _("No-shows"),
         _("No-show rate")],
        [],
        (10, 16, 10, 20, 10, 12),
        [a.places, a.confirmed, a.fill_rate, a.ended_confirmed, a.no_shows, a.no_show_rate] if a else None,
    )  # fmt: skip


def coverage_sheet(found: figures.Figures) -> Sheet:
    """Social-work coverage at the month's end (its quarter so far), per community."""
    c = found.coverage
    rows = [[r.label, r.households, r.target, r.target_visited, r.overdue] for r in (c.communities if c else [])]
    total = c.total if c else None
    return Sheet(
        str(_l("Social-work coverage")),
        [_("Community"), _("Households on file"), _("Target households"),
         _("Target households visited this quarter"), _("Overdue follow-ups")],
        rows,
        (16, 14, 16, 24, 14),
        [_("Total"), total.households, total.target, total.target_visited, total.overdue] if total else None,
    )  # fmt: skip


def needs_sheets(found: figures.Figures) -> list[Sheet]:
    """Needs raised in the month by category, and the month's closed needs: the town board's figures."""
    n = found.needs
    if n is None:
        return []
    raised = Sheet(
        str(_l("Needs raised")),
        [_("Category"), _("Needs raised")],
        [[str(CATEGORY_LABELS.get(key, key)), count] for key, count in n.by_category.items()],
        (24, 14),
        [_("Total"), n.raised],
    )
    closed = Sheet(
        str(_l("Needs closed")),
        [_("Closed"), _("Closed with a deadline"), _("Closed on time"), _("On-time share"), _("Median days to close"),
         _("Ratings"), _("Average satisfaction"), _("Overdue today")],
        [],
        (10, 14, 12, 12, 14, 10, 14, 12),
        [n.closed, n.closed_with_deadline, n.closed_on_time, n.on_time_share, n.median_days_to_close, n.ratings,
         n.average_rating, n.overdue],
    )  # fmt: skip
    return [raised, closed]


def sheets(actor: Actor, month: Month) -> list[Sheet]:
    """The sheets of the month, from one reading of the dashboard's figures for that month."""
    found = figures.kept_figures(actor, figures.filters(month.first, month.last))
    return [
        *hours_sheets(found), *events_sheets(found), signups_sheet(found),
        *([coverage_sheet(found)] if found.coverage else []), *needs_sheets(found),
    ]  # fmt: skip


def workbook(actor: Actor, month_text: str) -> ExportFile:
    """The month's workbook; audited like every export."""
    require(actor, "report.monthly")
    month = parse_month(month_text)
    made = sheets(actor, month)
    out = spooled()
    write_xlsx(out, made)
    out.seek(0)
    audit.record(actor, "export", "list", "monthly", detail={"list": "monthly", "format": "xlsx",
                                                              "filters": {"month": month.label}})  # fmt: skip
    db.session.commit()
    title = _("Monthly report")
    return ExportFile(f"{title}_{month.label}.xlsx", "xlsx", len(made), out)
