"""The foundation every door of the needs workflow stands on: tracking numbers, the allowed changes of status and
their history, deadlines in working days, rating, and the one scope of needs."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from volunteer_app.core.errors import Conflict, Invalid, NotFound
from volunteer_app.core.numbers import ALPHABET as TRACKING_ALPHABET
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.needs import scope, services
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.vocabulary import Assignee, Source, Status


def test_a_need_gets_a_short_unguessable_tracking_number_and_a_first_history_line(raise_need):
    first, second = raise_need(), raise_need()
    for need in (first, second):
        prefix, a, b = need.tracking_number.split("-")
        assert prefix == "XQ" and len(a) == len(b) == 4
        assert set(a + b) <= set(TRACKING_ALPHABET)
    assert first.tracking_number != second.tracking_number
    assert [(u.kind, u.to_status) for u in first.updates] == [("status", "new")]


def test_a_tracking_number_is_found_however_it_was_typed(raise_need):
    need = raise_need()
    typed = need.tracking_number.lower().replace("-", " ").replace("0", "o")
    assert services.by_tracking_number(typed).id == need.id
    with pytest.raises(NotFound):
        services.by_tracking_number("XQ-0000-0000")


def test_every_field_problem_is_named_at_once(town_place):
    data = services.NeedInput(
        category="weather", community_id=999, description="hi", contact_phone="12", may_contact=True
    )
    with pytest.raises(Invalid) as caught:
        services.create_need(None, data, source=Source.PUBLIC)
    assert set(caught.value.errors) == {"category", "community_id", "description", "contact_phone"}
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


def test_only_allowed_changes_of_status_and_each_is_recorded(raise_need, cast):
    need = raise_need()
    with pytest.raises(Conflict):
        services.change_status(cast["admin"], need, Status.CLOSED)
    services.change_status(cast["admin"], need, Status.ASSIGNED, reason="派给草场队")
    db.session.commit()
    last = db.session.scalars(sa.select(NeedUpdate).order_by(NeedUpdate.id.desc())).first()
    assert (last.from_status, last.to_status, last.actor_id, last.text) == (
        "new",
        "assigned",
        cast["admin"].id,
        "派给草场队",
    )


def test_deadlines_count_working_days_on_the_holiday_calendar(app):
    # 2026-09-30 is a Wednesday; 1-7 October are the National Day holiday.
    assert services.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # A plain week: Friday + 1 working day is the Monday.
    assert services.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_assigning_sets_the_category_deadline_and_names_exactly_one_assignee(raise_need, cast, town_place, app):
    need = raise_need(category="public_safety")
    services.assign(cast["league"], need.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))
    assert need.status == Status.ASSIGNED and need.team_id == town_place["paired_team"].id
    assert need.deadline is not None and need.assignee_name == "草场青年志愿服务队"
    with pytest.raises(Invalid) as caught:
        services.assign(cast["league"], need.id, services.Assignment(Assignee.DEPARTMENT, department=" "))
    assert "department" in caught.value.errors
    assert need.team_id == town_place["paired_team"].id  # left as it was


def test_a_low_rating_reopens_the_need_for_review_and_a_round_is_rated_once(raise_need, cast):
    need = raise_need()
    with pytest.raises(Conflict):
        services.rate_by_tracking_number(need.tracking_number, stars=5)
    for status in (Status.ASSIGNED, Status.ACCEPTED, Status.CLOSED):
        services.change_status(SYSTEM, need, status)
    need.times_closed += 1
    db.session.commit()
    with pytest.raises(Invalid):
        services.rate_by_tracking_number(need.tracking_number, stars=6)
    services.rate_by_tracking_number(need.tracking_number, stars=2, comment="没人来")
    assert need.status == Status.REOPENED
    assert need.updates[-1].public and need.updates[-1].to_status == "reopened"
    with pytest.raises(Conflict):
        services.rate_by_tracking_number(need.tracking_number, stars=5)


def test_the_scope_reaches_each_person_only_their_needs(raise_need, cast, town_place):
    in_caochang = raise_need()
    in_beisha = raise_need(community_id=town_place["北沙"].id)
    assigned = raise_need(community_id=town_place["金溪"].id)
    services.assign(cast["league"], assigned.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))

    def reached(user):
        return {n.id for n in db.session.scalars(scope.needs(user))}

    assert reached(cast["league"]) == {in_caochang.id, in_beisha.id, assigned.id}
    assert reached(cast["leader"]) == {assigned.id}
    assert reached(cast["other_leader"]) == set()
    assert reached(cast["group_member"]) == {in_caochang.id}  # the group's community
    assert reached(cast["volunteer"]) == set()
    with pytest.raises(NotFound):
        services.find_need(cast["other_leader"], assigned.id)
