"""Access needs: what a person needs of a venue, and how a service's accessibility list shows it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

from linkworker.domain.folding import fold, folded


class AccessNeed(StrEnum):
    """What a person needs of a venue; recognised in a service's accessibility list by its words."""

    STEP_FREE = "step_free"
    HEARING_LOOP = "hearing_loop"
    ACCESSIBLE_TOILET = "accessible_toilet"
    LARGE_PRINT = "large_print"
    SIGN_LANGUAGE = "sign_language"
    PARKING = "parking"

    @property
    def label(self) -> str:
        return _ACCESS_LABELS[self]


_ACCESS_LABELS = {
    AccessNeed.STEP_FREE: "step-free",
    AccessNeed.HEARING_LOOP: "hearing loop",
    AccessNeed.ACCESSIBLE_TOILET: "accessible toilet",
    AccessNeed.LARGE_PRINT: "large print",
    AccessNeed.SIGN_LANGUAGE: "BSL",
    AccessNeed.PARKING: "parking",
}
# Words that show a service has the feature (in its accessibility list), folded.
_FEATURE_WORDS: dict[AccessNeed, tuple[str, ...]] = {
    AccessNeed.STEP_FREE: ("step free", "stepfree", "wheelchair", "level access", "ramp", "lift"),
    AccessNeed.HEARING_LOOP: ("hearing loop", "induction loop", "loop system"),
    AccessNeed.ACCESSIBLE_TOILET: (
        "accessible toilet",
        "disabled toilet",
        "accessible wc",
        "changing places",
    ),
    AccessNeed.LARGE_PRINT: ("large print", "easy read", "braille"),
    AccessNeed.SIGN_LANGUAGE: ("bsl", "sign language"),
    AccessNeed.PARKING: ("parking", "car park", "blue badge"),
}
# Words in a person's recorded accessibility needs that suggest a feature, folded.
_PERSON_WORDS: dict[AccessNeed, tuple[str, ...]] = {
    AccessNeed.STEP_FREE: (
        "wheelchair",
        "walking frame",
        "zimmer",
        "ground floor",
        "no stairs",
        "step free",
        "mobility scooter",
    ),
    AccessNeed.HEARING_LOOP: ("hearing loss", "hearing aid", "hard of hearing", "hearing loop"),
    AccessNeed.LARGE_PRINT: (
        "large print",
        "partially sighted",
        "sight loss",
        "visually impaired",
        "easy read",
    ),
    AccessNeed.SIGN_LANGUAGE: ("bsl", "sign language"),
}


def features_of(accessibility: Iterable[str]) -> frozenset[AccessNeed]:
    """The access features a service's accessibility list shows ("Wheelchair accessible": step-free)."""
    return _features(tuple(accessibility))


@lru_cache(maxsize=4096)
def _features(accessibility: tuple[str, ...]) -> frozenset[AccessNeed]:
    padded = f" {' | '.join(folded(entry) for entry in accessibility)} "
    return frozenset(
        need for need, words in _FEATURE_WORDS.items() if any(_starts(word, padded) for word in words)
    )


def access_needs_from(text: str | None) -> frozenset[AccessNeed]:
    """Features suggested by what a person's record says of their access needs, to prefill a search."""
    padded = f" {fold(text or '')} "
    return frozenset(
        need for need, words in _PERSON_WORDS.items() if any(_starts(word, padded) for word in words)
    )


def _starts(word: str, padded: str) -> bool:
    """``word`` begins a word of ``padded`` (" wheelchair" finds "wheelchairs")."""
    return f" {word}" in padded
