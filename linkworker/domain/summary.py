"""The anonymised monthly PCN summary: its figures as exact values, and the pure rules that sort
people into its rows (age band, ethnic group) and reduce waits to a median.

Figures hold exact values only; what a reader may see of them is decided by the disclosure rule
(domain.disclosure) when the summary is shown, so a total is always computed from exact values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from linkworker.domain.people import EthnicCategory, EthnicGroup
from linkworker.domain.person import age_on
from linkworker.domain.referrals import ClosingReason

# The table of new referrals by referring practice, and the name of the count of new referrals
# wherever it is shown (key figure, table totals, the month's trend point).
BY_PRACTICE = "New referrals by referring practice"
REFERRALS = "referrals"
COUNT_COLUMN = ("Number",)


class Kind(StrEnum):
    COUNT = "count"
    MEAN = "mean"
    MEDIAN = "median"
    SHARE = "share"


@dataclass(frozen=True)
class Figure:
    """One exact value; a share is a fraction from 0 to 1, a wait or change is in its own units."""

    label: str
    kind: Kind
    exact: float | None  # a count as a whole number; None when there is nothing to show
    base: int  # the people a mean/median/share rests on (for a count: the count)
    # One name for a count shown in several places (a key figure, a table total, a trend point),
    # so each place shows it alike; empty: the figure's own place names it.
    quantity: str = ""
    coarse: bool = False  # rounded to twice the rule's multiple (domain.differencing)
    withheld: bool = False  # not shown: it could be set against its parts (domain.differencing)


@dataclass(frozen=True)
class FigureTable:
    title: str
    columns: tuple[str, ...]  # headings after the row label's column
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]
    total: tuple[Figure, ...] | None = None  # computed from exact values, never from cells
    parts_add_up: bool = False  # each person or case is in one row only, so the rows sum to the total


@dataclass(frozen=True)
class TrendPoint:
    month: date  # the 1st
    referrals: Figure
    first_contacts: Figure


@dataclass(frozen=True)
class Summary:
    pcn_name: str
    pcn_ods: str
    month: date  # the 1st
    practices: tuple[str, ...]  # practice names in scope (all, or those chosen)
    made_at: datetime
    key_figures: tuple[Figure, ...]
    tables: tuple[FigureTable, ...]  # in document order, each headed
    trend: tuple[TrendPoint, ...]  # 12, oldest first
    notes: tuple[str, ...] = ()  # sentences every page's foot carries after the disclosure rule
    practice_ods: str | None = None  # the one practice summarised; None for the whole PCN

    def file_name(self, suffix: str) -> str:
        """The name its files are offered and written under: "U99901 summary 2026-10.pdf", or for
        one practice's summary "U99901 G99001 summary 2026-10.pdf", beside the PCN's, never over it."""
        whose = self.pcn_ods if self.practice_ods is None else f"{self.pcn_ods} {self.practice_ods}"
        return f"{whose} summary {self.month:%Y-%m}.{suffix}"


# Lower bounds of the age bands, youngest first; the last band is open-ended.
_BAND_STARTS = (0, 18, 25, 35, 45, 55, 65, 75, 85)
AGE_BANDS: tuple[str, ...] = tuple(
    [f"{low}-{high - 1}" for low, high in pairwise(_BAND_STARTS)] + [f"{_BAND_STARTS[-1]}+"]
)


def age_band(born: date, on: date) -> str:
    """The band of the person's age on ``on`` (the summary uses the 1st of the month)."""
    age = age_on(born, on)
    band = sum(1 for start in _BAND_STARTS[1:] if age >= start)
    return AGE_BANDS[band]


# The NHS top-level groups as the summary shows them: "not stated" and "not known" share a row,
# since neither says anything about the person and each alone is usually too small to show.
_GROUP_ROWS: dict[EthnicGroup, str] = {
    EthnicGroup.WHITE: "White",
    EthnicGroup.MIXED: "Mixed",
    EthnicGroup.ASIAN: "Asian or Asian British",
    EthnicGroup.BLACK: "Black or Black British",
    EthnicGroup.OTHER: "Other ethnic groups",
    EthnicGroup.NOT_STATED: "Not stated / not known",
    EthnicGroup.NOT_KNOWN: "Not stated / not known",
}
ETHNIC_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(_GROUP_ROWS.values()))


def ethnic_group(category: EthnicCategory) -> str:
    """The summary row for a recorded NHS ethnic category."""
    return _GROUP_ROWS[category.group]


def median(values: Iterable[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for none."""
    ordered: Sequence[float] = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean; None for none."""
    listed = list(values)
    return sum(listed) / len(listed) if listed else None


def count(label: str, value: int, quantity: str = "") -> Figure:
    """A count figure: its base is the count itself."""
    return Figure(label, Kind.COUNT, float(value), value, quantity)


def share(label: str, part: int, whole: int) -> Figure:
    """The share ``part / whole`` (0..1), resting on ``whole``; None when ``whole`` is 0."""
    return Figure(label, Kind.SHARE, part / whole if whole else None, whole)


def month_start(day: date) -> date:
    """The 1st of ``day``'s calendar month."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s calendar month."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def trend_months(month: date, count: int = 12) -> tuple[date, ...]:
    """The 1sts of the ``count`` calendar months ending with ``month``'s, oldest first."""
    index = month.year * 12 + month.month - 1
    return tuple(date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1))


def in_month(day: date | None, month: date) -> bool:
    """Whether ``day`` falls from the 1st to the last day of ``month``'s calendar month."""
    return day is not None and day.year == month.year and day.month == month.month


# How a case ended, in the order the summary lists endings. A case closed as opened in error is
# in no figure (``referrals.counts_in_figures``), so it has no line here.
ENDING_LABELS: dict[ClosingReason, str] = {
    ClosingReason.GOALS_MET: "Goals met",
    ClosingReason.DECLINED: "Declined",
    ClosingReason.NOT_CONTACTABLE: "Could not be contacted",
    ClosingReason.MOVED_AWAY: "Moved away",
    ClosingReason.REFERRED_ELSEWHERE: "Referred elsewhere",
    ClosingReason.DIED: "Died",
}
