"""Meaningful change for one person: ONS4 by at least 1 point, SWEMWBS by the PCN's threshold in
metric points (2.87 by default: 2.77 SEM in Shah et al. 2018; 1.03 is their 1 SEM)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.errors import ValidationError
from linkworker.domain.measures import (
    SWEMWBS_CHANGE_1_SEM,
    SWEMWBS_CHANGE_2_77_SEM,
    SWEMWBS_METRIC,
    Direction,
    Ons4Question,
    ons4_changes,
    ons4_direction,
    parse_swemwbs_change,
    swemwbs_change,
    swemwbs_direction,
)

swemwbs_answers = st.lists(st.integers(1, 5), min_size=7, max_size=7)


def test_the_published_thresholds() -> None:
    # Shah et al. 2018: SEM 1.03 points; 2.77 SEM is 2.87 points.
    assert (SWEMWBS_CHANGE_1_SEM, SWEMWBS_CHANGE_2_77_SEM) == (1.03, 2.87)


def test_ons4_counts_one_point_either_way_and_anxiety_falling_is_better() -> None:
    changes = ons4_changes([4, 6, 5, 8], [5, 6, 4, 7])
    assert [ons4_direction(change) for change in changes] == [
        Direction.IMPROVED,
        Direction.NO_CHANGE,
        Direction.WORSE,
        Direction.IMPROVED,
    ]


@given(
    st.lists(st.integers(0, 10), min_size=4, max_size=4), st.lists(st.integers(0, 10), min_size=4, max_size=4)
)
def test_ons4_direction_agrees_with_better_and_worse(baseline, latest) -> None:
    for change in ons4_changes(baseline, latest):
        expected = {True: Direction.IMPROVED, False: Direction.WORSE, None: Direction.NO_CHANGE}
        assert ons4_direction(change) is expected[change.improved]
        if change.question is Ons4Question.ANXIOUS and change.change < 0:
            assert ons4_direction(change) is Direction.IMPROVED


def _answers_for(raw: int) -> list[int]:
    """Seven answers 1-5 adding up to ``raw``."""
    answers, left = [1] * 7, raw - 7
    for index in range(7):
        step = min(4, left)
        answers[index] += step
        left -= step
    return answers


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # Raw 20 -> 21 is 19.98 -> 20.73: +0.75, under even the 1 SEM threshold.
        (20, 21, Direction.NO_CHANGE),
        # Raw 20 -> 22 is +1.56: real at 1 SEM, not at 2.77 SEM.
        (20, 22, Direction.NO_CHANGE),
        # Raw 20 -> 24 is 19.98 -> 23.21: +3.23, improved.
        (20, 24, Direction.IMPROVED),
        (24, 20, Direction.WORSE),
        (20, 20, Direction.NO_CHANGE),
    ],
)
def test_swemwbs_counts_only_a_change_of_the_threshold(before, after, expected) -> None:
    change = swemwbs_change(_answers_for(before), _answers_for(after))
    assert swemwbs_direction(change) is expected


def test_a_pcn_choosing_the_1_sem_threshold_counts_smaller_changes() -> None:
    change = swemwbs_change(_answers_for(20), _answers_for(22))
    assert swemwbs_direction(change, SWEMWBS_CHANGE_1_SEM) is Direction.IMPROVED


def test_a_change_exactly_at_the_threshold_counts() -> None:
    # Raw 7 -> 8 is 7.00 -> 9.51: 2.51 points exactly.
    change = swemwbs_change(_answers_for(7), _answers_for(8))
    assert change.metric_change == 2.51
    assert swemwbs_direction(change, 2.51) is Direction.IMPROVED
    assert swemwbs_direction(change, 2.52) is Direction.NO_CHANGE


@given(swemwbs_answers, swemwbs_answers, st.integers(100, 300))
def test_swemwbs_direction_is_the_sign_of_a_large_enough_change(baseline, latest, hundredths) -> None:
    change = swemwbs_change(baseline, latest)
    points = round((SWEMWBS_METRIC[sum(latest)] - SWEMWBS_METRIC[sum(baseline)]) * 100)
    direction = swemwbs_direction(change, hundredths / 100)
    if points >= hundredths:
        assert direction is Direction.IMPROVED
    elif -points >= hundredths:
        assert direction is Direction.WORSE
    else:
        assert direction is Direction.NO_CHANGE
    # The other way round is the mirror image.
    assert (
        swemwbs_direction(swemwbs_change(latest, baseline), hundredths / 100)
        is {
            Direction.IMPROVED: Direction.WORSE,
            Direction.WORSE: Direction.IMPROVED,
            Direction.NO_CHANGE: Direction.NO_CHANGE,
        }[direction]
    )


@pytest.mark.parametrize(
    ("typed", "points"), [("2.87", 2.87), (" 1 ", 1.0), ("3", 3.0), ("1,5", 1.5), (2, 2.0)]
)
def test_an_administrator_chooses_a_change_from_1_to_3_points(typed, points) -> None:
    assert parse_swemwbs_change(typed) == points


@pytest.mark.parametrize("typed", ["0.99", "3.01", "", "three", "nan", "inf", "-2"])
def test_a_change_outside_the_published_range_is_refused(typed) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_swemwbs_change(typed)
    assert refused.value.field == "swemwbs_change"
