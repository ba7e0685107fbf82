"""Who may do what with needs, receptions and meetings. Which needs a user reaches at all is scope.py's.

Staff act on a need as far as they reach it (scope.staff_for: town-wide staff every need, League staff of a
community their community's); the town's board, its meetings and receptions are for town-wide staff only."""

from __future__ import annotations

from volunteer_app.accounts import staff_scope
from volunteer_app.core.policy import rule
from volunteer_app.needs import scope
from volunteer_app.needs.vocabulary import Source


@rule("need.raise", visitors=True)
@rule("meeting.question.submit", visitors=True)
@rule("meeting.view_public", visitors=True)
def _anyone(actor, obj) -> bool:
    return True


@rule("need.raise_for")
def _staff_or_intake(actor, source) -> bool:
    """Raising on someone's behalf: staff from any source (community staff for their communities: see
    services/intake.py); a social worker from a household visit; a youth group member from their group; a deputy
    from a reception."""
    if scope.any_staff(actor):
        return True
    return {
        Source.VISIT: bool(scope.point_ids(actor)),
        Source.YOUTH_GROUP: bool(scope.youth_groups(actor)),
        Source.RECEPTION: bool(scope.deputy_ids(actor)),
    }.get(source, False)


@rule("need.list")
def _signed_in(actor, obj) -> bool:
    return True


@rule("need.dispatch")  # assign, merge, reopen, record a phone rating
def _staff_of_the_need(actor, need) -> bool:
    """No need: whether the actor dispatches any (the list's assignee filter)."""
    return scope.any_staff(actor) if need is None else scope.staff_for(actor, need)


@rule("reception.manage")
@rule("meeting.manage")
@rule("board.town")
def _town_staff(actor, obj) -> bool:
    return scope.town_staff(actor)


@rule("need.handle")  # accept, decline, reply, turn into an event, close
def _staff_or_assignee(actor, need) -> bool:
    return scope.staff_for(actor, need) or scope.is_assignee(actor, need)


@rule("board.community")
def _staff_or_youth_group_of(actor, community) -> bool:
    community_id = getattr(community, "id", None)
    return staff_scope.reaches_community(actor, community_id) or any(
        c == community_id for _g, c in scope.youth_groups(actor)
    )


@rule("reception.list")
def _town_staff_or_deputy(actor, obj) -> bool:
    return scope.town_staff(actor) or bool(scope.deputy_ids(actor))


@rule("reception.view")  # read-only for a deputy: a reception they are on duty at (a ReceptionDay)
def _town_staff_or_on_duty(actor, day) -> bool:
    on_duty = {deputy.id for deputy in getattr(day, "on_duty", ())}
    return scope.town_staff(actor) or bool(on_duty & scope.deputy_ids(actor))
