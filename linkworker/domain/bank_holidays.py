"""England's bank holidays (England and Wales share them), as GOV.UK publishes them.

Sources: the Banking and Financial Dealings Act 1971, Schedule 1 (Easter Monday, the last Monday
in May, the last Monday in August, 26 December, or 27 December when the 26th is a Sunday); the
royal proclamations made under its section 1 every year since for New Year's Day (from 1974),
the early May bank holiday (from 1978) and the substitute days when a holiday falls at a
weekend; Good Friday and Christmas Day, holidays by custom; and the one-off days proclaimed for
royal and national events, listed below. GOV.UK's list (gov.uk/bank-holidays) is the check:
tests/domain/test_bank_holidays.py compares the years it lists and, from 1978 (the first year
with all of today's days) to 2100, the weekdays of every year with the ``holidays`` package,
whose maintainers follow new proclamations: a new one-off day fails the tests until it is added
here. The rules are applied to earlier years as they stand; no record here is dated before 2000
(domain.intake.EARLIEST_REFERRAL).

Kept here rather than taken from ``holidays`` at run time: that package imports all of its
countries (300 modules, 11 MiB, 0.15 s) to give England's eight or so days a year, and the
signed-in window reads them before its first view is drawn.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from dateutil.easter import EASTER_WESTERN, easter

# Days proclaimed once, for an event, on top of the usual ones (GOV.UK and the London Gazette).
ONE_OFF: Final = frozenset(
    {
        date(1977, 6, 7),  # The Queen's Silver Jubilee
        date(1981, 7, 29),  # The wedding of the Prince of Wales
        date(1999, 12, 31),  # The millennium
        date(2002, 6, 3),  # The Queen's Golden Jubilee
        date(2011, 4, 29),  # The wedding of Prince William
        date(2012, 6, 5),  # The Queen's Diamond Jubilee
        date(2022, 6, 3),  # The Queen's Platinum Jubilee
        date(2022, 9, 19),  # The State Funeral of Queen Elizabeth II
        date(2023, 5, 8),  # The Coronation of King Charles III
    }
)
# Usual days moved by proclamation: the year and the day it was moved to, by the rule it replaces.
_EARLY_MAY_MOVED: Final = {1995: date(1995, 5, 8), 2020: date(2020, 5, 8)}  # VE Day 50th, 75th
_SPRING_MOVED: Final = {  # for the jubilees
    1977: date(1977, 6, 6),
    2002: date(2002, 6, 4),
    2012: date(2012, 6, 4),
    2022: date(2022, 6, 2),
}


def in_england(year: int) -> frozenset[date]:
    """England's bank holidays of ``year``: the days people do not work, so a holiday at a
    weekend is given as its substitute weekday, not as the weekend day itself."""
    good_friday = easter(year, EASTER_WESTERN) - timedelta(days=2)
    days = {good_friday, good_friday + timedelta(days=3)}  # and Easter Monday
    if year >= 1978:
        days.add(_EARLY_MAY_MOVED.get(year, _first_monday(year, 5)))
    days.add(_SPRING_MOVED.get(year, _last_monday(year, 5)))
    days.add(_last_monday(year, 8))
    if year >= 1974:
        days.add(_monday_if_weekend(date(year, 1, 1)))
    days.update(_christmas(year))
    days.update(day for day in ONE_OFF if day.year == year)
    return frozenset(days)


def _christmas(year: int) -> set[date]:
    """Christmas Day and Boxing Day, each moved to the next weekday not already a holiday when
    it falls at a weekend (so Christmas on a Saturday gives Monday 27 and Tuesday 28)."""
    christmas, boxing_day = date(year, 12, 25), date(year, 12, 26)
    taken: set[date] = set()
    for day in (christmas, boxing_day):
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.add(day)
    return taken


def _monday_if_weekend(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())
