"""Backups: administrators only and audited; checked before and after, so a damaged database
gives no backup; the copy and its key slots open with the same passwords and nothing else; a
retention count removes only this database's oldest backups; refused for PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import backup
from linkworker.services.errors import PermissionDenied, ServiceError
from linkworker.store.database import Database, open_sqlite, open_sqlite_with_key
from linkworker.store.database_key import DatabaseKey
from linkworker.store.errors import CorruptDatabase, KeyMissing, PasswordNeeded
from linkworker.store.key_slots import KeySlots, path_for
from linkworker.store.migrations import head_revision
from linkworker.store.models import AuditEvent, UserAccount
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.slotted import Slotted, slotted_database

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PAGE = 4096


@pytest.fixture
def slotted(tmp_path: Path) -> Iterator[Slotted]:
    made = slotted_database(tmp_path / "data")
    yield made
    made.database.dispose()


def damage(file: Path, offset: int) -> None:
    """Overwrite 64 bytes, as a failing disk would."""
    data = bytearray(file.read_bytes())
    data[offset : offset + 64] = os.urandom(64)
    file.write_bytes(bytes(data))


def fill(database: Database, rows: int = 600) -> None:
    """Enough rows to spread over many pages."""
    with database.session() as session:
        for n in range(rows):
            audit.record(session, None, "test_row", detail=f"{n:04d} " + "x" * 300)


def user_names(database: Database) -> list[str]:
    with database.read_session() as session:
        return sorted(session.scalars(select(UserAccount.username)))


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.MANAGER])
def test_only_an_administrator_may_back_up(slotted: Slotted, role: Role, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        backup.back_up(slotted.database, slotted.actors[role], tmp_path / "backups", now=NOON)
    assert not (tmp_path / "backups").exists()


def test_a_backup_is_checked_audited_and_private(slotted: Slotted, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    with slotted.database.read_session() as session:  # the app is in use while IT backs up
        session.scalar(select(func.count()).select_from(UserAccount))
        result = backup.back_up(slotted.database, slotted.actors[Role.ADMIN], folder, now=NOON)

    assert result.path == folder / "linkworker-20261123T120000Z.db"
    assert result.key_slots == folder / "linkworker-20261123T120000Z.db.keyslots"
    assert (result.schema_revision, result.removed) == (head_revision(), 0)
    assert result.size_bytes == result.path.stat().st_size > 0
    assert sorted(path.name for path in folder.iterdir()) == [result.path.name, result.key_slots.name]
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}
    with slotted.database.read_session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.username, event.detail) == ("backup_made", "admin", result.path.name)


def test_a_backup_and_its_key_slots_open_with_a_password_and_nothing_else(
    slotted: Slotted, tmp_path: Path, fake_keyring: MemoryKeyring
) -> None:
    result = backup.back_up(slotted.database, slotted.actors[Role.ADMIN], tmp_path / "backups", now=NOON)
    # Another computer: the backup file and its slots, copied into a folder of their own.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / result.path.name
    copy.write_bytes(result.path.read_bytes())
    assert result.key_slots is not None
    path_for(copy).write_bytes(result.key_slots.read_bytes())
    assert fake_keyring.secrets == {}

    with pytest.raises(PasswordNeeded):  # no key anywhere but in the slots
        open_sqlite(copy, elsewhere / "keys")
    slots = KeySlots(path_for(copy))
    assert slots.unlock_user("admin", "not the password") is None
    raw = slots.unlock_user("admin", ADMIN_PASSWORD)
    assert raw is not None
    restored = open_sqlite_with_key(copy, DatabaseKey.from_slot(raw), migrate=False)
    try:
        assert user_names(restored) == ["admin", "manager", "worker"]
    finally:
        restored.dispose()
    assert slots.unlock_user("worker", WORKER_PASSWORD) == raw  # every user's own password

    copy.unlink()  # without its slots, the backup opens with nothing
    path_for(copy).rename(elsewhere / "slots-kept-apart")
    copy.write_bytes(result.path.read_bytes())
    with pytest.raises(KeyMissing):
        open_sqlite(copy, elsewhere / "keys")


def test_a_damaged_database_gives_no_backup(slotted: Slotted, tmp_path: Path) -> None:
    fill(slotted.database)
    file = slotted.file
    assert not file.with_name(file.name + "-wal").exists(), "every page is in the file itself"
    pages = file.stat().st_size // PAGE
    assert pages > 20
    damage(file, (pages - 2) * PAGE + 200)
    folder = tmp_path / "backups"

    with pytest.raises(CorruptDatabase, match=r"is damaged .* so no backup was made") as refused:
        backup.back_up(slotted.database, slotted.actors[Role.ADMIN], folder, now=NOON)
    assert "Restore the latest good backup" in str(refused.value)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_keep_removes_only_this_databases_oldest_backups(slotted: Slotted, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    admin = slotted.actors[Role.ADMIN]
    for day in range(3):
        backup.back_up(slotted.database, admin, folder, now=NOON + timedelta(days=day))
    others = ["other-20260101T000000Z.db", "linkworker-notes.txt", "linkworker.before-restore-x.db"]
    for name in others:
        (folder / name).write_text("not this database's backup")

    result = backup.back_up(slotted.database, admin, folder, keep=2, now=NOON + timedelta(days=3))

    assert result.removed == 2
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [
            *others,
            "linkworker-20261125T120000Z.db",
            "linkworker-20261125T120000Z.db.keyslots",
            "linkworker-20261126T120000Z.db",
            "linkworker-20261126T120000Z.db.keyslots",
        ]
    )
    with pytest.raises(ServiceError, match="at least one"):
        backup.back_up(slotted.database, admin, folder, keep=0, now=NOON + timedelta(days=4))


def test_a_backup_never_overwrites_an_earlier_one(slotted: Slotted, tmp_path: Path) -> None:
    admin = slotted.actors[Role.ADMIN]
    first = backup.back_up(slotted.database, admin, tmp_path, now=NOON)
    before = first.path.read_bytes()
    with pytest.raises(ServiceError, match="already exists"):
        backup.back_up(slotted.database, admin, tmp_path, now=NOON)
    assert first.path.read_bytes() == before


def test_a_shared_server_is_backed_up_on_the_server(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    if database.location.kind == "sqlite":
        pytest.skip("the encrypted file is backed up above")
    with pytest.raises(ServiceError, match="pg_dump"):
        backup.back_up(database, actors[Role.ADMIN], tmp_path / "backups")
    assert not (tmp_path / "backups").exists()
