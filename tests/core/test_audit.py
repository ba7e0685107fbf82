import pytest
import sqlalchemy as sa

from volunteer_app.core import audit
from volunteer_app.core.audit import AuditEntry, AuditFilter
from volunteer_app.core.errors import Forbidden
from volunteer_app.extensions import db


def test_creating_a_user_is_recorded_with_who_and_what(make_user):
    admin = make_user("admin")
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "create")).all()
    assert [(e.object_type, e.object_id, e.actor_name) for e in entries] == [("user", str(admin.id), "system")]


def test_entries_cannot_be_changed_or_deleted(make_user):
    make_user("admin")
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    entry.reason = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(sa.select(AuditEntry)).first())
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_a_login_records_the_ip_address(client, make_user, login):
    user = make_user("volunteer")
    login(user)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.actor_id == user.id
    assert entry.ip == "127.0.0.1"


def test_only_admins_search_the_audit_log(make_user):
    with pytest.raises(Forbidden):
        audit.search(make_user("league_staff"), AuditFilter())


def test_the_audit_page_filters_by_action_and_record(client, make_user, login):
    admin = make_user("admin")
    other = make_user("volunteer", username="someone-else")
    audit.record(admin, "reveal", "household", 42, reason="home visit")
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit?action=reveal").get_data(as_text=True)
    assert "home visit" in page
    assert "服务对象户档案（42 号）" in page  # no such file (any more): its kind and number
    by_record = client.get(f"/admin/audit?object_type=user&object_id={other.id}").get_data(as_text=True)
    assert "(someone-else)" in by_record
    assert "42 号" not in by_record


def test_a_bad_date_filter_is_ignored_not_an_error(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/admin/audit?since=yesterday").status_code == 200
