"""Rules for what a link worker records on a case: when it happened, how long it took, the words.

Each rule raises a ``ValidationError`` naming its field, so a form shows the message beside it.
"""

from __future__ import annotations

from datetime import date, datetime

from linkworker.domain.casework import ContactKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.text_checks import check_visible

CONTACT_MINUTES_MAX = 8 * 60
TEXT_MAX = 10_000

# Contacts that are a conversation take time worth counting; a text or a missed call need not.
TIMED_KINDS = frozenset(
    {ContactKind.PHONE, ContactKind.FACE_TO_FACE, ContactKind.HOME_VISIT, ContactKind.VIDEO}
)


def check_day(day: date, received_on: date, today: date, field: str, what: str) -> date:
    """A day in the episode: not in the future, and not before the referral was received."""
    if day > today:
        raise ValidationError(field, f"The {what} cannot be in the future.")
    if day < received_on:
        raise ValidationError(
            field, f"The {what} cannot be before the referral was received ({received_on:%d/%m/%Y})."
        )
    return day


def check_moment(moment: datetime, received_on: date, now: datetime, field: str, what: str) -> datetime:
    """A moment in the episode (timezone-aware): not in the future, not before the referral."""
    if moment.tzinfo is None:
        raise ValueError("a moment must carry its time zone")
    if moment > now:
        raise ValidationError(field, f"The {what} cannot be in the future.")
    check_day(moment.astimezone().date(), received_on, now.astimezone().date(), field, what)
    return moment


def check_duration(kind: ContactKind, minutes: int | None, field: str = "duration_minutes") -> int | None:
    """Minutes spent: needed for a conversation, optional for a text or a missed contact."""
    if minutes is None or minutes == 0:
        if kind in TIMED_KINDS:
            raise ValidationError(field, "Enter how many minutes the contact took.")
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= CONTACT_MINUTES_MAX:
        raise ValidationError(
            field,
            f"A contact takes from 1 to {CONTACT_MINUTES_MAX} minutes ({CONTACT_MINUTES_MAX // 60} hours).",
        )
    return minutes


def parse_text(text: str | None, field: str, what: str, *, required: bool = False) -> str | None:
    """Free text with its outer spaces trimmed; None when blank, which ``required`` refuses; text
    with a hidden character (a NUL, a text-direction mark) is refused as names are."""
    cleaned = (text or "").strip()
    if not cleaned:
        if required:
            raise ValidationError(field, f"Write the {what}.")
        return None
    if len(cleaned) > TEXT_MAX:
        raise ValidationError(field, f"The {what} is too long ({TEXT_MAX:,} characters at most).")
    return check_visible(cleaned, field, what)
