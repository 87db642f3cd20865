"""Weekly times: a service's sessions (ORUK's schedule meaning) and the parts of the week a person
can attend. The directory stores and edits sessions with them; matching compares them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Final

# A session running past this time, or starting at or after the next, is in the evening.
EVENING_ENDS_AFTER: Final = time(18, 0)
EVENING_STARTS_FROM: Final = time(17, 0)


class Weekday(StrEnum):
    """ORUK's (iCalendar's) day codes, as a schedule's ``byday`` lists them."""

    MO = "MO"
    TU = "TU"
    WE = "WE"
    TH = "TH"
    FR = "FR"
    SA = "SA"
    SU = "SU"

    @property
    def short(self) -> str:
        return _SHORT_DAYS[self]

    @property
    def weekend(self) -> bool:
        return self in (Weekday.SA, Weekday.SU)


_SHORT_DAYS = dict(zip(Weekday, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
_DAY_ORDER = {day: index for index, day in enumerate(Weekday)}
_DAY_CODES = {day.value: day for day in Weekday}
WORKING_WEEK: Final = (Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR)


class TimeSlot(StrEnum):
    """When a person can take part. None chosen means any time."""

    WEEKDAY_DAYTIME = "weekday_daytime"
    EVENING = "evening"
    WEEKEND = "weekend"

    @property
    def label(self) -> str:
        return _SLOT_LABELS[self]


_SLOT_LABELS = {
    TimeSlot.WEEKDAY_DAYTIME: "Weekday daytimes",
    TimeSlot.EVENING: "Evenings",
    TimeSlot.WEEKEND: "Weekends",
}


@dataclass(frozen=True)
class Opening:
    """One weekly session: the days, and the times when known."""

    days: tuple[Weekday, ...]
    opens: time | None = None
    closes: time | None = None

    @cached_property
    def slots(self) -> frozenset[TimeSlot]:
        """The times of the week this session falls in (a session may fall in more than one)."""
        evening = self.opens is not None and (
            self.opens >= EVENING_STARTS_FROM
            or (self.closes is not None and (self.closes > EVENING_ENDS_AFTER or self.closes < self.opens))
        )
        found = set()
        for day in self.days:
            if day.weekend:
                found.add(TimeSlot.WEEKEND)
            elif self.opens is None or self.opens < EVENING_STARTS_FROM:
                found.add(TimeSlot.WEEKDAY_DAYTIME)
        if evening and self.days:
            found.add(TimeSlot.EVENING)
        return frozenset(found)

    @cached_property
    def part_of_day(self) -> str:
        """How the reason line names its time: "mornings", "afternoons", "daytime", "evenings"."""
        if self.opens is None:
            return ""
        if TimeSlot.EVENING in self.slots:
            return "evenings"
        if self.closes is not None and self.closes <= time(13, 0):
            return "mornings"
        if self.opens >= time(12, 0):
            return "afternoons"
        return "daytime"


@lru_cache(maxsize=1024)
def parse_byday(byday: str | None) -> tuple[Weekday, ...]:
    """ORUK's ``byday`` ("TU,TH", "1MO" for the first Monday) as weekdays; unknown codes are left out."""
    days = set()
    for part in (byday or "").upper().replace(";", ",").split(","):
        day = _DAY_CODES.get(part.strip().lstrip("+-0123456789"))
        if day is not None:
            days.add(day)
    return tuple(sorted(days, key=_DAY_ORDER.__getitem__))


def times_text(openings: Sequence[Opening]) -> str:
    """The sessions as days grouped by part of the day: "Mon and Wed mornings, Tue and Thu evenings"."""
    return _times_text(tuple(openings))


@lru_cache(maxsize=4096)
def _times_text(openings: tuple[Opening, ...]) -> str:
    by_part: dict[str, set[Weekday]] = {}
    for opening in openings:
        by_part.setdefault(opening.part_of_day, set()).update(opening.days)
    phrases = []
    for part in ("mornings", "afternoons", "daytime", "evenings", ""):
        days = by_part.get(part)
        if days:
            phrases.append(f"{days_text(days)} {part}".strip())
    return ", ".join(phrases)


def days_text(days: Iterable[Weekday]) -> str:
    """ "Tue", "Tue and Thu", "Mon, Wed and Fri", "Mon to Fri" (a run of three or more days)."""
    ordered = sorted(set(days), key=_DAY_ORDER.__getitem__)
    indexes = [_DAY_ORDER[day] for day in ordered]
    if len(ordered) >= 3 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{ordered[0].short} to {ordered[-1].short}"
    names = [day.short for day in ordered]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
