"""Working days: weekends and England's bank holidays skipped, checked against gov.uk's lists,
exhaustively day by day over a decade, and against a day-by-day count with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.errors import ValidationError
from linkworker.domain.working_days import (
    FIRST_CONTACT_WAIT_RANGE,
    add_working_days,
    bank_holidays,
    is_working_day,
    latest_start_beyond,
    next_working_day,
    parse_first_contact_wait,
    working_days_between,
)

# England and Wales, as gov.uk/bank-holidays lists them (substitute days where one falls at a weekend).
GOV_UK = {
    2022: [
        date(2022, 1, 3), date(2022, 4, 15), date(2022, 4, 18), date(2022, 5, 2), date(2022, 6, 2),
        date(2022, 6, 3), date(2022, 8, 29), date(2022, 9, 19), date(2022, 12, 26), date(2022, 12, 27),
    ],
    2023: [
        date(2023, 1, 2), date(2023, 4, 7), date(2023, 4, 10), date(2023, 5, 1), date(2023, 5, 8),
        date(2023, 5, 29), date(2023, 8, 28), date(2023, 12, 25), date(2023, 12, 26),
    ],
    2026: [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
        date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
    ],
    2027: [
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31),
        date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    ],
}  # fmt: skip

DECADE = [
    date(2020, 1, 1) + timedelta(days=offset) for offset in range((date(2031, 1, 1) - date(2020, 1, 1)).days)
]
dates = st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31))


def counted_day_by_day(start: date, end: date) -> int:
    """The reference: walk the days after ``start`` up to ``end`` and count the working ones."""
    sign, low, high = (1, start, end) if start <= end else (-1, end, start)
    return sign * sum(
        1 for offset in range(1, (high - low).days + 1) if is_working_day(low + timedelta(offset))
    )


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_the_bank_holidays_on_weekdays_are_gov_uk_s(year: int) -> None:
    on_weekdays = sorted(day for day in bank_holidays(year) if day.weekday() < 5)
    assert on_weekdays == GOV_UK[year]
    assert not any(is_working_day(day) for day in GOV_UK[year])


def test_every_weekend_day_and_bank_holiday_of_a_decade_adds_no_working_day() -> None:
    holidays = {day for year in range(2020, 2031) for day in bank_holidays(year)}
    assert len(holidays) >= 80  # eight or more a year: the list was really read
    for day in DECADE:
        closed = day.weekday() >= 5 or day in holidays
        assert is_working_day(day) is not closed, day
        assert working_days_between(day - timedelta(days=1), day) == (0 if closed else 1), day
        # Nothing lands on a closed day, and the next working day is the first open one after it.
        following = add_working_days(day, 1)
        assert is_working_day(following)
        assert all(not is_working_day(day + timedelta(offset)) for offset in range(1, (following - day).days))
        assert next_working_day(day) == (following if closed else day), day


def test_christmas_and_easter_2026_as_a_link_worker_counts_them() -> None:
    # Received Thursday 24 December: Christmas (Friday), the weekend and the Boxing Day
    # substitute (Monday 28) pass before the first working day, Tuesday 29.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 0
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)  # 29, 30, 31, (1 Jan off), 4, 5
    # Received the Thursday before Good Friday: Easter Monday is off too, so the fifth working
    # day after is Monday 13 April (7, 8, 9, 10, 13).
    assert add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 13)
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 10)) == 4
    # A plain week: Friday to the next Friday is five working days; to Saturday still five.
    assert working_days_between(date(2026, 11, 13), date(2026, 11, 20)) == 5
    assert working_days_between(date(2026, 11, 13), date(2026, 11, 21)) == 5
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 13)) == -5


# A year's bank holidays are read the first time they are needed, then kept: no deadline.
@settings(deadline=None)
@given(dates)
def test_the_next_working_day_is_never_earlier_and_is_a_working_day(day: date) -> None:
    found = next_working_day(day)
    assert found >= day and is_working_day(found)
    assert (found == day) == is_working_day(day)
    assert working_days_between(day, found) == (1 if found > day else 0)


@given(dates, dates)
def test_the_count_is_the_day_by_day_count(start: date, end: date) -> None:
    assert working_days_between(start, end) == counted_day_by_day(start, end)


@given(dates, st.integers(min_value=0, max_value=400))
def test_adding_working_days_is_counted_back_exactly(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    if days > 0:
        assert is_working_day(end)
        assert working_days_between(start, end - timedelta(days=1)) == days - 1  # the first such day


@given(dates, dates, st.integers(min_value=0, max_value=60))
def test_the_latest_start_splits_long_waits_from_short_ones(start: date, end: date, days: int) -> None:
    cutoff = latest_start_beyond(end, days)
    assert (start <= cutoff) == (working_days_between(start, end) > days)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        latest_start_beyond(date(2026, 1, 5), -1)


def test_the_first_contact_wait_is_a_whole_number_in_range() -> None:
    low, high = FIRST_CONTACT_WAIT_RANGE
    assert parse_first_contact_wait(" 7 ") == 7
    assert parse_first_contact_wait(low) == low and parse_first_contact_wait(high) == high
    for bad, message in (
        ("five", "Write the number of working days as a whole number, like 5."),
        (low - 1, f"Choose from {low} to {high} working days."),
        (high + 1, f"Choose from {low} to {high} working days."),
    ):
        with pytest.raises(ValidationError) as raised:
            parse_first_contact_wait(bad)
        assert raised.value.field == "first_contact_working_days"
        assert raised.value.message == message
