"""Matching rules: hard limits exclude, the rest rank, the reason line, the small-number guard."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain import geo
from linkworker.domain.access import AccessNeed, access_needs_from, features_of
from linkworker.domain.directory import CostKind
from linkworker.domain.errors import FormErrors
from linkworker.domain.matching import (
    MIN_EVIDENCE,
    Candidate,
    Exclusion,
    Home,
    MatchCriteria,
    Nearness,
    Track,
    Venue,
    check_criteria,
    costs_within,
    evidence_of,
    exclusion,
    overall_rate,
    rank,
    ranked_rate,
    reach,
)
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
HOME = Home(town="Chatham", district="ME4", located=True)


def candidate(service_id: int = 1, **changes: object) -> Candidate:
    base = Candidate(
        service_id=service_id,
        name=f"Service {service_id}",
        organisation="Medway Good Neighbours",
        needs=frozenset({"loneliness"}),
        cost=CostKind.FREE,
        venues=(Venue("Chatham", "ME4", 1.0),),
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
        venues=(Venue("Chatham", "ME4", 1.84),),
    )
    wanted = criteria(
        needs=frozenset({"loneliness", "physical_activity"}),
        times=frozenset({TimeSlot.EVENING}),
        access_needs=frozenset({AccessNeed.STEP_FREE}),
    )
    [match] = rank([service], wanted, HOME, LABELS, 0.5, ("loneliness", "physical_activity"))
    assert match.reason == "loneliness, physical activity - 1.8 km - Tue and Thu evenings - free - step-free"
    assert match.needs_met == ("Loneliness", "Physical activity")
    assert match.access_met == (AccessNeed.STEP_FREE,)


def test_the_reason_follows_the_persons_order_of_needs_and_adds_language_and_evidence() -> None:
    service = candidate(
        needs=frozenset({"food", "debt_money", "housing"}),
        cost=CostKind.LOW_COST,
        cost_note="£2 a session",
        languages=("English", "Polish"),
        track=Track(outcomes=10, attended=7),
        venues=(Venue("Gillingham", "ME7", 12.4),),
        openings=(Opening((Weekday.MO, Weekday.TU, Weekday.WE), time(9, 30), time(11, 30)),),
    )
    wanted = criteria(needs=frozenset({"food", "debt_money"}), language="polish")
    [match] = rank([service], wanted, replace(HOME, approximate=True), LABELS, 0.5, ("debt_money", "food"))
    assert match.reason == (
        "debt and money, food - about 12 km - Mon to Wed mornings - low cost (£2 a session)"
        " - polish spoken - 7 of 10 attended"
    )


@pytest.mark.parametrize(
    ("venues", "home", "where", "nearness"),
    [
        ((), HOME, "no venue listed", Nearness.NO_VENUE),
        ((Venue("Chatham", None, None),), HOME, "in Chatham, distance unknown", Nearness.SAME_AREA),
        ((Venue(None, "ME4", None),), Home(district="ME4"), "in ME4, distance unknown", Nearness.SAME_AREA),
        ((Venue("Rochester", "ME1", None),), HOME, "distance unknown", Nearness.UNKNOWN),
        ((Venue("Rochester", "ME1", None), Venue("Strood", "ME2", 3.25)), HOME, "3.2 km", Nearness.MEASURED),
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
    found = exclusion(candidate(openings=(opening,)), criteria(times=allowed))
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
        (candidate(), criteria(max_distance_km=1.0), None),
        (candidate(venues=(Venue("Rochester", None, None),)), criteria(max_distance_km=0.5), None),
        (
            candidate(venues=(Venue("Strood", None, 9.0), Venue("Rochester", None, None))),
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
    assert exclusion(service, wanted) is expected


def test_costs_within_a_limit() -> None:
    assert costs_within(CostKind.FREE) == (CostKind.FREE,)
    assert costs_within(CostKind.LOW_COST) == (CostKind.FREE, CostKind.LOW_COST)
    assert costs_within(CostKind.PAID) == tuple(CostKind)


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
    lucky = candidate(1, name="Lucky", track=Track(1, 1))
    steady = candidate(2, name="Steady", track=Track(20, 17))
    untried = candidate(3, name="Untried")
    overall = overall_rate([lucky.track, steady.track, Track(100, 50)])
    found = rank([lucky, untried, steady], criteria(), HOME, LABELS, overall)
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
    Venue,
    st.sampled_from(["Chatham", "Rochester", None]),
    st.sampled_from(["ME4", "ME1", None]),
    st.one_of(st.none(), st.floats(0, 60, allow_nan=False)),
)
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
    track=st.integers(0, 30).flatmap(lambda n: st.builds(Track, st.just(n), st.integers(0, n))),
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
    Home, st.sampled_from(["Chatham", None]), st.sampled_from(["ME4", None]), st.booleans(), st.booleans()
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
    found = rank(services, wanted, home, LABELS, overall)
    assert {match.service_id for match in found} == {
        service.service_id for service in services if exclusion(service, wanted) is None
    }
    for match in found:
        assert 0 <= match.score <= 1
        assert match.needs_met
        assert match.reason
    for better, worse in itertools.pairwise(found):
        assert better.score >= worse.score
        if better.score == worse.score:
            assert (better.name.casefold(), better.service_id) <= (worse.name.casefold(), worse.service_id)


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
        [
            match.score
            for match in rank([replace(service, venues=(Venue(None, None, km),))], wanted, HOME, LABELS, 0.5)
        ]
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
    rate = ranked_rate(Track(outcomes, attended), overall)
    own = attended / outcomes if outcomes else overall
    assert min(own, overall) - 1e-12 <= rate <= max(own, overall) + 1e-12
    if outcomes:
        assert abs(rate - own) <= abs(overall - own) + 1e-12


def destination(latitude: float, longitude: float, bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` from a point on a bearing (degrees), on the sphere ``geo`` measures on."""
    angle = km / geo.EARTH_RADIUS_KM
    phi, lam, theta = math.radians(latitude), math.radians(longitude), math.radians(bearing)
    phi_2 = math.asin(math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(theta))
    lam_2 = lam + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi), math.cos(angle) - math.sin(phi) * math.sin(phi_2)
    )
    return math.degrees(phi_2), math.degrees(lam_2)


@unhurried
@given(st.floats(49.0, 61.5), st.floats(-8.8, 2.0), st.floats(0.1, 200), st.floats(0, 360), st.floats(0, 1))
def test_the_box_round_home_holds_every_point_within_the_distance(
    latitude: float, longitude: float, km: float, bearing: float, share: float
) -> None:
    south, north, west, east = reach(latitude, longitude, km)
    point = destination(latitude, longitude, bearing, km * share)
    assert geo.distance_km(latitude, longitude, *point) <= km + 1e-6
    assert south <= point[0] <= north
    assert west <= point[1] <= east
