"""Rules the database itself keeps: an append-only audit trail, optimistic locking, UTC
timestamps, foreign keys; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from linkworker.services import audit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Practice


def add_pcn_with_practice(database: Database) -> int:
    with database.session() as session:
        pcn = Pcn(name="Test Valley PCN", ods_code="U99901")
        pcn.practices.append(Practice(ods_code="G99001", name="Riverside Surgery"))
        session.add(pcn)
        session.flush()
        return pcn.practices[0].id


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'tampered'", "DELETE FROM audit_event", "TRUNCATE audit_event"],
)
def test_the_database_refuses_to_change_the_audit_trail(database: Database, statement: str) -> None:
    if statement.startswith("TRUNCATE") and database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no TRUNCATE: DELETE is its only way to empty a table")
    with database.session() as session:
        audit.record(session, None, "sign_in", "user_account", 1, username="admin")

    with pytest.raises(DatabaseError, match="append-only"), database.session() as session:
        session.execute(text(statement))

    with database.session() as session:
        assert session.execute(select(AuditEvent.action, AuditEvent.username)).all() == [("sign_in", "admin")]


def test_a_stale_save_is_refused_and_the_first_change_stands(database: Database) -> None:
    practice_id = add_pcn_with_practice(database)
    with database.session() as session:
        first = session.get(Practice, practice_id)
    with database.session() as session:
        second = session.get(Practice, practice_id)
    assert first is not None and second is not None
    assert first.version_id == second.version_id == 1

    first.name = "Riverside Medical Centre"
    with database.session() as session:
        session.add(first)
    second.name = "Riverside Health"
    with pytest.raises(StaleDataError), database.session() as session:
        session.add(second)

    with database.session() as session:
        saved = session.get(Practice, practice_id)
        assert saved is not None
        assert (saved.name, saved.version_id) == ("Riverside Medical Centre", 2)


def test_timestamps_come_back_in_utc_and_equal(database: Database) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=india)
    with database.session() as session:
        pcn = Pcn(name="Test Valley PCN", ods_code="U99901", created_at=moment)
        session.add(pcn)
        session.flush()
        pcn_id = pcn.id

    with database.session() as session:
        created = session.scalar(select(Pcn.created_at).where(Pcn.id == pcn_id))
    assert created is not None
    assert created == moment
    assert created.utcoffset() == timedelta(0)
    assert created.replace(tzinfo=None) == datetime(2026, 3, 28, 20, 0, 15, 123456)
    assert created.tzinfo == UTC


def test_a_timestamp_without_a_zone_is_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="time zone"), database.session() as session:
        session.add(Pcn(name="Test Valley PCN", ods_code="U99901", created_at=datetime(2026, 1, 1, 9, 0)))
        session.flush()


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Practice(pcn_id=4242, ods_code="G99001", name="Nowhere Surgery"))
        session.flush()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
