"""The registry's pages: forms with field errors, masking on every page that shows a number, Chinese by default."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile

FULL_ID = "440524188001010014"
FULL_PHONE = "13800138000"


def registration(communities, **overrides) -> dict:
    form = {
        "username": "liangzx",
        "password": PASSWORD,
        "name": "梁子轩",
        "phone": FULL_PHONE,
        "id_number": FULL_ID,
        "political_status": "league_member",
        "community_id": str(communities["草场"].id),
        "skills": "摄影，手绘",
        "availability": ["weekend"],
    }
    form.update(overrides)
    return form


@pytest.fixture
def liang(register, team):
    profile = register(name="梁子轩", phone=FULL_PHONE, id_number=FULL_ID)
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    return profile


def assert_masked(html: str) -> None:
    assert FULL_ID not in html
    assert FULL_PHONE not in html


# ---------------------------------------------------------------------------------------------- registration


def test_a_new_person_registers_is_logged_in_and_sees_the_masked_id(client, communities):
    page = client.get("/volunteers/register")
    assert page.status_code == 200
    assert "注册" in page.get_data(as_text=True)
    response = client.post("/volunteers/register", data=registration(communities), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "440524********0014" in html and "138****8000" in html
    assert_masked(html)
    profile = db.session.scalars(sa.select(VolunteerProfile)).one()
    assert profile.skills == ["摄影", "手绘"] and profile.availability == ["weekend"]
    assert client.get("/volunteers/me").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"id_number": "440524188001010015"}, "id_number", "身份证"),
        ({"phone": "1380013800"}, "phone", "手机"),
        ({"id_number": make_id_number(date(2012, 6, 1), sequence=321)}, "guardian_consent", "监护人"),
    ],
)
def test_bad_registrations_show_field_errors_and_write_nothing(client, communities, overrides, field, words):
    response = client.post("/volunteers/register", data=registration(communities, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}"' in html and "is-invalid" in html and "invalid-feedback" in html
    assert words in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_the_duplicate_message_on_the_page_names_nobody(client, communities, register):
    register(name="何志强", phone="13700137000", id_number=FULL_ID, username="hezq")
    response = client.post("/volunteers/register", data=registration(communities, username="newcomer", name="新人"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for secret in ("何志强", "hezq", "13700137000", "137****7000"):
        assert secret not in html


def test_a_signed_in_user_is_sent_from_registration_to_their_profile(client, login, make_user):
    login(make_user("volunteer"))
    response = client.get("/volunteers/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/volunteers/me")


def test_the_welcome_page_links_to_registration(client):
    assert "/volunteers/register" in client.get("/").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------- masking on pages


def test_every_page_that_shows_a_volunteer_masks_their_numbers(client, login, make_user, liang, team):
    login(make_user("league_staff"))
    for path in (
        "/volunteers",
        "/volunteers?q=8000",
        f"/volunteers/{liang.id}",
        f"/teams/{team.id}/members",
        f"/volunteers/{liang.id}/edit",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert_masked(html)
        assert "138****8000" in html, path


def test_a_team_leader_sees_their_members_masked(client, login, make_user, liang, team):
    login(make_user("team_leader", scope=f"team:{team.id}"))
    for path in ("/volunteers", f"/teams/{team.id}/members", f"/volunteers/{liang.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "梁子轩" in html and "138****8000" in html
        assert_masked(html)
    assert "显示完整" not in client.get(f"/volunteers/{liang.id}").get_data(as_text=True)


def test_the_export_is_masked(client, login, make_user, liang):
    login(make_user("admin"))
    response = client.get("/volunteers/export.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "440524********0014" in text
    assert_masked(text)


def test_showing_a_number_in_full_is_audited_and_only_for_that_response(client, login, make_user, liang):
    staff = make_user("league_staff")
    login(staff)
    response = client.post(f"/volunteers/{liang.id}/reveal", data={"field": "id_number", "reason": "保险登记"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and FULL_ID in html and FULL_PHONE not in html
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).one()
    assert (entry.actor_id, entry.object_id, entry.reason) == (staff.id, str(liang.id), "保险登记")
    assert_masked(client.get(f"/volunteers/{liang.id}").get_data(as_text=True))


def test_a_volunteer_sees_their_own_profile_masked_and_may_show_it(client, login, liang):
    login(db.session.get(User, liang.user_id))
    html = client.get("/volunteers/me").get_data(as_text=True)
    assert "440524********0014" in html
    assert_masked(html)
    revealed = client.post(f"/volunteers/{liang.id}/reveal", data={"field": "phone"}).get_data(as_text=True)
    assert FULL_PHONE in revealed


def test_others_cannot_show_numbers_in_full(client, login, make_user, liang, team):
    login(make_user("team_leader", scope=f"team:{team.id}"))
    assert client.post(f"/volunteers/{liang.id}/reveal", data={"field": "id_number"}).status_code == 403
    assert not db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).all()


def test_editing_keeps_the_phone_when_the_masked_number_is_sent_back(client, login, liang, communities):
    login(db.session.get(User, liang.user_id))
    form = {
        "name": "梁子轩",
        "phone": "138****8000",
        "political_status": "party_member",
        "community_id": str(communities["北沙"].id),
        "skills": "急救",
        "availability": ["weekend"],
    }
    response = client.post(f"/volunteers/{liang.id}/edit", data=form)
    assert response.status_code == 302
    assert (liang.phone, liang.political_status, liang.skills) == (FULL_PHONE, "party_member", ["急救"])


def test_a_volunteer_cannot_open_anothers_edit_page(client, login, liang, register):
    other = register()
    login(db.session.get(User, liang.user_id))
    # someone they may not see is no such volunteer to them: a 403 would tell that the person is registered
    assert client.get(f"/volunteers/{other.id}/edit").status_code == 404
    assert client.get(f"/volunteers/{other.id}").status_code == 404


# ---------------------------------------------------------------------------------------------- registry pages


def test_the_staff_register_a_community_and_see_it_in_the_searchable_list(client, login, make_user, town):
    login(make_user("league_staff"))
    response = client.post("/communities/new", data={"town_id": str(town.id), "name": "金溪", "kind": "village"})
    assert response.status_code == 302
    html = client.get("/communities?q=金溪").get_data(as_text=True)
    assert "金溪" in html and 'name="q"' in html
    duplicate = client.post("/communities/new", data={"town_id": str(town.id), "name": "金溪", "kind": "village"})
    assert duplicate.status_code == 422 and "invalid-feedback" in duplicate.get_data(as_text=True)


def test_lists_are_paginated(client, login, make_user, town):
    for n in range(25):
        org.create_community(SYSTEM, town_id=town.id, name=f"村{n:02d}")
    login(make_user("league_staff"))
    first = client.get("/communities").get_data(as_text=True)
    assert "村19" in first and "村20" not in first and "page=2" in first
    assert "村24" in client.get("/communities?page=2").get_data(as_text=True)


def test_a_pairing_form_with_an_unknown_team_shows_a_field_error(client, login, make_user, communities):
    login(make_user("league_staff"))
    response = client.post("/pairings/new", data={"team_id": "4242", "community_id": str(communities["草场"].id)})
    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)


def test_a_point_form_refuses_a_community_already_covered(client, login, make_user, station, communities):
    org.create_point(SYSTEM, station_id=station.id, name="新兴社会工作服务点", community_ids=[communities["草场"].id])
    login(make_user("league_staff"))
    response = client.post(
        "/service-points/new",
        data={
            "station_id": str(station.id),
            "name": "北沙社会工作服务点",
            "community_ids": [str(communities["北沙"].id), str(communities["草场"].id)],
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "新兴社会工作服务点" in html and "invalid-feedback" in html
    assert org.list_points(SYSTEM).total == 1


def test_the_coverage_page_shows_a_progress_bar_per_town(client, login, make_user, station, communities):
    org.create_point(
        SYSTEM, station_id=station.id, name="新兴社会工作服务点", community_ids=[c.id for c in communities.values()]
    )
    org.create_town(SYSTEM, name="桂城街道")
    login(make_user("social_worker"))
    html = client.get("/coverage").get_data(as_text=True)
    assert 'aria-valuenow="100"' in html and 'data-width="100"' in html
    assert 'data-town="桂城街道" data-percent="0"' in html


def test_the_youth_group_page_says_what_is_missing_and_refuses_activation(client, login, make_user, communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["金旗峰"].id)
    org.add_group_member(SYSTEM, group.id, part="party_member", name="冯德明")
    login(make_user("league_staff"))
    html = client.get(f"/youth-groups/{group.id}").get_data(as_text=True)
    assert "社区团干" in html and "团员" in html
    refused = client.post(f"/youth-groups/{group.id}/activate")
    assert refused.status_code == 422
    assert org.get_youth_group(SYSTEM, group.id).status == "forming"


def test_a_group_member_links_to_their_volunteer_page_only_for_readers_who_may_open_it(
    client, login, make_user, communities, register
):
    """The crawl found members' names linking to /volunteers/<id> for readers that page refuses (403)."""
    profile = register(political_status="league_member")
    group = org.create_youth_group(SYSTEM, community_id=communities["草场"].id)
    org.add_group_member(SYSTEM, group.id, part="league_member", volunteer_id=profile.id)
    link = f'href="/volunteers/{profile.id}"'

    login(make_user("team_leader"))
    html = client.get(f"/youth-groups/{group.id}").get_data(as_text=True)
    assert profile.name in html and link not in html

    client.post("/logout")
    login(make_user("league_staff"))
    assert link in client.get(f"/youth-groups/{group.id}").get_data(as_text=True)


def test_a_group_member_is_added_from_the_page(client, login, make_user, communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    login(make_user("league_staff"))
    response = client.post(f"/youth-groups/{group.id}/members", data={"part": "league_cadre", "name": "区志明"})
    assert response.status_code == 302
    assert [m.name for m in org.get_youth_group(SYSTEM, group.id).members] == ["区志明"]


def test_the_liaison_station_page_lists_tuesdays(client, login, make_user, communities):
    login(make_user("league_staff"))
    response = client.post(
        "/liaison-stations/new",
        data={
            "name": "平东社区人大代表联络站",
            "community_id": str(communities["同声"].id),
            "reception_weekday": "1",
            "reception_start": "14:30",
            "reception_end": "17:30",
            "except_public_holidays": "y",
            "deputies-0-name": "罗锦华",
            "deputies-0-level": "district",
            "deputies-0-title": "平东社区党委书记",
            "deputies-1-name": "",
            "deputies-1-level": "district",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "罗锦华" in html and html.count("星期二") >= 6 and "14:30" in html


def test_a_team_leader_cannot_open_another_teams_edit_page(client, login, make_user, team, other_team):
    login(make_user("team_leader", scope=f"team:{team.id}"))
    assert client.get(f"/teams/{team.id}/edit").status_code == 200
    assert client.get(f"/teams/{other_team.id}/edit").status_code == 403
    assert client.post(f"/teams/{other_team.id}/edit", data={"name": "x", "kind": "other"}).status_code == 403


def test_a_leader_adds_a_member_by_phone_on_the_members_page(client, login, make_user, team, register):
    profile = register(phone="13600136000")
    login(make_user("team_leader", scope=f"team:{team.id}"))
    page = client.get(f"/teams/{team.id}/members").get_data(as_text=True)
    assert 'name="role"' not in page  # leaders add members; the staff name leaders
    response = client.post(f"/teams/{team.id}/members", data={"phone": "13600136000"})
    assert response.status_code == 302
    assert org.list_members(SYSTEM, team.id).items[0].volunteer_id == profile.id


def test_every_page_of_the_registry_declares_who_may_open_it(app):
    from volunteer_app.accounts.access import Access

    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("organisations.", "organisations_api.")):
            continue
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        targets = [getattr(view_class, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}] if view_class else [view]
        for target in targets:
            assert isinstance(getattr(target, "access", None), Access), rule.rule
