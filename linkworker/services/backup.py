"""Backups of the local encrypted database, made while the app may be in use.

SQLite's online backup API gives a consistent copy even of a live WAL database; a file copy
would not. The copy keeps the database's key, so IT must keep the key too (``export_key``).
A shared PostgreSQL database is backed up on the server with pg_dump instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from linkworker.services.errors import ServiceError
from linkworker.store import database_key, sqlite_backup
from linkworker.store.database import Database


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    schema_revision: str


def _local_key(database: Database) -> tuple[Path, database_key.DatabaseKey]:
    location = database.location
    if location.sqlite_file is None or location.key is None:
        raise ServiceError(
            f"The {location.description} is backed up on the server with pg_dump "
            "(see docs/deployment.md), not by Linkworker."
        )
    return location.sqlite_file, location.key


def back_up(database: Database, folder: Path, now: datetime | None = None) -> BackupResult:
    """Copy the database into ``folder`` as linkworker-<UTC time>.db and check the copy opens."""
    source, key = _local_key(database)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{source.stem}-{stamp}.db"
    if target.exists():
        raise ServiceError(f"{target} already exists; wait a second and try again.")
    sqlite_backup.backup(source, key.hex, target)
    revision = sqlite_backup.schema_revision(target, key.hex)
    return BackupResult(target, target.stat().st_size, revision)


def export_key(database: Database, target: Path) -> Path:
    """Write the database key to ``target`` for IT's safe keeping; refuses to overwrite a file."""
    _source, key = _local_key(database)
    if target.exists():
        raise ServiceError(f"{target} already exists; choose a new file name.")
    database_key.export(key, target)
    return target
