"""Upgrading a database with a directory in it to 0016: the services are kept as they were, a
feed address can be saved with the services it carried, and going back drops only the two
feed tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
KEPT = "SELECT id, pcn_id, oruk_id, name, status, version_id FROM service ORDER BY id"
FEED = (
    "INSERT INTO directory_feed (id, pcn_id, address, created_at, created_by_id, version_id) "
    "VALUES (:id, 1, 'https://directory.example.org/api', :now, NULL, 1)"
)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0015(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0015", _insert_services) as database:
        yield database


def _insert_services(connection: Connection) -> None:
    connection.execute(
        text(
            "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
            "VALUES (1, 'U99901', 'Old PCN', :now, 1)"
        ),
        {"now": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO service (id, pcn_id, oruk_id, organisation_name, name, cost_kind, access_routes, "
            "accessibility, languages, status, search_text, import_problems, created_at, updated_at, "
            "version_id) VALUES (:id, 1, :oruk_id, 'Kent Walks', :name, 'free', '[]', '[]', '[]', "
            "'active', :search, '[]', :now, :now, 3)"
        ),
        [
            {"id": 1, "oruk_id": "svc-1", "name": "Health Walk", "search": "health walk", "now": NOW},
            {"id": 2, "oruk_id": None, "name": "Men's Shed", "search": "men s shed", "now": NOW},
        ],
    )


def _services(database: Database) -> list[tuple[object, ...]]:
    with database.engine.begin() as connection:
        return [tuple(row) for row in connection.execute(text(KEPT))]


def test_upgrading_from_0015_keeps_the_services_and_a_feed_can_be_saved(database_at_0015: Database) -> None:
    before = _services(database_at_0015)
    result = migrations.upgrade_to_head(database_at_0015)

    assert result is not None and result.from_revision == "0015"
    assert _services(database_at_0015) == before
    with database_at_0015.engine.begin() as connection:
        connection.execute(text(FEED), {"id": 1, "now": NOW})
        connection.execute(
            text("INSERT INTO directory_feed_service (feed_id, service_id, oruk_id) VALUES (1, 1, 'svc-1')")
        )
        feed = connection.execute(
            text("SELECT address, last_read_at, last_added, last_closed FROM directory_feed")
        ).one()
        assert tuple(feed) == ("https://directory.example.org/api", None, None, None)
    with pytest.raises(IntegrityError), database_at_0015.engine.begin() as connection:
        connection.execute(text(FEED), {"id": 2, "now": NOW})  # the same address twice in one PCN


def test_going_back_to_0015_drops_the_feed_tables_and_keeps_the_services(database_at_0015: Database) -> None:
    before = _services(database_at_0015)
    migrations.upgrade_to_head(database_at_0015)
    with database_at_0015.engine.begin() as connection:
        connection.execute(text(FEED), {"id": 1, "now": NOW})
        command.downgrade(migrations.alembic_config(connection), "0015")
    tables = set(inspect(database_at_0015.engine).get_table_names())
    assert not {"directory_feed", "directory_feed_service"} & tables
    assert _services(database_at_0015) == before
