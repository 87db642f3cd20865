"""Online backups of the encrypted file: same key, same rows, never over an existing file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlcipher3 import dbapi2

from linkworker.store.database import SQLITE_HEADER, Database
from linkworker.store.models import Pcn, Practice
from linkworker.store.sqlite_backup import backup


def rows(file: Path, key_hex: str) -> list[tuple[str, str]]:
    connection = dbapi2.connect(str(file))
    try:
        connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        return connection.execute("SELECT ods_code, name FROM practice ORDER BY ods_code").fetchall()
    finally:
        connection.close()


def test_a_backup_opens_with_the_same_key_and_holds_the_same_rows(
    sqlite_database: Database, tmp_path: Path
) -> None:
    with sqlite_database.session() as session:
        pcn = Pcn(name="Test Valley PCN", ods_code="U99901")
        pcn.practices += [
            Practice(ods_code="G99001", name="Riverside Surgery"),
            Practice(ods_code="G99002", name="Hilltop Practice"),
        ]
        session.add(pcn)
    source, key = sqlite_database.location.sqlite_file, sqlite_database.location.key
    assert source is not None and key is not None
    target = tmp_path / "backups" / "linkworker-copy.db"

    with sqlite_database.session() as session:  # a live database: the backup API, not a file copy
        session.scalars(select(Practice)).all()
        backup(source, key.hex, target)

    assert target.read_bytes()[:16] != SQLITE_HEADER
    assert (
        rows(target, key.hex)
        == rows(source, key.hex)
        == [
            ("G99001", "Riverside Surgery"),
            ("G99002", "Hilltop Practice"),
        ]
    )
    assert not list(target.parent.glob("*.partial"))


def test_a_backup_never_overwrites_a_file(sqlite_database: Database, tmp_path: Path) -> None:
    source, key = sqlite_database.location.sqlite_file, sqlite_database.location.key
    assert source is not None and key is not None
    target = tmp_path / "existing.db"
    target.write_bytes(b"someone else's file")
    with pytest.raises(FileExistsError):
        backup(source, key.hex, target)
    assert target.read_bytes() == b"someone else's file"
