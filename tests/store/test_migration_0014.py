"""Upgrading a database with connections in it to 0014: each connection keeps everything it had
and has no method or note (they were not recorded then), and a new one can hold both; going
back drops the two columns and keeps the connections."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
MADE_ON = date(2025, 3, 3)
KEPT = (
    "SELECT id, referral_id, service_id, route, made_on, status, feedback, version_id "
    "FROM connection ORDER BY id"
)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0013(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0013", _insert_connections) as database:
        yield database


def _insert_connections(connection: Connection) -> None:
    rows = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO practice (id, pcn_id, ods_code, name, active, created_at, version_id) "
        "VALUES (1, 1, 'G99001', 'Riverside Surgery', true, :now, 1)",
        "INSERT INTO patient (id, nhs_number, given_name, family_name, family_key, date_of_birth, sex, "
        "ethnic_category, interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'Lovelace', 'lovelace', :born, 'female', 'A', false, :now, :now, 1)",
        "INSERT INTO referral (id, patient_id, pcn_id, referring_practice_id, source, received_on, urgency, "
        "consent_share_gp, consent_share_services, status, status_changed_at, created_at, updated_at, "
        "version_id) "
        "VALUES (1, 1, 1, 1, 'gp', :made_on, 'routine', true, true, 'connected', :now, :now, :now, 1)",
        "INSERT INTO service (id, pcn_id, organisation_name, name, cost_kind, access_routes, accessibility, "
        "languages, status, search_text, import_problems, created_at, updated_at, version_id) "
        "VALUES (1, 1, 'Kent Walks', 'Health Walk', 'free', '[]', '[]', '[]', 'active', 'health walk', "
        "'[]', :now, :now, 1)",
    ]
    for statement in rows:
        connection.execute(text(statement), {"now": NOW, "born": date(1950, 1, 2), "made_on": MADE_ON})
    connection.execute(
        text(
            "INSERT INTO connection (id, referral_id, service_id, route, made_on, status, status_on, "
            "feedback, created_at, updated_at, version_id) "
            "VALUES (:id, 1, 1, :route, :on, :status, :on, :feedback, :now, :now, 2)"
        ),
        [
            {
                "id": 1,
                "route": "referred",
                "status": "attended",
                "on": MADE_ON,
                "feedback": "Went",
                "now": NOW,
            },
            {
                "id": 2,
                "route": "signposted",
                "status": "signposted",
                "on": MADE_ON,
                "feedback": None,
                "now": NOW,
            },
        ],
    )


def _connections(database: Database) -> list[tuple[object, ...]]:
    with database.engine.begin() as connection:
        return [tuple(row) for row in connection.execute(text(KEPT))]


def test_upgrading_from_0013_keeps_each_connection_with_no_method_or_note(database_at_0013: Database) -> None:
    before = _connections(database_at_0013)
    result = migrations.upgrade_to_head(database_at_0013)

    assert result is not None and result.from_revision == "0013"
    assert _connections(database_at_0013) == before
    with database_at_0013.engine.begin() as connection:
        assert connection.execute(text("SELECT method, note FROM connection ORDER BY id")).all() == [
            (None, None),
            (None, None),
        ]
        connection.execute(
            text(
                "UPDATE connection SET method = 'in_person', note = 'Went with her to the first walk' "
                "WHERE id = 2"
            )
        )
        assert connection.execute(text("SELECT method, note FROM connection WHERE id = 2")).one() == (
            "in_person",
            "Went with her to the first walk",
        )


def test_going_back_to_0013_drops_the_method_and_note_and_keeps_the_connections(
    database_at_0013: Database,
) -> None:
    before = _connections(database_at_0013)
    migrations.upgrade_to_head(database_at_0013)
    with database_at_0013.engine.begin() as connection:
        connection.execute(text("UPDATE connection SET method = 'email', note = 'Sent' WHERE id = 1"))
        command.downgrade(migrations.alembic_config(connection), "0013")
    columns = {column["name"] for column in inspect(database_at_0013.engine).get_columns("connection")}
    assert not {"method", "note"} & columns
    assert _connections(database_at_0013) == before
