from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError, fields

from volunteer_app.api import InputSchema, LocalDateTime
from volunteer_app.events.models import HolidayOverride
from volunteer_app.extensions import db


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


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00",  # local time: UTC would be in year 0
        "9999-12-31T23:59:59-12:00",  # UTC would be in year 10000
        "1900-06-01T12:00:00",  # the time zone's local mean time: an offset of +08:05:43, which ISO 8601 refuses
        "1969-12-31T23:59:59Z",
        "3000-01-01T00:00:00Z",
    ],
)
def test_a_time_outside_the_years_the_app_knows_is_a_field_error(app, at):
    with pytest.raises(ValidationError) as error:
        WhenSchema().load({"at": at})
    assert "at" in error.value.messages


@pytest.mark.parametrize("at", ["1970-01-01T00:00:00Z", "2999-12-31T23:59:59+08:00"])
def test_times_from_1970_to_2999_are_taken(app, at):
    assert WhenSchema().load({"at": at})["at"].tzinfo == UTC


def test_a_time_that_would_overflow_is_a_422_not_a_500(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    response = client.get("/api/v1/events?from=0001-01-01T00:00:00", headers=headers)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["from"]


# ---------------------------------------------------------------------------------------------- NUL characters


class NotesSchema(InputSchema):
    text = fields.String()
    tags = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


@pytest.mark.parametrize(
    ("data", "field"),
    [({"text": "a\x00b"}, "text"), ({"tags": {"a": ["b", "\x00"]}}, "tags"), ({"tags": {"\x00": []}}, "tags")],
)
def test_a_nul_character_in_a_value_or_a_key_is_an_error_of_its_field(app, data, field):
    with pytest.raises(ValidationError) as error:
        NotesSchema().load(data)
    assert list(error.value.messages) == [field]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        # On PostgreSQL these were server errors: it refuses NUL in a query's text as in a row's.
        ("GET", "/api/v1/users?q=a%00b", None, "q"),
        ("GET", "/api/v1/outbox?kind=%00", None, "kind"),
        ("POST", "/api/v1/auth/token", {"username": "admin\x00", "password": "x"}, "username"),
        ("POST", "/api/v1/liaison-stations", {"name": "l", "reception_weekday": 0, "reception_start": "14:00",
                                              "reception_end": "17:00", "deputies": [{"name": "\x00"}]},
         "deputies.0.name"),
    ],
)  # fmt: skip
def test_a_nul_character_is_a_422_naming_its_field(client, make_user, token_for, method, path, body, field):
    response = client.open(path, method=method, json=body, headers=token_for(make_user("admin")))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_a_note_with_a_nul_character_is_refused_and_nothing_is_stored(client, make_user, token_for):
    """SQLite stored the NUL where PostgreSQL failed: now both refuse it the same way."""
    body = {"day": "2027-02-06", "kind": "workday", "note": "调休\x00"}
    response = client.post("/api/v1/holiday-overrides", json=body, headers=token_for(make_user("admin")))
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["note"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HolidayOverride)) == 0


# ---------------------------------------------------------------------------------------------- error shapes


def test_errors_of_nested_fields_come_out_flat_with_dotted_names(client, make_user, token_for):
    body = {"name": "l", "reception_weekday": 0, "reception_start": "14:00", "reception_end": "17:00",
            "deputies": [{"name": "ok"}, {"name": "", "rank": 1}]}  # fmt: skip
    response = client.post("/api/v1/liaison-stations", json=body, headers=token_for(make_user("admin")))
    errors = response.get_json()["errors"]
    assert set(errors) == {"deputies.1.name", "deputies.1.rank"}
    assert all(isinstance(message, str) for messages in errors.values() for message in messages)


def test_the_documented_error_shape_is_the_one_answered(client, make_user, token_for):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert set(schemas["Error"]["properties"]) == {"error", "errors"}
    assert set(schemas["ErrorDetail"]["properties"]) == {"code", "message"}
    headers = token_for(make_user("admin"))
    not_found = client.get("/api/v1/towns/12345", headers=headers).get_json()
    assert set(not_found) == {"error"} and set(not_found["error"]) == {"code", "message"}
    invalid = client.post("/api/v1/towns", json={}, headers=headers).get_json()
    assert set(invalid) == {"errors"}
