"""The charts of a figures page, built from the figures: each is drawn by static/js/charts.js from the JSON of its
container's data-chart attribute, and the table beside it is rendered from the same Chart, so both show the same
numbers (templates/reports/dashboard_charts.html)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext

from volunteer_app.needs.vocabulary import STATUS_LABELS as NEED_STATUS_LABELS
from volunteer_app.reports.services.counts import fold
from volunteer_app.reports.services.figures import Bar, CoverageRow, Figures


@dataclass
class Series:
    name: str
    data: list[float]


@dataclass
class Chart:
    """`kind` "line" (a trend over months) or "bar"; `horizontal` bars for long names (communities, teams)."""

    id: str
    title: str
    kind: str
    category: str  # what the categories are: the heading of the table's first column
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    horizontal: bool = False

    @property
    def rows(self) -> list[tuple[str, list[float]]]:
        return [(name, [s.data[i] for s in self.series]) for i, name in enumerate(self.categories)]

    def spec(self) -> dict:
        """What charts.js reads."""
        return {
            "kind": self.kind,
            "horizontal": self.horizontal,
            "categories": self.categories,
            "series": [{"name": s.name, "data": s.data} for s in self.series],
        }


def _bars(id_: str, title: str, category: str, bars: list[Bar], name: str, horizontal: bool = True) -> Chart:
    series = [Series(name, [b.value for b in bars])]
    return Chart(id_, title, "bar", category, [b.label for b in bars], series, horizontal)


def charts_of(found: Figures) -> list[Chart]:
    """The charts a page of these figures shows, in the order people read them; a part that is None has none."""
    charts: list[Chart] = []
    if found.hours_by_month is not None:
        charts.append(
            Chart(
                "hours-by-month", _("Service hours by month"), "line", pgettext("figures", "Month"),
                [m.month for m in found.hours_by_month], [Series(_("Hours"), [m.hours for m in found.hours_by_month])],
            )
        )  # fmt: skip
    if found.hours_by_team:
        charts.append(_bars("hours-by-team", _("Service hours by team"), _("Team"), found.hours_by_team, _("Hours")))
    if found.hours_by_community:
        charts.append(
            _bars("hours-by-community", _("Service hours by community"), _("Community"), found.hours_by_community,
                  _("Hours"))
        )  # fmt: skip
    if found.events_by_kind is not None:
        charts.append(_bars("events-by-kind", _("Events held by kind"), _("Kind"), found.events_by_kind, _("Events")))
    if found.events_by_status is not None:
        charts.append(
            _bars("events-by-status", _("Events by status"), _("Status"), found.events_by_status, _("Events"), False)
        )
    if found.volunteers_by_community:
        rows = found.volunteers_by_community
        charts.append(
            Chart(
                "volunteers-by-community", _("Volunteers by community"), "bar", _("Community"), [r.label for r in rows],
                [Series(_("Registered"), [r.registered for r in rows]),
                 Series(_("New registrations"), [r.new for r in rows])],
                horizontal=True,
            )
        )  # fmt: skip
    if found.coverage is not None and found.coverage.communities:
        # The least visited first, where a supervisor acts; past BARS the rest in one bar (a district has 600).
        least_first = sorted(found.coverage.communities, key=lambda row: row.target_percent)
        rows = fold(least_first, CoverageRow(None, _("Other communities"), 0, 0, 0, 0))
        charts.append(
            Chart(
                "coverage-by-community", _("Target households visited this quarter"), "bar", _("Community"),
                [r.label for r in rows],
                [Series(_("Target households"), [r.target for r in rows]),
                 Series(_("Visited"), [r.target_visited for r in rows])],
                horizontal=True,
            )
        )  # fmt: skip
    if found.needs is not None:
        statuses = found.needs.by_status
        charts.append(
            Chart(
                "needs-by-status", _("Needs raised, by status today"), "bar", _("Status"),
                [str(NEED_STATUS_LABELS.get(s, s)) for s in statuses], [Series(_("Needs"), list(statuses.values()))],
                horizontal=True,
            )
        )  # fmt: skip
    return charts
