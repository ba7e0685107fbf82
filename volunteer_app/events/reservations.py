"""Team reservations 团队预留: a team's leader (or town staff for a team) holds N places of a role until a fill-by
time and fills them with members' names as they come in. The places not filled yet count as taken
(`signups.reserved_unfilled`, part of `taken_count`), so no sign-up, promotion or offer can have them; at the
fill-by time (`release_due`, a scheduler job) or when the leader lets them go (`release`) they go to the waitlist
as any freed place does (`signups.promote`: confirmed at once, or offered when the event asks for confirmation).
The leaders are reminded once before the deadline (`remind_due`, RESERVATION_REMINDER_HOURS).

Filling takes the names as the FULL set (`fill`): names not yet in are signed up (confirmed, linked to the
reservation), names left out are cancelled and their places go back to the reservation. A leader edits one list
of who is coming, as the page shows it; sending the same list twice changes nothing, and swapping one name for
another is one step that never needs a spare place.

Every step takes the role's lock first (signups.lock_role), as sign-ups do, so reserving never exceeds the places
free at that moment and a release racing a fill sees one settled state. Each step writes everything or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import Role
from volunteer_app.accounts.services import grant_holders
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Errors, Forbidden, Invalid, NotFound, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import (
    HOLDING_STATUSES,
    Audience,
    EventRole,
    EventSession,
    EventStatus,
    RoleReservation,
    Signup,
    SignupStatus,
    event_audience_teams,
)
from volunteer_app.events.policy import is_town_staff
from volunteer_app.events.signups import (
    eligibility_problem,
    load_role,
    lock_role,
    lock_volunteers,
    promote,
    refuse_if_closed,
    reservation_fills,
    role_capacity,
    taken_count,
    waitlist_positions,
    with_overlapping_place,
    withdraw,
)
from volunteer_app.events.team_signups import named_volunteers
from volunteer_app.extensions import db
from volunteer_app.organisations import team_scope
from volunteer_app.organisations.models import Team, VolunteerProfile

MAX_NAMES = 2000  # as a team sign-up


# ---------------------------------------------------------------------------------------------- reading


def _options():
    return (
        selectinload(RoleReservation.role).selectinload(EventRole.session).selectinload(EventSession.event),
        selectinload(RoleReservation.team),
    )


def attach_fills(reservations: list[RoleReservation]) -> None:
    """Fills in `filled` (live sign-ups from each) and `members` (their sign-ups, by name) in two queries."""
    fills = reservation_fills(r.id for r in reservations)
    names: dict[int, list[Signup]] = {}
    if reservations:
        for signup in db.session.scalars(
            sa.select(Signup)
            .join(Signup.volunteer)
            .where(
                Signup.reservation_id.in_([r.id for r in reservations]),
                Signup.status.in_([s.value for s in HOLDING_STATUSES]),
            )
            .options(selectinload(Signup.volunteer))
            .order_by(VolunteerProfile.name, Signup.id)
        ):
            names.setdefault(signup.reservation_id, []).append(signup)
    for reservation in reservations:
        reservation.filled = fills.get(reservation.id, 0)
        reservation.members = names.get(reservation.id, [])


def _sees_all(actor: Actor, role: EventRole) -> bool:
    """The event's organisers see every team's reservations; a team's leaders see their own."""
    return can(actor, "signup.list", role.session.event)


def get_reservation(actor: Actor, role_id: int, reservation_id: int) -> RoleReservation:
    """One reservation of this role, for its team's leaders, town staff and the event's organisers; out of reach
    (another role's, another team's, an event one cannot see) it is not found."""
    reservation = db.session.scalar(
        sa.select(RoleReservation).where(RoleReservation.id == reservation_id).options(*_options())
    )
    if (
        reservation is None
        or reservation.role_id != role_id
        or not can(actor, "event.view", reservation.role.session.event)
        or not (_sees_all(actor, reservation.role) or can(actor, "reservation.manage", reservation.team_id))
    ):
        raise NotFound(_("No such reservation."))
    attach_fills([reservation])
    return reservation


def list_reservations(
    actor: Actor,
    role_id: int,
    *,
    open_only: bool = False,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """A role's reservations, open ones first then by fill-by time (`q`: words of the team's name): all of them for
    the event's organisers, their own teams' for leaders; refused to anyone else."""
    role = _visible_role(actor, role_id)
    query = sa.select(RoleReservation).where(RoleReservation.role_id == role.id).options(*_options())
    if not _sees_all(actor, role):
        led = team_scope.led_team_ids(actor)
        if not led:
            raise Forbidden(_("You are not allowed to do this."))
        query = query.where(RoleReservation.team_id.in_(sorted(led)))
    if open_only:
        query = query.where(RoleReservation.released_at.is_(None))
    q = clean_text(q, 100)
    if q:
        query = query.where(RoleReservation.team.has(Team.name.icontains(q, autoescape=True)))
    query = query.order_by(RoleReservation.released_at.is_not(None), RoleReservation.fill_by, RoleReservation.id)
    result = paginate(query, page, per_page)
    attach_fills(result.items)
    return result


def open_by_role(actor: Actor, role_ids: Iterable[int]) -> dict[int, list[RoleReservation]]:
    """The open reservations the actor may see among these roles (an event page), in a few queries."""
    ids = sorted(set(role_ids))
    if not ids or getattr(actor, "is_anonymous", False):
        return {}
    query = (
        sa.select(RoleReservation)
        .where(RoleReservation.role_id.in_(ids), RoleReservation.released_at.is_(None))
        .options(*_options())
        .order_by(RoleReservation.fill_by, RoleReservation.id)
    )
    found = list(db.session.scalars(query))
    for reservation in found:
        reservation.manageable = can(actor, "reservation.manage", reservation.team_id)
    found = [r for r in found if r.manageable or _sees_all(actor, r.role)]
    attach_fills(found)
    by_role: dict[int, list[RoleReservation]] = {}
    for reservation in found:
        by_role.setdefault(reservation.role_id, []).append(reservation)
    return by_role


def may_reserve(actor: Actor) -> bool:
    """Whether the actor reserves places for any team: town staff, or a team's leader."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return is_town_staff(actor) or bool(team_scope.led_team_ids(actor))


def teams_to_reserve_for(actor: Actor, role: EventRole) -> list[tuple[int, str]]:
    """(id, name) of the teams the actor may reserve this role's places for: every team for town staff, their own
    for a leader; for an event only for named teams, those among them."""
    query = sa.select(Team.id, Team.name).order_by(Team.name)
    if not is_town_staff(actor):
        query = query.where(Team.id.in_(sorted(team_scope.led_team_ids(actor))))
    if role.session.event.audience == Audience.TEAMS:
        query = query.where(Team.id.in_(_audience_team_ids(role.session.event_id)))
    return [(row.id, row.name) for row in db.session.execute(query)]


def _visible_role(actor: Actor, role_id: int) -> EventRole:
    role = load_role(role_id)
    if not can(actor, "event.view", role.session.event):
        raise NotFound(_("No such role."))
    return role


def _audience_team_ids(event_id: int) -> sa.Select:
    return sa.select(event_audience_teams.c.team_id).where(event_audience_teams.c.event_id == event_id)


# ---------------------------------------------------------------------------------------------- reserving


def reserve(
    actor: Actor, role_id: int, *, team_id: int, places: int, fill_by: datetime, now: datetime | None = None
) -> RoleReservation:
    """Holds `places` of a role for a team until `fill_by`. Refused beyond the places free now (under the role's
    lock), with a fill-by time past or after the session's start (or after sign-up closes), for a team the event
    is not for, or while the team already holds places of this role."""
    now = now or utcnow()
    role = _visible_role(actor, role_id)
    session, event = role.session, role.session.event
    team = db.session.get(Team, team_id) if valid_id(team_id) else None
    if team is None:
        raise Invalid({"team_id": [_("No such team.")]})
    require(actor, "reservation.manage", team.id)
    errors: Errors = {}
    if isinstance(places, bool) or not isinstance(places, int) or places < 1:
        errors["places"] = [_("Reserve at least one place.")]
    if fill_by <= now:
        errors["fill_by"] = [_("The fill-by time must be in the future.")]
    elif fill_by > session.starts_at:
        errors["fill_by"] = [_("The fill-by time must be before the session starts.")]
    elif event.signup_closes_at and fill_by > event.signup_closes_at:
        when = to_local(event.signup_closes_at).strftime("%Y-%m-%d %H:%M")
        errors["fill_by"] = [_("The fill-by time must be before sign-up closes (%(when)s).", when=when)]
    if event.audience == Audience.TEAMS and team.id not in set(db.session.scalars(_audience_team_ids(event.id))):
        errors["team_id"] = [_("This event is only for the teams it names, and this team is not one of them.")]
    raise_if(errors)
    refuse_if_closed(role, now)

    lock_role(role.id)  # from here on, this role's places are ours to count
    if db.session.scalar(
        sa.select(RoleReservation.id).where(
            RoleReservation.role_id == role.id,
            RoleReservation.team_id == team.id,
            RoleReservation.released_at.is_(None),
        )
    ):
        db.session.rollback()
        raise Conflict(_("This team already holds places of this role: fill or release them first."))
    free = role_capacity(role.id) - taken_count(role.id)
    if places > free:
        db.session.rollback()
        message = ngettext(
            "Only %(num)d place of this role is free.", "Only %(num)d places of this role are free.", max(free, 0)
        )
        raise Invalid({"places": [message]})
    reservation = RoleReservation(
        role_id=role.id,
        team_id=team.id,
        places=places,
        fill_by=fill_by,
        created_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(reservation)
    db.session.flush()
    detail = {"role_id": role.id, "team_id": team.id, "places": places}
    audit.record(actor, "create", "role_reservation", reservation.id, detail=detail)
    db.session.commit()
    return get_reservation(actor, role.id, reservation.id)


def _locked_open(actor: Actor, role_id: int, reservation_id: int, now: datetime) -> RoleReservation:
    """The reservation, read again under its role's lock; refused unless the actor manages it and it is open."""
    reservation = get_reservation(actor, role_id, reservation_id)
    require(actor, "reservation.manage", reservation.team_id)
    lock_role(reservation.role_id)
    db.session.refresh(reservation)
    if reservation.released_at is not None:
        db.session.rollback()
        raise Conflict(_("These reserved places have been released: sign members up as usual."))
    if now >= reservation.fill_by:
        db.session.rollback()
        raise Conflict(_("The fill-by time has passed: the places not filled go to the waitlist."))
    return reservation


def fill(
    actor: Actor, role_id: int, reservation_id: int, volunteer_ids: list[int], *, now: datetime | None = None
) -> RoleReservation:
    """Makes the reservation's names exactly `volunteer_ids` (see the module docstring): new names are checked as
    any sign-up (team membership, the role's requirements, no clashing place, not signed up already) and
    confirmed; names left out are cancelled, their places back to the reservation. One refusal refuses all."""
    now = now or utcnow()
    ids = list(dict.fromkeys(volunteer_ids))
    errors: Errors = {}
    if any(not valid_id(i) for i in ids):
        errors["volunteer_ids"] = [_("Give volunteers by their ids.")]
    elif len(ids) > MAX_NAMES:
        errors["volunteer_ids"] = [_("At most %(n)d volunteers at a time.", n=MAX_NAMES)]
    raise_if(errors)
    reservation = get_reservation(actor, role_id, reservation_id)
    require(actor, "reservation.manage", reservation.team_id)
    role = reservation.role
    refuse_if_closed(role, now)
    if len(ids) > reservation.places:
        raise Invalid(
            {
                "volunteer_ids": [
                    ngettext(
                        "%(num)d place is reserved: give at most that many names.",
                        "%(num)d places are reserved: give at most that many names.",
                        reservation.places,
                    )
                ]
            }
        )
    reservation = _locked_open(actor, role_id, reservation_id, now)
    current = list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.reservation_id == reservation.id, Signup.status.in_([s.value for s in HOLDING_STATUSES]))
            .execution_options(populate_existing=True)
        )
    )
    keep = set(ids)
    leaving = [s for s in current if s.volunteer_id not in keep]
    adding = [i for i in ids if i not in {s.volunteer_id for s in current}]
    lock_volunteers(adding)
    try:
        _check_names(role, reservation.team_id, adding)
    except Invalid:
        db.session.rollback()  # the role's lock goes with the refusal
        raise

    for signup in leaving:  # their places go back to the reservation, which is still open: nobody is promoted
        withdraw(signup, now)
    _sign_up_into(actor, reservation, adding, now)
    detail = {"added": adding, "removed": [s.volunteer_id for s in leaving]}
    audit.record(actor, "update", "role_reservation", reservation.id, detail=detail)
    db.session.commit()
    return get_reservation(actor, role_id, reservation_id)


def _check_names(role: EventRole, team_id: int, ids: list[int]) -> None:
    """Refuses (Invalid, one message per refused name) unless each of these volunteers may fill the team's place."""
    if not ids:
        return
    volunteers = named_volunteers(ids)
    signed_up = set(
        db.session.scalars(
            sa.select(Signup.volunteer_id).where(
                Signup.role_id == role.id, Signup.volunteer_id.in_(ids), Signup.status != SignupStatus.CANCELLED
            )
        )
    )
    clashing = with_overlapping_place(ids, role.session, role.id)
    problems = []
    for i in ids:
        volunteer = volunteers[i]
        teams = {m.team_id for m in volunteer.memberships if m.left_on is None}
        if team_id not in teams:
            problem = _("Not a member of this team.")
        elif i in signed_up:
            problem = _("Already signed up for this role.")
        elif i in clashing:
            problem = _("Already has a confirmed place at a session that overlaps this one.")
        else:
            problem = eligibility_problem(role, volunteer, teams)
        if problem:
            problems.append(f"{volunteer.name}: {problem}")
    if problems:
        raise Invalid({"volunteer_ids": problems})


def _sign_up_into(actor: Actor, reservation: RoleReservation, ids: list[int], now: datetime) -> None:
    """Confirmed sign-ups for these (checked) volunteers in the reservation's places, with their notices; a
    cancelled sign-up of theirs for the role is used again (one per role and volunteer)."""
    if not ids:
        return
    role_id = reservation.role_id
    existing = {
        s.volunteer_id: s
        for s in db.session.scalars(
            sa.select(Signup)
            .where(Signup.role_id == role_id, Signup.volunteer_id.in_(ids))
            .execution_options(populate_existing=True)
        )
    }
    seq = db.session.scalar(sa.select(EventRole.next_seq).where(EventRole.id == role_id))
    added = []
    for i in ids:
        signup = existing.get(i) or Signup(role_id=role_id, volunteer_id=i)
        seq += 1
        signup.status, signup.seq, signup.reservation_id = SignupStatus.CONFIRMED, seq, reservation.id
        signup.signed_up_by_id, signup.created_at, signup.confirmed_at = getattr(actor, "id", None), now, now
        signup.cancelled_at = signup.promoted_at = signup.offer_expires_at = None
        signup.attendance_asked_at = signup.attendance_confirmed_at = None
        db.session.add(signup)
        added.append(signup)
    db.session.execute(sa.update(EventRole).where(EventRole.id == role_id).values(next_seq=seq))
    db.session.flush()
    waitlist_positions(added)
    notices.signed_up(added, now)


# ---------------------------------------------------------------------------------------------- releasing


def _release(reservation: RoleReservation, now: datetime, actor: Actor | None) -> list[Signup]:
    """Ends the reservation in the caller's transaction, which holds the role's lock: its unfilled places are free
    and go to the waitlist in order. The names already filled keep their places."""
    reservation.released_at, reservation.released_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    return promote(reservation.role, now)


def release(actor: Actor, role_id: int, reservation_id: int, *, now: datetime | None = None) -> list[Signup]:
    """The leader lets the unfilled places go now. Returns the volunteers promoted (or offered a place)."""
    now = now or utcnow()
    reservation = _locked_open(actor, role_id, reservation_id, now)
    promoted = _release(reservation, now, actor)
    audit.record(actor, "delete", "role_reservation", reservation.id, detail={"promoted": len(promoted)})
    db.session.commit()
    return promoted


def _leaders(team_id: int) -> list[int]:
    return sorted(grant_holders(Role.TEAM_LEADER, "team", team_id))


def release_due(now: datetime | None = None) -> int:
    """The scheduler's job: reservations past their fill-by time are released, one role at a time under its lock,
    their unfilled places promoting the waitlist in order (offers when the event asks for them); the leaders hear
    how many places went. Returns the reservations released. Commits per role."""
    now = now or utcnow()
    role_ids = list(
        db.session.scalars(
            sa.select(RoleReservation.role_id)
            .where(RoleReservation.released_at.is_(None), RoleReservation.fill_by <= now)
            .distinct()
            .order_by(RoleReservation.role_id)
        )
    )
    db.session.rollback()  # end the read before taking the first lock
    released = 0
    for role_id in role_ids:
        lock_role(role_id)
        due = list(
            db.session.scalars(
                sa.select(RoleReservation)
                .where(
                    RoleReservation.role_id == role_id,
                    RoleReservation.released_at.is_(None),
                    RoleReservation.fill_by <= now,
                )
                .options(*_options())
                .order_by(RoleReservation.id)
                .execution_options(populate_existing=True)
            )
        )
        attach_fills(due)
        for reservation in due:
            unfilled = reservation.unfilled
            reservation.released_at = now
            if unfilled and reservation.role.session.event.status != EventStatus.CANCELLED:
                notices.reservation_released(reservation, _leaders(reservation.team_id), unfilled, now)
        db.session.flush()
        if due:
            promote(due[0].role, now)
        released += len(due)
        db.session.commit()
    return released


def remind_due(now: datetime | None = None) -> int:
    """The scheduler's job: the leaders of a team whose reserved places are not all filled hear once, from
    RESERVATION_REMINDER_HOURS before the fill-by time. Returns the reservations reminded about."""
    now = now or utcnow()
    ahead = timedelta(hours=float(current_app.config.get("RESERVATION_REMINDER_HOURS", 24)))
    due = list(
        db.session.scalars(
            sa.select(RoleReservation)
            .where(
                RoleReservation.released_at.is_(None),
                RoleReservation.reminded_at.is_(None),
                RoleReservation.fill_by > now,
                RoleReservation.fill_by <= now + ahead,
            )
            .options(*_options())
            .order_by(RoleReservation.fill_by, RoleReservation.id)
        )
    )
    attach_fills(due)
    reminded = 0
    for reservation in due:
        # Claimed by a conditional UPDATE, so two runs at once remind once.
        claimed = db.session.execute(
            sa.update(RoleReservation)
            .where(RoleReservation.id == reservation.id, RoleReservation.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        if claimed and reservation.unfilled:
            notices.reservation_due(reservation, _leaders(reservation.team_id), now)
            reminded += 1
    db.session.commit()
    return reminded
