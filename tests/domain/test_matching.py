"""Matching rules: hard limits exclude, the rest rank, the reason line, the small-number guard."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from datetime import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from linkworker.domain import geo
from linkworker.domain.access import AccessNeed, access_needs_from, features_of
from linkworker.domain.directory import CostKind
from linkworker.domain.errors import FormErrors
from linkworker.domain.folding import fold
from linkworker.domain.matching import (
    FIRST_NEED_MARK,
    MIN_EVIDENCE,
    Attendance,
    Candidate,
    Exclusion,
    Home,
    Match,
    MatchCriteria,
    Nearness,
    Track,
    Venue,
    check_criteria,
    evidence_of,
    exclusion,
    first_need,
    nearness_part,
    needs_part,
    overall_rate,
    ranked_rate,
)
from linkworker.domain.ranking import DirectoryTable
from linkworker.domain.schedule import Opening, TimeSlot, Weekday, days_text, parse_byday, times_text

unhurried = settings(deadline=None, max_examples=100)
LABELS = {
    "loneliness": "Loneliness",
    "physical_activity": "Physical activity",
    "food": "Food",
    "debt_money": "Debt and money",
}
NEEDS = tuple(LABELS)
TU, TH, SA = Weekday.TU, Weekday.TH, Weekday.SA
EVENING_TUE_THU = Opening((TU, TH), time(18, 30), time(20, 30))
HOME = Home(town="Chatham", district="ME4", latitude=51.38, longitude=0.53)
KM_PER_DEGREE = math.pi * geo.EARTH_RADIUS_KM / 180


def at(km: float | None, town: str | None = None, district: str | None = None) -> Venue:
    """A venue ``km`` due north of ``HOME`` (unplaced when None): along a meridian the distance
    measured is the distance meant."""
    if km is None:
        return Venue(town, district)
    return Venue(town, district, HOME.latitude + km / KM_PER_DEGREE, HOME.longitude)  # type: ignore[operator]


def rank(
    services: list[Candidate],
    wanted: MatchCriteria,
    home: Home,
    labels: dict[str, str],
    overall: float = 0.5,
    needs_order: tuple[str, ...] = (),
    limit: int | None = None,
    tracks: dict[int, Track] | None = None,
) -> list[Match]:
    """The services ranked as the match screen ranks them: a table built from them, searched once."""
    attendance = Attendance(tracks or {}, overall)
    return DirectoryTable(services).rank(wanted, home, labels, attendance, needs_order, limit)


def candidate(service_id: int = 1, **changes: object) -> Candidate:
    base = Candidate(
        service_id=service_id,
        name=f"Service {service_id}",
        organisation="Medway Good Neighbours",
        needs=frozenset({"loneliness"}),
        cost=CostKind.FREE,
        venues=(at(1.0, "Chatham", "ME4"),),
        openings=(EVENING_TUE_THU,),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def criteria(**changes: object) -> MatchCriteria:
    return replace(MatchCriteria(needs=frozenset({"loneliness"})), **changes)  # type: ignore[arg-type]


# The reason line.


def test_the_reason_line_of_the_issue() -> None:
    service = candidate(
        needs=frozenset({"loneliness", "physical_activity"}),
        accessibility=("Step-free access", "Accessible toilet"),
        venues=(at(1.84, "Chatham", "ME4"),),
    )
    wanted = criteria(
        needs=frozenset({"loneliness", "physical_activity"}),
        times=frozenset({TimeSlot.EVENING}),
        access_needs=frozenset({AccessNeed.STEP_FREE}),
    )
    [match] = rank([service], wanted, HOME, LABELS, 0.5, ("loneliness", "physical_activity"))
    assert match.reason == (
        "loneliness (first need), physical activity - 1.8 km - Tue and Thu evenings - free - step-free"
    )
    assert match.needs_met == ("Loneliness", "Physical activity")
    assert match.access_met == (AccessNeed.STEP_FREE,)


def test_the_reason_follows_the_persons_order_of_needs_and_adds_language_and_evidence() -> None:
    service = candidate(
        needs=frozenset({"food", "debt_money", "housing"}),
        cost=CostKind.LOW_COST,
        cost_note="£2 a session",
        languages=("English", "Polish"),
        venues=(at(12.4, "Gillingham", "ME7"),),
        openings=(Opening((Weekday.MO, Weekday.TU, Weekday.WE), time(9, 30), time(11, 30)),),
    )
    wanted = criteria(needs=frozenset({"food", "debt_money"}), language="polish")
    home = replace(HOME, approximate=True)
    tracks = {service.service_id: Track(outcomes=10, attended=7)}
    [match] = rank([service], wanted, home, LABELS, 0.5, ("debt_money", "food"), tracks=tracks)
    assert match.reason == (
        "debt and money (first need), food - about 12 km - Mon to Wed mornings - low cost (£2 a session)"
        " - polish spoken - 7 of 10 attended"
    )


@pytest.mark.parametrize(
    ("venues", "home", "where", "nearness"),
    [
        ((), HOME, "no venue listed", Nearness.NO_VENUE),
        ((Venue("Chatham", None),), HOME, "in Chatham, distance unknown", Nearness.SAME_AREA),
        ((Venue(None, "ME4"),), Home(district="ME4"), "in ME4, distance unknown", Nearness.SAME_AREA),
        ((Venue("Rochester", "ME1"),), HOME, "distance unknown", Nearness.UNKNOWN),
        ((Venue("Rochester", "ME1"), at(3.24, "Strood", "ME2")), HOME, "3.2 km", Nearness.MEASURED),
    ],
)
def test_distance_is_measured_or_falls_back_on_the_area(
    venues: tuple[Venue, ...], home: Home, where: str, nearness: Nearness
) -> None:
    [match] = rank([candidate(venues=venues)], criteria(), home, LABELS, 0.5)
    assert match.nearness is nearness
    assert match.reason.split(" - ")[1] == where


def test_a_service_without_a_timetable_says_so() -> None:
    [match] = rank([candidate(openings=())], criteria(), HOME, LABELS, 0.5)
    assert "times not listed" in match.reason
    assert match.times == ""


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ((TU,), "Tue"),
        ((TH, TU), "Tue and Thu"),
        ((Weekday.MO, Weekday.WE, Weekday.FR), "Mon, Wed and Fri"),
        (tuple(Weekday)[:5], "Mon to Fri"),
        ((Weekday.SA, Weekday.SU), "Sat and Sun"),
        ((Weekday.FR, Weekday.SA, Weekday.SU), "Fri to Sun"),
    ],
)
def test_days_are_written_short(days: tuple[Weekday, ...], text: str) -> None:
    assert days_text(days) == text


def test_times_are_grouped_by_part_of_the_day() -> None:
    openings = [
        Opening((Weekday.MO,), time(10), time(12)),
        Opening((Weekday.WE,), time(9, 30), time(11)),
        Opening((TU, TH), time(19), time(21)),
        Opening((Weekday.FR,), time(14), time(16)),
        Opening((SA,), None, None),
    ]
    assert times_text(openings) == "Mon and Wed mornings, Fri afternoons, Tue and Thu evenings, Sat"


@pytest.mark.parametrize(
    ("byday", "days"),
    [
        ("TU,TH", (TU, TH)),
        ("th, tu", (TU, TH)),
        ("1MO", (Weekday.MO,)),
        ("-1FR,SA", (Weekday.FR, SA)),
        ("MO,MO,XX", (Weekday.MO,)),
        ("", ()),
        (None, ()),
    ],
)
def test_oruk_byday_is_read_as_weekdays(byday: str | None, days: tuple[Weekday, ...]) -> None:
    assert parse_byday(byday) == days


# When a session runs: every day against morning, afternoon, late-afternoon, evening and no times.

_TIMES = {
    "morning": (time(10), time(12)),
    "afternoon": (time(13), time(15)),
    "into the evening": (time(16, 30), time(18, 30)),
    "evening": (time(19), time(21)),
    "overnight": (time(22), time(2)),
    "no times": (None, None),
}
_EXPECTED_SLOTS = {
    "morning": {"weekday": {TimeSlot.WEEKDAY_DAYTIME}, "weekend": set()},
    "afternoon": {"weekday": {TimeSlot.WEEKDAY_DAYTIME}, "weekend": set()},
    "into the evening": {
        "weekday": {TimeSlot.WEEKDAY_DAYTIME, TimeSlot.EVENING},
        "weekend": {TimeSlot.EVENING},
    },
    "evening": {"weekday": {TimeSlot.EVENING}, "weekend": {TimeSlot.EVENING}},
    "overnight": {"weekday": {TimeSlot.EVENING}, "weekend": {TimeSlot.EVENING}},
    "no times": {"weekday": {TimeSlot.WEEKDAY_DAYTIME}, "weekend": set()},
}


@pytest.mark.parametrize(("day", "when"), list(itertools.product(Weekday, _TIMES)))
def test_every_day_and_time_falls_in_its_slots(day: Weekday, when: str) -> None:
    opens, closes = _TIMES[when]
    expected = set(_EXPECTED_SLOTS[when]["weekend" if day.weekend else "weekday"])
    if day.weekend:
        expected.add(TimeSlot.WEEKEND)
    assert Opening((day,), opens, closes).slots == expected


@pytest.mark.parametrize(
    "allowed", [frozenset(chosen) for size in range(4) for chosen in itertools.combinations(TimeSlot, size)]
)
@pytest.mark.parametrize(
    ("day", "when"), [(TU, "morning"), (TU, "evening"), (SA, "morning"), (SA, "evening")]
)
def test_a_service_is_kept_exactly_when_a_session_falls_in_a_chosen_slot(
    allowed: frozenset[TimeSlot], day: Weekday, when: str
) -> None:
    opening = Opening((day,), *_TIMES[when])
    found = exclusion(candidate(openings=(opening,)), criteria(times=allowed), HOME)
    fits = not allowed or bool(opening.slots & allowed)
    assert found is (None if fits else Exclusion.TIMES)


# Access features, in services' words and in people's.


@pytest.mark.parametrize(
    ("listed", "features"),
    [
        (("Wheelchair accessible",), {AccessNeed.STEP_FREE}),
        (("Step-free access", "Hearing loop"), {AccessNeed.STEP_FREE, AccessNeed.HEARING_LOOP}),
        (("Accessible toilet", "Parking nearby"), {AccessNeed.ACCESSIBLE_TOILET, AccessNeed.PARKING}),
        (
            ("Large print materials", "BSL interpreter on request"),
            {AccessNeed.LARGE_PRINT, AccessNeed.SIGN_LANGUAGE},
        ),
        (("Lift to all floors",), {AccessNeed.STEP_FREE}),
        (("Stairs only", "Uplifting music"), set()),
        ((), set()),
    ],
)
def test_features_are_recognised_in_a_services_list(
    listed: tuple[str, ...], features: set[AccessNeed]
) -> None:
    assert features_of(listed) == features


@pytest.mark.parametrize(
    ("recorded", "needs"),
    [
        ("Uses a wheelchair", {AccessNeed.STEP_FREE}),
        ("Uses a walking frame; ground floor rooms only", {AccessNeed.STEP_FREE}),
        ("Hearing loss: prefers face to face or text messages", {AccessNeed.HEARING_LOOP}),
        ("Large print letters, please", {AccessNeed.LARGE_PRINT}),
        ("Partially sighted: please read letters out", {AccessNeed.LARGE_PRINT}),
        ("Uses BSL", {AccessNeed.SIGN_LANGUAGE}),
        ("Prefers mornings", set()),
        (None, set()),
    ],
)
def test_a_persons_recorded_access_needs_suggest_features(
    recorded: str | None, needs: set[AccessNeed]
) -> None:
    assert access_needs_from(recorded) == needs


# The person's first-listed need.

# Every order a person can list some of the needs in: 4 + 12 + 24 + 24 = 64 lists.
ORDERS = [order for size in range(1, 5) for order in itertools.permutations(NEEDS, size)]
# A service for each set of needs it can cover, alike in everything else.
NEED_SETS = [frozenset(chosen) for size in range(1, 5) for chosen in itertools.combinations(NEEDS, size)]


@pytest.mark.parametrize("order", ORDERS, ids="-".join)
def test_covering_the_first_need_ranks_above_covering_only_others_other_things_equal(
    order: tuple[str, ...],
) -> None:
    # Names run against the rule (the service of the first need last by name), so a tie broken
    # by name could not pass for it.
    services = [
        candidate(index, name=f"Service {len(NEED_SETS) - index:02}", needs=needs)
        for index, needs in enumerate(NEED_SETS, start=1)
    ]
    wanted = criteria(needs=frozenset(order))
    found = rank(services, wanted, HOME, LABELS, 0.5, order)
    by_id = {service.service_id: service for service in services}

    def standing(match: Match) -> tuple[int, bool]:
        met = by_id[match.service_id].needs & wanted.needs
        return len(met), order[0] in met

    # More needs met first; among services meeting as many, the one meeting the first need.
    assert [standing(match) for match in found] == sorted(map(standing, found), reverse=True)
    assert len(found) == sum(1 for needs in NEED_SETS if needs & wanted.needs)
    for better, worse in itertools.pairwise(found):
        if standing(better) != standing(worse):
            assert better.score > worse.score
    for match in found:
        marked = f"{_lower(LABELS[order[0]])} {FIRST_NEED_MARK}"
        assert (marked in match.reason) == (len(order) > 1 and standing(match)[1]), match.reason


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


def test_the_reason_names_the_first_need_only_where_it_helps() -> None:
    both = ("loneliness", "food")
    lonely = candidate(1, name="Coffee morning")
    larder = candidate(2, name="Community larder", needs=frozenset({"food"}))
    wanted = criteria(needs=frozenset(both))
    first, second = rank([larder, lonely], wanted, HOME, LABELS, 0.5, both)
    assert (first.name, second.name) == ("Coffee morning", "Community larder")
    assert first.reason.startswith("loneliness (first need) - 1.0 km")
    assert second.reason.startswith("food - 1.0 km")
    # One need searched for: every match meets it, so saying so adds nothing.
    [alone] = rank([lonely], criteria(), HOME, LABELS, 0.5, ("loneliness",))
    assert alone.reason.startswith("loneliness - 1.0 km")
    # The person's first need left out of the search (or no order known): no need is first.
    for order in (("debt_money", "loneliness", "food"), ()):
        found = rank([larder, lonely], wanted, HOME, LABELS, 0.5, order)
        assert FIRST_NEED_MARK not in " ".join(match.reason for match in found)
        assert found[0].score == found[1].score


@pytest.mark.parametrize(
    ("order", "needs", "first"),
    [
        (("food", "loneliness"), {"food", "loneliness"}, "food"),
        (("food", "loneliness"), {"loneliness"}, None),
        (("food", "loneliness"), {"food"}, None),  # the only need searched for
        ((), {"food", "loneliness"}, None),
    ],
)
def test_the_first_need_is_the_persons_first_when_it_is_searched_for_with_others(
    order: tuple[str, ...], needs: set[str], first: str | None
) -> None:
    assert first_need(criteria(needs=frozenset(needs)), order) == first


@pytest.mark.parametrize("wanted", range(1, 8))
def test_the_needs_part_counts_needs_met_first_and_the_first_need_within_that(wanted: int) -> None:
    parts = {
        (met, meets_first): needs_part(met, wanted, meets_first)
        for met in range(1, wanted + 1)
        for meets_first in (False, True)
        if not (met == wanted and not meets_first)  # meeting all of them meets the first
    }
    assert parts[(wanted, True)] == 1
    assert all(0 < part <= 1 for part in parts.values())
    ordered = sorted(parts, key=parts.__getitem__)
    assert ordered == sorted(parts)  # by needs met, then by meeting the first


# Hard limits.


@pytest.mark.parametrize(
    ("service", "wanted", "expected"),
    [
        (candidate(needs=frozenset({"food"})), criteria(), Exclusion.NO_NEED_MET),
        (candidate(min_age=65), criteria(age=64), Exclusion.AGE),
        (candidate(max_age=25), criteria(age=26), Exclusion.AGE),
        (candidate(min_age=65, max_age=65), criteria(age=65), None),
        (candidate(min_age=65), criteria(), None),
        (candidate(cost=CostKind.PAID), criteria(max_cost=CostKind.LOW_COST), Exclusion.COST),
        (candidate(cost=CostKind.LOW_COST), criteria(max_cost=CostKind.LOW_COST), None),
        (candidate(cost=CostKind.LOW_COST), criteria(max_cost=CostKind.FREE), Exclusion.COST),
        (candidate(), criteria(access_needs=frozenset({AccessNeed.HEARING_LOOP})), Exclusion.ACCESS),
        (
            candidate(accessibility=("Hearing loop",)),
            criteria(access_needs=frozenset({AccessNeed.HEARING_LOOP})),
            None,
        ),
        (candidate(), criteria(max_distance_km=0.5), Exclusion.DISTANCE),
        (candidate(), criteria(max_distance_km=1.5), None),
        (candidate(venues=(Venue("Rochester", None),)), criteria(max_distance_km=0.5), None),
        (
            candidate(venues=(at(9.0, "Strood"), Venue("Rochester", None))),
            criteria(max_distance_km=2),
            None,
        ),
        (candidate(venues=()), criteria(max_distance_km=0.5), None),
        (candidate(), criteria(times=frozenset({TimeSlot.WEEKEND})), Exclusion.TIMES),
        (candidate(openings=()), criteria(times=frozenset({TimeSlot.WEEKEND})), None),
        (candidate(openings=(Opening(()),)), criteria(times=frozenset({TimeSlot.WEEKEND})), None),
    ],
)
def test_hard_limits(service: Candidate, wanted: MatchCriteria, expected: Exclusion | None) -> None:
    assert exclusion(service, wanted, HOME) is expected
    found = rank([service], wanted, HOME, LABELS)
    assert [match.service_id for match in found] == ([] if expected else [service.service_id])


def test_criteria_are_checked_all_at_once() -> None:
    with pytest.raises(FormErrors) as raised:
        check_criteria(MatchCriteria(needs=frozenset(), max_distance_km=0, age=130))
    errors = raised.value
    assert errors.for_field("needs") is not None
    assert errors.for_field("max_distance_km") is not None
    assert errors.for_field("age") is not None
    assert check_criteria(criteria(max_distance_km=5, age=40)) == criteria(max_distance_km=5, age=40)


# Evidence and its guard for small numbers.


def test_evidence_shows_only_from_enough_outcomes() -> None:
    assert evidence_of(Track(MIN_EVIDENCE - 1, MIN_EVIDENCE - 1)) is None
    shown = evidence_of(Track(MIN_EVIDENCE, 3))
    assert shown is not None
    assert shown.text == f"3 of {MIN_EVIDENCE} attended"
    assert shown.share == pytest.approx(3 / MIN_EVIDENCE)


def test_one_lucky_outcome_does_not_beat_a_long_good_record() -> None:
    lucky = candidate(1, name="Lucky")
    steady = candidate(2, name="Steady")
    untried = candidate(3, name="Untried")
    tracks = {1: Track(1, 1), 2: Track(20, 17), 4: Track(100, 50)}
    overall = overall_rate(tracks.values())
    found = rank([lucky, untried, steady], criteria(), HOME, LABELS, overall, tracks=tracks)
    assert [match.name for match in found] == ["Steady", "Lucky", "Untried"]
    assert found[1].evidence is None


def test_overall_rate() -> None:
    assert overall_rate([]) == 0.5
    assert overall_rate([Track(4, 1), Track(6, 5)]) == pytest.approx(0.6)


def test_a_track_cannot_attend_more_than_its_outcomes() -> None:
    with pytest.raises(ValueError, match="attended"):
        Track(2, 3)


# Properties over generated directories.

openings = st.builds(
    Opening,
    st.lists(st.sampled_from(Weekday), max_size=3, unique=True).map(tuple),
    st.one_of(st.none(), st.times()),
    st.one_of(st.none(), st.times()),
)
venues = st.builds(
    at,
    st.one_of(st.none(), st.floats(0, 60, allow_nan=False)),
    st.sampled_from(["Chatham", "Rochester", None]),
    st.sampled_from(["ME4", "ME1", None]),
)
tracks = st.integers(0, 30).flatmap(lambda n: st.builds(Track, st.just(n), st.integers(0, n)))
candidates = st.builds(
    Candidate,
    service_id=st.integers(1, 10_000),
    name=st.sampled_from(["Walk", "walk", "Choir", "Larder", "Café", "Cafe"]),
    organisation=st.just("Org"),
    needs=st.frozensets(st.sampled_from(NEEDS), max_size=3),
    cost=st.sampled_from(CostKind),
    cost_note=st.one_of(st.none(), st.just("£2")),
    accessibility=st.lists(
        st.sampled_from(["Step-free access", "Hearing loop", "Parking nearby"]), max_size=3
    ).map(tuple),
    languages=st.lists(st.sampled_from(["English", "Polish", "Nepali"]), max_size=2).map(tuple),
    min_age=st.one_of(st.none(), st.integers(0, 70)),
    max_age=st.one_of(st.none(), st.integers(20, 120)),
    venues=st.lists(venues, max_size=2).map(tuple),
    openings=st.lists(openings, max_size=3).map(tuple),
)
directories = st.lists(candidates, max_size=25, unique_by=lambda service: service.service_id)
all_criteria = st.builds(
    MatchCriteria,
    needs=st.frozensets(st.sampled_from(NEEDS), min_size=1),
    max_distance_km=st.one_of(st.none(), st.floats(0.5, 50)),
    times=st.frozensets(st.sampled_from(TimeSlot)),
    max_cost=st.one_of(st.none(), st.sampled_from(CostKind)),
    access_needs=st.frozensets(st.sampled_from([AccessNeed.STEP_FREE, AccessNeed.HEARING_LOOP])),
    language=st.sampled_from([None, "English", "Polish"]),
    age=st.one_of(st.none(), st.integers(0, 120)),
)
homes = st.builds(
    lambda town, district, located, approximate: Home(
        town, district, *((HOME.latitude, HOME.longitude) if located else (None, None)), approximate
    ),
    st.sampled_from(["Chatham", None]),
    st.sampled_from(["ME4", None]),
    st.booleans(),
    st.booleans(),
)


@unhurried
@given(directories, all_criteria, homes, st.floats(0, 1), st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_order_services_come_in(
    services: list[Candidate], wanted: MatchCriteria, home: Home, overall: float, shuffler: random.Random
) -> None:
    first = rank(services, wanted, home, LABELS, overall)
    shuffled = list(services)
    shuffler.shuffle(shuffled)
    assert rank(shuffled, wanted, home, LABELS, overall) == first


@unhurried
@given(directories, all_criteria, homes, st.floats(0, 1))
def test_exactly_the_services_within_every_hard_limit_are_ranked_best_first(
    services: list[Candidate], wanted: MatchCriteria, home: Home, overall: float
) -> None:
    # At the limit itself, the last digit of a distance decides: such draws say nothing.
    limit = wanted.max_distance_km
    distances = [venue.distance_from(home) for service in services for venue in service.venues]
    assume(limit is None or all(km is None or abs(km - limit) > 1e-6 for km in distances))
    found = rank(services, wanted, home, LABELS, overall)
    assert {match.service_id for match in found} == {
        service.service_id for service in services if exclusion(service, wanted, home) is None
    }
    for match in found:
        assert 0 <= match.score <= 1
        assert match.needs_met
        assert match.reason
    for better, worse in itertools.pairwise(found):
        assert better.score >= worse.score
        if better.score == worse.score:
            assert (fold(better.name), better.service_id) <= (fold(worse.name), worse.service_id)


@unhurried
@given(directories, all_criteria, homes, st.integers(1, 30))
def test_a_limit_keeps_the_best_in_the_same_order(
    services: list[Candidate], wanted: MatchCriteria, home: Home, limit: int
) -> None:
    assert (
        rank(services, wanted, home, LABELS, 0.5, limit=limit)
        == rank(services, wanted, home, LABELS, 0.5)[:limit]
    )


@unhurried
@given(directories, all_criteria, homes, st.data())
def test_loosening_a_limit_never_loses_a_service(
    services: list[Candidate], wanted: MatchCriteria, home: Home, data: st.DataObject
) -> None:
    looser = data.draw(
        st.sampled_from(
            [
                replace(wanted, max_distance_km=None),
                replace(wanted, times=frozenset()),
                replace(wanted, max_cost=None),
                replace(wanted, access_needs=frozenset()),
                replace(wanted, age=None),
                replace(wanted, needs=wanted.needs | {"food"}),
            ]
        )
    )
    kept = {match.service_id for match in rank(services, wanted, home, LABELS, 0.5)}
    assert kept <= {match.service_id for match in rank(services, looser, home, LABELS, 0.5)}


@unhurried
@given(candidates, all_criteria, st.floats(0, 30), st.floats(0, 30))
def test_a_nearer_venue_never_ranks_lower(
    service: Candidate, wanted: MatchCriteria, near: float, far: float
) -> None:
    near, far = sorted((near, far))
    wanted = replace(wanted, max_distance_km=None)
    scores = [
        [match.score for match in rank([replace(service, venues=(at(km),))], wanted, HOME, LABELS, 0.5)]
        for km in (near, far)
    ]
    if scores[0]:
        assert scores[0][0] >= scores[1][0]


@unhurried
@given(st.integers(0, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))), st.floats(0, 1))
def test_the_ranked_rate_lies_between_the_services_own_rate_and_the_overall_one(
    counts: tuple[int, int], overall: float
) -> None:
    outcomes, attended = counts
    rate = ranked_rate(outcomes, attended, overall)
    own = attended / outcomes if outcomes else overall
    assert min(own, overall) - 1e-12 <= rate <= max(own, overall) + 1e-12
    if outcomes:
        assert abs(rate - own) <= abs(overall - own) + 1e-12


@unhurried
@given(directories, all_criteria, all_criteria, homes)
def test_a_table_searched_again_answers_as_a_new_one(
    services: list[Candidate], first: MatchCriteria, second: MatchCriteria, home: Home
) -> None:
    table = DirectoryTable(services)
    attendance = Attendance({}, 0.5)
    table.rank(first, home, LABELS, attendance)
    assert table.rank(second, home, LABELS, attendance) == DirectoryTable(services).rank(
        second, home, LABELS, attendance
    )


@unhurried
@given(directories, all_criteria, homes, st.floats(0, 1), st.data())
def test_each_part_of_a_score_is_the_rule_for_that_service(
    services: list[Candidate], wanted: MatchCriteria, home: Home, overall: float, data: st.DataObject
) -> None:
    ids = [service.service_id for service in services]
    record = data.draw(st.dictionaries(st.sampled_from(ids), tracks) if ids else st.just({}))
    by_id = {service.service_id: service for service in services}
    order = tuple(data.draw(st.permutations(sorted(wanted.needs))))
    first = first_need(wanted, order)
    for match in rank(services, wanted, home, LABELS, overall, order, tracks=record):
        service = by_id[match.service_id]
        met = service.needs & wanted.needs
        meets_first = None if first is None else first in met
        assert match.parts.needs == pytest.approx(needs_part(len(met), len(wanted.needs), meets_first))
        track = record.get(service.service_id, Track())
        assert match.parts.evidence == pytest.approx(ranked_rate(track.outcomes, track.attended, overall))
        measured = [km for km in (venue.distance_from(home) for venue in service.venues) if km is not None]
        if measured:
            assert match.distance_km == pytest.approx(min(measured), abs=1e-9)
            assert match.parts.distance == pytest.approx(nearness_part(min(measured)))
        else:
            assert match.distance_km is None
        assert match.score == match.parts.total


@unhurried
@given(candidates, all_criteria, homes, st.data())
def test_a_service_meeting_the_first_need_beats_its_twin_meeting_another_instead(
    service: Candidate, wanted: MatchCriteria, home: Home, data: st.DataObject
) -> None:
    assume(len(wanted.needs) > 1)
    order = tuple(data.draw(st.permutations(sorted(wanted.needs))))
    met = (service.needs & wanted.needs) | {order[0]}
    others = sorted(wanted.needs - met)
    assume(others)
    twin_needs = (service.needs - {order[0]}) | {data.draw(st.sampled_from(others))}
    first = replace(service, service_id=1, name="Zz", needs=service.needs | {order[0]})
    twin = replace(service, service_id=2, name="Aa", needs=twin_needs)
    found = rank([twin, first], wanted, home, LABELS, 0.5, order)
    if found:
        assert [match.service_id for match in found] == [1, 2]
        assert found[0].score > found[1].score
        assert FIRST_NEED_MARK in found[0].reason and FIRST_NEED_MARK not in found[1].reason


def test_an_empty_directory_has_no_matches() -> None:
    assert DirectoryTable([]).rank(criteria(), HOME, LABELS, Attendance({}, 0.5)) == []
