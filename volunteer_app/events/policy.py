"""Who may organise events, sign people up, take attendance and see hours."""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.accounts import staff_scope
from volunteer_app.core.policy import Actor, rule
from volunteer_app.events.models import Audience, Event, EventStatus
from volunteer_app.organisations.team_scope import leads, leads_member, seen_team_ids, staffs_team


def is_town_staff(actor: Actor) -> bool:
    """An administrator or town-wide League staff: they organise and oversee every event of the town."""
    return staff_scope.town_wide(actor)


def organises(actor: Actor, event) -> bool:
    """Town staff organise every event; community staff the events in their community (accounts/staff_scope.py);
    a team leader the events of the team they lead."""
    return staff_scope.reaches_community(actor, getattr(event, "community_id", None)) or leads(
        actor, getattr(event, "team_id", None)
    )


def _staff_of(actor: Actor, volunteer) -> bool:
    """Town staff, or staff of the volunteer's home community."""
    return staff_scope.reaches_community(actor, getattr(volunteer, "community_id", None))


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
    """`team_id` is the organising team: town staff may name any (or none), community staff none or a team paired
    with their community (the event's community is checked as the event is written), a leader only their own."""
    if staff_scope.is_staff(actor) and (team_id is None or staffs_team(actor, team_id)):
        return True
    return leads(actor, team_id)


@rule("event.manage")
@rule("attendance.manage")
@rule("enrolment.manage")
@rule("signup.list")
def _organiser(actor, event) -> bool:
    return organises(actor, event)


@rule("signup.create")
def _sign_up(actor, volunteer) -> bool:
    """Oneself; a team leader a current member of their team; town staff anyone; community staff their
    community's volunteers."""
    if _staff_of(actor, volunteer) or getattr(volunteer, "user_id", None) == actor.id:
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
    if _staff_of(actor, volunteer) or getattr(volunteer, "user_id", None) == actor.id:
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
        return staffs_team(actor, obj) or leads(actor, obj)
    return staff_scope.reaches_community(actor, obj)
