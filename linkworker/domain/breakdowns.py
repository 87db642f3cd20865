"""Counts of people shown side by side on a screen: a total, the ways it breaks down, and counts
that stand alone, each as its reader may see it.

A reader who may see records (a link worker, an administrator) sees every count exactly. Anyone
else (a PCN manager) sees each count under the PCN's disclosure rule (``domain.disclosure.shown``):
1 to 7 as ``*``, others rounded. That alone is not enough where counts add up. A total and its
lines let a reader subtract: the range a starred line can take narrows, and pins it to one value
when the rounded figures sit at the edges of theirs (a total shown as 20 with lines shown as 10, 15
and ``*`` is 22 = 8 + 13 + 1 at most, so the ``*`` is 1). Two breakdowns of the same total (open
cases by practice and by worker) can be set against each other the same way, total or no total.
This is disclosure by differencing, the first thing the ICO's motivated intruder tries (ICO,
"Anonymisation: managing data protection risk code of practice", 2012, ch. 3; ONS, "Disclosure
control guidance for tables produced from administrative sources", 2014, on differencing and
linked tables).

So counts that add up are protected together (``together``). When none of them is starred they
are shown as the rule says: a rounded figure cannot pin a count from 1 to 7, as no such count is
shown. When any of them is starred (or would be), the total is withheld (``-``) and, if it breaks
down more than one way, so is the largest line of each breakdown (the first of equal ones):

- one breakdown, no total: its lines meet no other published figure, so each ``*`` keeps every
  value from 1 to 7;
- several breakdowns, each with a withheld line: the withheld lines have no upper bound, so the
  hidden total can be any size and every breakdown still fits, whatever value a ``*`` takes.

What a reader learns from the withholding itself is only what they can see: that some count is
from 1 to the rule's largest starred count, and that a withheld line is at least each other line
of its breakdown (a lower bound, never an upper one). tests/domain/test_breakdowns.py plays the
intruder who knows all this and checks that no count is ever pinned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from linkworker.domain.disclosure import STARRED, WITHHELD, Rule, shown
from linkworker.domain.summary import Figure, Kind


@dataclass(frozen=True)
class Count:
    """A count as its reader sees it: the text to show, and the number itself only for a reader
    who may see exact counts (None when the text is protected)."""

    text: str
    exact: int | None = None

    @property
    def is_zero(self) -> bool:
        """Nothing counted: a 0 is shown as 0 under every rule, so this needs no exact number."""
        return self.text == "0"


@dataclass(frozen=True)
class Breakdowns:
    """A total and its breakdowns as a reader sees them, lines in the order given."""

    total: Count
    lines: tuple[tuple[Count, ...], ...]


WITHHELD_COUNT = Count(WITHHELD)


def exact(number: int) -> Count:
    if number < 0:
        raise ValueError("a count is 0 or more")
    return Count(f"{number:,}", number)


def alone(number: int, rule: Rule | None) -> Count:
    """A count that adds up with no other count on show: exact, or under ``rule``."""
    return exact(number) if rule is None else Count(_shown(number, rule))


def together(total: int, breakdowns: Sequence[Sequence[int]], rule: Rule | None) -> Breakdowns:
    """``total`` and each breakdown of it (lines adding up to it), exact for ``rule`` None, else
    protected together as the module says."""
    if any(sum(lines) != total for lines in breakdowns):
        raise ValueError("every breakdown adds up to the total")
    if rule is None or not _any_starred([total, *(line for lines in breakdowns for line in lines)], rule):
        return Breakdowns(
            alone(total, rule), tuple(tuple(alone(line, rule) for line in lines) for lines in breakdowns)
        )
    several = len(breakdowns) > 1
    return Breakdowns(
        WITHHELD_COUNT,
        tuple(
            tuple(
                WITHHELD_COUNT if several and index == _largest(lines) else alone(line, rule)
                for index, line in enumerate(lines)
            )
            for lines in breakdowns
        ),
    )


def rule_reading(rule: Rule) -> str:
    """What ``*`` and a rounded count mean, for a line under counts that stand alone."""
    starred = "1" if rule.starred_up_to == 1 else f"1 to {rule.starred_up_to}"
    rounding = "" if rule.round_to == 1 else f", and other counts are rounded to the nearest {rule.round_to}"
    return f"Counts of {starred} show as {STARRED}{rounding}."


def reading(rule: Rule) -> str:
    """What a protected screen's ``*`` and ``-`` mean, for a line under its figures."""
    return (
        f"{rule_reading(rule)} A {WITHHELD} is left out so that no {STARRED} can be worked out from the rest."
    )


def _shown(number: int, rule: Rule) -> str:
    return shown(Figure("", Kind.COUNT, number, number), rule)


def _any_starred(numbers: Sequence[int], rule: Rule) -> bool:
    return any(_shown(number, rule) == STARRED for number in numbers)


def _largest(lines: Sequence[int]) -> int:
    return max(range(len(lines)), key=lambda index: (lines[index], -index))
