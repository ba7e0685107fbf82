"""The API's validation messages come in the reader's language, marshmallow's own included."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from marshmallow import fields, validate

from volunteer_app.core.validation_messages import translated

FIELDS = (
    fields.Field, fields.String, fields.Integer, fields.Number, fields.Float, fields.Boolean, fields.DateTime,
    fields.Date, fields.Time, fields.Email, fields.URL, fields.List, fields.Nested, fields.Dict, fields.UUID,
)  # fmt: skip
SAMPLE = {"obj_type": "date", "input": "2026-13-45", "min": 1, "max": 9, "equal": 3, "choices": "a, b", "other": "x"}


def _defaults() -> set[str]:
    """Every message marshmallow may give for the fields and validators the API uses, formatted as it formats them."""
    messages = {str(m) for cls in FIELDS for m in cls.default_error_messages.values()}
    messages |= {"Invalid input type.", "Unknown field."}
    messages.discard("Not a valid {awareness} {obj_type}.")
    messages |= {"Not a valid aware datetime.", "Not a valid naive datetime.", "Not a valid datetime."}
    ops = {"message_gt": validate.Range.message_gt, "message_gte": validate.Range.message_gte,
           "message_lt": validate.Range.message_lt, "message_lte": validate.Range.message_lte}  # fmt: skip
    messages.add(validate.Range.message_min.format(min_op=ops["message_gte"]))
    messages.add(validate.Range.message_min.format(min_op=ops["message_gt"]))
    messages.add(validate.Range.message_max.format(max_op=ops["message_lte"]))
    messages.add(validate.Range.message_max.format(max_op=ops["message_lt"]))
    messages.add(validate.Range.message_all.format(min_op=ops["message_gte"], max_op=ops["message_lte"]))
    for validator in (validate.Length,):
        messages |= {
            getattr(validator, name) for name in ("message_all", "message_equal", "message_max", "message_min")
        }
    messages |= {v.default_message for v in (validate.OneOf, validate.Regexp, validate.Equal, validate.NoneOf,
                                               validate.ContainsOnly, validate.Email, validate.URL)}  # fmt: skip
    return {m.format(**SAMPLE) for m in messages}


@pytest.mark.parametrize("message", sorted(_defaults()))
def test_every_marshmallow_message_reads_in_chinese(app, message):
    with app.test_request_context(), force_locale("zh_CN"):
        said = translated(message)
    assert said != message, f"no Chinese for {message!r}"
    technical = ("UUID", "URL", "utf-8", "null", "true", "false")  # words a developer reads as they are
    assert not re.search(r"[A-Za-z]{4,}", re.sub("|".join(technical), "", said)), said


def test_an_api_answer_speaks_the_readers_language(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    body = {"title": "", "kind": "cleanup", "beneficiary_capacity": -1, "sessions": "every day"}
    answer = client.post("/api/v1/events", json=body, headers={**headers, "Accept-Language": "zh-CN"}).get_json()
    text = " ".join(m for messages in answer["errors"].values() for m in messages)
    assert "Not a valid" not in text and "Must be" not in text, text
    english = client.post("/api/v1/events", json=body, headers={**headers, "Accept-Language": "en"}).get_json()
    assert "Not a valid list." in " ".join(m for ms in english["errors"].values() for m in ms)
