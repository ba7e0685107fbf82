"""派单: town staff hand a need to whoever must act, with a deadline set by its category in working days; the
choices are offered with those closest to the need's community first (its paired teams, its youth group, the
service point covering it, the deputies of its liaison station)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.accounts import staff_scope
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import search
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import notices, scope
from volunteer_app.needs.models import Need
from volunteer_app.needs.services.common import add_working_days, change_status, deadline_days, find_need
from volunteer_app.needs.vocabulary import Assignee, Status
from volunteer_app.organisations import team_scope
from volunteer_app.organisations.models import (
    Community,
    Deputy,
    LiaisonStation,
    Pairing,
    ServicePoint,
    Team,
    YouthGroup,
)

DEPARTMENT_MAX = 120
# The column naming each kind of assignee, and the model it must exist in.
ASSIGNEE_COLUMNS = {
    Assignee.TEAM: ("team_id", Team),
    Assignee.YOUTH_GROUP: ("youth_group_id", YouthGroup),
    Assignee.SERVICE_POINT: ("service_point_id", ServicePoint),
    Assignee.DEPUTY: ("deputy_id", Deputy),
}


@dataclass(frozen=True)
class Assignment:
    kind: str
    target_id: object = None  # the team, youth group, service point or deputy
    department: str = ""
    deadline: date | None = None  # None: the category's working days from today


def assign(actor: Actor, need_id: object, assignment: Assignment, *, reason: str = "") -> Need:
    """Assigns (or reassigns) a need waiting for dispatch; the assignee then accepts or declines it."""
    need = find_need(actor, need_id, for_update=True)
    require(actor, "need.dispatch", need)
    assign_need(actor, need, assignment, reason=reason)
    db.session.commit()
    return need


def assign_need(actor: Actor, need: Need, assignment: Assignment, *, reason: str = "") -> None:
    """The assignment itself, in the caller's transaction (a reception or a meeting assigns the need it has just
    raised). The caller has checked the actor may dispatch."""
    errors: Errors = {}
    fields = _assignee_fields(assignment, errors)
    start = today()
    deadline = assignment.deadline or add_working_days(start, deadline_days(need.category))
    if deadline < start:
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    raise_if(errors)
    change_status(actor, need, Status.ASSIGNED, reason=clean_text(reason))
    for column in ("team_id", "youth_group_id", "service_point_id", "deputy_id"):
        setattr(need, column, None)
    need.department = ""
    for column, value in fields.items():
        setattr(need, column, value)
    need.assignee_kind = assignment.kind
    need.deadline = deadline
    need.assigned_at = utcnow()
    need.accepted_at = None
    db.session.flush()
    # The assignee's relationship may still hold the one before a reassignment.
    db.session.expire(need, ["team", "youth_group", "service_point", "deputy"])
    notices.withdraw_deadline_notices(need)
    notices.assigned(need)


def _assignee_fields(assignment: Assignment, errors: Errors) -> dict:
    if assignment.kind == Assignee.DEPARTMENT:
        department = clean_text(assignment.department)
        if not department:
            errors["department"] = [_("Name the department.")]
        elif len(department) > DEPARTMENT_MAX:
            errors["department"] = [_("Keep it under %(n)d characters.", n=DEPARTMENT_MAX)]
        return {"department": department}
    if assignment.kind not in ASSIGNEE_COLUMNS:
        errors["assignee_kind"] = [_("Choose who should handle the need.")]
        return {}
    column, model = ASSIGNEE_COLUMNS[Assignee(assignment.kind)]
    if not valid_id(assignment.target_id) or db.session.get(model, assignment.target_id) is None:
        errors["assignee_id"] = [_("Choose who should handle the need from the list.")]
        return {}
    return {column: int(assignment.target_id)}


@dataclass(frozen=True)
class Option:
    kind: str
    id: int
    name: str
    near: bool  # paired with the need's community, its youth group, covering it, or of its liaison station


@dataclass
class AssigneeOptions:
    teams: list[Option] = field(default_factory=list)
    youth_groups: list[Option] = field(default_factory=list)
    service_points: list[Option] = field(default_factory=list)
    deputies: list[Option] = field(default_factory=list)

    @property
    def all(self) -> list[Option]:
        return [*self.teams, *self.youth_groups, *self.service_points, *self.deputies]


def _nearest_first(kind: Assignee, rows, near_ids: set[int]) -> list[Option]:
    options = [Option(kind.value, row_id, name, row_id in near_ids) for row_id, name in rows]
    return sorted(options, key=lambda option: (not option.near, option.name))


def assignee_options(actor: Actor, need_id: object) -> AssigneeOptions:
    """Whom staff may assign the need to, those closest to its community first and marked: the teams currently
    paired with the community (结对), the community's youth governance group, the service point covering it, the
    deputies of its liaison station. A department is named in free text."""
    need = find_need(actor, need_id)
    require(actor, "need.dispatch", need)
    return _options(need.community_id)


def all_assignees(actor: Actor) -> AssigneeOptions:
    """Every possible assignee, by name (the list's filter for staff)."""
    require(actor, "need.dispatch", None)
    return _options(None)


ASSIGNEE_SEARCH_LIMIT = 20


def _named(kind: Assignee) -> tuple[sa.Select, tuple]:
    """Each kind of assignee as (id, name) rows, and the columns its name is searched in: a deputy is named with
    their liaison station, as the assignment choices name them."""
    if kind == Assignee.DEPUTY:
        query = sa.select(Deputy.id, Deputy.name + " · " + LiaisonStation.name).join(
            LiaisonStation, LiaisonStation.id == Deputy.station_id
        )
        return query, (Deputy.name, LiaisonStation.name)
    model = ASSIGNEE_COLUMNS[kind][1]
    return sa.select(model.id, model.name), (model.name,)


def _filterable(actor: Actor, kind: Assignee) -> tuple[sa.Select, tuple]:
    """`_named(kind)` narrowed to the assignees the actor's list filter knows.

    Town-wide staff: every one. Community staff: those of their communities (the teams paired with them, their
    youth groups, the points covering them, their liaison stations' deputies) and those on a need they reach.
    Dispatch is wider on purpose: `assignee_options` lets them hand a need of theirs to any assignee in the town
    (a team of elsewhere may be the one able to help), and the assignee is then on a need they reach. But the
    filter narrows their list, which holds only the needs they reach: an assignee on none of them and of none of
    their communities would find nothing, and at district size such names would crowd the ones that do out of
    the 20 suggested."""
    query, columns = _named(kind)
    if scope.town_staff(actor):
        return query, columns
    communities = sorted(staff_scope.community_ids(actor))
    column, model = ASSIGNEE_COLUMNS[kind]
    on_their_needs = model.id.in_(sa.select(getattr(Need, column)).where(scope.need_scope(actor)))
    return query.where(sa.or_(on_their_needs, _of_communities(kind, communities))), columns


def _of_communities(kind: Assignee, communities: list[int]) -> sa.ColumnElement[bool]:
    """The assignees of these communities, as a condition on `_named(kind)`'s rows."""
    if kind == Assignee.TEAM:
        return Team.id.in_(sorted(team_scope.paired_team_ids(set(communities))))
    if kind == Assignee.YOUTH_GROUP:
        return YouthGroup.community_id.in_(communities)
    if kind == Assignee.SERVICE_POINT:
        return ServicePoint.id.in_(sa.select(Community.service_point_id).where(Community.id.in_(communities)))
    return LiaisonStation.community_id.in_(communities)  # a deputy: _named joins their station


def search_assignees(actor: Actor, text: str | None, limit: int = ASSIGNEE_SEARCH_LIMIT) -> list[Option]:
    """The assignees whose name holds `text` (a deputy's also their station's), by name, at most `limit`, among
    those the actor's list filter knows (`_filterable`): what the needs list's assignee filter suggests to staff as
    they type. One query per kind, each stopped at `limit`, however many teams and deputies the district has."""
    require(actor, "need.dispatch", None)
    found = []
    for kind in ASSIGNEE_COLUMNS:
        query, columns = _filterable(actor, kind)
        rows = db.session.execute(search(query, text, *columns).order_by(*columns).limit(limit))
        found += [Option(kind.value, row_id, name, False) for row_id, name in rows]
    return sorted(found, key=lambda option: (option.name, option.kind, option.id))[:limit]


@dataclass(frozen=True)
class AssigneeFilter:
    """The needs list's assignee filter: `value` as the list reads it ("kind:id", "department" or None for none)
    and `text` as its field shows it; `unknown` when a name was typed that names nobody."""

    value: str | None = None
    text: str = ""
    unknown: bool = False


def assignee_filter(actor: Actor, sent: str | None) -> AssigneeFilter:
    """The filter from what the list's field sent: "kind:id" (a link, the pager), "department", or a name as typed
    or chosen among the suggestions: the assignee of exactly that name, else the only one whose name holds it.
    Without JavaScript the field is plain text, read the same way. Either way only an assignee the suggestions
    could name (`_filterable`) is found."""
    require(actor, "need.dispatch", None)
    typed = clean_text(sent, 120)
    department = _("A department")
    if not typed:
        return AssigneeFilter()
    if typed in (Assignee.DEPARTMENT.value, department):
        return AssigneeFilter(Assignee.DEPARTMENT.value, department)
    kind, _sep, target = typed.partition(":")
    if kind in ASSIGNEE_COLUMNS and target.isascii() and target.isdigit() and valid_id(int(target)):
        query, _columns = _filterable(actor, Assignee(kind))
        row = db.session.execute(query.where(ASSIGNEE_COLUMNS[Assignee(kind)][1].id == int(target))).first()
        return AssigneeFilter(typed, row[1]) if row else AssigneeFilter(text=typed, unknown=True)
    found = search_assignees(actor, typed)
    exact = [option for option in found if option.name.casefold() == typed.casefold()]
    chosen = exact or (found if len(found) == 1 else [])
    if not chosen:
        return AssigneeFilter(text=typed, unknown=True)
    return AssigneeFilter(f"{chosen[0].kind}:{chosen[0].id}", chosen[0].name)


def _options(community_id: int | None) -> AssigneeOptions:
    on = today()
    paired = set(
        db.session.scalars(
            sa.select(Pairing.team_id).where(
                Pairing.community_id == community_id,
                Pairing.since <= on,
                sa.or_(Pairing.ended_on.is_(None), Pairing.ended_on >= on),
            )
        )
    )
    covering = db.session.scalar(sa.select(Community.service_point_id).where(Community.id == community_id))
    deputy_rows = db.session.execute(
        sa.select(Deputy.id, Deputy.name + " · " + LiaisonStation.name, LiaisonStation.community_id).join(
            LiaisonStation, LiaisonStation.id == Deputy.station_id
        )
    ).all()
    group_rows = db.session.execute(sa.select(YouthGroup.id, YouthGroup.name, YouthGroup.community_id)).all()
    return AssigneeOptions(
        teams=_nearest_first(Assignee.TEAM, db.session.execute(sa.select(Team.id, Team.name)).all(), paired),
        youth_groups=_nearest_first(
            Assignee.YOUTH_GROUP,
            [(row_id, name) for row_id, name, _community in group_rows],
            {row_id for row_id, _name, community in group_rows if community == community_id},
        ),
        service_points=_nearest_first(
            Assignee.SERVICE_POINT,
            db.session.execute(sa.select(ServicePoint.id, ServicePoint.name)).all(),
            {covering} if covering else set(),
        ),
        deputies=_nearest_first(
            Assignee.DEPUTY,
            [(row_id, name) for row_id, name, _community in deputy_rows],
            {row_id for row_id, _name, community in deputy_rows if community is not None and community == community_id},
        ),
    )
