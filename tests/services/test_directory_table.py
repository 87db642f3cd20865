"""The matching table kept between searches is brought up to date by reading only the services
that changed: after each kind of change, made through the services on a real database, it equals a
table read whole (same services, same order, same scores), and only the changed services were read."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import pytest
from sqlalchemy import select

from linkworker.domain.directory import ServiceStatus
from linkworker.domain.matching import Attendance, Home, MatchCriteria, Track
from linkworker.domain.ranking import DirectoryTable
from linkworker.domain.roles import Role
from linkworker.domain.schedule import TimeSlot
from linkworker.domain.service_entry import LocationEntry, ScheduleEntry, ServiceEntry
from linkworker.services.actor import Actor
from linkworker.services.directory import directory, directory_table, taxonomy
from linkworker.store.database import Database
from linkworker.store.models import Service, ServiceTaxonomy
from tests.services.matching_builder import EVENINGS, HOME, MORNINGS, Spec, add_services
from tests.services.oruk_feeds import PAGE, import_feed

PERSON = Home(town="Maidstone", district="ME15", latitude=HOME[0], longitude=HOME[1])
LABELS = {"loneliness": "Loneliness", "physical_activity": "Physical activity"}
SEARCHES = (
    MatchCriteria(needs=frozenset({"loneliness"})),
    MatchCriteria(needs=frozenset({"loneliness", "physical_activity"}), max_distance_km=3.0),
    MatchCriteria(needs=frozenset({"physical_activity"}), times=frozenset({TimeSlot.EVENING}), age=70),
)
ENTRY = ServiceEntry(
    organisation_name="Maidstone Good Neighbours",
    name="Friendship Club",
    description="Tea and a chat.",
    needs=("loneliness",),
    locations=(LocationEntry("St Faith's Hall", "1 Station Road", "Maidstone", "ME14 1AA", "51.28", "0.52"),),
    schedules=(ScheduleEntry(("TU",), "10:00", "12:00", location_index=0),),
    cost_kind="free",
    status="active",
)


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture(autouse=True)
def nothing_held() -> None:
    directory_table.forget()  # tables are kept per engine; start each test from none


def next_search(database: Database, pcn_id: int | None) -> tuple[DirectoryTable, int]:
    """The table the next search gets, and how many services' rows were read for it."""
    before = directory_table.services_read
    with database.read_session() as session:
        table = directory_table.directory_table(session, pcn_id)
    return table, directory_table.services_read - before


def read_whole(database: Database, pcn_id: int | None) -> DirectoryTable:
    directory_table.forget()
    table, read = next_search(database, pcn_id)
    assert read == len(table)
    return table


def assert_refreshed(database: Database, pcn_id: int | None, changed: Collection[int]) -> DirectoryTable:
    """The next search's table answers as one read whole, and the rows read for it were those of
    the ``changed`` services the PCN can match to, no others."""
    refreshed, read = next_search(database, pcn_id)
    whole = read_whole(database, pcn_id)
    assert read == len({one.service_id for one in whole.candidates}.intersection(changed))
    assert refreshed.candidates == whole.candidates
    tracks = {candidate.service_id: Track(4, index % 5) for index, candidate in enumerate(whole.candidates)}
    attendance = Attendance.of(tracks)
    for criteria in SEARCHES:
        assert refreshed.rank(criteria, PERSON, LABELS, attendance) == whole.rank(
            criteria, PERSON, LABELS, attendance
        )
    return whole


def edit(database: Database, actor: Actor, service_id: int, entry: ServiceEntry) -> None:
    with database.session() as session:
        version = directory.get_service(session, actor, service_id).version
        directory.update_service(session, actor, service_id, version, entry)


def test_each_change_reads_only_the_changed_services(database: Database, worker: Actor) -> None:
    ids = add_services(
        database,
        worker,
        Spec("Walk", ("physical_activity",), km=1.0, sessions=(EVENINGS, MORNINGS)),
        Spec("Choir", ("loneliness",), km=2.0, shared=True),
        Spec("Allotment", ("loneliness", "physical_activity"), km=4.0, min_age=18, max_age=80),
        Spec("Far club", ("loneliness",), km=None, postcode="ME15 6AA"),
        Spec("Their club", ("loneliness",), elsewhere=True),
        Spec("Closed club", ("loneliness",), status=ServiceStatus.TEMPORARILY_CLOSED),
    )
    first, read = next_search(database, worker.pcn_id)
    assert read == len(first) == 4
    with database.session() as session:
        club = directory.create_service(session, worker, ENTRY).id
    assert [one.name for one in assert_refreshed(database, worker.pcn_id, {club}).candidates] == [
        "Allotment",
        "Choir",
        "Far club",
        "Friendship Club",
        "Walk",
    ]

    # A rename that moves it in the order, new needs, venue and times.
    moved = replace(
        ENTRY,
        name="A walk and talk",
        needs=("loneliness", "physical_activity"),
        locations=(LocationEntry("Mote Park", None, "Maidstone", "ME15 7SX", "51.27", "0.55"),),
        schedules=(ScheduleEntry(("TU", "TH"), "18:30", "20:00", location_index=0),),
    )
    edit(database, worker, club, moved)
    assert assert_refreshed(database, worker.pcn_id, {club}).candidates[0].service_id == club

    edit(database, worker, club, replace(moved, status=ServiceStatus.TEMPORARILY_CLOSED.value))
    assert club not in {
        one.service_id for one in assert_refreshed(database, worker.pcn_id, {club}).candidates
    }
    edit(database, worker, club, moved)  # open again
    assert club in {one.service_id for one in assert_refreshed(database, worker.pcn_id, {club}).candidates}

    with database.session() as session:
        choir = session.get(Service, ids["Choir"])
        assert choir is not None
        session.delete(choir)
    assert len(assert_refreshed(database, worker.pcn_id, {ids["Choir"]})) == 4

    # Changes the PCN cannot match to (another PCN's service, a closed one's) read nothing new
    # and keep the table.
    held, _ = next_search(database, worker.pcn_id)
    with database.session() as session:
        for name in ("Their club", "Closed club"):
            service = session.get(Service, ids[name])
            assert service is not None
            service.name = f"{name} (renamed)"
    assert next_search(database, worker.pcn_id) == (held, 0)


def test_an_import_and_a_taxonomy_mapping_read_only_their_services(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager, worker = actors[Role.MANAGER], actors[Role.LINK_WORKER]
    add_services(
        database,
        worker,
        *(Spec(f"Club {number}", ("loneliness",), km=number / 2) for number in range(1, 7)),
        Spec("Shared walk", ("physical_activity",), shared=True),
    )
    next_search(database, worker.pcn_id)

    def imported() -> set[int]:
        with database.read_session() as session:
            return set(session.scalars(select(Service.id).where(Service.oruk_id.is_not(None))))

    assert import_feed(database, manager, PAGE).added == 3
    assert_refreshed(database, worker.pcn_id, imported())
    with database.session() as session:
        exercise = next(
            mapping for mapping in taxonomy.mappings(session, manager) if mapping.term_id == "100"
        )
        taxonomy.set_mapping(session, manager, exercise.id, exercise.version, "physical_activity")
        carriers = set(
            session.scalars(select(ServiceTaxonomy.service_id).where(ServiceTaxonomy.term_id == "100"))
        )
    mapped = assert_refreshed(database, worker.pcn_id, carriers)
    assert carriers & {one.service_id for one in mapped.candidates}, "a carrier now has a need"
    again = import_feed(database, manager, PAGE)
    assert (again.updated, again.unchanged) == (0, 3)  # the same feed again writes nothing (issue 16)
    assert_refreshed(database, worker.pcn_id, set())  # so the next search reads no row again


def test_a_change_to_most_of_the_directory_reads_it_whole(
    database: Database, worker: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory_table, "_FEW", 2)  # so a handful of services is "most"
    ids = add_services(database, worker, *(Spec(f"Club {number}", ("loneliness",)) for number in range(1, 5)))
    next_search(database, worker.pcn_id)
    with database.session() as session:
        for service_id in list(ids.values())[:3]:
            service = session.get(Service, service_id)
            assert service is not None
            service.name = f"{service.name} (renamed)"
    assert_refreshed(database, worker.pcn_id, ids.values())  # all of them, the unchanged one too


def test_a_service_moved_between_pcns_leaves_or_joins_the_table(database: Database, worker: Actor) -> None:
    ids = add_services(
        database,
        worker,
        Spec("Walk", ("physical_activity",)),
        Spec("Choir", ("loneliness",), km=3.0),
        Spec("Their club", ("loneliness",), elsewhere=True),
    )
    next_search(database, worker.pcn_id)
    with database.session() as session:
        walk, theirs = session.get(Service, ids["Walk"]), session.get(Service, ids["Their club"])
        assert walk is not None and theirs is not None
        walk.pcn_id, theirs.pcn_id = theirs.pcn_id, None
    table = assert_refreshed(database, worker.pcn_id, {ids["Walk"], ids["Their club"]})
    assert [one.name for one in table.candidates] == ["Choir", "Their club"]
