"""ONS4 bands and SWEMWBS scoring against the published rules, value by value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.casework import Instrument
from linkworker.domain.errors import ValidationError
from linkworker.domain.measures import (
    Ons4Band,
    Ons4Question,
    ons4_band,
    parse_ons4,
    parse_swemwbs,
    score,
    swemwbs_metric,
)

LOW, MEDIUM, HIGH, VERY_HIGH, VERY_LOW = (
    Ons4Band.LOW,
    Ons4Band.MEDIUM,
    Ons4Band.HIGH,
    Ons4Band.VERY_HIGH,
    Ons4Band.VERY_LOW,
)
# ONS thresholds, written out for every answer 0..10 (index = answer).
POSITIVE_BANDS = [LOW] * 5 + [MEDIUM] * 2 + [HIGH] * 2 + [VERY_HIGH] * 2
ANXIETY_BANDS = [VERY_LOW] * 2 + [LOW] * 2 + [MEDIUM] * 2 + [HIGH] * 5

# Warwick Medical School's SWEMWBS conversion table, raw score -> metric score.
PUBLISHED_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip


@pytest.mark.parametrize("question", [Ons4Question.SATISFIED, Ons4Question.WORTHWHILE, Ons4Question.HAPPY])
@pytest.mark.parametrize("value", range(11))
def test_positive_questions_are_banded_low_medium_high_very_high(question, value):
    assert ons4_band(question, value) is POSITIVE_BANDS[value]


@pytest.mark.parametrize("value", range(11))
def test_anxiety_is_banded_the_other_way_round(value):
    assert ons4_band(Ons4Question.ANXIOUS, value) is ANXIETY_BANDS[value]


@pytest.mark.parametrize("question", list(Ons4Question))
@pytest.mark.parametrize("value", [-1, 11, 100, True, 5.0, "5", None])
def test_an_answer_outside_0_to_10_or_not_whole_is_refused(question, value):
    with pytest.raises(ValidationError) as refused:
        ons4_band(question, value)
    assert "0 to 10" in refused.value.message


@given(st.lists(st.integers(0, 10), min_size=4, max_size=4))
def test_four_answers_parse_in_question_order_and_are_never_summed(answers):
    parsed = parse_ons4(answers)
    assert parsed.answers() == answers
    assert list(parsed.bands()) == list(Ons4Question)
    assert parsed.bands()[Ons4Question.ANXIOUS] is ANXIETY_BANDS[answers[3]]
    assert score(Instrument.ONS4, answers) is None


@pytest.mark.parametrize("answers", [[], [5, 5, 5], [5, 5, 5, 5, 5]])
def test_ons4_needs_exactly_four_answers(answers):
    with pytest.raises(ValidationError) as refused:
        parse_ons4(answers)
    assert refused.value.field == "answers"


def test_a_bad_ons4_answer_is_reported_beside_its_question():
    with pytest.raises(ValidationError) as refused:
        parse_ons4([5, 5, 12, 5])
    assert refused.value.field == "answers.happy"


@pytest.mark.parametrize(("raw", "metric"), sorted(PUBLISHED_TABLE.items()))
def test_every_swemwbs_raw_score_converts_to_the_published_metric_score(raw, metric):
    assert swemwbs_metric(raw) == metric


@pytest.mark.parametrize("raw", [0, 6, 36, 70, True])
def test_a_raw_score_outside_7_to_35_has_no_metric_score(raw):
    with pytest.raises(ValidationError):
        swemwbs_metric(raw)


def test_the_metric_score_rises_with_the_raw_score_and_keeps_the_ends():
    metrics = [swemwbs_metric(raw) for raw in range(7, 36)]
    assert metrics == sorted(set(metrics))
    assert (metrics[0], metrics[-1]) == (7.0, 35.0)


@given(st.lists(st.integers(1, 5), min_size=7, max_size=7))
def test_seven_items_are_summed_then_converted(items):
    parsed = parse_swemwbs(items)
    assert parsed.raw == sum(items)
    assert parsed.metric == PUBLISHED_TABLE[sum(items)]
    assert score(Instrument.SWEMWBS, items) == PUBLISHED_TABLE[sum(items)]
    assert score("swemwbs", items) == PUBLISHED_TABLE[sum(items)]  # type: ignore[arg-type]


@given(
    st.lists(st.integers(1, 5), min_size=7, max_size=7),
    st.integers(0, 6),
    st.one_of(st.integers(max_value=0), st.integers(min_value=6), st.just(True)),
)
def test_an_item_outside_1_to_5_is_refused_with_its_position(items, position, bad):
    items[position] = bad
    with pytest.raises(ValidationError) as refused:
        parse_swemwbs(items)
    assert refused.value.field == f"answers[{position}]"


@pytest.mark.parametrize("count", [0, 6, 8, 14])
def test_swemwbs_needs_exactly_seven_answers(count):
    with pytest.raises(ValidationError):
        parse_swemwbs([3] * count)
