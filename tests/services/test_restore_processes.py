"""Backup and restore with other copies of the app running as their own OS processes
(``tests.concurrency.sqlite_worker``): a backup taken while they write holds every row
committed before it and none half-written; a restore waits for no one and changes nothing
while another process holds the database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.services.administration import backup, key_custody
from linkworker.store.database import Database
from linkworker.store.errors import DatabaseLocked
from linkworker.store.models import CaseNote
from tests.concurrency.processes import Worker, share_key
from tests.conftest import ADMIN_PASSWORD, _set_up_pcn
from tests.services.casework_builder import new_case

SECONDS = 3.0


@pytest.fixture
def actors(sqlite_database: Database) -> dict[Role, Actor]:
    return _set_up_pcn(sqlite_database)


@pytest.fixture
def case(sqlite_database: Database, actors: dict[Role, Actor]) -> int:
    return new_case(sqlite_database, actors[Role.LINK_WORKER])


@pytest.fixture
def keyring_file(sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    file = tmp_path / "keyring.json"
    share_key(sqlite_database, file, monkeypatch)
    return file


def gate(database: Database) -> DataAccess:
    file = database.location.sqlite_file
    assert file is not None
    return DataAccess(file, file.parent / "keys")


def note_ids(database: Database) -> set[int]:
    with database.read_session() as session:
        return set(session.scalars(select(CaseNote.id)))


def started(workers: list[Worker]) -> None:
    """Each has opened the file and signed in; then all go at once."""
    try:
        for worker in workers:
            assert worker.line() == "ready"
        for worker in workers:
            worker.go()
    except BaseException:
        for worker in workers:
            worker.kill()
        raise


def test_a_backup_taken_while_others_write_restores_every_row_committed_before_it(
    sqlite_database: Database, actors: dict[Role, Actor], case: int, keyring_file: Path, tmp_path: Path
) -> None:
    workers = [Worker(keyring_file, sqlite_database, "mixed", case, SECONDS) for _ in range(2)]
    started(workers)
    try:
        deadline = time.monotonic() + SECONDS
        while len(note_ids(sqlite_database)) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        committed_before = note_ids(sqlite_database)
        made = backup.back_up(sqlite_database, actors[Role.ADMIN], tmp_path / "backups")
        committed_after = note_ids(sqlite_database)
        runs = [worker.result() for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [run.errors for run in runs] == [[], []], "the backup made no writer fail"
    assert len(committed_before) >= 20

    backup.restore(gate(sqlite_database), made.path, username="admin", password=ADMIN_PASSWORD)

    restored = note_ids(sqlite_database)
    assert committed_before <= restored <= committed_after
    for run in runs:  # each writer's notes up to one moment, none torn from the middle
        mine = [note for note in run.written if note in restored]
        assert mine == run.written[: len(mine)]
    assert len(restored) < sum(len(run.written) for run in runs), "the writers went on after the backup"


def test_a_restore_changes_nothing_while_another_process_holds_the_database(
    sqlite_database: Database, actors: dict[Role, Actor], case: int, keyring_file: Path, tmp_path: Path
) -> None:
    made = backup.back_up(sqlite_database, actors[Role.ADMIN], tmp_path / "backups")
    with sqlite_database.session() as session:
        code = key_custody.make_recovery_key(session, actors[Role.ADMIN])
    holder = Worker(keyring_file, sqlite_database, "hold", case, 0)
    try:
        assert holder.line() == "ready"
        holder.go()
        assert holder.line() == "holding"  # a note written, its unit of work still open

        with pytest.raises(DatabaseLocked, match="Close every other copy of Linkworker"):
            backup.restore(gate(sqlite_database), made.path, recovery_code=code)

        holder.go()
        assert holder.line() == "done"
        holder.finish()
    finally:
        holder.kill()
    data = sqlite_database.location.sqlite_file
    assert data is not None
    assert not list(data.parent.glob("*before-restore*"))
    with sqlite_database.read_session() as session:
        held = session.scalars(select(CaseNote.text)).all()
    assert [text for text in held if text.endswith("held note")], "the other process's note went in"

    backup.restore(gate(sqlite_database), made.path, recovery_code=code)
    assert note_ids(sqlite_database) == set()
