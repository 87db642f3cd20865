"""Online backups of the encrypted file: same key, same rows, never over an existing file, private,
standing alone; checks that find damage; putting a copy back without replaying an old -wal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlcipher3 import dbapi2

from linkworker.store.database import SQLITE_HEADER, Database
from linkworker.store.errors import CorruptDatabase
from linkworker.store.models import Pcn, Practice
from linkworker.store.sqlite_backup import backup, check, put_in_place, read_only_engine, restore


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


KEY = "5e" * 32


def crashed_writer(file: Path, rows: list[str]) -> None:
    """Rows committed by a process that then died without closing: they are only in its -wal."""
    script = (
        "import os, sys\n"
        "from sqlcipher3 import dbapi2\n"
        "c = dbapi2.connect(sys.argv[1], isolation_level=None)\n"
        f'c.execute("PRAGMA key = \\"x\'{KEY}\'\\"")\n'
        "c.execute('PRAGMA journal_mode = WAL')\n"
        "c.execute('CREATE TABLE IF NOT EXISTS item (name TEXT)')\n"
        "c.executemany('INSERT INTO item VALUES (?)', [(r,) for r in sys.argv[2:]])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(file), *rows], check=True)


def items(file: Path) -> list[str]:
    connection = dbapi2.connect(str(file))
    try:
        connection.execute(f"PRAGMA key = \"x'{KEY}'\"")
        return [row[0] for row in connection.execute("SELECT name FROM item ORDER BY rowid")]
    finally:
        connection.close()


def side_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(("-wal", "-shm", "-journal")))


def test_a_copy_is_private_and_reading_it_writes_nothing_beside_it(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    crashed_writer(live, ["kettle", "teapot"])
    copies = tmp_path / "copies"
    backup(live, KEY, copies / "copy.db")
    before = (copies / "copy.db").read_bytes()

    assert (copies / "copy.db").stat().st_mode & 0o777 == 0o600
    assert items(copies / "copy.db") == ["kettle", "teapot"]
    engine = read_only_engine(copies / "copy.db", KEY)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM item").scalar() == 2
    engine.dispose()
    assert (copies / "copy.db").read_bytes() == before
    assert side_files(copies) == []


def test_check_finds_damage_that_a_copy_carries_over(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    crashed_writer(live, [f"item {n} " + "x" * 300 for n in range(400)])
    backup(live, KEY, tmp_path / "copy.db")
    check(tmp_path / "copy.db", KEY)
    data = bytearray((tmp_path / "copy.db").read_bytes())
    data[len(data) - 2 * 4096 + 200 : len(data) - 2 * 4096 + 264] = bytes(64)
    (tmp_path / "copy.db").write_bytes(bytes(data))
    with pytest.raises(CorruptDatabase, match="quick check found faults"):
        check(tmp_path / "copy.db", KEY)


def test_a_restore_never_replays_the_old_databases_wal_onto_the_copy(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    crashed_writer(live, ["kettle"])
    backup(live, KEY, tmp_path / "copy.db")
    crashed_writer(live, ["teapot"])  # committed after the copy, left in the -wal
    assert side_files(tmp_path) == ["live.db-shm", "live.db-wal"]

    restore(tmp_path / "copy.db", KEY, live, tmp_path / "safety.db")

    assert items(live) == ["kettle"]
    assert items(tmp_path / "safety.db") == ["kettle", "teapot"], "the safety copy has the WAL's rows"
    assert side_files(tmp_path) == []


def test_putting_a_copy_where_a_database_was_lost_ignores_its_stale_wal(tmp_path: Path) -> None:
    lost = tmp_path / "lost.db"
    crashed_writer(lost, ["kettle"])
    backup(lost, KEY, tmp_path / "copy.db")
    crashed_writer(lost, ["teapot"])
    lost.unlink()  # the disk lost the database but not its -wal

    put_in_place(tmp_path / "copy.db", KEY, lost)

    assert items(lost) == ["kettle"]
