"""The directory on real databases: search and filters in SQL, paging, editing with optimistic
locking, verification, the stale period, usage, permissions and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, time, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from linkworker.domain.breakdowns import Count, exact, rule_reading
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED
from linkworker.domain.errors import FormErrors
from linkworker.domain.roles import Permission, Role
from linkworker.domain.schedule import TimeSlot
from linkworker.domain.service_entry import LocationEntry, ScheduleEntry, ServiceEntry
from linkworker.services.actor import Actor
from linkworker.services.cases.connections import ServiceUsage
from linkworker.services.directory import directory
from linkworker.services.directory.directory import DirectoryQuery, SortKey
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Service, ServiceSchedule, ServiceTaxonomy
from tests.services.casework_builder import connection, new_case

T = TypeVar("T")
TODAY = date(2026, 3, 18)
ENTRY = ServiceEntry(
    organisation_name="Medway Good Neighbours",
    name="Friendship Club",
    description="Tea, cake and a chat at the Café.",
    needs=("loneliness",),
    locations=(LocationEntry("St Mary's Hall", "1 Church Lane", "Gillingham", "ME7 1AA", "51.38", "0.55"),),
    schedules=(ScheduleEntry(("TU",), "10:00", "12:00", location_index=0),),
    cost_kind="free",
    status="active",
)


def run(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


def add(database: Database, actor: Actor, entry: ServiceEntry = ENTRY, **changes: object) -> int:
    made = run(
        database,
        lambda session: directory.create_service(
            session, actor, replace(entry, **changes), verified=True, today=TODAY
        ),
    )
    return made.id


def names(database: Database, actor: Actor, query: DirectoryQuery, today: date = TODAY) -> list[str]:
    found = run(database, lambda session: directory.first_page(session, actor, query, 50, today=today))
    assert found.total == len(found.page.rows)
    return [row.name for row in found.page.rows]


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


def test_search_finds_the_start_of_any_word_of_name_organisation_or_description(
    database: Database, worker: Actor
) -> None:
    add(database, worker)
    add(database, worker, name="Health Walk", organisation_name="Kent Walks", description="Easy walks.")
    add(database, worker, name="Men's Shed", organisation_name="Chatham Shed", description=None)

    assert names(database, worker, DirectoryQuery(search="frie")) == ["Friendship Club"]
    assert names(database, worker, DirectoryQuery(search="CLUB friend")) == ["Friendship Club"]
    assert names(database, worker, DirectoryQuery(search="cafe")) == ["Friendship Club"], "accents aside"
    assert names(database, worker, DirectoryQuery(search="neighbour")) == ["Friendship Club"]
    assert names(database, worker, DirectoryQuery(search="mens")) == ["Men's Shed"]
    assert names(database, worker, DirectoryQuery(search="men's")) == ["Men's Shed"]
    assert names(database, worker, DirectoryQuery(search="iendship")) == [], "only the start of a word"
    assert names(database, worker, DirectoryQuery(search="walk club")) == [], "every word must match"
    assert names(database, worker, DirectoryQuery(search="100%_")) == []
    assert names(database, worker, DirectoryQuery(search="  ")) == [
        "Friendship Club",
        "Health Walk",
        "Men's Shed",
    ]


def test_filters_by_need_status_cost_stale_and_flagged(database: Database, worker: Actor) -> None:
    add(database, worker)
    walk = add(database, worker, name="Health Walk", needs=("physical_activity",), cost_kind="low cost")
    closed = add(database, worker, name="Lunch Club", status="Temporarily closed")
    old = add(database, worker, name="Old Choir")
    with database.session() as session:
        session.execute(
            update(Service).where(Service.id == old).values(last_verified_on=TODAY - timedelta(days=200))
        )
        session.execute(
            update(Service).where(Service.id == closed).values(import_problems=["postcode is not UK"])
        )

    assert names(database, worker, DirectoryQuery(need="physical_activity")) == ["Health Walk"]
    assert names(database, worker, DirectoryQuery(status=ServiceStatus.TEMPORARILY_CLOSED)) == ["Lunch Club"]
    assert names(database, worker, DirectoryQuery(cost=CostKind.LOW_COST)) == ["Health Walk"]
    assert names(database, worker, DirectoryQuery(stale_only=True)) == ["Old Choir"]
    assert names(database, worker, DirectoryQuery(flagged_only=True)) == ["Lunch Club"]
    rows = run(
        database, lambda session: directory.page(session, worker, DirectoryQuery(), 0, 10, today=TODAY)
    ).rows
    by_name = {row.name: row for row in rows}
    assert by_name["Old Choir"].stale and not by_name["Friendship Club"].stale
    assert by_name["Lunch Club"].flagged and not by_name["Old Choir"].flagged
    assert by_name["Health Walk"].needs == ("Physical activity",)
    assert by_name["Health Walk"].id == walk

    # A longer stale period, set by the manager, makes the old entry current again.
    run(
        database,
        lambda session: directory.set_stale_after_months(session, manager_of(database, worker), "12"),
    )
    assert names(database, worker, DirectoryQuery(stale_only=True)) == []


def manager_of(database: Database, worker: Actor) -> Actor:
    return Actor(worker.user_id, worker.username, worker.full_name, Role.MANAGER, worker.pcn_id)


def test_only_this_pcns_entries_and_shared_ones_are_shown(database: Database, worker: Actor) -> None:
    mine = add(database, worker, name="Ours")
    with database.session() as session:
        other = Pcn(name="Elsewhere PCN", ods_code="U99902")
        session.add(other)
        session.flush()
        for pcn_id, name in ((other.id, "Theirs"), (None, "Shared")):
            session.add(
                Service(
                    pcn_id=pcn_id,
                    organisation_name="Org",
                    name=name,
                    cost_kind="free",
                    status="active",
                    import_problems=[],
                )
            )
        session.flush()
        theirs = session.scalar(select(Service.id).where(Service.name == "Theirs"))
    assert names(database, worker, DirectoryQuery()) == ["Ours", "Shared"]
    assert run(database, lambda session: directory.get_service(session, worker, mine)).name == "Ours"
    with pytest.raises(NotFound):
        run(database, lambda session: directory.get_service(session, worker, theirs or 0))


def test_pages_follow_one_order_with_no_gaps(database: Database, worker: Actor) -> None:
    for name in ("b club", "A Club", "C club", "a club", "D club"):
        add(database, worker, name=name)
    first = run(
        database, lambda session: directory.first_page(session, worker, DirectoryQuery(), 2, today=TODAY)
    )
    second = run(
        database, lambda session: directory.page(session, worker, DirectoryQuery(), 2, 2, today=TODAY)
    )
    third = run(
        database, lambda session: directory.page(session, worker, DirectoryQuery(), 4, 2, today=TODAY)
    )

    assert first.total == 5 and first.page.has_more and second.has_more and not third.has_more
    shown = [row.name for page in (first.page, second, third) for row in page.rows]
    assert shown == ["A Club", "a club", "b club", "C club", "D club"]
    newest_first = DirectoryQuery(sort=SortKey.NAME, descending=True)
    assert names(database, worker, newest_first)[0] == "D club"
    with pytest.raises(ValueError, match="a page"):
        run(database, lambda session: directory.page(session, worker, DirectoryQuery(), 0, 0))


def test_an_entry_reads_back_whole_with_its_schedule_meaning(database: Database, worker: Actor) -> None:
    evening = ScheduleEntry(("TH",), "18:30", "20:30", "Second hall")
    service_id = add(database, worker, schedules=(*ENTRY.schedules, evening, ScheduleEntry(("SA",))))
    detail = run(database, lambda session: directory.get_service(session, worker, service_id, today=TODAY))

    assert (detail.organisation_name, detail.name, detail.needs) == (
        "Medway Good Neighbours",
        "Friendship Club",
        ("loneliness",),
    )
    (venue,) = detail.locations
    assert venue.label == "St Mary's Hall, 1 Church Lane, Gillingham, ME7 1AA"
    assert [(s.byday, s.opens, s.location_id) for s in detail.schedules] == [
        ("TU", time(10), venue.id),
        ("TH", time(18, 30), None),
        ("SA", None, None),
    ]
    assert [s.slots for s in detail.schedules] == [
        {TimeSlot.WEEKDAY_DAYTIME},
        {TimeSlot.EVENING},
        {TimeSlot.WEEKEND},
    ]
    assert (detail.last_verified_on, detail.verified_by, detail.updated_by) == (
        TODAY,
        "Wren Worker",
        "Wren Worker",
    )
    assert not detail.stale and not detail.shared and detail.version == 1


def test_a_stale_save_is_refused_and_a_fresh_one_saved(database: Database, worker: Actor) -> None:
    service_id = add(database, worker)
    opened = run(database, lambda session: directory.get_service(session, worker, service_id))
    # Someone else changes only the times: the entry still gets a new version.
    later = replace(ENTRY, schedules=(ScheduleEntry(("WE",), "10:00", "11:00"),))
    saved = run(
        database, lambda session: directory.update_service(session, worker, service_id, opened.version, later)
    )
    assert saved.version == opened.version + 1

    with pytest.raises(StaleEdit, match="Someone else changed this directory entry"):
        run(
            database,
            lambda session: directory.update_service(session, worker, service_id, opened.version, ENTRY),
        )
    assert (
        run(database, lambda session: directory.get_service(session, worker, service_id)).schedules[0].byday
        == "WE"
    )


def test_editing_keeps_venues_by_id_and_clears_import_problems(database: Database, worker: Actor) -> None:
    service_id = add(database, worker)
    with database.session() as session:
        session.execute(
            update(Service).where(Service.id == service_id).values(import_problems=["bad postcode"])
        )
        session.add(
            ServiceTaxonomy(service_id=service_id, vocabulary="oruk", term_id="t1", term_name="Social")
        )
    before = run(database, lambda session: directory.get_service(session, worker, service_id))
    assert before.import_problems == ("bad postcode",) and before.taxonomy[0].term_name == "Social"
    venue = before.locations[0]
    edited = replace(
        ENTRY,
        name="Friendship Café",
        locations=(
            replace(ENTRY.locations[0], id=venue.id, town="Rainham"),
            LocationEntry(name="Library", postcode="ME8 7AB"),
        ),
        schedules=(ScheduleEntry(("MO",), "10:00", "11:00", location_index=1),),
    )
    after = run(
        database,
        lambda session: directory.update_service(session, worker, service_id, before.version, edited),
    )

    assert after.import_problems == ()
    assert [(location.id == venue.id, location.town) for location in after.locations] == [
        (True, "Rainham"),
        (False, None),
    ]
    assert after.schedules[0].location_id == after.locations[1].id
    assert names(database, worker, DirectoryQuery(search="cafe friendship")) == ["Friendship Café"]
    assert names(database, worker, DirectoryQuery(search="tea")) == ["Friendship Café"]


def test_an_imported_monthly_schedule_keeps_its_days_when_left_alone(
    database: Database, worker: Actor
) -> None:
    service_id = add(database, worker, schedules=(ScheduleEntry(("MO",), "10:00", "12:00"),))
    with database.session() as session:
        session.execute(update(ServiceSchedule).values(freq="MONTHLY", byday="1MO"))
    before = run(database, lambda session: directory.get_service(session, worker, service_id))
    kept = replace(ENTRY, schedules=(ScheduleEntry(("MO",), "10:30", "12:00", id=before.schedules[0].id),))
    after = run(
        database, lambda session: directory.update_service(session, worker, service_id, before.version, kept)
    )
    assert [(s.freq, s.byday, s.opens) for s in after.schedules] == [("MONTHLY", "1MO", time(10, 30))]


def test_marking_verified_records_today_and_who(database: Database, actors: dict[Role, Actor]) -> None:
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    service_id = run(database, lambda session: directory.create_service(session, worker, ENTRY)).id
    fresh = run(database, lambda session: directory.get_service(session, worker, service_id, today=TODAY))
    assert fresh.last_verified_on is None and fresh.stale

    verified = run(
        database,
        lambda session: directory.mark_verified(session, manager, service_id, fresh.version, today=TODAY),
    )
    assert (verified.last_verified_on, verified.verified_by, verified.stale) == (TODAY, "Max Manager", False)
    with pytest.raises(StaleEdit):
        run(database, lambda session: directory.mark_verified(session, manager, service_id, fresh.version))
    with database.session() as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.entity == "service")
        ).all()
    assert actions == [("service_created", service_id), ("service_verified", service_id)]


def test_bad_entries_are_refused_with_every_field(database: Database, worker: Actor) -> None:
    with pytest.raises(FormErrors) as caught:
        run(
            database,
            lambda session: directory.create_service(session, worker, replace(ENTRY, name="", needs=())),
        )
    assert {error.field for error in caught.value.errors} == {"name", "needs"}
    assert names(database, worker, DirectoryQuery()) == []


def test_only_managers_and_admins_set_the_stale_period(database: Database, actors: dict[Role, Actor]) -> None:
    with pytest.raises(PermissionDenied) as refused:
        run(database, lambda session: directory.set_stale_after_months(session, actors[Role.LINK_WORKER], 12))
    assert refused.value.permission is Permission.SET_PCN_POLICY
    assert (
        run(database, lambda session: directory.set_stale_after_months(session, actors[Role.ADMIN], 9)) == 9
    )
    choices = run(database, lambda session: directory.choices(session, actors[Role.MANAGER]))
    assert choices.stale_after_months == 9 and choices.may_set_stale_period and choices.may_edit
    assert "loneliness" in {need.code for need in choices.needs}
    worker_choices = run(database, lambda session: directory.choices(session, actors[Role.LINK_WORKER]))
    assert not worker_choices.may_set_stale_period


def test_usage_counts_people_connected_and_attended(
    database: Database, worker: Actor, actors: dict[Role, Actor]
) -> None:
    """A link worker sees a service used for 1 person as 1; a manager, under the PCN's rule, as *."""
    first, second = (new_case(database, worker, received_days_ago=40) for _ in range(2))
    connection(database, first, worker, days_ago=5, status=ConnectionStatus.ATTENDED, made_days_ago=20)
    connection(database, second, worker, days_ago=3, status=ConnectionStatus.REFERRED)
    with database.session() as session:
        service_ids = session.scalars(select(Service.id).order_by(Service.id)).all()

    def usage(actor: Actor) -> list[ServiceUsage]:
        return [
            run(database, lambda session, sid=sid: directory.get_service(session, actor, sid)).usage
            for sid in service_ids
        ]

    assert usage(worker) == [ServiceUsage(exact(1), exact(1), None), ServiceUsage(exact(1), exact(0), None)]
    starred = Count(STARRED)
    assert usage(actors[Role.MANAGER]) == [
        ServiceUsage(starred, starred, rule_reading(NHS_DIGITAL)),
        ServiceUsage(starred, Count("0"), rule_reading(NHS_DIGITAL)),
    ]
