"""The registry's rules, called the way pages, the API, seeds and jobs call them."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask_babel import force_locale

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core import crypto
from volunteer_app.core import time as clock
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import TeamMembership, VolunteerProfile
from volunteer_app.organisations.reception import ReceptionRule, set_holiday_filter


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language; the pages' Chinese is checked in test_views."""
    with force_locale("en"):
        yield


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_text() -> str:
    return " ".join(f"{e.reason} {e.detail}" for e in db.session.scalars(sa.select(AuditEntry)))


def minor_id(today: date | None = None) -> str:
    today = today or clock.today()
    return make_id_number(today.replace(year=today.year - 15) - timedelta(days=3), sequence=222)


# ---------------------------------------------------------------------------------------------- registration


def test_a_person_registers_and_sex_and_birth_date_come_from_the_id_number(register):
    profile = register(id_number="440524188001010014", name="梁子轩")
    assert (profile.sex, profile.birth_date) == ("M", date(1880, 1, 1))
    user = db.session.get(User, profile.user_id)
    assert user.roles == ["volunteer"]
    assert user.display_name == "梁子轩"
    assert accounts.authenticate(user.username, PASSWORD).id == user.id


def test_the_volunteer_can_log_in_with_their_phone_number_after_registering(register):
    profile = register(phone="13800138000")
    assert accounts.authenticate("13800138000", PASSWORD).id == profile.user_id


def test_a_second_registration_with_the_same_id_is_refused_without_revealing_the_holder(register):
    holder = register(name="梁子轩", phone="13800138000", id_number="11010519491231002X", username="liangzx")
    with pytest.raises(Invalid) as error:
        register(name="冒名者", phone="13900000000", id_number="11010519491231002x")
    messages = " ".join(error.value.errors["id_number"])
    assert "already registered" in messages
    for secret in ("梁子轩", "liangzx", "13800138000", "138****8000", "8000", str(holder.id), "002X"):
        assert secret not in messages
    assert count(VolunteerProfile) == 1
    assert count(User) == 1


def test_an_invalid_id_number_is_a_field_error_and_nothing_is_written(register):
    with pytest.raises(Invalid) as error:
        register(id_number="110105194912310021")
    assert "last character" in error.value.errors["id_number"][0]
    assert count(User) == 0
    assert count(VolunteerProfile) == 0


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800", "138001380001", "电话"])
def test_an_invalid_mobile_number_is_a_field_error(register, phone):
    with pytest.raises(Invalid) as error:
        register(phone=phone)
    assert list(error.value.errors) == ["phone"]
    assert count(User) == 0


def test_a_phone_number_is_normalised_from_the_way_people_type_it(register):
    assert register(phone="+86 138-0013-8000").phone == "13800138000"


def test_a_minor_without_guardian_consent_is_refused_and_nothing_is_written(register):
    with pytest.raises(Invalid) as error:
        register(id_number=minor_id(), guardian={"name": "刘建国", "phone": "13900139008", "consent": False})
    assert set(error.value.errors) == {"guardian.consent"}
    assert count(User) == 0


def test_a_minor_without_a_guardian_at_all_gets_a_message_per_field(register):
    with pytest.raises(Invalid) as error:
        register(id_number=minor_id())
    assert set(error.value.errors) == {"guardian.name", "guardian.phone", "guardian.consent"}


def test_a_minor_with_a_guardian_and_consent_is_registered(register):
    profile = register(id_number=minor_id(), guardian={"name": "刘建国", "phone": "13900139008", "consent": True})
    assert profile.guardian_name == "刘建国"
    assert profile.guardian_consent_at is not None
    assert profile.guardian_phone == "13900139008"
    assert "13900139008" not in raw("volunteer_profiles", "guardian_phone", profile.id)  # encrypted at rest


def test_an_adult_needs_no_guardian_and_a_given_one_is_not_kept(register):
    profile = register(guardian={"name": "x", "phone": "1", "consent": False})
    assert profile.guardian_name is None


def test_every_problem_is_reported_at_once(register):
    register(username="taken-name")
    with pytest.raises(Invalid) as error:
        register(username="taken-name", id_number="123", phone="1", political_status="anarchist", community_id=999)
    assert {"username", "id_number", "phone", "political_status", "community_id"} <= set(error.value.errors)
    assert count(User) == 1


def test_a_taken_username_leaves_no_half_written_profile(register):
    register(username="taken-name")
    with pytest.raises(Invalid) as error:
        register(username="taken-name")
    assert list(error.value.errors) == ["username"]
    assert count(User) == 1
    assert count(VolunteerProfile) == 1


def test_the_audit_log_never_holds_a_full_id_or_phone_number(register):
    profile = register(phone="13800138000", id_number="440524188001010014")
    org.reveal_volunteer(SYSTEM, profile.id, reason="insurance")
    text = audit_text()
    assert "440524188001010014" not in text
    assert "13800138000" not in text
    assert "440524********0014" in text


def test_a_profile_never_shows_its_numbers_in_its_repr(register):
    profile = register(phone="13800138000", id_number="440524188001010014")
    assert "440524188001010014" not in repr(profile)


# ---------------------------------------------------------------------------------------------- volunteers


def test_a_volunteer_edits_only_their_own_profile(register, communities):
    own = register()
    other = register()
    me = db.session.get(User, own.user_id)
    org.update_volunteer(me, own.id, skills=["急救"], community_id=communities["北沙"].id)
    assert own.skills == ["急救"]
    with pytest.raises(Forbidden):
        org.update_volunteer(me, other.id, skills=["x"])


def test_the_id_number_cannot_be_changed(register):
    profile = register()
    with pytest.raises(Invalid) as error:
        org.update_volunteer(SYSTEM, profile.id, id_number="440524188001010014")
    assert "id_number" in error.value.errors


def test_a_new_phone_number_must_be_free_and_follows_to_the_login(register):
    first, second = register(), register(phone="13800138000")
    with pytest.raises(Invalid):
        org.update_volunteer(SYSTEM, first.id, phone="13800138000")
    org.update_volunteer(SYSTEM, first.id, phone="13700137000")
    assert db.session.get(User, first.user_id).phone == "13700137000"
    assert second.phone == "13800138000"


def test_team_leaders_see_only_their_current_members_and_staff_see_all(register, team, other_team, make_user):
    mine, theirs, former = register(name="甲"), register(name="乙"), register(name="丙")
    org.add_member(SYSTEM, team.id, volunteer_id=mine.id)
    org.add_member(SYSTEM, other_team.id, volunteer_id=theirs.id)
    membership = org.add_member(SYSTEM, team.id, volunteer_id=former.id, joined_on=date(2025, 1, 1))
    org.update_member(SYSTEM, team.id, membership.id, left_on=clock.today())
    leader = make_user("team_leader", scope=f"team:{team.id}")
    assert [p.name for p in org.list_volunteers(leader).items] == ["甲"]
    assert org.list_volunteers(make_user("league_staff")).total == 3
    with pytest.raises(Forbidden):
        org.list_volunteers(make_user("volunteer"))
    with pytest.raises(Forbidden):
        org.get_volunteer(leader, theirs.id)
    assert org.get_volunteer(leader, mine.id).id == mine.id


def test_volunteers_are_found_by_name_phone_tail_or_team(register, team):
    liang = register(name="梁子轩", phone="13800138000")
    register(name="陈嘉欣", phone="13900139111")
    org.add_member(SYSTEM, team.id, volunteer_id=liang.id)
    for q in ("子轩", "8000", "义工联"):
        assert [p.name for p in org.list_volunteers(SYSTEM, q=q).items] == ["梁子轩"], q
    assert org.list_volunteers(SYSTEM, q="800").total == 0  # a tail of at least 4 digits


def test_revealing_a_full_number_is_allowed_to_staff_and_self_and_is_audited(register, make_user):
    profile = register(phone="13800138000", id_number="440524188001010014")
    owner = db.session.get(User, profile.user_id)
    staff = make_user("league_staff")
    assert org.reveal_volunteer(staff, profile.id, fields=["id_number"], reason="保险") == {
        "id_number": "440524188001010014"
    }
    assert org.reveal_volunteer(owner, profile.id, fields=["phone"]) == {"phone": "13800138000"}
    reveals = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).all()
    assert [(e.actor_id, e.detail["fields"]) for e in reveals] == [(staff.id, ["id_number"]), (owner.id, ["phone"])]
    assert reveals[0].reason == "保险"


@pytest.mark.parametrize("role", ["team_leader", "social_worker", "volunteer"])
def test_others_cannot_reveal(register, make_user, team, role):
    profile = register()
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    with pytest.raises(Forbidden):
        org.reveal_volunteer(make_user(role, scope=f"team:{team.id}" if role == "team_leader" else None), profile.id)
    assert not db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).all()


def test_the_export_is_masked_and_audited(register, make_user):
    register(phone="13800138000", id_number="440524188001010014", name="梁子轩")
    text = org.export_volunteers_csv(make_user("league_staff"))
    assert "440524********0014" in text and "138****8000" in text
    assert "440524188001010014" not in text and "13800138000" not in text
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).one().detail["rows"] == 1


def test_a_formula_in_a_name_is_exported_as_text(register):
    register(name="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in org.export_volunteers_csv(SYSTEM)


# ---------------------------------------------------------------------------------------------- teams


def test_a_team_leader_edits_only_their_own_team(team, other_team, make_user):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    org.update_team(leader, team.id, description="全民义工，善治里水")
    assert team.description == "全民义工，善治里水"
    with pytest.raises(Forbidden):
        org.update_team(leader, other_team.id, description="x")
    with pytest.raises(Forbidden):
        org.create_team(leader, name="新队", kind="other")


def test_an_unscoped_team_leader_edits_no_team(team, make_user):
    with pytest.raises(Forbidden):
        org.update_team(make_user("team_leader"), team.id, description="x")


def test_team_kinds_and_names_are_checked(town):
    org.create_team(SYSTEM, name="里水义工联", kind="town_federation")
    with pytest.raises(Invalid) as error:
        org.create_team(SYSTEM, name="里水义工联", kind="rock band")
    assert set(error.value.errors) == {"name", "kind"}


def test_a_leader_adds_a_member_by_mobile_number_but_cannot_make_leaders(team, register, make_user):
    profile = register(phone="13800138000")
    leader = make_user("team_leader", scope=f"team:{team.id}")
    membership = org.add_member(leader, team.id, phone="138 0013 8000")
    assert membership.volunteer_id == profile.id
    with pytest.raises(Forbidden):
        org.update_member(leader, team.id, membership.id, role="leader")
    with pytest.raises(Invalid) as error:
        org.add_member(leader, team.id, phone="13700000000")
    assert "phone" in error.value.errors


def test_a_volunteer_is_a_current_member_of_a_team_once_but_may_rejoin_after_leaving(team, register):
    profile = register()
    first = org.add_member(SYSTEM, team.id, volunteer_id=profile.id, joined_on=date(2025, 1, 1))
    with pytest.raises(Invalid):
        org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    org.update_member(SYSTEM, team.id, first.id, left_on=date(2025, 6, 1))
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    assert count(TeamMembership) == 2
    assert org.list_members(SYSTEM, team.id).total == 1
    assert org.list_members(SYSTEM, team.id, include_former=True).total == 2


def test_a_leave_date_before_the_join_date_is_refused(team, register):
    membership = org.add_member(SYSTEM, team.id, volunteer_id=register().id, joined_on=date(2025, 5, 1))
    with pytest.raises(Invalid) as error:
        org.update_member(SYSTEM, team.id, membership.id, left_on=date(2025, 4, 1))
    assert "left_on" in error.value.errors


def test_making_a_member_leader_grants_the_scoped_role_and_leaving_takes_it_away(team, register):
    profile = register()
    membership = org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    org.update_member(SYSTEM, team.id, membership.id, role="leader")
    user = db.session.get(User, profile.user_id)
    assert user.scopes("team_leader", "team") == {team.id}
    org.update_member(SYSTEM, team.id, membership.id, left_on=clock.today())
    assert user.scopes("team_leader", "team") == set()
    assert user.roles == ["volunteer"]


# ---------------------------------------------------------------------------------------------- pairings


def test_a_pairing_with_an_unknown_team_is_a_field_error_and_nothing_is_written(communities):
    with pytest.raises(Invalid) as error:
        org.create_pairing(SYSTEM, team_id=999, community_id=communities["白岗"].id)
    assert "team" in error.value.errors["team_id"][0].lower()
    assert org.list_pairings(SYSTEM).total == 0


def test_a_team_is_paired_with_a_community_once(team, communities):
    org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id, purpose="人居环境整治")
    with pytest.raises(Invalid) as error:
        org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id)
    assert "community_id" in error.value.errors


def test_a_team_leader_pairs_only_their_own_team(team, other_team, communities, make_user):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    org.create_pairing(leader, team_id=team.id, community_id=communities["草场"].id)
    with pytest.raises(Forbidden):
        org.create_pairing(leader, team_id=other_team.id, community_id=communities["草场"].id)


def test_pairings_list_by_community_team_kind_and_words(team, other_team, communities):
    org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id, purpose="人居环境整治")
    org.create_pairing(SYSTEM, team_id=other_team.id, community_id=communities["北沙"].id, purpose="背街小巷")
    assert org.list_pairings(SYSTEM, community_id=communities["白岗"].id).total == 1
    assert org.list_pairings(SYSTEM, kind="enterprise_league_branch").items[0].community.name == "北沙"
    assert org.list_pairings(SYSTEM, q="背街").total == 1
    assert [t.name for t in org.list_teams(SYSTEM, community_id=communities["白岗"].id).items] == ["里水义工联"]


def test_an_end_date_before_the_start_is_refused(team, communities):
    pairing = org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id, since=date(2026, 3, 1))
    with pytest.raises(Invalid) as error:
        org.update_pairing(SYSTEM, pairing.id, ended_on=date(2026, 2, 1))
    assert "ended_on" in error.value.errors


# ---------------------------------------------------------------------------------------------- youth groups


def add_members(group, *parts):
    for n, part in enumerate(parts):
        org.add_group_member(SYSTEM, group.id, part=part, name=f"成员{n}")


def test_a_group_is_complete_only_with_a_party_member_a_cadre_and_two_league_members(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    assert group.name == "同声青治团"
    assert dict(group.missing) == {"party_member": 1, "league_cadre": 1, "league_member": 2}
    add_members(group, "party_member", "league_cadre", "league_member")
    assert not group.is_complete
    assert dict(group.missing) == {"league_member": 1}
    add_members(group, "league_member")
    assert group.is_complete and not group.missing


def test_an_incomplete_group_cannot_be_activated_and_says_what_it_still_lacks(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["金旗峰"].id)
    add_members(group, "party_member", "league_member")
    with pytest.raises(Invalid) as error:
        org.activate_youth_group(SYSTEM, group.id)
    message = error.value.errors["status"][0]
    assert "1 more Community League cadre" in message and "1 more League member" in message
    assert org.get_youth_group(SYSTEM, group.id).status == "forming"


def test_a_complete_group_is_activated(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    add_members(group, "party_member", "league_cadre", "league_member", "league_member")
    assert org.activate_youth_group(SYSTEM, group.id).status == "active"
    assert group.activated_at is not None


def test_one_youth_group_per_community(communities):
    org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    with pytest.raises(Invalid) as error:
        org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    assert "community_id" in error.value.errors


def test_a_linked_volunteer_must_hold_the_status_their_part_says(communities, register):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    masses = register(political_status="masses")
    with pytest.raises(Invalid) as error:
        org.add_group_member(SYSTEM, group.id, part="party_member", volunteer_id=masses.id)
    assert "part" in error.value.errors
    party = register(political_status="party_probationary")
    member = org.add_group_member(SYSTEM, group.id, part="party_member", volunteer_id=party.id)
    assert member.name == party.name


def test_only_staff_form_youth_groups(communities, make_user):
    with pytest.raises(Forbidden):
        org.create_youth_group(make_user("team_leader"), community_id=communities["同声"].id)


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


# ---------------------------------------------------------------------------------------------- liaison stations


TUESDAY = ReceptionRule(weekday=1, start=time(14, 30), end=time(17, 30), except_public_holidays=True)


def test_the_tuesday_rule_lists_the_next_weekly_dates():
    dates = TUESDAY.next_dates(date(2026, 11, 25), count=3)  # a Wednesday
    assert [r.day for r in dates] == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]
    assert dates[0].start == time(14, 30) and dates[0].end == time(17, 30)
    assert TUESDAY.next_dates(date(2026, 12, 1), count=1)[0].day == date(2026, 12, 1)


def test_a_holiday_calendar_plugs_in_and_takes_holidays_off():
    new_year = date(2030, 1, 1)  # a Tuesday
    dates = TUESDAY.next_dates(date(2029, 12, 30), count=2, is_holiday=lambda d: d == new_year)
    assert [r.day for r in dates] == [date(2030, 1, 8), date(2030, 1, 15)]
    set_holiday_filter(lambda d: d == new_year)
    try:
        assert TUESDAY.next_dates(date(2029, 12, 30), count=1)[0].day == date(2030, 1, 8)
        keep = ReceptionRule(1, time(14, 30), time(17, 30), except_public_holidays=False)
        assert keep.next_dates(date(2029, 12, 30), count=1)[0].day == new_year
    finally:
        set_holiday_filter(None)


def test_a_calendar_that_marks_every_day_a_holiday_does_not_hang():
    assert TUESDAY.next_dates(date(2026, 1, 1), count=3, is_holiday=lambda d: True) == []


def test_a_liaison_station_keeps_its_rule_and_deputies(communities):
    station = org.create_liaison_station(
        SYSTEM,
        name="平东社区人大代表联络站",
        community_id=communities["同声"].id,
        reception_weekday=1,
        reception_start=time(14, 30),
        reception_end=time(17, 30),
        deputies=[{"name": "罗锦华", "title": "平东社区党委书记"}, {"name": "巫明燕"}],
    )
    assert [d.name for d in station.deputies] == ["罗锦华", "巫明燕"]
    assert all(r.day.weekday() == 1 for r in org.next_receptions(station, count=4))
    org.update_liaison_station(SYSTEM, station.id, deputies=[{"name": "巫明燕", "level": "town"}])
    assert [(d.name, d.level) for d in station.deputies] == [("巫明燕", "town")]


def test_reception_must_end_after_it_starts_and_deputies_are_named_once():
    with pytest.raises(Invalid) as error:
        org.create_liaison_station(
            SYSTEM,
            name="站",
            reception_weekday=9,
            reception_start=time(17, 30),
            reception_end=time(14, 30),
            deputies=[{"name": "甲"}, {"name": "甲"}, {"name": ""}],
        )
    assert {"reception_weekday", "reception_end", "deputies"} <= set(error.value.errors)


def test_unknown_ids_are_not_found_not_errors():
    for call in (
        lambda: org.get_team(SYSTEM, 5),
        lambda: org.get_community(SYSTEM, 2**40),
        lambda: org.get_volunteer(SYSTEM, -1),
    ):
        with pytest.raises(NotFound):
            call()


def test_a_registration_that_loses_a_race_for_the_same_id_gets_the_same_field_message(
    register, communities, monkeypatch
):
    """Another request commits the same ID number between this one's first check and its write."""
    original = accounts.create_user

    def racing_create_user(*args, **kwargs):
        with db.engine.begin() as other:  # another request commits the same ID number first
            user_id = other.execute(
                sa.insert(User).values(
                    username="winner",
                    display_name="先到者",
                    password_hash="x",
                    active=True,
                    failed_logins=0,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
            other.execute(
                sa.insert(VolunteerProfile).values(
                    user_id=user_id,
                    name="先到者",
                    phone="13600136000",
                    id_number=FULL_RACE_ID,
                    id_number_digest=blind_index(FULL_RACE_ID),
                    sex="M",
                    birth_date=date(1880, 1, 1),
                    political_status="masses",
                    community_id=communities["草场"].id,
                    skills=[],
                    availability=[],
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(accounts, "create_user", racing_create_user)
    with pytest.raises(Invalid) as error:
        register(id_number=FULL_RACE_ID)
    assert "already registered" in error.value.errors["id_number"][0]
    assert [u.username for u in db.session.scalars(sa.select(User))] == ["winner"]


FULL_RACE_ID = "440524188001010014"


def raw(table: str, column: str, row_id: int) -> str | None:
    return db.session.execute(sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()


def test_a_volunteers_id_number_is_stored_encrypted_and_read_back_plain(register):
    profile = register()
    number = profile.id_number
    stored = raw("volunteer_profiles", "id_number", profile.id)
    assert number not in stored and number[-6:] not in stored and stored.startswith("gAAAAA")
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, profile.id).id_number == number
    digest = raw("volunteer_profiles", "id_number_digest", profile.id)
    assert digest == blind_index(number) and number not in digest


def test_after_a_new_key_is_put_in_front_reencrypt_lets_the_old_one_go(app, register, monkeypatch):
    old, new = Fernet(Fernet.generate_key()), Fernet(Fernet.generate_key())
    index_key = app.extensions[crypto.EXTENSION].index_key
    monkeypatch.setitem(app.extensions, crypto.EXTENSION, crypto.Keys(MultiFernet([old]), index_key))
    profile = register()
    number = profile.id_number

    monkeypatch.setitem(app.extensions, crypto.EXTENSION, crypto.Keys(MultiFernet([new, old]), index_key))
    result = app.test_cli_runner().invoke(args=["data", "reencrypt"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 values" in result.output

    monkeypatch.setitem(app.extensions, crypto.EXTENSION, crypto.Keys(MultiFernet([new]), index_key))
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, profile.id).id_number == number
