"""Disclosure control: what a reader outside the case screens may see of a summary figure.

One function, ``shown``, applies the rule to every figure of the summary, in the PDF and the CSV
alike, so no figure leaves by another path. By default it is the NHS Digital rule: counts from 1
to 7 are shown as ``*``, other counts are rounded to the nearest 5, and means, medians and shares
resting on fewer than 8 people are withheld, as are shares whose part or rest is a starred count.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from linkworker.domain.errors import ValidationError
from linkworker.domain.summary import Figure, Kind

STARRED: Final = "*"
WITHHELD: Final = "-"
# Marks a count rounded to twice the rule's multiple so it cannot be set against its parts
# (domain.differencing decides which).
COARSE: Final = "†"
COARSENING: Final = 2
# The counts an administrator may choose to star: from 1 (the least) to 20.
THRESHOLD_RANGE: Final = (1, 20)


@dataclass(frozen=True)
class Rule:
    suppress_up_to: int = 7  # counts 1..suppress_up_to shown as "*"
    round_to: int = 5  # other counts rounded to the nearest multiple (0 stays 0)
    min_base: int = 8  # means, medians and shares withheld when base < min_base

    def __post_init__(self) -> None:
        if self.suppress_up_to < 0 or self.round_to < 1 or self.min_base < 1:
            raise ValueError("a disclosure rule stars 0 or more counts, rounds to 1 or more, needs a base")

    @property
    def starred_up_to(self) -> int:
        """The largest count shown as ``*``.

        At least ``suppress_up_to``; more when rounding would bring a larger count down into the
        starred range (with 6 starred, 7 would round to 5) or down to 0 (with 1 starred, 2 would
        round to 0, which claims nobody): such counts are starred too, so a shown count is never
        from 1 to ``suppress_up_to`` and a shown 0 is always a true 0.
        """
        highest_multiple_starred = self.suppress_up_to // self.round_to * self.round_to
        return max(self.suppress_up_to, highest_multiple_starred + (self.round_to - 1) // 2)

    def describe(self) -> str:
        """The footer sentence naming the rule, so a reader knows what ``*`` and ``-`` mean."""
        name = (
            "the NHS Digital rule" if self == NHS_DIGITAL else "a local rule set by the PCN's administrator"
        )
        starred = "1" if self.starred_up_to == 1 else f"1 to {self.starred_up_to}"
        rounding = (
            "" if self.round_to == 1 else f" and other counts are rounded to the nearest {self.round_to}"
        )
        of_rounded = (
            ""
            if self.round_to == 1
            else " Percentages are worked out from the rounded counts. A count marked "
            f"{COARSE} is rounded to the nearest {self.round_to * COARSENING} instead, and a count "
            f"shown {WITHHELD} is withheld, where it could otherwise be set against the counts that "
            "add up to it."
        )
        return (
            f"Disclosure control follows {name}: counts of {starred} are shown as {STARRED}{rounding}; "
            f"means, medians and percentages based on fewer than {self.min_base} people, and "
            f"percentages that count or leave out {starred} people, are not shown ({WITHHELD}).{of_rounded}"
        )


NHS_DIGITAL: Final = Rule()


def threshold_rule(suppress_up_to: int) -> Rule:
    """The rule with an administrator's threshold: counts starred up to it, rounding to 5 as
    NHS Digital, and a mean, median or share withheld on any base that would itself be starred
    (NHS Digital's 8 for its 7)."""
    starred = Rule(suppress_up_to=suppress_up_to, round_to=NHS_DIGITAL.round_to).starred_up_to
    return Rule(suppress_up_to=suppress_up_to, round_to=NHS_DIGITAL.round_to, min_base=starred + 1)


def parse_threshold(value: int | str, field: str = "suppress_up_to") -> int:
    """A threshold as an administrator types it: a whole number in the allowed range."""
    low, high = THRESHOLD_RANGE
    try:
        threshold = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, "Write the threshold as a whole number, like 7.") from None
    if not low <= threshold <= high:
        raise ValidationError(field, f"Choose a threshold from {low} to {high}.")
    return threshold


def shown(figure: Figure, rule: Rule) -> str:
    """What a reader sees of ``figure``: "*", a rounded count, "12.5", "40%", or "-" (withheld)."""
    if figure.exact is None or figure.withheld:
        return WITHHELD
    if figure.kind is Kind.COUNT:
        return shown_count(round(figure.exact), rule, figure.coarse)
    if figure.base < rule.min_base:
        return WITHHELD
    if figure.kind is Kind.SHARE:
        # A share gives away its part and the rest as surely as counts would: 30% of 10 is 3
        # people, 90% of 10 leaves out 1. Either being starred withholds the share.
        part = round(figure.exact * figure.base)
        if any(0 < people <= rule.starred_up_to for people in (figure.base, part, figure.base - part)):
            return WITHHELD
        # NHS Digital's method: the percentage of the rounded counts, so it says no more than
        # they do (54% and 69% of "25" from exact counts fit only a base of 26).
        return (
            f"{_rounded(Decimal(rounded_count(part, rule)) * 100 / rounded_count(figure.base, rule), '1')}%"
        )
    if figure.kind is Kind.MEDIAN and float(figure.exact).is_integer():
        return f"{int(figure.exact):d}"
    return _rounded(_decimal(figure.exact), "0.1")


def shown_count(count: int, rule: Rule, coarse: bool = False) -> str:
    """A count as a reader sees it: "0", "*", rounded ("25"), or rounded coarsely ("30†")."""
    if count < 0:
        raise ValueError("a count is 0 or more")
    if count == 0:
        return "0"
    if count <= rule.starred_up_to:
        return STARRED
    if coarse:
        return f"{rounded_count(count, rule, COARSENING):d}{COARSE}"
    return f"{rounded_count(count, rule):d}"


def rounded_count(count: int, rule: Rule, coarsening: int = 1) -> int:
    """``count`` to the nearest multiple of the rule's rounding (times ``coarsening``), halves up
    (as a reader rounds)."""
    step = rule.round_to * coarsening
    multiples, left = divmod(count, step)
    return (multiples + (2 * left >= step)) * step


def _decimal(value: float) -> Decimal:
    """The float as it prints (its shortest repr), so 0.285 is exactly a half of a percent away."""
    return Decimal(repr(float(value)))


def _rounded(value: Decimal, places: str) -> str:
    """``value`` to ``places`` ("1", "0.1"), halves away from zero as a reader rounds, and never
    a "-0" for a change too small to see."""
    rounded = value.quantize(Decimal(places), rounding=ROUND_HALF_UP)
    return str(rounded.copy_abs() if rounded.is_zero() else rounded)
