"""Backups of the encrypted file: consistent while in use, same key, and refused for PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services import backup
from linkworker.services.actor import Actor
from linkworker.services.errors import ServiceError
from linkworker.store.database import Database, open_sqlite
from linkworker.store.database_key import key_file_for
from linkworker.store.migrations import head_revision
from linkworker.store.models import UserAccount

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _users(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(UserAccount)) or 0


def test_a_backup_taken_during_an_open_read_opens_with_the_exported_key(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    if database.location.kind != "sqlite":
        with pytest.raises(ServiceError, match="pg_dump"):
            backup.back_up(database, tmp_path / "backups")
        return
    with database.read_session() as session:  # the app is in use while IT backs up
        session.scalar(select(func.count()).select_from(UserAccount))
        result = backup.back_up(database, tmp_path / "backups", now=NOON)
    assert result.path == tmp_path / "backups" / "linkworker-20261123T120000Z.db"
    assert result.schema_revision == head_revision()
    assert result.size_bytes == result.path.stat().st_size > 0

    key_copy = backup.export_key(database, tmp_path / "escrow" / "linkworker.key")
    assert key_copy.stat().st_mode & 0o777 == 0o600
    # Restore on another computer: the backup file plus the kept key in a key file.
    restored_folder = tmp_path / "restored"
    restored_file = restored_folder / "linkworker.db"
    restored_folder.mkdir()
    result.path.rename(restored_file)
    key_file = key_file_for(restored_folder / "keys", restored_file)
    key_file.parent.mkdir()
    key_file.write_text(key_copy.read_text())
    restored = open_sqlite(restored_file, restored_folder / "keys")
    try:
        assert _users(restored) == _users(database) == 3
    finally:
        restored.dispose()


def test_a_backup_never_overwrites_an_earlier_one(sqlite_database: Database, tmp_path: Path) -> None:
    backup.back_up(sqlite_database, tmp_path, now=NOON)
    with pytest.raises(ServiceError, match="already exists"):
        backup.back_up(sqlite_database, tmp_path, now=NOON)


def test_exporting_the_key_refuses_to_overwrite_a_file(sqlite_database: Database, tmp_path: Path) -> None:
    existing = tmp_path / "kept.key"
    existing.write_text("something IT kept")
    with pytest.raises(ServiceError, match="already exists"):
        backup.export_key(sqlite_database, existing)
    assert existing.read_text() == "something IT kept"
