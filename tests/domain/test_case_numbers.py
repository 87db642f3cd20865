"""Reading a case number out of a search box (issue 15): "LW-000960", "lw960", "960"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import case_number
from linkworker.domain.referrals import LARGEST_CASE, parse_case_number


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("LW-000960", 960),
        ("lw-000960", 960),
        ("lw960", 960),
        ("LW 960", 960),
        ("Lw - 960", 960),
        ("LW-1234567890", 1_234_567_890),  # a prefixed number may be as long as ids get
        ("960", 960),
        ("000960", 960),
        ("1234567", 1_234_567),  # seven bare digits: a case number still
    ],
)
def test_a_case_number_is_read_however_it_is_typed(typed: str, wanted: int) -> None:
    assert parse_case_number(typed) == wanted


@pytest.mark.parametrize(
    "typed",
    [
        "Smith",
        "Lwanga",  # a family name that starts like the prefix
        "LW",
        "LW-",
        "12345678",  # eight or more bare digits: an NHS number, mistyped or not
        "9434765919",
        "943 476 5919",
        "999 000",  # digits in groups are an NHS number being typed
        "12a",
        "960 LW",
        "",
    ],
)
def test_other_searches_are_not_case_numbers(typed: str) -> None:
    assert parse_case_number(typed) is None


def test_a_number_past_any_case_is_refused_plainly() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_case_number(f"LW-{LARGEST_CASE + 1}")
    assert refused.value.field == "search"
    assert "case number" in refused.value.message
    assert parse_case_number(f"LW-{LARGEST_CASE}") == LARGEST_CASE


@given(st.integers(min_value=1, max_value=LARGEST_CASE))
def test_every_case_number_shown_is_read_back(referral_id: int) -> None:
    shown = case_number(referral_id)
    assert parse_case_number(shown) == referral_id
    assert parse_case_number(shown.lower().replace("-", "")) == referral_id
