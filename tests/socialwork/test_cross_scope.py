"""One service point's social worker cannot read, list, search, export or guess the ids of another point's
households, through any page or endpoint: every social-work route is walked with the other point's ids."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.socialwork import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MISSING = 987_654


@pytest.fixture
def theirs(place, people, open_file):
    """A household of the 金溪 point, with a member, visit, follow-up, consents, referral and attachment."""
    household = open_file("金溪", actor=people["other_worker"])
    member = household.members[0]
    services.record_consent(
        SYSTEM, household.id, purpose="referral", method="verbal", member_id=member.id, witness="村委"
    )
    consent = services.record_consent(SYSTEM, household.id, purpose="attachments", method="signed_paper",
                                      member_id=member.id)  # fmt: skip
    visit = services.log_visit(
        people["other_worker"], household.id, visited_at=utcnow() - timedelta(hours=1), contact_type="home",
        purpose="秘密探访", attachments=[services.Upload("photo.png", PNG)],
    )  # fmt: skip
    follow_up = services.add_follow_up(people["other_worker"], household.id, task="复访", due_on=today())
    referral = services.create_referral(people["other_worker"], household.id, target_kind="department",
                                        department="区医保局", reason="医疗救助")  # fmt: skip
    return {
        "household_id": household.id, "member_id": member.id, "visit_id": visit.id, "follow_up_id": follow_up.id,
        "consent_id": consent.id, "referral_id": referral.id, "attachment_id": visit.attachments[0].id,
        "community_id": place["金溪"].id, "secrets": [member.name, household.address, member.id_number,
                                                      member.phone, "秘密探访"],
    }  # fmt: skip


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("socialwork.", "socialwork_api.")):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, ids: dict) -> str:
    return rule.build({arg: ids[arg] for arg in rule.arguments}, append_unknown=False)[1]


def _with_missing(ids: dict) -> dict:
    return {key: (MISSING if key.endswith("_id") and key != "community_id" else value) for key, value in ids.items()}


# Every route that reaches into one household file. A new one must be added here on purpose, so that whoever adds
# it sees that the walk below tries it with another point's ids.
HOUSEHOLD_ROUTES = {
    "socialwork.add_attachments", "socialwork.add_follow_up", "socialwork.anonymise", "socialwork.attachment",
    "socialwork.change_head", "socialwork.close_follow_up", "socialwork.close_household", "socialwork.edit_household",
    "socialwork.edit_member", "socialwork.edit_visit", "socialwork.household", "socialwork.member_leaves",
    "socialwork.move_member", "socialwork.new_consent", "socialwork.new_member", "socialwork.new_referral",
    "socialwork.new_visit", "socialwork.print_household", "socialwork.referral_event", "socialwork.referral_status",
    "socialwork.reopen_household", "socialwork.reveal", "socialwork.visit", "socialwork.withdraw_consent",
    "socialwork_api.AttachmentById", "socialwork_api.ConsentWithdraw", "socialwork_api.Consents",
    "socialwork_api.FollowUpById", "socialwork_api.FollowUps", "socialwork_api.HouseholdById",
    "socialwork_api.HouseholdClose", "socialwork_api.HouseholdHead", "socialwork_api.HouseholdReopen",
    "socialwork_api.HouseholdWhoLooked", "socialwork_api.MemberById", "socialwork_api.MemberLeave",
    "socialwork_api.MemberMove", "socialwork_api.MemberReveal", "socialwork_api.Members",
    "socialwork_api.ReferralById", "socialwork_api.ReferralEvent", "socialwork_api.Referrals",
    "socialwork_api.VisitAttachments", "socialwork_api.VisitById", "socialwork_api.Visits",
}  # fmt: skip
# The lists, searches and reports: walked too, for leaks of another point's data.
LIST_ROUTES = {
    "socialwork.archive", "socialwork.coverage", "socialwork.export", "socialwork.home", "socialwork.households",
    "socialwork.ledger", "socialwork.ledgers", "socialwork.new_household", "socialwork.policies",
    "socialwork_api.Coverage", "socialwork_api.Households", "socialwork_api.MyFollowUps", "socialwork_api.Policies",
    "socialwork_api.Resources",
}  # fmt: skip


def test_the_walk_covers_every_social_work_route(app):
    walked = list(_routes(app))
    assert {rule.endpoint for rule, _method in walked if "household_id" in rule.arguments} == HOUSEHOLD_ROUTES
    assert {rule.endpoint for rule, _method in walked if "household_id" not in rule.arguments} == LIST_ROUTES


def test_another_points_worker_reaches_nothing_of_a_household(app, client, people, theirs, token_for, login):
    worker = people["worker"]
    headers = token_for(worker)
    login(worker)
    problems = []
    body = {"reason": "x", "status": "done", "task": "x", "due_on": "2030-01-01", "purpose": "referral",
            "method": "verbal", "witness": "x", "to_household_id": theirs["household_id"], "relation": "other",
            "member_id": theirs["member_id"], "target_kind": "department", "department": "x", "note": "x",
            "name": "x", "address": "x", "community_id": theirs["community_id"], "members": []}  # fmt: skip
    for rule, method in _routes(app):
        url = _url(rule, theirs)
        is_api = url.startswith("/api/")
        if is_api:
            response = client.open(url, method=method, headers=headers, json={} if method == "GET" else body)
        else:
            response = client.open(url, method=method, data=body if method == "POST" else None)
        text = response.get_data(as_text=True)
        leaked = [s for s in theirs["secrets"] if s and s in text]
        if response.status_code >= 500 or leaked:
            problems.append(f"{method} {url}: {response.status_code} leaked {leaked}")
        if "household_id" in rule.arguments:
            if response.status_code in (200, 201, 302) and not (
                response.status_code == 302 and "/login" in response.headers.get("Location", "")
            ):
                problems.append(f"{method} {url}: answered {response.status_code}")
            if is_api:
                # Guessing ids: another point's household answers exactly like one that does not exist.
                missing = client.open(_url(rule, _with_missing(theirs)), method=method, headers=headers,
                                      json={} if method == "GET" else body)  # fmt: skip
                if (response.status_code, response.get_json()) != (missing.status_code, missing.get_json()):
                    problems.append(f"{method} {url}: {response.status_code} differs from a missing id")
    assert problems == []
    views = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.actor_id == worker.id,
            AuditEntry.object_type == "household",
            AuditEntry.object_id == str(theirs["household_id"]),
        )
    ).all()
    assert views == []


def test_lists_search_and_export_leave_out_another_points_households(client, people, theirs, open_file, login,
                                                                     token_for):  # fmt: skip
    mine = open_file("新兴")
    headers = token_for(people["worker"])
    listed = client.get("/api/v1/households?per_page=100", headers=headers).get_json()
    assert [h["id"] for h in listed["items"]] == [mine.id]
    for q in theirs["secrets"][:3]:
        assert client.get("/api/v1/households", query_string={"q": q}, headers=headers).get_json()["total"] == 0
    login(people["worker"])
    page = client.get("/social-work/households").get_data(as_text=True)
    assert mine.address in page and theirs["secrets"][1] not in page
    for q in theirs["secrets"][:3]:
        found = client.get("/social-work/households", query_string={"q": q}).get_data(as_text=True)
        assert "data-household=" not in found
    for fmt in ("csv", "xlsx"):
        export = client.post("/social-work/export", data={"format": fmt, "unmasked": "1", "reason": "台账核对"})
        assert export.status_code == 200
        assert theirs["secrets"][1].encode() not in export.data
    csv_text = client.post("/social-work/export", data={"format": "csv"}).get_data(as_text=True)
    assert mine.address in csv_text
    ledger = client.get(f"/social-work/ledger/{theirs['community_id']}").get_data(as_text=True)
    assert theirs["secrets"][1] not in ledger


def test_the_station_supervisor_reaches_both_points_and_others_reach_no_file(client, people, theirs, token_for):
    url = f"/api/v1/households/{theirs['household_id']}"
    assert client.get(url, headers=token_for(people["supervisor"])).status_code == 200
    for who in ("admin", "league", "volunteer"):
        assert client.get(url, headers=token_for(people[who])).status_code == 403
        assert client.get("/api/v1/households", headers=token_for(people[who])).status_code == 403
    assert client.get(url).status_code == 401


def test_a_page_for_another_points_household_is_the_not_found_page(client, people, theirs, login):
    login(people["worker"]).get("/")  # the welcome message is shown and gone
    response = client.get(f"/social-work/households/{theirs['household_id']}")
    missing = client.get(f"/social-work/households/{MISSING}")
    assert response.status_code == missing.status_code == 404
    assert re.sub(r"\d+", "", response.get_data(as_text=True)) == re.sub(r"\d+", "", missing.get_data(as_text=True))
