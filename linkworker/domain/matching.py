"""Matching a person to services: which services they can use, in what order, and why.

Hard limits exclude a service: it meets none of the person's needs, its nearest venue is beyond
the distance chosen, it never runs at a time the person can attend, it costs more than they can
pay, it lacks an access feature they need, or they are outside its age range. Everything else
ranks: how many of the needs it meets, how near it is, whether it offers the person's language,
and how often the PCN's past connections to it were attended. What is not known (a venue
without coordinates, a service without a timetable) never excludes: it is shown as unknown.

The person's first-listed need counts most: among services meeting as many of the needs, one
that meets it ranks above one that meets only others, other things equal, and its reason says
"(first need)" (issue 15). Link workers start from what matters most to the person, not from a
list of problems ("what matters to me": NHS England, *Social prescribing link workers: reference
guide for primary care networks*, 2019, and https://www.england.nhs.uk/personalisedcare/
social-prescribing/faqs/). Meeting more of the needs still comes first: the first need adds half
a need met, never a whole one.

The attendance evidence guards against small numbers: a rate is shown only once enough
connections have an outcome, and for ranking it is pulled towards the PCN's overall rate in
proportion to how few there are, so one good outcome does not put a service on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Final, TypeVar, overload

import numpy as np
import numpy.typing as npt

from linkworker.domain import geo
from linkworker.domain.access import AccessNeed, features_of
from linkworker.domain.directory import CostKind
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.folding import fold, folded
from linkworker.domain.schedule import Opening, TimeSlot, times_text

# Outcomes before a service's attendance rate is shown, and the weight of the PCN's overall
# rate in a service's ranked rate (as if that many more connections had the overall rate).
MIN_EVIDENCE: Final = 5
PRIOR_WEIGHT: Final = 5
# The overall rate assumed before a PCN has any outcome at all.
NO_HISTORY_RATE: Final = 0.5
MAX_DISTANCE_KM: Final = 200.0
OLDEST_AGE: Final = 120
# How much each part counts in the score (they add up to 1).
WEIGHTS: Final = {"needs": 0.4, "distance": 0.3, "evidence": 0.2, "language": 0.1}
# What meeting the person's first-listed need adds to the needs part, in needs met: under 1, so
# a service meeting more of the needs is never overtaken on this part by one meeting fewer.
FIRST_NEED_EXTRA: Final = 0.5
# Beside the first need's name in a reason line.
FIRST_NEED_MARK: Final = "(first need)"
# Distance at which the distance part has halved.
HALF_SCORE_KM: Final = 5.0
# Distance parts where no distance is known: a venue in the person's own area counts as a
# walk or a bus ride away; no venue at all (a phone line, online) as anywhere; the rest less.
SAME_AREA_PART: Final = 0.5
NO_VENUE_PART: Final = 0.5
UNKNOWN_PART: Final = 0.25
SEPARATOR: Final = " - "
# A single figure, or a column of them (``domain.ranking`` weighs a whole directory at once).
Number = TypeVar("Number", float, npt.NDArray[np.float64])
# Whether something holds: for one service, or for a directory's column of them.
Flag = bool | npt.NDArray[np.bool_]


class Exclusion(StrEnum):
    """The first hard limit a service fails, in the order they are checked."""

    NO_NEED_MET = "no_need_met"
    AGE = "age"
    COST = "cost"
    ACCESS = "access"
    DISTANCE = "distance"
    TIMES = "times"


COST_ORDER = {CostKind.FREE: 0, CostKind.LOW_COST: 1, CostKind.PAID: 2}
_COST_WORDS = {CostKind.FREE: "free", CostKind.LOW_COST: "low cost", CostKind.PAID: "paid"}


@dataclass(frozen=True)
class MatchCriteria:
    """What the person needs. ``times`` empty means any time; ``None`` means no limit."""

    needs: frozenset[str]
    max_distance_km: float | None = None
    times: frozenset[TimeSlot] = frozenset()
    max_cost: CostKind | None = None
    access_needs: frozenset[AccessNeed] = frozenset()
    language: str | None = None
    age: int | None = None

    @cached_property
    def language_wanted(self) -> str | None:
        """The language folded for comparing, when it should count at all (``needs_language``)."""
        return fold(self.language or "") if needs_language(self.language) else None


def check_criteria(criteria: MatchCriteria) -> MatchCriteria:
    """``criteria`` if a search can be run on them; every problem at once otherwise."""
    errors = []
    if not criteria.needs:
        errors.append(ValidationError("needs", "Choose at least one need to find services for."))
    distance = criteria.max_distance_km
    if distance is not None and not 0 < distance <= MAX_DISTANCE_KM:
        errors.append(
            ValidationError(
                "max_distance_km", f"Choose a distance above 0 and up to {MAX_DISTANCE_KM:.0f} km."
            )
        )
    if criteria.age is not None and not 0 <= criteria.age <= OLDEST_AGE:
        errors.append(ValidationError("age", f"An age is between 0 and {OLDEST_AGE}."))
    if errors:
        raise FormErrors(errors)
    return criteria


def offers(languages: Iterable[str], wanted: str) -> bool:
    """Whether a service's languages include ``wanted`` (folded)."""
    return any(folded(offered) == wanted for offered in languages)


def needs_language(language: str | None) -> bool:
    """Whether a language should count in matching: any but English (every service offers that)."""
    return bool(language and fold(language) not in ("", "english"))


# What the service layer knows of each service.


@dataclass(frozen=True)
class Home:
    """What is known of where the person lives: enough to judge "near" without coordinates."""

    town: str | None = None
    district: str | None = None
    latitude: float | None = None  # of the person's postcode, or its district's centre
    longitude: float | None = None
    approximate: bool = False  # only the district's centre was found

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @cached_property
    def town_key(self) -> str:
        return fold(self.town or "")


@dataclass(frozen=True)
class Venue:
    """Where a service meets: its town, its postcode's district, and coordinates when known."""

    town: str | None
    district: str | None  # the postcode's outward code
    latitude: float | None = None
    longitude: float | None = None

    def distance_from(self, home: Home) -> float | None:
        """Kilometres in a straight line from home, when both places are known."""
        if self.latitude is None or self.longitude is None or home.latitude is None or home.longitude is None:
            return None
        return geo.distance_km(home.latitude, home.longitude, self.latitude, self.longitude)


@dataclass(frozen=True)
class Track:
    """A service's record in this PCN: connections with an outcome, and how many were attended."""

    outcomes: int = 0
    attended: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.attended <= self.outcomes:
            raise ValueError("attended must be between 0 and the number of outcomes")


_NO_TRACK = Track()


@dataclass(frozen=True)
class Candidate:
    service_id: int
    name: str
    organisation: str
    needs: frozenset[str]
    cost: CostKind
    cost_note: str | None = None
    accessibility: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    venues: tuple[Venue, ...] = ()
    openings: tuple[Opening, ...] = ()


@dataclass(frozen=True)
class Attendance:
    """The PCN's record of attendance: each service's ``Track``, and the rate across them all."""

    tracks: Mapping[int, Track]
    overall: float

    @classmethod
    def of(cls, tracks: Mapping[int, Track]) -> Attendance:
        return cls(tracks, overall_rate(tracks.values()))

    def track(self, service_id: int) -> Track:
        return self.tracks.get(service_id, _NO_TRACK)


# What the person is shown.


class Nearness(StrEnum):
    MEASURED = "measured"  # a straight-line distance from home
    SAME_AREA = "same_area"  # no distance, but a venue in the person's district or town
    NO_VENUE = "no_venue"  # the service lists no venue (a phone line, online)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Evidence:
    """A service's attendance in this PCN, shown once there are ``MIN_EVIDENCE`` outcomes."""

    outcomes: int
    attended: int

    @property
    def share(self) -> float:
        return self.attended / self.outcomes

    @property
    def text(self) -> str:
        return f"{self.attended} of {self.outcomes} attended"


@dataclass(frozen=True)
class ScoreParts:
    """Each part from 0 to 1; ``total`` weighs them by ``WEIGHTS``."""

    needs: float
    distance: float
    evidence: float
    language: float

    @property
    def total(self) -> float:
        return (
            WEIGHTS["needs"] * self.needs
            + WEIGHTS["distance"] * self.distance
            + WEIGHTS["evidence"] * self.evidence
            + WEIGHTS["language"] * self.language
        )


@dataclass(frozen=True)
class Match:
    service_id: int
    name: str
    organisation: str
    score: float
    parts: ScoreParts
    needs_met: tuple[str, ...]  # labels, in the order of the person's list
    distance_km: float | None
    nearness: Nearness
    times: str  # "Tue and Thu evenings", "" when the service lists no timetable
    cost: CostKind
    access_met: tuple[AccessNeed, ...]
    language_met: bool
    evidence: Evidence | None
    reason: str


def first_need(criteria: MatchCriteria, needs_order: Sequence[str]) -> str | None:
    """The need that counts most: the person's first-listed one, when the search is for it and
    for others. None when the link worker left it out of the search (they are looking for the
    others) or searches for it alone (every match then meets it)."""
    if len(criteria.needs) < 2 or not needs_order or needs_order[0] not in criteria.needs:
        return None
    return needs_order[0]


@overload
def needs_part(met: float, wanted: int, meets_first: bool | None) -> float: ...
@overload
def needs_part(
    met: npt.NDArray[np.int64], wanted: int, meets_first: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.float64]: ...
def needs_part(
    met: float | npt.NDArray[np.int64], wanted: int, meets_first: Flag | None
) -> float | npt.NDArray[np.floating[Any]]:
    """The needs part of the score from the number of needs met (of ``wanted``) and whether the
    first need is among them (``None`` when no need is first, ``first_need``): 1 for all of them."""
    if meets_first is None:
        return met / wanted
    return (met + FIRST_NEED_EXTRA * meets_first) / (wanted + FIRST_NEED_EXTRA)


def exclusion(candidate: Candidate, criteria: MatchCriteria, home: Home) -> Exclusion | None:
    """The first hard limit ``candidate`` fails for ``criteria``, or None if the person can use it.

    The rules one service at a time, as a person reads them; ``domain.ranking`` applies the same
    rules to a whole directory at once, and its tests hold it to this."""
    if not candidate.needs & criteria.needs:
        return Exclusion.NO_NEED_MET
    age = criteria.age
    if age is not None and (
        (candidate.min_age is not None and age < candidate.min_age)
        or (candidate.max_age is not None and age > candidate.max_age)
    ):
        return Exclusion.AGE
    if criteria.max_cost is not None and COST_ORDER[candidate.cost] > COST_ORDER[criteria.max_cost]:
        return Exclusion.COST
    if criteria.access_needs and not criteria.access_needs <= features_of(candidate.accessibility):
        return Exclusion.ACCESS
    if criteria.max_distance_km is not None and _too_far(candidate.venues, home, criteria.max_distance_km):
        return Exclusion.DISTANCE
    if criteria.times and not fitting(candidate.openings, criteria.times) and has_timetable(candidate):
        return Exclusion.TIMES
    return None


def _too_far(venues: Sequence[Venue], home: Home, limit: float) -> bool:
    """Every venue is measured and beyond ``limit``; a venue of unknown distance might be near."""
    distances = [venue.distance_from(home) for venue in venues]
    return bool(venues) and all(distance is not None and distance > limit for distance in distances)


def has_timetable(candidate: Candidate) -> bool:
    return any(opening.days for opening in candidate.openings)


def fitting(openings: Sequence[Opening], times: frozenset[TimeSlot]) -> list[Opening]:
    """The sessions at times the person can attend (all of them when any time will do)."""
    return [opening for opening in openings if not times or opening.slots & times]


def overall_rate(tracks: Iterable[Track]) -> float:
    """The PCN's share of connections with an outcome that were attended, across every service."""
    outcomes = attended = 0
    for track in tracks:
        outcomes += track.outcomes
        attended += track.attended
    return attended / outcomes if outcomes else NO_HISTORY_RATE


def ranked_rate(outcomes: Number, attended: Number, overall: float) -> Number:
    """The service's attendance rate pulled towards ``overall`` the fewer outcomes it rests on
    (for one service, or for a directory's column of them)."""
    return (attended + PRIOR_WEIGHT * overall) / (outcomes + PRIOR_WEIGHT)


def nearness_part(distance_km: Number) -> Number:
    """The distance part of the score for a measured distance: 1 at the door, halving by ``HALF_SCORE_KM``."""
    return 1 / (1 + distance_km / HALF_SCORE_KM)


def evidence_of(track: Track) -> Evidence | None:
    """The rate to show, or None while it rests on too few outcomes to mean much."""
    if track.outcomes < MIN_EVIDENCE:
        return None
    return Evidence(track.outcomes, track.attended)


def same_area(venue: Venue, home: Home) -> bool:
    same_district = (
        venue.district is not None and home.district is not None and venue.district == home.district
    )
    same_town = bool(venue.town and home.town) and folded(venue.town or "") == home.town_key
    return same_district or same_town


def describe(
    candidate: Candidate,
    criteria: MatchCriteria,
    home: Home,
    labels: Mapping[str, str],
    order: Mapping[str, int],
    first: str | None,
    nearness: Nearness,
    distance: float | None,
    parts: ScoreParts,
    track: Track,
) -> Match:
    """A ranked service as the person is shown it; ``order`` is each need's place in their list,
    ``first`` the need that counts most (``first_need``)."""
    met_codes = sorted(candidate.needs & criteria.needs, key=lambda code: (order.get(code, len(order)), code))
    needs_met = tuple(labels.get(code, code) for code in met_codes)
    times = times_text(fitting(candidate.openings, criteria.times))
    access_met = tuple(need for need in AccessNeed if need in criteria.access_needs)
    wanted = criteria.language_wanted
    language_met = wanted is not None and offers(candidate.languages, wanted)
    evidence = evidence_of(track)
    reason = reason_line(
        needs_met,
        nearness_text(nearness, distance, home, candidate.venues),
        times or "times not listed",
        cost_text(candidate.cost, candidate.cost_note),
        access_met,
        criteria.language if language_met else None,
        evidence,
        first_met=first is not None and first in candidate.needs,
    )
    return Match(
        service_id=candidate.service_id,
        name=candidate.name,
        organisation=candidate.organisation,
        score=parts.total,
        parts=parts,
        needs_met=needs_met,
        distance_km=distance,
        nearness=nearness,
        times=times,
        cost=candidate.cost,
        access_met=access_met,
        language_met=language_met,
        evidence=evidence,
        reason=reason,
    )


def reason_line(
    needs_met: Sequence[str],
    where: str,
    times: str,
    cost: str,
    access_met: Sequence[AccessNeed],
    language: str | None,
    evidence: Evidence | None,
    first_met: bool = False,
) -> str:
    """One line a link worker reads: "loneliness (first need), physical activity - 1.8 km - Tue
    and Thu evenings - free - step-free". ``first_met``: the first of ``needs_met`` is the need
    that counts most."""
    labels = [_lower_first(label) for label in needs_met]
    if first_met:
        labels[0] = f"{labels[0]} {FIRST_NEED_MARK}"
    parts = [", ".join(labels), where, times, cost]
    parts.extend(need.label for need in access_met)
    if language:
        parts.append(f"{language} spoken")
    if evidence is not None:
        parts.append(evidence.text)
    return SEPARATOR.join(part for part in parts if part)


def _lower_first(label: str) -> str:
    """ "Physical activity" as "physical activity" inside a line; "BSL classes" stays as it is."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def nearness_text(nearness: Nearness, distance_km: float | None, home: Home, venues: Sequence[Venue]) -> str:
    match nearness:
        case Nearness.MEASURED:
            assert distance_km is not None
            text = f"{distance_km:.1f} km" if distance_km < 10 else f"{distance_km:.0f} km"
            return f"about {text}" if home.approximate else text
        case Nearness.SAME_AREA:
            area = next(
                (venue.town or venue.district for venue in venues if same_area(venue, home)),
                None,
            )
            return f"in {area}, distance unknown" if area else "distance unknown"
        case Nearness.NO_VENUE:
            return "no venue listed"
        case _:
            return "distance unknown"


def cost_text(cost: CostKind, note: str | None) -> str:
    words = _COST_WORDS[cost]
    return f"{words} ({note})" if note and cost is not CostKind.FREE else words
