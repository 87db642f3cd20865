"""The case's timeline tells how a referral or signposting was made and the note made with it
(issue 15: Refer / Signpost record the method and a note, and the case shows both)."""

from __future__ import annotations

from datetime import date

from linkworker.domain.connection_methods import ConnectionMethod
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import ConnectionEvent, TimelineKind, open_case
from linkworker.services.cases.connections import make_connection, record_outcome
from linkworker.store.database import Database
from linkworker.store.models import Service
from linkworker.ui.cases.case_columns import event_words
from tests.services.casework_builder import new_case


def _service(database: Database, worker: Actor, name: str) -> int:
    with database.session() as session:
        service = Service(
            pcn_id=worker.pcn_id,
            organisation_name="Maidstone Community Trust",
            name=name,
            cost_kind=CostKind.FREE.value,
            status=ServiceStatus.ACTIVE.value,
        )
        session.add(service)
        session.flush()
        return service.id


def test_the_timeline_shows_each_connections_method_and_note(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    case = new_case(database, worker)
    sheds, choir = _service(database, worker, "Men in Sheds"), _service(database, worker, "Community Choir")
    with database.session() as session:
        made = make_connection(
            session,
            worker,
            case,
            sheds,
            ConnectionStatus.REFERRED,
            date.today(),
            method=ConnectionMethod.EMAIL,
            note="Sent the form to Dave;\nhe rings back Fridays.",
        )
        record_outcome(
            session, worker, made.id, made.version, ConnectionStatus.ATTENDED, date.today(), "Went twice."
        )
        make_connection(session, worker, case, choir, ConnectionStatus.SIGNPOSTED, date.today())
    with database.session() as session:
        record = open_case(session, worker, case)
    steps = [entry for entry in record.timeline if entry.kind is TimelineKind.CONNECTION]
    assert all(isinstance(entry.item, ConnectionEvent) for entry in steps)
    assert [event_words(entry) for entry in steps] == [
        ("Signposted to Community Choir", "Maidstone Community Trust"),  # older ones have no method
        ("Attended Men in Sheds", "Went twice."),
        (
            "Referred to Men in Sheds (email)",
            "Maidstone Community Trust; note: Sent the form to Dave; he rings back Fridays.",
        ),
    ]
