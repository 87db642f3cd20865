"""UK postcodes: the six formats, the letter rules, the NHS pseudo-postcodes and their meanings,
normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain import postcode
from linkworker.domain.errors import ValidationError

# No time limit per example: a shared, busy test machine must not make these tests flaky.
unhurried = settings(deadline=None)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("M1 1AE", "M1 1AE"),  # A9 9AA
        ("B33 8TH", "B33 8TH"),  # A99 9AA
        ("CR2 6XH", "CR2 6XH"),  # AA9 9AA
        ("ME14 1XX", "ME14 1XX"),  # AA99 9AA
        ("W1A 0AX", "W1A 0AX"),  # A9A 9AA
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A 9AA
    ],
)
def test_the_six_formats_are_accepted(typed: str, canonical: str) -> None:
    assert postcode.parse(typed) == canonical
    assert postcode.is_valid(typed)


@pytest.mark.parametrize("typed", ["me141xx", " ME14  1XX ", "Me14 1xX", "ME141XX", "me14\t1xx"])
def test_case_and_spaces_are_normalised(typed: str) -> None:
    assert postcode.parse(typed) == "ME14 1XX"


@pytest.mark.parametrize("first", ["Q", "V", "X"])
def test_q_v_x_are_never_first(first: str) -> None:
    for pattern in (f"{first}1 1AA", f"{first}A1 1AA", f"{first}1A 1AA", f"{first}A1A 1AA"):
        assert not postcode.is_valid(pattern), pattern


@pytest.mark.parametrize("second", ["I", "J", "Z"])
def test_i_j_z_are_never_second(second: str) -> None:
    for pattern in (f"A{second}1 1AA", f"A{second}12 1AA", f"E{second}1A 1AA"):
        assert not postcode.is_valid(pattern), pattern


@pytest.mark.parametrize("letter", ["C", "I", "K", "M", "O", "V"])
def test_the_inward_letters_are_never_c_i_k_m_o_v(letter: str) -> None:
    assert not postcode.is_valid(f"ME14 1{letter}A")
    assert not postcode.is_valid(f"ME14 1A{letter}")


def test_every_other_letter_may_end_a_postcode() -> None:
    allowed = sorted(set(LETTERS) - set("CIKMOV"))
    for letter in allowed:
        assert postcode.is_valid(f"ME14 1{letter}{letter}"), letter


# The pseudo-postcodes the NHS Data Dictionary and the HES data dictionary name (see
# resources/pseudo_postcodes.json); ZZ99 6CZ is the Data Dictionary's own example of a country.
PUBLISHED = ["ZZ99 3VZ", "ZZ99 3WZ", "ZZ99 3CZ", "ZZ99 1WZ", "ZZ99 2WZ", "ZZ99 3GZ", "ZZ99 6CZ"]


@pytest.mark.parametrize("pseudo", PUBLISHED)
def test_the_published_nhs_pseudo_postcodes_are_accepted_though_they_break_the_rules(pseudo: str) -> None:
    for typed in (pseudo, pseudo.lower(), pseudo.replace(" ", ""), f"  {pseudo.lower()} "):
        assert postcode.parse(typed) == pseudo
        assert postcode.is_pseudo(postcode.parse(typed))


@given(st.sampled_from("0123456789"), st.sampled_from(LETTERS))
@unhurried
def test_every_code_of_the_data_dictionarys_form_is_a_pseudo_postcode(digit: str, letter: str) -> None:
    """ZZ99, a space, a digit, a letter and Z: the form the Data Dictionary gives for a country."""
    code = f"ZZ99 {digit}{letter}Z"
    assert postcode.parse(code) == code
    assert postcode.is_pseudo(code)
    assert postcode.placeable(code) is None


@pytest.mark.parametrize("typed", ["ZZ99 3AA", "ZZ99 33Z", "ZZ99 BRL", "ZZ99 3VV", "ZZ98 3VZ", "ZZ9 3VZ"])
def test_other_zz_codes_are_refused(typed: str) -> None:
    assert not postcode.is_valid(typed)


PSEUDO_LIST = postcode.PseudoPostcodes(
    (
        postcode.PseudoPostcode("ZZ99 3VZ", "No fixed abode"),
        postcode.PseudoPostcode("ZZ99 6CZ", "Abroad: India"),
    )
)


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        ("zz993vz", "No fixed abode"),
        ("ZZ99 6CZ", "Abroad: India"),
        ("ZZ99 8QZ", postcode.UNLISTED_MEANING),  # of the form, not in the list: a country abroad
        ("ME14 1XX", None),  # a place
        ("ZZ99 3AA", None),  # not a postcode at all
        ("", None),
        (None, None),
    ],
)
def test_a_pseudo_postcode_has_its_meaning(typed: str | None, meaning: str | None) -> None:
    assert PSEUDO_LIST.meaning(typed) == meaning


def test_the_meaning_of_an_unlisted_code_says_it_is_abroad_and_not_listed() -> None:
    assert "abroad" in postcode.UNLISTED_MEANING.casefold()
    assert "not in Linkworker's list" in postcode.UNLISTED_MEANING


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the postcode."),
        ("   ", "Enter the postcode."),
        ("ME1", "5 to 7 letters and digits"),
        ("ME14 1XXXX", "5 to 7 letters and digits"),
        ("1ME4 1XX", "not a UK postcode"),
        ("ME14 XX1", "not a UK postcode"),
        ("ME14-1XX", "5 to 7 letters and digits"),
        ("ME1-1XX", "not a UK postcode"),
        ("ME1A4 1XX", "5 to 7 letters and digits"),
        ("A1Z 1AA", "not a UK postcode"),  # third letter of A9A outside its list
        ("AA1C 1AA", "not a UK postcode"),  # fourth letter of AA9A outside its list
    ],
)
def test_bad_postcodes_get_a_message_beside_the_field(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        postcode.parse(typed, field="patient.postcode")
    assert raised.value.field == "patient.postcode"


def test_district_is_the_outward_code() -> None:
    assert postcode.district("ME14 1XX") == "ME14"
    assert postcode.district("M1 1AE") == "M1"


@st.composite
def well_formed(draw: st.DrawFn) -> str:
    """A postcode built by the rules, in one of the six formats, typed with random case and spacing."""
    first = draw(st.sampled_from("ABCDEFGHIJKLMNOPRSTUWYZ"))
    second = draw(st.sampled_from("ABCDEFGHKLMNOPQRSTUVWXY"))
    digit = draw(st.sampled_from("0123456789"))
    outward = draw(
        st.sampled_from(
            [
                f"{first}{digit}",
                f"{first}{digit}{digit}",
                f"{first}{second}{digit}",
                f"{first}{second}{digit}{digit}",
                f"{first}{digit}" + draw(st.sampled_from("ABCDEFGHJKPSTUW")),
                f"{first}{second}{digit}" + draw(st.sampled_from("ABEHMNPRVWXY")),
            ]
        )
    )
    inward = draw(st.sampled_from("0123456789")) + draw(
        st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2)
    )
    spacing = draw(st.sampled_from(["", " ", "  ", "\t"]))
    typed = f"{outward}{spacing}{inward}"
    return "".join(c.lower() if draw(st.booleans()) else c for c in typed)


@given(well_formed())
@unhurried
def test_well_formed_postcodes_parse_to_upper_case_outward_space_inward(typed: str) -> None:
    canonical = postcode.parse(typed)
    outward, inward = canonical.split(" ")
    assert canonical == canonical.upper()
    assert "".join(canonical.split()) == "".join(typed.split()).upper()
    assert len(inward) == 3
    assert 2 <= len(outward) <= 4


@given(st.one_of(well_formed(), st.text(alphabet=LETTERS + "0123456789 abcxyz", max_size=9)))
@unhurried
def test_parsing_twice_gives_the_same_postcode(typed: str) -> None:
    try:
        once = postcode.parse(typed)
    except ValidationError:
        return
    assert postcode.parse(once) == once


@given(well_formed())
@unhurried
def test_no_real_postcode_is_taken_for_a_pseudo_postcode(typed: str) -> None:
    canonical = postcode.parse(typed)
    assert not postcode.is_pseudo(canonical)
    assert postcode.placeable(typed) == canonical
