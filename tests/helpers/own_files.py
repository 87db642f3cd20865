"""What the tests of "no file the app writes replaces its own data" aim at, and how they check it.

Each save of a screen or a command is aimed at the open database file (or a journal or the key
slots beside it); the save must be refused and the database must still open from the disk, with
its records, as the next sign-in would open it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from linkworker.store.database import Database, open_sqlite_with_key
from linkworker.store.models import Pcn


def database_file(database: Database) -> Path:
    file = database.location.sqlite_file
    assert file is not None, "own files are those of an encrypted database file"
    return file


def own_files(database: Database) -> list[Path]:
    """The database, its journals and its key slots, each as a save dialog would give it."""
    file = database_file(database)
    return [
        file,
        *(file.with_name(file.name + tail) for tail in ("-wal", "-shm", "-journal")),
        file.with_name(file.name + ".keyslots"),
    ]


def assert_still_opens(database: Database) -> None:
    """The file on disk opens afresh with its key and still holds its PCN."""
    key = database.location.key
    assert key is not None
    reopened = open_sqlite_with_key(database_file(database), key, migrate=False)
    try:
        with reopened.session() as session:
            assert (session.scalar(select(func.count()).select_from(Pcn)) or 0) >= 1
    finally:
        reopened.dispose()
