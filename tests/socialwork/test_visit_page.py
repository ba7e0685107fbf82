"""A visit's page names the policies it recorded (the page answered 500 for any visit with policies)."""

from __future__ import annotations

from datetime import timedelta

from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.socialwork import services


def test_a_visit_that_records_policies_opens_and_names_them(client, people, open_file, login):
    allowance = services.create_policy(SYSTEM, code="disability_allowances", name="残疾人两项补贴")
    dibao = services.create_policy(SYSTEM, code="dibao", name="最低生活保障")
    household = open_file()
    visit = services.log_visit(
        people["worker"], household.id, visited_at=utcnow() - timedelta(minutes=5), contact_type="home",
        policies={"explained": [dibao.id], "applied": [allowance.id]},
    )  # fmt: skip
    login(people["worker"])
    response = client.get(f"/social-work/households/{household.id}/visits/{visit.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "残疾人两项补贴" in page and "最低生活保障" in page


def test_policy_names_maps_ids_to_names():
    policy = services.create_policy(SYSTEM, code="dibao", name="最低生活保障")
    assert services.policy_names([policy.id]) == {policy.id: "最低生活保障"}
    assert services.policy_names([]) == {}
