"""Sign-ups 报名 and the waitlist 候补.

Capacity is enforced under a lock on the role: the first statement of the sign-up transaction is an UPDATE of the
role row (bumping `next_seq`). On SQLite that takes the database's write lock (pysqlite opens the transaction at
that statement, and the busy timeout makes concurrent writers wait); on PostgreSQL it locks the row until commit.
Everything after it (counting confirmed places, numbering the waitlist) therefore sees a settled state, so no
interleaving of requests can exceed a role's capacity or lose a sign-up.

Lock order, to rule out deadlocks: the role first, then volunteer rows (in id order).

Team reservations (reservations.py): places a team holds and has not filled with names yet are taken too
(`reserved_unfilled`), so the same lock and the same count keep them from anyone else.

Promotion offers: when the event sets `promotion_confirm_hours`, a freed place is offered to the first waitlisted
(status `offered` until `offer_expires_at`) instead of confirmed at once. An offered place is held: it counts as
taken (`taken_count`), so nobody else gets it until it is accepted, declined or lapses (offers.py), each under
the same role lock. The deadline never outlives the session: it is cut at OFFER_CUTOFF before the start, and from
then on a freed place is confirmed at once as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid, NotFound
from volunteer_app.core.identity import age_on
from volunteer_app.core.lookup import find, get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import (
    HOLDING_STATUSES,
    Audience,
    Event,
    EventRole,
    EventSession,
    EventStatus,
    RoleReservation,
    Signup,
    SignupStatus,
    event_audience_teams,
)
from volunteer_app.extensions import db
from volunteer_app.organisations.models import POLITICAL_STATUS_LABELS, Community, VolunteerProfile
from volunteer_app.organisations.services import own_profile, own_profile_id

# Offers end this long before the session starts; a place freed later is confirmed at once, as without offers.
OFFER_CUTOFF = timedelta(hours=2)


class SignupRefused(Conflict):
    """A sign-up the rules refuse; `code` names the reason for API clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------- locking


def lock_role(role_id: int) -> int:
    """Takes the role's lock (see the module docstring) and returns the next sequence number."""
    db.session.execute(sa.update(EventRole).where(EventRole.id == role_id).values(next_seq=EventRole.next_seq + 1))
    return db.session.scalar(sa.select(EventRole.next_seq).where(EventRole.id == role_id))


def lock_volunteers(ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if ids and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(VolunteerProfile.id).where(VolunteerProfile.id.in_(ids)).with_for_update())


@dataclass(frozen=True)
class TakenPlaces:
    """What a role's taken places are made of, for a message that has to say why they cannot be given up."""

    confirmed: int
    offered: int  # held for a waitlisted volunteer until they answer (offers.py)
    reserved: int  # held by open team reservations and not yet filled with names

    @property
    def total(self) -> int:
        return self.confirmed + self.offered + self.reserved


def taken_places(role_id: int) -> TakenPlaces:
    """Places taken: confirmed, offered ones held for their volunteer, and those teams reserved and not yet filled."""
    holding = dict(
        db.session.execute(
            sa.select(Signup.status, sa.func.count(Signup.id))
            .where(Signup.role_id == role_id, Signup.status.in_([s.value for s in HOLDING_STATUSES]))
            .group_by(Signup.status)
        ).all()
    )
    return TakenPlaces(
        confirmed=holding.get(SignupStatus.CONFIRMED.value, 0),
        offered=holding.get(SignupStatus.OFFERED.value, 0),
        reserved=reserved_unfilled([role_id]).get(role_id, 0),
    )


def taken_count(role_id: int) -> int:
    return taken_places(role_id).total


def reservation_fills(reservation_ids: Iterable[int]) -> dict[int, int]:
    """Live (place-holding) sign-ups filled from each of these reservations, in one grouped query."""
    ids = sorted(set(reservation_ids))
    if not ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Signup.reservation_id, sa.func.count(Signup.id))
            .where(Signup.reservation_id.in_(ids), Signup.status.in_([s.value for s in HOLDING_STATUSES]))
            .group_by(Signup.reservation_id)
        ).all()
    )


def reserved_unfilled(role_ids: Iterable[int]) -> dict[int, int]:
    """Places of these roles that open team reservations hold and the leaders have not filled yet (two queries;
    roles without any are absent). They are taken: nobody else may sign up or be promoted into them."""
    ids = sorted(set(role_ids))
    if not ids:
        return {}
    open_ = list(
        db.session.execute(
            sa.select(RoleReservation.id, RoleReservation.role_id, RoleReservation.places).where(
                RoleReservation.role_id.in_(ids), RoleReservation.released_at.is_(None)
            )
        )
    )
    fills = reservation_fills(r.id for r in open_)
    held: dict[int, int] = {}
    for r in open_:
        held[r.role_id] = held.get(r.role_id, 0) + max(0, r.places - fills.get(r.id, 0))
    return held


def role_capacity(role_id: int) -> int:
    return db.session.scalar(sa.select(EventRole.capacity).where(EventRole.id == role_id))


def with_overlapping_place(volunteer_ids: Iterable[int], session: EventSession, exclude_role: int) -> set[int]:
    """Volunteers among these who already hold a confirmed place in a session overlapping this one."""
    ids = sorted(set(volunteer_ids))
    if not ids:
        return set()
    rows = db.session.scalars(
        sa.select(Signup.volunteer_id)
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(EventSession, EventSession.id == EventRole.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(
            Signup.volunteer_id.in_(ids),
            Signup.status == SignupStatus.CONFIRMED,
            Signup.role_id != exclude_role,
            Event.status != EventStatus.CANCELLED,
            EventSession.starts_at < session.ends_at,
            EventSession.ends_at > session.starts_at,
        )
    )
    return set(rows)


def waitlist_positions(signups: list[Signup]) -> None:
    """Fills in `waitlist_position` (1 = next in line) for the waitlisted ones and None for the rest, one query per
    page. The position is no column: a sign-up promoted since it was last read would otherwise keep its old one."""
    for signup in signups:
        signup.waitlist_position = None
    waiting = [s for s in signups if s.status == SignupStatus.WAITLISTED]
    if not waiting:
        return
    role_ids = sorted({s.role_id for s in waiting})
    rows = db.session.execute(
        sa.select(Signup.id, Signup.role_id, Signup.seq)
        .where(Signup.role_id.in_(role_ids), Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.role_id, Signup.seq)
    )
    position: dict[int, int] = {}
    counters: dict[int, int] = {}
    for row in rows:
        counters[row.role_id] = counters.get(row.role_id, 0) + 1
        position[row.id] = counters[row.role_id]
    for signup in waiting:
        signup.waitlist_position = position.get(signup.id)


# ---------------------------------------------------------------------------------------------- rules


def eligibility_problem(role: EventRole, volunteer: VolunteerProfile, team_ids: set[int] | None = None) -> str | None:
    """Why this volunteer may not take this role, or None. `team_ids` are the volunteer's current teams."""
    session, event = role.session, role.session.event
    if role.min_age is not None and age_on(volunteer.birth_date, to_local(session.starts_at).date()) < role.min_age:
        return _("This role is for volunteers aged %(n)d or over.", n=role.min_age)
    if role.political_status and volunteer.political_status != role.political_status:
        label = str(POLITICAL_STATUS_LABELS.get(role.political_status, role.political_status))
        return _("This role is for volunteers whose political status is: %(status)s.", status=label)
    if role.skill and role.skill not in (volunteer.skills or []):
        return _("This role needs the skill: %(skill)s.", skill=role.skill)
    if event.audience == Audience.TEAMS:
        if team_ids is None:
            team_ids = {m.team_id for m in volunteer.memberships if m.left_on is None}
        allowed = set(
            db.session.scalars(
                sa.select(event_audience_teams.c.team_id).where(event_audience_teams.c.event_id == event.id)
            )
        )
        if not team_ids & allowed:
            return _("This event is only for members of the teams it names.")
    return None


def refuse_if_closed(role: EventRole, now: datetime) -> None:
    event, session = role.session.event, role.session
    if event.status == EventStatus.CANCELLED:
        raise SignupRefused("event_cancelled", _("This event has been cancelled."))
    if event.status != EventStatus.PUBLISHED:
        raise SignupRefused("event_not_open", _("This event is not open for sign-up."))
    if event.signup_opens_at and now < event.signup_opens_at:
        when = to_local(event.signup_opens_at).strftime("%Y-%m-%d %H:%M")
        raise SignupRefused("signup_not_open", _("Sign-up opens at %(when)s.", when=when))
    if (event.signup_closes_at and now >= event.signup_closes_at) or now >= session.ends_at:
        raise SignupRefused("signup_closed", _("Sign-up for this event has closed."))


def load_role(role_id: int) -> EventRole:
    return get_or_404(
        EventRole,
        role_id,
        _("No such role."),
        selectinload(EventRole.session).selectinload(EventSession.event),
    )


def _volunteer_for(actor: Actor, volunteer_id: int | None) -> VolunteerProfile:
    if volunteer_id is None:
        profile = own_profile(actor)
        if profile is None:
            raise Invalid({"volunteer_id": [_("Register as a volunteer before signing up.")]})
        return profile
    profile = find(VolunteerProfile, volunteer_id, selectinload(VolunteerProfile.memberships))
    if profile is None:
        raise Invalid({"volunteer_id": [_("No volunteer with this id.")]})
    return profile


# ---------------------------------------------------------------------------------------------- signing up


def sign_up(actor: Actor, role_id: int, *, volunteer_id: int | None = None, now: datetime | None = None) -> Signup:
    """Signs a volunteer (oneself, or a member of a team the actor leads) up for a role: confirmed while places
    last, then waitlisted in order. The answer carries `status` and `waitlist_position`."""
    now = now or utcnow()
    volunteer = _volunteer_for(actor, volunteer_id)
    require(actor, "signup.create", volunteer)
    role = load_role(role_id)
    if not can(actor, "event.view", role.session.event):
        raise NotFound(_("No such role."))
    refuse_if_closed(role, now)
    problem = eligibility_problem(role, volunteer)
    if problem:
        raise SignupRefused("requirement_not_met", problem)

    seq = lock_role(role.id)  # from here on, this role's sign-ups wait for us
    lock_volunteers([volunteer.id])
    signup = db.session.scalar(
        sa.select(Signup)
        .where(Signup.role_id == role.id, Signup.volunteer_id == volunteer.id)
        .execution_options(populate_existing=True)
    )
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        db.session.rollback()
        raise SignupRefused("already_signed_up", _("You have already signed up for this role."))
    if taken_count(role.id) < role_capacity(role.id):
        if with_overlapping_place([volunteer.id], role.session, role.id):
            db.session.rollback()
            raise SignupRefused(
                "overlapping_place", _("You already have a confirmed place at a session that overlaps this one.")
            )
        status = SignupStatus.CONFIRMED
    else:
        status = SignupStatus.WAITLISTED
    if signup is None:
        signup = Signup(role_id=role.id, volunteer_id=volunteer.id)
        db.session.add(signup)
    signup.status, signup.seq, signup.signed_up_by_id = status, seq, getattr(actor, "id", None)
    signup.created_at, signup.cancelled_at, signup.promoted_at = now, None, None
    signup.confirmed_at = now if status == SignupStatus.CONFIRMED else None
    db.session.flush()
    waitlist_positions([signup])
    notices.signed_up([signup], now)
    if signup.volunteer.user_id != getattr(actor, "id", None):
        audit.record(actor, "create", "signup", signup.id, detail={"role_id": role.id, "volunteer_id": volunteer.id})
    db.session.commit()
    return signup


# ---------------------------------------------------------------------------------------------- cancelling


def load_signup(signup_id: int) -> Signup:
    return get_or_404(
        Signup,
        signup_id,
        _("No such sign-up."),
        selectinload(Signup.role).selectinload(EventRole.session).selectinload(EventSession.event),
        selectinload(Signup.volunteer).selectinload(VolunteerProfile.memberships),
    )


def signup_to_act_on(actor: Actor, signup_id: int) -> Signup:
    """A sign-up the actor may read, give up, accept or decline: the volunteer's own, or one whose event they
    organise or whose volunteer they may sign up (`signup.cancel`). Anyone else is told there is no such sign-up
    (404), never refused it: a refusal would tell that it exists."""
    signup = load_signup(signup_id)
    if not can(actor, "signup.cancel", signup):
        raise NotFound(_("No such sign-up."))
    return signup


def cancel(actor: Actor, signup_id: int, *, now: datetime | None = None) -> list[Signup]:
    """Gives up a place (or a place in the queue, or an offered place). A freed place goes (or is offered) to the
    first waitlisted volunteer who holds no overlapping place; they get a notice. Returns the volunteers promoted."""
    now = now or utcnow()
    signup = signup_to_act_on(actor, signup_id)
    lock_role(signup.role_id)
    db.session.refresh(signup)
    if signup.status == SignupStatus.CANCELLED:
        db.session.rollback()
        raise Conflict(_("This sign-up is already cancelled."))
    if now >= signup.role.session.ends_at:
        db.session.rollback()
        raise Conflict(_("This session is over; its sign-ups can no longer be cancelled."))
    promoted = withdraw(signup, now)
    if signup.volunteer.user_id != getattr(actor, "id", None):
        audit.record(actor, "delete", "signup", signup.id, detail={"role_id": signup.role_id})
    db.session.commit()
    return promoted


def withdraw(signup: Signup, now: datetime) -> list[Signup]:
    """The live sign-up gives up its place in the caller's transaction, whose lock on the role it needs: its
    reminders go and a freed place (confirmed, or offered and held) is promoted. Returns the volunteers promoted.
    `cancel` is the volunteer's or organiser's way; declining an offer is too; closing an account withdraws every
    upcoming sign-up of theirs with it."""
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    held = signup.status in HOLDING_STATUSES
    signup.status, signup.cancelled_at, signup.offer_expires_at = SignupStatus.CANCELLED, now, None
    db.session.flush()
    if was_confirmed:
        notices.signup_cancelled(signup)
    return promote(signup.role, now) if held else []


def offer_deadline(session: EventSession, event: Event, now: datetime) -> datetime | None:
    """Until when a promoted volunteer may accept, or None to confirm them at once (the event asks for no
    confirmation, or the session is too close to its start)."""
    if not event.promotion_confirm_hours:
        return None
    last = session.starts_at - OFFER_CUTOFF
    if now >= last:
        return None
    return min(now + timedelta(hours=event.promotion_confirm_hours), last)


def promote(role: EventRole, now: datetime) -> list[Signup]:
    """Fills free places of a role (whose lock the caller holds) from its waitlist, in order: confirmed at once,
    or offered until a deadline when the event asks promoted volunteers to confirm."""
    if role.session.event.status == EventStatus.CANCELLED:
        return []
    free = role_capacity(role.id) - taken_count(role.id)
    if free <= 0:
        return []
    waiting = list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.role_id == role.id, Signup.status == SignupStatus.WAITLISTED)
            .order_by(Signup.seq)
            .execution_options(populate_existing=True)
        )
    )
    lock_volunteers(s.volunteer_id for s in waiting[: free * 4])
    overlapping = with_overlapping_place((s.volunteer_id for s in waiting), role.session, role.id)
    deadline = offer_deadline(role.session, role.session.event, now)
    promoted = []
    for signup in waiting:
        if free == 0:
            break
        if signup.volunteer_id in overlapping:
            continue
        signup.promoted_at = now
        if deadline is None:
            signup.status, signup.confirmed_at = SignupStatus.CONFIRMED, now
        else:
            signup.status, signup.offer_expires_at = SignupStatus.OFFERED, deadline
        promoted.append(signup)
        free -= 1
    db.session.flush()
    confirmed = [s for s in promoted if s.status == SignupStatus.CONFIRMED]
    for signup in confirmed:
        notices.notify_promoted(signup)
    notices.promoted(confirmed, now)
    for signup in promoted:
        if signup.status == SignupStatus.OFFERED:
            notices.offered(signup)
    return promoted


# ---------------------------------------------------------------------------------------------- reading


def _signup_query() -> sa.Select:
    return sa.select(Signup).options(
        selectinload(Signup.role).selectinload(EventRole.session).selectinload(EventSession.event),
        selectinload(Signup.volunteer).selectinload(VolunteerProfile.community).selectinload(Community.town),
    )


def get_signup(actor: Actor, signup_id: int) -> Signup:
    """The sign-up with its place in the queue, for those who may act on it (`signup_to_act_on`)."""
    signup = signup_to_act_on(actor, signup_id)
    waitlist_positions([signup])
    return signup


def list_for_role(
    actor: Actor,
    role_id: int,
    *,
    status: str | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """A role's roster (organisers): confirmed first, then the waitlist in order."""
    role = load_role(role_id)
    require(actor, "signup.list", role.session.event)
    query = (
        _signup_query()
        .join(Signup.volunteer)
        .where(Signup.role_id == role.id)
        .order_by(
            sa.case(
                (Signup.status == SignupStatus.CONFIRMED, 0),
                (Signup.status == SignupStatus.OFFERED, 1),
                (Signup.status == SignupStatus.WAITLISTED, 2),
                else_=3,
            ),
            Signup.seq,
        )
    )
    if status in set(SignupStatus):
        query = query.where(Signup.status == status)
    q = clean_text(q, 100)
    if q:
        query = query.where(VolunteerProfile.name.icontains(q, autoescape=True))
    result = paginate(query, page, per_page)
    waitlist_positions(result.items)
    return result


def list_for_session(
    actor: Actor, session_id: int, *, q: str | None = None, page: int | None = None, per_page: int | None = None
) -> Page:
    """Everyone confirmed for any role of a session, and its no-shows to correct (the attendance sheet)."""
    session = get_or_404(EventSession, session_id, _("No such session."), selectinload(EventSession.event))
    require(actor, "attendance.manage", session.event)
    query = (
        _signup_query()
        .join(Signup.volunteer)
        .join(Signup.role)
        .where(
            EventRole.session_id == session.id,
            Signup.status.in_([SignupStatus.CONFIRMED.value, SignupStatus.NO_SHOW.value]),
        )
        .order_by(VolunteerProfile.name, Signup.id)
    )
    q = clean_text(q, 100)
    if q:
        query = query.where(VolunteerProfile.name.icontains(q, autoescape=True))
    return paginate(query, page, per_page)


def my_signups(
    actor: Actor,
    *,
    upcoming_from: datetime | None = None,
    include_cancelled: bool = False,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    profile_id = own_profile_id(actor)
    if profile_id is None:
        return Page(items=[], total=0, page=1, per_page=per_page or 20)
    query = (
        _signup_query()
        .join(Signup.role)
        .join(EventRole.session)
        .join(EventSession.event)
        .where(Signup.volunteer_id == profile_id)
        .order_by(EventSession.starts_at, Signup.id)
    )
    if not include_cancelled:
        query = query.where(Signup.status != SignupStatus.CANCELLED)
    if upcoming_from is not None:
        query = query.where(EventSession.ends_at >= upcoming_from)
    q = clean_text(q, 100)
    if q:
        query = query.where(Event.title.icontains(q, autoescape=True))
    result = paginate(query, page, per_page)
    waitlist_positions(result.items)
    return result


def my_signups_by_role(actor: Actor, role_ids: list[int]) -> dict[int, Signup]:
    """The actor's live sign-ups among these roles (for an event page), in one query."""
    profile_id = own_profile_id(actor)
    if profile_id is None or not role_ids:
        return {}
    signups = list(
        db.session.scalars(
            sa.select(Signup).where(
                Signup.volunteer_id == profile_id,
                Signup.role_id.in_(role_ids),
                Signup.status != SignupStatus.CANCELLED,
            )
        )
    )
    waitlist_positions(signups)
    return {s.role_id: s for s in signups}
