"""Possible duplicates: how alike two names are, where the line is drawn, and the reason shown."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.duplicates import (
    SAME_NHS_NUMBER,
    SIMILAR_NAME_THRESHOLD,
    family_name_similarity,
    folded_name,
    is_similar_name,
    name_similarity,
    similar_name_reason,
)

# No time limit per example: a shared, busy test machine must not make these tests flaky.
unhurried = settings(deadline=None)
names = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=20)
latin_names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ '-", min_size=1, max_size=20
)


@pytest.mark.parametrize(
    ("first", "second", "similarity", "shown"),
    [
        (("Mohammed", "Khan"), ("Muhammad", "Khan"), 85, True),  # a spelling variant
        (("Chris", "Wood"), ("Christopher", "Wood"), 77, True),  # a short form
        (("Bob", "Smith"), ("Robert", "Smith"), 76, True),
        (("Orla", "Fenwick"), ("Orla", "Fenwick-Hale"), 86, True),  # a double-barrelled name
        (("Orla", "Fenwick"), ("Fenwick", "Orla"), 100, True),  # typed into each other's boxes
        (("Carl", "Wood"), ("Chris", "Wood"), 74, False),
        (("Aaron", "Patel"), ("Sarah", "Patel"), 73, False),  # twins sharing a surname
        (("Ann", "Lee"), ("Ben", "Lee"), 71, False),
    ],
)
def test_the_examples_the_threshold_was_tuned_on(
    first: tuple[str, str], second: tuple[str, str], similarity: int, shown: bool
) -> None:
    assert name_similarity(*first, *second) == similarity
    assert is_similar_name(similarity) is shown


def test_the_threshold_is_inclusive() -> None:
    assert is_similar_name(SIMILAR_NAME_THRESHOLD)
    assert not is_similar_name(SIMILAR_NAME_THRESHOLD - 1)


def test_case_accents_spaces_and_punctuation_are_ignored() -> None:
    assert folded_name("  Zoë ", "O'Brien-Smith") == "zoe obriensmith"
    assert name_similarity("ZOE", "obrien smith", "Zoë", "O\u2019Brien-Smith") == 100


@unhurried
@given(names, names)
def test_a_name_is_wholly_like_itself_and_its_swap(given_name: str, family_name: str) -> None:
    assert name_similarity(given_name, family_name, given_name, family_name) == 100
    assert name_similarity(given_name, family_name, family_name, given_name) == 100


@unhurried
@given(latin_names, latin_names)
def test_case_never_matters(given_name: str, family_name: str) -> None:
    assert name_similarity(given_name.upper(), family_name.lower(), given_name, family_name) == 100


@unhurried
@given(names, names, names, names)
def test_a_similarity_is_a_whole_percentage(a: str, b: str, c: str, d: str) -> None:
    assert 0 <= name_similarity(a, b, c, d) <= 100


def test_the_reason_says_how_similar_and_whether_the_number_differs() -> None:
    assert SAME_NHS_NUMBER == "same NHS number"
    assert similar_name_reason(92, False) == "same date of birth and a similar name (92%)"
    assert similar_name_reason(100, True) == (
        "same date of birth and a similar name (100%), but a different NHS number"
    )


# With only a family name typed (issue 15): one slip of the keys still finds them.
@pytest.mark.parametrize(
    ("typed", "given", "family", "found"),
    [
        ("Sing", "Harpreet", "Singh", True),  # a letter left out
        ("Smtih", "Sam", "Smith", True),  # two letters swapped
        ("Smithe", "Sam", "Smith", True),  # a letter added
        ("Lea", "Ann", "Lee", True),  # a letter changed, even in a short name
        ("o'brien", "Ann", "O'Brien", True),  # case and punctuation aside
        ("Fenwick", "Orla", "Fenwick-Hale", True),  # part of a double-barrelled name (78%)
        ("Fenwick", "Fenwick", "Hale", True),  # typed into the family box, recorded as given
        ("Sihgn", "Harpreet", "Singh", False),  # two slips
        ("Lo", "Ann", "Lee", False),
        ("Patel", "Aaron", "Pate", True),
        ("Patel", "Aaron", "Okafor", False),
    ],
)
def test_a_family_name_alone_finds_a_slip_of_one_letter(
    typed: str, given: str, family: str, found: bool
) -> None:
    similarity = family_name_similarity(typed, given, family)
    assert (similarity is not None) is found
    if similarity is not None:
        assert 0 <= similarity <= 100


@unhurried
@given(names, names)
def test_a_family_name_alone_finds_its_own_record(given_name: str, family_name: str) -> None:
    assert family_name_similarity(family_name, given_name, family_name) == 100


def test_the_reason_for_a_family_name_alone_says_so() -> None:
    assert similar_name_reason(89, False, family_only=True) == "same date of birth, similar family name (89%)"
    assert similar_name_reason(67, True, family_only=True) == (
        "same date of birth, similar family name (67%), but a different NHS number"
    )
