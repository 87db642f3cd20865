"""Matching a case to the directory on both databases: what SQL narrows, distances from the
postcode lookup (or the area without one), the PCN's own attendance record, and who may match."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from linkworker.domain.access import AccessNeed
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.errors import FormErrors
from linkworker.domain.matching import MatchCriteria, Nearness
from linkworker.domain.roles import Role
from linkworker.domain.schedule import TimeSlot
from linkworker.services.actor import Actor
from linkworker.services.cases import matching
from linkworker.services.directory.directory_table import directory_table
from linkworker.services.errors import NotFound, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import Service
from tests.services.matching_builder import (
    HOME,
    HOME_POSTCODE,
    MORNINGS,
    SATURDAY,
    Spec,
    add_postcode_points,
    add_services,
    north_of_home,
    other_pcn_case,
    past_outcomes,
    person_case,
)

TODAY = date(2026, 11, 23)
LONELINESS = frozenset({"loneliness"})


def names(found: list[matching.Match]) -> list[str]:
    return [match.name for match in found]


def test_the_criteria_start_from_the_persons_record(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(
        database,
        worker,
        needs=("physical_activity", "loneliness"),
        language="Polish",
        accessibility="Uses a wheelchair; hard of hearing",
        born=date(1950, 6, 1),
    )
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    with database.session() as session:
        started = matching.start(session, worker, case, TODAY)
    assert started.criteria == MatchCriteria(
        needs=frozenset({"loneliness", "physical_activity"}),
        access_needs=frozenset({AccessNeed.STEP_FREE, AccessNeed.HEARING_LOOP}),
        language="Polish",
        age=76,
    )
    # The person's own needs first, then the rest of the PCN's list.
    assert [need.code for need in started.needs[:2]] == ["loneliness", "physical_activity"]
    assert len({need.code for need in started.needs}) == len(started.needs) > 10
    assert started.located
    assert started.home_text == f"Distances from {HOME_POSTCODE}, in a straight line."


def test_only_services_the_person_can_use_are_ranked_best_first(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    add_services(
        database,
        worker,
        Spec("Both needs nearby", ("loneliness", "physical_activity"), km=1.0),
        Spec("One need nearby", ("loneliness",), km=1.0),
        Spec("Both needs far", ("loneliness", "physical_activity"), km=40.0),
        Spec("County choir", ("loneliness",), km=2.0, shared=True),
        Spec("Closed for now", ("loneliness",), status=ServiceStatus.TEMPORARILY_CLOSED),
        Spec("Defunct", ("loneliness",), status=ServiceStatus.DEFUNCT),
        Spec("Another PCN's", ("loneliness",), elsewhere=True),
        Spec("Money only", ("debt_money",)),
        Spec("Young people", ("loneliness",), max_age=25),
        Spec("Over 65s", ("loneliness",), min_age=65),
    )
    with database.session() as session:
        found = matching.match(
            session, worker, case, MatchCriteria(needs=frozenset({"loneliness", "physical_activity"}), age=78)
        )
    # Meeting one need 1 km away beats meeting both 40 km away; equal scores go by name. The
    # person's first need (loneliness, first on the PCN's list) met 2 km away beats both 40 km away.
    assert names(found) == [
        "Both needs nearby",
        "One need nearby",
        "Over 65s",
        "County choir",
        "Both needs far",
    ]
    nearby = found[0]
    assert nearby.nearness is Nearness.MEASURED
    assert nearby.distance_km == pytest.approx(1.0, abs=0.01)
    assert (
        nearby.reason
        == "loneliness and isolation (first need), physical activity - 1.0 km - Tue and Thu evenings - free"
    )
    assert found[4].reason.startswith("loneliness and isolation (first need), physical activity - 40 km - ")


def test_hard_limits_exclude(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    add_services(
        database,
        worker,
        Spec("Evening walk", ("loneliness",), km=1.0, accessibility=("Step-free access",)),
        Spec(
            "Morning walk",
            ("loneliness",),
            km=1.0,
            sessions=(MORNINGS,),
            accessibility=("Wheelchair accessible",),
        ),
        Spec("Saturday club", ("loneliness",), km=3.0, sessions=(SATURDAY,), cost=CostKind.LOW_COST),
        Spec("Far walk", ("loneliness",), km=12.0, accessibility=("Step-free access",)),
        Spec("Paid class", ("loneliness",), km=1.0, cost=CostKind.PAID),
        Spec("Phone line", ("loneliness",), venue=False, sessions=()),
        Spec("Venue not placed", ("loneliness",), km=None, town="Rochester", postcode=None),
    )
    every = MatchCriteria(needs=LONELINESS)
    cases = {
        "evenings": replace(every, times=frozenset({TimeSlot.EVENING})),
        "weekends": replace(every, times=frozenset({TimeSlot.WEEKEND})),
        "within 5 km": replace(every, max_distance_km=5),
        "free": replace(every, max_cost=CostKind.FREE),
        "up to low cost": replace(every, max_cost=CostKind.LOW_COST),
        "step-free": replace(every, access_needs=frozenset({AccessNeed.STEP_FREE})),
    }
    with database.session() as session:
        found = {
            name: set(names(matching.match(session, worker, case, wanted))) for name, wanted in cases.items()
        }
        everything = set(names(matching.match(session, worker, case, every)))
    assert everything == {
        "Evening walk",
        "Morning walk",
        "Saturday club",
        "Far walk",
        "Paid class",
        "Phone line",
        "Venue not placed",
    }
    assert found["evenings"] == {"Evening walk", "Far walk", "Paid class", "Phone line", "Venue not placed"}
    assert found["weekends"] == {"Saturday club", "Phone line"}
    assert found["within 5 km"] == everything - {"Far walk"}
    assert found["free"] == everything - {"Saturday club", "Paid class"}
    assert found["up to low cost"] == everything - {"Paid class"}
    assert found["step-free"] == {"Evening walk", "Morning walk", "Far walk"}


def test_a_postcode_missing_from_the_lookup_measures_from_its_district(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker, postcode="ME15 9ZZ")
    # The lookup holds each district's middle beside its postcodes.
    add_postcode_points(database, (HOME_POSTCODE, *HOME), ("ME15", *HOME))
    add_services(database, worker, Spec("Walk", ("loneliness",), km=2.0))
    with database.session() as session:
        started = matching.start(session, worker, case, TODAY)
        [found] = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS))
    assert started.located
    assert "middle of ME15" in started.home_text
    assert found.reason.split(" - ")[1] == "about 2.0 km"


def test_without_a_lookup_nearness_goes_by_area(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)  # no postcode points at all
    add_services(
        database,
        worker,
        Spec("In town", ("loneliness",), town="Maidstone", postcode="ME16 8AA"),
        Spec("Same district", ("loneliness",), town="Loose", postcode="ME15 0AB"),
        Spec("Elsewhere", ("loneliness",), town="Dover", postcode="CT16 1AA"),
        Spec("Far but measured", ("loneliness",), km=40.0, town="Sittingbourne", postcode="ME10 1AA"),
    )
    with database.session() as session:
        started = matching.start(session, worker, case, TODAY)
        found = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS, max_distance_km=5))
    assert not started.located
    assert "not in the postcode lookup" in started.home_text
    by_name = {match.name: match for match in found}
    # Nothing is measured, so nothing is too far; the person's town and district rank first.
    assert names(found) == ["In town", "Same district", "Elsewhere", "Far but measured"]
    assert by_name["In town"].reason.split(" - ")[1] == "in Maidstone, distance unknown"
    assert by_name["Same district"].nearness is Nearness.SAME_AREA
    assert by_name["Elsewhere"].reason.split(" - ")[1] == "distance unknown"


@pytest.mark.parametrize(
    ("written", "said"),
    [(None, "No postcode on the record"), ("ZZ99 3VZ", "ZZ99 3VZ (No fixed abode): distances are unknown")],
)
def test_a_person_without_a_usable_postcode(
    database: Database, actors: dict[Role, Actor], written: str | None, said: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker, postcode=written, town=None)
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    add_services(database, worker, Spec("Walk", ("loneliness",)))
    with database.session() as session:
        started = matching.start(session, worker, case, TODAY)
        [found] = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS))
    assert started.home_text.startswith(said)
    assert not started.located
    assert found.nearness is Nearness.UNKNOWN


def test_attendance_counts_this_pcns_connections_only(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    earlier = person_case(database, worker)
    theirs = other_pcn_case(database, worker)
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    ids = add_services(
        database,
        worker,
        Spec("Well attended", ("loneliness",), km=3.0, shared=True),
        Spec("Rarely attended", ("loneliness",), km=3.0, shared=True),
        Spec("Two went", ("loneliness",), km=3.0, shared=True),
    )
    past_outcomes(database, worker, ids["Well attended"], attended=8, other=2, pcn_case=earlier)
    past_outcomes(database, worker, ids["Rarely attended"], attended=1, other=5, pcn_case=earlier)
    past_outcomes(database, worker, ids["Rarely attended"], attended=30, other=0, pcn_case=theirs)
    past_outcomes(database, worker, ids["Two went"], attended=2, other=0, pcn_case=earlier)
    with database.session() as session:
        found = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS))
        started = matching.start(session, worker, case, TODAY)
        again = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS), known=started.history)
    assert again == found
    assert started.history.overall == pytest.approx(11 / 18)
    assert names(found) == ["Well attended", "Two went", "Rarely attended"]
    evidence = {match.name: match.evidence for match in found}
    assert evidence["Well attended"] is not None and evidence["Well attended"].text == "8 of 10 attended"
    assert evidence["Rarely attended"] is not None and evidence["Rarely attended"].text == "1 of 6 attended"
    assert evidence["Two went"] is None  # too few to show
    assert found[0].reason.endswith(" - 8 of 10 attended")


def test_equal_services_come_in_name_then_id_order(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    ids = add_services(
        database,
        worker,
        *(Spec(name, ("loneliness",), km=2.0) for name in ("Coffee", "bingo", "Art", "Bingo")),
    )
    with database.session() as session:
        found = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS))
        best = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS), limit=2)
    assert [match.service_id for match in found] == [ids["Art"], ids["bingo"], ids["Bingo"], ids["Coffee"]]
    assert best == found[:2]


def test_who_may_match(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    theirs = other_pcn_case(database, worker)
    wanted = MatchCriteria(needs=LONELINESS)
    with database.session() as session:
        with pytest.raises(PermissionDenied):
            matching.match(session, actors[Role.MANAGER], case, wanted)
        with pytest.raises(PermissionDenied):
            matching.start(session, actors[Role.MANAGER], case)
        with pytest.raises(NotFound):
            matching.match(session, worker, theirs, wanted)
        with pytest.raises(FormErrors):
            matching.match(session, worker, case, MatchCriteria(needs=frozenset()))
        assert matching.match(session, actors[Role.ADMIN], case, wanted) == []


def test_each_search_sees_the_directory_as_it_is_now(database: Database, actors: dict[Role, Actor]) -> None:
    """The directory is kept in memory between searches: an edit, a new entry or a closure made
    in another session since the last search is in the next one."""
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    ids = add_services(database, worker, Spec("Walk", ("loneliness",), km=1.0))
    wanted = MatchCriteria(needs=LONELINESS)

    def search() -> list[str]:
        with database.read_session() as session:
            return names(matching.match(session, worker, case, wanted))

    assert search() == ["Walk"]
    with database.read_session() as session:  # read once, while unchanged
        assert directory_table(session, worker.pcn_id) is directory_table(session, worker.pcn_id)
    with database.session() as session:
        walk = session.get(Service, ids["Walk"])
        assert walk is not None
        walk.name = "Health walk"
    assert search() == ["Health walk"]
    add_services(database, worker, Spec("Choir", ("loneliness",), km=2.0))
    assert search() == ["Health walk", "Choir"]
    with database.session() as session:
        walk = session.get(Service, ids["Walk"])
        assert walk is not None
        walk.status = ServiceStatus.TEMPORARILY_CLOSED.value
    assert search() == ["Choir"]


def test_a_venue_given_only_a_postcode_is_placed_at_it(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker)
    add_postcode_points(database, (HOME_POSTCODE, *HOME), ("ME14 2BB", *north_of_home(3.0)))
    add_services(
        database,
        worker,
        Spec("Postcode only", ("loneliness",), km=None, postcode="ME14 2BB"),
        Spec("Not in the lookup", ("loneliness",), km=None, postcode="ME14 9ZZ"),
    )
    with database.read_session() as session:
        placed, unplaced = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS))
    assert placed.name == "Postcode only"
    assert placed.nearness is Nearness.MEASURED
    assert placed.distance_km == pytest.approx(3.0, abs=0.01)
    assert unplaced.nearness is Nearness.SAME_AREA  # in the person's town, distance unknown


def test_the_attendance_record_is_for_roles_that_see_records(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """Its counts are exact ("1 of 2 attended"): a manager sees a service's use on the directory
    screen instead, under the PCN's disclosure rule."""
    with database.session() as session, pytest.raises(PermissionDenied):
        matching.history(session, actors[Role.MANAGER])
    with database.session() as session:
        assert matching.history(session, actors[Role.LINK_WORKER]).tracks == {}


def test_the_first_need_is_the_first_the_case_record_lists(
    database: Database, actors: dict[Role, Actor]
) -> None:
    # "debt_money" comes before "loneliness" by code; the PCN's list, as the case record shows
    # the needs, has loneliness first, so it is the need that counts most.
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker, needs=("debt_money", "loneliness"))
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    add_services(
        database, worker, Spec("Money advice", ("debt_money",)), Spec("Walk and talk", ("loneliness",))
    )
    with database.session() as session:
        started = matching.start(session, worker, case, TODAY)
        found = matching.match(session, worker, case, started.criteria)
    assert [need.code for need in started.needs[:2]] == ["loneliness", "debt_money"]
    assert names(found) == ["Walk and talk", "Money advice"]
    assert found[0].reason.startswith("loneliness and isolation (first need) - ")
    assert found[1].reason.startswith("debt and money - ")
