"""A change of name: another name is a change, the same name written another way is not, a blank
part keeps the recorded one, and the question names the recorded name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.name_change import (
    PersonName,
    change_of_name_question,
    changed_fields,
    new_name,
)
from linkworker.domain.person import search_key

unhurried = settings(deadline=None)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ '-éöØ", max_size=20)
ORLA = PersonName("Orla", "Fenwick")


@pytest.mark.parametrize(
    ("given_name", "family_name", "becomes"),
    [
        ("Orla", "Hale", PersonName("Orla", "Hale")),  # a new family name: marriage
        ("ORLA", "Hale", PersonName("Orla", "Hale")),  # the unchanged part keeps its spelling
        ("", "Hale", PersonName("Orla", "Hale")),  # a blank part keeps the recorded one
        ("Aoife", "", PersonName("Aoife", "Fenwick")),
        ("Aoife", "Hale", PersonName("Aoife", "Hale")),
        ("  Orla ", " Fenwick  Hale ", PersonName("Orla", "Fenwick Hale")),  # spaces tidied
        ("Orla", "Fenwick", None),
        ("ORLA", "FENWICK", None),  # case
        ("Órla", "Fen-wick", None),  # accents and punctuation
        ("Fenwick", "Orla", None),  # typed into each other's boxes
        ("", "", None),
    ],
)
def test_another_name_is_a_change_and_the_same_name_written_another_way_is_not(
    given_name: str, family_name: str, becomes: PersonName | None
) -> None:
    assert new_name(ORLA, given_name, family_name) == becomes


def test_the_fields_a_change_rewrites_are_named() -> None:
    assert changed_fields(ORLA, PersonName("Orla", "Hale")) == ("family_name",)
    assert changed_fields(ORLA, PersonName("Aoife", "Hale")) == ("given_name", "family_name")
    assert changed_fields(ORLA, ORLA) == ()


def test_the_question_names_the_recorded_name() -> None:
    assert change_of_name_question(ORLA) == (
        "same NHS number and date of birth, recorded as Orla Fenwick: a change of name?"
    )


@unhurried
@given(names.filter(str.strip), names.filter(str.strip), names, names)
def test_a_change_always_folds_to_another_name_and_rewrites_at_least_one_field(
    recorded_given: str, recorded_family: str, given_name: str, family_name: str
) -> None:
    recorded = PersonName(recorded_given, recorded_family)
    changed = new_name(recorded, given_name, family_name)
    if changed is None:
        return
    folded = (search_key(changed.given_name), search_key(changed.family_name))
    assert folded != (search_key(recorded_given), search_key(recorded_family))
    assert folded != (search_key(recorded_family), search_key(recorded_given))
    assert changed_fields(recorded, changed)


@unhurried
@given(names.filter(str.strip), names.filter(str.strip))
def test_the_recorded_name_however_written_is_never_a_change(given_name: str, family_name: str) -> None:
    recorded = PersonName(given_name, family_name)
    assert new_name(recorded, given_name.upper(), family_name.lower()) is None
    assert new_name(recorded, family_name, given_name) is None
    assert new_name(recorded, "", "") is None
