"""Correcting what was saved: a consent given or withdrawn later, with its day, and what a
correction changed, field by field, in words a person reads in the case's history."""

from __future__ import annotations

from datetime import date

import pytest

from linkworker.domain.corrections import (
    Consent,
    FieldChange,
    changes_between,
    consent_after,
    consent_words,
    field_label,
)
from linkworker.domain.errors import ValidationError

TODAY = date(2026, 12, 7)
BORN = date(1948, 11, 2)
GIVEN = date(2026, 11, 20)
NEVER = Consent(False, None, None)
GIVEN_ON_REFERRAL = Consent(True, GIVEN, None)
WITHDRAWN = Consent(False, GIVEN, date(2026, 12, 1))


def after(before: Consent, given: bool, on: date | None) -> Consent:
    return consent_after(before, given, on, born=BORN, today=TODAY, field="consent_share_gp")


def refusal(before: Consent, given: bool, on: date | None) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        after(before, given, on)
    assert refused.value.field == "consent_share_gp"
    return refused.value


def test_consent_given_later_is_dated_the_day_it_was_given() -> None:
    assert after(NEVER, True, date(2026, 12, 3)) == Consent(True, date(2026, 12, 3), None)


def test_consent_withdrawn_keeps_the_day_it_was_given_and_adds_the_day_it_was_withdrawn() -> None:
    assert after(GIVEN_ON_REFERRAL, False, date(2026, 12, 5)) == Consent(False, GIVEN, date(2026, 12, 5))


def test_consent_given_again_after_withdrawing_starts_afresh() -> None:
    assert after(WITHDRAWN, True, TODAY) == Consent(True, TODAY, None)


def test_the_day_of_a_consent_can_be_corrected_without_changing_the_answer() -> None:
    assert after(GIVEN_ON_REFERRAL, True, date(2026, 11, 18)) == Consent(True, date(2026, 11, 18), None)
    assert after(WITHDRAWN, False, date(2026, 12, 2)) == Consent(False, GIVEN, date(2026, 12, 2))


def test_no_consent_ever_given_needs_no_day() -> None:
    assert after(NEVER, False, None) == NEVER
    assert after(NEVER, False, date(2026, 12, 1)) == NEVER  # a day typed for nothing is not kept


@pytest.mark.parametrize(
    ("before", "given", "on", "words"),
    [
        (NEVER, True, None, "Enter the day they agreed"),
        (GIVEN_ON_REFERRAL, False, None, "Enter the day they withdrew"),
        (NEVER, True, date(2026, 12, 8), "in the future"),
        (GIVEN_ON_REFERRAL, False, date(2026, 12, 8), "in the future"),
        (NEVER, True, date(1948, 11, 1), "before they were born"),
        (NEVER, True, date(1999, 12, 31), "before 2000"),
        (GIVEN_ON_REFERRAL, False, date(2026, 11, 19), "before it was given (20 Nov 2026)"),
    ],
)
def test_a_day_that_cannot_be_is_refused_with_a_message(
    before: Consent, given: bool, on: date | None, words: str
) -> None:
    assert words in refusal(before, given, on).message


def test_the_words_for_a_consent_say_its_days() -> None:
    assert consent_words(NEVER) == "Not given"
    assert consent_words(GIVEN_ON_REFERRAL) == "Given on 20 Nov 2026"
    assert consent_words(WITHDRAWN) == "Withdrawn on 1 Dec 2026 (given on 20 Nov 2026)"
    assert consent_words(Consent(True, None, None)) == "Given"


def test_only_fields_whose_value_changed_are_listed_with_the_words_before_and_after() -> None:
    before = {"phone": ("01632 960123", "01632 960123"), "sex": ("female", "Female"), "email": (None, None)}
    now = {
        "phone": ("01632 960999", "01632 960999"),
        "sex": ("female", "Female"),
        "email": ("a@b.org", "a@b.org"),
    }
    assert changes_between(before, now) == (
        FieldChange("phone", "01632 960123", "01632 960999"),
        FieldChange("email", None, "a@b.org"),
    )


def test_a_change_the_words_hide_is_still_a_change() -> None:
    """Two values can read the same (a practice renamed since): the stored value decides."""
    assert changes_between({"practice": (1, "Riverside")}, {"practice": (2, "Riverside")}) == (
        FieldChange("practice", "Riverside", "Riverside"),
    )


def test_every_field_has_a_label_for_the_history() -> None:
    assert field_label("ethnic_category") == "Ethnic group"
    assert field_label("consent_share_gp") == "Consent to share with the GP"
    assert field_label("registered_practice") == "Registered practice"
    assert field_label("name") == "Name"
