"""NHS numbers: the Modulus 11 rule of DESIGN.md, checked against an independent computation."""

from __future__ import annotations

from itertools import islice, pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from linkworker.domain import nhs_number
from linkworker.domain.errors import ValidationError

# No time limit per example: a shared, busy test machine must not make these tests flaky.
unhurried = settings(deadline=None)
DIGITS = "0123456789"


def expected_check_digit(first_nine: str) -> int | None:
    """DESIGN.md's rule written out again: weights 10..2, 11 minus the remainder, 11 -> 0, 10 -> none."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


nine_digits = st.text(alphabet=DIGITS, min_size=9, max_size=9)
# Prefixes outside Scotland's CHI range (numbers starting 0-3 there must start with a date of
# birth, a rule the nhs-number package adds): England's 4xx-7xx, and the 999 test range.
english_or_test_prefixes = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("456789"),
    st.text(alphabet=DIGITS, min_size=8, max_size=8),
)


def valid_numbers() -> st.SearchStrategy[str]:
    return english_or_test_prefixes.filter(lambda nine: expected_check_digit(nine) is not None).map(
        lambda nine: nine + str(expected_check_digit(nine))
    )


@pytest.mark.parametrize(
    "typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 ", "943 - 476 - 5919"]
)
def test_a_known_valid_number_is_accepted_however_it_is_spaced(typed: str) -> None:
    assert nhs_number.parse(typed) == "9434765919"
    assert nhs_number.is_valid(typed)


def test_the_often_quoted_example_fails_the_check() -> None:
    with pytest.raises(ValidationError, match="not a valid NHS number") as raised:
        nhs_number.parse("987 654 4321")
    assert raised.value.field == "nhs_number"
    assert not nhs_number.is_valid("987 654 4321")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the NHS number."),
        ("   ", "Enter the NHS number."),
        ("943 476 591", "has 10 digits; this has 9"),
        ("943 476 59190", "has 10 digits; this has 11"),
        ("943 476 591X", "only digits"),
        ("ABC 476 5919", "only digits"),
        ("943.476.5919", "only digits"),
        ("943/476/5919", "only digits"),
    ],
)
def test_malformed_input_gets_the_matching_message(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        nhs_number.parse(typed)


def test_digits_of_other_scripts_are_not_accepted() -> None:
    """ "Only digits" means 0-9: Arabic-Indic digits would otherwise be stored as they were typed."""
    arabic_indic = "".join(chr(0x660 + int(digit)) for digit in "9434765919")
    with pytest.raises(ValidationError, match="only digits"):
        nhs_number.parse(arabic_indic)


def test_the_field_name_is_carried_for_the_form() -> None:
    with pytest.raises(ValidationError) as raised:
        nhs_number.parse("12", field="referral.nhs_number")
    assert raised.value.field == "referral.nhs_number"


def test_formatted_and_test_range() -> None:
    assert nhs_number.formatted("9990000018") == "999 000 0018"
    assert nhs_number.is_test_number("9990000018")
    assert not nhs_number.is_test_number("9434765919")


@given(nine_digits)
@unhurried
@example("999000000")  # check digit 10: no valid number
@example("943476591")
def test_check_digit_agrees_with_an_independent_computation(first_nine: str) -> None:
    assert nhs_number.check_digit(first_nine) == expected_check_digit(first_nine)


@given(english_or_test_prefixes, st.sampled_from(DIGITS))
@unhurried
@example("999000000", "0")
def test_validity_is_exactly_the_check_digit_rule(first_nine: str, last: str) -> None:
    assert nhs_number.is_valid(first_nine + last) == (expected_check_digit(first_nine) == int(last))


@given(valid_numbers())
@unhurried
@example("9434765919")
def test_every_single_digit_change_is_rejected(number: str) -> None:
    assert nhs_number.is_valid(number)
    for position in range(10):
        for replacement in DIGITS:
            if replacement != number[position]:
                changed = number[:position] + replacement + number[position + 1 :]
                assert not nhs_number.is_valid(changed), changed


@given(valid_numbers())
@unhurried
@example("9434765919")
def test_every_swap_of_two_different_neighbouring_digits_is_rejected(number: str) -> None:
    for position in range(9):
        left, right = number[position], number[position + 1]
        if left != right:
            swapped = number[:position] + right + left + number[position + 2 :]
            assert not nhs_number.is_valid(swapped), swapped


@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=1, max_value=60))
@unhurried
@example(0, 3)
@example(999_990, 60)
def test_synthetic_numbers_are_valid_test_numbers_unique_and_increasing(start: int, count: int) -> None:
    numbers = list(islice(nhs_number.synthetic_numbers(start), count))
    assert numbers, "the test range has numbers left after every start below a million"
    for number in numbers:
        assert len(number) == 10
        assert number.startswith("999")
        assert nhs_number.parse(number) == number
    assert all(earlier < later for earlier, later in pairwise(numbers))
    assert len(set(numbers)) == len(numbers)
    assert int(numbers[0][3:9]) >= start


def test_synthetic_numbers_skip_serials_without_a_check_digit() -> None:
    # 999000000 has check digit 10, so no valid number: the first synthetic number is serial 1.
    assert list(islice(nhs_number.synthetic_numbers(), 3)) == ["9990000018", "9990000026", "9990000034"]


def test_the_test_range_ends_with_999_999_9999() -> None:
    last = list(nhs_number.synthetic_numbers(999_990))
    assert last[-1] == "9999999999"
    assert all(expected_check_digit(number[:9]) == int(number[9]) for number in last)
