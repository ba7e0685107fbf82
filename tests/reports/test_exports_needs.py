"""The needs list's export: the needs page's tab and filters, never the raiser's name or phone, counted and audited
like the page."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa

from tests.needs.conftest import cast, raise_need, town_place  # noqa: F401 — fixtures
from volunteer_app.core.audit import AuditEntry
from volunteer_app.extensions import db


def exported(client, query: str) -> list[list[str]]:
    response = client.get(f"/reports/exports/needs?format=csv&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[1:]


def page_count(client, query: str) -> int:
    found = re.search(r"共 (\d+) 条|(\d+) in all", client.get(f"/needs?{query}").get_data(as_text=True))
    return int(found[1] or found[2])


def test_the_needs_export_follows_the_page_and_hides_the_raisers_contact(cast, raise_need, town_place, client, login):  # noqa: F811
    phones = [raise_need().contact_phone, raise_need(category="public_safety").contact_phone]
    raise_need(community_id=town_place["北沙"].id)
    login(cast["league"])
    rows = exported(client, "status=all")
    assert len(rows) == 3 == page_count(client, "status=all")
    text = "\n".join("\t".join(row) for row in rows)
    assert "王阿姨" not in text and not [phone for phone in phones if phone in text]
    narrowed = exported(client, "status=all&category=public_safety")
    assert len(narrowed) == 1 == page_count(client, "status=all&category=public_safety")
    assert len(exported(client, f"status=all&community_id={town_place['北沙'].id}")) == 1
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_id == "needs").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.actor_id == cast["league"].id and entry.detail["rows"] == 1
    assert entry.detail["filters"]["community_id"] == town_place["北沙"].id


def test_a_volunteer_without_needs_work_exports_nothing_more_than_the_page(cast, raise_need, client, login):  # noqa: F811
    raise_need()
    login(cast["volunteer"])
    page = client.get("/needs?status=all")
    response = client.get("/reports/exports/needs?format=csv&status=all")
    assert response.status_code == page.status_code
    if response.status_code == 200:
        assert len(list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))) - 1 == page_count(
            client, "status=all"
        )
