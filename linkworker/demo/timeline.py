"""Dates and times for demo events: office hours on working days (weekends and England's bank
holidays off, as ``domain.working_days`` has them), in UTC."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from linkworker.domain.working_days import next_working_day

_OPENS = time(8, 30)
_WORKING_MINUTES = 8 * 60 + 30


def moment(rng: random.Random, day: date) -> datetime:
    """A time during the working day (08:30-17:00) on ``day``."""
    return datetime.combine(day, _OPENS, UTC) + timedelta(minutes=rng.randint(0, _WORKING_MINUTES))


def days_after(rng: random.Random, day: date, low: int, high: int) -> date:
    """A working day ``low`` to ``high`` days after ``day``, or the first one after that."""
    return next_working_day(day + timedelta(days=rng.randint(low, high)))
