"""The town's figures 数据看板 for the dashboards and the stats API, and who reads which. The numbers come from the
aggregate queries of reports/services/counts.py (what each filter means is said there); social-work coverage from
socialwork.services.coverage and needs from needs.services.needs_figures, reused, never counted again here.

`figures` computes them; `kept_figures` and the functions the stats API calls read them as kept for a while by
reports/services/kept.py (dated by `Figures.as_of`), after checking who asks, on every request.

Who sees what (rules under "figures" in reports/policy.py): town-wide staff every figure, a community filter
narrowing it; League staff of a community their community's figures (`filters_for` takes it when none is asked)
and those of the teams paired with it; a station supervisor only the social-work coverage (their station's
numbers); a team's leaders the team's figures (no youth groups, coverage or needs: those belong to communities);
each volunteer their own hours by month.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Generic, TypeVar

from flask_babel import gettext as _

from volunteer_app.accounts import staff_scope
from volunteer_app.core.errors import NotFound, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services as needs
from volunteer_app.organisations.models import Community, Team, VolunteerProfile
from volunteer_app.organisations.services import own_profile
from volunteer_app.reports.services import kept
from volunteer_app.reports.services.counts import (
    Attendance,
    Bar,
    CommunityVolunteers,
    Filters,
    MonthHours,
    VolunteerCounts,
    YouthGroups,
    add_up,
    attendance,
    events_by_kind,
    events_by_status,
    filters,
    hours_by_community,
    hours_by_month,
    hours_by_team,
    own_hours_by_month,
    volunteer_counts,
    volunteers_by_community,
    youth_groups,
)
from volunteer_app.socialwork import services as socialwork

__all__ = ["Attendance", "Bar", "CommunityVolunteers", "Filters", "MonthHours", "VolunteerCounts", "YouthGroups",
           "filters"]  # fmt: skip


@dataclass(frozen=True)
class CoverageRow:
    key: int | None
    label: str
    households: int
    target: int
    target_visited: int
    overdue: int

    @property
    def target_percent(self) -> int:
        return round(100 * self.target_visited / self.target) if self.target else 100


@dataclass(frozen=True)
class CoverageFigures:
    """The social-work coverage of socialwork.services.coverage (this quarter up to `on`), per community."""

    quarter_start: date
    on: date
    total: CoverageRow
    communities: list[CoverageRow]


@dataclass
class Figures:
    """The figures of one scope: "town", "community", "team", "socialwork" (a supervisor's) or "own" (one's hours).
    A part is None where it does not apply to the scope or the reader may not see it."""

    scope: str
    filters: Filters
    as_of: datetime | None = None  # when they were counted (kept figures are read later)
    volunteers: VolunteerCounts | None = None
    volunteers_by_community: list[CommunityVolunteers] | None = None
    hours_total: float | None = None
    hours_by_month: list[MonthHours] | None = None
    hours_by_team: list[Bar] | None = None
    hours_by_community: list[Bar] | None = None
    events_total: int | None = None
    events_by_kind: list[Bar] | None = None
    events_by_status: list[Bar] | None = None
    attendance: Attendance | None = None
    youth_groups: YouthGroups | None = None
    coverage: CoverageFigures | None = None
    needs: needs.NeedFigures | None = None
    team: Team | None = None
    community: Community | None = None
    volunteer: VolunteerProfile | None = None


def _coverage(actor: Actor, f: Filters) -> CoverageFigures:
    """socialwork.services.coverage up to the period's last day (today at the latest), narrowed to the community."""
    report = socialwork.coverage(actor, on=min(f.date_to, today()))
    rows = [
        CoverageRow(c.id, c.name, c.households, c.target, c.target_visited, c.overdue)
        for point in report.points
        for c in point.communities
        if f.community_id is None or c.id == f.community_id
    ]
    if f.community_id is None:
        t = report.total
        total = CoverageRow(None, _("All"), t.households, t.target, t.target_visited, t.overdue)
    else:
        total = add_up(rows, CoverageRow(None, _("All"), 0, 0, 0, 0))
    return CoverageFigures(report.quarter_start, report.on, total, sorted(rows, key=lambda r: r.label))


# ---------------------------------------------------------------------------------------------- scopes


def filters_for(
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    community_id: int | None = None,
    team_id: int | None = None,
) -> Filters:
    """Checked filters (`filters`) for the reader's figures. League staff of a community read their community's
    figures, never the town's: asking for neither a community nor a team, they get theirs (the first, by id, of
    several; the dashboard's community filter offers the others)."""
    if community_id is None and team_id is None and not can(actor, "figures.town"):
        community_id = min(staff_scope.community_ids(actor), default=None)
    return filters(date_from, date_to, community_id=community_id, team_id=team_id)


def readable_communities(actor: Actor, choices: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Those of the (id, name) `choices` whose figures the actor reads (figures.community): all of them for
    town-wide staff, their own for League staff of a community. Decided once for the list, not once a community
    (600 of them in a district)."""
    if staff_scope.town_wide(actor):
        return choices
    own = staff_scope.community_ids(actor)
    return [choice for choice in choices if choice[0] in own]


def _community(community_id: int | None) -> Community | None:
    if community_id is None:
        return None
    community = db.session.get(Community, community_id) if valid_id(community_id) else None
    if community is None:
        raise NotFound(_("No such community."))
    return community


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = db.session.get(Team, team_id) if valid_id(team_id) else None
    if team is None:
        raise NotFound(_("No such team."))
    return team


def work_scope(actor: Actor, f: Filters) -> Figures:
    """Who may read the figures of volunteers, hours and events with these filters, as an empty Figures naming the
    scope: a team's for staff and its leaders, a community's or the town's for staff. Refuses the rest."""
    if f.team_id is not None:
        require(actor, "figures.team", f.team_id)
        scope = "team"
    else:
        require(actor, "figures.community" if f.community_id is not None else "figures.town", f.community_id)
        scope = "community" if f.community_id is not None else "town"
    return Figures(scope, f, team=_team(f.team_id), community=_community(f.community_id))


def _only_social_work(actor: Actor, f: Filters) -> bool:
    """A station supervisor (no figures of the work, but the social-work numbers) asking for the town or a
    community: they get the coverage part."""
    if f.team_id is not None:
        return False
    work = "figures.community" if f.community_id is not None else "figures.town"
    return not can(actor, work, f.community_id) and can(actor, "figures.socialwork", f.community_id)


def _with_hours(found: Figures) -> Figures:
    f = found.filters
    found.hours_by_month, found.hours_total = hours_by_month(f)
    found.hours_by_team = hours_by_team(f) if f.team_id is None else None
    found.hours_by_community = hours_by_community(f) if f.community_id is None else None
    return found


def _with_events(found: Figures, now: datetime | None) -> Figures:
    f = found.filters
    found.events_by_kind = events_by_kind(f)
    found.events_by_status = events_by_status(f)
    found.events_total = sum(int(b.value) for b in found.events_by_status)
    found.attendance = attendance(f, now=now)
    return found


def _not_by_team(f: Filters, what: str) -> None:
    if f.team_id is not None:
        raise_if({"team_id": [_("%(what)s are not counted by team.", what=what)]})


def _social_work_scope(actor: Actor, f: Filters) -> Community | None:
    require(actor, "figures.socialwork", f.community_id)
    _not_by_team(f, _("Social-work figures"))
    return _community(f.community_id)


def _needs_if_allowed(actor: Actor, found: Figures) -> needs.NeedFigures | None:
    community = found.community
    allowed = can(actor, "board.community", community) if community else can(actor, "board.town")
    return needs.needs_figures(actor, date_from=found.filters.date_from, date_to=found.filters.date_to,
                               community_id=found.filters.community_id) if allowed else None  # fmt: skip


def _scoped(actor: Actor, f: Filters) -> Figures:
    """Who may read what with these filters, as an empty Figures naming the scope (refused otherwise): the town
    dashboard, a community's or a team's figures, or for a station supervisor the social-work coverage only."""
    if _only_social_work(actor, f):
        return Figures("socialwork", f, community=_social_work_scope(actor, f))
    return work_scope(actor, f)


def _counted(actor: Actor, found: Figures, now: datetime | None) -> Figures:
    """Every figure of `found`'s scope that the reader may see, counted now."""
    f = found.filters
    found = replace(found, as_of=utcnow())
    if found.scope == "socialwork":
        found.coverage = _coverage(actor, f)
        return found
    found = _with_events(_with_hours(found), now)
    found.volunteers = volunteer_counts(f)
    found.volunteers_by_community = volunteers_by_community(f) if f.community_id is None else None
    if f.team_id is None:
        found.youth_groups = youth_groups(f)
        found.coverage = _coverage(actor, f) if can(actor, "figures.socialwork", f.community_id) else None
        found.needs = _needs_if_allowed(actor, found)
    return found


def figures(actor: Actor, f: Filters, *, now: datetime | None = None) -> Figures:
    """Every figure the reader may see with these filters, counted now: the town dashboard (a community's figures
    with a community filter, a team's with a team filter), or, for a station supervisor, the social-work coverage
    only."""
    return _counted(actor, _scoped(actor, f), now)


def kept_figures(actor: Actor, f: Filters, *, refresh: bool = False) -> Figures:
    """The same figures as kept for a while (reports/services/kept.py), dated by `as_of`; `refresh` counts them
    again. Who may read them is checked first, on every call."""
    found = _scoped(actor, f)
    return kept.kept(actor, found, lambda: _counted(actor, found, None), refresh=refresh)


# ---------------------------------------------------------------------------------------------- the stats API
# Each endpoint's part of the kept figures, so the API, the dashboard and the monthly workbook agree.

Part = TypeVar("Part")


@dataclass(frozen=True)
class Dated(Generic[Part]):
    """A part of the figures with the time it was counted; reads as the part itself."""

    part: Part
    as_of: datetime | None

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy and pickle look for these before `part` is set
            raise AttributeError(name)
        return getattr(self.part, name)


def _kept_work(actor: Actor, f: Filters) -> Figures:
    work_scope(actor, f)  # the work's figures, never the social-work part a supervisor's dashboard falls back to
    return kept_figures(actor, f)


def overview(actor: Actor, f: Filters) -> Figures:
    """Volunteers, total hours and events, places filled and no-shows, and (not for a team) youth groups."""
    return _kept_work(actor, f)


def events(actor: Actor, f: Filters) -> Figures:
    return _kept_work(actor, f)


def hours(actor: Actor, f: Filters) -> Figures:
    """Hours by month, team and community for those who may read the work's figures; without a team or community
    filter, anyone else gets their own hours by month (NotFound for someone not registered as a volunteer)."""
    if f.team_id is None and f.community_id is None and not can(actor, "figures.town"):
        return own_hours(actor, f)
    return _kept_work(actor, f)


def own_hours(actor: Actor, f: Filters) -> Figures:
    """One's own approved hours by month in the period (one volunteer's ledger, indexed: counted each time)."""
    profile = own_profile(actor)
    if profile is None:
        raise NotFound(_("You are not registered as a volunteer."))
    by_month, total = own_hours_by_month(profile.id, f)
    return Figures("own", f, as_of=utcnow(), hours_by_month=by_month, hours_total=total, volunteer=profile)


def social_work(actor: Actor, f: Filters) -> Dated[CoverageFigures]:
    """Social-work coverage for town staff and station supervisors (their station's numbers), town-wide or for a
    community."""
    _social_work_scope(actor, f)
    found = kept_figures(actor, f)
    return Dated(found.coverage, found.as_of)


def needs_of(actor: Actor, f: Filters) -> Dated[needs.NeedFigures]:
    """Needs figures as the needs boards count them, for whoever may read the town's board (or the community's)."""
    _not_by_team(f, _("Needs"))
    community = _community(f.community_id)
    require(actor, "board.community" if community else "board.town", community)
    found = kept_figures(actor, f)
    return Dated(found.needs, found.as_of)
