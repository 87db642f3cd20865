"""A person's names (as written, and folded for searching) and their age."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.errors import ValidationError
from linkworker.domain.person import NAME_MAX, age_on, age_text, parse_name, search_key

# No time limit per example: a shared, busy test machine must not make these tests flaky.
unhurried = settings(deadline=None)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("O'Brien", "obrien"),
        ("Fenwick-Hale", "fenwickhale"),
        ("  de la Cruz ", "delacruz"),
        ("Zoë", "zoe"),
        ("ŁUKASZ", "łukasz"),  # a letter with no decomposition stays
        ("", ""),
    ],
)
def test_search_key_folds_case_accents_spaces_and_punctuation(name: str, key: str) -> None:
    assert search_key(name) == key


@unhurried
@given(st.text(max_size=30))
def test_search_key_is_stable(name: str) -> None:
    assert search_key(search_key(name)) == search_key(name)
    assert search_key(name.upper()) == search_key(name.lower()) or not name.isascii()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Orla", "Orla"),
        ("  Mary   Ann ", "Mary Ann"),
        ("O'Brien", "O'Brien"),
        ("O\u2019Brien", "O\u2019Brien"),
        ("St. John", "St. John"),
        ("Fenwick-Hale", "Fenwick-Hale"),
        ("Zoe\u0308", "Zoë"),  # composed, so the same name is stored the same way
        ("Nguyễn", "Nguyễn"),
        ("محمد", "محمد"),
    ],
)
def test_names_are_kept_as_written_with_spaces_tidied(typed: str, kept: str) -> None:
    assert parse_name(typed, "given_name", "given name") == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the family name."),
        ("   ", "Enter the family name."),
        ("--", "The family name needs at least one letter."),
        ("Smith2", "letters, spaces, hyphens and apostrophes only"),
        ("02/11/1948", "needs at least one letter"),
        ("Smith@", "letters, spaces, hyphens and apostrophes only"),
        ("x" * (NAME_MAX + 1), f"too long ({NAME_MAX} characters at most)"),
    ],
)
def test_what_cannot_be_a_name_is_explained(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_name(typed, "family_name", "family name")
    assert raised.value.field == "family_name"
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(1948, 11, 2), date(2025, 11, 1), 76),
        (date(1948, 11, 2), date(2025, 11, 2), 77),
        (date(2000, 2, 29), date(2001, 2, 28), 0),  # a leapling's birthday is 1 March
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(2025, 6, 30), date(2025, 6, 30), 0),
    ],
)
def test_age_in_whole_years(born: date, today: date, age: int) -> None:
    assert age_on(born, today) == age


@unhurried
@given(st.dates(max_value=date(2100, 1, 1)), st.dates(max_value=date(2100, 1, 1)))
def test_age_grows_by_one_on_each_birthday(born: date, today: date) -> None:
    if today < born:
        return
    age = age_on(born, today)
    assert age >= 0
    assert born.year + age <= today.year <= born.year + age + 1


@pytest.mark.parametrize(
    ("born", "text"),
    [
        (date(1948, 11, 2), "Age 76"),
        (date(2024, 6, 30), "Age 1"),
        (date(2024, 7, 1), "Age 0 (11 months)"),
        (date(2025, 5, 30), "Age 0 (1 month)"),
        (date(2025, 6, 1), "Age 0 (0 months)"),
    ],
)
def test_age_as_a_form_shows_it(born: date, text: str) -> None:
    assert age_text(born, date(2025, 6, 30)) == text
