"""Exporting the directory as ORUK CSV tables and importing them again changes nothing: not a
service's fields, venues, times or terms, nor what the tables have no room for (languages,
waiting time, access routes), which an import of the tables leaves as it was."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, time
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.roles import Role
from linkworker.interchange.oruk import (
    NO_ORGANISATION,
    OrukContact,
    OrukLocation,
    OrukSchedule,
    OrukService,
    OrukServiceArea,
    Severity,
    Term,
)
from linkworker.interchange.oruk_csv import read_csv_folder, write_csv_folder
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_export
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Service, ServiceLocation, ServiceSchedule
from tests.interchange.test_oruk_csv_datapackage import carried
from tests.services.oruk_feeds import PAGE, TABLES, import_feed


def stored(database: Database) -> dict[int, tuple[object, ...]]:
    """Every service as stored, with its venues, times, terms and needs, by id."""
    with database.session() as session:
        services = session.scalars(select(Service).order_by(Service.id)).all()
        return {
            service.id: (
                service.version_id,
                service.oruk_id,
                service.name,
                service.organisation_name,
                service.organisation_oruk_id,
                service.organisation_description,
                service.description,
                service.url,
                service.email,
                service.phone,
                service.phone_oruk_id,
                service.status,
                service.cost_kind,
                service.cost_note,
                service.access_routes,
                service.accessibility,
                service.languages,
                service.min_age,
                service.max_age,
                service.waiting_time,
                service.last_verified_on,
                service.oruk_contacts,
                service.oruk_service_areas,
                service.import_problems,
                [_place(place) for place in service.locations],
                sorted(_time(time) for time in service.schedules),
                sorted((term.vocabulary, term.term_id, term.term_name) for term in service.taxonomy),
                sorted(need.need_code for need in service.needs),
            )
            for service in services
        }


def _place(place: ServiceLocation) -> tuple[object, ...]:
    return (place.oruk_id, place.name, place.address_line_1, place.town, place.postcode, place.latitude,
            place.longitude)  # fmt: skip


def _time(time: ServiceSchedule) -> tuple[str, ...]:
    return (time.oruk_id or "", time.freq, time.byday or "", str(time.opens_at), str(time.closes_at),
            time.description or "")  # fmt: skip


def export_and_import(database: Database, manager: Actor, folder: Path) -> None:
    """Export the directory as tables into ``folder``, import them again: nothing may change."""
    with database.session() as session:
        directory_export.export(session, manager, folder)
    before = stored(database)
    result = import_feed(database, manager, folder)
    after = stored(database)
    assert {key: after[key] for key in after if after[key] != before[key]} == {}
    assert (result.added, result.updated, result.unchanged) == (0, 0, len(before))
    with database.session() as session:
        updated = session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "service_updated_by_import")
        ).all()
    assert updated == [], "no service was updated by importing its own export"


def test_the_csv_export_imported_again_changes_nothing(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    export_and_import(database, manager, tmp_path / "export")


def test_a_service_without_an_organisation_exported_and_imported_again_is_unchanged(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, TABLES)
    export_and_import(database, manager, tmp_path / "export")


def test_a_feed_of_services_sharing_venues_exported_and_imported_again_is_unchanged(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    """Real feeds list one venue for several services; in the tables it is one row."""
    hall: dict[str, object] = {
        "id": "venue-1",
        "location_type": "physical",
        "name": "Village Hall",
        "accessibility": [{"id": "acc-1", "description": "Step-free"}],
    }
    park = {
        **hall,
        "id": "venue-2",
        "name": "Mote Park",
        "accessibility": [{"id": "acc-2", "description": "Benches"}],
    }

    def service(number: int, name: str, *places: dict[str, object]) -> dict[str, object]:
        return {
            "id": f"svc-{number}",
            "name": name,
            "status": "active",
            "organization": {"id": "org-1", "name": "Testvale Leisure", "description": "Leisure for all"},
            "cost_options": [{"id": f"cost-{number}", "option": "Free", "amount": 0}],
            "service_at_locations": [
                {"id": f"sal-{number}-{place['id']}", "location": place} for place in places
            ],
        }

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([service(1, "Health Walk", hall, park), service(2, "Choir", hall)]), "utf-8")
    manager = actors[Role.MANAGER]
    import_feed(database, manager, feed)
    with database.session() as session:
        assert sorted(tuple(s.accessibility) for s in session.scalars(select(Service))) == [
            ("Step-free",), ("Step-free", "Benches"),
        ]  # fmt: skip
    export_and_import(database, manager, tmp_path / "export")


def test_what_the_tables_have_no_room_for_is_left_as_it_was(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    with database.session() as session:
        walks = next(service for service in session.scalars(select(Service)) if service.languages)
        kept = (walks.id, walks.languages, walks.access_routes, walks.waiting_time)
        assert all(kept), "the service has each of them to keep"
        directory_export.export(session, manager, tmp_path / "export")
    import_feed(database, manager, tmp_path / "export")
    with database.session() as session:
        again = session.get(Service, kept[0])
        assert again is not None
        assert (again.id, again.languages, again.access_routes, again.waiting_time) == kept


# Any service, written as tables and read back: the same, for all the tables have room for

TEXT = st.text(
    alphabet=st.sampled_from([*"aZé£\u2019 0,;\"'=+-@\t\n", "\u00a0", "ß", "Ω"]), min_size=1, max_size=24
).map(str.strip).filter(bool)  # fmt: skip
MAYBE_TEXT = st.none() | TEXT
PLACES = st.builds(
    OrukLocation,
    name=MAYBE_TEXT,
    address_1=st.none(),
    latitude=st.none(),
    oruk_id=st.sampled_from([None, "venue-1", "venue-2"]),
).flatmap(
    lambda place: st.one_of(
        st.just(place),
        st.builds(
            lambda address, town, code, spot: replace(
                place, address_1=address, town=town, postcode=code, latitude=spot[0], longitude=spot[1]
            ),
            TEXT,
            TEXT,
            st.sampled_from(["ME14 1XX", "ME4 4AA", "SW1A 1AA"]),
            st.tuples(st.floats(50.0, 58.0), st.floats(-5.0, 1.5)),
        ),
    )
)


@st.composite
def services(draw: st.DrawFn) -> OrukService:
    """A service as Linkworker could keep it, its text as awkward for a CSV file as can be."""
    places = tuple(draw(st.lists(PLACES, max_size=3, unique_by=lambda place: place.oruk_id or object())))
    schedules = draw(
        st.lists(
            st.builds(
                OrukSchedule,
                freq=st.sampled_from(["WEEKLY", "MONTHLY"]),
                byday=st.sampled_from([None, "MO", "TU,TH", "1SA"]),
                opens_at=st.none() | st.times().map(lambda at: time(at.hour, at.minute)),
                closes_at=st.none() | st.times().map(lambda at: time(at.hour, at.minute)),
                description=MAYBE_TEXT,
                location=st.none() | st.integers(0, len(places) - 1) if places else st.none(),
            ),
            max_size=3,
        )
    )
    schedules.sort(key=lambda schedule: (schedule.location is None, schedule.location or 0))
    codes = st.sampled_from(["1", "2", "-3"]) | TEXT
    terms = draw(st.lists(st.builds(Term, st.sampled_from(["esd-needs", "lga"]), codes, TEXT), max_size=3))
    ages = sorted(draw(st.lists(st.integers(0, 120), min_size=2, max_size=2)))
    kind = draw(st.sampled_from(list(CostKind)))
    organisation = draw(st.sampled_from(["Testvale Leisure", "=Friends, of the Park"]) | TEXT)
    return OrukService(
        oruk_id=draw(st.sampled_from(["svc-1", "7d3c2a1b-0000-4000-8000-00000000abcd"])),
        name=draw(TEXT),
        organisation_name=organisation,
        organisation_id=draw(st.sampled_from([None, "org-1"])),
        organisation_description=draw(MAYBE_TEXT.filter(lambda text: text != organisation)),
        organisation_url=draw(st.sampled_from([None, "https://org.example.org/a?b=c;d"])),
        organisation_email=draw(st.sampled_from([None, "office@org.example.org"])),
        description=draw(MAYBE_TEXT),
        url=draw(st.sampled_from([None, "https://example.org", 'https://example.org/a,b;c?d="e"'])),
        email=draw(st.sampled_from([None, "hello@example.org"])),
        phone=draw(st.sampled_from([None, "01632 960123", "+44 1632 960123"])),
        status=draw(st.sampled_from(list(ServiceStatus))),
        cost_kind=kind,
        cost_note=draw(
            MAYBE_TEXT.filter(lambda note: kind is not CostKind.FREE or (note or "").casefold() != "free")
        ),
        accessibility=tuple(dict.fromkeys(draw(st.lists(TEXT, max_size=2)))) if places else (),
        min_age=draw(st.none() | st.just(ages[0])),
        max_age=draw(st.none() | st.just(ages[1])),
        verified_on=draw(st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31))),
        locations=places,
        schedules=tuple(schedules),
        terms=tuple({(term.vocabulary, term.term_id): term for term in terms}.values()),
        contacts=tuple(
            draw(
                st.lists(
                    st.builds(
                        OrukContact,
                        name=TEXT,
                        title=MAYBE_TEXT,
                        phone=st.sampled_from([None, "0300 123 4567"]),
                    ),
                    max_size=2,
                )
            )
        ),
        service_areas=tuple(
            draw(st.lists(st.builds(OrukServiceArea, name=MAYBE_TEXT, description=MAYBE_TEXT), max_size=2))
        ),
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(services(), min_size=1, max_size=3))
def test_any_services_written_as_tables_read_back_the_same(drawn: list[OrukService]) -> None:
    """Any services, sharing venues, organisations and terms by id or not, as the tables have
    room for them."""
    directory = [
        replace(service, oruk_id=f"{service.oruk_id}-{number}") for number, service in enumerate(drawn)
    ]
    with TemporaryDirectory() as folder:
        write_csv_folder(Path(folder), directory)
        feed = read_csv_folder(Path(folder))
    assert [problem.text() for problem in feed.problems if problem.severity is not Severity.NOTE] == []
    assert [carried(service) for service in feed.services] == [carried(service) for service in directory]


# Venues and organisations several services share: one row each in the tables

HALL = OrukLocation("Village Hall", "1 Mill Lane", "Maidstone", "ME14 1XX", 51.27, 0.52, oruk_id="venue-1")
PARK = OrukLocation("Mote Park", oruk_id="venue-2")
WALK = OrukService(
    "walk-1",
    "Health Walk",
    "Testvale Leisure",
    locations=(HALL, PARK),
    accessibility=("Step-free", "Benches"),
)
CHOIR = OrukService(
    "choir-1", "Community Choir", "Testvale Leisure", locations=(HALL,), accessibility=("Step-free",)
)


def written_and_read(folder: Path, *services: OrukService) -> dict[str, OrukService]:
    write_csv_folder(folder, services)
    return {service.name: service for service in read_csv_folder(folder).services}


def test_a_venue_services_share_is_one_row_and_each_keeps_its_own_accessibility(tmp_path: Path) -> None:
    """Linkworker keeps accessibility with the service, ORUK's tables with the venue: a venue's
    rows hold what every service there has, so each service reads back exactly its own."""
    back = written_and_read(tmp_path, WALK, CHOIR)
    assert back[WALK.name].accessibility == WALK.accessibility
    assert back[CHOIR.name].accessibility == CHOIR.accessibility
    assert back[WALK.name].locations[0].oruk_id == back[CHOIR.name].locations[0].oruk_id
    assert back[CHOIR.name].locations == CHOIR.locations


def test_a_shared_venue_one_service_has_changed_is_written_apart_for_it(tmp_path: Path) -> None:
    """Content before ids: a service whose copy of a shared venue differs gets a venue of its
    own in the tables (under an id made from its own), so neither service's venue changes."""
    moved = replace(CHOIR, locations=(replace(HALL, name="Church Hall"),), accessibility=("Hearing loop",))
    back = written_and_read(tmp_path, WALK, moved)
    assert (back[moved.name].locations, back[moved.name].accessibility) == (
        moved.locations,
        moved.accessibility,
    )
    assert (back[WALK.name].locations, back[WALK.name].accessibility) == (WALK.locations, WALK.accessibility)
    assert back[moved.name].locations[0].oruk_id != back[WALK.name].locations[0].oruk_id


def test_an_organisation_named_as_its_service_is_not_taken_for_the_one_an_export_makes_up(
    tmp_path: Path,
) -> None:
    """Found by hypothesis: a real organisation with the service's own name, no id and no
    description was written exactly as the stand-in for a service with none, and read back as
    no organisation. The stand-in now has an id made from the service's own."""
    named = OrukService("hall-1", "Village Hall", "Village Hall")
    alone = OrukService("quiz-1", "Pub Quiz", None)
    back = written_and_read(tmp_path, named, alone)
    assert back["Village Hall"].organisation_name == "Village Hall"
    assert not back["Pub Quiz"].organisation_name
    flagged = [problem for problem in read_csv_folder(tmp_path).problems if NO_ORGANISATION in problem.text()]
    assert len(flagged) == 1, "only the service that had none is flagged"


def test_a_shared_organisation_one_service_has_changed_is_written_apart_for_it(tmp_path: Path) -> None:
    walk = replace(WALK, organisation_id="org-1", organisation_description="Leisure for all")
    choir = replace(CHOIR, organisation_id="org-1", organisation_description="Music and leisure")
    back = written_and_read(tmp_path, walk, choir)
    assert back[walk.name].organisation_description == "Leisure for all"
    assert back[choir.name].organisation_description == "Music and leisure"
    same = written_and_read(
        tmp_path / "same", walk, replace(choir, organisation_description="Leisure for all")
    )
    assert same[walk.name].organisation_id == same[choir.name].organisation_id, "one row when they agree"
