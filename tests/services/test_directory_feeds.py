"""Live ORUK feeds through the services: a read previews and writes only its audit event; an
import adds and updates as a file import does and keeps the feed's record; a refresh says what
changed and closes (never deletes) a service that vanished; a repeated service is imported once."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_feeds
from linkworker.services.directory.directory_feeds import FeedImportResult
from linkworker.services.directory.directory_import import ImportRefused
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Service
from tests.interchange.test_oruk_feed import QUICK, OrukServer, records, service_record


def read_and_import(database: Database, actor: Actor, address: str) -> FeedImportResult:
    with database.session() as session:
        checked = directory_feeds.read(session, actor, address, politeness=QUICK)
    with database.session() as session:
        return directory_feeds.commit(session, actor, checked)


def events(database: Database, action: str) -> list[AuditEvent]:
    with database.session() as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
    return found


def service_states(database: Database) -> dict[str, tuple[str, str, list[str]]]:
    with database.session() as session:
        return {
            service.oruk_id or "": (service.name, service.status, list(service.import_problems))
            for service in session.scalars(select(Service))
        }


def test_a_read_shows_the_preview_and_writes_nothing_but_its_audit_event(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    oruk = OrukServer(httpserver, records(3))
    with database.session() as session:
        checked = directory_feeds.read(
            session, actors[Role.MANAGER], oruk.address + "/services?api_key=secret", politeness=QUICK
        )

    assert [service.oruk_id for service in checked.new] == ["svc-00001", "svc-00002", "svc-00003"]
    lines = directory_feeds.summary(checked)
    assert lines[1] == "Read 2 pages of the service list and 3 full records."
    assert "Ready to import: 3 new services, 0 updates of services imported before." in lines
    assert service_states(database) == {}
    with database.session() as session:
        assert directory_feeds.saved_feeds(session, actors[Role.MANAGER]) == []
    [event] = events(database, "directory_feed_read")
    assert event.detail is not None and event.detail.startswith(
        f"address={oruk.address}; pages=2; services=3"
    )
    assert "secret" not in event.detail and "Community group" not in event.detail


def test_an_import_keeps_the_feed_with_when_it_was_read_and_what_it_added(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    oruk = OrukServer(httpserver, records(5))
    result = read_and_import(database, actors[Role.LINK_WORKER], oruk.address)

    assert (result.added, result.updated, result.unchanged, result.closed, result.skipped) == (5, 0, 0, 0, 0)
    assert len(service_states(database)) == 5
    with database.session() as session:
        [saved] = directory_feeds.saved_feeds(session, actors[Role.MANAGER])
    assert saved.address == oruk.address and saved.last_read_at is not None
    assert saved.last_read_by == "Wren Worker" and (saved.added, saved.closed, saved.services) == (5, 0, 5)
    [event] = events(database, "directory_feed_imported")
    assert event.detail == (
        f"address={oruk.address}; added=5; updated=0; unchanged=0; closed=0; flagged=0; skipped=0"
    )


def test_a_refresh_says_what_changed_and_closes_a_vanished_service_without_deleting_it(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    manager = actors[Role.MANAGER]
    oruk = OrukServer(httpserver, records(4))
    read_and_import(database, manager, oruk.address)
    renamed = service_record(2, name="Community group two, renamed")
    oruk.set_records([service_record(1), renamed, service_record(3), service_record(7)])  # 4 gone, 7 new

    with database.session() as session:
        checked = directory_feeds.read(session, manager, oruk.address, politeness=QUICK)
    assert [service.oruk_id for service in checked.closing] == ["svc-00004"]
    closing = [
        problem for problem in directory_feeds.problem_list(checked) if problem.record_id == "svc-00004"
    ]
    assert [(problem.known_as, problem.message) for problem in closing] == [
        ("Community group 4", "No longer in the feed: will be marked closed and flagged for checking.")
    ]
    with database.session() as session:
        result = directory_feeds.commit(session, manager, checked)

    assert (result.added, result.updated, result.unchanged, result.closed) == (1, 1, 2, 1)
    states = service_states(database)
    assert len(states) == 5
    _name, status, problems = states["svc-00004"]
    assert status == "defunct" and len(problems) == 1
    assert problems[0].startswith(f"No longer in the feed {oruk.address} (read ")
    assert states["svc-00002"][0] == "Community group two, renamed"
    with database.session() as session:
        [saved] = directory_feeds.saved_feeds(session, manager)
    assert (saved.added, saved.updated, saved.unchanged, saved.closed, saved.services) == (1, 1, 2, 1, 4)
    assert len(events(database, "service_closed_by_feed")) == 1

    again = read_and_import(database, manager, oruk.address)  # nothing changed since
    assert (again.added, again.updated, again.unchanged, again.closed) == (0, 0, 4, 0)


def test_a_service_that_comes_back_is_opened_again_by_the_feed(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    manager = actors[Role.MANAGER]
    oruk = OrukServer(httpserver, records(2))
    read_and_import(database, manager, oruk.address)
    oruk.set_records([service_record(1)])
    read_and_import(database, manager, oruk.address)
    oruk.set_records(records(2))

    result = read_and_import(database, manager, oruk.address)

    assert (result.added, result.updated, result.closed) == (0, 1, 0)
    assert service_states(database)["svc-00002"][1:] == ("active", [])


def test_a_service_listed_twice_is_imported_once(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    oruk = OrukServer(httpserver, records(4))
    oruk.pages = {2: ["svc-00001", "svc-00003", "svc-00004"]}

    result = read_and_import(database, actors[Role.MANAGER], oruk.address)

    assert result.added == 4
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Service)) == 4


def test_a_feed_can_be_saved_before_it_is_read_and_forgotten_leaving_its_services(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    manager = actors[Role.MANAGER]
    oruk = OrukServer(httpserver, records(2))
    with database.session() as session:
        feed_id = directory_feeds.save(session, manager, oruk.address + "/services/")
        assert directory_feeds.save(session, manager, oruk.address) == feed_id
    with database.session() as session:
        [saved] = directory_feeds.saved_feeds(session, manager)
    assert (saved.address, saved.last_read_at, saved.added) == (oruk.address, None, None)
    read_and_import(database, manager, oruk.address)

    with database.session() as session:
        directory_feeds.forget(session, manager, feed_id)
    with database.session() as session:
        assert directory_feeds.saved_feeds(session, manager) == []
    assert len(service_states(database)) == 2
    assert [event.detail for event in events(database, "directory_feed_forgotten")] == [
        f"address={oruk.address}"
    ]


def test_a_feed_that_suddenly_lists_nothing_closes_nothing(
    database: Database, actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    manager = actors[Role.MANAGER]
    oruk = OrukServer(httpserver, records(2))
    read_and_import(database, manager, oruk.address)
    oruk.set_records([])

    with pytest.raises(ImportRefused) as refused, database.session() as session:
        directory_feeds.read(session, manager, oruk.address, politeness=QUICK)

    assert str(refused.value) == (
        f"The feed at {oruk.address} lists no services, so nothing was imported and nothing closed. "
        "If it is really empty, forget the saved feed."
    )
    assert {state[1] for state in service_states(database).values()} == {"active"}
