"""Upgrading a database with referrals in it to 0013: a consent already given is dated the day its
referral was received, one never given has no day, nothing else changes; the case's history of
corrections starts empty, keeps a change only for a case on record and goes with it; going back
drops the days and the history and keeps the referrals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Boolean, Connection, Date, inspect, text
from sqlalchemy.exc import IntegrityError

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

CREATED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
RECEIVED = date(2025, 3, 1)
INSERT_CHANGE = text(
    "INSERT INTO case_change (referral_id, patient_id, field, before, after, changed_at, changed_by_id) "
    "VALUES (:case, NULL, 'urgency', 'Routine', 'Urgent', :now, 1)"
)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0012(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0012", _insert_referrals) as database:
        yield database


def _insert_referrals(connection: Connection) -> None:
    statements = [
        "INSERT INTO pcn (id, ods_code, name, created_at, version_id) "
        "VALUES (1, 'U99901', 'Old PCN', :now, 1)",
        "INSERT INTO practice (id, pcn_id, ods_code, name, active, created_at, version_id) "
        "VALUES (1, 1, 'G99001', 'Riverside Surgery', true, :now, 1)",
        "INSERT INTO user_account (id, pcn_id, username, full_name, role, password_hash, active, "
        "failed_sign_ins, created_at, version_id) "
        "VALUES (1, 1, 'wren', 'Wren Worker', 'link_worker', 'x', true, 0, :now, 1)",
        "INSERT INTO patient (id, nhs_number, given_name, family_name, family_key, date_of_birth, sex, "
        "ethnic_category, interpreter_needed, created_at, updated_at, version_id) "
        "VALUES (1, '9990000026', 'Ada', 'Lovelace', 'lovelace', :born, 'female', 'A', false, :now, :now, 1)",
    ]
    for statement in statements:
        connection.execute(text(statement), {"now": CREATED, "born": date(1950, 1, 2)})
    referral = text(
        "INSERT INTO referral (id, patient_id, pcn_id, referring_practice_id, source, received_on, "
        "urgency, consent_share_gp, consent_share_services, status, status_changed_at, created_at, "
        "updated_at, version_id) VALUES (:id, 1, 1, 1, 'gp', :received, 'routine', :gp, :services, "
        "'referred', :now, :now, :now, 3)"
    )
    for referral_id, gp, services in ((1, True, False), (2, False, True), (3, False, False)):
        connection.execute(
            referral,
            {"id": referral_id, "gp": gp, "services": services, "received": RECEIVED, "now": CREATED},
        )


def consents(database: Database) -> list[tuple[object, ...]]:
    with database.engine.begin() as connection:
        query = text(
            "SELECT id, consent_share_gp, consent_share_gp_given_on, consent_share_gp_withdrawn_on, "
            "consent_share_services, consent_share_services_given_on, "
            "consent_share_services_withdrawn_on, version_id FROM referral ORDER BY id"
        ).columns(
            consent_share_gp=Boolean,
            consent_share_gp_given_on=Date,
            consent_share_gp_withdrawn_on=Date,
            consent_share_services=Boolean,
            consent_share_services_given_on=Date,
            consent_share_services_withdrawn_on=Date,
        )
        rows = connection.execute(query)
        return [tuple(row) for row in rows]


def test_upgrading_from_0012_dates_each_consent_given_the_day_its_referral_was_received(
    database_at_0012: Database,
) -> None:
    result = migrations.upgrade_to_head(database_at_0012)

    assert result is not None and result.from_revision == "0012"
    assert consents(database_at_0012) == [
        (1, True, RECEIVED, None, False, None, None, 3),
        (2, False, None, None, True, RECEIVED, None, 3),
        (3, False, None, None, False, None, None, 3),
    ]
    with database_at_0012.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM case_change")).scalar_one() == 0
    indexes = {
        index["name"]: index["column_names"]
        for index in inspect(database_at_0012.engine).get_indexes("case_change")
    }
    assert indexes == {
        "ix_case_change_referral_id": ["referral_id"],
        "ix_case_change_patient_id": ["patient_id"],
    }


def test_after_the_upgrade_a_change_is_kept_only_for_a_case_on_record_and_goes_with_it(
    database_at_0012: Database,
) -> None:
    migrations.upgrade_to_head(database_at_0012)

    with pytest.raises(IntegrityError), database_at_0012.engine.begin() as connection:
        connection.execute(INSERT_CHANGE, {"case": 9, "now": CREATED})
    with database_at_0012.engine.begin() as connection:
        connection.execute(INSERT_CHANGE, {"case": 1, "now": CREATED})
        assert connection.execute(text("SELECT count(*) FROM case_change")).scalar_one() == 1
        connection.execute(text("DELETE FROM referral WHERE id = 1"))
        assert connection.execute(text("SELECT count(*) FROM case_change")).scalar_one() == 0


def test_going_back_to_0012_drops_the_days_and_the_history_and_keeps_the_referrals(
    database_at_0012: Database,
) -> None:
    migrations.upgrade_to_head(database_at_0012)
    with database_at_0012.engine.begin() as connection:
        connection.execute(INSERT_CHANGE, {"case": 1, "now": CREATED})
        command.downgrade(migrations.alembic_config(connection), "0012")
    inspector = inspect(database_at_0012.engine)
    assert "case_change" not in inspector.get_table_names()
    columns = {column["name"] for column in inspector.get_columns("referral")}
    assert not {name for name in columns if name.endswith(("_given_on", "_withdrawn_on"))}
    with database_at_0012.engine.begin() as connection:
        kept = connection.execute(
            text("SELECT id, consent_share_gp, consent_share_services FROM referral ORDER BY id").columns(
                consent_share_gp=Boolean, consent_share_services=Boolean
            )
        ).all()
    assert [tuple(row) for row in kept] == [(1, True, False), (2, False, True), (3, False, False)]
