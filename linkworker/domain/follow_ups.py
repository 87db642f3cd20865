"""Follow-ups: when one is open, due or overdue, the quick dates offered when booking one, and
what may be done to one in each state.

A follow-up is open until it is done or cancelled (never both); open ones are overdue once their
day has passed, due today on their day, and due this week in the 7 days after today. "This week"
is the next 7 days, not the calendar week (issue 15): on a Sunday a link worker sees Monday's
work, on a Friday the next Friday's, and over a bank holiday weekend the first working day after
it (England's longest run of days off is four: Easter, and Christmas near a weekend). Only an open
follow-up may be completed, rescheduled or cancelled: one done or cancelled stays as it was, so
the record of what happened is never rewritten.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from linkworker.domain.case_entries import parse_text
from linkworker.domain.errors import ValidationError
from linkworker.domain.working_days import next_working_day

# How far ahead a follow-up may be booked: a year covers the longest support plan.
FURTHEST_AHEAD: Final = timedelta(days=366)
REASON_MAX: Final = 200
# "Due this week": the days after today up to this many days on.
COMING_WEEK: Final = timedelta(days=7)
# After a connection, attendance is checked two weeks on: long enough for a first session.
ATTENDANCE_CHECK_AFTER: Final = timedelta(days=14)


class FollowUpState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpAction(StrEnum):
    COMPLETE = "complete"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"


class Due(StrEnum):
    """Where an open follow-up's day falls from today."""

    OVERDUE = "overdue"
    TODAY = "today"
    THIS_WEEK = "this_week"  # in the next 7 days
    LATER = "later"


class QuickPick(StrEnum):
    ONE_WEEK = "one_week"
    TWO_WEEKS = "two_weeks"
    ONE_MONTH = "one_month"

    @property
    def label(self) -> str:
        return _PICK_LABELS[self]


_PICK_LABELS = {
    QuickPick.ONE_WEEK: "+1 week",
    QuickPick.TWO_WEEKS: "+2 weeks",
    QuickPick.ONE_MONTH: "+1 month",
}

# What may be done to a follow-up in each state.
_ALLOWED: Final = {
    FollowUpState.OPEN: frozenset(FollowUpAction),
    FollowUpState.DONE: frozenset[FollowUpAction](),
    FollowUpState.CANCELLED: frozenset[FollowUpAction](),
}


def state_of(done_at: datetime | None, cancelled_at: datetime | None) -> FollowUpState:
    if done_at is not None and cancelled_at is not None:
        raise ValueError("a follow-up is done or cancelled, never both")
    if done_at is not None:
        return FollowUpState.DONE
    return FollowUpState.CANCELLED if cancelled_at is not None else FollowUpState.OPEN


def is_open(done_at: datetime | None, cancelled_at: datetime | None) -> bool:
    return state_of(done_at, cancelled_at) is FollowUpState.OPEN


def week_end(today: date) -> date:
    """The last day of "this week": a week on from today, the seventh of the next 7 days."""
    return today + COMING_WEEK


def due(due_on: date, today: date) -> Due:
    """Where an open follow-up's day falls: overdue, today, in the next 7 days, or after them."""
    if due_on < today:
        return Due.OVERDUE
    if due_on == today:
        return Due.TODAY
    return Due.THIS_WEEK if due_on <= week_end(today) else Due.LATER


def is_overdue(due_on: date, today: date, done_at: datetime | None, cancelled_at: datetime | None) -> bool:
    return is_open(done_at, cancelled_at) and due_on < today


def allowed_actions(state: FollowUpState) -> frozenset[FollowUpAction]:
    return _ALLOWED[state]


def check_action(state: FollowUpState, action: FollowUpAction, case_open: bool = True) -> None:
    """Refuse changing a follow-up that is already done or cancelled; on a case that has ended,
    an open follow-up may still be completed or cancelled, but not moved to another day."""
    if action not in _ALLOWED[state]:
        raise ValidationError(
            "follow_up",
            f"This follow-up is already {state.value}, so it cannot be {_DONE_WORDS[action]}.",
        )
    if not case_open and action is FollowUpAction.RESCHEDULE:
        raise ValidationError(
            "due_on", "This case has ended, so its follow-ups are not moved: complete or cancel them."
        )


def check_case_open(case_open: bool) -> None:
    """A follow-up is booked only on a case still open."""
    if not case_open:
        raise ValidationError("due_on", "This case has ended, so no follow-up is booked on it.")


_DONE_WORDS = {
    FollowUpAction.COMPLETE: "completed",
    FollowUpAction.RESCHEDULE: "rescheduled",
    FollowUpAction.CANCEL: "cancelled",
}


def add_month(day: date) -> date:
    """The same day of the next month, or that month's last day when it is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def quick_pick(today: date, pick: QuickPick) -> date:
    """The day a quick pick books: a week, two weeks or a month on, moved forward to a working
    day when it falls on a weekend or a bank holiday."""
    if pick is QuickPick.ONE_MONTH:
        day = add_month(today)
    else:
        day = today + timedelta(weeks=1 if pick is QuickPick.ONE_WEEK else 2)
    return next_working_day(day)


def attendance_check_day(made_on: date, today: date) -> date:
    """When to check a person went to a service they were connected to on ``made_on``: two
    weeks on (a working day), or today when that has already passed."""
    return max(next_working_day(made_on + ATTENDANCE_CHECK_AFTER), today)


def check_due_on(due_on: date, today: date, field: str = "due_on") -> date:
    """A day to book a follow-up for: from today to a year ahead."""
    if due_on < today:
        raise ValidationError(field, "A follow-up is booked for today or a later day.")
    if due_on > today + FURTHEST_AHEAD:
        raise ValidationError(field, "A follow-up is booked at most a year ahead.")
    return due_on


def check_new_day(due_on: date, current: date, today: date, field: str = "due_on") -> date:
    """A new day for a rescheduled follow-up: a bookable day that is not the one it has."""
    if due_on == current:
        raise ValidationError(field, "Choose a different day from the one it is booked for.")
    return check_due_on(due_on, today, field)


def parse_reason(text: str | None, field: str = "reason") -> str:
    """Why a follow-up moved or was cancelled: required, and short enough to read in a list."""
    reason = parse_text(text, field, "reason", required=True)
    assert reason is not None
    if len(reason) > REASON_MAX:
        raise ValidationError(field, f"Keep the reason to {REASON_MAX} characters.")
    return reason
