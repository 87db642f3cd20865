"""Connecting a person to a service and recording how it went, on real databases: the rules,
the refusals, the audit trail, the case timeline, and how much a service has been used."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linkworker.domain.breakdowns import Count, exact, rule_reading
from linkworker.domain.connection_methods import ConnectionMethod
from linkworker.domain.directory import ConnectionStatus as S
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import open_case
from linkworker.services.cases.connections import (
    ConnectionChanged,
    ServiceUsage,
    make_connection,
    record_outcome,
    service_usage,
)
from linkworker.services.errors import NotFound, PermissionDenied, ServiceError, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Connection, Pcn, Referral, Service, StatusChange
from tests.services.casework_builder import connection, new_case, past_status

T = TypeVar("T")
TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def spoken(day: date) -> str:
    """A day as a refusal says it: "3 Nov 2026"."""
    return f"{day.day} {day:%b %Y}"


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
    assert (made.outcome, made.feedback, made.by, made.made_by, made.version) == (
        None,
        None,
        "Wren Worker",
        "Wren Worker",
        1,
    )

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
        f"Already signposted to Tuesday Walking Group on {spoken(ago(9))}; record its outcome first."
    )
    run(database, lambda s: record_outcome(s, worker, first.id, 1, S.DID_NOT_ATTEND, ago(2), ""))
    second = connect(database, worker, case, service, S.REFERRED, days_ago=1)
    assert second.id != first.id  # referred again after a missed first go


def test_the_database_refuses_a_second_waiting_connection_to_a_service(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    """The guard beneath the service's check: written directly, a repeat still fails."""
    connect(database, worker, case, service, S.REFERRED, days_ago=5)

    def repeat(status: S) -> None:
        with database.session() as session:
            session.add(
                Connection(
                    referral_id=case,
                    service_id=service,
                    route=S.REFERRED.value,
                    made_on=ago(1),
                    status=status.value,
                    status_on=ago(1),
                )
            )

    for waiting in (S.REFERRED, S.SIGNPOSTED):
        with pytest.raises(IntegrityError):
            repeat(waiting)
    for settled in (S.ATTENDED, S.DID_NOT_ATTEND, S.DECLINED, S.SUGGESTED):
        repeat(settled)  # only connections still waiting are one per service
    assert len(run(database, lambda s: s.scalars(select(Connection.id)).all())) == 5


def save_at_once(
    database: Database, first: Callable[[Session], T], second: Callable[[Session], object]
) -> tuple[T, BaseException | None]:
    """Two people saving together: ``second`` starts in its own session while ``first``'s is
    still open, and waits for it. What ``first`` made, and what ``second`` raised, if anything."""
    raised: list[BaseException] = []

    def second_save() -> None:
        try:
            with database.session() as session:
                second(session)
        except BaseException as error:  # handed to the test's thread
            raised.append(error)

    with database.session() as session:
        made = first(session)
        other = threading.Thread(target=second_save)
        other.start()
        _wait_until_waiting(database, other)
    other.join(timeout=30)
    assert not other.is_alive()
    return made, raised[0] if raised else None


def status_moves(database: Database) -> list[tuple[str, int | None]]:
    return run(
        database,
        lambda s: [
            (change.to_status, change.changed_by_id)
            for change in s.scalars(
                select(StatusChange).where(StatusChange.from_status.is_not(None)).order_by(StatusChange.id)
            )
        ],
    )


@pytest.mark.parametrize("connected_before", [True, False], ids=["connected", "referred"])
def test_two_people_saving_the_same_connection_at_once_make_it_once(
    database: Database, actors: dict[Role, Actor], case: int, service: int, connected_before: bool
) -> None:
    """The second save waits for the first, then is refused in plain words, and nothing of it is
    written: no connection, no status move, no audit event. On PostgreSQL a case already
    connected is not locked, so the second gets past the service's check and is stopped by the
    unique index; one not yet connected is locked while it moves on, so the second waits there
    and the check refuses it. SQLite makes every second writer wait at the start."""
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    if connected_before:
        past_status(database, case, worker, 3, CaseStatus.CONNECTED)

    first, refused = save_at_once(
        database,
        lambda s: make_connection(s, worker, case, service, S.REFERRED, ago(2)),
        lambda s: make_connection(s, admin, case, service, S.SIGNPOSTED, ago(1)),
    )

    assert isinstance(refused, ServiceError) and not isinstance(refused, StaleEdit)
    assert str(refused) == (
        f"Already referred to Tuesday Walking Group on {spoken(ago(2))}; record its outcome first."
    )
    rows = run(
        database,
        lambda s: [(row.id, row.status, row.made_by_id) for row in s.scalars(select(Connection))],
    )
    assert rows == [(first.id, S.REFERRED.value, worker.user_id)]
    assert status_moves(database) == [(CaseStatus.CONNECTED.value, worker.user_id)]
    made_events = run(
        database,
        lambda s: s.scalars(select(AuditEvent.user_id).where(AuditEvent.action == "connection_made")).all(),
    )
    assert made_events == [worker.user_id]


def test_two_people_connecting_a_case_to_two_services_at_once_both_save_and_it_moves_once(
    database: Database, actors: dict[Role, Actor], case: int, service: int
) -> None:
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    other = add_service(database, worker.pcn_id, "Lunch Club")

    _made, raised = save_at_once(
        database,
        lambda s: make_connection(s, worker, case, service, S.REFERRED, ago(2)),
        lambda s: make_connection(s, admin, case, other, S.SIGNPOSTED, ago(1)),
    )

    assert raised is None
    made_by = run(database, lambda s: sorted(s.scalars(select(Connection.made_by_id)).all()))
    assert made_by == sorted([worker.user_id, admin.user_id])
    assert status_moves(database) == [(CaseStatus.CONNECTED.value, worker.user_id)]


def _wait_until_waiting(database: Database, other: threading.Thread) -> None:
    """Until the other save is held up by the first's transaction. PostgreSQL shows the wait
    for a lock; SQLite's is inside the driver (its busy timeout), so give it a moment."""
    if database.location.kind == "sqlite":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 10
    with database.engine.connect() as watcher:
        while other.is_alive() and time.monotonic() < deadline:
            waiting = watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            watcher.rollback()
            time.sleep(0.02)
    raise AssertionError("the second save never waited for the first")


def test_a_connection_keeps_who_made_it_apart_from_who_recorded_its_outcome(
    database: Database, actors: dict[Role, Actor], worker: Actor, case: int, service: int
) -> None:
    made = connect(database, worker, case, service, days_ago=6)
    run(
        database,
        lambda s: record_outcome(s, actors[Role.ADMIN], made.id, made.version, S.ATTENDED, ago(1), ""),
    )
    row = run(database, lambda s: s.get(Connection, made.id))
    assert (row.made_by_id, row.recorded_by_id) == (worker.user_id, actors[Role.ADMIN].user_id)


def test_making_a_connection_moves_an_open_case_on_to_connected(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    past_status(database, case, worker, 20, CaseStatus.ASSESSED)
    version = run(database, lambda s: s.get(Referral, case).version_id)
    connect(database, worker, case, service, days_ago=3)

    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    assert record.header.status is CaseStatus.CONNECTED
    assert record.header.version == version + 1
    [move] = [entry.item for entry in record.timeline if entry.kind == "status"][:1]
    assert (move.from_status, move.to_status, move.by, move.reason) == (
        CaseStatus.ASSESSED,
        CaseStatus.CONNECTED,
        "Wren Worker",
        None,
    )
    moved = run(
        database,
        lambda s: s.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "case_status_changed", AuditEvent.user_id == worker.user_id
            )
        ).all(),
    )
    assert moved == ["assessed -> connected"]

    # Already connected: a second connection leaves the status and its history as they are.
    other = add_service(database, worker.pcn_id, "Lunch Club")
    connect(database, worker, case, other, S.SIGNPOSTED, days_ago=1)
    again = run(database, lambda session: open_case(session, worker, case, reopened=True))
    assert again.header.status is CaseStatus.CONNECTED
    assert (
        len([entry for entry in again.timeline if entry.kind == "status"]) == 3
    )  # received, assessed, connected


def test_a_refused_connection_leaves_the_case_where_it_was(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    tomorrow = TODAY + timedelta(days=1)
    refusal(database, lambda s: make_connection(s, worker, case, service, S.REFERRED, tomorrow))
    assert run(database, lambda s: s.get(Referral, case).status) == CaseStatus.REFERRED.value


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
    assert (went.route, went.made_on, went.made_by) == (S.REFERRED, ago(10), "Wren Worker")
    assert (went.by, went.version) == ("Ada Admin", 2)

    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    steps = [entry for entry in record.timeline if entry.kind == "connection"]
    assert [(step.on, step.item.status, step.item.by, step.item.feedback) for step in steps] == [
        (ago(3), S.ATTENDED, "Ada Admin", "Loved the walk."),
        (ago(10), S.REFERRED, "Wren Worker", None),  # who referred is kept apart from the outcome's author
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
    assert isinstance(stale, ConnectionChanged)  # a StaleEdit that says who did what
    assert stale.summary.startswith(
        "This connection was changed in another window after you opened it here: "
        "you recorded Did not attend at "
    )
    assert stale.connection.version == 2 and "Unwell" not in str(stale)
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
    assert run(database, lambda s: service_usage(s, worker, service)) == ServiceUsage(
        exact(0), exact(0), None
    )
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
    assert run(database, lambda s: service_usage(s, worker, service)) == ServiceUsage(
        exact(3), exact(2), None
    )
    # A manager sees them under the PCN's rule: two counts, neither a total of the other's parts.
    starred = Count(STARRED)
    assert run(database, lambda s: service_usage(s, manager, service)) == ServiceUsage(
        starred, starred, rule_reading(NHS_DIGITAL)
    )

    # Another PCN's people are theirs to count.
    run(database, lambda s: _move_case(s, cases[0], _new_pcn(s)))
    assert run(database, lambda s: service_usage(s, worker, service)) == ServiceUsage(
        exact(2), exact(1), None
    )


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


def test_a_referral_records_how_it_was_made_and_the_note_made_with_it(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    note = "  Emailed Sue, the group's coordinator; she will ring him this week.  "
    made = run(
        database,
        lambda session: make_connection(
            session, worker, case, service, S.REFERRED, ago(2), method=ConnectionMethod.EMAIL, note=note
        ),
    )
    assert (made.method, made.note) == (ConnectionMethod.EMAIL, note.strip())
    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    assert [(shown.method, shown.note) for shown in record.connections] == [
        (ConnectionMethod.EMAIL, note.strip())
    ]
    stored = run(database, lambda session: session.execute(select(Connection.method, Connection.note)).one())
    assert tuple(stored) == ("email", note.strip())
    # The note is about the person: on their case, never in the audit trail.
    assert audit_rows(database) == [
        ("connection_made", case, f"connection {made.id} to service {service}, referred")
    ]


def test_a_suggestion_taken_up_takes_the_method_and_note_too(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    with database.session() as session:
        session.add(
            Connection(
                referral_id=case,
                service_id=service,
                route=S.SUGGESTED.value,
                made_on=ago(3),
                status=S.SUGGESTED.value,
                status_on=ago(3),
            )
        )
    made = run(
        database,
        lambda session: make_connection(
            session,
            worker,
            case,
            service,
            S.SIGNPOSTED,
            TODAY,
            method="leaflet",
            note="Gave her the timetable",
        ),
    )
    assert (made.route, made.method, made.note) == (
        S.SIGNPOSTED,
        ConnectionMethod.LEAFLET,
        "Gave her the timetable",
    )


def test_the_method_and_note_follow_the_rules_and_nothing_is_written_when_refused(
    database: Database, worker: Actor, case: int, service: int
) -> None:
    def attempt(method: object, note: str | None) -> Exception:
        return refusal(
            database,
            lambda s: make_connection(s, worker, case, service, S.REFERRED, TODAY, method=method, note=note),  # type: ignore[arg-type]
        )

    unknown = attempt("fax", None)
    assert isinstance(unknown, ValidationError) and unknown.field == "method"
    unsaid = attempt(ConnectionMethod.OTHER, "  ")
    assert isinstance(unsaid, ValidationError) and unsaid.field == "note"
    hidden = attempt(ConnectionMethod.PHONE, "Rang \u202ethe centre")
    assert isinstance(hidden, ValidationError) and hidden.field == "note"
    assert run(database, lambda session: session.scalar(select(Connection.id))) is None
    # A caller that does not know how (as older records were made) may leave it unsaid.
    made = connect(database, worker, case, service)
    assert (made.method, made.note) == (None, None)
