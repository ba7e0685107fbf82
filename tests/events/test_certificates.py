"""Numbered service-hours certificates: printing issues one (the same again while no hours change), anyone verifies
it by its number on a page or the API with the holder's name masked and nothing else personal, it stays verifiable
without a name after the account is closed, the data download lists it, and lookups are limited per address."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.events.conftest import NOW, at
from volunteer_app import create_app
from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.identity import mask_name
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import to_local
from volunteer_app.events import hours, signups
from volunteer_app.events.hours import certificates
from volunteer_app.events.models import ServiceCertificate
from volunteer_app.extensions import db, limiter
from volunteer_app.privacy import closing, holdings

NUMBER = re.compile(r"ZS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


@pytest.fixture
def served(register, event, role):
    """王小明, three approved hours at the event's session."""
    person = register(name="王小明", phone="13912345678")
    signup = signups.sign_up(person.user, role.id, now=NOW)
    hours.mark_attendance(SYSTEM, event.sessions[0].id, [signup.id], "present", now=at(7, 3))
    hours.approve_hours(SYSTEM, event.sessions[0].id, now=at(7, 4))
    return person


def _printed_number(client) -> str:
    page = client.get("/me/hours/certificate").get_data(as_text=True)
    return re.search(r'id="cert-number">([^<]*)<', page).group(1)


def test_printing_issues_a_number_and_printing_again_gives_the_same_one(client, login, served, event):
    login(served.user)
    number = _printed_number(client)
    assert NUMBER.fullmatch(number)
    assert _printed_number(client) == number  # a reload or a second copy: the same certificate
    issued = db.session.scalar(sa.select(ServiceCertificate))
    assert (issued.volunteer_id, issued.minutes, issued.stars) == (served.id, 180, 0)
    assert issued.period_from == issued.period_to == to_local(event.sessions[0].starts_at).date()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceCertificate)) == 1


def _issued() -> list[tuple[str, int]]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(ServiceCertificate.number, ServiceCertificate.minutes)))


def _audited() -> list[dict]:
    return list(db.session.scalars(sa.select(AuditEntry.detail).where(AuditEntry.object_type == "service_certificate")))


def test_issuing_is_audited_once_per_certificate(served):
    first = hours.issue_certificate(served.user).issued
    assert hours.issue_certificate(served.user).issued.id == first.id  # printed again: nothing new to audit
    assert _audited() == [{"number": first.number, "minutes": 180, "through_entry_id": first.through_entry_id}]


def test_two_prints_at_once_issue_one_certificate(app, served, monkeypatch):
    """Both prints look for the certificate and find none before either writes one; the unique index lets one
    through and the other gives back the first one's certificate."""
    user_id = served.user.id  # plain ids only: the threads must not touch this test's session or its objects
    both_looked = threading.Barrier(2, timeout=10)
    look_up = certificates._certificate_of
    waited = threading.local()

    def look_up_then_wait(state):
        found = look_up(state)
        if not getattr(waited, "once", False):
            waited.once = True
            both_looked.wait()
        return found

    monkeypatch.setattr(certificates, "_certificate_of", look_up_then_wait)
    numbers: list[str] = []

    def print_record():
        with app.app_context():
            numbers.append(hours.issue_certificate(db.session.get(User, user_id)).issued.number)

    threads = [threading.Thread(target=print_record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(numbers) == 2 and numbers[0] == numbers[1]
    assert _issued() == [(numbers[0], 180)]
    assert [entry["number"] for entry in _audited()] == [numbers[0]]


def test_new_hours_make_a_new_certificate_and_the_old_one_keeps_what_it_certified(client, login, served, make_event):
    login(served.user)
    first = _printed_number(client)
    session = {"starts_at": at(8), "ends_at": at(8, 3), "roles": [{"name": "巡河员", "capacity": 5}]}
    later = make_event(title="北沙河涌巡查", sessions=[session])
    signup = signups.sign_up(served.user, later.sessions[0].roles[0].id, now=NOW)
    hours.mark_attendance(SYSTEM, later.sessions[0].id, [signup.id], "present", now=at(8, 3))
    hours.approve_hours(SYSTEM, later.sessions[0].id, now=at(8, 4))
    second = _printed_number(client)
    assert second != first
    assert client.get(f"/api/v1/certificates/{first}").get_json()["hours"] == 3.0
    assert client.get(f"/api/v1/certificates/{second}").get_json()["hours"] == 6.0


def test_a_record_without_hours_gets_no_number(client, login, register):
    person = register()
    login(person.user)
    page = client.get("/me/hours/certificate").get_data(as_text=True)
    assert 'id="cert-number"' not in page and 'id="cert-qr"' not in page
    assert db.session.scalar(sa.select(ServiceCertificate)) is None


def test_the_printed_certificate_carries_a_code_to_its_public_verify_page(app, client, login, served):
    login(served.user)
    page = client.get("/me/hours/certificate").get_data(as_text=True)
    number = re.search(r'id="cert-number">([^<]*)<', page).group(1)
    assert "<svg" in re.search(r'id="cert-qr".*?</figure>', page, re.S).group(0)
    assert app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/verify/{number}" in page


def test_anyone_verifies_a_certificate_and_learns_the_hours_and_a_masked_name_only(app, client, login, served):
    login(served.user)
    number = _printed_number(client)
    client = app.test_client()  # a stranger, signed in nowhere
    page = client.get(f"/verify/{number}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"  # no cache names them after they close their account
    text = page.get_data(as_text=True)
    assert number in text and "王*明" in text and "3.0" in text
    for personal in ("王小明", served.phone, served.id_number, served.id_number_masked, served.user.username):
        assert personal not in text
    answer = client.get(f"/api/v1/certificates/{number}")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body == {
        "number": number,
        "hours": 3.0,
        "stars": 0,
        "period_from": body["period_from"],
        "period_to": body["period_from"],
        "issuer": body["issuer"],
        "issued_on": body["issued_on"],
        "holder": "王*明",
        "account_closed": False,
    }
    assert "里水镇" in body["issuer"]


def test_a_number_is_read_as_typed_and_an_unknown_one_is_not_found(client, login, served):
    login(served.user)
    number = _printed_number(client)
    typed = number.lower().replace("-", " ").replace("0", "o")
    assert client.get(f"/verify/{typed}").headers["Location"].endswith(f"/verify/{number}")
    assert client.get(f"/verify?number={typed}").headers["Location"].endswith(f"/verify/{number}")
    assert client.get("/verify?number=XQ-1234-5678").status_code == 200  # asked again, with the expected shape
    assert client.get("/verify/ZS-0000-0000").status_code == 404
    assert client.get("/api/v1/certificates/ZS-0000-0000").status_code == 404
    assert client.get("/api/v1/certificates/nonsense").status_code == 404


def test_closing_the_account_keeps_the_certificate_verifiable_without_a_name(client, login, served):
    login(served.user)
    number = _printed_number(client)
    closing.close_account(db.session.merge(served.user), PASSWORD, now=at(8))
    issued = db.session.scalar(sa.select(ServiceCertificate).where(ServiceCertificate.number == number))
    assert issued.volunteer_id is None and issued.minutes == 180
    body = client.get(f"/api/v1/certificates/{number}").get_json()
    assert (body["hours"], body["holder"], body["account_closed"]) == (3.0, "", True)
    text = client.get(f"/verify/{number}").get_data(as_text=True)
    assert "3.0" in text and "王" not in text.split("<main", 1)[1] and closing.CLOSED_VOLUNTEER_NAME not in text


def test_my_data_lists_my_certificates(client, login, served):
    login(served.user)
    number = _printed_number(client)
    data = client.get("/me/data.json").get_json()
    assert [c["number"] for c in data["sections"]["certificates"]] == [number]
    assert data["sections"]["certificates"][0]["total_hours"] == hours.hours_text(180)
    assert number in client.get("/me/data").get_data(as_text=True)
    assert any(s.key == "certificates" for s in holdings.my_data(db.session.merge(served.user)).sections)


def test_a_name_is_masked_to_its_first_and_last_character():
    assert [mask_name(n) for n in ("王小明", "欧阳娜娜", "张三", "李", "", None)] == [
        "王*明",
        "欧**娜",
        "张*",
        "李*",
        "",
        "",
    ]


@pytest.fixture
def limited(tmp_path):
    app = create_app(
        "testing",
        INSTANCE_PATH=str(tmp_path),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'limits.db'}",
        RATELIMIT_ENABLED=True,
        CERTIFICATE_VERIFY_RATE_LIMIT="2 per minute",
    )
    with app.app_context():
        db.create_all()
        limiter.reset()
    yield app.test_client()
    limiter.reset()


def test_lookups_are_limited_per_address_the_page_and_the_api_together(limited):
    here = {"REMOTE_ADDR": "10.0.0.1"}
    assert limited.get("/verify/ZS-0000-0000", environ_base=here).status_code == 404
    assert limited.get("/api/v1/certificates/ZS-0000-0001", environ_base=here).status_code == 404
    assert limited.get("/verify/ZS-0000-0002", environ_base=here).status_code == 429
    assert limited.get("/api/v1/certificates/ZS-0000-0003", environ_base=here).status_code == 429
    assert limited.get("/verify/ZS-0000-0002", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 404
