"""Upgrading a database with a directory in it to 0015: every service, venue, time and term keeps
what it had and is given the ORUK id exports have written for it so far (so whoever reads the
exports sees the same ids after the upgrade); no contacts, service areas or organisation details
are made up; going back drops the new columns and keeps the directory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from linkworker.interchange.oruk import export_id
from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
KEPT = {
    "service": "SELECT id, oruk_id, organisation_name, name, phone, version_id FROM service ORDER BY id",
    "service_location": "SELECT id, service_id, name, postcode FROM service_location ORDER BY id",
    "service_schedule": "SELECT id, service_id, location_id, byday FROM service_schedule ORDER BY id",
    "service_taxonomy": "SELECT service_id, vocabulary, term_id, term_name FROM service_taxonomy",
}
# The ids exports gave before 0015 (interchange.oruk then): made from the service's and the place.
IMPORTED = export_id("service", "svc-1")
BY_HAND = export_id("service", "linkworker-service-2")


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0014", _insert_directory) as database:
        yield database


def _insert_directory(connection: Connection) -> None:
    statements = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO service (id, pcn_id, oruk_id, organisation_name, name, phone, cost_kind, access_routes, "
        "accessibility, languages, status, search_text, import_problems, created_at, updated_at, version_id) "
        "VALUES (1, 1, 'svc-1', 'Kent Walks', 'Health Walk', '01632 960001', 'free', '[]', '[]', '[]', "
        "'active', 'health walk', '[]', :now, :now, 3)",
        "INSERT INTO service (id, pcn_id, oruk_id, organisation_name, name, phone, cost_kind, access_routes, "
        "accessibility, languages, status, search_text, import_problems, created_at, updated_at, version_id) "
        "VALUES (2, 1, NULL, 'Testvale Library', 'Get Online', NULL, 'free', '[]', '[]', '[]', "
        "'active', 'get online', '[]', :now, :now, 1)",
        "INSERT INTO service_location (id, service_id, name, postcode) VALUES "
        "(10, 1, 'Pavilion', 'ME14 1XX'), (11, 1, 'Old Forge', NULL), (12, 2, 'Library', 'ME20 7AA')",
        "INSERT INTO service_taxonomy (service_id, vocabulary, term_id, term_name) "
        "VALUES (1, 'esd-needs', '100', 'Exercise')",
    ]
    for statement in statements:
        connection.execute(text(statement), {"now": NOW})
    connection.execute(
        text(
            "INSERT INTO service_schedule (id, service_id, location_id, freq, byday) "
            "VALUES (:id, :service, :location, 'WEEKLY', :byday)"
        ),
        [
            {"id": 20, "service": 1, "location": 11, "byday": "SA"},
            {"id": 21, "service": 1, "location": None, "byday": "MO"},
            {"id": 22, "service": 2, "location": 12, "byday": "TU"},
        ],
    )


def _kept(database: Database) -> dict[str, list[tuple[object, ...]]]:
    with database.engine.begin() as connection:
        return {
            table: sorted(tuple(row) for row in connection.execute(text(query)))
            for table, query in KEPT.items()
        }


def test_upgrading_keeps_the_directory_and_gives_each_part_the_id_it_was_exported_under(
    database_at_0014: Database,
) -> None:
    before = _kept(database_at_0014)
    result = migrations.upgrade_to_head(database_at_0014)

    assert result is not None and result.from_revision == "0014"
    assert _kept(database_at_0014) == before
    with database_at_0014.engine.begin() as connection:
        services = connection.execute(
            text(
                "SELECT id, organisation_oruk_id, phone_oruk_id, organisation_description, organisation_url, "
                "organisation_email, oruk_contacts, oruk_service_areas FROM service ORDER BY id"
            )
        ).all()
        locations = connection.execute(text("SELECT id, oruk_id FROM service_location ORDER BY id")).all()
        schedules = connection.execute(text("SELECT id, oruk_id FROM service_schedule ORDER BY id")).all()
        term = connection.execute(text("SELECT oruk_id FROM service_taxonomy")).scalar_one()
    lists = [(_listed(row[6]), _listed(row[7])) for row in services]
    assert [tuple(row[:6]) for row in services] == [
        (1, export_id("organization", "kent walks"), IMPORTED, None, None, None),
        (2, export_id("organization", "testvale library"), None, None, None, None),
    ]
    assert lists == [([], []), ([], [])]
    assert [tuple(row) for row in locations] == [
        (10, export_id("location", f"{IMPORTED}:0")),
        (11, export_id("location", f"{IMPORTED}:1")),
        (12, export_id("location", f"{BY_HAND}:0")),
    ]
    assert [tuple(row) for row in schedules] == [
        (20, export_id("schedule", f"{IMPORTED}:0")),
        (21, export_id("schedule", f"{IMPORTED}:1")),
        (22, export_id("schedule", f"{BY_HAND}:0")),
    ]
    assert term == export_id("taxonomy_term", "esd-needs:100")


def test_going_back_to_0014_drops_the_ids_and_keeps_the_directory(database_at_0014: Database) -> None:
    before = _kept(database_at_0014)
    migrations.upgrade_to_head(database_at_0014)
    with database_at_0014.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0014")
    inspector = inspect(database_at_0014.engine)
    added = {
        "service": {
            "organisation_oruk_id",
            "organisation_description",
            "organisation_url",
            "organisation_email",
            "phone_oruk_id",
            "oruk_contacts",
            "oruk_service_areas",
        },
        "service_location": {"oruk_id"},
        "service_schedule": {"oruk_id"},
        "service_taxonomy": {"oruk_id"},
    }
    for table, columns in added.items():
        assert not columns & {column["name"] for column in inspector.get_columns(table)}
    assert _kept(database_at_0014) == before


def _listed(value: object) -> object:
    """A JSON column's value: PostgreSQL's driver gives it parsed, SQLite's as text."""
    return json.loads(value) if isinstance(value, str) else value
