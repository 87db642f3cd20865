"""Who is reached (issue 18): the summary's deprivation tables, and the figures worked out from
what they show.

The counts of these tables (referrals, connections, first contacts, people measured, by
deprivation quintile or distance) are ordinary summary counts: exact here, shown under the PCN's
disclosure rule and protected against their totals like every other (domain.differencing). The
figures worked out from them are not: a rate per 1,000 registered patients, and the Core20 share
of referrals, are computed from the counts *as shown* (``derived``), with the registered
population (NHS Digital's public figures) as the only other input. So a rate says no more than
the rounded count it comes from, and an intruder who knows the population gains nothing from it.

Quintile 1 is the most deprived 20% of the nation's areas (NHS England's Core20); every output
names the index and its year (``index_note``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from linkworker.domain.deprivation import CORE20_QUINTILE, QUINTILES, DeprivationIndex
from linkworker.domain.disclosure import COARSE, Rule, shown
from linkworker.domain.summary import Figure, FigureTable, Kind, Summary

REFERRALS_BY_QUINTILE: Final = "New referrals by deprivation quintile"
PRACTICE_RATES: Final = "New referrals per 1,000 registered patients, by practice and quintile"
CORE20: Final = "Core20: referrals from the most deprived 20% of areas"
CONNECTIONS_BY_QUINTILE: Final = "Connections to services by deprivation quintile"
ATTENDED_BY_DISTANCE: Final = "Connections attended by distance to the service"
WAITS_BY_QUINTILE: Final = "First contacts by deprivation quintile"
ONS4_BY_QUINTILE: Final = "ONS4 change by deprivation quintile"
SWEMWBS_BY_QUINTILE: Final = "SWEMWBS change by deprivation quintile"
EQUITY_TITLES: Final = (
    REFERRALS_BY_QUINTILE,
    PRACTICE_RATES,
    CORE20,
    CONNECTIONS_BY_QUINTILE,
    ATTENDED_BY_DISTANCE,
    WAITS_BY_QUINTILE,
    ONS4_BY_QUINTILE,
    SWEMWBS_BY_QUINTILE,
)

REFERRALS: Final = "Referrals"
REGISTERED: Final = "Registered patients"
PER_THOUSAND: Final = "Per 1,000 registered"
ALL_AREAS: Final = "All"
SHARE_OF_REFERRALS: Final = "Share of new referrals"
SHARE_OF_REGISTERED: Final = "Share of registered patients"
CORE20_ROW: Final = "Most deprived 20% (quintile 1)"
CONNECTIONS: Final = "Connections"
MEDIAN_DISTANCE: Final = "Median distance (km)"
ATTENDED: Final = "Attended (of those with an outcome)"
EVENINGS_OR_WEEKENDS: Final = "To services open evenings or weekends"
FIRST_CONTACTS: Final = "First contacts"
MEDIAN_WAIT: Final = "Median days to first contact"
PEOPLE: Final = "People"
# Quantities (domain.differencing): counts shown in several tables are one name, shown alike.
CONNECTIONS_MADE: Final = "connections_made"
ONS4_PEOPLE: Final = "ons4_people"
SWEMWBS_PEOPLE: Final = "swemwbs_people"

# Upper bounds (km) of the distance bands, nearest first; the last band is open-ended.
DISTANCE_LIMITS: Final = (1.0, 2.0, 5.0)
DISTANCE_BANDS: Final = ("Under 1 km", "1 km to under 2 km", "2 km to under 5 km", "5 km or more")
DISTANCE_NOT_KNOWN: Final = "Distance not known"
# Shares of referrals and of patients within this many percentage points are "about the same".
ABOUT_THE_SAME_POINTS: Final = 2
TOO_FEW: Final = "Too few people in this month to show these figures without risk of identifying someone."


def quintile_label(quintile: int) -> str:
    """A quintile's row: "Quintile 1 (most deprived 20%)" to "Quintile 5 (least deprived 20%)"
    (never a bare digit, which a reader could take for a count)."""
    if quintile == 1:
        return "Quintile 1 (most deprived 20%)"
    if quintile == QUINTILES:
        return f"Quintile {QUINTILES} (least deprived 20%)"
    return f"Quintile {quintile}"


QUINTILE_LABELS: Final = tuple(quintile_label(quintile) for quintile in range(1, QUINTILES + 1))


def not_known_label(index: DeprivationIndex | None) -> str:
    """The row of people whose area has no rank in the index (no postcode, not in the lookup, or
    in another nation, whose ranks are never pooled with these)."""
    if index is None:
        return "Area not known"
    return f"Area not known or outside {index.nation.label}"


def distance_band(km: float | None) -> str:
    """The band a straight-line distance falls in; ``DISTANCE_NOT_KNOWN`` without one."""
    if km is None:
        return DISTANCE_NOT_KNOWN
    return next(
        (band for limit, band in zip(DISTANCE_LIMITS, DISTANCE_BANDS, strict=False) if km < limit),
        DISTANCE_BANDS[-1],
    )


def index_note(index: DeprivationIndex | None, extract: str | None) -> str:
    """The sentence every output carries naming the index and its year, and the population used."""
    if index is None:
        return (
            "Deprivation: no deprivation ranks are on this database for these practices' areas, so "
            "no one is placed in a quintile. Import the postcode directory and the practice "
            "populations to see them."
        )
    population = (
        f"registered patients from NHS Digital's extract of {extract}"
        if extract
        else "no practice population imported, so no rates"
    )
    return (
        f"Deprivation: the {index.name} ({index.areas:,} {index.area_kind}); quintile 1 is the most "
        f"deprived 20% of {index.nation.label}'s areas (NHS England's Core20), looked up from each "
        f"person's postcode when these figures were made; {population}."
    )


def shown_number(text: str) -> int | None:
    """A count as shown, as a number ("0", "25", "30†"); None for "*" and "-", which say too little."""
    digits = text.removesuffix(COARSE)
    return int(digits) if digits.isdigit() else None


def per_thousand(label: str, referrals: Figure, population: int, rule: Rule) -> Figure:
    """Referrals per 1,000 registered patients, from the referrals as the rule shows them (so the
    rate gives away nothing the shown count does not); none without a shown count or patients."""
    value = shown_number(shown(referrals, rule))
    exact = None if value is None or population <= 0 else value * 1000 / population
    return Figure(label, Kind.MEAN, exact, max(population, rule.min_base))


def share_of_shown(label: str, part: Figure, whole: Figure, rule: Rule) -> Figure:
    """``part``'s share of ``whole``, both as shown: withheld unless both show a number (a "*" or
    "-" would need its exact count), so the share gives away nothing the counts do not."""
    chosen, of = shown_number(shown(part, rule)), shown_number(shown(whole, rule))
    if chosen is None or not of:
        return Figure(label, Kind.SHARE, None, 0)
    return Figure(label, Kind.SHARE, chosen / of, of)


def population_share(label: str, part: int, whole: int) -> Figure:
    """A share of the registered population (public figures)."""
    return Figure(label, Kind.SHARE, part / whole if whole else None, whole)


def core20_sentence(referral_share: str, population_share: str) -> str:
    """The plain sentence under the Core20 table, from the two shares as shown ("31%", "-")."""
    referrals, population = _percent(referral_share), _percent(population_share)
    if referrals is None or population is None:
        return (
            "There are too few referrals from the most deprived 20% of areas, or no registered "
            "population, to say whether they are reached in proportion."
        )
    said = (
        f"People living in the most deprived 20% of areas had {referral_share} of new referrals, and "
        f"are {population_share} of registered patients"
    )
    if abs(referrals - population) <= ABOUT_THE_SAME_POINTS:
        return f"{said}: they are reached about in proportion to their share."
    more = "more" if referrals > population else "less"
    return f"{said}: they are reached {more} than their share."


def core20_said(table: FigureTable, rule: Rule) -> str | None:
    """The Core20 table's sentence as the rule shows its shares; None for any other table."""
    if table.title != CORE20 or not table.rows:
        return None
    _label, (referrals, population) = table.rows[0]
    return core20_sentence(shown(referrals, rule), shown(population, rule))


def _percent(text: str) -> float | None:
    return float(text[:-1]) if text.endswith("%") else None


def derived(summary: Summary, rule: Rule, practices: Sequence[Summary] = ()) -> Summary:
    """The summary with its rates and Core20 shares worked out from its counts as shown (after
    domain.differencing has decided how each is shown); ``practices``, for the whole PCN's
    summary, each practice's own summary as derived, whose rates fill the table by practice."""
    tables = {table.title: table for table in summary.tables}
    by_quintile = tables.get(REFERRALS_BY_QUINTILE)
    if by_quintile is None:
        return summary
    by_quintile = _with_rates(by_quintile, rule)
    changed = {REFERRALS_BY_QUINTILE: by_quintile}
    if CORE20 in tables:
        changed[CORE20] = _core20(tables[CORE20], by_quintile, rule)
    if PRACTICE_RATES in tables:
        changed[PRACTICE_RATES] = _practice_rates(tables[PRACTICE_RATES], practices, by_quintile)
    return replace(summary, tables=tuple(changed.get(table.title, table) for table in summary.tables))


def _with_rates(table: FigureTable, rule: Rule) -> FigureTable:
    """Each row's rate per 1,000 from its referrals as shown and its registered patients."""

    def row(cells: tuple[Figure, ...]) -> tuple[Figure, ...]:
        referrals, registered, rate = cells
        if rate.base == 0:  # a row with no rate (the area not known)
            return cells
        return referrals, registered, per_thousand(rate.label, referrals, round(registered.exact or 0), rule)

    return replace(
        table,
        rows=tuple((label, row(cells)) for label, cells in table.rows),
        total=None if table.total is None else row(table.total),
    )


def _core20(table: FigureTable, by_quintile: FigureTable, rule: Rule) -> FigureTable:
    core20 = next(
        cells[0] for label, cells in by_quintile.rows if label == QUINTILE_LABELS[CORE20_QUINTILE - 1]
    )
    (label, (referrals, population)), *_rest = table.rows
    total = by_quintile.total[0] if by_quintile.total else Figure(REFERRALS, Kind.COUNT, None, 0)
    share = share_of_shown(referrals.label, core20, total, rule)
    return replace(table, rows=((label, (share, population)),))


def _practice_rates(table: FigureTable, practices: Sequence[Summary], whole: FigureTable) -> FigureTable:
    """One row per practice, each cell that practice's own rate as its own summary shows it."""
    rows = []
    for practice in practices:
        theirs = next((t for t in practice.tables if t.title == REFERRALS_BY_QUINTILE), None)
        if theirs is None:
            continue
        rates = {label: cells[2] for label, cells in theirs.rows}
        total = theirs.total[2] if theirs.total else Figure(ALL_AREAS, Kind.MEAN, None, 0)
        cells = tuple(
            replace(rates[label], label=column)
            for label, column in zip(QUINTILE_LABELS, table.columns, strict=False)
        )
        rows.append((practice.practices[0], (*cells, replace(total, label=ALL_AREAS))))
    pcn_rates = {label: cells[2] for label, cells in whole.rows}
    pcn_cells = tuple(
        replace(pcn_rates[label], label=column)
        for label, column in zip(QUINTILE_LABELS, table.columns, strict=False)
    )
    pcn_total = whole.total[2] if whole.total else Figure(ALL_AREAS, Kind.MEAN, None, 0)
    return replace(table, rows=tuple(rows), total=(*pcn_cells, replace(pcn_total, label=ALL_AREAS)))


def too_few(table: FigureTable, rule: Rule) -> bool:
    """Whether a table shows nothing but stars, withheld figures and zeros, with some stars: it
    is then replaced by a sentence saying there were too few people."""
    texts = [shown(figure, rule) for _label, cells in table.rows for figure in cells]
    texts += [shown(figure, rule) for figure in table.total or ()]
    if not any(text == "*" for text in texts):
        return False
    return all(text in ("*", "-", "0", "0.0") for text in texts)
