"""Correcting a person's or a referral's details after they were saved: consents given or
withdrawn later, each with its day, and what a correction changed, field by field.

A consent to share is a state with days, not a tick: given on a day (with the referral, or
later when the person agrees), and withdrawn on a day. Withdrawing keeps the day it was given,
so the record says both; giving it again starts afresh (the history keeps the earlier days).

A correction's history names each field changed with its value before and after, in the words
the case screen shows, so a colleague reads what was there without decoding stored values.
Whether a field changed is decided by its stored value, never by the words: two practices can
share a name. The audit trail gets only the field names (``services.corrections``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import EARLIEST_REFERRAL

# How each field a correction can change is named in the case's history.
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "ethnic_category": "Ethnic group",
    "address_line_1": "Address",
    "address_line_2": "Address line 2",
    "town": "Town",
    "postcode": "Postcode",
    "phone": "Phone",
    "mobile": "Mobile",
    "email": "Email",
    "preferred_contact_method": "Preferred contact",
    "preferred_contact_times": "Best times",
    "language": "Language",
    "interpreter_needed": "Interpreter",
    "accessibility_needs": "Accessibility needs",
    "registered_practice": "Registered practice",
    "referring_practice": "Referring practice",
    "source": "Source",
    "referrer_name": "Referrer",
    "received_on": "Date received",
    "needs": "Needs",
    "urgency": "Urgency",
    "consent_share_gp": "Consent to share with the GP",
    "consent_share_services": "Consent to share with services",
    "notes": "Referral notes",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def day_words(day: date) -> str:
    """A day as the history and messages write it: "3 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Consent:
    """A consent to share: whether it stands, the day it was given, the day it was withdrawn."""

    given: bool
    given_on: date | None
    withdrawn_on: date | None

    @property
    def was_given(self) -> bool:
        """Given now or before: withdrawing it needs a day."""
        return self.given or self.given_on is not None or self.withdrawn_on is not None


def consent_after(
    before: Consent, given: bool, on: date | None, *, born: date, today: date, field: str
) -> Consent:
    """The consent once the user's answer is recorded: ``given`` now or not, and ``on`` the day
    it was given (when given) or withdrawn (when it had been given and is no longer). Never
    given, it stays so and a day typed is not kept. Refused beside ``field`` with a message for
    a missing day, a day in the future, before the person was born or before 2000, or a
    withdrawal before the day the consent was given."""
    if given:
        day = _required(on, field, "Enter the day they agreed to share.")
        _not_future(day, today, field, "agreed")
        if day < born:
            raise ValidationError(field, "That day is before they were born: please check it.")
        if day < EARLIEST_REFERRAL:
            raise ValidationError(
                field, f"A consent from before {EARLIEST_REFERRAL.year} is unlikely: please check the year."
            )
        return Consent(True, day, None)
    if not before.was_given:
        return Consent(False, None, None)
    day = _required(on, field, "Enter the day they withdrew their consent.")
    _not_future(day, today, field, "withdrew")
    if before.given_on is not None and day < before.given_on:
        raise ValidationError(
            field,
            f"Consent cannot be withdrawn before it was given ({day_words(before.given_on)}): "
            "please check the day.",
        )
    return Consent(False, before.given_on, day)


def _required(on: date | None, field: str, message: str) -> date:
    if on is None:
        raise ValidationError(field, message)
    return on


def _not_future(day: date, today: date, field: str, verb: str) -> None:
    if day > today:
        raise ValidationError(field, f"The day they {verb} is in the future: use today's date or earlier.")


def consent_words(consent: Consent) -> str:
    """How a consent reads on the case and in its history."""
    if consent.given:
        return f"Given on {day_words(consent.given_on)}" if consent.given_on else "Given"
    if consent.withdrawn_on is not None:
        since = f" (given on {day_words(consent.given_on)})" if consent.given_on else ""
        return f"Withdrawn on {day_words(consent.withdrawn_on)}{since}"
    return "Not given"


@dataclass(frozen=True)
class FieldChange:
    """One field a correction changed, with its words before and after (None: nothing there)."""

    field: str
    before: str | None
    after: str | None

    @property
    def label(self) -> str:
        return field_label(self.field)


# A field's stored value (compared) and its words (kept in the history).
Described = Mapping[str, tuple[object, str | None]]


def changes_between(before: Described, after: Described) -> tuple[FieldChange, ...]:
    """The fields of ``after`` whose stored value differs from ``before``, in ``after``'s order."""
    return tuple(
        FieldChange(field, before[field][1], words)
        for field, (value, words) in after.items()
        if before[field][0] != value
    )
