"""Connecting a person to a service and recording how it went, on real databases: the rules,
the refusals, the audit trail, the case timeline, and how much a service has been used."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.directory import ConnectionStatus as S
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.case_record import open_case
from linkworker.services.connections import (
    ServiceUsage,
    make_connection,
    record_outcome,
    service_usage,
)
from linkworker.services.errors import NotFound, PermissionDenied, ServiceError, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Connection, Pcn, Referral, Service
from tests.services.casework_builder import connection, new_case, past_status

T = TypeVar("T")
TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    return new_case(database, worker, received_days_ago=30)


def run(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


def refusal(database: Database, work: Callable[[Session], object]) -> Exception:
    with pytest.raises((ValidationError, ServiceError)) as caught:
        run(database, work)
    return caught.value


def add_service(
    database: Database,
    pcn_id: int | None,
    name: str = "Tuesday Walking Group",
    status: ServiceStatus = ServiceStatus.ACTIVE,
) -> int:
    def work(session: Session) -> int:
        service = Service(
            pcn_id=pcn_id,
            organisation_name="Valley Ramblers",
            name=name,
            cost_kind=CostKind.FREE.value,
            status=status.value,
        )
        session.add(service)
        session.flush()
        return service.id

    return run(database, work)


@pytest.fixture
def service(database: Database, worker: Actor) -> int:
    return add_service(database, worker.pcn_id)


def connect(database: Database, worker: Actor, case: int, service: int, route=S.REFERRED, days_ago=5):
    return run(
        database, lambda session: make_connection(session, worker, case, service, route, ago(days_ago))
    )


def audit_rows(database: Database) -> list[tuple[str, int | None, str | None]]:
    return run(
        database,
        lambda session: [
            (event.action, event.entity_id, event.detail)
            for event in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(("connection_made", "connection_outcome")))
                .order_by(AuditEvent.id)
            )
        ],
    )


def test_a_referral_to_a_service_is_recorded_and_shows_on_the_case(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    made = connect(database, worker, case, service, "referred", days_ago=5)
    assert (made.service_id, made.service_name, made.organisation_name) == (
        service,
        "Tuesday Walking Group",
        "Valley Ramblers",
    )
    assert (made.route, made.made_on, made.status, made.status_on) == (S.REFERRED, ago(5), S.REFERRED, ago(5))
    assert (made.outcome, made.feedback, made.by, made.version) == (None, None, "Wren Worker", 1)

    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    assert record.connections == (made,)
    [event] = [entry for entry in record.timeline if entry.item.id == made.id and entry.kind == "connection"]
    assert (event.on, event.item.status, event.item.by) == (ago(5), S.REFERRED, "Wren Worker")
    assert audit_rows(database) == [
        ("connection_made", case, f"connection {made.id} to service {service}, referred")
    ]


def test_a_signposting_is_its_own_route(database: Database, worker: Actor, case: int, service: int) -> None:
    made = connect(database, worker, case, service, S.SIGNPOSTED, days_ago=0)
    assert (made.route, made.status, made.made_on) == (S.SIGNPOSTED, S.SIGNPOSTED, TODAY)


def test_the_route_and_day_follow_the_rules(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    wrong_route = refusal(database, lambda s: make_connection(s, worker, case, service, S.ATTENDED, TODAY))
    assert isinstance(wrong_route, ValidationError) and wrong_route.field == "route"
    tomorrow = TODAY + timedelta(days=1)
    future = refusal(database, lambda s: make_connection(s, worker, case, service, S.REFERRED, tomorrow))
    assert isinstance(future, ValidationError) and future.field == "made_on"
    early = refusal(database, lambda s: make_connection(s, worker, case, service, S.REFERRED, ago(31)))
    assert isinstance(early, ValidationError) and "before the referral was received" in early.message
    assert run(database, lambda session: session.scalar(select(Connection.id))) is None


def test_a_connection_still_waiting_is_not_made_twice(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    first = connect(database, worker, case, service, S.SIGNPOSTED, days_ago=9)
    again = refusal(database, lambda s: make_connection(s, worker, case, service, S.REFERRED, TODAY))
    assert str(again) == (
        f"This person was already signposted to Tuesday Walking Group on {ago(9):%d/%m/%Y}: "
        "record how that went instead."
    )
    run(database, lambda s: record_outcome(s, worker, first.id, 1, S.DID_NOT_ATTEND, ago(2), ""))
    second = connect(database, worker, case, service, S.REFERRED, days_ago=1)
    assert second.id != first.id  # referred again after a missed first go


def test_a_suggestion_is_taken_up_rather_than_repeated(database: Database, worker: Actor, case: int) -> None:
    suggested = connection(database, case, worker, 12, service_name="Sewing Circle", status=S.SUGGESTED)
    service = run(database, lambda s: s.get(Connection, suggested).service_id)
    made = connect(database, worker, case, service, S.REFERRED, days_ago=3)
    assert (made.id, made.status, made.made_on, made.version) == (suggested, S.REFERRED, ago(3), 2)
    assert run(database, lambda s: len(s.scalars(select(Connection.id)).all())) == 1


def test_only_active_services_of_this_directory_are_connected(
    database: Database, worker: Actor, case: int
) -> None:
    closed = add_service(database, worker.pcn_id, "Lunch Club", ServiceStatus.TEMPORARILY_CLOSED)
    shared = add_service(database, None, "County Advice Line")
    other = run(database, lambda s: _new_pcn(s))
    elsewhere = add_service(database, other, "Faraway Choir")

    not_running = refusal(database, lambda s: make_connection(s, worker, case, closed, S.REFERRED, TODAY))
    assert (
        str(not_running)
        == "Lunch Club is temporarily closed in the directory, so no one can be connected to it now."
    )
    not_ours = refusal(database, lambda s: make_connection(s, worker, case, elsewhere, S.REFERRED, TODAY))
    assert isinstance(not_ours, NotFound)
    assert isinstance(
        refusal(database, lambda s: make_connection(s, worker, case, 99_999, "referred", TODAY)), NotFound
    )
    assert connect(database, worker, case, shared, days_ago=0).service_name == "County Advice Line"


def test_an_ended_case_gets_no_new_connection(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    past_status(database, case, worker, 2, CaseStatus.CLOSED)
    ended = refusal(database, lambda s: make_connection(s, worker, case, service, S.REFERRED, TODAY))
    assert str(ended) == "This case has ended, so no new connection is made on it."


def test_roles_that_do_not_edit_cases_cannot_connect_or_record(
    database: Database, actors: dict[Role, Actor], case: int, service: int
) -> None:
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    made = connect(database, worker, case, service)
    for work in (
        lambda s: make_connection(s, manager, case, service, S.SIGNPOSTED, TODAY),
        lambda s: record_outcome(s, manager, made.id, made.version, S.ATTENDED, TODAY, ""),
    ):
        assert isinstance(refusal(database, work), PermissionDenied)


def test_an_outcome_is_recorded_with_feedback_and_shows_after_the_referral(
    database: Database, worker: Actor, actors: dict[Role, Actor], case: int, service: int
) -> None:
    made = connect(database, worker, case, service, days_ago=10)
    admin = actors[Role.ADMIN]
    went = run(
        database,
        lambda s: record_outcome(s, admin, made.id, made.version, "attended", ago(3), "  Loved the walk.  "),
    )
    assert (went.status, went.status_on, went.outcome, went.feedback) == (
        S.ATTENDED,
        ago(3),
        S.ATTENDED,
        "Loved the walk.",
    )
    assert (went.route, went.made_on, went.by, went.version) == (S.REFERRED, ago(10), "Ada Admin", 2)

    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    steps = [entry for entry in record.timeline if entry.kind == "connection"]
    assert [(step.on, step.item.status, step.item.by, step.item.feedback) for step in steps] == [
        (ago(3), S.ATTENDED, "Ada Admin", "Loved the walk."),
        (ago(10), S.REFERRED, None, None),  # who referred is not kept once an outcome is recorded
    ]
    assert audit_rows(database)[-1] == ("connection_outcome", case, f"connection {made.id}, attended")
    details = " ".join(detail or "" for _action, _id, detail in audit_rows(database))
    assert "Loved" not in details and "Orla" not in details


def test_a_stale_outcome_is_refused_and_nothing_changes(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    made = connect(database, worker, case, service, days_ago=10)
    run(
        database,
        lambda s: record_outcome(s, worker, made.id, made.version, S.DID_NOT_ATTEND, ago(4), "Unwell"),
    )
    stale = refusal(
        database,
        lambda s: record_outcome(s, worker, made.id, made.version, S.DECLINED, ago(1), "Not for them"),
    )
    assert isinstance(stale, StaleEdit)
    kept = run(database, lambda s: s.get(Connection, made.id))
    assert (kept.status, kept.feedback, kept.version_id) == (S.DID_NOT_ATTEND.value, "Unwell", 2)
    later = run(
        database, lambda s: record_outcome(s, worker, made.id, 2, S.ATTENDED, ago(1), "Went in the end")
    )
    assert (later.status, later.version) == (S.ATTENDED, 3)


def test_outcomes_follow_the_rules(database: Database, worker: Actor, case: int, service: int) -> None:
    made = connect(database, worker, case, service, days_ago=10)
    early = refusal(database, lambda s: record_outcome(s, worker, made.id, 1, S.ATTENDED, ago(11), ""))
    assert isinstance(early, ValidationError) and early.field == "on"
    not_outcome = refusal(database, lambda s: record_outcome(s, worker, made.id, 1, S.SIGNPOSTED, ago(1), ""))
    assert isinstance(not_outcome, ValidationError) and not_outcome.field == "status"
    run(database, lambda s: record_outcome(s, worker, made.id, 1, S.ATTENDED, ago(2), ""))
    backwards = refusal(database, lambda s: record_outcome(s, worker, made.id, 2, S.DECLINED, ago(1), ""))
    assert isinstance(backwards, ValidationError) and backwards.field == "status"
    long_text = refusal(
        database, lambda s: record_outcome(s, worker, made.id, 2, S.ATTENDED, TODAY, "x" * 10_001)
    )
    assert isinstance(long_text, ValidationError) and long_text.field == "feedback"


def test_another_pcns_connection_is_not_found(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    made = connect(database, worker, case, service, days_ago=10)
    run(database, lambda s: _move_case(s, case, _new_pcn(s)))
    for connection_id in (made.id, made.id + 1000):
        gone = refusal(
            database, lambda s, c=connection_id: record_outcome(s, worker, c, 1, S.ATTENDED, TODAY, "")
        )
        assert isinstance(gone, NotFound) and "not in your PCN" in str(gone)


def test_a_service_counts_the_people_it_was_used_for_and_who_attended(
    database: Database, actors: dict[Role, Actor], worker: Actor, service: int
) -> None:
    manager = actors[Role.MANAGER]
    assert run(database, lambda s: service_usage(s, manager, service)) == ServiceUsage(0, 0)
    cases = [new_case(database, worker, given_name=name) for name in ("Ada", "Bea", "Cal", "Dee")]
    went = connect(database, worker, cases[0], service, days_ago=9)
    run(database, lambda s: record_outcome(s, worker, went.id, 1, S.ATTENDED, ago(2), ""))
    connect(database, worker, cases[1], service, S.SIGNPOSTED, days_ago=4)
    missed = connect(database, worker, cases[2], service, days_ago=8)
    run(database, lambda s: record_outcome(s, worker, missed.id, 1, S.DID_NOT_ATTEND, ago(3), ""))
    # Bea's second episode, attended: still one person. A suggestion is not a use of the service.
    second = run(database, lambda s: _second_episode(s, cases[1]))
    connection_id = connect(database, worker, second, service, days_ago=1).id
    run(database, lambda s: record_outcome(s, worker, connection_id, 1, S.ATTENDED, TODAY, ""))
    suggestion = connection(database, cases[3], worker, 1, status=S.SUGGESTED)
    run(database, lambda s: _point_at(s, suggestion, service))
    assert run(database, lambda s: service_usage(s, manager, service)) == ServiceUsage(people=3, attended=2)

    # Another PCN's people are theirs to count.
    run(database, lambda s: _move_case(s, cases[0], _new_pcn(s)))
    assert run(database, lambda s: service_usage(s, worker, service)) == ServiceUsage(people=2, attended=1)


def _new_pcn(session: Session) -> int:
    other = Pcn(name="Elsewhere PCN", ods_code="U99902")
    session.add(other)
    session.flush()
    return other.id


def _move_case(session: Session, case: int, pcn_id: int) -> None:
    referral = session.get(Referral, case)
    assert referral is not None
    referral.pcn_id = pcn_id


def _second_episode(session: Session, case: int) -> int:
    """Another referral of the same person, received when the first was."""
    first = session.get(Referral, case)
    assert first is not None
    columns = {
        column.key: getattr(first, column.key)
        for column in Referral.__table__.columns
        if column.key not in {"id", "version_id"}
    }
    second = Referral(**columns)
    session.add(second)
    session.flush()
    return second.id


def _point_at(session: Session, connection_id: int, service_id: int) -> None:
    row = session.get(Connection, connection_id)
    assert row is not None
    row.service_id = service_id
