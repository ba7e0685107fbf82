"""People's Congress deputy liaison stations (人大代表联络站), their deputies and reception dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.lookup import find, get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    Deputy,
    DeputyLevel,
    LiaisonStation,
)
from volunteer_app.organisations.reception import Reception, ReceptionRule
from volunteer_app.organisations.services.common import (
    commit_or_conflict,
    narrowed,
    required_name,
)


def reception_rule(station: LiaisonStation) -> ReceptionRule:
    return ReceptionRule(
        station.reception_weekday, station.reception_start, station.reception_end, station.except_public_holidays
    )


def next_receptions(station: LiaisonStation, *, since: date | None = None, count: int = 6) -> list[Reception]:
    return reception_rule(station).next_dates(since or today(), count)


def list_liaison_stations(
    actor: Actor,
    *,
    community_id: int | None = None,
    town_id: int | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    require(actor, "organisation.view")
    query = (
        sa.select(LiaisonStation)
        .outerjoin(LiaisonStation.community)
        .options(
            selectinload(LiaisonStation.community).selectinload(Community.town),
            selectinload(LiaisonStation.deputies),
        )
        .order_by(LiaisonStation.name)
    )
    query = narrowed(
        query,
        (community_id, LiaisonStation.community_id == community_id),
        (town_id, Community.town_id == town_id),
    )
    if clean_text(q):
        deputies = sa.select(Deputy.station_id).where(Deputy.name.icontains(clean_text(q, 100), autoescape=True))
        query = query.where(
            sa.or_(LiaisonStation.name.icontains(clean_text(q, 100), autoescape=True), LiaisonStation.id.in_(deputies))
        )
    return paginate(query, page, per_page)


def get_liaison_station(actor: Actor, station_id: int) -> LiaisonStation:
    require(actor, "organisation.view")
    return get_or_404(
        LiaisonStation,
        station_id,
        _("No such liaison station."),
        selectinload(LiaisonStation.community).selectinload(Community.town),
        selectinload(LiaisonStation.deputies),
    )


@dataclass(frozen=True)
class DeputySpec:
    name: str
    level: str = DeputyLevel.DISTRICT
    title: str = ""


def _validate_liaison(
    errors: Errors, data: dict[str, Any], current: LiaisonStation | None = None
) -> list[DeputySpec] | None:
    if "name" in data or current is None:
        data["name"] = required_name(errors, data.get("name"), limit=120)
        clash = sa.select(LiaisonStation.id).where(LiaisonStation.name == data["name"])
        if current is not None:
            clash = clash.where(LiaisonStation.id != current.id)
        if data["name"] and db.session.scalar(clash):
            errors["name"] = [_("A liaison station with this name is already registered.")]
    if data.get("community_id") is not None and find(Community, data["community_id"]) is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    weekday = data.get("reception_weekday", current.reception_weekday if current else None)
    if weekday is None or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        errors["reception_weekday"] = [_("Choose the day of the week.")]
    start = data.get("reception_start", current.reception_start if current else None)
    end = data.get("reception_end", current.reception_end if current else None)
    if not isinstance(start, time):
        errors["reception_start"] = [_("Give the time reception starts.")]
    if not isinstance(end, time):
        errors["reception_end"] = [_("Give the time reception ends.")]
    elif isinstance(start, time) and end <= start:
        errors["reception_end"] = [_("Reception must end after it starts.")]
    if "deputies" not in data or data["deputies"] is None:
        return None
    deputies: list[DeputySpec] = []
    seen: set[str] = set()
    for raw in data["deputies"]:
        if isinstance(raw, DeputySpec):
            spec = raw
        else:
            spec = DeputySpec(
                str(raw.get("name") or ""), str(raw.get("level") or DeputyLevel.DISTRICT), str(raw.get("title") or "")
            )
        name = clean_text(spec.name, 80)
        level = spec.level or DeputyLevel.DISTRICT
        if not name:
            errors.setdefault("deputies", []).append(_("Every deputy needs a name."))
        elif name in seen:
            errors.setdefault("deputies", []).append(_("%(name)s is listed twice.", name=name))
        elif level not in set(DeputyLevel):
            errors.setdefault("deputies", []).append(_("Unknown deputy level: %(level)s", level=level))
        seen.add(name)
        deputies.append(DeputySpec(name, str(level), clean_text(spec.title, 200)))
    return deputies


def _set_deputies(station: LiaisonStation, deputies: list[DeputySpec]) -> None:
    by_name = {d.name: d for d in station.deputies}
    keep = []
    for spec in deputies:
        deputy = by_name.get(spec.name) or Deputy(name=spec.name)
        deputy.level = spec.level
        deputy.title = spec.title
        keep.append(deputy)
    station.deputies = keep


def create_liaison_station(
    actor: Actor,
    *,
    name: str,
    reception_weekday: int,
    reception_start: time,
    reception_end: time,
    except_public_holidays: bool = True,
    community_id: int | None = None,
    address: str = "",
    deputies: list[DeputySpec | dict] | None = None,
) -> LiaisonStation:
    require(actor, "organisation.manage")
    data = {
        "name": name,
        "community_id": community_id,
        "reception_weekday": reception_weekday,
        "reception_start": reception_start,
        "reception_end": reception_end,
        "deputies": deputies or [],
    }
    errors: Errors = {}
    specs = _validate_liaison(errors, data)
    raise_if(errors)
    station = LiaisonStation(
        name=data["name"],
        community_id=community_id,
        address=clean_text(address, 200),
        reception_weekday=reception_weekday,
        reception_start=reception_start,
        reception_end=reception_end,
        except_public_holidays=bool(except_public_holidays),
    )
    _set_deputies(station, specs or [])
    db.session.add(station)
    db.session.flush()
    audit.record(actor, "create", "liaison_station", station.id, detail={"name": station.name})
    commit_or_conflict({"name": [_("A liaison station with this name is already registered.")]})
    return station


def update_liaison_station(actor: Actor, station_id: int, **changes: Any) -> LiaisonStation:
    require(actor, "organisation.manage")
    station = get_or_404(
        LiaisonStation, station_id, _("No such liaison station."), selectinload(LiaisonStation.deputies)
    )
    errors: Errors = {}
    specs = _validate_liaison(errors, changes, station)
    raise_if(errors)
    for key in ("name", "community_id", "reception_weekday", "reception_start", "reception_end"):
        if key in changes:
            setattr(station, key, changes[key])
    if "address" in changes:
        station.address = clean_text(changes["address"], 200)
    if "except_public_holidays" in changes:
        station.except_public_holidays = bool(changes["except_public_holidays"])
    if specs is not None:
        _set_deputies(station, specs)
    audit.record(actor, "update", "liaison_station", station.id, detail={"fields": sorted(changes)})
    commit_or_conflict({"name": [_("A liaison station with this name is already registered.")]})
    return station
