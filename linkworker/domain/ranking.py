"""Ranking a whole directory for a person at once, as columns of numbers.

An ICB's directory holds about 20,000 services. Weighed one at a time in Python that takes most
of a second, too slow for a screen that searches again at every tick a link worker changes. So
``DirectoryTable`` turns the services into columns once (ages, costs, features, times of the
week, venues' coordinates), and each search is a handful of array operations over all of them.
The rules are those of ``domain.matching``: ``exclusion`` states the hard limits one service at a
time, and the tests hold this table to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum

import numpy as np
import numpy.typing as npt

from linkworker.domain import geo
from linkworker.domain.access import AccessNeed, features_of
from linkworker.domain.folding import folded
from linkworker.domain.matching import (
    COST_ORDER,
    NO_VENUE_PART,
    SAME_AREA_PART,
    UNKNOWN_PART,
    WEIGHTS,
    Attendance,
    Candidate,
    Home,
    Match,
    MatchCriteria,
    Nearness,
    ScoreParts,
    describe,
    first_need,
    has_timetable,
    nearness_part,
    needs_part,
    offers,
    ranked_rate,
)
from linkworker.domain.schedule import TimeSlot

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

_ABSENT = -1  # the code of a venue's missing district or town: never the home's


def _bits(members: Iterable[Enum], of: Sequence[Enum]) -> int:
    """A set of enum members as a bit mask, one bit per member of ``of``."""
    return sum(1 << of.index(member) for member in set(members))


_ACCESS = tuple(AccessNeed)
_SLOTS = tuple(TimeSlot)


class DirectoryTable:
    """The services a PCN can match to, as columns; built once, searched many times.

    Services are held in the order equal scores rank in (by name as read, then id), so a stable
    sort on the score alone gives the deterministic order ``rank`` promises."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = tuple(sorted(candidates, key=lambda one: (folded(one.name), one.service_id)))
        services = self.candidates
        self._position = {service.service_id: index for index, service in enumerate(services)}
        by_need: dict[str, list[int]] = {}
        for index, service in enumerate(services):
            for code in service.needs:
                by_need.setdefault(code, []).append(index)
        self._by_need = {code: np.array(indexes, dtype=np.int64) for code, indexes in by_need.items()}
        self._min_age = np.array([-np.inf if one.min_age is None else one.min_age for one in services])
        self._max_age = np.array([np.inf if one.max_age is None else one.max_age for one in services])
        self._cost = np.array([COST_ORDER[one.cost] for one in services], dtype=np.int64)
        self._features = np.array(
            [_bits(features_of(one.accessibility), _ACCESS) for one in services], dtype=np.int64
        )
        self._slots = np.array(
            [_bits((slot for opening in one.openings for slot in opening.slots), _SLOTS) for one in services],
            dtype=np.int64,
        )
        self._timetabled = np.array([has_timetable(one) for one in services], dtype=np.bool_)
        self._languages: dict[str, Floats] = {}
        # The venues, one row each, with the position of the service they belong to.
        owners, latitudes, longitudes, districts, towns = [], [], [], [], []
        self._district_codes: dict[str, int] = {}
        self._town_codes: dict[str, int] = {}
        for index, service in enumerate(services):
            for venue in service.venues:
                owners.append(index)
                placed = venue.latitude is not None and venue.longitude is not None
                latitudes.append(venue.latitude if placed else np.nan)
                longitudes.append(venue.longitude if placed else np.nan)
                districts.append(_code(self._district_codes, venue.district))
                towns.append(_code(self._town_codes, folded(venue.town) if venue.town else None))
        self._owner = np.array(owners, dtype=np.int64)
        self._latitude = np.array(latitudes, dtype=np.float64)
        self._longitude = np.array(longitudes, dtype=np.float64)
        self._district = np.array(districts, dtype=np.int64)
        self._town = np.array(towns, dtype=np.int64)
        count = len(services)
        self._venues = np.bincount(self._owner, minlength=count)
        self._placed = np.bincount(self._owner, weights=~np.isnan(self._latitude), minlength=count)

    def __len__(self) -> int:
        return len(self.candidates)

    def rank(
        self,
        criteria: MatchCriteria,
        home: Home,
        labels: Mapping[str, str],
        attendance: Attendance,
        needs_order: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[Match]:
        """The services the person can use, best first (the best ``limit``); equal scores by name,
        then id. ``labels`` names the needs; ``needs_order`` is the order the person's needs are
        listed in: the first counts most, and the reason line follows it. Only the services
        returned are described."""
        if not self.candidates:
            return []
        met = self._needs_met(criteria.needs)
        nearest = self._nearest(home)
        in_area = self._in_area(home)
        usable = self._usable(criteria, home, met, nearest)
        first = first_need(criteria, needs_order)
        needs = needs_part(met, len(criteria.needs), None if first is None else self._meeting(first))
        distance = self._distance_parts(nearest, in_area)
        evidence = self._ranked_rates(attendance)
        language = self._language_parts(criteria)
        total = (
            WEIGHTS["needs"] * needs
            + WEIGHTS["distance"] * distance
            + WEIGHTS["evidence"] * evidence
            + WEIGHTS["language"] * language
        )
        chosen = np.flatnonzero(usable)
        best = chosen[np.argsort(-total[chosen], kind="stable")][:limit]
        order = {code: index for index, code in enumerate(needs_order)}
        matches = []
        for index in best.tolist():
            service = self.candidates[index]
            measured = bool(np.isfinite(nearest[index]))
            parts = ScoreParts(
                float(needs[index]), float(distance[index]), float(evidence[index]), float(language[index])
            )
            matches.append(
                describe(
                    service,
                    criteria,
                    home,
                    labels,
                    order,
                    first,
                    self._nearness(index, measured, in_area),
                    float(nearest[index]) if measured else None,
                    parts,
                    attendance.track(service.service_id),
                )
            )
        return matches

    def _needs_met(self, needs: Iterable[str]) -> Ints:
        met = np.zeros(len(self.candidates), dtype=np.int64)
        for code in needs:
            found = self._by_need.get(code)
            if found is not None:
                met[found] += 1
        return met

    def _meeting(self, code: str) -> Flags:
        """Which services meet the need ``code``."""
        meeting = np.zeros(len(self.candidates), dtype=np.bool_)
        found = self._by_need.get(code)
        if found is not None:
            meeting[found] = True
        return meeting

    def _nearest(self, home: Home) -> Floats:
        """Each service's nearest venue in kilometres; infinite where none can be measured."""
        nearest = np.full(len(self.candidates), np.inf)
        if home.latitude is None or home.longitude is None or not len(self._owner):
            return nearest
        distances = geo.distances_km(home.latitude, home.longitude, self._latitude, self._longitude)
        np.minimum.at(nearest, self._owner, np.where(np.isnan(distances), np.inf, distances))
        return nearest

    def _usable(self, criteria: MatchCriteria, home: Home, met: Ints, nearest: Floats) -> Flags:
        """The hard limits of ``matching.exclusion``, for every service at once."""
        usable = met > 0
        if criteria.age is not None:
            usable &= (self._min_age <= criteria.age) & (self._max_age >= criteria.age)
        if criteria.max_cost is not None:
            usable &= self._cost <= COST_ORDER[criteria.max_cost]
        if criteria.access_needs:
            wanted = _bits(criteria.access_needs, _ACCESS)
            usable &= (self._features & wanted) == wanted
        if criteria.max_distance_km is not None and home.located:
            every_venue_measured = (self._venues > 0) & (self._placed == self._venues)
            usable &= ~(every_venue_measured & (nearest > criteria.max_distance_km))
        if criteria.times:
            usable &= ((self._slots & _bits(criteria.times, _SLOTS)) != 0) | ~self._timetabled
        return usable

    def _in_area(self, home: Home) -> Flags:
        """The services with a venue in the person's district or town (``matching.same_area``),
        compared by code; a missing district or town never matches."""
        district = self._district_codes.get(home.district, _ABSENT - 1) if home.district else _ABSENT - 1
        town = self._town_codes.get(home.town_key, _ABSENT - 1) if home.town_key else _ABSENT - 1
        same = (self._district == district) | (self._town == town)
        return np.bincount(self._owner, weights=same, minlength=len(self.candidates)) > 0

    def _distance_parts(self, nearest: Floats, in_area: Flags) -> Floats:
        """``nearness_part`` where measured, else the parts for an unknown distance."""
        measured = np.isfinite(nearest)
        return np.select(
            [measured, self._venues == 0, in_area],
            [nearness_part(np.where(measured, nearest, 0.0)), NO_VENUE_PART, SAME_AREA_PART],
            UNKNOWN_PART,
        )

    def _nearness(self, index: int, measured: bool, in_area: Flags) -> Nearness:
        if measured:
            return Nearness.MEASURED
        if not self._venues[index]:
            return Nearness.NO_VENUE
        return Nearness.SAME_AREA if in_area[index] else Nearness.UNKNOWN

    def _ranked_rates(self, attendance: Attendance) -> Floats:
        """Each service's attendance rate pulled towards the PCN's."""
        outcomes = np.zeros(len(self.candidates))
        attended = np.zeros(len(self.candidates))
        for service_id, track in attendance.tracks.items():
            index = self._position.get(service_id)
            if index is not None:
                outcomes[index], attended[index] = track.outcomes, track.attended
        return ranked_rate(outcomes, attended, attendance.overall)

    def _language_parts(self, criteria: MatchCriteria) -> Floats:
        """1 where the service offers the person's language (or it does not count), else 0;
        worked out once per language, as a person's search is repeated with it."""
        wanted = criteria.language_wanted
        if wanted is None:
            return np.ones(len(self.candidates))
        if wanted not in self._languages:
            self._languages[wanted] = np.array(
                [1.0 if offers(one.languages, wanted) else 0.0 for one in self.candidates]
            )
        return self._languages[wanted]


def _code(codes: dict[str, int], text: str | None) -> int:
    """A small whole number for each distinct ``text``, so places compare as numbers."""
    if not text:
        return _ABSENT
    return codes.setdefault(text, len(codes))
