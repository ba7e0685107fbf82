from datetime import date

import pytest

from tests.organisations.conftest import make_id_number
from volunteer_app.core.identity import (
    FEMALE,
    MALE,
    IdNumberError,
    check_character,
    mask_id_number,
    mask_phone,
    parse_id_number,
)

VALID = ("11010519491231002X", "440524188001010014")


def test_the_two_reference_numbers_are_valid_and_give_sex_and_birth_date():
    first = parse_id_number("11010519491231002X")
    assert (first.sex, first.birth_date) == (FEMALE, date(1949, 12, 31))
    second = parse_id_number("440524188001010014")
    assert (second.sex, second.birth_date) == (MALE, date(1880, 1, 1))


def test_a_lower_case_x_and_spaces_are_accepted():
    assert parse_id_number(" 110105 19491231 002x ").number == "11010519491231002X"


@pytest.mark.parametrize("number", VALID)
@pytest.mark.parametrize("position", range(18))
def test_any_one_character_change_is_refused(number, position):
    original = number[position]
    replacement = "0" if original != "0" else "1"
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValueError):
        parse_id_number(changed)


def test_a_wrong_check_character_says_so():
    with pytest.raises(IdNumberError) as error:
        parse_id_number("110105194912310021")
    assert error.value.reason == "check_digit"


def test_a_birth_date_in_the_future_is_refused():
    future = make_id_number(date(2031, 5, 1))
    with pytest.raises(IdNumberError) as error:
        parse_id_number(future, today=date(2026, 11, 25))
    assert error.value.reason == "birth_date"


def test_an_impossible_birth_date_is_refused_even_with_a_matching_check_character():
    first17 = "44060519990230123"  # 30 February
    with pytest.raises(IdNumberError) as error:
        parse_id_number(first17 + check_character(first17))
    assert error.value.reason == "birth_date"


@pytest.mark.parametrize(
    "value", ["", None, "12345", "4405241880010100141", "44052418800101001A", "X40524188001010014"]
)
def test_wrong_shapes_are_refused(value):
    with pytest.raises(IdNumberError) as error:
        parse_id_number(value)
    assert error.value.reason == "format"


def test_the_seventeenth_digit_gives_the_sex():
    assert parse_id_number(make_id_number(date(2000, 3, 15), sequence=123)).sex == MALE
    assert parse_id_number(make_id_number(date(2000, 3, 15), sequence=124)).sex == FEMALE


def test_age_counts_whole_years():
    info = parse_id_number(make_id_number(date(2008, 11, 26)))
    assert info.age_on(date(2026, 11, 25)) == 17
    assert info.age_on(date(2026, 11, 26)) == 18


def test_id_numbers_are_masked_as_the_first_six_and_last_four():
    assert mask_id_number("440524188001010014") == "440524********0014"
    assert mask_id_number("11010519491231002x") == "110105********002X"


def test_phone_numbers_are_masked_as_the_first_three_and_last_four():
    assert mask_phone("13800138000") == "138****8000"


@pytest.mark.parametrize("value", ["", None])
def test_nothing_masks_to_nothing(value):
    assert mask_id_number(value) == ""
    assert mask_phone(value) == ""


def test_values_too_short_to_mask_partly_are_masked_entirely():
    assert mask_phone("1380") == "****"
    assert mask_id_number("4405241") == "*******"
