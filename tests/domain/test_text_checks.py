"""Hidden characters in names and free text: NUL and other control characters, text-direction
marks and other invisible format characters are refused with a plain message wherever a person
or a referral is taken in; the joiners some scripts write names with are kept."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    PersonDetails,
    PersonEntry,
    ReferralDetails,
    ReferralEntry,
    parse_need_label,
    parse_person,
    parse_referral,
)
from linkworker.domain.person import parse_name
from linkworker.domain.referrals import ReferralSource
from linkworker.domain.text_checks import check_visible, hidden_at

unhurried = settings(deadline=None)
TODAY = date(2026, 6, 30)

# Each kind the rule names, as it may arrive pasted from an email, a web page or a PDF.
HIDDEN = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "C1 control": "\x85",
    "left-to-right embedding": "\u202a",
    "right-to-left embedding": "\u202b",
    "pop directional formatting": "\u202c",
    "left-to-right override": "\u202d",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "right-to-left isolate": "\u2067",
    "first strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "Arabic letter mark": "\u061c",
    "zero-width space": "\u200b",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "invisible times": "\u2062",
    "tag letter": "\U000e0041",
    "Hangul filler": "\u3164",
    "combining grapheme joiner": "\u034f",
}


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_each_hidden_character_is_found_where_it_is(character: str) -> None:
    assert hidden_at(f"Ada{character}Lovelace") == 3
    assert hidden_at(f"{character}Ada") == 0


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_name_with_a_hidden_character_is_refused_in_plain_words(character: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_name(f"Ada{character}", "given_name", "given name")
    assert refused.value.field == "given_name"
    assert refused.value.message == (
        "There is a hidden character in the given name (character 4), such as a text-direction mark "
        "or a zero-width space, often copied in with the text: delete it and type that part again."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ada Lovelace",
        "O\u2019Brien-Smith",
        "Zoë",
        "line one\nline two\r\n\ttabbed",  # line breaks and tabs are seen, not hidden
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a zero-width non-joiner inside a word
        "\u0915\u094d\u200d\u0937",  # Devanagari: a zero-width joiner after the virama
        "\u0d28\u0d4d\u200d",  # Malayalam: an old-style chillu, the joiner last
        "\u0dc1\u0dca\u200d\u0dbb\u0dd3",  # Sinhala: a joiner making the rakaransaya
        "مُحَمَّد",
        "",
    ],
)
def test_visible_text_and_the_joiners_of_scripts_that_use_them_pass(text: str) -> None:
    assert hidden_at(text) is None
    assert check_visible(text, "notes", "notes") == text


@pytest.mark.parametrize(
    "text",
    ["Ada\u200dm", "\u200dAda", "Ada \u200c", "\u200c", "12\u200d3", "\u0645\u200d\u200d\u0645"],
    ids=["between Latin letters", "first", "after a space", "alone", "between digits", "twice"],
)
def test_a_joiner_anywhere_else_is_hidden(text: str) -> None:
    assert hidden_at(text) is not None


def test_a_name_in_a_script_that_joins_keeps_its_joiner() -> None:
    assert (
        parse_name("\u0645\u06cc\u200c\u0646\u0627", "given_name", "given name")
        == "\u0645\u06cc\u200c\u0646\u0627"
    )


PERSON = PersonEntry(
    nhs_number="9990000018",
    given_name="Ada",
    family_name="Testwell",
    date_of_birth="02/11/1948",
    address_line_1="3 Quarry Lane",
    town="Maidstone",
    email="ada@example.org",
    language="English",
    preferred_contact_times="Mornings",
    accessibility_needs="Hearing loop.",
)
# Every field a person's free text or name goes in, and the words its message uses.
PERSON_TEXT = {
    "given_name": "given name",
    "family_name": "family name",
    "address_line_1": "first address line",
    "address_line_2": "second address line",
    "town": "town",
    "email": "email address",
    "preferred_contact_times": "contact times",
    "language": "language",
    "accessibility_needs": "accessibility needs",
}


@pytest.mark.parametrize(("field", "what"), PERSON_TEXT.items())
@pytest.mark.parametrize(
    "character", ["\x00", "\u202e", "\u200b", "\ufeff"], ids=["NUL", "RLO", "ZWSP", "BOM"]
)
def test_parse_person_refuses_a_hidden_character_beside_its_field(
    field: str, what: str, character: str
) -> None:
    typed = replace(PERSON, **{field: (getattr(PERSON, field) or "Text") + character})

    with pytest.raises(FormErrors) as refused:
        parse_person(typed, TODAY)

    message = refused.value.for_field(field)
    assert message is not None and message.startswith(f"There is a hidden character in the {what} ")
    assert [error.field for error in refused.value.errors] == [field]


REFERRAL = ReferralEntry(
    referring_practice_ods="G99001",
    source="GP",
    referrer_name="Dr Samplewood",
    received_on="15/06/2026",
    needs=("loneliness",),
    notes="Lives alone.",
)


@pytest.mark.parametrize(("field", "what"), [("referrer_name", "referrer"), ("notes", "notes")])
@pytest.mark.parametrize("character", ["\x00", "\u2066", "\u200b"], ids=["NUL", "LRI", "ZWSP"])
def test_parse_referral_refuses_a_hidden_character_beside_its_field(
    field: str, what: str, character: str
) -> None:
    typed = replace(REFERRAL, **{field: getattr(REFERRAL, field) + character})

    with pytest.raises(FormErrors) as refused:
        parse_referral(typed, TODAY, {"loneliness": "Loneliness"}, {"G99001": 1})

    message = refused.value.for_field(field)
    assert message is not None and message.startswith(f"There is a hidden character in the {what} ")


def test_a_need_label_with_a_hidden_character_is_refused() -> None:
    with pytest.raises(ValidationError, match="hidden character"):
        parse_need_label("Pet\u202e care")


DETAILS = PersonDetails(
    nhs_number="9990000018", given_name="Ada", family_name="Testwell", date_of_birth=date(1948, 11, 2)
)


@pytest.mark.parametrize(
    "field",
    [
        f.name
        for f in fields(PersonDetails)
        if f.name
        not in {"date_of_birth", "sex", "ethnic_category", "preferred_contact_method", "interpreter_needed"}
    ],
)
def test_details_with_a_hidden_character_cannot_be_made_whatever_the_caller(field: str) -> None:
    """The services take checked details: details made without the intake rules (a script, a
    tool, a later form) are refused all the same, before they reach the database."""
    with pytest.raises(ValidationError) as refused:
        replace(DETAILS, **{field: "Ada\u202eevil"})
    assert refused.value.field == field
    assert "hidden character" in refused.value.message


@pytest.mark.parametrize("field", ["referrer_name", "notes", "referring_practice_ods"])
def test_referral_details_with_a_hidden_character_cannot_be_made(field: str) -> None:
    details = ReferralDetails(1, "G99001", ReferralSource.GP, None, date(2026, 6, 1), ("loneliness",))
    with pytest.raises(ValidationError) as refused:
        replace(details, **{field: "Note\x00"})
    assert refused.value.field == field


@unhurried
@given(st.text(max_size=40))
def test_the_rule_is_a_yes_or_no_for_any_text(text: str) -> None:
    at = hidden_at(text)
    if at is None:
        assert check_visible(text, "notes", "notes") == text
    else:
        assert 0 <= at < len(text)
        with pytest.raises(ValidationError, match=f"character {at + 1}\\)"):
            check_visible(text, "notes", "notes")
