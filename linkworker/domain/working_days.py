"""Working days: Monday to Friday, except England's bank holidays.

Waits that the NHS measures in working days (how long a person has waited for a first contact)
count here, once. ``working_days_between(start, end)`` counts the working days after ``start``
up to and including ``end``: a referral received on a Friday has waited one working day on the
Monday after, none over the weekend. Bank holidays are England's (domain.bank_holidays,
substitute days included), worked out a year at a time and kept.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Final

from linkworker.domain.bank_holidays import in_england
from linkworker.domain.errors import ValidationError

_ONE_DAY: Final = timedelta(days=1)
# How long a person may wait for a first contact before the Today screen lists them (per PCN).
FIRST_CONTACT_WAIT_RANGE: Final = (1, 30)
FIRST_CONTACT_WAIT_DEFAULT: Final = 5


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays of ``year``, substitute days included."""
    return in_england(year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` if people work then, else the first working day after it."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to and including ``day``."""
    weeks, extra = divmod(day.toordinal(), 7)
    return weeks * 5 + min(extra, 5)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    closed = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in bank_holidays(year)
        if start < holiday <= end and holiday.weekday() < 5
    )
    return weekdays - closed


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    if days < 0:
        raise ValueError("count working days forward: days must be 0 or more")
    day = start
    while days > 0:
        day += _ONE_DAY
        if is_working_day(day):
            days -= 1
    return day


def latest_start_beyond(end: date, days: int) -> date:
    """The last date from which more than ``days`` working days have passed by ``end``.

    Anything that started on or before it has waited longer than ``days`` working days by
    ``end``; anything later has not. Lets a list select long waits with one date comparison.
    """
    if days < 0:
        raise ValueError("a wait is 0 working days or more")
    day, waited = end, 0
    while waited <= days:
        if is_working_day(day):
            waited += 1
        day -= _ONE_DAY
    return day


def parse_first_contact_wait(value: int | str, field: str = "first_contact_working_days") -> int:
    """A PCN's first-contact wait as typed: a whole number of working days in the allowed range."""
    low, high = FIRST_CONTACT_WAIT_RANGE
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, "Write the number of working days as a whole number, like 5.") from None
    if not low <= days <= high:
        raise ValidationError(field, f"Choose from {low} to {high} working days.")
    return days
