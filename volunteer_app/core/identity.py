"""Mainland resident ID numbers (居民身份证, GB 11643-1999) and the one way to mask IDs and phone numbers.

Volunteers, household members and anyone else with an ID number use these; nothing else formats them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
MAINLAND_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

MALE = "M"
FEMALE = "F"


class IdNumberError(ValueError):
    """Why an ID number was refused: `reason` is "format", "birth_date" or "check_digit"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IdInfo:
    number: str
    sex: str  # "M" or "F"
    birth_date: date
    region_code: str

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def normalise_id_number(value: str | None) -> str:
    """Spaces dropped and a lower-case x made upper-case, as people type it on a phone."""
    return re.sub(r"\s+", "", value or "").upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(value: str | None, today: date | None = None) -> IdInfo:
    """Checks an 18-character ID number and reads sex and birth date from it; raises IdNumberError (a ValueError)."""
    number = normalise_id_number(value)
    if not _SHAPE.match(number):
        raise IdNumberError("format")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError("birth_date") from None
    if birth > (today or date.today()) or birth.year < 1850:
        raise IdNumberError("birth_date")
    if check_character(number[:17]) != number[17]:
        raise IdNumberError("check_digit")
    sex = MALE if int(number[16]) % 2 else FEMALE
    return IdInfo(number=number, sex=sex, birth_date=birth, region_code=number[:6])


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _mask(value: str | None, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str | None) -> str:
    """First 6 and last 4 characters: 440524********0014."""
    return _mask(normalise_id_number(value), 6, 4)


def mask_phone(value: str | None) -> str:
    """First 3 and last 4 digits: 138****8000."""
    return _mask(re.sub(r"\s+", "", value or ""), 3, 4)


def mask_name(value: str | None) -> str:
    """The first and last character of a name, a star between: 王*明, 张*; one shown in public (a certificate's
    verify page) says whose it is to someone who knows them, and no more."""
    name = "".join((value or "").split())
    if len(name) <= 2:  # a star even for a one-character name, which would otherwise show whole
        return name[:1] + "*" if name else ""
    return _mask(name, 1, 1)


def normalise_phone(value: str | None) -> str:
    """Spaces and dashes dropped, and a +86 / 0086 prefix."""
    phone = re.sub(r"[\s-]+", "", value or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    return phone


def is_mainland_mobile(value: str | None) -> bool:
    return bool(MAINLAND_MOBILE_RE.match(value or ""))
