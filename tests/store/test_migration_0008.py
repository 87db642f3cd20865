"""Upgrading a database with PCNs in it to 0008: every existing PCN gets the NHS Digital
threshold (7), a new PCN does too, a chosen threshold is kept, and going back drops the column."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

CREATED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0007(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0007", _insert_pcns) as database:
        yield database


def _insert_pcns(connection: Connection) -> None:
    connection.execute(
        text(
            "INSERT INTO pcn (id, ods_code, name, first_contact_working_days, created_at, version_id) "
            "VALUES (:id, :ods, :name, :wait, :now, 1)"
        ),
        [
            {"id": 1, "ods": "U99901", "name": "Old PCN", "wait": 5, "now": CREATED},
            {"id": 2, "ods": "U99902", "name": "Other PCN", "wait": 10, "now": CREATED},
        ],
    )


def test_upgrading_from_0007_gives_every_pcn_the_nhs_digital_threshold(database_at_0007: Database) -> None:
    result = migrations.upgrade_to_head(database_at_0007)

    assert result is not None and result.from_revision == "0007"
    with database_at_0007.engine.begin() as connection:
        rows = connection.execute(
            text("SELECT id, name, first_contact_working_days, suppress_up_to FROM pcn ORDER BY id")
        ).all()
        assert [tuple(row) for row in rows] == [(1, "Old PCN", 5, 7), (2, "Other PCN", 10, 7)]
        connection.execute(
            text(
                "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
                "VALUES (3, 'U99903', 'New PCN', :now, 1)"
            ),
            {"now": CREATED},
        )
        connection.execute(text("UPDATE pcn SET suppress_up_to = 10 WHERE id = 2"))
        thresholds = connection.execute(text("SELECT suppress_up_to FROM pcn ORDER BY id")).scalars().all()
    assert thresholds == [7, 10, 7]
    column = next(
        c for c in inspect(database_at_0007.engine).get_columns("pcn") if c["name"] == "suppress_up_to"
    )
    assert column["nullable"] is False


def test_going_back_to_0007_drops_the_threshold_and_keeps_the_pcns(database_at_0007: Database) -> None:
    migrations.upgrade_to_head(database_at_0007)
    with database_at_0007.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0007")
    columns = {column["name"] for column in inspect(database_at_0007.engine).get_columns("pcn")}
    assert "suppress_up_to" not in columns
    with database_at_0007.engine.begin() as connection:
        names = connection.execute(text("SELECT name FROM pcn ORDER BY id")).scalars().all()
    assert names == ["Old PCN", "Other PCN"]
