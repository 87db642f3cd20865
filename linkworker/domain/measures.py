"""Wellbeing outcome measures: ONS4 and SWEMWBS, as the national guidance scores them.

ONS4 (the ONS personal well-being questions): four questions, each 0-10, reported one by one
and never summed. Satisfaction, worthwhile and happiness are banded 0-4 low, 5-6 medium,
7-8 high, 9-10 very high; anxiety is banded the other way round, 0-1 very low, 2-3 low,
4-5 medium, 6-10 high (a low anxiety score is the good one).

SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale, (c) NHS Health Scotland, University
of Warwick and University of Edinburgh, 2008): seven items scored 1-5, summed to a raw score
of 7-35, then reported as the Rasch metric score from the published conversion table. The
scoring rule is Warwick Medical School's "Guidance on Scoring"
(https://warwick.ac.uk/fac/med/research/platform/wemwbs/researchers/guidance/); the table
below is the one that guidance publishes, checked value by value against independent public
implementations of it (found with the project's code search, query "SWEMWBS conversion
table raw score metric score").

Meaningful change for one person (the summary's "improved", "no meaningful change", "worse"):
- SWEMWBS: Shah N, Cader M, Andrews WP, Wijesekera D, Stewart-Brown SL. Responsiveness of the
  Short Warwick Edinburgh Mental Well-Being Scale (SWEMWBS): evaluation a clinical sample.
  Health Qual Life Outcomes 2018;16:239 (doi:10.1186/s12955-018-1060-2): "at individual level a
  change of between 1 and 3 points meets thresholds for statistically important change":
  1.03 metric points is 1 standard error of measurement (SEM), 2.87 points is 2.77 SEM (the
  95% level that the change is not measurement error). Warwick's guidance points to the same
  paper. We count 2.87 by default, so a person counted as improved has very probably
  improved; a PCN may choose from 1.00 to 3.00 (``parse_swemwbs_change``).
- ONS4: a change of at least 1 point on the 0-10 scale. ONS publishes no individual-level
  meaningful change for its personal well-being questions (its guidance is about population
  estimates), and 1 point is the smallest change the scale can record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import cast

from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.errors import ValidationError


class Ons4Question(StrEnum):
    """The four questions, in the order they are asked and stored."""

    SATISFIED = "satisfied"
    WORTHWHILE = "worthwhile"
    HAPPY = "happy"
    ANXIOUS = "anxious"

    @property
    def label(self) -> str:
        return _ONS4_LABELS[self]


_ONS4_LABELS = {
    Ons4Question.SATISFIED: "Life satisfaction",
    Ons4Question.WORTHWHILE: "Things done in life are worthwhile",
    Ons4Question.HAPPY: "Happiness yesterday",
    Ons4Question.ANXIOUS: "Anxiety yesterday",
}


class Ons4Band(StrEnum):
    VERY_LOW = "very_low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


ONS4_MIN, ONS4_MAX = 0, 10
_ONS4_RANGE = "Each ONS4 answer is a whole number from 0 to 10."


def ons4_band(question: Ons4Question, value: int) -> Ons4Band:
    """The ONS threshold band of one answer; anxiety has its own, reversed, thresholds."""
    _check_int(value, ONS4_MIN, ONS4_MAX, question.value, _ONS4_RANGE)
    if question is Ons4Question.ANXIOUS:
        if value <= 1:
            return Ons4Band.VERY_LOW
        if value <= 3:
            return Ons4Band.LOW
        if value <= 5:
            return Ons4Band.MEDIUM
        return Ons4Band.HIGH
    if value <= 4:
        return Ons4Band.LOW
    if value <= 6:
        return Ons4Band.MEDIUM
    if value <= 8:
        return Ons4Band.HIGH
    return Ons4Band.VERY_HIGH


@dataclass(frozen=True)
class Ons4Answers:
    satisfied: int
    worthwhile: int
    happy: int
    anxious: int

    def answers(self) -> list[int]:
        """In stored order: satisfied, worthwhile, happy, anxious."""
        return [self.satisfied, self.worthwhile, self.happy, self.anxious]

    def bands(self) -> dict[Ons4Question, Ons4Band]:
        return {
            question: ons4_band(question, value)
            for question, value in zip(Ons4Question, self.answers(), strict=True)
        }


def parse_ons4(answers: Sequence[int], field: str = "answers") -> Ons4Answers:
    """Four whole numbers 0-10, in question order; a ``ValidationError`` otherwise."""
    if len(answers) != len(Ons4Question):
        raise ValidationError(field, f"ONS4 has {len(Ons4Question)} questions; answer each one.")
    for question, value in zip(Ons4Question, answers, strict=True):
        _check_int(value, ONS4_MIN, ONS4_MAX, f"{field}.{question.value}", _ONS4_RANGE)
    return Ons4Answers(*answers)


SWEMWBS_ITEMS = (
    "optimistic about the future",
    "useful",
    "relaxed",
    "dealing with problems well",
    "thinking clearly",
    "close to other people",
    "able to make up my own mind",
)
SWEMWBS_ITEM_MIN, SWEMWBS_ITEM_MAX = 1, 5
SWEMWBS_RAW_MIN = SWEMWBS_ITEM_MIN * len(SWEMWBS_ITEMS)
SWEMWBS_RAW_MAX = SWEMWBS_ITEM_MAX * len(SWEMWBS_ITEMS)
_SWEMWBS_RANGE = "Each SWEMWBS answer is a whole number from 1 (none of the time) to 5 (all of the time)."

# Raw score (7-35) to metric score, from Warwick Medical School's conversion table.
SWEMWBS_METRIC: dict[int, float] = dict(
    zip(
        range(SWEMWBS_RAW_MIN, SWEMWBS_RAW_MAX + 1),
        (
            7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36,
            16.88, 17.43, 17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21,
            24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00,
        ),
        strict=True,
    )
)  # fmt: skip


def swemwbs_metric(raw: int) -> float:
    """The published metric score for a raw score of 7-35."""
    _check_int(
        raw,
        SWEMWBS_RAW_MIN,
        SWEMWBS_RAW_MAX,
        "raw_score",
        "A SWEMWBS raw score is a whole number from 7 to 35.",
    )
    return SWEMWBS_METRIC[raw]


@dataclass(frozen=True)
class SwemwbsAnswers:
    items: tuple[int, ...]

    @property
    def raw(self) -> int:
        return sum(self.items)

    @property
    def metric(self) -> float:
        return SWEMWBS_METRIC[self.raw]


def parse_swemwbs(answers: Sequence[int], field: str = "answers") -> SwemwbsAnswers:
    """Seven whole numbers 1-5, in item order; a ``ValidationError`` otherwise."""
    if len(answers) != len(SWEMWBS_ITEMS):
        raise ValidationError(field, f"SWEMWBS has {len(SWEMWBS_ITEMS)} statements; answer each one.")
    for index, value in enumerate(answers):
        check_swemwbs_item(value, index, field)
    return SwemwbsAnswers(tuple(answers))


def check_swemwbs_item(value: object, index: int, field: str = "answers") -> int:
    """One statement's answer, 1-5; refused beside ``field[index]``, so a form can check each one."""
    _check_int(value, SWEMWBS_ITEM_MIN, SWEMWBS_ITEM_MAX, f"{field}[{index}]", _SWEMWBS_RANGE)
    return cast(int, value)


def score(instrument: Instrument, answers: Sequence[int]) -> float | None:
    """The one number stored beside the answers: SWEMWBS's metric score; None for ONS4,
    whose four answers are reported separately and never added up."""
    if Instrument(instrument) is Instrument.ONS4:
        parse_ons4(answers)
        return None
    return parse_swemwbs(answers).metric


def _check_int(value: object, low: int, high: int, field: str, message: str) -> None:
    # bool is an int in Python; a tick box's True must not pass as an answer of 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, message)


INSTRUMENT_NAMES = {Instrument.ONS4: "ONS4", Instrument.SWEMWBS: "SWEMWBS"}

# The questions as ONS asks them, each answered from 0 ("not at all") to 10 ("completely").
ONS4_QUESTIONS = {
    Ons4Question.SATISFIED: "Overall, how satisfied are you with your life nowadays?",
    Ons4Question.WORTHWHILE: "Overall, to what extent do you feel that the things you do in your life "
    "are worthwhile?",
    Ons4Question.HAPPY: "Overall, how happy did you feel yesterday?",
    Ons4Question.ANXIOUS: "Overall, how anxious did you feel yesterday?",
}

# The statements as the person reads them, in item order, and the five answers (1 to 5).
SWEMWBS_STATEMENTS = (
    "I've been feeling optimistic about the future",
    "I've been feeling useful",
    "I've been feeling relaxed",
    "I've been dealing with problems well",
    "I've been thinking clearly",
    "I've been feeling close to other people",
    "I've been able to make up my own mind about things",
)
SWEMWBS_ANSWERS = ("None of the time", "Rarely", "Some of the time", "Often", "All of the time")


@dataclass(frozen=True)
class Ons4Change:
    """One question's answer at baseline and at the latest follow-up; never added to the others."""

    question: Ons4Question
    baseline: int
    latest: int

    @property
    def baseline_band(self) -> Ons4Band:
        return ons4_band(self.question, self.baseline)

    @property
    def latest_band(self) -> Ons4Band:
        return ons4_band(self.question, self.latest)

    @property
    def change(self) -> int:
        return self.latest - self.baseline

    @property
    def improved(self) -> bool | None:
        """True when better (higher, but lower for anxiety), False when worse, None when the same."""
        if self.change == 0:
            return None
        return (self.change < 0) if self.question is Ons4Question.ANXIOUS else (self.change > 0)


def ons4_changes(baseline: Sequence[int], latest: Sequence[int]) -> tuple[Ons4Change, ...]:
    """Question by question, from the baseline answers to the latest ones."""
    before = parse_ons4(baseline, "baseline").answers()
    after = parse_ons4(latest, "latest").answers()
    return tuple(
        Ons4Change(question, was, now) for question, was, now in zip(Ons4Question, before, after, strict=True)
    )


@dataclass(frozen=True)
class SwemwbsChange:
    baseline: SwemwbsAnswers
    latest: SwemwbsAnswers

    @property
    def raw_change(self) -> int:
        return self.latest.raw - self.baseline.raw

    @property
    def metric_change(self) -> float:
        """Metric points gained (negative when lost), to the table's two decimals."""
        return round(self.latest.metric - self.baseline.metric, 2)


def swemwbs_change(baseline: Sequence[int], latest: Sequence[int]) -> SwemwbsChange:
    return SwemwbsChange(parse_swemwbs(baseline, "baseline"), parse_swemwbs(latest, "latest"))


class Direction(StrEnum):
    """Which way one person's answer moved, counting only a meaningful change."""

    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"


DIRECTION_LABELS = {
    Direction.IMPROVED: "Improved",
    Direction.NO_CHANGE: "No meaningful change",
    Direction.WORSE: "Worse",
}

# The smallest change on an ONS4 question that counts (see the module docstring).
ONS4_MEANINGFUL_CHANGE = 1
# SWEMWBS metric points, from Shah et al. 2018 (see the module docstring).
SWEMWBS_CHANGE_1_SEM = 1.03
SWEMWBS_CHANGE_2_77_SEM = 2.87
SWEMWBS_CHANGE_RANGE = (1.0, 3.0)


def meaningful_change_note(swemwbs_points: float) -> str:
    """The sentence a summary prints so a reader knows what "improved" and "worse" mean."""
    return (
        f"Improved and worse count a change of at least {ONS4_MEANINGFUL_CHANGE} point on an ONS4 "
        "question (the smallest step of its 0-10 scale; ONS publishes no individual-level "
        f"threshold) and of at least {swemwbs_points:.2f} SWEMWBS metric points (Shah et al. 2018, "
        "Health Qual Life Outcomes 16:239: 1.03 to 2.87 points); smaller changes count as no "
        "meaningful change."
    )


def ons4_direction(change: Ons4Change) -> Direction:
    """Improved, no meaningful change or worse: a fall in anxiety is the improvement."""
    gained = -change.change if change.question is Ons4Question.ANXIOUS else change.change
    return _direction(gained, ONS4_MEANINGFUL_CHANGE)


def swemwbs_direction(change: SwemwbsChange, meaningful: float = SWEMWBS_CHANGE_2_77_SEM) -> Direction:
    """Improved or worse only when the metric score moved by at least ``meaningful`` points."""
    return _direction(change.metric_change, meaningful)


def _direction(gained: float, meaningful: float) -> Direction:
    # The metric table has two decimals: compare in hundredths so 2.87 is exactly 2.87.
    gained_hundredths, needed = round(gained * 100), round(meaningful * 100)
    if gained_hundredths >= needed:
        return Direction.IMPROVED
    if -gained_hundredths >= needed:
        return Direction.WORSE
    return Direction.NO_CHANGE


def parse_swemwbs_change(value: float | str, field: str = "swemwbs_change") -> float:
    """A PCN's meaningful SWEMWBS change as an administrator types it: 1.00 to 3.00 points, to
    two decimals (the published individual-level range)."""
    low, high = SWEMWBS_CHANGE_RANGE
    try:
        points = round(float(str(value).strip().replace(",", ".")), 2)
    except ValueError:
        raise ValidationError(field, "Write the change in metric points, like 2.87.") from None
    if not low <= points <= high:
        raise ValidationError(
            field, f"Choose a change from {low:.2f} to {high:.2f} metric points (Shah et al. 2018: 1 to 3)."
        )
    return points


def baseline_and_latest(stages: Sequence[MeasureStage]) -> tuple[int, int] | None:
    """Which of one instrument's measures, listed in the order taken, a change runs from and to:
    the first baseline and the last follow-up after it. None until there are both."""
    first = next((index for index, stage in enumerate(stages) if stage is MeasureStage.BASELINE), None)
    if first is None:
        return None
    follow_ups = [index for index in range(first + 1, len(stages)) if stages[index] is MeasureStage.FOLLOW_UP]
    return (first, follow_ups[-1]) if follow_ups else None


def check_stage(
    instrument: Instrument,
    stage: MeasureStage,
    taken_on: date,
    baseline_on: date | None,
    first_follow_up_on: date | None,
) -> None:
    """One baseline per measure and episode, taken no later than any follow-up of it.

    ``baseline_on`` and ``first_follow_up_on`` are the days the episode's baseline and earliest
    follow-up of this measure were taken, where it has them.
    """
    name = INSTRUMENT_NAMES[instrument]
    if stage is MeasureStage.BASELINE:
        if baseline_on is not None:
            raise ValidationError(
                "stage",
                f"This case already has a baseline {name} (taken {baseline_on:%d/%m/%Y}): "
                "record this one as a follow-up.",
            )
        if first_follow_up_on is not None and taken_on > first_follow_up_on:
            raise ValidationError(
                "taken_on",
                f"A baseline comes before the follow-ups: the first {name} follow-up was taken "
                f"{first_follow_up_on:%d/%m/%Y}.",
            )
    elif baseline_on is not None and taken_on < baseline_on:
        raise ValidationError(
            "taken_on", f"A follow-up is taken after the baseline {name} of {baseline_on:%d/%m/%Y}."
        )
