"""Real upgrades of databases that hold records: each revision since 0001 keeps every row and
fills what it adds. SQLite rebuilds tables in batch mode, which must not trip foreign keys."""

from __future__ import annotations

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
def database_at_0001(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database brought only to revision 0001 by the real migrations, with records in it."""
    with database_at(request, tmp_path, "0001", _insert_records) as database:
        yield database


def _insert_records(connection) -> None:  # type: ignore[no-untyped-def]
    rows = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO practice (id, pcn_id, ods_code, name, active, created_at, version_id) "
        "VALUES (1, 1, 'G99001', 'Old Surgery', true, :now, 1)",
        "INSERT INTO patient (id, nhs_number, given_name, family_name, date_of_birth, sex, ethnic_category, "
        "interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'O''Brien-Smith', :born, 'female', 'A', false, :now, :now, 1)",
        "INSERT INTO referral (id, patient_id, pcn_id, referring_practice_id, source, received_on, urgency, "
        "consent_share_gp, consent_share_services, status, status_changed_at, created_at, updated_at, "
        "version_id) "
        "VALUES (1, 1, 1, 1, 'gp', :received, 'routine', true, true, 'referred', :now, :now, :now, 1)",
    ]
    for statement in rows:
        connection.execute(
            text(statement), {"now": NOW, "born": date(1950, 1, 2), "received": date(2025, 5, 30)}
        )


def test_upgrading_from_0001_keeps_every_record_and_fills_the_name_key(database_at_0001: Database) -> None:
    result = migrations.upgrade_to_head(database_at_0001)

    assert result is not None and result.from_revision == "0001"
    with database_at_0001.read_session() as session:
        assert session.execute(text("SELECT family_name, family_key FROM patient")).all() == [
            ("O'Brien-Smith", "obriensmith")
        ]
        assert session.execute(text("SELECT id, patient_id FROM referral")).all() == [(1, 1)]
        if database_at_0001.location.kind == "sqlite":
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1, "a new connection checks links"
        else:
            # Statistics are fresh after the upgrade rewrote the tables, so the planner uses the indexes.
            analysed = session.execute(
                text("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'referral'")
            ).scalar()
            assert analysed
