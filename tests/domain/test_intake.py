"""Taking in a referral: each field's rule, every problem reported at once, and the open inputs
(dates, NHS numbers, postcodes, free text) read the same way however they are typed."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, timedelta
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain import nhs_number
from linkworker.domain.dates import parse_date
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    NOTES_MAX,
    PHONE_MAX,
    SEX_LABELS,
    SOURCE_LABELS,
    NeedList,
    PersonDetails,
    PersonEntry,
    ReferralDetails,
    ReferralEntry,
    case_number,
    check_referral_for,
    local_need_code,
    parse_choice,
    parse_date_of_birth,
    parse_email,
    parse_need_label,
    parse_needs,
    parse_person,
    parse_phone,
    parse_received_on,
    parse_referral,
    parse_yes_no,
    registered_practice,
    same_label,
)
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.referrals import ReferralSource, Urgency

# No time limit per example: a shared, busy test machine must not make these tests flaky.
unhurried = settings(deadline=None)
TODAY = date(2025, 6, 30)
NUMBER = next(islice(nhs_number.synthetic_numbers(70_000), 1))
NEEDS = {"loneliness": "Loneliness and isolation", "debt_money": "Debt and money", "local_pets": "Pet care"}
PRACTICES = {"G99001": 11, "G99002": 12}

PERSON = PersonEntry(
    nhs_number=NUMBER,
    given_name="Orla",
    family_name="Fenwick-Hale",
    date_of_birth="02/11/1948",
    sex="Female",
    ethnic_category="White: Irish",
    address_line_1="3 Quarry Lane",
    town="Maidstone",
    postcode="me15 6aa",
    mobile="07700 900123",
    preferred_contact_method="Text message",
    language="Irish",
    interpreter_needed="no",
    registered_practice_ods="g99002",
)
REFERRAL = ReferralEntry(
    referring_practice_ods="G99001",
    source="GP",
    referrer_name="Dr Ada Quill",
    received_on="2025-06-02",
    needs=("Loneliness and isolation",),
    consent_share_gp="yes",
    consent_share_services="no",
    urgency="",
    notes="  Lives alone.\nPrefers mornings.  ",
)


def refused_fields(call: object) -> dict[str, str]:
    """The field -> message of every problem a parse reports."""
    assert callable(call)
    with pytest.raises(FormErrors) as raised:
        call()
    return {error.field: error.message for error in raised.value.errors}


def refusal(call: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value


# Dates


@pytest.mark.parametrize(
    "typed",
    [
        "02/11/1948",
        "2/11/1948",
        "02-11-1948",
        "02.11.1948",
        "1948-11-02",
        "1948/11/02",
        "1948-11-2",
        " 02/11/1948 ",
        "02/11/1948 00:00:00",
        "02/11/1948 00:00",
        "1948-11-02T00:00:00",
    ],
)
def test_dates_are_read_day_first_or_year_first(typed: str) -> None:
    assert parse_date(typed, "when") == date(1948, 11, 2)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the date"),
        ("   ", "Enter the date"),
        ("02/11/48", "Write the year in full"),
        ("31/02/2020", "There is no such date"),
        ("00/01/2020", "There is no such date"),
        ("13/13/2020", "There is no such date"),
        ("2 November 1948", "day/month/year"),
        ("02/11/1948 10:30", "day/month/year"),
        ("1948.11.02", "day/month/year"),
        ("\u0660\u0662/\u0661\u0661/\u0661\u0669\u0664\u0668", "day/month/year"),  # Arabic-Indic digits
    ],
)
def test_what_is_not_a_date_is_explained(typed: str, message: str) -> None:
    error = refusal(lambda: parse_date(typed, "when"))
    assert error.field == "when"
    assert message in error.message


@unhurried
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.booleans())
def test_every_date_reads_back_from_each_way_of_writing_it(day: date, midnight: bool) -> None:
    suffix = " 00:00:00" if midnight else ""
    for typed in (
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d-%m-%Y}",
        f"{day:%Y-%m-%d}",
    ):
        assert parse_date(typed + suffix, "when") == day, typed


@unhurried
@given(st.text(max_size=30))
def test_any_text_gives_a_date_or_a_message_for_the_field(typed: str) -> None:
    try:
        parse_date(typed, "when")
    except ValidationError as error:
        assert error.field == "when" and error.message


def test_a_date_of_birth_today_is_accepted_but_not_tomorrow() -> None:
    assert parse_date_of_birth(f"{TODAY:%d/%m/%Y}", TODAY) == TODAY
    error = refusal(lambda: parse_date_of_birth(f"{TODAY + timedelta(days=1):%d/%m/%Y}", TODAY))
    assert (error.field, error.message) == (
        "date_of_birth",
        "The date of birth is in the future: please check it.",
    )


def test_a_date_of_birth_over_120_years_ago_is_questioned() -> None:
    assert parse_date_of_birth("01/07/1904", TODAY) == date(1904, 7, 1)  # 120, 121 tomorrow
    assert "over 120 years" in refusal(lambda: parse_date_of_birth("30/06/1904", TODAY)).message


def test_a_referral_received_in_the_future_or_long_ago_is_refused() -> None:
    assert parse_received_on("30/06/2025", TODAY) == TODAY
    assert "in the future" in refusal(lambda: parse_received_on("01/07/2025", TODAY)).message
    assert "before 2000" in refusal(lambda: parse_received_on("31/12/1999", TODAY)).message
    assert parse_received_on("01/01/2000", TODAY) == date(2000, 1, 1)


# Yes or no, choices, contact details


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        (True, True),
        (False, False),
        ("Yes", True),
        (" y ", True),
        ("TRUE", True),
        ("1", True),
        ("no", False),
        ("N", False),
        ("false", False),
        ("0", False),
        ("", False),
        (None, False),
    ],
)
def test_yes_and_no_as_tick_boxes_and_spreadsheets_write_them(value: str | bool | None, answer: bool) -> None:
    assert parse_yes_no(value, "consent", "consent") is answer


def test_an_unclear_yes_or_no_is_refused() -> None:
    error = refusal(lambda: parse_yes_no("maybe", "consent_share_gp", "consent to share with the GP"))
    assert (error.field, error.message) == (
        "consent_share_gp",
        "Answer yes or no for consent to share with the GP.",
    )


@pytest.mark.parametrize(
    ("typed", "source"),
    [
        ("gp", ReferralSource.GP),
        ("Practice nurse", ReferralSource.PRACTICE_NURSE),
        ("PRACTICE_NURSE", ReferralSource.PRACTICE_NURSE),
        ("self_referral", ReferralSource.SELF),
        ("Self-referral", ReferralSource.SELF),
        ("self referral", ReferralSource.SELF),
        ("VCSE", ReferralSource.VOLUNTARY_SECTOR),
        ("  social   care ", ReferralSource.SOCIAL_CARE),
    ],
)
def test_a_choice_is_read_from_its_code_its_label_or_a_common_alias(
    typed: str, source: ReferralSource
) -> None:
    entry = replace(REFERRAL, source=typed)
    assert parse_referral(entry, TODAY, NEEDS, PRACTICES).source is source


def test_a_blank_choice_takes_its_default_or_is_asked_for() -> None:
    assert parse_choice(SEX_LABELS, " ", "sex", "sex", default=Sex.NOT_KNOWN) is Sex.NOT_KNOWN
    assert (
        refusal(lambda: parse_choice(SOURCE_LABELS, "", "source", "source")).message == "Choose the source."
    )
    error = refusal(lambda: parse_choice(SOURCE_LABELS, "the milkman", "source", "source"))
    assert (error.field, error.message) == ("source", "Choose the source from the list.")


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("A", EthnicCategory.A),
        ("b", EthnicCategory.B),
        ("White: Irish", EthnicCategory.B),
        ("white - irish", EthnicCategory.B),
        ("Asian or Asian British: Pakistani", EthnicCategory.J),
        ("Z", EthnicCategory.Z),
        ("Not stated", EthnicCategory.Z),
        ("99", EthnicCategory.NOT_KNOWN),
        ("unknown", EthnicCategory.NOT_KNOWN),
        ("", EthnicCategory.NOT_KNOWN),
    ],
)
def test_the_nhs_ethnic_category_by_code_or_label(typed: str, category: EthnicCategory) -> None:
    assert parse_person(replace(PERSON, ethnic_category=typed), TODAY).ethnic_category is category


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("01632 960123", "01632 960123"),
        ("  01632   960123 ", "01632 960123"),
        ("(01632) 960-123", "(01632) 960-123"),
        ("020 7946 0958", "020 7946 0958"),
        ("0163296012", "0163296012"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+353 1 234 5678", "+353 1 234 5678"),
        ("", None),
    ],
)
def test_phone_numbers_are_kept_as_typed_with_spaces_tidied(typed: str, kept: str | None) -> None:
    assert parse_phone(typed, "phone") == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1632 960123", "starts with 0"),
        ("01632 9601234", "10 or 11 digits"),
        ("01632 96O123", "only digits"),
        ("++44 20 7946 0958", "only digits"),
        ("+44 20", "8 to 15 digits"),
        ("0" + " -" * PHONE_MAX + "1632960123", "too long"),
    ],
)
def test_phone_numbers_that_cannot_be_dialled_are_explained(typed: str, message: str) -> None:
    assert message in refusal(lambda: parse_phone(typed, "mobile", "mobile number")).message


@pytest.mark.parametrize("typed", ["orla@example.org", " o.f-h+lw@mail.example.co.uk "])
def test_email_addresses(typed: str) -> None:
    assert parse_email(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["orla", "orla@example", "orla@@example.org", "orla @example.org", "a@b."])
def test_what_is_not_an_email_address(typed: str) -> None:
    error = refusal(lambda: parse_email(typed))
    assert (error.field, error.message) == (
        "email",
        "This is not an email address: it looks like name@example.org.",
    )


# A whole person


def test_a_person_is_parsed_and_normalised() -> None:
    details = parse_person(PERSON, TODAY)
    assert details == PersonDetails(
        nhs_number=NUMBER,
        given_name="Orla",
        family_name="Fenwick-Hale",
        date_of_birth=date(1948, 11, 2),
        sex=Sex.FEMALE,
        ethnic_category=EthnicCategory.B,
        address_line_1="3 Quarry Lane",
        town="Maidstone",
        postcode="ME15 6AA",
        mobile="07700 900123",
        preferred_contact_method=ContactMethod.TEXT,
        language="Irish",
        interpreter_needed=False,
        registered_practice_ods="G99002",
    )


def test_the_registered_practice_must_be_one_of_this_pcn_when_the_practices_are_given() -> None:
    assert parse_person(PERSON, TODAY, PRACTICES).registered_practice_ods == "G99002"
    elsewhere = replace(PERSON, registered_practice_ods="G88001")
    assert parse_person(elsewhere, TODAY).registered_practice_ods == "G88001", "not checked without the list"
    assert refused_fields(lambda: parse_person(elsewhere, TODAY, PRACTICES)) == {
        "registered_practice_ods": "G88001 is not a practice of this PCN."
    }
    unknown = replace(PERSON, registered_practice_ods="")
    assert parse_person(unknown, TODAY, PRACTICES).registered_practice_ods is None


def test_a_registered_practice_resolves_to_its_id_and_unknown_is_none() -> None:
    assert registered_practice("G99001", PRACTICES) == 11
    assert registered_practice(None, PRACTICES) is None
    error = refusal(lambda: registered_practice("G88001", PRACTICES))
    assert (error.field, error.message) == (
        "registered_practice_ods",
        "G88001 is not a practice of this PCN.",
    )


def test_only_names_and_date_of_birth_are_required() -> None:
    details = parse_person(
        PersonEntry(given_name=" Bram ", family_name="ashdown", date_of_birth="4/7/1960"), TODAY
    )
    assert details == PersonDetails(None, "Bram", "ashdown", date(1960, 7, 4))
    assert details.sex is Sex.NOT_KNOWN and details.ethnic_category is EthnicCategory.NOT_KNOWN
    assert details.preferred_contact_method is None and details.interpreter_needed is False


@unhurried
@given(
    st.sampled_from(list(islice(nhs_number.synthetic_numbers(70_000), 50))),
    st.lists(st.sampled_from(["", " ", "-", "  ", " - ", "\t"]), min_size=11, max_size=11),
)
def test_an_nhs_number_is_read_with_any_spaces_and_dashes(number: str, gaps: list[str]) -> None:
    typed = gaps[0] + "".join(digit + gap for digit, gap in zip(number, gaps[1:], strict=True))
    assert parse_person(replace(PERSON, nhs_number=typed), TODAY).nhs_number == number


def test_an_nhs_number_with_a_wrong_digit_is_refused_beside_its_field() -> None:
    wrong = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)
    assert refused_fields(lambda: parse_person(replace(PERSON, nhs_number=wrong), TODAY)) == {
        "nhs_number": "This is not a valid NHS number: please check each digit."
    }


POSTCODES = ["M1 1AE", "B33 8TH", "CR2 6XH", "ME14 1XX", "W1A 0AX", "EC1A 1BB", "ZZ99 3VZ"]


@unhurried
@given(st.sampled_from(POSTCODES), st.data())
def test_a_postcode_is_normalised_however_it_is_spaced_and_cased(canonical: str, data: st.DataObject) -> None:
    letters = [data.draw(st.sampled_from([ch.upper(), ch.lower()])) for ch in canonical.replace(" ", "")]
    spaces = data.draw(
        st.lists(st.sampled_from(["", " ", "  "]), min_size=len(letters) + 1, max_size=len(letters) + 1)
    )
    typed = "".join(space + letter for space, letter in zip(spaces, [*letters, ""], strict=True))
    assert parse_person(replace(PERSON, postcode=typed), TODAY).postcode == canonical


def test_every_problem_of_a_person_is_reported_together() -> None:
    entry = PersonEntry(
        nhs_number="123 456 789",
        given_name="",
        family_name="Smith 2",
        date_of_birth="31/02/1950",
        sex="sometimes",
        ethnic_category="Martian",
        address_line_1="x" * 201,
        town="y" * 101,
        postcode="ME14",
        phone="12345",
        mobile="07700 90",
        email="not an address",
        preferred_contact_method="pigeon",
        preferred_contact_times="z" * 201,
        language="w" * 61,
        interpreter_needed="perhaps",
        accessibility_needs="n" * (NOTES_MAX + 1),
        registered_practice_ods="G9",
    )
    problems = refused_fields(lambda: parse_person(entry, TODAY))
    assert set(problems) == {field.name for field in fields(PersonEntry)} - {"address_line_2"}
    assert problems["given_name"] == "Enter the given name."
    assert problems["family_name"].startswith("The family name can have letters")
    assert problems["date_of_birth"].startswith("There is no such date")
    assert problems["preferred_contact_method"] == "Choose the preferred way to contact them from the list."


def test_no_message_repeats_what_was_typed() -> None:
    """Messages may reach logs and message boxes: they never carry a person's details."""
    entry = replace(
        PERSON,
        nhs_number="9990000000",
        family_name="Qzxv 7",
        date_of_birth="31/02/1950",
        postcode="QQ1 1ZZ",
        email="qzxv@",
        phone="qzxv",
    )
    with pytest.raises(FormErrors) as raised:
        parse_person(entry, TODAY)
    said = str(raised.value) + " ".join(error.message for error in raised.value.errors)
    for typed in ("9990000000", "Qzxv", "1950", "QQ1", "qzxv@"):
        assert typed.casefold() not in said.casefold(), typed


@pytest.mark.parametrize(
    ("method", "blank", "field"),
    [
        ("phone", {"phone": "", "mobile": ""}, "phone"),
        ("text", {"mobile": ""}, "mobile"),
        ("email", {"email": ""}, "email"),
        ("letter", {"address_line_1": ""}, "address_line_1"),
        ("letter", {"postcode": ""}, "postcode"),
    ],
)
def test_the_preferred_way_to_contact_needs_its_detail(
    method: str, blank: dict[str, str], field: str
) -> None:
    entry = replace(PERSON, preferred_contact_method=method, **blank)
    problems = refused_fields(lambda: parse_person(entry, TODAY))
    assert list(problems) == [field]
    assert "prefer to be contacted" in problems[field]


def test_phone_contact_is_satisfied_by_a_landline_or_a_mobile() -> None:
    assert parse_person(
        replace(PERSON, preferred_contact_method="phone", mobile="", phone="01632 960123"), TODAY
    )
    assert parse_person(
        replace(PERSON, preferred_contact_method="Telephone"), TODAY
    ).preferred_contact_method is (ContactMethod.PHONE)


def test_a_bad_mobile_is_reported_once_even_when_texts_are_preferred() -> None:
    problems = refused_fields(lambda: parse_person(replace(PERSON, mobile="07"), TODAY))
    assert list(problems) == ["mobile"] and "10 or 11 digits" in problems["mobile"]


def test_an_interpreter_needs_a_language() -> None:
    assert refused_fields(
        lambda: parse_person(replace(PERSON, interpreter_needed=True, language=" "), TODAY)
    ) == {"language": "Say which language the interpreter is for."}
    assert parse_person(replace(PERSON, interpreter_needed="Y"), TODAY).interpreter_needed is True


def test_accessibility_needs_keep_their_line_breaks() -> None:
    details = parse_person(
        replace(PERSON, accessibility_needs="  Uses a wheelchair.\nHearing loop.  "), TODAY
    )
    assert details.accessibility_needs == "Uses a wheelchair.\nHearing loop."


text_fields = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)


@unhurried
@given(st.builds(PersonEntry, **{field.name: text_fields for field in fields(PersonEntry)}))
def test_any_typed_person_gives_details_or_messages_for_its_own_fields(entry: PersonEntry) -> None:
    try:
        parse_person(entry, TODAY)
    except FormErrors as errors:
        names = [error.field for error in errors.errors]
        assert names and set(names) <= {field.name for field in fields(PersonEntry)}
        assert len(names) == len(set(names))
        assert all(error.message for error in errors.errors)


# A referral


def test_a_referral_is_parsed_with_its_practice_and_needs_resolved() -> None:
    assert parse_referral(REFERRAL, TODAY, NEEDS, PRACTICES) == ReferralDetails(
        referring_practice_id=11,
        referring_practice_ods="G99001",
        source=ReferralSource.GP,
        referrer_name="Dr Ada Quill",
        received_on=date(2025, 6, 2),
        needs=("loneliness",),
        consent_share_gp=True,
        consent_share_services=False,
        urgency=Urgency.ROUTINE,
        notes="Lives alone.\nPrefers mornings.",
    )


def test_needs_by_code_or_label_in_any_case_each_once_in_the_order_given() -> None:
    typed = ("DEBT AND MONEY", "pet care", "loneliness", "debt_money", " ", "Debt-and-money")
    assert parse_needs(typed, NeedList(NEEDS)) == ("debt_money", "local_pets", "loneliness")


def test_a_need_not_on_the_list_or_no_need_at_all_is_refused() -> None:
    needs = NeedList(NEEDS)
    error = refusal(lambda: parse_needs(("Loneliness and isolation", "Gardening"), needs))
    assert (error.field, error.message) == ("needs", "“Gardening” is not in the PCN's list of needs.")
    assert (
        refusal(lambda: parse_needs(("", "  "), needs)).message
        == "Choose at least one need the referral is about."
    )


def test_a_need_list_is_the_pcns_needs_with_what_people_write_for_each() -> None:
    needs = NeedList(NEEDS)
    assert dict(needs) == NEEDS and len(needs) == 3 and needs["local_pets"] == "Pet care"
    assert [needs.code_for(typed) for typed in ("PET-CARE", "local_pets", " debt and money ", "Pets")] == [
        "local_pets",
        "local_pets",
        "debt_money",
        None,
    ]


def test_a_referral_reads_the_needs_the_same_from_a_plain_mapping_or_a_need_list() -> None:
    entry = replace(REFERRAL, needs=("pet care", "Debt and money"))
    from_list = parse_referral(entry, TODAY, NeedList(NEEDS), PRACTICES)
    assert from_list == parse_referral(entry, TODAY, NEEDS, PRACTICES)
    assert from_list.needs == ("local_pets", "debt_money")


def test_a_referral_cannot_be_received_before_the_person_was_born() -> None:
    details = parse_referral(REFERRAL, TODAY, NEEDS, PRACTICES)
    check_referral_for(details.received_on, details)
    check_referral_for(date(1948, 11, 2), details)
    error = refusal(lambda: check_referral_for(details.received_on + timedelta(days=1), details))
    assert (error.field, error.message) == (
        "received_on",
        "The referral cannot be received before the person was born.",
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Choose the referring practice."),
        ("G1", "An ODS code has 3 to 8 letters and digits"),
        ("G88001", "G88001 is not a practice of this PCN."),
    ],
)
def test_the_referring_practice_must_be_one_of_this_pcn(typed: str, message: str) -> None:
    problems = refused_fields(
        lambda: parse_referral(replace(REFERRAL, referring_practice_ods=typed), TODAY, NEEDS, PRACTICES)
    )
    assert list(problems) == ["referring_practice_ods"]
    assert problems["referring_practice_ods"].startswith(message)


def test_a_lower_case_practice_code_is_read() -> None:
    details = parse_referral(replace(REFERRAL, referring_practice_ods=" g99002 "), TODAY, NEEDS, PRACTICES)
    assert (details.referring_practice_id, details.referring_practice_ods) == (12, "G99002")


def test_urgency_by_label_and_routine_when_blank() -> None:
    assert (
        parse_referral(replace(REFERRAL, urgency="URGENT"), TODAY, NEEDS, PRACTICES).urgency is Urgency.URGENT
    )
    assert parse_referral(replace(REFERRAL, urgency=""), TODAY, NEEDS, PRACTICES).urgency is Urgency.ROUTINE


def test_every_problem_of_a_referral_is_reported_together() -> None:
    entry = ReferralEntry(
        referring_practice_ods="G12345",
        source="",
        referrer_name="r" * 201,
        received_on="01/07/2025",
        needs=("Gardening",),
        consent_share_gp="perhaps",
        consent_share_services="later",
        urgency="whenever",
        notes="n" * (NOTES_MAX + 1),
    )
    problems = refused_fields(lambda: parse_referral(entry, TODAY, NEEDS, PRACTICES))
    assert set(problems) == {field.name for field in fields(ReferralEntry)}
    assert problems["source"] == "Choose the source of the referral."
    assert problems["notes"] == f"The notes are too long ({NOTES_MAX} characters at most)."


def test_a_blank_referral_asks_for_what_is_required_only() -> None:
    problems = refused_fields(lambda: parse_referral(ReferralEntry(), TODAY, NEEDS, PRACTICES))
    assert set(problems) == {"referring_practice_ods", "source", "received_on", "needs"}


# The PCN's own needs


def test_a_need_label_is_tidied_and_checked() -> None:
    assert parse_need_label("  Pet   care ") == "Pet care"
    assert refusal(lambda: parse_need_label(" ")).message == "Enter the name of the need."
    assert refusal(lambda: parse_need_label("123")).message == "The name needs at least one letter."
    assert "too long" in refusal(lambda: parse_need_label("x" * 101)).message


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Pet care", "local_pet_care"),
        ("Pet-care!", "local_pet_care"),
        ("Café culture", "local_cafe_culture"),
        ("Men's sheds & 50+ groups", "local_men_s_sheds_50_groups"),
    ],
)
def test_a_local_need_code_comes_from_its_label(label: str, code: str) -> None:
    assert local_need_code(label) == code


@unhurried
@given(st.text(min_size=1, max_size=100).filter(lambda text: any(ch.isalpha() for ch in text)))
def test_a_local_need_code_is_always_a_storable_code(label: str) -> None:
    code = local_need_code(label)
    assert code.startswith("local_") and len(code) <= 40
    assert code.isascii() and code.replace("_", "").isalnum() and code == code.lower()
    assert not code.endswith("_")
    assert local_need_code(label) == code


def test_labels_in_other_scripts_get_distinct_stable_codes() -> None:
    first, second = local_need_code("Ομάδα περπατήματος"), local_need_code("Группа ходьбы")
    assert first != second
    assert first == local_need_code("ομάδα  περπατήματος")


def test_labels_are_the_same_whatever_their_case_spacing_and_punctuation() -> None:
    assert same_label("Long-term condition self-management", "long term condition SELF management")
    assert not same_label("Pet care", "Pet carers")


def test_a_case_number_is_the_referral_id_padded() -> None:
    assert (case_number(123), case_number(1_234_567)) == ("LW-000123", "LW-1234567")
