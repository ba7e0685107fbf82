"""Marshmallow's own validation messages in the reader's language. Marshmallow formats its English templates before
we see them ("Must be greater than or equal to 1."); each template below is matched back (its placeholders become
groups) and given again in the language of the request. tests/core/test_validation_messages.py keeps every default
message of the fields and validators we use covered."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

_TEMPLATES = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid utf-8 string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l(
        "Special numeric values (nan or infinity) are not permitted."
    ),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid time.": _l("Not a valid time."),
    "Not a valid aware datetime.": _l("Not a valid date and time with a time zone."),
    "Not a valid naive datetime.": _l("Not a valid date and time without a time zone."),
    '"{input}" cannot be formatted as a datetime.': _l('"{input}" cannot be read as a date and time.'),
    '"{input}" cannot be formatted as a date.': _l('"{input}" cannot be read as a date.'),
    '"{input}" cannot be formatted as a time.': _l('"{input}" cannot be read as a time.'),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid URL.": _l("Not a valid URL."),
    "Not a valid list.": _l("Not a valid list."),
    "Invalid type.": _l("Invalid type."),
    "Not a valid mapping type.": _l("Not a valid mapping type."),
    "Not a valid UUID.": _l("Not a valid UUID."),
    "Invalid input type.": _l("Invalid input type."),
    "Unknown field.": _l("Unknown field."),
    "Must be greater than or equal to {min}.": _l("Must be greater than or equal to {min}."),
    "Must be greater than {min}.": _l("Must be greater than {min}."),
    "Must be less than or equal to {max}.": _l("Must be less than or equal to {max}."),
    "Must be less than {max}.": _l("Must be less than {max}."),
    "Must be greater than or equal to {min} and less than or equal to {max}.": _l(
        "Must be greater than or equal to {min} and less than or equal to {max}."
    ),
    "Length must be between {min} and {max}.": _l("Length must be between {min} and {max}."),
    "Length must be {equal}.": _l("Length must be {equal}."),
    "Longer than maximum length {max}.": _l("Longer than maximum length {max}."),
    "Shorter than minimum length {min}.": _l("Shorter than minimum length {min}."),
    "Must be one of: {choices}.": _l("Must be one of: {choices}."),
    "String does not match expected pattern.": _l("String does not match expected pattern."),
    "Must be equal to {other}.": _l("Must be equal to {other}."),
    "Invalid input.": _l("Invalid input."),
    "One or more of the choices you made was not in: {choices}.": _l(
        "One or more of the choices you made was not in: {choices}."
    ),
}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    # Even parts are literal text, odd ones placeholder names.
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)), re.S)


# Longest first: "Must be ≥ {min} and ≤ {max}." must not be read as "Must be ≥ {min}." with min = "1 and ≤ 9".
_PATTERNS = [(_pattern(english), _TEMPLATES[english]) for english in sorted(_TEMPLATES, key=len, reverse=True)]


def translated(message: str) -> str:
    """Marshmallow's English message in the request's language; any other message as it is."""
    for pattern, template in _PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return str(template).format(**found.groupdict())
    return message
