"""Units of work: reads never hold the write lock; failures roll back whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from linkworker.store.database import Database, _is_connection_failure
from linkworker.store.models import PostcodePoint


def _count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(PostcodePoint)) or 0


def test_a_writer_is_not_kept_waiting_by_an_open_read(database: Database) -> None:
    with database.session() as session:
        session.add(PostcodePoint(postcode="ME14 1XX", latitude=51.27, longitude=0.52))
    with database.read_session() as reader:
        assert reader.scalar(select(func.count()).select_from(PostcodePoint)) == 1
        with database.session() as writer:
            writer.add(PostcodePoint(postcode="ME14 1XY", latitude=51.27, longitude=0.52))
    assert _count(database) == 2


def test_a_unit_of_work_that_fails_writes_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as session:
        session.add(PostcodePoint(postcode="CT1 1AA", latitude=51.28, longitude=1.08))
        session.flush()
        raise RuntimeError("the user's save failed half way")
    assert _count(database) == 0


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("driver error")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "unreachable"),
    [(None, True), ("08006", True), ("57P01", True), ("40P01", False), ("57014", False), ("55P03", False)],
)
def test_only_connection_failures_count_as_an_unreachable_server(
    sqlstate: str | None, unreachable: bool
) -> None:
    error = OperationalError("SELECT 1", {}, _DriverError(sqlstate))
    assert _is_connection_failure(error) is unreachable


def test_a_database_error_never_repeats_the_values_it_was_given(database: Database) -> None:
    """Error messages end up in logs and dialogs: they must not carry a person's details."""
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    from linkworker.store.models import Patient

    def person() -> Patient:
        return Patient(
            nhs_number="9990000026",
            given_name="Quillimina",
            family_name="Vossberg-Trent",
            date_of_birth=date(1957, 4, 12),
            sex="female",
            ethnic_category="A",
        )

    with database.session() as session:
        session.add(person())
    with pytest.raises(IntegrityError) as raised, database.session() as session:
        session.add(person())
    message = str(raised.value)
    assert "9990000026" not in message
    assert "Quillimina" not in message and "Vossberg" not in message
