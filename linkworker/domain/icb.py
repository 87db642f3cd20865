"""The ICB's view across its PCNs (issue 18) as plain figures: its columns, a PCN's row (or the
ICB's pooled row) as that PCN's disclosure rule shows it, and the view of a month. services.icb
fills them; reports.icb_pdf, interchange.icb_csv and ui.icb_view show them; sorting is by the
figure as shown, a withheld one last either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from linkworker.domain.disclosure import COARSE, Rule, shown
from linkworker.domain.summary import Figure

NEW_REFERRALS = "New referrals"
PER_THOUSAND = "Per 1,000 registered patients"
CORE20_REFERRALS = "Core20 share of new referrals"
CORE20_POPULATION = "Core20 share of registered patients"
MEDIAN_WAIT = "Median days to first contact"
CONNECTED = "Cases ended connected to a service"
ATTENDED = "Connections attended (of those with an outcome)"
SWEMWBS_CHANGE = "Mean SWEMWBS change"
COLUMNS = (
    NEW_REFERRALS,
    PER_THOUSAND,
    CORE20_REFERRALS,
    CORE20_POPULATION,
    MEDIAN_WAIT,
    CONNECTED,
    ATTENDED,
    SWEMWBS_CHANGE,
)
ICB_ROW = "All PCNs on this server"


@dataclass(frozen=True)
class PcnFigures:
    """One row of the view: a PCN's figures (or the ICB's pooled), as its rule shows them."""

    name: str
    ods_code: str
    figures: tuple[Figure, ...]  # in ``COLUMNS`` order
    rule: Rule

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(shown(figure, self.rule) for figure in self.figures)


@dataclass(frozen=True)
class IcbView:
    """The month's view: each PCN the reader may see named, and the ICB's pooled figures (None
    when too few other PCNs share the server to pool them without giving one away)."""

    month: date
    made_at: datetime
    pcns: tuple[PcnFigures, ...]
    icb: PcnFigures | None
    notes: tuple[str, ...]
    every_pcn: bool  # the reader administers the server and sees every PCN named

    def file_name(self, suffix: str) -> str:
        return f"ICB view {self.month:%Y-%m}.{suffix}"


def sorted_rows(rows: Sequence[PcnFigures], column: int, descending: bool = False) -> list[PcnFigures]:
    """The PCNs by one column's figure as shown (a "*" or "-" last either way), then by name."""

    def key(row: PcnFigures) -> tuple[bool, float, str]:
        number = shown_value(row.shown[column])
        if number is None:
            return True, 0.0, row.name
        return False, -number if descending else number, row.name

    return sorted(rows, key=key)


def shown_value(text: str) -> float | None:
    """A figure as shown, as a number to sort or draw by ("25", "30†", "40%", "2.5"); None for "*"
    and "-"."""
    try:
        return float(text.removesuffix("%").removesuffix(COARSE))
    except ValueError:
        return None
