"""What the raiser sees on the public status page and the track API, found by the tracking number alone: the
need's category, community, steps with their dates, its public history and outcome, and the rating. Built here,
field by field, so that nothing personal can reach a public page by accident: no raiser's name or phone, no photo,
no household, no staff member's or deputy's name (who acted is "town staff", "community staff" or "the
assignee"). A merged need shows the progress of the one it was merged into, without that one's tracking number
(its raiser's key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from volunteer_app.needs import scope
from volunteer_app.needs.models import Need, NeedRating, NeedUpdate
from volunteer_app.needs.services.common import by_tracking_number, followed
from volunteer_app.needs.services.rating import rating_of
from volunteer_app.needs.vocabulary import Assignee, Status, UpdateKind

# The steps the raiser sees, and how far along each status is among them.
STEPS = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.CLOSED)
REACHED = {
    Status.NEW: 0,
    Status.DECLINED: 0,  # back with town staff to dispatch again
    Status.REOPENED: 0,  # back with town staff to review
    Status.MERGED: 0,
    Status.ASSIGNED: 1,
    Status.ACCEPTED: 2,
    Status.IN_PROGRESS: 3,
    Status.CLOSED: 4,
}
TOWN_STAFF = "town_staff"
COMMUNITY_STAFF = "community_staff"  # League staff of the need's community (村/社区)
ASSIGNEE = "assignee"


@dataclass(frozen=True)
class Step:
    status: str
    done: bool
    at: datetime | None  # the last time the need reached it


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # status or reply
    status: str | None  # for a change of status: the status it moved to
    text: str
    by: str | None  # TOWN_STAFF, COMMUNITY_STAFF or ASSIGNEE; None for the raising itself


@dataclass(frozen=True)
class Handler:
    kind: str
    name: str  # the team's, group's, service point's or department's name; "" for a deputy (a person)


@dataclass(frozen=True)
class PublicStatus:
    tracking_number: str  # the one the raiser holds
    category: str
    community: str
    raised_at: datetime
    merged: bool  # the raiser's need was merged into another, whose progress this is
    status: str
    steps: list[Step]
    history: list[Entry]
    handler: Handler | None
    deadline: date | None
    outcome: str
    closed_at: datetime | None
    rating: NeedRating | None  # this raiser's rating of the current round
    may_rate: bool


def public_status(tracking_number: str | None) -> PublicStatus:
    """The status page of the need with this tracking number; NotFound for a number no need has."""
    raised = by_tracking_number(tracking_number)
    need = followed(raised)
    rating = rating_of(raised)
    closed = need.status == Status.CLOSED
    return PublicStatus(
        tracking_number=raised.tracking_number,
        category=raised.category,
        community=raised.community.name,
        raised_at=raised.created_at,
        merged=need.id != raised.id,
        status=need.status,
        steps=_steps(need),
        history=[_entry(update) for update in need.updates if _is_public(update)],
        handler=_handler(need),
        deadline=need.deadline
        if Status(need.status) in (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS)
        else None,
        outcome=need.outcome if closed else "",
        closed_at=need.closed_at if closed else None,
        rating=rating,
        may_rate=closed and rating is None,
    )


def _steps(need: Need) -> list[Step]:
    reached_at = {update.to_status: update.created_at for update in need.updates if update.kind == UpdateKind.STATUS}
    reached_at.setdefault(Status.NEW.value, need.created_at)
    reached = REACHED[Status(need.status)]
    steps = []
    for rank, status in enumerate(STEPS):
        done = rank <= reached
        steps.append(Step(status.value, done, reached_at.get(status.value) if done else None))
    return steps


def _is_public(update: NeedUpdate) -> bool:
    """Every change of status (its reason only when written for the raiser) and the replies; never a note."""
    return update.kind == UpdateKind.STATUS or (update.kind == UpdateKind.REPLY and update.public)


def _acted_as(update: NeedUpdate) -> str | None:
    """Who took the step, as a kind: staff as they act for the need now (a user no longer there and the system,
    a low rating, are the town's), else its assignee."""
    if update.kind == UpdateKind.STATUS and update.to_status == Status.NEW:
        return None
    if update.actor is None or scope.town_staff(update.actor):
        return TOWN_STAFF
    if scope.staff_for(update.actor, update.need):
        return COMMUNITY_STAFF
    return ASSIGNEE


def _entry(update: NeedUpdate) -> Entry:
    by = _acted_as(update)
    status = update.to_status if update.kind == UpdateKind.STATUS else None
    text = update.text if update.public else ""
    return Entry(at=update.created_at, kind=update.kind, status=status, text=text, by=by)


def _handler(need: Need) -> Handler | None:
    if need.assignee_kind is None or REACHED[Status(need.status)] == 0:  # back with town staff
        return None
    name = "" if need.assignee_kind == Assignee.DEPUTY else need.assignee_name
    return Handler(need.assignee_kind, name)
