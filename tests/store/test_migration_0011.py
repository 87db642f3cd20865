"""Upgrading a database with people in it to 0011: their names are untouched and no change of
name is invented; a change can then be kept, only for a person on record, and goes with them;
going back drops the changes and keeps the people."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

CREATED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
INSERT_CHANGE = text(
    "INSERT INTO person_name_change (patient_id, old_given_name, old_family_name, new_given_name, "
    "new_family_name, changed_at, changed_by_id) VALUES (:person, 'Ada', 'Lovelace', 'Ada', 'King', :now, 1)"
)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0010(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0010", _insert_people) as database:
        yield database


def _insert_people(connection: Connection) -> None:
    statements = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO user_account (id, pcn_id, username, full_name, role, password_hash, active, "
        "failed_sign_ins, created_at, version_id) "
        "VALUES (1, 1, 'wren', 'Wren Worker', 'link_worker', 'x', true, 0, :now, 1)",
        "INSERT INTO patient (id, nhs_number, given_name, family_name, family_key, date_of_birth, sex, "
        "ethnic_category, interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'Lovelace', 'lovelace', :born, 'female', 'A', false, :now, :now, 1)",
    ]
    for statement in statements:
        connection.execute(text(statement), {"now": CREATED, "born": date(1950, 1, 2)})


def test_upgrading_from_0010_keeps_the_names_and_records_no_change(database_at_0010: Database) -> None:
    result = migrations.upgrade_to_head(database_at_0010)

    assert result is not None and result.from_revision == "0010"
    with database_at_0010.engine.begin() as connection:
        names = connection.execute(text("SELECT given_name, family_name FROM patient")).all()
        changes = connection.execute(text("SELECT count(*) FROM person_name_change")).scalar_one()
    assert [tuple(name) for name in names] == [("Ada", "Lovelace")]
    assert changes == 0
    indexes = {
        index["name"]: index["column_names"]
        for index in inspect(database_at_0010.engine).get_indexes("person_name_change")
    }
    assert indexes == {"ix_person_name_change_patient_id": ["patient_id"]}


def test_after_the_upgrade_a_change_is_kept_only_for_a_person_on_record_and_goes_with_them(
    database_at_0010: Database,
) -> None:
    migrations.upgrade_to_head(database_at_0010)

    with pytest.raises(IntegrityError), database_at_0010.engine.begin() as connection:
        connection.execute(INSERT_CHANGE, {"person": 2, "now": CREATED})
    with database_at_0010.engine.begin() as connection:
        connection.execute(INSERT_CHANGE, {"person": 1, "now": CREATED})
        assert connection.execute(text("SELECT count(*) FROM person_name_change")).scalar_one() == 1
        connection.execute(text("DELETE FROM patient WHERE id = 1"))
        assert connection.execute(text("SELECT count(*) FROM person_name_change")).scalar_one() == 0


def test_going_back_to_0010_drops_the_changes_and_keeps_the_people(database_at_0010: Database) -> None:
    migrations.upgrade_to_head(database_at_0010)
    with database_at_0010.engine.begin() as connection:
        connection.execute(INSERT_CHANGE, {"person": 1, "now": CREATED})
        command.downgrade(migrations.alembic_config(connection), "0010")
    assert "person_name_change" not in inspect(database_at_0010.engine).get_table_names()
    with database_at_0010.engine.begin() as connection:
        names = connection.execute(text("SELECT given_name, family_name FROM patient")).all()
    assert [tuple(name) for name in names] == [("Ada", "Lovelace")]
