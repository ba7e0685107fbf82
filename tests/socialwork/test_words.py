"""The words a social worker reads: household members are 成员, a follow-up's button is an action, plurals."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from volunteer_app.core import time
from volunteer_app.core.policy import SYSTEM
from volunteer_app.socialwork import services


def test_the_household_page_adds_a_member_and_marks_a_follow_up_done(client, login, people, open_file):
    household = open_file()
    services.add_follow_up(people["worker"], household.id, task="复访", due_on=time.today())
    login(people["worker"])
    members = client.get(f"/social-work/households/{household.id}?tab=members").get_data(as_text=True)
    assert "添加成员" in members and "添加队员" not in members
    follow_ups = client.get(f"/social-work/households/{household.id}?tab=follow-ups").get_data(as_text=True)
    assert "待完成" in follow_ups and "标记完成" in follow_ups and "已完成" not in follow_ups
    home = client.get("/social-work/").get_data(as_text=True)
    assert "标记完成" in home


def test_overdue_follow_ups_are_counted_in_real_plural_forms(app, people, open_file):
    household = open_file()
    today = time.today()
    services.add_follow_up(SYSTEM, household.id, task="陪诊", due_on=today - timedelta(days=3))

    def overdue_prompt(locale: str) -> str:
        with app.test_request_context(), force_locale(locale):
            return next(p.message for p in services.prompts(household, on=today) if p.kind == "follow_up")

    assert overdue_prompt("en") == "1 follow-up overdue."
    services.add_follow_up(SYSTEM, household.id, task="复访", due_on=today - timedelta(days=1))
    assert overdue_prompt("en") == "2 follow-ups overdue."
    assert overdue_prompt("zh_CN") == "2 项跟进已逾期。"
