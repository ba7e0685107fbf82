"""The deputies' receptions: dates from the station's rule (public holidays skipped), recording a reception only on
such a date, the deputies on duty, and a visitor becoming a need in one transaction, owned by the deputy at once or
left for dispatch."""

from __future__ import annotations

from datetime import date, time
from unittest.mock import patch

import pytest
import sqlalchemy as sa

from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.needs import scope, services
from volunteer_app.needs.models import Need, Reception, ReceptionVisitor
from volunteer_app.needs.vocabulary import Assignee, Source, Status
from volunteer_app.organisations import services as org

# 2026-10-06 is a Tuesday inside the National Day holiday (1-7 October); the station receives on Tuesdays.
HOLIDAY_TUESDAY = date(2026, 10, 6)
TUESDAY = date(2026, 10, 13)


def _visitor(**changes) -> services.VisitorInput:
    data = {
        "name": "黄伯",
        "phone": "13712345678",
        "raised": "村口路灯坏了两个月，晚上很黑",
        "category": "infrastructure",
        "owner": "deputy",
    }
    data.update(changes)
    return services.VisitorInput(**data)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_reception_dates_follow_the_rule_and_skip_public_holidays(town_place):
    held, skipped = services.reception_dates(town_place["liaison"], date(2026, 9, 29), 4)
    assert held == [date(2026, 9, 29), TUESDAY, date(2026, 10, 20), date(2026, 10, 27)]
    assert skipped == [HOLIDAY_TUESDAY]


def test_a_station_that_receives_on_holidays_skips_none(town_place):
    station = org.create_liaison_station(
        SYSTEM,
        name="北沙人大代表联络站",
        community_id=town_place["北沙"].id,
        reception_weekday=1,
        reception_start=time(9, 0),
        reception_end=time(11, 0),
        except_public_holidays=False,
        deputies=[{"name": "赵代表", "level": "town"}],
    )
    held, skipped = services.reception_dates(station, date(2026, 9, 29), 2)
    assert held == [date(2026, 9, 29), HOLIDAY_TUESDAY] and skipped == []


def test_a_reception_is_recorded_only_on_a_date_of_the_rule(town_place, cast):
    station = town_place["liaison"]
    for day in (HOLIDAY_TUESDAY, date(2026, 10, 14)):  # a holiday; a Wednesday
        with pytest.raises(Invalid) as caught:
            services.open_reception(cast["league"], station.id, day)
        assert "day" in caught.value.errors
    reception = services.open_reception(cast["league"], station.id, TUESDAY)
    assert (reception.day, reception.starts_at, reception.ends_at) == (TUESDAY, time(14, 30), time(17, 30))
    assert {d.id for d in reception.deputies} == {town_place["deputy"].id, town_place["other_deputy"].id}
    assert services.open_reception(cast["league"], station.id, TUESDAY).id == reception.id
    assert _count(Reception) == 1


def test_a_reception_held_stays_even_after_the_rule_moved(town_place, cast):
    station = town_place["liaison"]
    reception = services.open_reception(cast["league"], station.id, TUESDAY)
    station.reception_weekday = 3
    db.session.commit()
    assert services.open_reception(cast["league"], station.id, TUESDAY).id == reception.id
    assert services.reception_day(cast["league"], station.id, TUESDAY).reception.id == reception.id
    with pytest.raises(NotFound):
        services.reception_day(cast["league"], station.id, date(2026, 10, 20))


def test_only_staff_open_receptions(town_place, cast):
    for who in ("deputy", "volunteer", "leader"):
        with pytest.raises(Forbidden):
            services.open_reception(cast[who], town_place["liaison"].id, TUESDAY)


def test_staff_choose_the_deputies_on_duty_from_the_station(town_place, cast, make_user):
    station = town_place["liaison"]
    reception = services.open_reception(cast["league"], station.id, TUESDAY)
    services.set_on_duty(cast["league"], reception.id, [town_place["other_deputy"].id])
    assert [d.id for d in reception.deputies] == [town_place["other_deputy"].id]
    with pytest.raises(Invalid):
        services.set_on_duty(cast["league"], reception.id, [])
    elsewhere = org.create_liaison_station(
        SYSTEM,
        name="金溪人大代表联络站",
        community_id=town_place["金溪"].id,
        reception_weekday=2,
        reception_start=time(9, 0),
        reception_end=time(11, 0),
        deputies=[{"name": "周代表", "level": "town"}],
    )
    with pytest.raises(Invalid):
        services.set_on_duty(cast["league"], reception.id, [elsewhere.deputies[0].id])
    # The deputy no longer on duty no longer reads the reception.
    with pytest.raises(NotFound):
        services.reception_day(cast["deputy"], station.id, TUESDAY)


def test_a_visitor_taken_by_the_deputy_becomes_their_need_with_a_deadline(town_place, cast, app):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, TUESDAY)
    visitor, need = services.record_visitor(cast["league"], reception.id, _visitor(deputy_id=town_place["deputy"].id))
    assert visitor.reception_id == reception.id and visitor.deputy_id == town_place["deputy"].id
    assert need.source == Source.RECEPTION and need.reception_visitor_id == visitor.id
    assert (need.contact_name, need.contact_phone, need.may_contact) == ("黄伯", "13712345678", True)
    assert need.community_id == town_place["草场"].id  # the station's
    assert need.status == Status.ASSIGNED and need.assignee_kind == Assignee.DEPUTY
    assert need.deputy_id == town_place["deputy"].id and need.deadline is not None
    assert need.deadline == services.add_working_days(today(need.assigned_at), services.deadline_days("infrastructure"))
    # The deputy's account reaches it through the one scope of needs; another deputy's would not.
    assert db.session.scalar(scope.needs(cast["deputy"]).where(Need.id == need.id)) is not None
    assert services.find_need(cast["deputy"], need.id).id == need.id


def test_a_visitor_sent_to_dispatch_leaves_a_new_need_in_the_chosen_community(town_place, cast):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, TUESDAY)
    _visitor_row, need = services.record_visitor(
        cast["league"],
        reception.id,
        _visitor(owner="dispatch", phone=None, community_id=town_place["北沙"].id),
    )
    assert need.status == Status.NEW and need.assignee_kind is None and need.deadline is None
    assert need.community_id == town_place["北沙"].id and need.may_contact is False
    with pytest.raises(NotFound):
        services.find_need(cast["deputy"], need.id)


def test_a_bad_field_stores_neither_visitor_nor_need(town_place, cast):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, TUESDAY)
    with pytest.raises(Invalid) as caught:
        services.record_visitor(
            cast["league"],
            reception.id,
            _visitor(name=" ", phone="12", raised="坏", category="weather", deputy_id=None),
        )
    assert set(caught.value.errors) == {"name", "phone", "raised", "category", "deputy_id"}
    assert _count(ReceptionVisitor) == 0 and _count(Need) == 0


def test_a_failed_assignment_stores_neither(town_place, cast):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, TUESDAY)
    with (
        patch("volunteer_app.needs.services.receptions.assign_need", side_effect=Invalid("boom")),
        pytest.raises(Invalid),
    ):
        services.record_visitor(cast["league"], reception.id, _visitor(deputy_id=town_place["deputy"].id))
    assert _count(ReceptionVisitor) == 0 and _count(Need) == 0


def test_the_receiving_deputy_must_be_on_duty(town_place, cast):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, TUESDAY)
    services.set_on_duty(cast["league"], reception.id, [town_place["other_deputy"].id])
    with pytest.raises(Invalid) as caught:
        services.record_visitor(cast["league"], reception.id, _visitor(deputy_id=town_place["deputy"].id))
    assert set(caught.value.errors) == {"deputy_id"}


def test_a_deputy_reads_the_receptions_they_are_on_duty_at_with_visitors_masked(town_place, cast):
    reception = services.open_reception(cast["league"], town_place["liaison"].id, TUESDAY)
    services.record_visitor(cast["league"], reception.id, _visitor(deputy_id=town_place["deputy"].id))
    assert [r.id for r in services.list_receptions(cast["deputy"]).items] == [reception.id]
    day = services.reception_day(cast["deputy"], town_place["liaison"].id, TUESDAY)
    [line] = services.visitor_lines(cast["deputy"], day.reception)
    assert (line.name, line.phone) == ("黄*", "137****5678") and line.need is not None
    [full] = services.visitor_lines(cast["league"], day.reception)
    assert (full.name, full.phone) == ("黄伯", "13712345678")
    with pytest.raises(Forbidden):
        services.list_receptions(cast["volunteer"])
    with pytest.raises(Forbidden):
        services.record_visitor(cast["deputy"], reception.id, _visitor(deputy_id=town_place["deputy"].id))


def test_a_deputy_sees_only_their_own_stations_schedule(town_place, cast, make_user):
    elsewhere = org.create_liaison_station(
        SYSTEM,
        name="金溪人大代表联络站",
        community_id=town_place["金溪"].id,
        reception_weekday=2,
        reception_start=time(9, 0),
        reception_end=time(11, 0),
        deputies=[{"name": "周代表", "level": "town"}],
    )
    other = make_user("deputy", f"deputy:{elsewhere.deputies[0].id}")
    assert [s.station.id for s in services.list_schedules(cast["deputy"]).items] == [town_place["liaison"].id]
    assert [s.station.id for s in services.list_schedules(other).items] == [elsewhere.id]
    assert services.list_schedules(cast["league"]).total == 2
    with pytest.raises(NotFound):
        services.reception_day(other, town_place["liaison"].id, TUESDAY)
