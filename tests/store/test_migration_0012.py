"""Upgrading a database with an audit trail to 0012: the events keep their order and content, are
numbered 1, 2, 3... and sealed so the chain verifies whole; each takes its user's PCN (a user-less
one the only PCN, when there is one); the active administrators of the first PCN administer the
server; the trail refuses changes again afterwards; going back to 0011 keeps every event."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

from linkworker.domain.audit_chain import GENESIS
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

ADA = Actor(1, "ada", "Ada Admin", Role.ADMIN, 1)
# The events as 0011 holds them, ids with gaps (a PostgreSQL sequence skips the ids of rolled-back
# transactions): id, minute and microsecond, user, user name, action, entity, entity id, detail.
EVENTS = [
    (1, (0, 0), 1, "ada", "sign_in", "user_account", 1, None),
    (2, (1, 250_000), 3, "wren", "case_opened", "referral", 10, None),
    (5, (2, 999_999), None, "nobody", "sign_in_failed", "user_account", None, None),
    (6, (3, 1), 4, "bea", "sign_in", "user_account", 4, None),
    (9, (4, 0), 1, "ada", "user_created", "user_account", 3, "role link_worker"),
    (10, (5, 123_456), 2, "old", "sign_in", "user_account", 2, "caf\u00e9 \u2013 \u201cquoted\u201d \\ back"),
]
CONTENT = (
    "SELECT occurred_at, user_id, username, action, entity, entity_id, detail FROM audit_event ORDER BY id"
)


def _when(minute: int, microsecond: int, postgres: bool) -> datetime:
    """As the app stored it: UTC, with the zone on PostgreSQL and without it on SQLite."""
    moment = datetime(2026, 11, 30, 9, minute, 0, microsecond, tzinfo=UTC)
    return moment if postgres else moment.replace(tzinfo=None)


def _fill(pcns: int) -> Callable[[Connection], None]:
    def fill(connection: Connection) -> None:
        postgres = connection.dialect.name == "postgresql"
        now = _when(0, 0, postgres)
        for number in range(1, pcns + 1):
            connection.execute(
                text(
                    "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
                    "VALUES (:id, :ods, :name, :now, 1)"
                ),
                {"id": number, "ods": f"U9990{number}", "name": f"PCN {number}", "now": now},
            )
        users = [  # id, PCN, user name, role, active
            (1, 1, "ada", "admin", True),
            (2, 1, "old", "admin", False),
            (3, 1, "wren", "link_worker", True),
            (4, pcns, "bea", "admin", True),
            (5, pcns, "max", "manager", True),
        ]
        for user_id, pcn, name, role, active in users:
            connection.execute(
                text(
                    "INSERT INTO user_account (id, pcn_id, username, full_name, role, password_hash, "
                    "active, failed_sign_ins, created_at, version_id) "
                    "VALUES (:id, :pcn, :name, :name, :role, 'x', :active, 0, :now, 1)"
                ),
                {"id": user_id, "pcn": pcn, "name": name, "role": role, "active": active, "now": now},
            )
        for event_id, (minute, micro), user_id, name, action, entity, entity_id, detail in EVENTS:
            connection.execute(
                text(
                    "INSERT INTO audit_event (id, occurred_at, user_id, username, action, entity, "
                    "entity_id, detail) "
                    "VALUES (:id, :when, :user, :name, :action, :entity, :entity_id, :detail)"
                ),
                {
                    "id": event_id,
                    "when": _when(minute, micro, postgres),
                    "user": user_id,
                    "name": name,
                    "action": action,
                    "entity": entity,
                    "entity_id": entity_id,
                    "detail": detail,
                },
            )

    return fill


@pytest.fixture(params=BOTH_DATABASES)
def two_pcns_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0011", _fill(pcns=2)) as database:
        yield database


@pytest.fixture(params=BOTH_DATABASES)
def one_pcn_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0011", _fill(pcns=1)) as database:
        yield database


@pytest.fixture(params=BOTH_DATABASES)
def empty_trail_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0011", lambda connection: None) as database:
        yield database


def _rows(database: Database, query: str) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def test_the_events_are_numbered_in_order_sealed_and_verify_whole(two_pcns_at_0011: Database) -> None:
    database = two_pcns_at_0011
    before = _rows(database, CONTENT)

    result = migrations.upgrade_to_head(database)

    assert result is not None and result.from_revision == "0011"
    assert _rows(database, CONTENT) == before
    assert _rows(database, "SELECT id FROM audit_event ORDER BY id") == [(n,) for n in range(1, 7)]
    seals = _rows(database, "SELECT chain_hash FROM audit_event ORDER BY id")
    assert len({seal for (seal,) in seals}) == 6 and all(len(seal) == 64 for (seal,) in seals)  # type: ignore[arg-type]
    assert _rows(database, "SELECT id, last_event_id, last_hash FROM audit_chain_head") == [
        (1, 6, seals[-1][0])
    ]
    report = audit.verify_chain(database, ADA)
    assert report.whole and report.events == 6


def test_the_app_goes_on_sealing_after_the_upgrade(two_pcns_at_0011: Database) -> None:
    database = two_pcns_at_0011
    migrations.upgrade_to_head(database)
    with database.session() as session:
        audit.record(session, ADA, "after_upgrade")
    report = audit.verify_chain(database, ADA)
    assert report.whole and report.events == 7
    assert _rows(database, "SELECT id, action FROM audit_event WHERE id > 6 ORDER BY id") == [
        (7, "after_upgrade"),
        (8, "audit_verified"),
    ]


def test_each_event_takes_its_users_pcn_and_a_user_less_one_none_of_two(two_pcns_at_0011: Database) -> None:
    migrations.upgrade_to_head(two_pcns_at_0011)
    assert _rows(two_pcns_at_0011, "SELECT username, pcn_id FROM audit_event ORDER BY id") == [
        ("ada", 1),
        ("wren", 1),
        ("nobody", None),
        ("bea", 2),
        ("ada", 1),
        ("old", 1),
    ]


def test_with_one_pcn_a_user_less_event_takes_it(one_pcn_at_0011: Database) -> None:
    migrations.upgrade_to_head(one_pcn_at_0011)
    assert _rows(one_pcn_at_0011, "SELECT DISTINCT pcn_id FROM audit_event") == [(1,)]
    assert audit.verify_chain(one_pcn_at_0011, ADA).whole


def test_the_first_pcns_active_administrators_administer_the_server(two_pcns_at_0011: Database) -> None:
    migrations.upgrade_to_head(two_pcns_at_0011)
    assert _rows(
        two_pcns_at_0011,
        "SELECT username, administers_server, must_change_password FROM user_account ORDER BY id",
    ) == [
        ("ada", True, False),
        ("old", False, False),  # not active
        ("wren", False, False),  # not an administrator
        ("bea", False, False),  # the second PCN's
        ("max", False, False),
    ]
    assert _rows(two_pcns_at_0011, "SELECT id, idle_lock_minutes FROM pcn ORDER BY id") == [(1, 10), (2, 10)]


def test_an_empty_trail_gets_a_head_and_the_first_event_is_1(empty_trail_at_0011: Database) -> None:
    database = empty_trail_at_0011
    migrations.upgrade_to_head(database)
    assert _rows(database, "SELECT id, last_event_id, last_hash FROM audit_chain_head") == [(1, 0, GENESIS)]
    with database.session() as session:
        audit.record(session, None, "first", username="someone")
    assert _rows(database, "SELECT id, action FROM audit_event") == [(1, "first")]
    assert _rows(database, "SELECT last_event_id FROM audit_chain_head") == [(1,)]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET detail = 'edited' WHERE id = 2", "DELETE FROM audit_event WHERE id = 2"],
    ids=["update", "delete"],
)
def test_the_trail_refuses_changes_again_after_the_upgrade(
    two_pcns_at_0011: Database, statement: str
) -> None:
    migrations.upgrade_to_head(two_pcns_at_0011)
    with pytest.raises(DBAPIError, match="append-only"), two_pcns_at_0011.engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize(
    "two_pcns_at_0011", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresql_refuses_truncate_after_the_upgrade(two_pcns_at_0011: Database) -> None:
    migrations.upgrade_to_head(two_pcns_at_0011)
    with pytest.raises(DBAPIError, match="append-only"), two_pcns_at_0011.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event CASCADE"))
    assert len(_rows(two_pcns_at_0011, "SELECT id FROM audit_event")) == 6


def test_going_back_to_0011_keeps_the_events_and_their_guard(two_pcns_at_0011: Database) -> None:
    database = two_pcns_at_0011
    before = _rows(database, CONTENT)
    migrations.upgrade_to_head(database)
    with database.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0011")

    assert _rows(database, CONTENT) == before
    assert "audit_chain_head" not in inspect(database.engine).get_table_names()
    columns = {column["name"] for column in inspect(database.engine).get_columns("audit_event")}
    assert not columns & {"chain_hash", "pcn_id"}
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))
    with database.engine.begin() as connection:  # 0011's app gives no id: the database does
        connection.execute(
            text("INSERT INTO audit_event (occurred_at, username, action) VALUES (:when, 'ada', 'later')"),
            {"when": _when(9, 0, database.location.kind == "postgresql")},
        )
    assert _rows(database, "SELECT id FROM audit_event WHERE action = 'later'") == [(7,)]
