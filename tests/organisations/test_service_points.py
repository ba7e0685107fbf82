"""The social-work station, its service points, the communities they cover and the workers assigned to them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.organisations.helpers import grant_changes
from volunteer_app.core.errors import Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- social work


def test_a_community_assigned_to_two_points_is_refused_and_nothing_is_written(station, communities):
    org.create_point(SYSTEM, station_id=station.id, name="新兴社会工作服务点", community_ids=[communities["草场"].id])
    with pytest.raises(Invalid) as error:
        org.create_point(
            SYSTEM,
            station_id=station.id,
            name="北沙社会工作服务点",
            community_ids=[communities["北沙"].id, communities["草场"].id],
        )
    assert "新兴社会工作服务点" in error.value.errors["community_ids"][0]
    assert org.list_points(SYSTEM).total == 1
    assert communities["北沙"].service_point_id is None


def test_a_community_covered_by_the_station_itself_cannot_also_have_a_point(station, communities):
    org.update_station(SYSTEM, station.id, community_ids=[communities["白岗"].id])
    with pytest.raises(Invalid):
        org.create_point(
            SYSTEM, station_id=station.id, name="岗联社会工作服务点", community_ids=[communities["白岗"].id]
        )


def test_a_point_covers_only_communities_of_its_own_town(station):
    guicheng = org.create_town(SYSTEM, name="桂城街道")
    pingdong = org.create_community(SYSTEM, town_id=guicheng.id, name="平东社区")
    with pytest.raises(Invalid) as error:
        org.create_point(SYSTEM, station_id=station.id, name="x", community_ids=[pingdong.id])
    assert "another town" in error.value.errors["community_ids"][0]


def test_moving_a_community_between_points_means_taking_it_off_first(station, communities):
    xinxing = org.create_point(SYSTEM, station_id=station.id, name="新兴", community_ids=[communities["草场"].id])
    beisha = org.create_point(SYSTEM, station_id=station.id, name="北沙")
    with pytest.raises(Invalid):
        org.update_point(SYSTEM, beisha.id, community_ids=[communities["草场"].id])
    org.update_point(SYSTEM, xinxing.id, community_ids=[])
    org.update_point(SYSTEM, beisha.id, community_ids=[communities["草场"].id])
    assert communities["草场"].service_point_id == beisha.id


def test_coverage_is_per_town_and_reaches_100_percent_when_the_new_points_open(station, communities):
    c = communities
    org.create_point(
        SYSTEM,
        station_id=station.id,
        name="新兴",
        opened_on=date(2025, 10, 16),
        community_ids=[c["草场"].id, c["布新"].id],
    )
    first = org.coverage(SYSTEM).items[0]
    assert (first.covered, first.total, first.percent) == (2, 6, 33)
    org.create_point(
        SYSTEM,
        station_id=station.id,
        name="北沙",
        opened_on=date(2026, 9, 8),
        community_ids=[c["北沙"].id, c["白岗"].id],
    )
    org.create_point(
        SYSTEM,
        station_id=station.id,
        name="金旗峰",
        opened_on=date(2026, 9, 8),
        community_ids=[c["同声"].id, c["金旗峰"].id],
    )
    town = org.coverage(SYSTEM).items[0]
    assert town.percent == 100 and not town.uncovered
    assert [(step.day, step.percent) for step in town.steps] == [(date(2025, 10, 16), 33), (date(2026, 9, 8), 100)]


def test_a_town_without_communities_has_zero_coverage_not_an_error():
    org.create_town(SYSTEM, name="空镇")
    assert org.coverage(SYSTEM).items[0].percent == 0


def test_one_station_per_town(station, town):
    with pytest.raises(Invalid) as error:
        org.create_station(SYSTEM, town_id=town.id, name="另一个站")
    assert "town_id" in error.value.errors


def test_a_social_worker_belongs_to_one_service_point(station, make_user):
    first = org.create_point(SYSTEM, station_id=station.id, name="新兴")
    second = org.create_point(SYSTEM, station_id=station.id, name="金溪")
    worker = make_user("social_worker")
    org.assign_social_worker(SYSTEM, first.id, user_id=worker.id)
    org.assign_social_worker(SYSTEM, second.id, user_id=worker.id)
    assert worker.scopes("social_worker", "service_point") == {second.id}
    assert [u.id for u in org.point_workers(SYSTEM, second)] == [worker.id]
    assert org.point_workers(SYSTEM, first) == []
    org.unassign_social_worker(SYSTEM, second.id, user_id=worker.id)
    assert worker.roles == ["social_worker"] and not worker.scopes("social_worker", "service_point")


def test_assigning_a_worker_changes_their_grants_through_accounts_and_each_change_is_audited(station, make_user):
    point = org.create_point(SYSTEM, station_id=station.id, name="新兴")
    worker = make_user("social_worker")
    org.assign_social_worker(SYSTEM, point.id, user_id=worker.id)
    org.unassign_social_worker(SYSTEM, point.id, user_id=worker.id)
    scoped = f"service_point:{point.id}"
    assert grant_changes(worker.id) == [
        {"removed_role": "social_worker", "scope": ""},
        {"added_role": "social_worker", "scope": scoped},
        {"removed_role": "social_worker", "scope": scoped},
        {"added_role": "social_worker", "scope": ""},
    ]


def test_only_social_workers_are_assigned(station, make_user):
    point = org.create_point(SYSTEM, station_id=station.id, name="新兴")
    with pytest.raises(Invalid):
        org.assign_social_worker(SYSTEM, point.id, user_id=make_user("volunteer").id)


def test_a_station_supervisor_assigns_workers_only_within_their_station(station, make_user):
    point = org.create_point(SYSTEM, station_id=station.id, name="新兴")
    own = make_user("station_supervisor", scope=f"service_station:{station.id}")
    guicheng = org.create_town(SYSTEM, name="桂城街道")
    other_station = org.create_station(SYSTEM, town_id=guicheng.id, name="桂城街道社会工作服务站")
    stranger = make_user("station_supervisor", scope=f"service_station:{other_station.id}")
    worker = make_user("social_worker")
    with pytest.raises(Forbidden):
        org.assign_social_worker(stranger, point.id, user_id=worker.id)
    org.assign_social_worker(own, point.id, user_id=worker.id)


def test_a_scope_must_name_an_existing_object(team, make_user):
    with pytest.raises(Invalid) as error:
        make_user("team_leader", scope="team:999")
    assert "team" in error.value.errors["roles"][0]
    assert make_user("team_leader", scope=f"team:{team.id}").scopes("team_leader", "team") == {team.id}


@pytest.mark.parametrize("kind", ["community", "service_point", "service_station"])
def test_every_scope_kind_of_the_registry_is_checked(make_user, kind):
    with pytest.raises(Invalid):
        make_user("social_worker", scope=f"{kind}:12345")
