"""User names, full names, ODS codes and organisation names as people type them."""

from __future__ import annotations

import pytest

from linkworker.domain import accounts
from linkworker.domain.errors import ValidationError
from linkworker.domain.organisations import parse_name, parse_ods_code, parse_pcn_code, parse_practice_code


@pytest.mark.parametrize(
    ("typed", "username"),
    [
        ("J.Smith", "j.smith"),
        ("  ada_lovelace ", "ada_lovelace"),
        ("abc", "abc"),
        ("x-1", "x-1"),
        ("a" * 64, "a" * 64),
    ],
)
def test_usernames_are_trimmed_and_lower_cased(typed: str, username: str) -> None:
    assert accounts.parse_username(typed) == username


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a user name."),
        ("   ", "Enter a user name."),
        ("ab", "3 to 64"),
        ("a" * 65, "3 to 64"),
        (".smith", "3 to 64"),
        ("j smith", "3 to 64"),
        ("j@smith", "3 to 64"),
        ("jöhn", "3 to 64"),
    ],
)
def test_bad_usernames_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        accounts.parse_username(typed)
    assert raised.value.field == "username"


def test_full_names_collapse_spaces_and_have_a_limit() -> None:
    assert accounts.parse_full_name("  Ada   Mary  Lovelace ") == "Ada Mary Lovelace"
    assert accounts.parse_full_name("A" * 200) == "A" * 200
    with pytest.raises(ValidationError, match=r"Enter the person's full name\."):
        accounts.parse_full_name(" \t ")
    with pytest.raises(ValidationError, match="too long"):
        accounts.parse_full_name("A" * 201)


@pytest.mark.parametrize(("typed", "code"), [("g82001", "G82001"), (" U12345 ", "U12345"), ("RA9", "RA9")])
def test_ods_codes_are_upper_cased(typed: str, code: str) -> None:
    assert parse_ods_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the ODS code"),
        ("G8", "3 to 8"),
        ("G8200123X", "3 to 8"),
        ("G82-001", "3 to 8"),
        ("G82 001", "3 to 8"),
    ],
)
def test_bad_ods_codes_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        parse_ods_code(typed, field="practices[0].ods_code")
    assert raised.value.field == "practices[0].ods_code"


def test_organisation_names() -> None:
    assert parse_name("  Riverside   Surgery ") == "Riverside Surgery"
    with pytest.raises(ValidationError, match=r"Enter the practice name\."):
        parse_name("", what="practice name")
    with pytest.raises(ValidationError, match="The PCN name is too long"):
        parse_name("x" * 201, what="PCN name")


@pytest.mark.parametrize(("typed", "code"), [("u12345", "U12345"), (" U99901 ", "U99901")])
def test_a_pcn_code_is_u_and_five_digits(typed: str, code: str) -> None:
    assert parse_pcn_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the ODS code."),
        ("G82001", "A PCN's ODS code is U and five digits, like U12345."),
        ("U1234", "A PCN's ODS code is U and five digits, like U12345."),
        ("U123456", "A PCN's ODS code is U and five digits, like U12345."),
        ("UA2345", "A PCN's ODS code is U and five digits, like U12345."),
        ("RA9", "A PCN's ODS code is U and five digits, like U12345."),
    ],
)
def test_other_pcn_codes_are_refused_as_the_hint_says(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_pcn_code(typed, "pcn_ods_code")
    assert (raised.value.field, raised.value.message) == ("pcn_ods_code", message)


@pytest.mark.parametrize(
    ("typed", "code"), [("g82001", "G82001"), ("Y02345", "Y02345"), (" a81001", "A81001")]
)
def test_a_practice_code_is_a_letter_and_five_digits(typed: str, code: str) -> None:
    assert parse_practice_code(typed) == code


@pytest.mark.parametrize("typed", ["G8200", "G820011", "82001", "GG2001", "G82 01", "RA9"])
def test_other_practice_codes_are_refused_as_the_hint_says(typed: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_practice_code(typed, "practices[1].ods_code")
    assert raised.value.field == "practices[1].ods_code"
    assert raised.value.message == "A practice's ODS code is a letter and five digits, like G82001."
