"""Reading needs: the list staff and assignees work from (filters, search, tabs with counts) and one need as its
reader may see it (the raiser's contact and a household only where allowed), with the service hours served
toward it. Every query starts from `scope.needs(actor)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import search
from volunteer_app.core.pagination import Page, clamp_paging
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import today
from volunteer_app.events.models import HoursEntry
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need, NeedRating, NeedUpdate
from volunteer_app.needs.services.common import find_need, normalise_tracking_number
from volunteer_app.needs.services.dispatch import ASSIGNEE_COLUMNS
from volunteer_app.needs.vocabulary import OPEN_WORK, TO_DISPATCH, Assignee, Status, UpdateKind
from volunteer_app.socialwork import scope as household_scope
from volunteer_app.socialwork.models import Household

# Tabs of the list: a group of statuses each. A single status is a filter too.
STATUS_GROUPS: dict[str, tuple[Status, ...]] = {
    "dispatch": TO_DISPATCH,
    "open": OPEN_WORK,
    "closed": (Status.CLOSED,),
}


def overdue_condition(on: date) -> sa.ColumnElement[bool]:
    """Someone is answerable for it and its deadline day has passed."""
    return sa.and_(Need.status.in_([s.value for s in OPEN_WORK]), Need.deadline < on)


def _statuses(status: str | None) -> list[str] | None:
    if status in STATUS_GROUPS:
        return [s.value for s in STATUS_GROUPS[status]]
    if status in Status.__members__.values():
        return [status]
    return None


def parse_assignee(assignee: object) -> tuple[str, int | None] | None:
    """ "team:3" or ("team", 3) as (kind, id); "department" alone means any department. None: no filter."""
    if not assignee:
        return None
    kind, target = assignee if isinstance(assignee, tuple) else str(assignee).partition(":")[::2]
    if kind == Assignee.DEPARTMENT:
        return kind, None
    try:
        target_id = int(target)
    except (TypeError, ValueError):
        return None
    return (kind, target_id) if kind in ASSIGNEE_COLUMNS and valid_id(target_id) else None


def _filtered(
    actor: Actor,
    *,
    category: str | None,
    source: str | None,
    community_id: int | None,
    assignee: object,
    overdue: bool,
    q: str | None,
    on: date,
) -> sa.Select:
    query = scope.needs(actor)
    if category:
        query = query.where(Need.category == category)
    if source:
        query = query.where(Need.source == source)
    if community_id:
        query = query.where(Need.community_id == community_id)
    if (target := parse_assignee(assignee)) is not None:
        kind, target_id = target
        query = query.where(Need.assignee_kind == kind)
        if target_id is not None:
            query = query.where(getattr(Need, ASSIGNEE_COLUMNS[Assignee(kind)][0]) == target_id)
    if overdue:
        query = query.where(overdue_condition(on))
    if number := normalise_tracking_number(q):
        query = query.where(Need.tracking_number == number)
    else:
        query = search(query, q, Need.tracking_number, Need.description, Need.place)
    return query


def _segments(statuses: list[str], on: date) -> list[tuple[int, sa.ColumnElement[bool]]]:
    """The list as parts, each (rank, condition): overdue needs (0), then the others still open (1), then closed and
    merged ones (2). Each part is one status and one range of its deadline: ix_needs_status_order holds it in the
    list's order."""
    parts: list[tuple[int, sa.ColumnElement[bool]]] = []
    for status in statuses:
        this = Need.status == status
        if status in OPEN_WORK:
            parts.append((0, sa.and_(this, Need.deadline < on)))
            parts.append((1, sa.and_(this, Need.deadline >= on)))
            parts.append((1, sa.and_(this, Need.deadline.is_(None))))
        else:
            parts.append((1 if status in TO_DISPATCH else 2, this))
    return parts


def _page_ids(where: sa.ColumnElement[bool], statuses: list[str], dispatch: bool, on: date, limit: int, offset: int):
    """The ids of one page, in the list's order. The dispatch queue reads oldest first; any other list puts overdue
    needs first, then the others still open, each by deadline (none last) and newest first.

    Sorting every matching need for one page cost a sort of the whole table (100,000 needs on PostgreSQL: 0.7 s).
    Instead each part reads, from its index in order, only the rows up to the end of the page (LIMIT offset +
    limit), and the page is sorted from those few."""
    if dispatch:
        parts = [(1, Need.status == status) for status in statuses]
        within = [Need.created_at.asc(), Need.id.asc()]
    else:
        parts = _segments(statuses, on)
        within = [Need.deadline.asc().nulls_last(), Need.created_at.desc(), Need.id.desc()]
    heads = [
        sa.select(sa.literal_column(str(rank)).label("rank"), Need.deadline, Need.created_at, Need.id)
        .where(where, condition)
        .order_by(*within)
        .limit(offset + limit)
        .subquery()
        for rank, condition in parts
    ]
    merged = sa.union_all(*(sa.select(*head.c) for head in heads)).subquery()
    c = merged.c
    if dispatch:
        order = [c.created_at.asc(), c.id.asc()]
    else:
        order = [c.rank, c.deadline.asc().nulls_last(), c.created_at.desc(), c.id.desc()]
    return list(db.session.scalars(sa.select(c.id).order_by(*order).limit(limit).offset(offset)))


def _counts_by_status(query: sa.Select) -> dict[str, int]:
    found = query.with_only_columns(Need.status, sa.func.count(Need.id)).group_by(Need.status).order_by(None)
    return {s.value: 0 for s in Status} | dict(db.session.execute(found).tuples().all())


def _capped_counts_by_status(query: sa.Select, cap: int) -> tuple[dict[str, int], frozenset[str]]:
    """How many needs of each status, each counted up to `cap` (one statement, each status read from the status
    index no further than cap + 1 rows), and the statuses past the cap: a district's closed needs are not counted
    again for every page of the list."""
    parts = [
        sa.select(sa.literal(status.value).label("status"), sa.func.count().label("n")).select_from(
            query.where(Need.status == status.value).with_only_columns(Need.id).order_by(None).limit(cap + 1).subquery()
        )
        for status in Status
    ]
    found = dict(db.session.execute(sa.union_all(*parts)).tuples().all())
    past = frozenset(status for status, n in found.items() if n > cap)
    return {status: min(n, cap) for status, n in found.items()}, past


@dataclass(frozen=True)
class NeedList:
    page: Page
    counts: dict[str, int]  # as status_counts gives them: every status and tab, and "all"
    capped: frozenset[str] = frozenset()  # the statuses and tabs with more needs than their count says

    def shown(self, tab: str) -> str:
        """A tab's count as the list shows it: "1000+" past the cap."""
        return f"{self.counts[tab]}+" if tab in self.capped else str(self.counts[tab])


def list_with_counts(
    actor: Actor,
    *,
    status: str | None = None,
    category: str | None = None,
    source: str | None = None,
    community_id: int | None = None,
    assignee: object = None,
    overdue: bool = False,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> NeedList:
    """The needs the actor reaches, filtered, and how many of each status (the tabs). `status` is a status or a tab
    ("dispatch", "open", "closed"). The dispatch queue reads oldest first; any other list puts overdue needs first,
    then open ones by deadline. Three queries whatever the size (and one per kind of thing the rows name): the
    count by status, capped at NEED_TAB_COUNT_CAP each, which gives the total too; the page's ids; its needs."""
    require(actor, "need.list", None)
    on = today()
    query = _filtered(
        actor, category=category, source=source, community_id=community_id, assignee=assignee, overdue=overdue,
        q=q, on=on,
    )  # fmt: skip
    by_status, past = _capped_counts_by_status(query, current_app.config["NEED_TAB_COUNT_CAP"])
    counts = _with_tabs(by_status)
    capped = past | {tab for tab, members in _TABS.items() if past & members}
    statuses = _statuses(status) or [s.value for s in Status]
    page, per_page = clamp_paging(page, per_page)
    ids = _page_ids(query.whereclause, statuses, status == "dispatch", on, per_page + 1, (page - 1) * per_page)
    more, ids = len(ids) > per_page, ids[:per_page]
    # Each row names its community and assignee: loaded in a few queries for the whole page.
    loads = (Need.community, Need.team, Need.youth_group, Need.service_point, Need.deputy)
    found = db.session.scalars(sa.select(Need).where(Need.id.in_(ids)).options(*(selectinload(x) for x in loads)))
    by_id = {need.id: need for need in found}
    total = sum(counts[s] for s in statuses)
    exact = not past & set(statuses)
    listed = Page(
        items=[by_id[i] for i in ids], total=total, page=page, per_page=per_page, total_exact=exact, more=more
    )
    return NeedList(listed, counts, frozenset(capped))


def list_needs(actor: Actor, **listing) -> Page:
    """The page of `list_with_counts` (same arguments), for the API and the exports."""
    return list_with_counts(actor, **listing).page


# Each tab and the statuses it gathers ("all": every one), by value.
_TABS = {tab: {s.value for s in statuses} for tab, statuses in STATUS_GROUPS.items()} | {
    "all": {s.value for s in Status}
}


def _with_tabs(counts: dict[str, int]) -> dict[str, int]:
    for tab, statuses in _TABS.items():
        counts[tab] = sum(counts[status] for status in statuses)
    return counts


def status_counts(
    actor: Actor,
    *,
    category: str | None = None,
    source: str | None = None,
    community_id: int | None = None,
    assignee: object = None,
    overdue: bool = False,
    q: str | None = None,
) -> dict[str, int]:
    """How many needs of each status and each tab the list would show under the same filters (for the tabs),
    counted by the database; every status and tab is named, zeros included, and "all" is the total."""
    query = _filtered(
        actor, category=category, source=source, community_id=community_id, assignee=assignee, overdue=overdue,
        q=q, on=today(),
    )  # fmt: skip
    return _with_tabs(_counts_by_status(query))


def open_count(actor: Actor) -> int:
    """What the home card counts: for staff the needs in their reach waiting for dispatch and those being worked
    on; for anyone else the open work assigned to them (or in their reach)."""
    statuses = (*TO_DISPATCH, *OPEN_WORK) if scope.any_staff(actor) else OPEN_WORK
    query = scope.needs(actor).where(Need.status.in_([s.value for s in statuses]))
    return db.session.scalar(query.with_only_columns(sa.func.count(Need.id)).order_by(None)) or 0


@dataclass(frozen=True)
class Contact:
    name: str | None
    phone: str | None
    may_contact: bool


@dataclass(frozen=True)
class HouseholdShown:
    """A household as a need's reader may see it: its head and file number, a link to the file where the reader's
    social-work scope reaches it; the address only to the assignee it was shared with."""

    id: int
    name: str
    address: str | None
    url_allowed: bool


@dataclass
class NeedDetail:
    need: Need
    contact: Contact | None  # None: the reader may not see who raised it
    household: HouseholdShown | None  # None: no household, or the reader may not see it
    from_visit: bool  # raised on a household visit (said even when the household is not shown)
    history: list[NeedUpdate]
    hours: float
    ratings: list[NeedRating] = field(default_factory=list)
    merged_from: list[Need] = field(default_factory=list)
    as_staff: bool = False  # the reader acts as staff for this need (scope.staff_for)
    is_assignee: bool = False


def _household_for(actor: Actor, need: Need) -> HouseholdShown | None:
    """Through social work's scope (the household's own worker and supervisor), or to the assignee when the social
    worker shared it on the household's consent. A team never sees a household it was not given."""
    if need.household_id is None:
        return None
    in_scope = db.session.scalar(household_scope.households(actor).where(Household.id == need.household_id))
    shared = need.household_shared and scope.is_assignee(actor, need)
    household = in_scope or (db.session.get(Household, need.household_id) if shared else None)
    if household is None:
        return None
    audit.record(actor, "view", "household", household.id, detail={"via": "need", "need": need.id})
    return HouseholdShown(
        id=household.id,
        name=household.head_name,
        address=household.address,
        url_allowed=in_scope is not None,
    )


def hours_toward(need: Need) -> float:
    """The approved service hours of the event the need became (the hours ledger holds approved hours only)."""
    if need.event_id is None:
        return 0.0
    minutes = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.minutes), 0)).where(HoursEntry.event_id == need.event_id)
    )
    return round((minutes or 0) / 60, 2)


def need_detail(actor: Actor, need_id: object) -> NeedDetail:
    """One need as the reader may see it. Seeing the raiser's contact, or a household, is written to the audit log;
    the look is committed at once."""
    need = find_need(actor, need_id)
    staff = scope.staff_for(actor, need)
    assignee = scope.is_assignee(actor, need)
    contact = None
    if scope.sees_contact(actor, need) and (need.contact_name or need.contact_phone):
        contact = Contact(need.contact_name, need.contact_phone, need.may_contact)
        audit.record(actor, "view_contact", "need", need.id)
    # Notes are for those who handle the need; status changes and replies for everyone who reaches it.
    history = [u for u in need.updates if u.kind != UpdateKind.NOTE or staff or assignee]
    ratings = []
    if staff or assignee:
        ratings = list(
            db.session.scalars(sa.select(NeedRating).where(NeedRating.need_id == need.id).order_by(NeedRating.id))
        )
    merged_from = list(db.session.scalars(scope.needs(actor).where(Need.merged_into_id == need.id).order_by(Need.id)))
    household = _household_for(actor, need)
    detail = NeedDetail(
        need=need,
        contact=contact,
        household=household,
        from_visit=need.household_id is not None or need.visit_id is not None,
        history=history,
        hours=hours_toward(need),
        ratings=ratings,
        merged_from=merged_from,
        as_staff=staff,
        is_assignee=assignee,
    )
    if contact is not None or household is not None:
        db.session.commit()  # the look is recorded
    return detail
