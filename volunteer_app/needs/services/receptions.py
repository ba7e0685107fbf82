"""接待日: the receptions of a deputy liaison station on the dates its weekly rule gives (public holidays skipped when
the rule says so), the deputies on duty at each, and the visitors recorded there, each of whose concerns becomes a
need in the same transaction: owned by the receiving deputy at once, or left for town staff to dispatch.

A reception row is made when staff first record something for a date; until then the page shows the rule's date
with the station's deputies on duty. Town staff manage receptions; a deputy reads the receptions they are on duty
at, with visitors' names and phones masked.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Invalid, NotFound
from volunteer_app.core.identity import is_mainland_mobile, mask_phone, normalise_phone
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need, Reception, ReceptionVisitor, reception_deputies
from volunteer_app.needs.services.dispatch import Assignment, assign_need
from volunteer_app.needs.services.raising import NAME_MAX, NeedInput, create_need
from volunteer_app.needs.vocabulary import Assignee, Source
from volunteer_app.organisations.models import Deputy, LiaisonStation
from volunteer_app.organisations.reception import holiday_filter
from volunteer_app.organisations.services import reception_rule

UPCOMING = 4  # reception dates shown ahead for each station
RECENT = 3  # recorded receptions shown with each station


class Owner(enum.StrEnum):
    DEPUTY = "deputy"  # the receiving deputy takes it on at once
    DISPATCH = "dispatch"  # town staff dispatch it like any new need


@dataclass(frozen=True)
class ReceptionDay:
    """One reception as a page shows it: recorded (`reception` set) or only a date of the rule so far."""

    station: LiaisonStation
    day: date
    start: time
    end: time
    reception: Reception | None = None
    on_duty: list[Deputy] = field(default_factory=list)

    @property
    def past(self) -> bool:
        return self.day < today()


@dataclass(frozen=True)
class StationSchedule:
    station: LiaisonStation
    upcoming: list[ReceptionDay]
    skipped: list[date]  # public holidays the rule left out before the last upcoming date
    recent: list[Reception]


# ---------------------------------------------------------------------------------------------- dates


def is_reception_day(station: LiaisonStation, day: date) -> bool:
    """Whether the station's rule holds a reception on `day`: its weekday, and not a public holiday it skips."""
    if day.weekday() != station.reception_weekday:
        return False
    skip = holiday_filter() if station.except_public_holidays else None
    return skip is None or not skip(day)


def reception_dates(station: LiaisonStation, since: date, count: int = UPCOMING) -> tuple[list[date], list[date]]:
    """The next `count` reception dates on or after `since`, and the rule's weekdays among them that a public
    holiday took off."""
    held = [reception.day for reception in reception_rule(station).next_dates(since, count)]
    if not held:
        return [], []
    weekly, skipped = since + timedelta(days=(station.reception_weekday - since.weekday()) % 7), []
    while weekly < held[-1]:
        if weekly not in held:
            skipped.append(weekly)
        weekly += timedelta(days=7)
    return held, skipped


# ---------------------------------------------------------------------------------------------- who sees what


def _on_duty_ids(actor: Actor) -> list[int]:
    return sorted(scope.deputy_ids(actor))


def visible_receptions(actor: Actor) -> sa.Select:
    """Recorded receptions the actor may read: all for town-wide staff, those a deputy is on duty at."""
    query = sa.select(Reception)
    if scope.town_staff(actor):
        return query
    deputies = _on_duty_ids(actor)
    if not deputies:
        return query.where(sa.false())
    on_duty = sa.select(reception_deputies.c.reception_id).where(reception_deputies.c.deputy_id.in_(deputies))
    return query.where(Reception.id.in_(on_duty))


def visible_stations(actor: Actor) -> sa.Select:
    """Liaison stations whose receptions the actor reads: all for town-wide staff, a deputy's own station."""
    query = sa.select(LiaisonStation)
    if scope.town_staff(actor):
        return query
    deputies = _on_duty_ids(actor)
    return query.where(LiaisonStation.id.in_(sa.select(Deputy.station_id).where(Deputy.id.in_(deputies or [0]))))


# ---------------------------------------------------------------------------------------------- reading


def list_schedules(actor: Actor, *, q: str | None = None, page: int | None = None, per_page: int | None = None) -> Page:
    """Each station (searched by name) with its next reception dates, the holidays skipped among them and its
    latest recorded receptions."""
    require(actor, "reception.list")
    query = search(visible_stations(actor), q, LiaisonStation.name).order_by(LiaisonStation.name)
    stations = paginate(query.options(selectinload(LiaisonStation.deputies)), page, per_page)
    start = today()
    schedules = []
    for station in stations.items:
        held, skipped = reception_dates(station, start)
        recorded = {
            r.day: r
            for r in db.session.scalars(
                visible_receptions(actor).where(Reception.station_id == station.id, Reception.day.in_(held))
            )
        }
        upcoming = [_day(station, day, recorded.get(day)) for day in held]
        if not scope.town_staff(actor):
            upcoming = [day for day in upcoming if _sees(actor, day)]
        recent = list(
            db.session.scalars(
                visible_receptions(actor)
                .where(Reception.station_id == station.id, Reception.day < start)
                .order_by(Reception.day.desc())
                .limit(RECENT)
            )
        )
        schedules.append(StationSchedule(station, upcoming, skipped, recent))
    return stations.with_items(schedules)


def list_receptions(
    actor: Actor,
    *,
    station_id: int | None = None,
    from_: date | None = None,
    to: date | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """Recorded receptions the actor may read, latest first; `q` searches the station's name."""
    require(actor, "reception.list")
    query = visible_receptions(actor).join(Reception.station)
    if station_id is not None:
        query = query.where(Reception.station_id == station_id)
    if from_ is not None:
        query = query.where(Reception.day >= from_)
    if to is not None:
        query = query.where(Reception.day <= to)
    query = search(query, q, LiaisonStation.name)
    query = query.options(
        selectinload(Reception.station), selectinload(Reception.deputies), selectinload(Reception.visitors)
    )
    return paginate(query.order_by(Reception.day.desc(), LiaisonStation.name), page, per_page)


def reception_day(actor: Actor, station_id: object, day: date) -> ReceptionDay:
    """The reception of the station on `day`: the recorded one, or the rule's date with the station's deputies on
    duty. A date the rule does not give, or a reception the actor may not read, is not found."""
    require(actor, "reception.list")  # refused before the station is looked up: receptions are not theirs at all
    station = get_or_404(LiaisonStation, station_id, _("No such liaison station."))
    reception = db.session.scalar(
        sa.select(Reception)
        .where(Reception.station_id == station.id, Reception.day == day)
        .options(selectinload(Reception.deputies), selectinload(Reception.visitors))
    )
    if reception is None and not is_reception_day(station, day):
        raise NotFound(_("The station holds no reception on this date."))
    found = _day(station, day, reception)
    if not _sees(actor, found):
        raise NotFound(_("The station holds no reception on this date."))
    return found


def get_reception(actor: Actor, reception_id: object) -> Reception:
    reception = (
        db.session.scalar(visible_receptions(actor).where(Reception.id == reception_id))
        if valid_id(reception_id)
        else None
    )
    if reception is None:
        raise NotFound(_("No such reception."))
    return reception


def _day(station: LiaisonStation, day: date, reception: Reception | None) -> ReceptionDay:
    if reception is not None:
        return ReceptionDay(station, day, reception.starts_at, reception.ends_at, reception, list(reception.deputies))
    return ReceptionDay(station, day, station.reception_start, station.reception_end, None, list(station.deputies))


def _sees(actor: Actor, day: ReceptionDay) -> bool:
    return can(actor, "reception.view", day)


def on_duty_ids(day: ReceptionDay) -> set[int]:
    return {deputy.id for deputy in day.on_duty}


# ---------------------------------------------------------------------------------------------- visitors as read


def mask_name(name: str | None) -> str:
    """The family name and a star for each other character: 王** (a deputy's list, shown on a phone in public)."""
    name = name or ""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@dataclass(frozen=True)
class VisitorLine:
    visitor: ReceptionVisitor
    name: str
    phone: str
    need: Need | None  # the need it became, when the reader reaches it


def visitor_lines(actor: Actor, reception: Reception | None) -> list[VisitorLine]:
    """The visitors of a reception as `actor` may read them: full names and phones for town staff, masked for
    others, and the need each became where the actor's scope reaches it."""
    if reception is None:
        return []
    full = scope.town_staff(actor)
    needs = {
        need.reception_visitor_id: need
        for need in db.session.scalars(
            scope.needs(actor).where(Need.reception_visitor_id.in_([v.id for v in reception.visitors]))
        )
    }
    return [
        VisitorLine(
            visitor,
            visitor.name if full else mask_name(visitor.name),
            (visitor.phone or "") if full else mask_phone(visitor.phone),
            needs.get(visitor.id),
        )
        for visitor in reception.visitors
    ]


# ---------------------------------------------------------------------------------------------- writing


def open_reception(actor: Actor, station_id: object, day: object) -> Reception:
    """The station's reception on `day`, recorded now if it was not yet: only on a date its rule gives (a
    reception already recorded stays, even if the rule changed since). The deputies on duty start as the
    station's deputies."""
    require(actor, "reception.manage")
    station = get_or_404(LiaisonStation, station_id, _("No such liaison station."))
    if not isinstance(day, date):
        raise Invalid({"day": [_("Give a date.")]})
    existing = _recorded(station.id, day)
    if existing is not None:
        return existing
    if not is_reception_day(station, day):
        raise Invalid({"day": [_("%(station)s holds no reception on this date.", station=station.name)]})
    reception = Reception(
        station_id=station.id,
        day=day,
        starts_at=station.reception_start,
        ends_at=station.reception_end,
        deputies=list(station.deputies),
    )
    try:
        with db.session.begin_nested():
            db.session.add(reception)
    except IntegrityError:  # recorded by someone else a moment ago
        return _recorded(station.id, day)
    db.session.commit()
    return reception


def _recorded(station_id: int, day: date) -> Reception | None:
    return db.session.scalar(sa.select(Reception).where(Reception.station_id == station_id, Reception.day == day))


def set_on_duty(actor: Actor, reception_id: object, deputy_ids: list[object]) -> Reception:
    """The deputies on duty at the reception: at least one, from the station's deputies."""
    require(actor, "reception.manage")
    reception = get_reception(actor, reception_id)
    station_deputies = {deputy.id: deputy for deputy in reception.station.deputies}
    chosen = {int(d) for d in deputy_ids if valid_id(d)}
    if not chosen:
        raise Invalid({"deputy_ids": [_("Choose at least one deputy on duty.")]})
    if not chosen <= set(station_deputies) or len(chosen) != len(deputy_ids):
        raise Invalid({"deputy_ids": [_("Choose deputies of this station.")]})
    reception.deputies = [station_deputies[d] for d in sorted(chosen)]
    db.session.commit()
    return reception


@dataclass(frozen=True)
class VisitorInput:
    name: str
    raised: str
    category: str
    owner: str
    phone: str | None = None
    deputy_id: object = None  # the receiving deputy, one of those on duty
    community_id: object = None  # None: the station's community
    place: str = ""


def record_visitor(actor: Actor, reception_id: object, data: VisitorInput) -> tuple[ReceptionVisitor, Need]:
    """A visitor and what they raised, in one transaction: the visitor's row and a need from the reception with
    the visitor as its contact, owned by the receiving deputy at once (with the category's deadline) or left new
    for town staff to dispatch. Every problem with the fields is named at once, and nothing is stored then."""
    require(actor, "reception.manage")
    reception = get_reception(actor, reception_id)
    errors: Errors = {}
    name = clean_text(data.name)
    if not name:
        errors["name"] = [_("Give the visitor's name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Keep it under %(n)d characters.", n=NAME_MAX)]
    phone = normalise_phone(data.phone) or None
    if phone is not None and not is_mainland_mobile(phone):
        errors["phone"] = [_("Give an 11-digit mainland mobile number.")]
    if data.owner not in set(Owner):
        errors["owner"] = [_("Say whether the deputy takes it or it goes to dispatch.")]
    on_duty = {deputy.id for deputy in reception.deputies}
    deputy_id = int(data.deputy_id) if valid_id(data.deputy_id) else None
    if data.deputy_id not in (None, "") and deputy_id not in on_duty:
        errors["deputy_id"] = [_("Choose one of the deputies on duty.")]
    elif deputy_id is None and data.owner == Owner.DEPUTY:
        errors["deputy_id"] = [_("Choose the deputy who takes it.")]
    community_id = data.community_id if data.community_id not in (None, "") else reception.station.community_id
    need_input = NeedInput(
        category=data.category,
        community_id=community_id,
        description=data.raised,
        place=data.place,
        contact_name=name or None,
        contact_phone=phone,
        may_contact=phone is not None,
    )
    try:
        need = create_need(actor, need_input, source=Source.RECEPTION, errors=errors)
    except Invalid as error:
        raise _as_visitor_fields(error) from None
    try:
        visitor = _add_visitor(actor, reception, need, name, phone, deputy_id)
        if data.owner == Owner.DEPUTY:
            assign_need(actor, need, Assignment(Assignee.DEPUTY, deputy_id))
        audit.record(actor, "create", "reception_visitor", visitor.id, detail={"need_id": need.id})
        db.session.commit()
    except Exception:  # neither the visitor nor the need stays
        db.session.rollback()
        raise
    return visitor, need


def _add_visitor(
    actor: Actor, reception: Reception, need: Need, name: str, phone: str | None, deputy_id: int | None
) -> ReceptionVisitor:
    visitor = ReceptionVisitor(
        reception=reception,
        name=name,
        phone=phone,
        raised=need.description,
        deputy_id=deputy_id,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(visitor)
    db.session.flush()
    need.reception_visitor_id = visitor.id
    return visitor


# The need's fields as the visitor form names them.
NEED_TO_VISITOR_FIELDS = {"description": "raised", "contact_name": "name", "contact_phone": "phone"}


def _as_visitor_fields(error: Invalid) -> Invalid:
    """The need's problems named as the visitor form names its fields, each message once."""
    renamed: Errors = {}
    for key, messages in error.errors.items():
        target = renamed.setdefault(NEED_TO_VISITOR_FIELDS.get(key, key), [])
        target.extend(m for m in messages if m not in target)
    return Invalid(renamed)
