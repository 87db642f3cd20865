"""Baseline-to-latest change: ONS4 question by question (never summed), SWEMWBS raw and metric."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.errors import ValidationError
from linkworker.domain.measures import (
    SWEMWBS_ANSWERS,
    SWEMWBS_ITEMS,
    SWEMWBS_STATEMENTS,
    Ons4Band,
    Ons4Question,
    baseline_and_latest,
    check_stage,
    check_swemwbs_item,
    ons4_changes,
    swemwbs_change,
)
from tests.domain.test_measures import ANXIETY_BANDS, POSITIVE_BANDS, PUBLISHED_TABLE

B, F = MeasureStage.BASELINE, MeasureStage.FOLLOW_UP
ons4_answers = st.lists(st.integers(0, 10), min_size=4, max_size=4)
swemwbs_answers = st.lists(st.integers(1, 5), min_size=7, max_size=7)


def test_ons4_change_is_reported_for_each_question_with_its_bands() -> None:
    changes = ons4_changes([4, 6, 5, 8], [7, 6, 9, 3])
    assert [change.question for change in changes] == list(Ons4Question)
    assert [(change.baseline, change.latest, change.change) for change in changes] == [
        (4, 7, 3),
        (6, 6, 0),
        (5, 9, 4),
        (8, 3, -5),
    ]
    assert [(change.baseline_band, change.latest_band) for change in changes] == [
        (Ons4Band.LOW, Ons4Band.HIGH),
        (Ons4Band.MEDIUM, Ons4Band.MEDIUM),
        (Ons4Band.MEDIUM, Ons4Band.VERY_HIGH),
        (Ons4Band.HIGH, Ons4Band.LOW),
    ]
    # Less anxiety is the better way; an unchanged answer is neither better nor worse.
    assert [change.improved for change in changes] == [True, None, True, True]


def test_more_anxiety_and_less_happiness_are_worse() -> None:
    changes = ons4_changes([5, 5, 8, 2], [5, 5, 6, 7])
    assert [change.improved for change in changes] == [None, None, False, False]


@given(ons4_answers, ons4_answers)
def test_ons4_changes_follow_the_answers_and_never_add_them_up(baseline, latest) -> None:
    changes = ons4_changes(baseline, latest)
    assert len(changes) == 4  # four separate results: no total anywhere
    for change, before, after in zip(changes, baseline, latest, strict=True):
        bands = ANXIETY_BANDS if change.question is Ons4Question.ANXIOUS else POSITIVE_BANDS
        assert change.change == after - before
        assert change.baseline_band is bands[before]
        assert change.latest_band is bands[after]
        better = after < before if change.question is Ons4Question.ANXIOUS else after > before
        assert change.improved is (None if after == before else better)


@pytest.mark.parametrize(
    ("baseline", "latest", "field"),
    [
        ([5, 5, 5], [5, 5, 5, 5], "baseline"),
        ([5, 5, 5, 5], [5, 5, 5, 11], "latest.anxious"),
        ([5, -1, 5, 5], [5, 5, 5, 5], "baseline.worthwhile"),
    ],
)
def test_an_ons4_change_needs_two_valid_sets_of_answers(baseline, latest, field) -> None:
    with pytest.raises(ValidationError) as refused:
        ons4_changes(baseline, latest)
    assert refused.value.field == field


def test_swemwbs_change_in_raw_and_metric_scores() -> None:
    change = swemwbs_change([2, 2, 2, 2, 2, 2, 2], [3, 3, 4, 3, 3, 4, 3])
    assert (change.baseline.raw, change.latest.raw, change.raw_change) == (14, 23, 9)
    assert (change.baseline.metric, change.latest.metric) == (15.32, 20.73)
    assert change.metric_change == 5.41


@given(swemwbs_answers, swemwbs_answers)
def test_swemwbs_change_is_the_difference_of_the_published_metric_scores(baseline, latest) -> None:
    change = swemwbs_change(baseline, latest)
    assert change.raw_change == sum(latest) - sum(baseline)
    assert change.metric_change == round(PUBLISHED_TABLE[sum(latest)] - PUBLISHED_TABLE[sum(baseline)], 2)
    assert (change.metric_change > 0) == (change.raw_change > 0)  # the table only rises
    assert (change.metric_change == 0) == (change.raw_change == 0)


def test_a_swemwbs_change_names_the_set_with_the_bad_answer() -> None:
    with pytest.raises(ValidationError) as refused:
        swemwbs_change([3] * 7, [3, 3, 3, 0, 3, 3, 3])
    assert refused.value.field == "latest[3]"


def test_the_swemwbs_wording_has_one_statement_per_item_and_five_answers() -> None:
    assert len(SWEMWBS_STATEMENTS) == len(SWEMWBS_ITEMS) == 7
    for item, statement in zip(SWEMWBS_ITEMS, SWEMWBS_STATEMENTS, strict=True):
        assert item.split()[-1] in statement
    assert len(SWEMWBS_ANSWERS) == 5


@pytest.mark.parametrize(
    ("stages", "pair"),
    [
        ([], None),
        ([B], None),
        ([F], None),
        ([F, F], None),
        ([B, F], (0, 1)),
        ([B, F, F, F], (0, 3)),
        ([F, B, F], (1, 2)),  # a follow-up before the baseline is not where the change starts
        ([F, B], None),
        ([B, F, B, F], (0, 3)),  # the first baseline, the last follow-up
    ],
)
def test_the_change_runs_from_the_first_baseline_to_the_last_follow_up_after_it(stages, pair) -> None:
    assert baseline_and_latest(stages) == pair


@given(st.lists(st.sampled_from([B, F]), max_size=12))
def test_baseline_and_latest_agrees_with_its_definition(stages) -> None:
    pair = baseline_and_latest(stages)
    if B not in stages or F not in stages[stages.index(B) :]:
        assert pair is None
        return
    first, last = pair
    assert stages[first] is B and first == stages.index(B)
    assert stages[last] is F and F not in stages[last + 1 :]


DAY = date(2025, 3, 10)


@pytest.mark.parametrize("instrument", list(Instrument))
def test_the_first_baseline_is_accepted(instrument) -> None:
    check_stage(instrument, B, DAY, None, None)
    check_stage(instrument, B, DAY, None, date(2025, 3, 10))  # the same day as a follow-up


def test_a_second_baseline_is_refused_with_the_first_ones_date() -> None:
    with pytest.raises(ValidationError) as refused:
        check_stage(Instrument.SWEMWBS, B, DAY, date(2025, 2, 1), None)
    assert refused.value.field == "stage"
    assert "already has a baseline SWEMWBS (taken 01/02/2025)" in refused.value.message


def test_a_baseline_after_a_follow_up_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_stage(Instrument.ONS4, B, DAY, None, date(2025, 3, 9))
    assert refused.value.field == "taken_on"
    assert "first ONS4 follow-up was taken 09/03/2025" in refused.value.message


def test_follow_ups_come_on_or_after_the_baseline() -> None:
    check_stage(Instrument.ONS4, F, DAY, None, None)  # a follow-up may be recorded without a baseline
    check_stage(Instrument.ONS4, F, DAY, DAY, None)
    check_stage(Instrument.ONS4, F, DAY, date(2025, 1, 1), date(2025, 2, 1))
    with pytest.raises(ValidationError) as refused:
        check_stage(Instrument.ONS4, F, DAY, date(2025, 3, 11), None)
    assert refused.value.field == "taken_on"
    assert "after the baseline ONS4 of 11/03/2025" in refused.value.message


@given(st.integers(0, 6), st.integers(1, 5))
def test_each_swemwbs_answer_can_be_checked_on_its_own(index, value) -> None:
    assert check_swemwbs_item(value, index) == value


@pytest.mark.parametrize("value", [None, 0, 6, True, 2.0, "3"])
def test_an_unanswered_or_bad_swemwbs_statement_is_refused_beside_it(value) -> None:
    with pytest.raises(ValidationError) as refused:
        check_swemwbs_item(value, 4)
    assert refused.value.field == "answers[4]"
    assert "1 (none of the time) to 5 (all of the time)" in refused.value.message
