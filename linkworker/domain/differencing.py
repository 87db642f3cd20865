"""Totals that cannot be set against their parts: secondary protection of the monthly summary.

The NHS Digital rule (domain.disclosure) protects each count alone. Counts published together can
still give a starred one away: a total of "15" (13 to 17) over parts "10", "10" and "*" (8 to 12,
8 to 12, 1 to 7) is only possible as 8 + 8 + 1 = 17, so the starred part is 1. That happens only
when a total's range and the range of its parts' sum touch at one end. This module finds such
totals and rounds them more coarsely (to twice the rule's multiple, marked with ``COARSE``), or
withholds them when that does not help either.

The decision reads only what the parts show, never the true total: a choice made from the total
itself would say which end it sits at (the "-" would be the leak). So a total is coarsened for
every total its shown parts allow, not only for the value that would touch.

Combinations considered, and why each is safe:
- A table's rows and its total, in one summary (age band, sex, ethnic group, source, practice,
  ending): the total's rounding is chosen here from the rows as shown.
- The whole PCN and each of its practices (the only selections a summary may have; a group of
  practices is refused in services.summary because the group and the PCN would differ by the
  rest): every count of the PCN's summary is a total of the practices' shown counts, so it is
  chosen here too, and the PCN's by-practice rows repeat each practice's own shown count.
- One count shown in several places (new referrals as a key figure, a table total and a trend
  point): one ``Figure.quantity`` name, so every place shows it the same way.
- Percentages come from rounded counts (domain.disclosure) and pin nothing of their own; means
  and medians rest on 8 or more people and give no count.
- Months: each month's figures are counted again from the records, so a month and its trend
  point show the same value; there is no twelve-month total to set against the months.
Not covered: a count that is a total of two breakdowns at once inside a cross-table (practice by
age band by month) would need an integer programme to check; no such cross-table is published.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from linkworker.domain.disclosure import COARSE, COARSENING, STARRED, WITHHELD, Rule, shown, shown_count
from linkworker.domain.summary import (
    BY_PRACTICE,
    COUNT_COLUMN,
    REFERRALS,
    Figure,
    FigureTable,
    Kind,
    Summary,
    TrendPoint,
)


@dataclass(frozen=True)
class Bounds:
    """What a reader can tell of a true count from how it is shown: low to high (None: no limit)."""

    low: int
    high: int | None


def reader_bounds(text: str, rule: Rule) -> Bounds:
    """The counts that ``text`` ("0", "*", "25", "30†", "-") could stand for under ``rule``."""
    if text == WITHHELD:
        return Bounds(0, None)
    if text == STARRED:
        return Bounds(1, rule.starred_up_to)
    coarse = text.endswith(COARSE)
    shown_value = int(text.removesuffix(COARSE))
    if shown_value == 0:
        return Bounds(0, 0)
    step = rule.round_to * (COARSENING if coarse else 1)
    # Halves round up: v shows as r when r - step/2 <= v < r + step/2.
    low = shown_value - step // 2
    high = shown_value + (step + 1) // 2 - 1
    return Bounds(max(low, rule.starred_up_to + 1), high)


class Protection(StrEnum):
    """How a total is shown: as the rule says, coarser, or not at all (in that order of strictness)."""

    PLAIN = "plain"
    COARSE = "coarse"
    WITHHELD = "withheld"


def total_protection(parts: Sequence[str | Bounds], rule: Rule) -> Protection:
    """How to show the total of parts shown as ``parts`` (or known to lie within bounds) so no
    part, and not the total, can be pinned to one value: ``Protection.PLAIN``, ``COARSE`` or
    ``WITHHELD``."""
    bounds = [part if isinstance(part, Bounds) else reader_bounds(part, rule) for part in parts]
    uncertain = [bound for bound in bounds if bound.high != bound.low]
    if len(uncertain) < 2:
        # The total is the one uncertain part plus known zeros: it shows exactly as that part.
        return Protection.PLAIN
    low = sum(bound.low for bound in bounds)
    highs = [bound.high for bound in bounds]
    high = None if None in highs else sum(high for high in highs if high is not None)
    for protection, coarse in ((Protection.PLAIN, False), (Protection.COARSE, True)):
        if not _touches(low, high, rule, coarse):
            return protection
    return Protection.WITHHELD


def _touches(low: int, high: int | None, rule: Rule, coarse: bool) -> bool:
    """Whether some total from ``low`` to ``high`` would show a range meeting that span at an end
    (with no top, only a total of ``low`` can show a range ending at ``low``)."""
    for total in range(max(low, 1), (low if high is None else high) + 1):
        shown_as = reader_bounds(shown_count(total, rule, coarse), rule)
        if shown_as.high == low or (high is not None and shown_as.low == high):
            return True
    return False


def strictest(protections: Iterable[Protection]) -> Protection:
    """The most protective of several decisions for one total (one per set of parts it totals)."""
    order = list(Protection)
    return max(protections, key=order.index, default=Protection.PLAIN)


def protect(summary: Summary, rule: Rule, practices: Sequence[Summary] = ()) -> Summary:
    """``summary`` with each count that could be set against its parts coarsened or withheld.

    ``practices``: for the whole PCN's summary, each practice's own summary as already protected
    (their counts are the parts of the PCN's); empty for one practice's summary.
    """
    ours = _counts(summary)
    theirs = [_counts(practice) for practice in practices]
    # What a reader can tell of each practice's counts, narrowed by its own tables' totals.
    their_bounds = [_narrowed(practice, rule) for practice in practices]
    totals = {key: rows for key, rows in _table_totals(summary)}
    decided: dict[str, Protection] = {}
    if theirs:
        # First the counts that total no table: only the practices are their parts.
        for key in ours.keys() - totals.keys():
            decided[key] = total_protection([_bound(bounds, key) for bounds in their_bounds], rule)
        for practice, their in zip(practices, theirs, strict=True):
            # The PCN's row for a practice is that practice's own count of new referrals.
            row = _key_of(BY_PRACTICE, practice.practices[0], COUNT_COLUMN[0])
            if row in ours and REFERRALS in their:
                decided[row] = _protection_of(their[REFERRALS])
    shown_now = {key: shown(_applied(figure, decided.get(key)), rule) for key, figure in ours.items()}
    for key, tables in totals.items():
        families: list[list[str | Bounds]] = [[shown_now[row] for row in rows] for rows in tables]
        if theirs:
            families.append([_bound(bounds, key) for bounds in their_bounds])
        decided[key] = strictest(total_protection(parts, rule) for parts in families)
    return _with_protection(summary, decided)


def _key_of(title: str, label: str, column: str = "") -> str:
    return f"{title} | {label} | {column}"


def _keyed(figure: Figure, place: str) -> str:
    """A count's name: its quantity when it is shown in several places, else its place."""
    return figure.quantity or place


def _places(summary: Summary) -> Iterator[tuple[str, Figure]]:
    """Every count of the summary with its name (a name may come more than once)."""
    for figure in summary.key_figures:
        yield _keyed(figure, _key_of("Key figures", figure.label)), figure
    for table in summary.tables:
        for label, cells in table.rows:
            for figure in cells:
                yield _keyed(figure, _key_of(table.title, label, _column(table, figure))), figure
        for figure in table.total or ():
            yield _keyed(figure, _key_of(table.title, "Total", _column(table, figure))), figure
    for point in summary.trend:
        for figure in (point.referrals, point.first_contacts):
            yield _keyed(figure, _key_of("Trend", f"{point.month:%Y-%m}", figure.label)), figure


def _column(table: FigureTable, figure: Figure) -> str:
    return figure.label if figure.label in table.columns else ""


def _counts(summary: Summary) -> dict[str, Figure]:
    return {key: figure for key, figure in _places(summary) if figure.kind is Kind.COUNT}


def _table_totals(summary: Summary) -> Iterator[tuple[str, list[list[str]]]]:
    """Each count that totals tables whose rows add up to it, with the rows of each such table."""
    found: dict[str, list[list[str]]] = {}
    for table in summary.tables:
        if not table.parts_add_up or table.total is None:
            continue
        for index, figure in enumerate(table.total):
            if figure.kind is not Kind.COUNT:
                continue
            total = _keyed(figure, _key_of(table.title, "Total", _column(table, figure)))
            rows = [
                _keyed(cells[index], _key_of(table.title, label, _column(table, cells[index])))
                for label, cells in table.rows
            ]
            found.setdefault(total, []).append(rows)
    yield from found.items()


def _bound(bounds: dict[str, Bounds], key: str) -> Bounds:
    """A practice's count; one its summary lacks (a need none of its cases had) is 0."""
    return bounds.get(key, Bounds(0, 0))


def _narrowed(summary: Summary, rule: Rule) -> dict[str, Bounds]:
    """Each count's bounds as shown, narrowed by the tables whose rows add up to a total (a row
    is at most the total's top less the other rows' bottoms), as an intruder would narrow them."""
    bounds = {key: reader_bounds(shown(figure, rule), rule) for key, figure in _counts(summary).items()}
    tables = list(_table_totals(summary))
    for _round in range(3):
        for total, families in tables:
            for rows in families:
                for row in rows:
                    others = [bounds[other] for other in rows if other != row]
                    top = bounds[total].high
                    if top is None or any(other.high is None for other in others):
                        low = bounds[row].low
                    else:
                        low = max(bounds[row].low, bounds[total].low - sum(o.high or 0 for o in others))
                    high = bounds[row].high
                    if top is not None:
                        cap = top - sum(other.low for other in others)
                        high = cap if high is None else min(high, cap)
                    bounds[row] = Bounds(low, max(low, high) if high is not None else None)
                # And the total is at least its rows' bottoms, at most their tops.
                highs = [bounds[row].high for row in rows]
                low = max(bounds[total].low, sum(bounds[row].low for row in rows))
                high = bounds[total].high
                if None not in highs:
                    top = sum(h for h in highs if h is not None)
                    high = top if high is None else min(high, top)
                bounds[total] = Bounds(low, max(low, high) if high is not None else None)
    return bounds


def _protection_of(figure: Figure) -> Protection:
    if figure.withheld:
        return Protection.WITHHELD
    return Protection.COARSE if figure.coarse else Protection.PLAIN


def _applied(figure: Figure, protection: Protection | None) -> Figure:
    if protection is None:
        return figure
    return replace(figure, coarse=protection == Protection.COARSE, withheld=protection == Protection.WITHHELD)


def _with_protection(summary: Summary, decided: dict[str, Protection]) -> Summary:
    """The summary with every count's decision applied wherever that count is shown."""

    def apply(figure: Figure, place: str) -> Figure:
        if figure.kind is not Kind.COUNT:
            return figure
        return _applied(figure, decided.get(_keyed(figure, place)))

    return replace(
        summary,
        key_figures=tuple(apply(f, _key_of("Key figures", f.label)) for f in summary.key_figures),
        tables=tuple(
            replace(
                table,
                rows=tuple(
                    (label, tuple(apply(f, _key_of(table.title, label, _column(table, f))) for f in cells))
                    for label, cells in table.rows
                ),
                total=None
                if table.total is None
                else tuple(apply(f, _key_of(table.title, "Total", _column(table, f))) for f in table.total),
            )
            for table in summary.tables
        ),
        trend=tuple(
            TrendPoint(
                point.month,
                apply(point.referrals, _key_of("Trend", f"{point.month:%Y-%m}", point.referrals.label)),
                apply(
                    point.first_contacts, _key_of("Trend", f"{point.month:%Y-%m}", point.first_contacts.label)
                ),
            )
            for point in summary.trend
        ),
    )
