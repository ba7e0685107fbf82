"""A backup restored into an empty database, on a machine with a new instance folder, gives back every record,
readable: encrypted numbers decrypt with the keys that travelled in the archive."""

from __future__ import annotations

import stat
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from volunteer_app import create_app
from volunteer_app.accounts import services as accounts
from volunteer_app.core import backup
from volunteer_app.core.crypto import EncryptedString
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile

pytestmark = [pytest.mark.no_db, pytest.mark.slow]
ID_NUMBER = make_id_number(date(1995, 3, 8), sequence=321)


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _decrypt_everything() -> int:
    """Reads every encrypted value of every table through the ORM type; returns how many were read."""
    read = 0
    for table in db.metadata.sorted_tables:
        for column in (c for c in table.columns if isinstance(c.type, EncryptedString)):
            read += sum(1 for value in db.session.scalars(sa.select(column)) if value is not None)
    return read


def test_a_restored_backup_gives_back_every_record_readable(empty_databases, tmp_path):
    source = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_databases("backup_source"),
                        INSTANCE_PATH=str(tmp_path / "old-server"))  # fmt: skip
    archive = tmp_path / "shanzhi.tar.gz"
    with source.app_context():
        upgrade(revision="heads")
        town = org.create_town(SYSTEM, name="里水镇")
        community = org.create_community(SYSTEM, town_id=town.id, name="草场")
        org.register_volunteer(
            None, username="liang", password=PASSWORD, name="梁子轩", phone="13800138000", id_number=ID_NUMBER,
            political_status="league_member", community_id=community.id,
        )  # fmt: skip
        before, encrypted = _counts(), _decrypt_everything()
        result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    target_url = empty_databases("backup_target")
    target = create_app("testing", SQLALCHEMY_DATABASE_URI=target_url, INSTANCE_PATH=str(tmp_path / "new-server"))
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        again = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert again.exit_code == 1 and "not empty" in again.output  # never over a database in use
        db.engine.dispose()

    # The new server starts with the keys the archive brought into its instance folder.
    restarted = create_app("testing", SQLALCHEMY_DATABASE_URI=target_url, INSTANCE_PATH=str(tmp_path / "new-server"))
    with restarted.app_context():
        assert _counts() == before
        assert _decrypt_everything() == encrypted > 0
        profile = db.session.scalar(sa.select(VolunteerProfile))
        assert profile.id_number == ID_NUMBER
        assert accounts.authenticate("liang", PASSWORD).username == "liang"
        db.session.remove()
        db.engine.dispose()


def test_a_backup_of_another_kind_of_database_is_refused(app, tmp_path):
    archive = tmp_path / "b.tar.gz"
    with app.app_context():
        backup.create(archive)
        kind_here = db.engine.url.get_backend_name()
    elsewhere = "postgresql+psycopg://postgres@127.0.0.1/none" if kind_here == "sqlite" else "sqlite://"
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=elsewhere, INSTANCE_PATH=str(tmp_path / "x"))
    with other.app_context(), pytest.raises(backup.BackupError, match="backup; the configured database is"):
        backup.restore(archive)
