"""The audit trail proves itself on a real database: events written through the services form one
sealed chain with consecutive ids; an intruder who changes the trail in SQL (after dropping or
disabling the triggers that refuse it, as anyone holding the key or owning the table can) is
found by ``verify_chain`` and told what they did; with the triggers on, the database refuses the
change; events of a unit of work or savepoint that rolls back are never written; and writers at
once, as threads on PostgreSQL and as processes on one SQLite file, keep one chain."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from linkworker.domain.audit_chain import BreakKind, ChainedEvent, seal
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.audit import ChainReport
from linkworker.services.errors import PermissionDenied, SignInFailed
from linkworker.services.signing_in import sign_in, sign_out
from linkworker.store.database import Database, open_postgres
from linkworker.store.models import AuditChainHead, AuditEvent
from tests.concurrency.processes import Worker, share_key
from tests.conftest import WORKER_PASSWORD, _set_up_pcn
from tests.services.casework_builder import new_case

# The ``database`` fixture on PostgreSQL only.
ON_POSTGRESQL = pytest.mark.parametrize(
    "database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
# The columns an intruder copies when moving an event: every one but the id.
CONTENT = ("occurred_at", "user_id", "username", "action", "entity", "entity_id", "detail", "pcn_id")


def verify(database: Database, admin: Actor) -> ChainReport:
    return audit.verify_chain(database, admin)


def verify_unrecorded(database: Database, admin: Actor) -> ChainReport:
    """The report, although recording the check then fails: an event put in above the head's id
    makes the app's next event collide with it (see the strict xfail at the end)."""
    reports = []
    with contextlib.suppress(IntegrityError):
        reports.append(audit.verify_chain(database, admin))
    return reports[0]


def named(report: ChainReport) -> list[tuple[BreakKind, int]]:
    return [(found.kind, found.event_id) for found in report.breaks]


def event_ids(database: Database) -> list[int]:
    with database.read_session() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def everyday_work(database: Database, actors: dict[Role, Actor]) -> int:
    """A morning's events through the services (sign-ins, a failed one, a referral, sign-outs
    and a few recorded directly): the id of the newest."""
    with database.session() as session:
        sign_in(session, "worker", WORKER_PASSWORD)
    with pytest.raises(SignInFailed), database.session() as session:
        sign_in(session, "worker", "not the password at all")
    new_case(database, actors[Role.LINK_WORKER])
    with database.session() as session:
        for number in range(5):
            audit.record(session, actors[Role.ADMIN], "looked_at", "user_account", number, f"look {number}")
        sign_out(session, actors[Role.LINK_WORKER])
    return event_ids(database)[-1]


@pytest.fixture
def newest(database: Database, actors: dict[Role, Actor]) -> int:
    """The trail after a morning's work: the id of its newest event (ids run 1 to it)."""
    return everyday_work(database, actors)


def as_intruder(database: Database) -> Connection:
    """A connection that can change the trail: on SQLite the triggers refusing it dropped, as
    anyone holding the key can; on PostgreSQL the table owner's triggers disabled."""
    connection = database.engine.connect()
    if database.location.kind == "sqlite":
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    connection.commit()
    return connection


def tamper(database: Database, change: Callable[[Connection], None]) -> None:
    with as_intruder(database) as connection:
        change(connection)
        connection.commit()


def move_ids(connection: Connection, from_id: int, by: int) -> None:
    """Every id from ``from_id`` on moved by ``by``, through negatives so no two ever collide."""
    connection.execute(update(AuditEvent).where(AuditEvent.id >= from_id).values(id=-AuditEvent.id))
    connection.execute(update(AuditEvent).where(AuditEvent.id < 0).values(id=-AuditEvent.id + by))


def row(connection: Connection, event_id: int) -> dict[str, object]:
    found = connection.execute(select(AuditEvent).where(AuditEvent.id == event_id)).mappings().one()
    return dict(found)


def made_up(event_id: int, previous: str | None) -> dict[str, object]:
    """An event no one did, sealed after ``previous`` as the app would, or with a made-up seal."""
    values: dict[str, object] = {
        "id": event_id,
        "occurred_at": datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
        "user_id": None,
        "username": "admin",
        "action": "backup_made",
        "entity": None,
        "entity_id": None,
        "detail": "nothing to see",
        "pcn_id": None,
    }
    hash_ = "f" * 64 if previous is None else seal(previous, ChainedEvent(**values))  # type: ignore[arg-type]
    return {**values, "chain_hash": hash_}


# --- a whole trail ---


def test_events_written_through_the_services_form_one_whole_chain(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    assert event_ids(database) == list(range(1, newest + 1))
    with database.read_session() as session:
        stored = session.execute(select(AuditChainHead.last_event_id, AuditChainHead.last_hash)).one()
        newest_seal = session.scalar(select(AuditEvent.chain_hash).where(AuditEvent.id == newest))
    report = verify(database, actors[Role.ADMIN])
    assert report.whole and report.breaks == ()
    assert report.events == newest
    assert report.head is not None and (report.head.last_event_id, report.head.last_hash) == tuple(stored)
    assert stored.last_event_id == newest and stored.last_hash == newest_seal
    assert report.seconds >= 0


def test_verifying_is_audited_after_the_walk_and_the_trail_stays_whole(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    first = verify(database, actors[Role.ADMIN])
    with database.read_session() as session:
        checked = session.execute(
            select(AuditEvent.id, AuditEvent.user_id, AuditEvent.detail).where(
                AuditEvent.action == "audit_verified"
            )
        ).all()
    assert [tuple(found) for found in checked] == [
        (newest + 1, actors[Role.ADMIN].user_id, f"{newest} events, whole")
    ]
    again = verify(database, actors[Role.ADMIN])
    assert again.whole and again.events == first.events + 1


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.MANAGER])
def test_only_an_administrator_may_verify_and_a_refusal_writes_nothing(
    database: Database, actors: dict[Role, Actor], newest: int, role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        audit.verify_chain(database, actors[role])
    assert event_ids(database)[-1] == newest


# --- each kind of tampering, made in SQL ---


def test_a_changed_field_is_found(database: Database, actors: dict[Role, Actor], newest: int) -> None:
    tamper(
        database,
        lambda c: c.execute(update(AuditEvent).where(AuditEvent.id == 3).values(username="someone else")),
    )
    report = verify(database, actors[Role.ADMIN])
    assert named(report) == [(BreakKind.CHANGED, 3)]
    assert report.breaks[0].explanation.startswith("Event 3 was changed after it was written")


def test_a_changed_time_is_found(database: Database, actors: dict[Role, Actor], newest: int) -> None:
    later = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
    tamper(
        database,
        lambda c: c.execute(update(AuditEvent).where(AuditEvent.id == newest - 1).values(occurred_at=later)),
    )
    assert named(verify(database, actors[Role.ADMIN])) == [(BreakKind.CHANGED, newest - 1)]


def test_a_deleted_event_is_found_by_its_missing_id(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    tamper(database, lambda c: c.execute(AuditEvent.__table__.delete().where(AuditEvent.id == 4)))
    report = verify(database, actors[Role.ADMIN])
    assert named(report) == [(BreakKind.DELETED, 4)]
    assert report.breaks[0].explanation == "Event 4 is missing."


def test_a_deleted_event_is_found_when_the_later_ids_were_moved_down(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    def delete_and_renumber(connection: Connection) -> None:
        connection.execute(AuditEvent.__table__.delete().where(AuditEvent.id == 4))
        move_ids(connection, 5, -1)

    tamper(database, delete_and_renumber)
    assert event_ids(database) == list(range(1, newest))
    assert named(verify(database, actors[Role.ADMIN])) == [(BreakKind.DELETED, 4)]


@pytest.mark.parametrize("sealed", [False, True], ids=["made-up seal", "sealed like the app"])
def test_an_inserted_event_is_found_when_the_later_ids_were_moved_up(
    database: Database, actors: dict[Role, Actor], newest: int, sealed: bool
) -> None:
    def insert_and_renumber(connection: Connection) -> None:
        before = row(connection, 4)["chain_hash"] if sealed else None
        move_ids(connection, 5, 1)
        connection.execute(insert(AuditEvent), [made_up(5, before)])  # type: ignore[arg-type]

    tamper(database, insert_and_renumber)
    assert event_ids(database) == list(range(1, newest + 2))
    report = verify_unrecorded(database, actors[Role.ADMIN])
    assert named(report) == [(BreakKind.INSERTED, 5)]
    assert report.breaks[0].explanation == (
        "Event 5 was put into the trail afterwards, and the later events renumbered."
    )


def test_two_events_swapped_with_their_seals_are_found_as_moved(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    def swap(connection: Connection) -> None:
        first, second = row(connection, 2), row(connection, 6)
        moved = ("chain_hash", *CONTENT)
        connection.execute(
            update(AuditEvent).where(AuditEvent.id == 2).values({name: second[name] for name in moved})
        )
        connection.execute(
            update(AuditEvent).where(AuditEvent.id == 6).values({name: first[name] for name in moved})
        )

    tamper(database, swap)
    assert named(verify(database, actors[Role.ADMIN])) == [(BreakKind.REORDERED, 2), (BreakKind.REORDERED, 6)]


def test_events_cut_from_the_end_are_found_against_the_head(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    tamper(database, lambda c: c.execute(AuditEvent.__table__.delete().where(AuditEvent.id > newest - 3)))
    report = verify(database, actors[Role.ADMIN])
    assert named(report) == [(BreakKind.CUT_FROM_END, newest - 2)]
    assert report.breaks[0].explanation == (
        f"Events {newest - 2} to {newest} are missing from the end of the trail."
    )


def test_an_event_added_after_the_newest_seal_is_found(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    tamper(database, lambda c: c.execute(insert(AuditEvent), [made_up(newest + 1, None)]))  # type: ignore[arg-type]
    report = verify_unrecorded(database, actors[Role.ADMIN])
    assert named(report) == [(BreakKind.APPENDED_OUTSIDE, newest + 1)]
    assert report.breaks[0].explanation == (
        f"Event {newest + 1} was added after the newest seal Linkworker wrote (event {newest})."
    )


def test_the_app_goes_on_working_after_an_event_was_added_outside_it(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    tamper(database, lambda c: c.execute(insert(AuditEvent), [made_up(newest + 1, None)]))  # type: ignore[arg-type]
    with database.session() as session:
        audit.record(session, actors[Role.ADMIN], "still_working")
    report = verify(database, actors[Role.ADMIN])
    assert named(report)[0] == (BreakKind.APPENDED_OUTSIDE, newest + 1)


def test_a_seal_replaced_is_found(database: Database, actors: dict[Role, Actor], newest: int) -> None:
    tamper(
        database,
        lambda c: c.execute(update(AuditEvent).where(AuditEvent.id == 2).values(chain_hash="0" * 64)),
    )
    assert not verify(database, actors[Role.ADMIN]).whole


def test_the_whole_trail_deleted_is_found(database: Database, actors: dict[Role, Actor], newest: int) -> None:
    tamper(database, lambda c: c.execute(AuditEvent.__table__.delete()))
    assert named(verify(database, actors[Role.ADMIN])) == [(BreakKind.CUT_FROM_END, 1)]


def test_the_app_goes_on_writing_after_a_tampering_and_the_break_stays_found(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    tamper(database, lambda c: c.execute(update(AuditEvent).where(AuditEvent.id == 3).values(detail="x")))
    everyday_work(database, actors)
    assert named(verify(database, actors[Role.ADMIN])) == [(BreakKind.CHANGED, 3)]


# --- the database refuses changes while its triggers are on ---

REFUSED_CHANGES = {
    "update": "UPDATE audit_event SET detail = 'edited' WHERE id = 2",
    "delete": "DELETE FROM audit_event WHERE id = 2",
    "delete all": "DELETE FROM audit_event",
}


@pytest.mark.parametrize("statement", REFUSED_CHANGES.values(), ids=REFUSED_CHANGES.keys())
def test_the_trail_refuses_update_and_delete(
    database: Database, actors: dict[Role, Actor], newest: int, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))
    assert verify(database, actors[Role.ADMIN]).whole


@ON_POSTGRESQL
def test_postgresql_refuses_truncate_of_the_trail(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event CASCADE"))
    assert event_ids(database) == list(range(1, newest + 1))


# --- rolled back work writes no event ---


class Stop(Exception):
    pass


def test_events_of_a_unit_of_work_that_rolls_back_are_not_written(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    admin = actors[Role.ADMIN]
    with pytest.raises(Stop), database.session() as session:
        audit.record(session, admin, "never_happened", detail="rolled back")
        audit.record(session, admin, "never_happened", detail="rolled back too")
        raise Stop
    with database.session() as session:
        audit.record(session, admin, "happened")
    with database.read_session() as session:
        actions = session.execute(
            select(AuditEvent.id, AuditEvent.action).where(AuditEvent.id > newest)
        ).all()
    assert [tuple(found) for found in actions] == [(newest + 1, "happened")]
    assert verify(database, admin).whole


def test_events_of_a_savepoint_that_rolls_back_are_not_written(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        audit.record(session, admin, "before_savepoint")
        with pytest.raises(Stop), session.begin_nested():
            audit.record(session, admin, "in_dropped_savepoint")
            raise Stop
        with session.begin_nested():
            audit.record(session, admin, "in_kept_savepoint")
        audit.record(session, admin, "after_savepoint")
    with database.read_session() as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.id > newest).order_by(AuditEvent.id))
        )
    assert actions == ["before_savepoint", "in_kept_savepoint", "after_savepoint"]
    assert event_ids(database) == list(range(1, newest + 4))
    assert verify(database, admin).whole


def test_a_savepoint_released_inside_one_that_rolls_back_keeps_the_events_from_before_it(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        audit.record(session, admin, "before_savepoint")
        with pytest.raises(Stop), session.begin_nested():
            audit.record(session, admin, "in_dropped_savepoint")
            with session.begin_nested():
                audit.record(session, admin, "in_savepoint_inside_it")
            raise Stop
        with session.begin_nested():
            audit.record(session, admin, "in_kept_savepoint")
        audit.record(session, admin, "after_savepoint")
    with database.read_session() as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.id > newest).order_by(AuditEvent.id))
        )
    assert actions == ["before_savepoint", "in_kept_savepoint", "after_savepoint"]
    assert event_ids(database) == list(range(1, newest + 4))
    assert verify(database, admin).whole


# --- writers at once ---


def second_copy(database: Database) -> Database:
    """The same PostgreSQL database opened again, as another computer's copy of the app."""
    return open_postgres(database.engine.url.render_as_string(hide_password=False), migrate=False)


@ON_POSTGRESQL
def test_writers_at_once_on_postgresql_keep_one_chain_with_consecutive_ids(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    writers, rounds = 4, 25
    start = threading.Barrier(writers, timeout=30)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        copy = second_copy(database)
        try:
            start.wait()
            for round_ in range(rounds):
                with copy.session() as session:
                    for item in range(1 + round_ % 3):  # one to three events a unit of work
                        detail = f"{number}.{round_}.{item}"
                        audit.record(session, actors[Role.LINK_WORKER], "worked", detail=detail)
        except BaseException as error:  # raised again in the test's thread
            failures.append(error)
        finally:
            copy.dispose()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    written = writers * sum(1 + round_ % 3 for round_ in range(rounds))
    assert event_ids(database) == list(range(1, newest + written + 1))
    with database.read_session() as session:
        details = set(session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "worked")))
    assert len(details) == written
    assert verify(database, actors[Role.ADMIN]).whole


@ON_POSTGRESQL
def test_a_check_while_another_user_writes_sees_a_whole_chain(
    database: Database, actors: dict[Role, Actor], newest: int
) -> None:
    other = second_copy(database)
    wrote: list[int] = []

    def another_user_saves(connection: object, cursor: object, statement: str, *rest: object) -> None:
        """Another user's work commits while the check reads: once, after it read the head and
        just before it reads the events."""
        if not wrote and "FROM audit_event" in statement:
            with other.session() as session:
                audit.record(session, actors[Role.LINK_WORKER], "saved_meanwhile")
            wrote.append(1)

    checker = second_copy(database)
    event.listen(checker.engine, "before_cursor_execute", another_user_saves)
    try:
        report = verify(checker, actors[Role.ADMIN])
    finally:
        checker.dispose()
        other.dispose()
    assert wrote, "the other user's save came during the check"
    assert named(report) == []


@pytest.fixture
def sqlite_actors(sqlite_database: Database) -> dict[Role, Actor]:
    return _set_up_pcn(sqlite_database)


def test_two_processes_writing_one_sqlite_file_keep_one_chain_with_consecutive_ids(
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = new_case(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    keyring_file = tmp_path / "keyring.json"
    share_key(sqlite_database, keyring_file, monkeypatch)
    workers = [Worker(keyring_file, sqlite_database, "mixed", case, 1.5) for _ in range(2)]
    try:
        for worker in workers:
            assert worker.line() == "ready"
        for worker in workers:
            worker.go()
        runs = [worker.result() for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [run.errors for run in runs] == [[], []]
    assert all(len(run.written) >= 5 for run in runs), "each wrote alongside the other"
    with sqlite_database.read_session() as session:
        count, highest = session.execute(select(func.count(), func.max(AuditEvent.id))).one()
    assert count == highest == event_ids(sqlite_database)[-1]
    report = verify(sqlite_database, sqlite_actors[Role.ADMIN])
    assert report.whole and report.events == count
