"""The local directory of services: its vocabularies, the rules of an entry, and of connections to it."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Final

from linkworker.domain.errors import ValidationError

# Entries not verified for this many months are stale, unless the PCN chooses otherwise.
STALE_AFTER_MONTHS: Final = 6
STALE_AFTER_RANGE: Final = (1, 36)

_APOSTROPHES = re.compile(r"['\u2019]")
_NOT_WORD = re.compile(r"[\W_]+")


def search_words(text: str | None) -> list[str]:
    """The words of ``text`` folded for searching: lower case, no accents; apostrophes join
    ("Men's" -> "mens"), any other punctuation splits ("Chair-based" -> "chair", "based")."""
    decomposed = unicodedata.normalize("NFKD", text or "").casefold()
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", plain)).split()


def service_search_text(name: str | None, organisation: str | None, description: str | None) -> str:
    """What a service is found by: each distinct word once, each after a space, so "a word starts
    with" is ``LIKE '% term%'`` in any database."""
    words = dict.fromkeys(search_words(" ".join(part or "" for part in (name, organisation, description))))
    return "".join(f" {word}" for word in words)


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    DEFUNCT = "defunct"


class CostKind(StrEnum):
    FREE = "free"
    LOW_COST = "low_cost"
    PAID = "paid"


class AccessRoute(StrEnum):
    SELF_REFERRAL = "self_referral"
    LINK_WORKER_REFERRAL = "link_worker_referral"
    DROP_IN = "drop_in"


class ConnectionStatus(StrEnum):
    SUGGESTED = "suggested"
    REFERRED = "referred"
    SIGNPOSTED = "signposted"
    ATTENDED = "attended"
    DECLINED = "declined"
    DID_NOT_ATTEND = "did_not_attend"


STATUS_LABELS: Final = {
    ServiceStatus.ACTIVE: "Active",
    ServiceStatus.TEMPORARILY_CLOSED: "Temporarily closed",
    ServiceStatus.DEFUNCT: "Closed for good",
}
COST_LABELS: Final = {CostKind.FREE: "Free", CostKind.LOW_COST: "Low cost", CostKind.PAID: "Paid"}
ACCESS_ROUTE_LABELS: Final = {
    AccessRoute.SELF_REFERRAL: "Self-referral",
    AccessRoute.LINK_WORKER_REFERRAL: "Link worker referral",
    AccessRoute.DROP_IN: "Drop-in",
}


def stale_cutoff(today: date, months: int) -> date:
    """The earliest verification that is still current: ``months`` calendar months before
    today (31 March less one month is the last day of February)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def is_stale(last_verified_on: date | None, today: date, months: int) -> bool:
    """An entry never verified, or last verified before the cutoff, may be out of date."""
    return last_verified_on is None or last_verified_on < stale_cutoff(today, months)


def parse_stale_after_months(value: int | str, field: str = "stale_after_months") -> int:
    low, high = STALE_AFTER_RANGE
    try:
        months = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, "Write the number of months as a whole number, like 6.") from None
    if not low <= months <= high:
        raise ValidationError(field, f"Choose from {low} to {high} months.")
    return months
