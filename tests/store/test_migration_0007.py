"""Upgrading a database that holds follow-ups to 0007: a follow-up cancelled before (a reason, not
done) gets its cancelled time, nothing is guessed about who did what, each PCN gets a first-contact
threshold of 5 working days, and from then on a follow-up cannot be both done and cancelled."""

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

CREATED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
DONE = datetime(2025, 3, 10, 14, 0, tzinfo=UTC).replace(tzinfo=None)

# id, due day of March, done, cancelled reason
FOLLOW_UPS = [
    (1, 10, False, None),  # open
    (2, 10, True, None),  # done
    (3, 12, False, "Person moved away"),  # cancelled before 0007: a reason, not done
    (4, 14, True, "Rang twice"),  # done and given a reason: stays done
]


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0006", _insert_records) as database:
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
        "INSERT INTO patient (id, nhs_number, given_name, family_name, family_key, date_of_birth, sex, "
        "ethnic_category, interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'Lovelace', 'lovelace', :born, 'female', 'A', false, :now, :now, 1)",
        "INSERT INTO referral (id, patient_id, pcn_id, referring_practice_id, source, received_on, "
        "urgency, consent_share_gp, consent_share_services, status, status_changed_at, created_at, "
        "updated_at, version_id) VALUES (1, 1, 1, 1, 'gp', :born, 'routine', true, true, 'contacted', "
        ":now, :now, :now, 1)",
    ]
    for statement in rows:
        connection.execute(text(statement), {"now": CREATED, "born": date(1950, 1, 2)})
    connection.execute(
        text(
            "INSERT INTO follow_up (id, referral_id, due_on, kind, owner_id, note, done_at, "
            "cancelled_reason, created_at, version_id) "
            "VALUES (:id, 1, :due, 'call', 1, NULL, :done, :reason, :created, 1)"
        ),
        [
            {
                "id": id_,
                "due": date(2025, 3, day),
                "done": DONE if done else None,
                "reason": reason,
                "created": CREATED,
            }
            for id_, day, done, reason in FOLLOW_UPS
        ],
    )


def test_upgrading_from_0006_marks_follow_ups_cancelled_before_and_guesses_nobody(
    database_at_0006: Database,
) -> None:
    result = migrations.upgrade_to_head(database_at_0006)

    assert result is not None and result.from_revision == "0006"
    with database_at_0006.read_session() as session:
        rows = session.execute(
            text(
                "SELECT id, done_at, cancelled_at, cancelled_reason, created_by_id, done_by_id, "
                "cancelled_by_id FROM follow_up ORDER BY id"
            )
        ).all()
        open_ids = session.execute(
            text("SELECT id FROM follow_up WHERE done_at IS NULL AND cancelled_at IS NULL")
        ).scalars()
        threshold = session.execute(text("SELECT first_contact_working_days FROM pcn")).scalar_one()
        assert list(open_ids) == [1]
    cancelled = {row.id: row.cancelled_at for row in rows}
    assert cancelled[1] is None and cancelled[2] is None and cancelled[4] is None
    assert str(cancelled[3])[:19] == "2025-03-03 09:00:00"  # raw SQL: SQLite gives text back
    assert [row.cancelled_reason for row in rows] == [None, None, "Person moved away", "Rang twice"]
    assert {(row.created_by_id, row.done_by_id, row.cancelled_by_id) for row in rows} == {(None, None, None)}
    assert threshold == 5


def test_after_the_upgrade_a_follow_up_cannot_be_done_and_cancelled_and_moves_are_kept(
    database_at_0006: Database,
) -> None:
    migrations.upgrade_to_head(database_at_0006)
    indexes = {
        index["name"]: index["column_names"]
        for index in inspect(database_at_0006.engine).get_indexes("follow_up")
    }
    assert indexes["ix_follow_up_owner_due_open"] == ["owner_id", "due_on"]
    assert indexes["ix_follow_up_referral_due_open"] == ["referral_id", "due_on"]
    assert "ix_follow_up_owner_open" not in indexes

    with pytest.raises(IntegrityError), database_at_0006.engine.begin() as connection:
        connection.execute(text("UPDATE follow_up SET cancelled_at = :now WHERE id = 2"), {"now": DONE})
    with database_at_0006.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO follow_up_reschedule (follow_up_id, from_due_on, to_due_on, reason, "
                "rescheduled_at, rescheduled_by_id) VALUES (1, :before, :after, 'Away that week', :now, 1)"
            ),
            {"before": date(2025, 3, 10), "after": date(2025, 3, 17), "now": DONE},
        )
        connection.execute(
            text(
                "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
                "VALUES (2, 'U99902', 'New', :now, 1)"
            ),
            {"now": DONE},
        )
        assert (
            connection.execute(
                text("SELECT first_contact_working_days FROM pcn WHERE ods_code = 'U99902'")
            ).scalar_one()
            == 5
        )


def test_going_back_to_0006_drops_what_0007_added_and_keeps_the_follow_ups(
    database_at_0006: Database,
) -> None:
    migrations.upgrade_to_head(database_at_0006)
    with database_at_0006.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0006")
    inspector = inspect(database_at_0006.engine)
    columns = {column["name"] for column in inspector.get_columns("follow_up")}
    assert not columns & {"cancelled_at", "created_by_id", "done_by_id", "cancelled_by_id"}
    assert "first_contact_working_days" not in {column["name"] for column in inspector.get_columns("pcn")}
    assert "follow_up_reschedule" not in inspector.get_table_names()
    assert "ix_follow_up_owner_open" in {index["name"] for index in inspector.get_indexes("follow_up")}
    with database_at_0006.read_session() as session:
        assert session.execute(text("SELECT id FROM follow_up ORDER BY id")).scalars().all() == [1, 2, 3, 4]
