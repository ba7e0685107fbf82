"""A social worker raises a need found on a household visit: the need is in the household's community and keeps
the household for the social-work side, but no field of the household is copied into it, and it is shared with
whoever handles it only on the household's consent to share."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.organisations.conftest import make_id_number
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.vocabulary import Source
from volunteer_app.organisations import services as org
from volunteer_app.socialwork import services as socialwork

EN = {"Accept-Language": "en"}
HEAD = "欧阳秀英"
ADDRESS = "草场村东三巷18号"
PHONE = "13987654321"


@pytest.fixture
def visit(town_place, cast):
    from datetime import date

    household = socialwork.create_household(
        cast["worker"],
        community_id=town_place["草场"].id,
        address=ADDRESS,
        members=[{"name": HEAD, "relation": "head", "phone": PHONE, "id_number": make_id_number(date(1950, 3, 3), 77)}],
    )
    return socialwork.log_visit(
        cast["worker"],
        household.id,
        visited_at=utcnow() - timedelta(hours=1),
        contact_type="home",
        needs_text=f"{HEAD}家门前路灯坏了",
    )


def _data(town_place, **changes) -> services.NeedInput:
    fields = {
        "category": "infrastructure",
        "community_id": town_place["金溪"].id,  # the household's community wins
        "description": "门前巷口的路灯坏了，晚上老人出入不便",
        "place": "东三巷巷口",
        "contact_name": HEAD,  # never kept: the social worker is the contact
        "contact_phone": PHONE,
        "may_contact": True,
    }
    fields.update(changes)
    return services.NeedInput(**fields)


def _everything_stored_about(need: Need) -> str:
    values = [getattr(need, column.key) for column in Need.__table__.columns]
    updates = db.session.scalars(sa.select(NeedUpdate).where(NeedUpdate.need_id == need.id))
    values += [update.text for update in updates]
    return " ".join(str(value) for value in values)


def test_the_need_keeps_the_household_for_social_work_and_copies_none_of_it(town_place, cast, visit):
    need = services.raise_from_visit(cast["worker"], visit.id, _data(town_place))
    assert (need.source, need.community_id) == (Source.VISIT, town_place["草场"].id)
    assert (need.household_id, need.visit_id, need.household_shared) == (visit.household_id, visit.id, False)
    assert (need.contact_name, need.contact_phone, need.may_contact) == (None, None, False)
    assert need.raised_by_id == cast["worker"].id
    stored = _everything_stored_about(need)
    head = visit.household.head
    for personal in (HEAD, ADDRESS, PHONE, head.id_number):
        assert personal not in stored
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "need"))
    assert entry.detail == {"household": visit.household_id, "visit": visit.id, "shared": False}


def test_sharing_the_household_takes_its_consent_to_share(town_place, cast, visit):
    with pytest.raises(Invalid) as refused:
        services.raise_from_visit(cast["worker"], visit.id, _data(town_place), share_household=True)
    assert "share_household" in refused.value.errors
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0
    socialwork.record_consent(
        cast["worker"], visit.household_id, purpose="referral", method="signed_paper", given_by=HEAD
    )
    need = services.raise_from_visit(cast["worker"], visit.id, _data(town_place), share_household=True)
    assert need.household_shared is True


def test_a_visit_outside_the_workers_scope_is_not_found(town_place, cast, visit, make_user):
    other_point = org.create_point(
        SYSTEM, station_id=town_place["station"].id, name="金溪社会工作服务点", community_ids=[town_place["金溪"].id]
    )
    stranger = make_user("social_worker", f"service_point:{other_point.id}")
    with pytest.raises(NotFound):
        services.raise_from_visit(stranger, visit.id, _data(town_place))
    with pytest.raises(NotFound):
        services.raise_from_visit(cast["worker"], visit.id + 1000, _data(town_place))


def test_the_page_raises_the_need_and_goes_back_to_the_visit(client, login, town_place, cast, visit):
    login(cast["worker"])
    visit_page = client.get(f"/social-work/households/{visit.household_id}/visits/{visit.id}")
    assert f"/needs/from-visit/{visit.id}" in visit_page.get_data(as_text=True)
    page = client.get(f"/needs/from-visit/{visit.id}", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "草场" in text and HEAD not in text and ADDRESS not in text
    assert "has not consented to sharing" in text  # so no checkbox to tick
    response = client.post(
        f"/needs/from-visit/{visit.id}",
        data={"category": "infrastructure", "description": "巷口路灯坏了，需要维修", "place": "东三巷巷口"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/social-work/households/{visit.household_id}/visits/{visit.id}")
    need = db.session.scalar(sa.select(Need))
    assert (need.visit_id, need.community_id) == (visit.id, town_place["草场"].id)


def test_the_page_refuses_sharing_without_consent(client, login, town_place, cast, visit):
    login(cast["worker"])
    response = client.post(
        f"/needs/from-visit/{visit.id}",
        data={"category": "infrastructure", "description": "巷口路灯坏了，需要维修", "share_household": "y"},
        headers=EN,
    )
    assert response.status_code == 422
    assert "has not consented to sharing its information" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


def test_the_page_of_a_visit_outside_the_scope_is_not_found(client, login, town_place, cast, visit, make_user):
    other_point = org.create_point(
        SYSTEM, station_id=town_place["station"].id, name="金溪社会工作服务点", community_ids=[town_place["金溪"].id]
    )
    login(make_user("social_worker", f"service_point:{other_point.id}"))
    assert client.get(f"/needs/from-visit/{visit.id}").status_code == 404
    assert client.post(f"/needs/from-visit/{visit.id}", data={"category": "other"}).status_code == 404


def test_only_caseworkers_open_the_page(client, login, cast, visit):
    login(cast["league"])
    assert client.get(f"/needs/from-visit/{visit.id}").status_code == 403


def test_the_public_status_page_of_a_visit_need_shows_nothing_of_the_household(client, town_place, cast, visit):
    socialwork.record_consent(
        cast["worker"], visit.household_id, purpose="referral", method="signed_paper", given_by=HEAD
    )
    need = services.raise_from_visit(cast["worker"], visit.id, _data(town_place), share_household=True)
    text = client.get(f"/needs/track/{need.tracking_number}").get_data(as_text=True)
    for personal in (HEAD, ADDRESS, PHONE, cast["worker"].display_name):
        assert personal not in text
