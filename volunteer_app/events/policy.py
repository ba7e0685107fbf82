"""Who may organise events, sign people up, take attendance and see hours."""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.core.policy import Actor, rule
from volunteer_app.events.models import Audience, Event, EventStatus
from volunteer_app.organisations.team_scope import leads, leads_member, seen_team_ids


def is_town_staff(actor: Actor) -> bool:
    """An administrator or League staff: they organise and oversee every event of the town."""
    return actor.has_role(*TOWN_STAFF)


def organises(actor: Actor, event) -> bool:
    """Town staff organise every event; a team leader the events of the team they lead."""
    return is_town_staff(actor) or leads(actor, getattr(event, "team_id", None))


def open_to_visitors(event) -> bool:
    """What anyone may see before registering: published events for everyone. Team-only events, drafts and events
    that are over or called off stay for those who log in."""
    return event.status == EventStatus.PUBLISHED and event.audience == Audience.PUBLIC


def visitors_see() -> sa.ColumnElement[bool]:
    """`open_to_visitors` as a condition on Event, for lists."""
    return sa.and_(Event.status == EventStatus.PUBLISHED, Event.audience == Audience.PUBLIC)


@rule("event.view", visitors=True)
def _view(actor, event) -> bool:
    """No event: may the actor look for events at all (lists then keep what `visible_events` lets through)."""
    if getattr(actor, "is_anonymous", False):
        return event is None or open_to_visitors(event)
    if event is None or organises(actor, event):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    if event.audience == Audience.PUBLIC:
        return True
    # The rule of `reading.visible_events`: a team-only event is for the members and leaders of its teams.
    seen = seen_team_ids(actor)
    return any(team.id in seen for team in event.audience_teams)


@rule("event.create")
def _create(actor, team_id) -> bool:
    """`team_id` is the organising team: staff may name any (or none), a leader only their own."""
    return is_town_staff(actor) or leads(actor, team_id)


@rule("event.manage")
@rule("attendance.manage")
@rule("enrolment.manage")
@rule("signup.list")
def _organiser(actor, event) -> bool:
    return organises(actor, event)


@rule("signup.create")
def _sign_up(actor, volunteer) -> bool:
    """Oneself; a team leader a current member of their team; town staff anyone."""
    if is_town_staff(actor) or getattr(volunteer, "user_id", None) == actor.id:
        return True
    return leads_member(actor, volunteer)


@rule("signup.cancel")
def _cancel(actor, signup) -> bool:
    if getattr(signup.volunteer, "user_id", None) == actor.id:
        return True
    return organises(actor, signup.role.session.event) or _sign_up(actor, signup.volunteer)


@rule("reservation.manage")
def _reservation(actor, team_id) -> bool:
    """Reserving places of a role for a team, filling them with names and releasing them: the team's leaders, or
    town staff for any team."""
    return is_town_staff(actor) or leads(actor, team_id)


@rule("hours.view")
def _hours(actor, volunteer) -> bool:
    if is_town_staff(actor) or getattr(volunteer, "user_id", None) == actor.id:
        return True
    return leads_member(actor, volunteer)


@rule("hours.correction.decide")
def _second_approver(actor, event) -> bool:
    """A large hours correction is approved by town staff (the service refuses the one who asked for it)."""
    return is_town_staff(actor)


@rule("holiday.manage")
def _holidays(actor, obj) -> bool:
    return is_town_staff(actor)


@rule("feed.manage")
def _feed(actor, target) -> bool:
    """`target` is ("volunteer", profile), ("team", team_id) or ("community", community_id)."""
    kind, obj = target
    if kind == "volunteer":
        return getattr(obj, "user_id", None) == actor.id
    if kind == "team":
        return is_town_staff(actor) or leads(actor, obj)
    return is_town_staff(actor)
