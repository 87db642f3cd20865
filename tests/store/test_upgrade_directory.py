"""Upgrading a database that holds a directory and connections to 0004: every row kept, the new
columns filled in SQL (search text, import problems, the PCN's stale period, connection routes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

NOW = datetime(2025, 6, 1, 9, 30, tzinfo=UTC).replace(tzinfo=None)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database brought only to revision 0003 by the real migrations, with a directory in it."""
    with database_at(request, tmp_path, "0003", _insert_records) as database:
        yield database


def _insert_records(connection) -> None:  # type: ignore[no-untyped-def]
    rows = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO practice (id, pcn_id, ods_code, name, active, created_at, version_id) "
        "VALUES (1, 1, 'G99001', 'Old Surgery', true, :now, 1)",
        "INSERT INTO patient (id, nhs_number, given_name, family_name, family_key, date_of_birth, sex, "
        "ethnic_category, interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'Lovelace', 'lovelace', :born, 'female', 'A', false, :now, :now, 1)",
        "INSERT INTO referral (id, patient_id, pcn_id, referring_practice_id, source, received_on, urgency, "
        "consent_share_gp, consent_share_services, status, status_changed_at, created_at, updated_at, "
        "version_id) "
        "VALUES (1, 1, 1, 1, 'gp', :received, 'routine', true, true, 'connected', :now, :now, :now, 1)",
        "INSERT INTO service (id, pcn_id, organisation_name, name, description, cost_kind, access_routes, "
        "accessibility, languages, status, created_at, updated_at, version_id) "
        "VALUES (1, 1, 'Medway Men''s Shed', 'Chair-based Exercise', 'Seated exercise (to music);\n"
        "all welcome.', 'free', '[]', '[]', '[]', 'active', :now, :now, 1)",
        "INSERT INTO service (id, pcn_id, organisation_name, name, description, cost_kind, access_routes, "
        "accessibility, languages, status, created_at, updated_at, version_id) "
        "VALUES (2, NULL, 'Kent Walks', 'Health Walk', NULL, 'free', '[]', '[]', '[]', 'active', "
        ":now, :now, 1)",
    ]
    for statement in rows:
        connection.execute(
            text(statement), {"now": NOW, "born": date(1950, 1, 2), "received": date(2025, 3, 1)}
        )
    connection.execute(
        text(
            "INSERT INTO connection (id, referral_id, service_id, status, status_on, created_at, updated_at, "
            "version_id) VALUES (:id, 1, :service, :status, :on, :now, :now, 1)"
        ),
        [
            {"id": 1, "service": 1, "status": "referred", "on": date(2025, 3, 3), "now": NOW},
            {"id": 2, "service": 2, "status": "signposted", "on": date(2025, 3, 4), "now": NOW},
            {"id": 3, "service": 1, "status": "attended", "on": date(2025, 3, 20), "now": NOW},
        ],
    )


def test_upgrading_from_0003_keeps_the_directory_and_fills_the_new_columns(
    database_at_0003: Database,
) -> None:
    result = migrations.upgrade_to_head(database_at_0003)

    assert result is not None and result.from_revision == "0003"
    with database_at_0003.read_session() as session:
        services = session.execute(
            text("SELECT id, name, search_text, import_problems, updated_by_id FROM service ORDER BY id")
        ).all()
        connections = session.execute(
            text("SELECT id, status, status_on, route, made_on FROM connection ORDER BY id")
        ).all()
        stale_after = session.execute(text("SELECT stale_after_months FROM pcn")).scalars().all()
        if database_at_0003.location.kind == "sqlite":
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1, "a new connection checks links"

    assert [row.name for row in services] == ["Chair-based Exercise", "Health Walk"]
    shed, walk = (" ".join(row.search_text.split()) for row in services)
    assert shed == "chair based exercise medway mens shed seated exercise to music all welcome"
    assert walk == "health walk kent walks"
    assert all(row.search_text.startswith(" ") for row in services), "every word follows a space"
    assert [_as_list(row.import_problems) for row in services] == [[], []]
    assert [row.updated_by_id for row in services] == [None, None]
    assert [(row.status, str(row.status_on), row.route, str(row.made_on)) for row in connections] == [
        ("referred", "2025-03-03", "referred", "2025-03-03"),
        ("signposted", "2025-03-04", "signposted", "2025-03-04"),
        ("attended", "2025-03-20", "referred", "2025-03-20"),
    ]
    assert stale_after == [6]


def _as_list(value: object) -> object:
    """JSON comes back parsed from PostgreSQL and as text from SQLite through a raw query."""
    return json.loads(value) if isinstance(value, str) else value
