"""Totals that cannot be set against their parts (domain.differencing): the touching ends that
pin a part, coarsening or withholding the total, decided from the parts as shown only."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.differencing import Bounds, Protection, reader_bounds, total_protection
from linkworker.domain.disclosure import NHS_DIGITAL, shown_count, threshold_rule


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("0", Bounds(0, 0)),
        ("*", Bounds(1, 7)),
        ("10", Bounds(8, 12)),
        ("25", Bounds(23, 27)),
        ("10†", Bounds(8, 14)),
        ("20†", Bounds(15, 24)),
        ("-", Bounds(0, None)),
    ],
)
def test_what_a_reader_can_tell_from_a_shown_count(text: str, bounds: Bounds) -> None:
    assert reader_bounds(text, NHS_DIGITAL) == bounds


@given(st.integers(0, 2000), st.booleans(), st.integers(1, 20))
def test_every_count_lies_within_what_its_shown_form_allows(count: int, coarse: bool, threshold: int) -> None:
    rule = threshold_rule(threshold)
    bounds = reader_bounds(shown_count(count, rule, coarse), rule)
    assert bounds.low <= count and (bounds.high is None or count <= bounds.high)


def test_the_intruders_case_is_caught() -> None:
    # "10", "10", "*" can add up to 17, which shows as "15" (13 to 17): only 8 + 8 + 1.
    assert total_protection(["10", "10", "*"], NHS_DIGITAL) == Protection.COARSE
    # Four practices of "10": a total of 48 shows as "50" (48 to 52): each must be 12.
    assert total_protection(["10", "10", "10", "10"], NHS_DIGITAL) == Protection.COARSE
    # Five of "10" can never touch.
    assert total_protection(["10"] * 5, NHS_DIGITAL) == Protection.PLAIN
    # One uncertain part and zeros: the total shows as that part does.
    assert total_protection(["*", "0", "0"], NHS_DIGITAL) == Protection.PLAIN


def _possible(parts: list[str], total_text: str) -> list[set[int]]:
    """Every value of each part consistent with the parts and the total as shown (brute force)."""
    ranges = [range(b.low, (b.high if b.high is not None else b.low + 30) + 1) for b in map(_bounds, parts)]
    total = _bounds(total_text)
    seen: list[set[int]] = [set() for _ in parts]
    for values in itertools.product(*ranges):
        if total.low <= sum(values) and (total.high is None or sum(values) <= total.high):
            for index, value in enumerate(values):
                seen[index].add(value)
    return seen


def _bounds(text: str) -> Bounds:
    return reader_bounds(text, NHS_DIGITAL)


shown_parts = st.lists(st.sampled_from(["0", "*", "10", "15", "20", "*", "10"]), min_size=2, max_size=4)


@settings(max_examples=150, deadline=None)
@given(shown_parts, st.data())
def test_no_total_as_decided_pins_a_part_or_itself(parts: list[str], data: st.DataObject) -> None:
    # Choose true parts consistent with how they show, then show the total as decided.
    values = [data.draw(st.integers(_bounds(text).low, _bounds(text).high or 0)) for text in parts]
    decision = total_protection(parts, NHS_DIGITAL)
    if decision == Protection.WITHHELD:
        total_text = "-"
    else:
        total_text = shown_count(sum(values), NHS_DIGITAL, decision == Protection.COARSE)
    for text, possible in zip(parts, _possible(parts, total_text), strict=True):
        if _bounds(text).low != _bounds(text).high:
            assert len(possible) > 1, (parts, values, total_text)
    total_bounds = _bounds(total_text)
    if total_bounds.low != total_bounds.high:
        sums = {sum(combo) for combo in itertools.product(*[sorted(p) for p in _possible(parts, total_text)])}
        assert len({s for s in sums if total_bounds.low <= s <= (total_bounds.high or s)}) > 1


@given(shown_parts)
def test_the_decision_reads_only_the_parts_as_shown(parts: list[str]) -> None:
    # Same shown parts, same decision, whatever the true values behind them: it cannot leak them.
    assert total_protection(parts, NHS_DIGITAL) == total_protection(list(parts), NHS_DIGITAL)


def _summary(
    practices: tuple[str, ...], referrals: int, by_practice: dict[str, int], by_source: dict[str, int]
):
    """A summary with new referrals as a key figure and two tables whose rows add up to it."""
    from datetime import UTC, date, datetime

    from linkworker.domain.summary import BY_PRACTICE, COUNT_COLUMN, REFERRALS, FigureTable, Summary, count

    def table(title: str, rows: dict[str, int], row_quantity: str = "") -> FigureTable:
        return FigureTable(
            title,
            COUNT_COLUMN,
            tuple((label, (count(COUNT_COLUMN[0], n, row_quantity),)) for label, n in rows.items()),
            (count(COUNT_COLUMN[0], referrals, REFERRALS),),
            parts_add_up=True,
        )

    return Summary(
        pcn_name="Test Valley PCN",
        pcn_ods="U99901",
        month=date(2026, 10, 1),
        practices=practices,
        made_at=datetime(2026, 11, 2, tzinfo=UTC),
        key_figures=(count("New referrals", referrals, REFERRALS),),
        tables=(
            table(BY_PRACTICE, by_practice, REFERRALS if len(practices) == 1 else ""),
            table("New referrals by source", by_source),
        ),
        trend=(),
    )


def test_the_pcns_row_for_a_practice_is_shown_as_that_practices_own_count() -> None:
    from linkworker.domain.differencing import protect

    # Riverside's own summary: 17 referrals from sources "10", "*" and "*"... rounded so its
    # total could be set against them, so it shows "20†"; the PCN's row for it must match.
    riverside = protect(
        _summary(("Riverside Surgery",), 17, {"Riverside Surgery": 17}, {"GP": 8, "Self": 8, "Nurse": 1}),
        NHS_DIGITAL,
    )
    hilltop = protect(
        _summary(("Hilltop Practice",), 20, {"Hilltop Practice": 20}, {"GP": 20, "Self": 0, "Nurse": 0}),
        NHS_DIGITAL,
    )
    assert riverside.key_figures[0].coarse and not hilltop.key_figures[0].coarse
    whole = protect(
        _summary(
            ("Hilltop Practice", "Riverside Surgery"),
            37,
            {"Hilltop Practice": 20, "Riverside Surgery": 17},
            {"GP": 28, "Self": 8, "Nurse": 1},
        ),
        NHS_DIGITAL,
        [hilltop, riverside],
    )
    rows = dict(whole.tables[0].rows)
    assert rows["Riverside Surgery"][0].coarse and not rows["Hilltop Practice"][0].coarse
