"""Certificates minted twice for the same state of a record, before issuing was made idempotent, survive the migration
that adds the unique index: both still verify, the later twin is marked a duplicate and left out of the index."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import PASSWORD
from tests.organisations.conftest import make_id_number
from volunteer_app import create_app
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org

pytestmark = pytest.mark.no_db

BEFORE = "e2dc01606c61"  # the revision before the index
WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _certificate(number: str, volunteer_id: int | None, minutes: int) -> None:
    db.session.execute(
        sa.text(
            "INSERT INTO service_certificates (number, volunteer_id, minutes, stars, period_from, period_to,"
            " through_entry_id, issuer, issued_at) VALUES (:number, :volunteer_id, :minutes, 0, :day, :day, 7,"
            " '里水镇团委', :when)"
        ),
        {"number": number, "volunteer_id": volunteer_id, "minutes": minutes, "day": date(2026, 10, 1), "when": WHEN},
    )


def test_twins_minted_before_the_index_stay_verifiable_and_the_first_is_the_one(empty_database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade(revision=BEFORE)
        town = org.create_town(SYSTEM, name="里水镇")
        community = org.create_community(SYSTEM, town_id=town.id, name="草场")
        person = org.register_volunteer(
            None, username="wang", password=PASSWORD, name="王小明", phone="13912345678",
            id_number=make_id_number(date(1995, 1, 1)), political_status="league_member", community_id=community.id,
        )  # fmt: skip
        _certificate("ZS-AAAA-AAAA", person.id, 180)
        _certificate("ZS-BBBB-BBBB", person.id, 180)  # its twin, minted by a second print at the same moment
        _certificate("ZS-CCCC-CCCC", person.id, 240)  # another state of the record
        _certificate("ZS-DDDD-DDDD", None, 180)  # of a closed account: named by no one, so never a twin
        _certificate("ZS-EEEE-EEEE", None, 180)
        db.session.commit()

        upgrade(revision="heads")
        marked = db.session.execute(sa.text("SELECT number, duplicate FROM service_certificates ORDER BY number"))
        assert [(number, bool(duplicate)) for number, duplicate in marked] == [
            ("ZS-AAAA-AAAA", False),
            ("ZS-BBBB-BBBB", True),
            ("ZS-CCCC-CCCC", False),
            ("ZS-DDDD-DDDD", False),
            ("ZS-EEEE-EEEE", False),
        ]
        assert hours.verify_certificate("ZS-BBBB-BBBB").hours == 3.0  # its paper still verifies
        with pytest.raises(sa.exc.IntegrityError):  # and the index now refuses a third of the same state
            _certificate("ZS-FFFF-FFFF", person.id, 180)
            db.session.flush()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
