"""Counts shown together: exact for readers of records, the PCN's rule for others, and no starred
count recoverable by subtracting, checked by an intruder who knows how the counts are protected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.breakdowns import Breakdowns, Count, alone, exact, reading, rule_reading, together
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, WITHHELD, Rule, threshold_rule

Publish = Callable[[int, Sequence[Sequence[int]]], Breakdowns]
RULES = [NHS_DIGITAL, threshold_rule(1), threshold_rule(3), Rule(round_to=10), Rule(round_to=1)]


def each_alone(rule: Rule) -> Publish:
    """Every count under the rule on its own, as the screens showed them before: what the
    intruder undoes."""

    def publish(total: int, breakdowns: Sequence[Sequence[int]]) -> Breakdowns:
        return Breakdowns(
            alone(total, rule), tuple(tuple(alone(line, rule) for line in lines) for lines in breakdowns)
        )

    return publish


def protected(rule: Rule) -> Publish:
    return lambda total, breakdowns: together(total, breakdowns, rule)


def texts(counts: Sequence[Count]) -> list[str]:
    return [count.text for count in counts]


def test_a_reader_of_records_sees_every_count_exactly() -> None:
    shown = together(1234, [(1, 1233), (0, 1234)], None)
    assert shown.total == Count("1,234", 1234)
    assert shown.lines == ((Count("1", 1), Count("1,233", 1233)), (Count("0", 0), Count("1,234", 1234)))
    assert alone(3, None) == exact(3) == Count("3", 3)


def test_counts_with_nothing_starred_follow_the_rule_each_alone() -> None:
    shown = together(48, [(0, 22, 26), (40, 8)], NHS_DIGITAL)
    assert shown.total == Count("50")
    assert [texts(lines) for lines in shown.lines] == [["0", "20", "25"], ["40", "10"]]


def test_a_starred_line_withholds_the_total_of_its_only_breakdown() -> None:
    shown = together(22, [(8, 13, 1)], NHS_DIGITAL)
    assert shown.total == Count(WITHHELD)
    assert [texts(lines) for lines in shown.lines] == [["10", "15", STARRED]]


def test_with_several_breakdowns_the_largest_line_of_each_is_withheld_too() -> None:
    # The second breakdown has no star; its largest line goes all the same. Of equal lines, the first.
    shown = together(30, [(10, 19, 1), (15, 15), (0, 30)], NHS_DIGITAL)
    assert shown.total.text == WITHHELD
    assert [texts(lines) for lines in shown.lines] == [
        ["10", WITHHELD, STARRED],
        [WITHHELD, "15"],
        ["0", WITHHELD],
    ]


def test_a_starred_total_is_withheld_and_its_lines_starred() -> None:
    shown = together(5, [(2, 3), (5, 0)], NHS_DIGITAL)
    assert shown.total.text == WITHHELD
    assert [texts(lines) for lines in shown.lines] == [[STARRED, WITHHELD], [WITHHELD, "0"]]


def test_zero_is_known_without_the_number() -> None:
    shown = together(9, [(9, 0)], NHS_DIGITAL)
    assert [count.is_zero for count in shown.lines[0]] == [False, True]
    assert not Count(WITHHELD).is_zero and not Count(STARRED).is_zero


def test_breakdowns_must_add_up_and_counts_be_whole() -> None:
    with pytest.raises(ValueError, match="adds up"):
        together(10, [(4, 5)], NHS_DIGITAL)
    with pytest.raises(ValueError):
        exact(-1)


def test_the_reading_names_the_rule() -> None:
    assert reading(NHS_DIGITAL) == (
        "Counts of 1 to 7 show as *, and other counts are rounded to the nearest 5. "
        "A - is left out so that no * can be worked out from the rest."
    )
    assert (
        rule_reading(threshold_rule(1))
        == "Counts of 1 to 2 show as *, and other counts are rounded to the nearest 5."
    )
    assert rule_reading(Rule(suppress_up_to=1, round_to=1, min_base=2)) == "Counts of 1 show as *."


# The intruder.


def preimage(text: str, rule: Rule, bound: int) -> list[int]:
    """Every count up to ``bound`` the rule shows as ``text``."""
    return [number for number in range(bound + 1) if alone(number, rule).text == text]


def fitting(
    publish: Publish, published: Breakdowns, which: int, total: int, rule: Rule, bound: int
) -> list[tuple[int, ...]]:
    """Every set of exact lines of breakdown ``which`` adding up to ``total`` that ``publish``
    shows as published. It shows a breakdown the same way whatever the others hold, given whether
    anything is starred (a reader sees whether: the total is withheld) and how many breakdowns
    there are, so the others are stood in for by one that is starred or not as published."""
    shown = published.lines[which]
    hidden = [index for index, count in enumerate(shown) if count.text == WITHHELD]
    assert len(hidden) <= 1, "a breakdown withholds one line at most"
    free = hidden[0] if hidden else len(shown) - 1  # the line the others' sum decides
    choices = [
        [0] if index == free else preimage(count.text, rule, bound) for index, count in enumerate(shown)
    ]
    fired = published.total.text == WITHHELD
    if len(published.lines) > 1 and fired and total == 0:
        return []  # nothing to star in a total of 0
    stand_in = [] if len(published.lines) == 1 else [(1, total - 1) if fired else (total,)]
    found = []
    for picked in product(*choices):
        lines = list(picked)
        lines[free] = total - sum(picked)
        if lines[free] < 0:
            continue
        if publish(total, [tuple(lines), *stand_in]).lines[0] == shown:
            found.append(tuple(lines))
    return found


def possible(
    publish: Publish, published: Breakdowns, rule: Rule, bound: int
) -> tuple[set[int], list[list[set[int]]]]:
    """Every exact value of the total and of each line consistent with all the published counts
    together, for a reader who knows how ``publish`` protects them (totals up to ``bound``)."""
    fired = published.total.text == WITHHELD
    totals: set[int] = set()
    values: list[list[set[int]]] = [[set() for _ in lines] for lines in published.lines]

    def starred(number: int) -> bool:
        return 0 < number <= rule.starred_up_to

    for total in range(bound + 1):
        if not fired and publish(total, [(total,)]).total != published.total:
            continue
        options = [
            fitting(publish, published, which, total, rule, bound) for which in range(len(published.lines))
        ]
        if not all(options):
            continue
        # Withheld means something was starred: the total, or a line of some breakdown.
        with_star = [any(any(map(starred, lines)) for lines in option) for option in options]
        for which, option in enumerate(options):
            for lines in option:
                others_star = any(star for other, star in enumerate(with_star) if other != which)
                if not fired or starred(total) or any(map(starred, lines)) or others_star:
                    totals.add(total)
                    for index, line in enumerate(lines):
                        values[which][index].add(line)
    return totals, values


def test_the_intruder_pins_a_starred_line_of_counts_each_shown_alone() -> None:
    # 22 = 8 + 13 + 1: a total shown as 20 is at most 22, lines of 10 and 15 at least 8 and 13.
    published = each_alone(NHS_DIGITAL)(22, [(8, 13, 1)])
    assert texts(published.lines[0]) == ["10", "15", STARRED] and published.total.text == "20"
    _totals, values = possible(each_alone(NHS_DIGITAL), published, NHS_DIGITAL, 40)
    assert values[0][2] == {1}


def test_the_same_counts_protected_together_leave_the_star_every_value() -> None:
    published = together(22, [(8, 13, 1)], NHS_DIGITAL)
    _totals, values = possible(protected(NHS_DIGITAL), published, NHS_DIGITAL, 40)
    assert values[0][2] == set(range(1, 8))


def test_the_intruder_pins_a_star_through_a_second_breakdown_of_counts_each_shown_alone() -> None:
    # No total shown: the workers' lines (10 and 15: at most 12 + 17 = 29) bound the practices'
    # (30 and a star: at least 28 + 1).
    publish = each_alone(NHS_DIGITAL)
    published = Breakdowns(Count(WITHHELD), publish(29, [(12, 17), (28, 1)]).lines)
    assert [texts(lines) for lines in published.lines] == [["10", "15"], ["30", STARRED]]
    _totals, values = possible(publish, published, NHS_DIGITAL, 40)
    assert values[1][1] == {1}


@st.composite
def populations(draw: st.DrawFn) -> tuple[Rule, int, list[tuple[int, ...]]]:
    rule = draw(st.sampled_from(RULES))
    total = draw(st.integers(0, 30))
    breakdowns = []
    for _ in range(draw(st.integers(1, 3))):
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=2)))
        edges = [0, *cuts, total]
        breakdowns.append(tuple(high - low for low, high in pairwise(edges)))
    return rule, total, breakdowns


@settings(max_examples=80, deadline=None)
@given(populations())
def test_no_count_protected_together_can_be_worked_out(
    population: tuple[Rule, int, list[tuple[int, ...]]],
) -> None:
    rule, total, breakdowns = population
    published = together(total, breakdowns, rule)
    bound = total + 12
    totals, values = possible(protected(rule), published, rule, bound)

    assert total in totals
    for which, lines in enumerate(breakdowns):
        # How the intruder reads one breakdown holds for the real counts.
        assert lines in fitting(protected(rule), published, which, total, rule, bound)
        for line, count, found in zip(lines, published.lines[which], values[which], strict=True):
            assert line in found
            if count.text == STARRED:  # every value a star can stand for stays possible
                assert found == set(range(1, rule.starred_up_to + 1))
            if count.text == WITHHELD:
                assert len(found) > 1
    if published.total.text == WITHHELD:
        assert len(totals) > 1
