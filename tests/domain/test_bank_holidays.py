"""England's bank holidays: GOV.UK's published lists, and every year from 1978 to 2100 against
the ``holidays`` package, whose maintainers follow each new proclamation (a new one-off day
fails here until domain.bank_holidays lists it)."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from linkworker.domain.bank_holidays import ONE_OFF, in_england

# England and Wales, as gov.uk/bank-holidays lists them (substitute days where one falls at a weekend).
GOV_UK = {
    2019: [(1, 1), (4, 19), (4, 22), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)],
    2020: [(1, 1), (4, 10), (4, 13), (5, 8), (5, 25), (8, 31), (12, 25), (12, 28)],
    2021: [(1, 1), (4, 2), (4, 5), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)],
    2022: [(1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19), (12, 26), (12, 27)],
    2023: [(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)],
    2024: [(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)],
    2025: [(1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)],
    2026: [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)],
    2027: [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)],
}


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_each_year_is_gov_uk_s_list(year: int) -> None:
    assert sorted(in_england(year)) == [date(year, month, day) for month, day in GOV_UK[year]]


def test_every_year_from_1978_to_2100_has_the_weekdays_the_holidays_package_has() -> None:
    """The package also lists a holiday's own weekend day beside its substitute; people do not
    work at weekends either way, so the weekdays are compared."""
    differ = {}
    for year in range(1978, 2101):
        theirs = {
            day for day in holidays.country_holidays("GB", subdiv="ENG", years=year) if day.weekday() < 5
        }
        if set(in_england(year)) != theirs:
            differ[year] = (sorted(theirs - in_england(year)), sorted(in_england(year) - theirs))
    assert differ == {}


def test_no_day_given_is_at_a_weekend_and_there_are_eight_or_more_a_year() -> None:
    for year in range(1978, 2101):
        days = in_england(year)
        assert all(day.weekday() < 5 and day.year == year for day in days)
        assert len(days) >= 8


@pytest.mark.parametrize(
    ("year", "christmas", "boxing_day"),
    [
        (2021, date(2021, 12, 27), date(2021, 12, 28)),  # Christmas on a Saturday
        (2022, date(2022, 12, 27), date(2022, 12, 26)),  # on a Sunday: Boxing Day keeps the Monday
        (2026, date(2026, 12, 25), date(2026, 12, 28)),  # Boxing Day on a Saturday
        (2024, date(2024, 12, 25), date(2024, 12, 26)),  # both on weekdays
    ],
)
def test_christmas_and_boxing_day_at_a_weekend_move_to_the_next_free_weekdays(
    year: int, christmas: date, boxing_day: date
) -> None:
    assert {christmas, boxing_day} <= in_england(year)
    assert not ({date(year, 12, 25), date(year, 12, 26)} - {christmas, boxing_day}) & in_england(year)


def test_the_one_off_days_are_each_in_their_year() -> None:
    assert all(day in in_england(day.year) for day in ONE_OFF)
