"""The pages, as a worker on a phone uses them: open a file, log a visit, see what is due; and as a supervisor,
league staff and admin."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.socialwork.conftest import make_id_number
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import to_local, today, utcnow
from volunteer_app.extensions import db
from volunteer_app.socialwork import services
from volunteer_app.socialwork.models import Household, Visit


def test_a_worker_opens_a_file_and_logs_a_visit_with_a_follow_up(client, place, people, login):
    login(people["worker"])
    form = client.get("/social-work/households/new")
    assert form.status_code == 200 and "新兴" in form.get_data(as_text=True)
    assert "金溪 (" not in form.get_data(as_text=True)
    head_id = make_id_number(__import__("datetime").date(1950, 7, 8), 244)
    response = client.post("/social-work/households/new", data={
        "community_id": place["新兴"].id, "address": "新兴社区东街12号", "household_type": "tekun",
        "name": "何细妹", "id_number": head_id, "phone": "13926010004", "flags": ["tekun"],
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    household = db.session.scalars(sa.select(Household)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "何细妹" in page and head_id not in page and "440605********" in page
    when = to_local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    due = (today() + timedelta(days=3)).isoformat()
    saved = client.post(f"/social-work/households/{household.id}/visits/new", data={
        "visited_at": when, "contact_type": "home", "met": "何细妹", "purpose": "季度探访", "needs": ["housing"],
        "risk_level": "high", "follow_up_task": "跟进房屋维修", "follow_up_due_on": due,
    })  # fmt: skip
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    visit = db.session.scalars(sa.select(Visit)).one()
    assert visit.workers[0].id == people["worker"].id and visit.needs == ["housing"]
    home = client.get("/social-work/").get_data(as_text=True)
    assert "跟进房屋维修" in home
    card = client.get("/").get_data(as_text=True)
    assert "1" in card and "/social-work/" in card


def test_a_visit_form_with_mistakes_answers_422_beside_the_fields(client, people, open_file, login):
    household = open_file()
    login(people["worker"])
    response = client.post(
        f"/social-work/households/{household.id}/visits/new",
        data={"visited_at": "2999-01-01T10:00", "contact_type": "home", "risk_level": "low", "follow_up_task": "x"},
    )
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True)


def test_reading_a_file_is_audited_and_the_supervisor_sees_who_looked(client, people, open_file, login):
    household = open_file()
    login(people["colleague"])
    assert client.get(f"/social-work/households/{household.id}").status_code == 200
    client.post("/logout")
    login(people["supervisor"])
    tab = client.get(f"/social-work/households/{household.id}?tab=looked").get_data(as_text=True)
    assert "chenjie" in tab and "lijing" in tab
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "view")).all()
    assert {e.actor_name for e in entries} >= {"chenjie", "lijing"}


def test_the_worker_reveals_a_number_and_it_is_logged(client, people, open_file, login):
    household = open_file()
    head = household.members[0]
    certificate = head.id_number + "42"
    services.update_member(people["worker"], household.id, head.id, {"disability_certificate": certificate})
    login(people["worker"])
    masked = client.get(f"/social-work/households/{household.id}").get_data(as_text=True)
    assert head.id_number not in masked and certificate not in masked and head.disability_certificate_masked in masked
    page = client.post(f"/social-work/households/{household.id}/members/{head.id}/reveal", data={"reason": "办证"})
    assert head.id_number in page.get_data(as_text=True) and certificate in page.get_data(as_text=True)
    edit_form = client.get(f"/social-work/households/{household.id}/members/{head.id}/edit").get_data(as_text=True)
    assert head.id_number not in edit_form and certificate not in edit_form  # never put in a form's value
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).one().reason == "办证"
    client.post("/logout")
    login(people["colleague"])
    assert client.post(f"/social-work/households/{household.id}/members/{head.id}/reveal").status_code == 403


def test_print_ledger_coverage_and_policies_render(client, people, open_file, login):
    household = open_file()
    services.log_visit(SYSTEM, household.id, visited_at=utcnow() - timedelta(hours=3), contact_type="home",
                       worker_ids=[people["worker"].id])  # fmt: skip
    login(people["worker"])
    printed = client.get(f"/social-work/households/{household.id}/print").get_data(as_text=True)
    assert household.address in printed and household.members[0].id_number not in printed
    ledger = client.get(f"/social-work/ledger/{household.community_id}").get_data(as_text=True)
    assert household.address in ledger and 'id="ledger"' in ledger
    coverage = client.get("/social-work/coverage").get_data(as_text=True)
    assert "<svg" in coverage and people["worker"].display_name in coverage
    assert client.get("/social-work/policies").status_code == 200
    client.post("/logout")
    login(people["league"])
    numbers = client.get("/social-work/coverage")
    assert numbers.status_code == 200 and household.address not in numbers.get_data(as_text=True)
    assert client.get("/social-work/households").status_code == 403


def test_the_admin_archive_lists_numbers_only(client, people, open_file, login):
    household = open_file()
    services.close_household(people["worker"], household.id, reason="迁出")
    household.status, household.archived_at = "archived", utcnow()
    db.session.commit()
    login(people["admin"])
    page = client.get("/social-work/archive").get_data(as_text=True)
    assert f"{household.id}" in page and household.members[0].name not in page
    done = client.post(f"/social-work/archive/{household.id}/anonymise", data={"reason": "保存期满"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, household.id).anonymised_at is not None


def test_an_idle_session_ends_before_a_file_is_shown(client, app, people, open_file, login):
    household = open_file()
    login(people["worker"])
    with client.session_transaction() as session:
        session["last_seen"] = utcnow().timestamp() - (app.config["SESSION_IDLE_MINUTES"] + 1) * 60
    response = client.get(f"/social-work/households/{household.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "view")).all()
