"""Upgrading a database that holds connections to 0005: who made each is filled from who
recorded it, repeated connections still waiting are folded into the earliest (traced in the audit
trail), and from then on the database refuses a second waiting connection to a service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

NOW = datetime(2025, 6, 1, 9, 30, tzinfo=UTC).replace(tzinfo=None)
MARCH = date(2025, 3, 1)

# id, referral, service, route, made_on day of March, status, status_on day, feedback, recorded by
CONNECTIONS = [
    (1, 1, 1, "referred", 3, "referred", 3, None, 1),  # the first of a repeated group: kept
    (2, 1, 1, "signposted", 5, "signposted", 5, "Rang the group twice.", 2),  # a later repeat
    (3, 1, 1, "referred", 3, "referred", 3, None, 2),  # made the same day, recorded after: a repeat
    (4, 1, 1, "referred", 1, "attended", 20, "Enjoyed it.", 2),  # has an outcome: untouched
    (5, 1, 2, "referred", 6, "suggested", 6, None, 1),  # a suggestion: untouched
    (6, 1, 2, "signposted", 7, "signposted", 7, None, 1),  # waiting alone for its service
    (7, 2, 1, "referred", 4, "referred", 4, None, None),  # another case: untouched, no one on record
]


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0004(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database brought only to revision 0004 by the real migrations, with connections in it."""
    with database_at(request, tmp_path, "0004", _insert_records) as database:
        yield database


def _insert_records(connection) -> None:  # type: ignore[no-untyped-def]
    rows = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO practice (id, pcn_id, ods_code, name, active, created_at, version_id) "
        "VALUES (1, 1, 'G99001', 'Old Surgery', true, :now, 1)",
        "INSERT INTO user_account (id, pcn_id, username, full_name, role, password_hash, active, "
        "failed_sign_ins, created_at, version_id) "
        "VALUES (1, 1, 'wren', 'Wren Worker', 'link_worker', 'x', true, 0, :now, 1)",
        "INSERT INTO user_account (id, pcn_id, username, full_name, role, password_hash, active, "
        "failed_sign_ins, created_at, version_id) "
        "VALUES (2, 1, 'lee', 'Lee Linker', 'link_worker', 'x', true, 0, :now, 1)",
        "INSERT INTO patient (id, nhs_number, given_name, family_name, family_key, date_of_birth, sex, "
        "ethnic_category, interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'Lovelace', 'lovelace', :born, 'female', 'A', false, :now, :now, 1)",
        "INSERT INTO service (id, pcn_id, organisation_name, name, cost_kind, access_routes, accessibility, "
        "languages, status, search_text, import_problems, created_at, updated_at, version_id) "
        "VALUES (1, 1, 'Kent Walks', 'Health Walk', 'free', '[]', '[]', '[]', 'active', ' health walk', "
        "'[]', :now, :now, 1)",
        "INSERT INTO service (id, pcn_id, organisation_name, name, cost_kind, access_routes, accessibility, "
        "languages, status, search_text, import_problems, created_at, updated_at, version_id) "
        "VALUES (2, 1, 'Medway Shed', 'Men in Sheds', 'free', '[]', '[]', '[]', 'active', ' men in sheds', "
        "'[]', :now, :now, 1)",
    ]
    for referral_id in (1, 2):
        rows.append(
            "INSERT INTO referral (id, patient_id, pcn_id, referring_practice_id, source, received_on, "
            "urgency, consent_share_gp, consent_share_services, status, status_changed_at, created_at, "
            f"updated_at, version_id) VALUES ({referral_id}, 1, 1, 1, 'gp', :received, 'routine', true, "
            "true, 'connected', :now, :now, :now, 1)"
        )
    for statement in rows:
        connection.execute(text(statement), {"now": NOW, "born": date(1950, 1, 2), "received": MARCH})
    connection.execute(
        text(
            "INSERT INTO connection (id, referral_id, service_id, route, made_on, status, status_on, "
            "feedback, recorded_by_id, created_at, updated_at, version_id) VALUES (:id, :referral, "
            ":service, :route, :made_on, :status, :status_on, :feedback, :by, :now, :now, 1)"
        ),
        [
            {
                "id": id_,
                "referral": referral,
                "service": service,
                "route": route,
                "made_on": MARCH.replace(day=made),
                "status": status,
                "status_on": MARCH.replace(day=on),
                "feedback": feedback,
                "by": by,
                "now": NOW,
            }
            for id_, referral, service, route, made, status, on, feedback, by in CONNECTIONS
        ],
    )


def test_upgrading_from_0004_fills_who_made_each_connection_and_folds_repeats(
    database_at_0004: Database,
) -> None:
    result = migrations.upgrade_to_head(database_at_0004)

    assert result is not None and result.from_revision == "0004"
    with database_at_0004.read_session() as session:
        kept = session.execute(
            text(
                "SELECT id, referral_id, service_id, status, made_on, feedback, made_by_id, recorded_by_id "
                "FROM connection ORDER BY id"
            )
        ).all()
        removals = session.execute(
            text(
                "SELECT username, user_id, action, entity, entity_id, detail, occurred_at "
                "FROM audit_event ORDER BY id"
            )
        ).all()
        if database_at_0004.location.kind == "sqlite":
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1, "a new connection checks links"

    assert [
        (row.id, row.status, str(row.made_on), row.feedback, row.made_by_id, row.recorded_by_id)
        for row in kept
    ] == [
        (1, "referred", "2025-03-03", "Rang the group twice.", 1, 1),
        (4, "attended", "2025-03-01", "Enjoyed it.", 2, 2),
        (5, "suggested", "2025-03-06", None, 1, 1),
        (6, "signposted", "2025-03-07", None, 1, 1),
        (7, "referred", "2025-03-04", None, None, None),
    ]
    assert [(row.username, row.user_id, row.action, row.entity, row.entity_id) for row in removals] == [
        ("upgrade 0005", None, "connection_removed", "referral", 1),
        ("upgrade 0005", None, "connection_removed", "referral", 1),
    ]
    assert [row.detail for row in removals] == [
        f"connection {removed} to service 1 repeated connection 1, both waiting for an outcome; "
        "the earlier was kept"
        for removed in (2, 3)
    ]
    assert all(row.occurred_at is not None for row in removals)


def test_after_the_upgrade_the_database_refuses_a_second_waiting_connection(
    database_at_0004: Database,
) -> None:
    migrations.upgrade_to_head(database_at_0004)
    indexes = {
        index["name"]: (index["column_names"], bool(index["unique"]))
        for index in inspect(database_at_0004.engine).get_indexes("connection")
    }
    assert indexes["ix_connection_referral_status_service"] == (
        ["referral_id", "status", "service_id"],
        False,
    )
    assert indexes["uq_connection_referral_service_waiting"] == (["referral_id", "service_id"], True)
    assert "ix_connection_referral_id" not in indexes  # the new index leads with it

    insert = text(
        "INSERT INTO connection (referral_id, service_id, route, made_on, status, status_on, created_at, "
        "updated_at, version_id) VALUES (1, :service, 'referred', :on, :status, :on, :now, :now, 1)"
    )
    values = {"on": date(2025, 4, 1), "now": NOW}
    with pytest.raises(IntegrityError), database_at_0004.engine.begin() as connection:
        connection.execute(insert, {**values, "service": 2, "status": "referred"})  # 6 still waits
    with database_at_0004.engine.begin() as connection:
        connection.execute(insert, {**values, "service": 2, "status": "declined"})
        connection.execute(text("UPDATE connection SET status = 'attended' WHERE id = 1"))
        connection.execute(insert, {**values, "service": 1, "status": "signposted"})  # 1 has its outcome


def test_going_back_to_0004_drops_what_0005_added_and_keeps_the_rest(database_at_0004: Database) -> None:
    migrations.upgrade_to_head(database_at_0004)
    with database_at_0004.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0004")
    inspector = inspect(database_at_0004.engine)
    columns = {column["name"] for column in inspector.get_columns("connection")}
    indexes = {index["name"] for index in inspector.get_indexes("connection")}
    assert "made_by_id" not in columns and {"route", "made_on", "recorded_by_id"} <= columns
    assert indexes == {"ix_connection_referral_id", "ix_connection_service_id"}
    with database_at_0004.read_session() as session:
        assert session.execute(text("SELECT id FROM connection ORDER BY id")).scalars().all() == [
            1,
            4,
            5,
            6,
            7,
        ]
