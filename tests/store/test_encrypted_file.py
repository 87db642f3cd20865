"""The SQLite file is encrypted: no NHS number or name can be read from its bytes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlcipher3 import dbapi2

from linkworker.domain import nhs_number
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.store.database import SQLITE_HEADER, Database, open_sqlite
from linkworker.store.models import Patient, Pcn, Practice

GIVEN_NAME = "Quillimina"
FAMILY_NAME = "Vossberg-Trent"


def _file_bytes(database_file: Path) -> dict[str, bytes]:
    """The database and any journal files SQLite keeps beside it, as plain bytes."""
    files = [database_file, *database_file.parent.glob(database_file.name + "-*")]
    return {file.name: file.read_bytes() for file in files if file.exists()}


def _assert_unreadable(contents: dict[str, bytes], number: str) -> None:
    for name, data in contents.items():
        for secret in (number, nhs_number.formatted(number), GIVEN_NAME, FAMILY_NAME):
            assert secret.encode("utf-8") not in data, f"{secret!r} readable in {name}"
            assert secret.encode("utf-16-le") not in data, f"{secret!r} readable in {name}"


def test_no_nhs_number_or_name_is_readable_in_the_file(sqlite_database: Database, tmp_path: Path) -> None:
    number = next(nhs_number.synthetic_numbers(424_242))
    file = sqlite_database.location.sqlite_file
    assert file is not None

    assert sqlite_database.location.key is not None
    # Another connection left open keeps the write-ahead log file in place, so it is read too.
    reader = dbapi2.connect(str(file), isolation_level=None)
    try:
        reader.execute(f"PRAGMA key = \"x'{sqlite_database.location.key.hex}'\"")
        reader.execute("SELECT count(*) FROM patient").fetchall()
        with sqlite_database.session() as session:
            pcn = Pcn(name="Test Valley PCN", ods_code="U99901")
            practice = Practice(ods_code="G99001", name="Riverside Surgery")
            pcn.practices.append(practice)
            session.add(pcn)
            session.add(
                Patient(
                    nhs_number=number,
                    given_name=GIVEN_NAME,
                    family_name=FAMILY_NAME,
                    date_of_birth=date(1957, 4, 12),
                    sex=Sex.FEMALE.value,
                    ethnic_category=EthnicCategory.A.value,
                    postcode="ME14 1XX",
                )
            )
        while_open = _file_bytes(file)
    finally:
        reader.close()
    sqlite_database.dispose()
    closed = _file_bytes(file)

    assert any(name.endswith("-wal") and data for name, data in while_open.items())
    _assert_unreadable(while_open, number)
    _assert_unreadable(closed, number)
    assert not closed[file.name].startswith(SQLITE_HEADER)
    assert not closed[file.name].startswith(b"SQLite format 3")

    # The record is really there: the app, with its key, reads it back.
    reopened = open_sqlite(file, tmp_path / "data" / "keys")
    try:
        with reopened.session() as session:
            assert session.execute(select(Patient.nhs_number, Patient.family_name)).all() == [
                (number, FAMILY_NAME)
            ]
    finally:
        reopened.dispose()
