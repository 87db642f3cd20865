"""Needs a PCN adds to the national list, as the demo's PCNs have done.

Each PCN has two in use, added some months into the two years; some also have "Warm spaces",
added for one winter and then deactivated, which the referrals of that winter still record.
Codes come from the same rule the app uses when a manager adds a need.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from linkworker.demo.rows import Row
from linkworker.demo.timeline import moment
from linkworker.domain.intake import local_need_code
from linkworker.domain.working_days import next_working_day

_IN_USE = ("Pet care", "Gardening", "Hoarding and clutter")
_WINTER_ONLY = "Warm spaces"
_WINTER_DAYS = 120
# The share of referrals received while a local need is in use that record it.
USE_RATE = 0.03


@dataclass(frozen=True)
class LocalNeedUse:
    """A PCN's own need and the days referrals could record it (``until`` None: still in use)."""

    code: str
    label: str
    since: date
    until: date | None

    def offered_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


def plan(rng: random.Random, first: bool, today: date, years: float) -> list[LocalNeedUse]:
    """One PCN's local needs; the first PCN (the one the PCN-scale demo shows) has all kinds."""
    span = max(2, int(years * 365))
    labels = _IN_USE[:2] if first else rng.sample(_IN_USE, 2)
    uses = [
        LocalNeedUse(local_need_code(label), label, _start(rng, today, span // 3, span), None)
        for label in labels
    ]
    if first or rng.random() < 0.5:
        since = _start(rng, today, span // 2, span)
        until = min(today, since + timedelta(days=_WINTER_DAYS))
        uses.append(LocalNeedUse(local_need_code(_WINTER_ONLY), _WINTER_ONLY, since, until))
    return uses


def rows(rng: random.Random, pcn_id: int, uses: list[LocalNeedUse]) -> list[Row]:
    return [
        {
            "pcn_id": pcn_id,
            "code": use.code,
            "label": use.label,
            "active": use.until is None,
            "created_at": moment(rng, use.since),
            "version_id": 1 if use.until is None else 2,  # deactivating is one edit
        }
        for use in uses
    ]


def _start(rng: random.Random, today: date, fewest_days: int, most_days: int) -> date:
    """A working day ``fewest_days`` to ``most_days`` before ``today`` (never after it)."""
    return min(today, next_working_day(today - timedelta(days=rng.randint(fewest_days, most_days - 1))))
