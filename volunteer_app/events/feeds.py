"""iCal feeds that phone calendars subscribe to: a volunteer's own sign-ups, a team's events, a community's events.

A feed URL carries a signed token naming a `FeedKey` (kind, target, nonce); nothing secret is stored that would
open a feed by itself. Revoking gives the key a new nonce, so every URL handed out before stops working.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import utcnow
from volunteer_app.events.models import (
    Audience,
    Event,
    EventRole,
    EventSession,
    EventStatus,
    FeedKey,
    Signup,
    SignupStatus,
)
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Team
from volunteer_app.organisations.services import own_profile

KINDS = ("volunteer", "team", "community")
PAST_DAYS = 90
MAX_ITEMS = 500


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="events.feed")


def _target(actor: Actor, kind: str, target_id: int | None) -> tuple[str, int]:
    if kind == "volunteer":
        profile = own_profile(actor)
        if profile is None:
            raise NotFound(_("You are not registered as a volunteer."))
        require(actor, "feed.manage", ("volunteer", profile))
        return kind, profile.id
    if kind == "team":
        get_or_404(Team, target_id, _("No such team."))
    elif kind == "community":
        get_or_404(Community, target_id, _("No such community."))
    else:
        raise NotFound(_("No such calendar."))
    require(actor, "feed.manage", (kind, target_id))
    return kind, target_id


def _key(kind: str, target_id: int, *, renew: bool = False) -> FeedKey:
    key = db.session.scalar(sa.select(FeedKey).where(FeedKey.kind == kind, FeedKey.target_id == target_id))
    if key is None:
        key = FeedKey(kind=kind, target_id=target_id, nonce=secrets.token_urlsafe(16))
        db.session.add(key)
    elif renew:
        key.nonce = secrets.token_urlsafe(16)
    return key


def feed_token(actor: Actor, kind: str, target_id: int | None = None) -> str:
    """The secret token of a feed the actor may hand out (made on first use)."""
    kind, target_id = _target(actor, kind, target_id)
    key = _key(kind, target_id)
    db.session.commit()
    return _serializer().dumps([kind, target_id, key.nonce])


def revoke(actor: Actor, kind: str, target_id: int | None = None) -> str:
    """Stops every URL of this feed handed out so far and returns the new token."""
    kind, target_id = _target(actor, kind, target_id)
    key = _key(kind, target_id, renew=True)
    db.session.flush()
    audit.record(actor, "update", "feed_key", key.id, detail={"kind": kind, "target_id": target_id, "revoked": True})
    db.session.commit()
    return _serializer().dumps([kind, target_id, key.nonce])


def resolve(token: str) -> tuple[str, int]:
    try:
        kind, target_id, nonce = _serializer().loads(token or "")
    except (BadSignature, ValueError, TypeError):
        raise NotFound(_("No such calendar.")) from None
    if kind not in KINDS or not valid_id(target_id):
        raise NotFound(_("No such calendar."))
    key = db.session.scalar(sa.select(FeedKey).where(FeedKey.kind == kind, FeedKey.target_id == target_id))
    if key is None or not secrets.compare_digest(key.nonce, str(nonce)):
        raise NotFound(_("No such calendar."))
    return kind, target_id


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Shanzhi//events//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", current_app.config.get("TIMEZONE", "Asia/Shanghai"))
    return cal


def _vevent(session: EventSession, extra: str = "") -> IcsEvent:
    event = session.event
    item = IcsEvent()
    item.add("uid", f"session-{session.id}@shanzhi")
    item.add("dtstamp", utcnow())
    item.add("dtstart", session.starts_at)
    item.add("dtend", session.ends_at)
    summary = event.title + (f" · {session.title}" if session.title else "")
    item.add("summary", summary + (f" ({extra})" if extra else ""))
    place = event.place or (event.community.full_name if event.community else "")
    if place:
        item.add("location", place)
    if event.description:
        item.add("description", event.description[:2000])
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    return item


def _session_query(since: datetime) -> sa.Select:
    return (
        sa.select(EventSession)
        .join(EventSession.event)
        .where(EventSession.ends_at >= since)
        .options(selectinload(EventSession.event).selectinload(Event.community).selectinload(Community.town))
        .order_by(EventSession.starts_at)
        .limit(MAX_ITEMS)
    )


def ics(token: str, *, now: datetime | None = None) -> bytes:
    """The feed a token names: sessions from 90 days back onwards."""
    kind, target_id = resolve(token)
    since = (now or utcnow()) - timedelta(days=PAST_DAYS)
    if kind == "volunteer":
        rows = db.session.execute(
            sa.select(Signup.status, EventRole.name, EventRole.session_id)
            .join(EventRole, EventRole.id == Signup.role_id)
            .where(Signup.volunteer_id == target_id, Signup.status != SignupStatus.CANCELLED)
        ).all()
        by_session = {row.session_id: row for row in rows}
        sessions = db.session.scalars(_session_query(since).where(EventSession.id.in_(list(by_session)))).all()
        cal = _calendar(_("My volunteer sign-ups"))
        for session in sessions:
            row = by_session[session.id]
            label = row.name if row.status == SignupStatus.CONFIRMED else f"{row.name}, {_('waitlisted')}"
            cal.add_component(_vevent(session, label))
        return cal.to_ical()
    public = Event.status.in_((EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.CANCELLED))
    if kind == "team":
        team = db.session.get(Team, target_id)
        query = _session_query(since).where(Event.team_id == target_id, public)
        cal = _calendar(team.name if team else _("Team events"))
    else:
        community = db.session.get(Community, target_id)
        query = _session_query(since).where(Event.community_id == target_id, public, Event.audience == Audience.PUBLIC)
        cal = _calendar(community.name if community else _("Community events"))
    for session in db.session.scalars(query):
        cal.add_component(_vevent(session))
    return cal.to_ical()
