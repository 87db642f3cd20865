"""Sex and ethnic category as a form or a file gives them: the words people write and the NHS Data
Dictionary codes clinical systems export, checked against the published code lists."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    SEX_CODES,
    PersonEntry,
    parse_ethnic_category,
    parse_person,
    parse_sex,
)
from linkworker.domain.people import EthnicCategory, Sex

unhurried = settings(deadline=None)
TODAY = date(2026, 6, 30)
PERSON = PersonEntry(given_name="Orla", family_name="Testwell", date_of_birth="02/11/1948")

# NHS Data Dictionary, PERSON STATED GENDER CODE: national codes 1 Male, 2 Female, 9 Indeterminate
# (unable to be classified as either male or female); default code X Not Known (not recorded).
# Its predecessor PERSON GENDER CODE, still in older exports, has 0 Not Known.
PUBLISHED_GENDER_CODES = {
    "1": Sex.MALE,
    "2": Sex.FEMALE,
    "9": Sex.INDETERMINATE,
    "X": Sex.NOT_KNOWN,
    "0": Sex.NOT_KNOWN,
}
# NHS Data Dictionary, ETHNIC CATEGORY: the national codes with their published descriptions,
# and the default code 99.
PUBLISHED_ETHNIC_CATEGORIES = {
    "A": "White - British",
    "B": "White - Irish",
    "C": "White - Any other White background",
    "D": "Mixed - White and Black Caribbean",
    "E": "Mixed - White and Black African",
    "F": "Mixed - White and Asian",
    "G": "Mixed - Any other mixed background",
    "H": "Asian or Asian British - Indian",
    "J": "Asian or Asian British - Pakistani",
    "K": "Asian or Asian British - Bangladeshi",
    "L": "Asian or Asian British - Any other Asian background",
    "M": "Black or Black British - Caribbean",
    "N": "Black or Black British - African",
    "P": "Black or Black British - Any other Black background",
    "R": "Other Ethnic Groups - Chinese",
    "S": "Other Ethnic Groups - Any other ethnic group",
    "Z": "Not stated",
    "99": "Not known",
}
SEX_WORDS = {
    "Female": Sex.FEMALE,
    "Male": Sex.MALE,
    "Indeterminate": Sex.INDETERMINATE,
    "Not known": Sex.NOT_KNOWN,
    "not_known": Sex.NOT_KNOWN,
    "F": Sex.FEMALE,
    "M": Sex.MALE,
    "I": Sex.INDETERMINATE,
    "Unknown": Sex.NOT_KNOWN,
}
SEX_REFUSED = (
    "Write the sex as Female, Male, Indeterminate or Not known, or as its NHS code: "
    "1 male, 2 female, 9 indeterminate, X or 0 not known."
)
ETHNIC_REFUSED = (
    "Write the ethnic category as its NHS code (A to H, J to N, P, R or S; Z for not stated; "
    "99 for not known) or as its name, like White: British."
)


def refusal(typed: str, parse: object) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        parse(typed)  # type: ignore[operator]
    return raised.value


def written_ways(code: str) -> list[str]:
    """A code as exports and people write it: as published, lower case, padded with spaces."""
    return [code, code.lower(), f"  {code} ", f"\t{code.lower()}  "]


def test_the_domain_holds_exactly_the_published_code_lists() -> None:
    assert SEX_CODES == PUBLISHED_GENDER_CODES
    assert {category.value for category in EthnicCategory} == set(PUBLISHED_ETHNIC_CATEGORIES)


@pytest.mark.parametrize(("code", "sex"), PUBLISHED_GENDER_CODES.items())
def test_every_published_gender_code_gives_its_sex_however_it_is_written(code: str, sex: Sex) -> None:
    for typed in written_ways(code):
        assert parse_sex(typed) is sex, typed
        assert parse_person(replace(PERSON, sex=typed), TODAY).sex is sex, typed


@pytest.mark.parametrize(("word", "sex"), SEX_WORDS.items())
def test_the_words_people_write_for_sex_are_still_read(word: str, sex: Sex) -> None:
    for typed in (word, word.upper(), word.lower(), f" {word}  "):
        assert parse_sex(typed) is sex, typed


def test_a_blank_sex_or_ethnic_category_is_not_known() -> None:
    assert parse_sex("  ") is Sex.NOT_KNOWN
    assert parse_ethnic_category("") is EthnicCategory.NOT_KNOWN


@pytest.mark.parametrize(
    "typed", ["3", "4", "8", "00", "01", "10", "12", "U", "Z", "XX", "Non-binary", "Other"]
)
def test_a_sex_code_outside_the_published_list_is_refused_naming_the_accepted_values(typed: str) -> None:
    error = refusal(typed, parse_sex)
    assert (error.field, error.message) == ("sex", SEX_REFUSED)
    with pytest.raises(FormErrors) as raised:
        parse_person(replace(PERSON, sex=typed), TODAY)
    assert [(e.field, e.message) for e in raised.value.errors] == [("sex", SEX_REFUSED)]


def test_the_sex_refusal_names_every_accepted_word_and_code() -> None:
    for value in [*PUBLISHED_GENDER_CODES, "Female", "Male", "Indeterminate", "Not known"]:
        assert re.search(rf"(?<!\w){value}(?!\w)", SEX_REFUSED), value


@pytest.mark.parametrize(("code", "description"), PUBLISHED_ETHNIC_CATEGORIES.items())
def test_every_published_ethnic_category_gives_its_category_by_code_or_description(
    code: str, description: str
) -> None:
    category = EthnicCategory(code)
    for typed in [*written_ways(code), description, description.upper(), f"  {description} ", category.label]:
        assert parse_ethnic_category(typed) is category, typed
        assert parse_person(replace(PERSON, ethnic_category=typed), TODAY).ethnic_category is category


# Every other letter, the pre-2004 default 9 (withdrawn for 99), HES's X, and near misses.
UNPUBLISHED_ETHNIC_CODES = [
    "I",
    "O",
    "Q",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "9",
    "0",
    "00",
    "98",
    "999",
    "AA",
    "ZZ",
]


@pytest.mark.parametrize("typed", UNPUBLISHED_ETHNIC_CODES)
def test_an_ethnic_code_outside_the_published_list_is_refused_naming_the_accepted_values(typed: str) -> None:
    error = refusal(typed, parse_ethnic_category)
    assert (error.field, error.message) == ("ethnic_category", ETHNIC_REFUSED)
    with pytest.raises(FormErrors) as raised:
        parse_person(replace(PERSON, ethnic_category=typed), TODAY)
    assert [(e.field, e.message) for e in raised.value.errors] == [("ethnic_category", ETHNIC_REFUSED)]


def test_the_ethnic_refusal_names_exactly_the_published_codes() -> None:
    listed = re.search(r"\(([^)]*)\)", ETHNIC_REFUSED)
    assert listed is not None
    ranges = re.findall(r"\b([A-Z]) to ([A-Z])\b", listed.group(1))
    named = {chr(letter) for first, last in ranges for letter in range(ord(first), ord(last) + 1)}
    named |= set(re.findall(r"\b([A-Z]|99)\b", re.sub(r"\b[A-Z] to [A-Z]\b", "", listed.group(1))))
    assert named == set(PUBLISHED_ETHNIC_CATEGORIES)


SEX_ACCEPTED = {typed.casefold() for typed in [*PUBLISHED_GENDER_CODES, *SEX_WORDS, "not known"]}
ETHNIC_ACCEPTED = {code.casefold() for code in PUBLISHED_ETHNIC_CATEGORIES}
SHORT_CODES = st.text(
    alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=3
)


@unhurried
@given(SHORT_CODES.filter(lambda typed: typed.casefold() not in SEX_ACCEPTED))
def test_any_other_short_code_for_sex_is_refused(typed: str) -> None:
    assert refusal(typed, parse_sex).message == SEX_REFUSED


@unhurried
@given(SHORT_CODES.filter(lambda typed: typed.casefold() not in ETHNIC_ACCEPTED))
def test_any_other_short_code_for_ethnic_category_is_refused(typed: str) -> None:
    assert refusal(typed, parse_ethnic_category).message == ETHNIC_REFUSED


@unhurried
@given(
    st.sampled_from(sorted(PUBLISHED_ETHNIC_CATEGORIES)),
    st.data(),
    st.text(" \t", max_size=3),
    st.text(" \t", max_size=3),
)
def test_a_published_ethnic_code_is_read_in_any_case_with_any_spaces_around(
    code: str, data: st.DataObject, before: str, after: str
) -> None:
    cased = "".join(data.draw(st.sampled_from([ch.upper(), ch.lower()])) for ch in code)
    assert parse_ethnic_category(before + cased + after) is EthnicCategory(code)


def test_the_user_guide_lists_every_ethnic_category_as_the_import_reads_it() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    cells = re.findall(r"^\| (A|[B-Z]|99) \| ([^|]+) \| (A|[B-Z]|99) \| ([^|]+) \|$", guide, re.MULTILINE)
    listed = {code: name.strip() for row in cells for code, name in (row[:2], row[2:])}
    assert set(listed) == set(PUBLISHED_ETHNIC_CATEGORIES)
    for code, name in listed.items():
        assert parse_ethnic_category(re.sub(r" \(.*\)$", "", name)) is EthnicCategory(code), name
