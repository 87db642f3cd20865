"""Dates and times for demo events: office hours on working days, in UTC."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

_OPENS = time(8, 30)
_WORKING_MINUTES = 8 * 60 + 30


def moment(rng: random.Random, day: date) -> datetime:
    """A time during the working day (08:30-17:00) on ``day``."""
    return datetime.combine(day, _OPENS, UTC) + timedelta(minutes=rng.randint(0, _WORKING_MINUTES))


def working_day(day: date) -> date:
    """The day itself, or the Monday after a weekend."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def days_after(rng: random.Random, day: date, low: int, high: int) -> date:
    return working_day(day + timedelta(days=rng.randint(low, high)))
