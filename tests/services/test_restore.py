"""Restore: an administrator's sign-in or the recovery key puts a backup of this database back,
keeps the current file aside, says what date the records go back to, and brings the key slots
in line with the restored users; anything that is not a whole backup of this database, or a
user who is not an administrator, changes nothing. On a new PC the backup's own key slots say
who may restore it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlcipher3 import dbapi2

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.administration import backup, users
from linkworker.services.administration.users import NewUser
from linkworker.services.cases import casework
from linkworker.services.errors import PermissionDenied, ServiceError, SignInFailed
from linkworker.store.errors import (
    CorruptDatabase,
    DatabaseLocked,
    NotLinkworkerDatabase,
    SchemaTooNew,
    StoreError,
    WrongKeyOrNotDatabase,
)
from linkworker.store.key_slots import path_for
from linkworker.store.migrations import head_revision
from linkworker.store.models import AuditEvent, CaseNote
from tests.conftest import ADMIN_PASSWORD, MANAGER_PASSWORD, WORKER_PASSWORD
from tests.helpers.slotted import Slotted, slotted_database
from tests.services.casework_builder import new_case
from tests.services.test_backup import PAGE, damage, fill

MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
ANA_PASSWORD = "orange kettle lighthouse"


def notes(gate: DataAccess) -> list[str]:
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    try:
        with signed_in.database.read_session() as session:
            return sorted(session.scalars(select(CaseNote.text)))
    finally:
        gate.release(signed_in)


class Office:
    """A PCN's data folder with a case of two notes and a backup taken in the morning; the
    database is closed, so only a password or the recovery key opens it."""

    def __init__(self, folder: Path) -> None:
        made: Slotted = slotted_database(folder)
        self.folder = folder
        self.recovery_code = made.recovery_code
        worker = made.actors[Role.LINK_WORKER]
        self.case = new_case(made.database, worker)
        with made.database.session() as session:
            casework.add_note(session, worker, self.case, "first call")
            casework.add_note(session, worker, self.case, "second call")
        self.backup = backup.back_up(
            made.database, made.actors[Role.ADMIN], folder.parent / "backups", now=MORNING
        )
        self.morning_notes = ["first call", "second call"]
        made.database.dispose()

    @property
    def gate(self) -> DataAccess:
        return DataAccess(self.folder / "linkworker.db", self.folder / "keys")

    def afternoon(self) -> None:
        """The morning's notes deleted by mistake and a new one written."""
        signed_in = self.gate.sign_in("worker", WORKER_PASSWORD)
        try:
            with signed_in.database.session() as session:
                session.execute(delete(CaseNote))
                casework.add_note(session, signed_in.actor, self.case, "afternoon call")
        finally:
            self.gate.release(signed_in)


@pytest.fixture
def office(tmp_path: Path) -> Office:
    return Office(tmp_path / "data")


def unchanged(office: Office) -> None:
    """Nothing was put back and no safety copy made."""
    assert notes(office.gate) == ["afternoon call"]
    assert not list(office.folder.glob("*before-restore*"))


def test_a_restore_brings_back_what_was_deleted_and_says_to_when(office: Office) -> None:
    office.afternoon()
    gate = office.gate

    result = backup.restore(gate, office.backup.path, username="admin", password=ADMIN_PASSWORD, now=LATER)

    assert notes(gate) == office.morning_notes
    assert result.backup_file == office.backup.path
    assert result.safety_copy == office.folder / "linkworker.before-restore-20261123T173000Z.db"
    assert path_for(result.safety_copy).exists(), "the key slots are kept with the safety copy"
    assert {p.stat().st_mode & 0o777 for p in (result.safety_copy, path_for(result.safety_copy))} == {0o600}
    assert result.records_as_of <= datetime.now(UTC)
    assert (result.schema_before, result.schema_after) == (head_revision(), head_revision())
    assert (result.slots_removed, result.users_without_slot) == ((), ())
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.read_session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "database_restored")).one()
    gate.release(signed_in)
    assert (event.username, event.detail) == ("admin", office.backup.path.name)

    # The safety copy holds the afternoon, and opens as the database did.
    aside = DataAccess(result.safety_copy, office.folder / "keys")
    assert notes(aside) == ["afternoon call"]
    assert not list(office.folder.glob("linkworker.db-journal")), "no journal left behind"


def test_the_date_reported_is_that_of_the_latest_record_in_the_backup(office: Office) -> None:
    gate = office.gate
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.read_session() as session:
        backup_made = session.scalars(select(AuditEvent).where(AuditEvent.action == "backup_made")).one()
        latest_before_backup = session.scalars(
            select(AuditEvent.occurred_at)
            .where(AuditEvent.id < backup_made.id)
            .order_by(AuditEvent.id.desc())
        ).first()
    gate.release(signed_in)
    office.afternoon()

    result = backup.restore(gate, office.backup.path, username="admin", password=ADMIN_PASSWORD)

    assert result.records_as_of == latest_before_backup


def test_the_recovery_key_restores_without_a_password(office: Office) -> None:
    office.afternoon()
    result = backup.restore(office.gate, office.backup.path, recovery_code=office.recovery_code.lower())
    assert notes(office.gate) == office.morning_notes
    assert result.safety_copy is not None
    signed_in = office.gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.read_session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "database_restored")).one()
    office.gate.release(signed_in)
    assert (event.username, event.user_id) == (None, None)


@pytest.mark.parametrize(
    ("username", "password", "refusal"),
    [
        ("worker", WORKER_PASSWORD, PermissionDenied),
        ("manager", MANAGER_PASSWORD, PermissionDenied),
        ("admin", "not the password", SignInFailed),
    ],
)
def test_only_an_administrator_may_restore(
    office: Office, username: str, password: str, refusal: type[Exception]
) -> None:
    office.afternoon()
    with pytest.raises(refusal):
        backup.restore(office.gate, office.backup.path, username=username, password=password)
    unchanged(office)


def test_a_wrong_recovery_key_restores_nothing(office: Office) -> None:
    office.afternoon()
    with pytest.raises(SignInFailed, match="does not open"):
        backup.restore(office.gate, office.backup.path, recovery_code="ABCD-" * 7 + "ABCD")
    unchanged(office)


def _text_file(folder: Path) -> Path:
    file = folder / "notes.db"
    file.write_text("Meeting notes, not a backup.\n" * 200)
    return file


def _plain_sqlite(folder: Path) -> Path:
    import sqlite3

    file = folder / "plain.db"
    with sqlite3.connect(file) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    return file


def _damaged(office: Office, folder: Path) -> Path:
    file = folder / "linkworker-20261123T090000Z.db"
    shutil.copyfile(office.backup.path, file)
    damage(file, (file.stat().st_size // PAGE - 2) * PAGE + 200)
    return file


def _another_database(office: Office, folder: Path) -> Path:
    other = slotted_database(folder / "other")
    result = backup.back_up(other.database, other.actors[Role.ADMIN], folder / "other-backups")
    other.database.dispose()
    return result.path


def _newer_schema(office: Office, folder: Path) -> Path:
    file = folder / "linkworker-20261123T090000Z.db"
    shutil.copyfile(office.backup.path, file)
    gate = office.gate
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    key = signed_in.database.location.key
    gate.release(signed_in)
    assert key is not None
    connection = dbapi2.connect(str(file))
    connection.execute(f"PRAGMA key = \"x'{key.hex}'\"")
    connection.execute("UPDATE alembic_version SET version_num = 'f00000000000'")
    connection.commit()
    connection.close()
    return file


@pytest.mark.parametrize(
    ("make", "refusal", "words"),
    [
        (lambda office, folder: _text_file(folder), WrongKeyOrNotDatabase, "not a backup of this database"),
        (lambda office, folder: _plain_sqlite(folder), NotLinkworkerDatabase, "ordinary unencrypted"),
        (_another_database, WrongKeyOrNotDatabase, "not a backup of this database"),
        (_damaged, CorruptDatabase, "damaged"),
        (_newer_schema, SchemaTooNew, "newer version of Linkworker"),
    ],
    ids=["text file", "plain sqlite", "another database", "damaged", "newer schema"],
)
def test_a_file_that_is_not_a_whole_backup_of_this_database_changes_nothing(
    office: Office, tmp_path: Path, make, refusal: type[StoreError], words: str
) -> None:
    office.afternoon()
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    file = make(office, folder)
    before = file.read_bytes()

    with pytest.raises(refusal, match=words) as refused:
        backup.restore(office.gate, file, username="admin", password=ADMIN_PASSWORD)

    assert "Traceback" not in str(refused.value)
    unchanged(office)
    assert file.read_bytes() == before, "the file offered is left as it was"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(
        p.name for p in folder.iterdir() if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    )


def test_a_restore_onto_an_empty_data_folder_uses_the_backups_own_key_slots(
    office: Office, tmp_path: Path
) -> None:
    """A new PC after a disk failure: only the backup folder survived."""
    new_pc = DataAccess(tmp_path / "new-pc" / "linkworker.db", tmp_path / "new-pc" / "keys")

    with pytest.raises(PermissionDenied):
        backup.restore(new_pc, office.backup.path, username="worker", password=WORKER_PASSWORD)
    with pytest.raises(SignInFailed):
        backup.restore(new_pc, office.backup.path, username="admin", password="not the password")
    assert not (tmp_path / "new-pc").exists() or not list((tmp_path / "new-pc").iterdir())

    result = backup.restore(new_pc, office.backup.path, username="admin", password=ADMIN_PASSWORD)

    assert result.safety_copy is None
    assert notes(new_pc) == office.morning_notes
    assert new_pc.slots.exists()
    worker = new_pc.sign_in("worker", WORKER_PASSWORD)
    new_pc.release(worker)


def test_the_recovery_key_restores_onto_an_empty_data_folder(office: Office, tmp_path: Path) -> None:
    new_pc = DataAccess(tmp_path / "new-pc" / "linkworker.db", tmp_path / "new-pc" / "keys")
    backup.restore(new_pc, office.backup.path, recovery_code=office.recovery_code)
    assert notes(new_pc) == office.morning_notes


def test_a_user_created_after_the_backup_loses_their_key_slot(office: Office) -> None:
    gate = office.gate
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.session() as session:
        users.create_user(
            session, signed_in.actor, NewUser("ana", "Ana Worker", Role.LINK_WORKER, ANA_PASSWORD)
        )
    gate.release(signed_in)
    assert "ana" in gate.slots.usernames()

    result = backup.restore(gate, office.backup.path, username="admin", password=ADMIN_PASSWORD)

    assert result.slots_removed == ("ana",)
    assert gate.slots.usernames() == {"admin", "manager", "worker"}
    with pytest.raises(SignInFailed):
        gate.sign_in("ana", ANA_PASSWORD)


def test_a_user_deactivated_after_the_backup_needs_a_new_password(office: Office) -> None:
    gate = office.gate
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.session() as session:
        manager = next(u for u in users.list_users(session, signed_in.actor) if u.username == "manager")
        users.set_active(session, signed_in.actor, manager.id, manager.version, False)
    gate.release(signed_in)
    assert "manager" not in gate.slots.usernames()

    result = backup.restore(gate, office.backup.path, username="admin", password=ADMIN_PASSWORD)

    assert result.users_without_slot == ("manager",)


@pytest.mark.parametrize("where", ["first page", "last pages"])
def test_a_damaged_database_is_replaced_by_its_backup(office: Office, where: str) -> None:
    """The reason most restores happen: the current file no longer reads."""
    file = office.folder / "linkworker.db"
    signed_in = office.gate.sign_in("admin", ADMIN_PASSWORD)
    fill(signed_in.database)
    office.gate.release(signed_in)
    offset = 200 if where == "first page" else (file.stat().st_size // PAGE - 2) * PAGE + 200
    damage(file, offset)
    damaged = file.read_bytes()[offset : offset + 64]

    result = backup.restore(office.gate, office.backup.path, username="admin", password=ADMIN_PASSWORD)

    assert notes(office.gate) == office.morning_notes
    assert result.safety_copy is not None
    assert result.safety_copy.read_bytes()[offset : offset + 64] == damaged, "kept as it was, damage and all"
    assert not list(office.folder.glob("linkworker.db-*")), "no side file of the damaged file is left"


@pytest.fixture
def second_copy(office: Office) -> Iterator[dbapi2.Connection]:
    """Another program with the database open, having read from it."""
    gate = office.gate
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    key = signed_in.database.location.key
    gate.release(signed_in)
    assert key is not None
    connection = dbapi2.connect(str(office.folder / "linkworker.db"), isolation_level=None)
    connection.execute(f"PRAGMA key = \"x'{key.hex}'\"")
    connection.execute("SELECT count(*) FROM case_note").fetchone()
    yield connection
    connection.close()


def test_a_database_another_program_has_open_is_not_restored(
    office: Office, second_copy: dbapi2.Connection
) -> None:
    office.afternoon()
    with pytest.raises(DatabaseLocked, match="Close every other copy"):
        backup.restore(office.gate, office.backup.path, username="admin", password=ADMIN_PASSWORD)
    unchanged(office)

    second_copy.close()
    backup.restore(office.gate, office.backup.path, username="admin", password=ADMIN_PASSWORD)
    assert notes(office.gate) == office.morning_notes


def test_a_shared_server_is_restored_on_the_server(office: Office) -> None:
    shared = DataAccess(
        office.folder / "linkworker.db", office.folder / "keys", "postgresql://lw@db.example/lw"
    )
    with pytest.raises(ServiceError, match="pg_dump"):
        backup.restore(shared, office.backup.path, username="admin", password=ADMIN_PASSWORD)
