"""派单: town staff hand a need to whoever must act, with a deadline set by its category in working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.needs.services.common import add_working_days, change_status, deadline_days, find_need
from volunteer_app.needs.vocabulary import Assignee, Status
from volunteer_app.organisations.models import Deputy, ServicePoint, Team, YouthGroup

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
