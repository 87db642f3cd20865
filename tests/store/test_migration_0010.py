"""Upgrading a database with PCNs in it to 0010: every existing PCN gets the published meaningful
SWEMWBS change (2.87 metric points), its other settings are kept, a chosen value is kept, and
going back drops the column without touching the PCNs."""

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
def database_at_0009(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0009", _insert_pcns) as database:
        yield database


def _insert_pcns(connection: Connection) -> None:
    connection.execute(
        text(
            "INSERT INTO pcn (id, ods_code, name, suppress_up_to, created_at, version_id) "
            "VALUES (:id, :ods, :name, :threshold, :now, 1)"
        ),
        [
            {"id": 1, "ods": "U99901", "name": "Old PCN", "threshold": 7, "now": CREATED},
            {"id": 2, "ods": "U99902", "name": "Other PCN", "threshold": 10, "now": CREATED},
        ],
    )


def test_upgrading_from_0009_gives_every_pcn_the_published_swemwbs_change(database_at_0009: Database) -> None:
    result = migrations.upgrade_to_head(database_at_0009)

    assert result is not None and result.from_revision == "0009"
    with database_at_0009.engine.begin() as connection:
        rows = connection.execute(
            text("SELECT id, name, suppress_up_to, swemwbs_change_hundredths FROM pcn ORDER BY id")
        ).all()
        assert [tuple(row) for row in rows] == [(1, "Old PCN", 7, 287), (2, "Other PCN", 10, 287)]
        connection.execute(
            text(
                "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
                "VALUES (3, 'U99903', 'New PCN', :now, 1)"
            ),
            {"now": CREATED},
        )
        connection.execute(text("UPDATE pcn SET swemwbs_change_hundredths = 103 WHERE id = 2"))
        chosen = connection.execute(text("SELECT swemwbs_change_hundredths FROM pcn ORDER BY id")).scalars()
        assert list(chosen) == [287, 103, 287]
    column = next(
        c
        for c in inspect(database_at_0009.engine).get_columns("pcn")
        if c["name"] == "swemwbs_change_hundredths"
    )
    assert column["nullable"] is False


def test_going_back_to_0009_drops_the_setting_and_keeps_the_pcns(database_at_0009: Database) -> None:
    migrations.upgrade_to_head(database_at_0009)
    with database_at_0009.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0009")
    columns = {column["name"] for column in inspect(database_at_0009.engine).get_columns("pcn")}
    assert "swemwbs_change_hundredths" not in columns
    with database_at_0009.engine.begin() as connection:
        rows = connection.execute(text("SELECT name, suppress_up_to FROM pcn ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("Old PCN", 7), ("Other PCN", 10)]
