"""Follow-up rules: open, due and overdue; the week's end; quick picks; what each state allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.errors import ValidationError
from linkworker.domain.follow_ups import (
    FURTHEST_AHEAD,
    Due,
    FollowUpAction,
    FollowUpState,
    QuickPick,
    add_month,
    allowed_actions,
    attendance_check_day,
    check_action,
    check_case_open,
    check_due_on,
    check_new_day,
    due,
    is_open,
    is_overdue,
    parse_reason,
    quick_pick,
    state_of,
    week_end,
)
from linkworker.domain.text_checks import hidden_at
from linkworker.domain.working_days import is_working_day, next_working_day

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
# A year's bank holidays are read from the holidays package the first time they are needed
# (tens of milliseconds), then kept: no deadline for the tests that meet a new year each example.
calendar_settings = settings(deadline=None)
moments = st.none() | st.datetimes(timezones=st.just(UTC))


DECADE = [date(2020, 1, 1) + timedelta(days=offset) for offset in range(11 * 365)]


@given(days)
def test_due_this_week_is_the_next_7_days(today: date) -> None:
    assert week_end(today) == today + timedelta(days=7)


def test_every_day_of_a_decade_lists_the_next_7_days_and_the_next_working_days_work() -> None:
    for today in DECADE:
        around = [today + timedelta(days=offset) for offset in range(-10, 20)]
        listed = [day for day in around if due(day, today) is Due.THIS_WEEK]
        # The seven days after today, whatever day it is looked at: each day of the week shows
        # once, so Monday's work is listed on a Sunday and next Friday's on a Friday.
        assert listed == [today + timedelta(days=offset) for offset in range(1, 8)], today
        # The next working day's work is listed, over a weekend or a bank holiday too.
        assert due(next_working_day(today + timedelta(days=1)), today) is Due.THIS_WEEK, today


@pytest.mark.parametrize(
    ("today", "listed", "later"),
    [
        # Sunday 22 March 2026: Monday's work shows, up to the next Sunday.
        (date(2026, 3, 22), [date(2026, 3, 23), date(2026, 3, 29)], date(2026, 3, 30)),
        # Saturday 21 March: Monday's work, and the next Saturday's.
        (date(2026, 3, 21), [date(2026, 3, 23), date(2026, 3, 28)], date(2026, 3, 29)),
        # Good Friday 3 April 2026 (Easter Monday is off too): Tuesday's work, to the next Friday.
        (date(2026, 4, 3), [date(2026, 4, 7), date(2026, 4, 10)], date(2026, 4, 11)),
        # Christmas Eve 2026, a Thursday: the first working day is Tuesday 29; 1 January is later.
        (date(2026, 12, 24), [date(2026, 12, 29), date(2026, 12, 31)], date(2027, 1, 1)),
        # A Wednesday: the same day next week is still in the list.
        (date(2026, 3, 18), [date(2026, 3, 19), date(2026, 3, 25)], date(2026, 3, 26)),
    ],
)
def test_the_next_7_days_over_weekends_and_bank_holidays(
    today: date, listed: list[date], later: date
) -> None:
    assert [due(day, today) for day in listed] == [Due.THIS_WEEK] * len(listed)
    assert due(later, today) is Due.LATER
    assert next_working_day(today + timedelta(days=1)) == listed[0]


@given(days, days)
def test_an_open_follow_up_falls_in_exactly_one_band(due_on: date, today: date) -> None:
    band = due(due_on, today)
    assert (band is Due.OVERDUE) == (due_on < today)
    assert (band is Due.TODAY) == (due_on == today)
    assert (band is Due.THIS_WEEK) == (today < due_on <= week_end(today))
    assert (band is Due.LATER) == (due_on > week_end(today))


@given(moments, moments)
def test_open_means_neither_done_nor_cancelled(
    done_at: datetime | None, cancelled_at: datetime | None
) -> None:
    if done_at is not None and cancelled_at is not None:
        with pytest.raises(ValueError):
            state_of(done_at, cancelled_at)
        return
    assert is_open(done_at, cancelled_at) == (done_at is None and cancelled_at is None)
    assert state_of(done_at, cancelled_at) is (
        FollowUpState.DONE if done_at else FollowUpState.CANCELLED if cancelled_at else FollowUpState.OPEN
    )


@given(days, days, st.booleans())
def test_only_an_open_follow_up_is_overdue(due_on: date, today: date, done: bool) -> None:
    done_at = datetime(2025, 1, 1, tzinfo=UTC) if done else None
    assert is_overdue(due_on, today, done_at, None) == (not done and due_on < today)
    assert not is_overdue(due_on, today, None, datetime(2025, 1, 1, tzinfo=UTC))


@given(st.sampled_from(FollowUpState), st.sampled_from(FollowUpAction))
def test_only_an_open_follow_up_may_be_changed(state: FollowUpState, action: FollowUpAction) -> None:
    assert (action in allowed_actions(state)) == (state is FollowUpState.OPEN)
    if state is FollowUpState.OPEN:
        check_action(state, action)
    else:
        with pytest.raises(ValidationError, match=f"already {state.value}"):
            check_action(state, action)


@given(st.sampled_from(FollowUpAction))
def test_on_an_ended_case_an_open_follow_up_is_completed_or_cancelled_not_moved(
    action: FollowUpAction,
) -> None:
    if action is FollowUpAction.RESCHEDULE:
        with pytest.raises(ValidationError, match="has ended"):
            check_action(FollowUpState.OPEN, action, case_open=False)
    else:
        check_action(FollowUpState.OPEN, action, case_open=False)
    with pytest.raises(ValidationError, match="has ended"):
        check_case_open(False)
    check_case_open(True)


@given(days)
def test_a_month_on_is_the_same_day_or_the_end_of_a_shorter_month(today: date) -> None:
    later = add_month(today)
    assert (later.year * 12 + later.month) - (today.year * 12 + today.month) == 1
    assert later.day == today.day or (later.day < today.day and (later + timedelta(days=1)).day == 1)


def test_a_month_after_the_end_of_january() -> None:
    assert add_month(date(2025, 1, 31)) == date(2025, 2, 28)
    assert add_month(date(2024, 1, 31)) == date(2024, 2, 29)
    assert add_month(date(2025, 12, 15)) == date(2026, 1, 15)


@calendar_settings
@given(days, st.sampled_from(QuickPick))
def test_a_quick_pick_lands_on_the_first_working_day_from_its_date(today: date, pick: QuickPick) -> None:
    raw = {
        QuickPick.ONE_WEEK: today + timedelta(days=7),
        QuickPick.TWO_WEEKS: today + timedelta(days=14),
        QuickPick.ONE_MONTH: add_month(today),
    }[pick]
    booked = quick_pick(today, pick)
    assert is_working_day(booked)
    assert raw <= booked
    assert all(not is_working_day(raw + timedelta(days=n)) for n in range((booked - raw).days))
    check_due_on(booked, today)  # always bookable


def test_quick_picks_over_a_bank_holiday() -> None:
    # 18 April 2025 is Good Friday, 21 April Easter Monday.
    assert quick_pick(date(2025, 4, 11), QuickPick.ONE_WEEK) == date(2025, 4, 22)
    assert quick_pick(date(2025, 4, 4), QuickPick.TWO_WEEKS) == date(2025, 4, 22)
    assert quick_pick(date(2025, 1, 31), QuickPick.ONE_MONTH) == date(2025, 2, 28)
    assert quick_pick(date(2025, 5, 31), QuickPick.ONE_MONTH) == date(2025, 6, 30)
    assert [pick.label for pick in QuickPick] == ["+1 week", "+2 weeks", "+1 month"]


@calendar_settings
@given(days, st.integers(min_value=0, max_value=60))
def test_attendance_is_checked_two_weeks_on_or_today_if_that_has_passed(made_on: date, late: int) -> None:
    today = made_on + timedelta(days=late)
    checked = attendance_check_day(made_on, today)
    two_weeks_on = made_on + timedelta(days=14)
    assert checked >= today and checked >= two_weeks_on
    assert checked == today or checked == next_working_day(two_weeks_on)
    if late <= 14:
        assert checked == next_working_day(two_weeks_on)


@given(days, st.integers(min_value=-400, max_value=400))
def test_a_follow_up_is_booked_from_today_to_a_year_ahead(today: date, offset: int) -> None:
    day = today + timedelta(days=offset)
    if 0 <= offset <= FURTHEST_AHEAD.days:
        assert check_due_on(day, today) == day
    else:
        with pytest.raises(ValidationError) as raised:
            check_due_on(day, today)
        assert raised.value.field == "due_on"


def test_a_reschedule_needs_a_different_day() -> None:
    today = date(2025, 6, 2)
    with pytest.raises(ValidationError, match="different day"):
        check_new_day(date(2025, 6, 9), date(2025, 6, 9), today)
    assert check_new_day(date(2025, 6, 10), date(2025, 6, 9), today) == date(2025, 6, 10)
    with pytest.raises(ValidationError, match="today or a later day"):
        check_new_day(date(2025, 6, 1), date(2025, 6, 9), today)


@given(st.text(max_size=250))
def test_a_reason_is_required_trimmed_short_and_visible(text: str) -> None:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 200 or hidden_at(cleaned) is not None:
        with pytest.raises(ValidationError) as raised:
            parse_reason(text)
        assert raised.value.field == "reason"
    else:
        assert parse_reason(text) == cleaned
