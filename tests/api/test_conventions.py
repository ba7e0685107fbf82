from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from volunteer_app.api import InputSchema, LocalDateTime


class WhenSchema(InputSchema):
    at = LocalDateTime(required=True)


def test_a_time_without_offset_is_read_as_local_time(app):
    loaded = WhenSchema().load({"at": "2026-03-15T09:00:00"})["at"]
    assert loaded == datetime(2026, 3, 15, 1, 0, tzinfo=UTC)


def test_a_time_with_an_offset_keeps_its_instant(app):
    loaded = WhenSchema().load({"at": "2026-03-15T09:00:00+00:00"})["at"]
    assert loaded == datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


def test_times_go_out_in_local_time_with_their_offset(app):
    dumped = WhenSchema().dump({"at": datetime(2026, 3, 15, 1, 0, tzinfo=UTC)})
    assert dumped["at"] == "2026-03-15T09:00:00+08:00"


def test_a_malformed_time_is_a_field_error(app):
    with pytest.raises(ValidationError) as error:
        WhenSchema().load({"at": "next tuesday"})
    assert "at" in error.value.messages
