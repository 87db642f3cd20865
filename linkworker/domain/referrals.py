"""The vocabulary of a referral (one episode of support), how its status may move, and its case
number as people type it."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from linkworker.domain.errors import ValidationError


class ReferralSource(StrEnum):
    GP = "gp"
    PRACTICE_NURSE = "practice_nurse"
    PHARMACIST = "pharmacist"
    OTHER_CLINICIAN = "other_clinician"
    SELF = "self_referral"
    SOCIAL_CARE = "social_care"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


class CaseStatus(StrEnum):
    REFERRED = "referred"
    CONTACTED = "contacted"
    ASSESSED = "assessed"
    CONNECTED = "connected"
    CLOSED = "closed"
    DECLINED = "declined"
    NOT_CONTACTABLE = "not_contactable"

    @property
    def is_open(self) -> bool:
        return self not in ENDED


ENDED = frozenset({CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.NOT_CONTACTABLE})

# The usual path, in order. A case may end (closed, declined, not contactable) from any open status.
PATH = (CaseStatus.REFERRED, CaseStatus.CONTACTED, CaseStatus.ASSESSED, CaseStatus.CONNECTED)


class ClosingReason(StrEnum):
    GOALS_MET = "goals_met"
    DECLINED = "declined"
    NOT_CONTACTABLE = "not_contactable"
    MOVED_AWAY = "moved_away"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    DIED = "died"
    # A case made by mistake (the person referred twice, the wrong person chosen): kept, with its
    # history, but never counted: it leaves every figure (``counts_in_figures``).
    OPENED_IN_ERROR = "opened_in_error"


def counts_in_figures(reason: ClosingReason | None) -> bool:
    """Whether a case closed for ``reason`` (None: not closed, or closed without one) counts in
    the figures: every case does, but one opened in error, which was never an episode of support."""
    return reason is not ClosingReason.OPENED_IN_ERROR


def can_move(current: CaseStatus, target: CaseStatus) -> bool:
    """Forward along the path one or more steps, or to an ending, from any open status."""
    if not current.is_open or current == target:
        return False
    if target in ENDED:
        return True
    return PATH.index(target) > PATH.index(current)


def next_statuses(current: CaseStatus) -> list[CaseStatus]:
    """Where a case may go from ``current``, in the order a link worker would choose them."""
    return [status for status in CaseStatus if can_move(current, status)]


def ending_status(reason: ClosingReason) -> CaseStatus:
    """The status a case ends in for this reason: a person who declines is "declined", one who
    cannot be reached "not contactable", every other ending "closed"."""
    if reason is ClosingReason.DECLINED:
        return CaseStatus.DECLINED
    if reason is ClosingReason.NOT_CONTACTABLE:
        return CaseStatus.NOT_CONTACTABLE
    return CaseStatus.CLOSED


def check_move(current: CaseStatus, target: CaseStatus, reason: ClosingReason | None) -> ClosingReason | None:
    """The closing reason to store with a move, or a ``ValidationError`` saying why it cannot happen.

    An ending needs its reason; declining and not being contactable are their own reasons, so
    they need none given. Only an ending has a reason.
    """
    if not current.is_open:
        raise ValidationError(
            "status", f"This case has ended ({_words(current)}), so its status cannot change."
        )
    if target is current:
        raise ValidationError("status", f"This case is already {_words(current)}.")
    if not can_move(current, target):
        raise ValidationError(
            "status", f"A case that is {_words(current)} cannot move back to {_words(target)}."
        )
    if target not in ENDED:
        if reason is not None:
            raise ValidationError("reason", "Only a case that ends has a closing reason.")
        return None
    if reason is None:
        if target is CaseStatus.CLOSED:
            raise ValidationError("reason", "Choose why the case is closing.")
        return ClosingReason(target.value)
    if ending_status(reason) is not target:
        raise ValidationError(
            "reason",
            f"With the reason {_words(reason)} the case ends as {_words(ending_status(reason))}, "
            f"not {_words(target)}.",
        )
    return reason


def status_after_contact(current: CaseStatus, reached: bool) -> CaseStatus | None:
    """The status a contact moves the case to, or None: a referred case whose person the contact
    reached (``gp_codes.reaches``) has been contacted, as the figures and the GP codes already
    count it; a case further on, or ended, stays where it is."""
    return CaseStatus.CONTACTED if reached and current is CaseStatus.REFERRED else None


def _words(code: str) -> str:
    return code.replace("_", " ")


# The largest case number a referral can have: ids are 32-bit integers on PostgreSQL.
LARGEST_CASE: Final = 2**31 - 1
# A bare number up to this long is a case number (ids reach seven digits at ten million referrals);
# a longer one is an NHS number, whole (ten digits) or mistyped, whose own check then explains.
BARE_CASE_DIGITS: Final = 7
_PREFIXED = re.compile(r"LW[\s-]*([0-9]+)", re.IGNORECASE)
_BARE = re.compile(rf"[0-9]{{1,{BARE_CASE_DIGITS}}}")


def parse_case_number(text: str, field: str = "search") -> int | None:
    """The referral id a search for a case number means, or None when the text is not one.

    People quote the number as ``intake.case_number`` shows it ("LW-000960") and type it as
    "lw960", "LW 960" or just "960". Digits in groups ("999 000") are an NHS number being typed,
    so they are left to the NHS number's check. A prefixed number larger than any case could be
    is refused with a message rather than sent to the database.
    """
    wanted = (text or "").strip()
    prefixed = _PREFIXED.fullmatch(wanted)
    if prefixed is None:
        return int(wanted) if _BARE.fullmatch(wanted) else None
    number = int(prefixed.group(1))
    if number > LARGEST_CASE:
        raise ValidationError(field, "There is no case with a number that large: check the case number.")
    return number
