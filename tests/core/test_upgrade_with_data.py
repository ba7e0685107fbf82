"""A deployment made at the first migration, with data written at the stages it went through, upgrades to the
newest schema with every record readable: accounts log in, numbers encrypted on the way read back and are found by
their blind index. Each later migration must keep this green."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from volunteer_app import create_app
from volunteer_app.accounts import services as accounts
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.crypto import blind_index
from volunteer_app.extensions import db
from volunteer_app.organisations.models import VolunteerProfile

pytestmark = pytest.mark.no_db

FIRST = "d45892e24557"  # accounts and the audit log
ORGANISATIONS = "9766ebb6d0d4"  # the registry, numbers still in plain text
ID_NUMBER = "44060519950101123X"
WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _insert(table: str, **values) -> None:
    """A row as an older version of the app wrote it (explicit ids only where no later insert takes a number from the
    table's sequence on PostgreSQL)."""
    columns = ", ".join(values)
    db.session.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values
    )


def test_a_database_from_the_first_migration_upgrades_with_its_data(empty_database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade(revision=FIRST)
        _insert(
            "users", id=1, username="liang", display_name="梁子轩", active=True, failed_logins=0, created_at=WHEN,
            password_hash=generate_password_hash("correct-horse-9", method="scrypt"),
        )  # fmt: skip
        _insert("role_grants", id=1, user_id=1, role="volunteer")
        _insert("audit_entries", at=WHEN, actor_id=1, actor_name="liang", action="login", object_type="user",
                object_id="1")  # fmt: skip
        db.session.commit()

        upgrade(revision=ORGANISATIONS)
        _insert("towns", id=1, name="里水镇", district="南海区", created_at=WHEN)
        _insert("communities", id=1, town_id=1, name="草场", kind="community", created_at=WHEN)
        _insert(
            "volunteer_profiles", id=1, user_id=1, name="梁子轩", phone="13800138000", id_number=ID_NUMBER, sex="M",
            birth_date=date(1995, 1, 1), political_status="league_member", community_id=1, skills="[]",
            availability="[]", guardian_name="梁父", guardian_phone="13900139000", guardian_consent_at=WHEN,
            created_at=WHEN, updated_at=WHEN,
        )  # fmt: skip
        db.session.commit()

        upgrade(revision="heads")
        db.session.expire_all()
        user = accounts.authenticate("liang", "correct-horse-9")
        assert (user.display_name, user.roles, user.session_version) == ("梁子轩", ["volunteer"], 1)
        profile = db.session.get(VolunteerProfile, 1)
        assert (profile.id_number, profile.guardian_phone) == (ID_NUMBER, "13900139000")
        stored = db.session.execute(sa.text("SELECT id_number, guardian_phone FROM volunteer_profiles")).one()
        assert ID_NUMBER not in stored.id_number and "13900139000" not in stored.guardian_phone  # encrypted at rest
        found = db.session.scalar(sa.select(VolunteerProfile.id).where(
            VolunteerProfile.id_number_digest == blind_index(ID_NUMBER)
        ))  # fmt: skip
        assert found == 1
        assert (
            db.session.scalar(sa.select(AuditEntry.at).where(AuditEntry.actor_name == "liang").order_by(AuditEntry.id))
            == WHEN
        )
        db.session.remove()
        db.engine.dispose()
