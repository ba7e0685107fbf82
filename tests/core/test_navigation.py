"""The menu: each role sees its links; administration links fold into one drop-down; the language switch offers
the other language."""

from __future__ import annotations

import re


def admin_menu(page: str) -> list[str] | None:
    found = re.search(r'<li class="nav-item dropdown" id="menu-admin">(.*?)</li>\s*</ul>\s*</li>', page, re.S)
    return None if found is None else re.findall(r'class="dropdown-item" href="([^"]+)"', found.group(1))


def test_administration_links_fold_into_one_drop_down_by_role(client, make_user, login):
    login(make_user("admin"))
    page = client.get("/").get_data(as_text=True)
    assert admin_menu(page) == [
        "/admin/audit", "/admin/users", "/admin/holidays", "/hours-corrections", "/admin/outbox"
    ]  # fmt: skip
    assert page.count('href="/admin/users"') == 2  # the drop-down and the administration card; not the menu bar
    client.post("/logout")

    login(make_user("league_staff"))
    assert admin_menu(client.get("/").get_data(as_text=True)) == ["/admin/holidays", "/hours-corrections"]
    client.post("/logout")

    login(make_user("volunteer"))
    page = client.get("/").get_data(as_text=True)
    assert admin_menu(page) is None and "/admin/" not in page


def test_the_language_switch_offers_the_other_language(client):
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.findall(r'name="lang" value="([^"]+)"', chinese) == ["en"]
    assert re.findall(r'name="lang" value="([^"]+)"', english) == ["zh_CN"]
