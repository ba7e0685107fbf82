"""Coverage and caseload figures, the printable ledger 台账 per community, and exports (masked by default)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import TOWN_STAFF, User
from volunteer_app.core import audit
from volunteer_app.core.errors import NotFound, raise_if
from volunteer_app.core.identity import mask_id_number, mask_phone
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.spreadsheets import spreadsheet
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import as_utc, to_local, today
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, ServicePoint, ServiceStation
from volunteer_app.socialwork import labels, scope
from volunteer_app.socialwork.models import FollowUp, Household, HouseholdMember, MemberFlag, Visit, visit_workers
from volunteer_app.socialwork.services.catalogue import quarter_start
from volunteer_app.socialwork.services.common import (
    file_options,
)
from volunteer_app.socialwork.services.households import list_households
from volunteer_app.socialwork.vocabulary import TARGET_HOUSEHOLD_TYPES, FollowUpStatus, HouseholdStatus


def _target() -> sa.ColumnElement[bool]:
    """A household in the target groups: by its type, or a current member with a flag."""
    flagged = (
        sa.select(HouseholdMember.id)
        .join(MemberFlag, MemberFlag.member_id == HouseholdMember.id)
        .where(HouseholdMember.household_id == Household.id, HouseholdMember.left_on.is_(None))
        .exists()
    )
    return sa.or_(Household.household_type.in_(TARGET_HOUSEHOLD_TYPES), flagged)


def _visited_since(start: datetime) -> sa.ColumnElement[bool]:
    return sa.select(Visit.id).where(Visit.household_id == Household.id, Visit.visited_at >= start).exists()


@dataclass
class Row:
    id: int | None
    name: str
    households: int = 0
    target: int = 0
    visited: int = 0
    target_visited: int = 0
    overdue: int = 0
    communities: list[Row] = field(default_factory=list)

    @property
    def target_percent(self) -> int:
        return round(100 * self.target_visited / self.target) if self.target else 100

    def add(self, other: Row) -> None:
        for key in ("households", "target", "visited", "target_visited", "overdue"):
            setattr(self, key, getattr(self, key) + getattr(other, key))


@dataclass
class Coverage:
    quarter_start: date
    on: date
    points: list[Row]
    total: Row
    workers: list[dict[str, Any]]

    @property
    def max_worker_visits(self) -> int:
        return max((w["visits"] for w in self.workers), default=0)


def coverage(actor: Actor, *, on: date | None = None) -> Coverage:
    """Per service point and community: households on file, how many are in the target groups, visited this
    quarter, overdue follow-ups; and visits per worker this quarter. Numbers only, no personal data."""
    require(actor, "socialwork.numbers")
    on = on or today()
    start = quarter_start(on)
    start_utc = as_utc(datetime.combine(start, time.min))
    in_scope = scope.household_scope(actor, "numbers")
    target, visited = _target(), _visited_since(start_utc)

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = db.session.execute(
        sa.select(
            Household.community_id,
            sa.func.count(Household.id),
            count_if(target),
            count_if(visited),
            count_if(sa.and_(target, visited)),
        )
        .where(in_scope, Household.status == HouseholdStatus.ACTIVE)
        .group_by(Household.community_id)
    ).all()
    overdue = dict(
        db.session.execute(
            sa.select(Household.community_id, sa.func.count(FollowUp.id))
            .join(FollowUp, FollowUp.household_id == Household.id)
            .where(in_scope, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on < on)
            .group_by(Household.community_id)
        ).all()
    )
    by_community = {r[0]: Row(r[0], "", r[1], r[2], r[3], r[4], overdue.get(r[0], 0)) for r in rows}
    for community_id, count in overdue.items():
        by_community.setdefault(community_id, Row(community_id, "", overdue=count))

    communities = _communities_in_view(actor, set(by_community))
    points: dict[object, Row] = {}
    for community in communities:
        key = ("point", community.service_point_id) if community.service_point_id else ("station", community.station_id)
        if key not in points:
            name = community.service_point.name if community.service_point else (
                community.covering_station.name if community.covering_station else _("Not covered"))  # fmt: skip
            points[key] = Row(community.service_point_id, name)
        row = by_community.get(community.id) or Row(community.id, "")
        row.name = community.name
        row.id = community.id
        points[key].communities.append(row)
        points[key].add(row)
    total = Row(None, _("All"))
    for point in points.values():
        total.add(point)

    worker_rows = db.session.execute(
        sa.select(User.id, User.display_name, sa.func.count(Visit.id))
        .select_from(Visit)
        .join(Household, Household.id == Visit.household_id)
        .join(visit_workers, visit_workers.c.visit_id == Visit.id)
        .join(User, User.id == visit_workers.c.user_id)
        .where(in_scope, Visit.visited_at >= start_utc)
        .group_by(User.id, User.display_name)
        .order_by(sa.func.count(Visit.id).desc(), User.display_name)
    ).all()
    workers = [{"user_id": r[0], "name": r[1], "visits": r[2]} for r in worker_rows]
    return Coverage(start, on, sorted(points.values(), key=lambda r: r.name), total, workers)


def _communities_in_view(actor: Actor, with_data: set[int]) -> list[Community]:
    """The communities a coverage view lists: those the user's points or station cover (all for town staff),
    and any holding households in the user's numbers."""
    query = sa.select(Community).options(
        selectinload(Community.service_point), selectinload(Community.covering_station)
    )
    if actor is scope.SYSTEM or actor.has_role(*TOWN_STAFF):
        condition = sa.or_(Community.service_point_id.is_not(None), Community.station_id.is_not(None))
    else:
        stations = sorted(scope.station_ids(actor))
        condition = sa.or_(
            Community.service_point_id.in_(sorted(scope.point_ids(actor))),
            Community.station_id.in_(stations),
            Community.service_point_id.in_(sa.select(ServicePoint.id).where(ServicePoint.station_id.in_(stations))),
        )
    if with_data:
        condition = sa.or_(condition, Community.id.in_(sorted(with_data)))
    return list(db.session.scalars(query.where(condition).order_by(Community.name)))


# ---------------------------------------------------------------------------------------------- ledger


@dataclass
class LedgerLine:
    household: Household
    last_visit: date | None
    open_follow_ups: int


def ledger(actor: Actor, community_id: int, *, on: date | None = None) -> tuple[Community, list[LedgerLine]]:
    """The printable household ledger 台账 of one community: the files the user may open there. Numbers are
    masked on paper. Printing it is a read of every file on it, so each is audited."""
    require(actor, "household.list")
    community = db.session.get(Community, community_id) if valid_id(community_id) else None
    if community is None:
        raise NotFound(_("No such community."))
    households = list(
        db.session.scalars(
            scope.households(actor)
            .where(Household.community_id == community.id, Household.status != HouseholdStatus.ARCHIVED)
            .options(*file_options())
            .order_by(Household.address)
        )
    )
    ids = [h.id for h in households]
    last = dict(db.session.execute(
        sa.select(Visit.household_id, sa.func.max(Visit.visited_at)).where(Visit.household_id.in_(ids))
        .group_by(Visit.household_id)
    ).all()) if ids else {}  # fmt: skip
    open_counts = dict(db.session.execute(
        sa.select(FollowUp.household_id, sa.func.count(FollowUp.id))
        .where(FollowUp.household_id.in_(ids), FollowUp.status == FollowUpStatus.OPEN)
        .group_by(FollowUp.household_id)
    ).all()) if ids else {}  # fmt: skip
    for household_id in ids:
        audit.record(actor, "view", "household", household_id, detail={"via": "ledger"})
    db.session.commit()
    lines = [
        LedgerLine(h, to_local(last[h.id]).date() if last.get(h.id) else None, open_counts.get(h.id, 0))
        for h in households
    ]
    return community, lines


def ledger_communities(actor: Actor) -> list[tuple[int, str, int]]:
    """(community id, name, households) for the communities where the user has files."""
    require(actor, "household.list")
    rows = db.session.execute(
        sa.select(Community.id, Community.name, sa.func.count(Household.id))
        .join(Household, Household.community_id == Community.id)
        .where(scope.household_scope(actor))
        .group_by(Community.id, Community.name)
        .order_by(Community.name)
    )
    return [(r[0], r[1], r[2]) for r in rows]


# ---------------------------------------------------------------------------------------------- export


EXPORT_COLUMNS = (
    _l("File no."), _l("Community"), _l("Service point"), _l("Address"), _l("Household type"), _l("Status"),
    _l("Social worker"), _l("Name"), _l("Relation"), _l("Sex"), _l("Birth date"), _l("ID number"), _l("Phone"),
    _l("Target groups"),
)  # fmt: skip


def export_households(
    actor: Actor, *, fmt: str = "csv", unmasked: bool = False, reason: str = "", **filters: Any
) -> tuple[bytes, int]:
    """Current members of the households in scope matching the list filters, as CSV or XLSX. Masked by default;
    an unmasked export needs a reason, still masks households the user may not see in full, and every
    household in it is written to the audit log with the reason."""
    require(actor, "household.export")
    reason = clean_text(reason, 255)
    if unmasked and not reason:
        raise_if({"reason": [_("Say why you need the numbers unmasked.")]})
    if fmt not in ("csv", "xlsx"):
        raise_if({"format": [_("Choose CSV or XLSX.")]})
    rows: list[list[str]] = []
    households: list[Household] = []
    page_no = 1
    while True:
        page = list_households(actor, page=page_no, per_page=100, **filters)
        households.extend(page.items)
        if not page.has_next:
            break
        page_no += 1
    for household in households:
        full = unmasked and scope.may_see_full(actor, household)
        for member in household.current_members:
            rows.append([
                str(household.id), household.community.name,
                household.service_point.name if household.service_point else household.station.name,
                household.address, str(labels.HOUSEHOLD_TYPE.get(household.household_type, "")),
                str(labels.HOUSEHOLD_STATUS.get(household.status, "")),
                household.worker.display_name if household.worker else "",
                member.name, str(labels.RELATION.get(member.relation, "")), member.sex or "",
                member.birth_date.isoformat() if member.birth_date else "",
                (member.id_number or "") if full else mask_id_number(member.id_number),
                (member.phone or "") if full else mask_phone(member.phone),
                "、".join(str(labels.FLAG[f]) for f in member.flags),
            ])  # fmt: skip
        audit.record(actor, "export", "household", household.id, reason=reason or None,
                     detail={"format": fmt, "masked": not full})  # fmt: skip
    db.session.commit()
    header = [str(title) for title in EXPORT_COLUMNS]
    return spreadsheet(fmt, "households", header, rows), len(households)


def station_of(actor: Actor) -> ServiceStation | None:
    ids = scope.station_ids(actor)
    return db.session.get(ServiceStation, min(ids)) if ids else None
