"""The disclosure rule: the NHS Digital rule by example, and for any rule an administrator may
choose, that no small count is ever shown, rounding stays honest, and thin bases are withheld."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.disclosure import (
    NHS_DIGITAL,
    THRESHOLD_RANGE,
    Rule,
    parse_threshold,
    rounded_count,
    shown,
    threshold_rule,
)
from linkworker.domain.errors import ValidationError
from linkworker.domain.summary import Figure, Kind, count, share


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        (0, "0"),
        *((n, "*") for n in range(1, 8)),
        *[
            (8, "10"),
            (12, "10"),
            (13, "15"),
            (17, "15"),
            (18, "20"),
            (102, "100"),
            (103, "105"),
            (1234, "1235"),
        ],
    ],
)
def test_nhs_digital_counts(people: int, expected: str) -> None:
    assert shown(count("New referrals", people), NHS_DIGITAL) == expected


@pytest.mark.parametrize("kind", [Kind.MEAN, Kind.MEDIAN, Kind.SHARE])
@pytest.mark.parametrize(("base", "withheld"), [(0, True), (1, True), (7, True), (8, False), (40, False)])
def test_nhs_digital_withholds_means_medians_and_shares_below_8_people(
    kind: Kind, base: int, withheld: bool
) -> None:
    # Nobody counted in the share, so only its base decides (see the part-or-rest test below).
    figure = Figure("Figure", kind, 0.0, base)
    assert (shown(figure, NHS_DIGITAL) == "-") is withheld


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (Figure("Mean change", Kind.MEAN, 12.5, 9), "12.5"),
        (Figure("Mean change", Kind.MEAN, -1.25, 9), "-1.3"),
        (Figure("Mean change", Kind.MEAN, 1.15, 9), "1.2"),
        (Figure("Mean change", Kind.MEAN, -0.04, 9), "0.0"),
        (Figure("Mean change", Kind.MEAN, 3.0, 9), "3.0"),
        (Figure("Median days", Kind.MEDIAN, 4.0, 9), "4"),
        (Figure("Median days", Kind.MEDIAN, 4.5, 9), "4.5"),
        (share("Attended", 40, 100), "40%"),
        (share("Attended", 57, 200), "28%"),  # 55 of 200: 27.5% rounds up, as a reader rounds
        (share("Attended", 0, 12), "0%"),
        (share("Attended", 12, 12), "100%"),
        (Figure("Nothing to show", Kind.MEDIAN, None, 30), "-"),
        (Figure("Nothing to show", Kind.COUNT, None, 0), "-"),
    ],
)
def test_means_medians_and_shares_are_written_as_a_reader_expects(figure: Figure, expected: str) -> None:
    assert shown(figure, NHS_DIGITAL) == expected


def test_a_share_is_withheld_when_its_base_would_itself_be_starred() -> None:
    # A local rule starring up to 12 but (as a rule could) asking means for only 8 people.
    rule = Rule(suppress_up_to=12, min_base=8)
    assert shown(share("Improved", 5, 10), rule) == "-"
    assert shown(Figure("Mean change", Kind.MEAN, 1.0, 10), rule) == "1.0"
    assert shown(share("Improved", 13, 13), rule) == "100%"


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 10, "0%"),
        (1, 10, "-"),
        (7, 20, "-"),
        (8, 20, "50%"),  # of the rounded counts: 10 of 20
        (12, 20, "50%"),
        (18, 40, "50%"),  # 20 of 40
        (13, 20, "-"),
        (20, 20, "100%"),
    ],
)
def test_a_share_is_withheld_when_the_people_it_counts_or_leaves_out_would_be_starred(
    part: int, whole: int, expected: str
) -> None:
    # 1 of 10 attending is one person; 13 of 20 leaves out 7: either could be picked out.
    assert shown(share("Attended", part, whole), NHS_DIGITAL) == expected


def test_describe_names_the_rule_in_use() -> None:
    assert NHS_DIGITAL.describe() == (
        "Disclosure control follows the NHS Digital rule: counts of 1 to 7 are shown as * and other "
        "counts are rounded to the nearest 5; means, medians and percentages based on fewer than 8 "
        "people, and percentages that count or leave out 1 to 7 people, are not shown (-). "
        "Percentages are worked out from the rounded counts. A count marked † is rounded to the "
        "nearest 10 instead, and a count shown - is withheld, where it could otherwise be set "
        "against the counts that add up to it."
    )
    local = threshold_rule(10)
    assert "local rule" in local.describe()
    assert "counts of 1 to 12 are shown as *" in local.describe()
    assert "fewer than 13 people" in local.describe()
    assert "counts of 1 are shown as *; means" in Rule(suppress_up_to=1, round_to=1).describe()


def test_the_default_threshold_gives_the_nhs_digital_rule() -> None:
    assert threshold_rule(7) == NHS_DIGITAL


@pytest.mark.parametrize(
    ("threshold", "starred_up_to"), [(1, 2), (2, 2), (5, 7), (6, 7), (7, 7), (8, 8), (10, 12), (20, 22)]
)
def test_counts_that_rounding_would_bring_into_the_starred_range_or_to_0_are_starred(
    threshold: int, starred_up_to: int
) -> None:
    rule = threshold_rule(threshold)
    assert rule.starred_up_to == starred_up_to
    assert shown(count("People", starred_up_to), rule) == "*"
    assert shown(count("People", starred_up_to + 1), rule) not in {"*", "0"}


@pytest.mark.parametrize(("typed", "expected"), [("1", 1), (" 12 ", 12), (20, 20)])
def test_parse_threshold_takes_whole_numbers_in_range(typed: str | int, expected: int) -> None:
    assert parse_threshold(typed) == expected


@pytest.mark.parametrize("typed", ["0", "21", "-3", "seven", "7.5", ""])
def test_parse_threshold_refuses_anything_else(typed: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_threshold(typed)
    assert raised.value.field == "suppress_up_to"


def test_a_rule_refuses_impossible_settings() -> None:
    for settings in ({"suppress_up_to": -1}, {"round_to": 0}, {"min_base": 0}):
        with pytest.raises(ValueError):
            Rule(**settings)
    with pytest.raises(ValueError):
        shown(count("People", -1), NHS_DIGITAL)


rules = st.builds(
    Rule,
    suppress_up_to=st.integers(0, 30),
    round_to=st.integers(1, 20),
    min_base=st.integers(1, 40),
) | st.integers(*THRESHOLD_RANGE).map(threshold_rule)


@given(rule=rules, people=st.integers(0, 100_000))
def test_no_shown_count_is_from_1_to_the_threshold_and_rounding_is_to_the_nearest_multiple(
    rule: Rule, people: int
) -> None:
    text = shown(count("People", people), rule)
    if text == "*":
        assert 1 <= people <= rule.starred_up_to
        return
    value = int(text)
    assert not 1 <= value <= rule.suppress_up_to
    assert value % rule.round_to == 0
    assert abs(value - people) <= rule.round_to / 2
    assert (value == 0) is (people == 0)


@given(
    rule=rules,
    kind=st.sampled_from([Kind.MEAN, Kind.MEDIAN]),
    exact=st.floats(-1000, 1000, allow_nan=False),
    base=st.integers(0, 200),
)
def test_means_and_medians_are_withheld_exactly_below_the_minimum_base(
    rule: Rule, kind: Kind, exact: float, base: int
) -> None:
    text = shown(Figure("Figure", kind, exact, base), rule)
    assert (text == "-") is (base < rule.min_base)
    if text != "-":
        assert abs(float(text) - exact) <= 0.05 + 1e-9


@given(rule=rules, whole=st.integers(0, 500), data=st.data())
def test_shares_are_withheld_exactly_below_the_minimum_base_or_on_a_starred_base_part_or_rest(
    rule: Rule, whole: int, data: st.DataObject
) -> None:
    part = data.draw(st.integers(0, whole))
    text = shown(share("Share", part, whole), rule)
    small = [0 < people <= rule.starred_up_to for people in (whole, part, whole - part)]
    assert (text == "-") is (whole < rule.min_base or any(small))
    if text != "-":
        assert text.endswith("%")
        # NHS Digital's method: the percentage of the rounded counts.
        of_rounded = 100 * rounded_count(part, rule) / rounded_count(whole, rule)
        assert abs(int(text[:-1]) - of_rounded) <= 0.5 + 1e-9


def test_a_percentage_no_longer_pins_its_exact_base() -> None:
    # The intruder's case: "25 people, 54% and 69% improved" from exact counts fits only 14 and
    # 18 of 26. Of the rounded counts, every base that rounds to 25 could be behind it.
    assert [shown(share("Improved", part, 26), NHS_DIGITAL) for part in (14, 18)] == ["60%", "80%"]
    assert shown(share("Improved", 15, 23), NHS_DIGITAL) == "60%"
    assert shown(share("Improved", 19, 27), NHS_DIGITAL) == "80%"


@given(rule=rules, whole=st.integers(1, 300), data=st.data())
def test_a_shown_percentage_depends_only_on_the_rounded_counts(
    rule: Rule, whole: int, data: st.DataObject
) -> None:
    part = data.draw(st.integers(0, whole))
    other_whole = data.draw(st.integers(1, 300))
    other_part = data.draw(st.integers(0, other_whole))
    first, second = shown(share("S", part, whole), rule), shown(share("S", other_part, other_whole), rule)
    same_rounding = (rounded_count(part, rule), rounded_count(whole, rule)) == (
        rounded_count(other_part, rule),
        rounded_count(other_whole, rule),
    )
    if same_rounding and "-" not in (first, second):
        assert first == second
