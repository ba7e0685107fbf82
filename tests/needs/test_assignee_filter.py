"""The needs list's assignee filter at district scale: a search box, not a <select> of every team, group, point and
deputy. Staff type a name (suggested as they type by GET /needs/assignees, at most 20, staff only; read by the
server when no script runs); the list still filters by "kind:id", which its links carry."""

from __future__ import annotations

import re

import pytest

from tests.organisations.conftest import counted_queries
from volunteer_app.core.policy import SYSTEM
from volunteer_app.needs import services
from volunteer_app.needs.vocabulary import Assignee
from volunteer_app.organisations import services as org


@pytest.fixture
def two_needs(raise_need, cast, town_place):
    """One need with the paired team, one with the deputy 李代表."""
    for_team = raise_need(description="河涌边垃圾堆积")
    for_deputy = raise_need(description="路灯坏了不亮")
    services.assign(cast["league"], for_team.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))
    services.assign(cast["league"], for_deputy.id, services.Assignment(Assignee.DEPUTY, town_place["deputy"].id))
    return for_team, for_deputy


def _teams(town_place, n: int) -> None:
    for i in range(n):
        org.create_team(SYSTEM, name=f"里水第{i:02d}志愿服务队", kind="town_federation", town_id=town_place["town"].id)


def _listed(client, query: str) -> str:
    response = client.get(f"/needs?status=all&{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_filter_is_a_search_box_and_the_page_costs_the_same_however_many_assignees(
    client, login, cast, town_place, two_needs
):
    login(cast["league"])
    with counted_queries() as few:
        html = _listed(client, "")
    assert re.search(r'<input[^>]*name="assignee"', html) and 'list="assignee-names"' in html
    assert "js/assignee-search.js" in html

    _teams(town_place, 30)
    with counted_queries() as more:
        html = _listed(client, "")
    assert len(more) == len(few), more
    assert "里水第" not in html and not re.search(r'<option value="team:', html)


def test_a_typed_name_filters_without_script_and_the_links_carry_kind_and_id(
    client, login, cast, town_place, two_needs
):
    for_team, for_deputy = two_needs
    team = town_place["paired_team"]
    login(cast["league"])

    html = _listed(client, f"assignee={team.name}")
    assert for_team.tracking_number in html and for_deputy.tracking_number not in html
    assert f'value="{team.name}"' in html  # the field shows the name ...
    # ... the tabs, the pager and the export carry the filter as kind:id
    assert 'data-tab="open"' in html and f"status=open&amp;assignee=team:{team.id}" in html
    assert re.search(rf'href="/reports/exports/needs\?[^"]*assignee=team(:|%3A){team.id}\b', html)

    html = _listed(client, f"assignee=team:{team.id}")  # a link's filter, shown by name
    assert for_team.tracking_number in html and for_deputy.tracking_number not in html
    assert f'value="{team.name}"' in html

    html = _listed(client, "assignee=李代表")  # the only one whose name (a deputy's with their station) holds it
    assert for_deputy.tracking_number in html and for_team.tracking_number not in html


def test_a_name_of_nobody_or_of_several_says_so_and_filters_nothing(client, login, cast, town_place, two_needs):
    login(
        cast["league"],
    )
    for typed in ("没有这个人", "志愿服务队"):  # no one; both teams
        html = _listed(client, f"assignee={typed}")
        assert "is-invalid" in html and f'value="{typed}"' in html
        assert all(need.tracking_number in html for need in two_needs)


def test_the_search_suggests_at_most_twenty_by_name_to_staff_only(client, login, cast, town_place):
    _teams(town_place, 25)
    login(cast["league"])
    answer = client.get("/needs/assignees?q=里水第").get_json()["assignees"]
    assert (
        len(answer) == 20
        and answer[0]
        == {"value": answer[0]["value"], "name": "里水第00志愿服务队", "kind": "team", "label": "志愿服务队"}
    ) or answer[0]["name"] == "里水第00志愿服务队"
    assert all(a["value"].startswith("team:") for a in answer)

    deputies = client.get("/needs/assignees?q=联络站").get_json()["assignees"]
    assert {a["name"] for a in deputies} == {"李代表 · 草场人大代表联络站", "陈代表 · 草场人大代表联络站"}
    assert {a["value"] for a in deputies} == {
        f"deputy:{town_place['deputy'].id}",
        f"deputy:{town_place['other_deputy'].id}",
    }

    client.post("/logout")
    login(cast["leader"])
    assert client.get("/needs/assignees?q=里水").status_code == 403
