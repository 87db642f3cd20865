"""Opening the database: the key (keyring or protected file), and every way the machine or the
file can be wrong, each turned into its own plain error."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

import keyring
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlcipher3 import dbapi2

from linkworker.services import audit
from linkworker.store import secrets
from linkworker.store.database import Database, open_postgres, open_sqlite, parse_postgres_url
from linkworker.store.database_key import KeyOrigin, keyring_name
from linkworker.store.errors import (
    CorruptDatabase,
    DatabaseLocked,
    KeyMissing,
    NotLinkworkerDatabase,
    ServerUnreachable,
    StoreError,
    WrongKeyOrNotDatabase,
)
from linkworker.store.models import AuditEvent
from tests.helpers.databases import PostgresTemplate
from tests.helpers.fake_keyring import MemoryKeyring, NoKeyring

PAGE = 4096


def new_database(folder: Path) -> Database:
    """A database as an older version kept it, its key in the (fake) keyring, so the opening
    checks below can reopen it without a password; key slots are tested in test_key_slots.py
    and tests/services/test_access.py."""
    database = open_sqlite(folder / "linkworker.db", folder / "keys")
    key = database.location.key
    assert key is not None
    if key.origin is KeyOrigin.NEW:
        secrets.put(keyring_name(folder / "linkworker.db"), key.hex)
    return database


def fill(database: Database, events: int = 600) -> None:
    """Enough rows to spread over many pages."""
    with database.session() as session:
        for index in range(events):
            audit.record(session, None, "test_row", detail=f"{index:04d} " + "x" * 300)


def digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def test_a_new_database_keeps_its_key_nowhere_in_the_clear(
    tmp_path: Path, fake_keyring: MemoryKeyring
) -> None:
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    database.dispose()
    key = database.location.key
    assert key is not None and key.origin is KeyOrigin.NEW
    assert len(key.hex) == 64 and int(key.hex, 16) >= 0
    assert key.warning is None and database.location.key_warning is None
    assert fake_keyring.secrets == {}, "the key of a new database never goes to the keyring"
    assert not (tmp_path / "keys").exists()
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert (
                bytes.fromhex(key.hex) not in file.read_bytes() and key.hex.encode() not in file.read_bytes()
            )


def test_a_new_database_left_without_key_slots_says_how_to_start_again(tmp_path: Path) -> None:
    """Set-up stopped before its administrator (and so the first key slot) was saved."""
    open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys").dispose()
    with pytest.raises(KeyMissing, match="key slots"):
        open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")


def test_two_databases_get_different_keys(tmp_path: Path) -> None:
    first, second = new_database(tmp_path / "a"), new_database(tmp_path / "b")
    first.dispose()
    second.dispose()
    assert first.location.key is not None and second.location.key is not None
    assert first.location.key.hex != second.location.key.hex


def test_an_older_versions_key_file_is_still_read_and_named_as_a_risk(tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())  # the fake_keyring fixture puts the previous one back
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    database.dispose()
    assert database.location.key is not None
    key_file = tmp_path / "keys" / "linkworker.db.key"
    key_file.parent.mkdir(mode=0o700)
    key_file.write_text(database.location.key.hex, encoding="ascii")  # as versions before key slots did

    again = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    again.dispose()
    key = again.location.key
    assert key is not None and key.origin is KeyOrigin.KEY_FILE and key.key_file == key_file
    assert key.hex == database.location.key.hex
    warning = again.location.key_warning
    assert warning is not None and str(key_file) in warning and "copies it" in warning


def test_an_existing_database_without_its_key_is_refused(tmp_path: Path, fake_keyring: MemoryKeyring) -> None:
    database = new_database(tmp_path)
    database.dispose()
    fill_file = tmp_path / "linkworker.db"
    before = digest(fill_file)
    fake_keyring.secrets.clear()

    with pytest.raises(KeyMissing, match="neither its key slots"):
        new_database(tmp_path)

    assert digest(fill_file) == before
    assert fake_keyring.secrets == {}, "no new key may be made for an existing database"


def test_the_key_never_appears_in_a_repr(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    database.dispose()
    assert database.location.key is not None
    key_hex = database.location.key.hex
    for shown in (repr(database.location.key), repr(database.location), str(database.location)):
        assert key_hex not in shown
        assert key_hex.upper() not in shown


def test_a_wrong_key_gets_one_clear_message(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    database = new_database(tmp_path)
    fill(database, 20)
    database.dispose()
    file = tmp_path / "linkworker.db"
    before = digest(file)
    secrets.put(keyring_name(file), os.urandom(32).hex())

    with pytest.raises(WrongKeyOrNotDatabase, match="cannot be opened with the key kept for it"):
        new_database(tmp_path)

    assert digest(file) == before
    assert "hmac" not in capfd.readouterr().err.lower()


@pytest.mark.parametrize("key_in_keyring", [False, True])
def test_a_plain_sqlite_file_is_not_a_linkworker_database(tmp_path: Path, key_in_keyring: bool) -> None:
    file = tmp_path / "linkworker.db"
    with sqlite3.connect(file) as plain:
        plain.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    plain.close()
    if key_in_keyring:
        secrets.put(keyring_name(file), os.urandom(32).hex())
    before = digest(file)

    with pytest.raises(NotLinkworkerDatabase, match="ordinary unencrypted SQLite file"):
        new_database(tmp_path)

    assert digest(file) == before


def test_a_file_of_random_bytes_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "linkworker.db"
    file.write_bytes(os.urandom(5 * PAGE))
    with pytest.raises(KeyMissing):
        new_database(tmp_path)
    secrets.put(keyring_name(file), os.urandom(32).hex())
    with pytest.raises(WrongKeyOrNotDatabase, match="not a Linkworker database"):
        new_database(tmp_path)


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "linkworker.db").mkdir()
    with pytest.raises(NotLinkworkerDatabase, match="is a folder"):
        new_database(tmp_path)


def _damage(file: Path, offset: int) -> None:
    data = bytearray(file.read_bytes())
    data[offset : offset + 64] = os.urandom(64)
    file.write_bytes(bytes(data))


def test_damage_in_the_middle_of_the_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    fill(database)
    database.dispose()
    file = tmp_path / "linkworker.db"
    pages = file.stat().st_size // PAGE
    assert pages > 20
    # The rows were written last, so the pages near the end hold them (the schema's empty
    # tables come first and are never read by the query below).
    _damage(file, (pages - 2) * PAGE + 200)

    # SQLCipher finds the damage when it reads the damaged page: opening, or reading the rows.
    with pytest.raises(CorruptDatabase, match="is damaged"):
        reopened = new_database(tmp_path)
        try:
            with reopened.session() as session:
                session.scalars(select(AuditEvent.detail)).all()
        finally:
            reopened.dispose()


def test_damage_to_the_first_page_is_told_apart_from_a_wrong_key(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    fill(database)
    database.dispose()
    file = tmp_path / "linkworker.db"
    _damage(file, 200)
    before = digest(file)

    with pytest.raises(CorruptDatabase, match="Restore the latest backup"):
        new_database(tmp_path)

    assert digest(file) == before


def test_a_locked_file_is_reported_after_a_short_wait(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    database.dispose()
    assert database.location.key is not None
    holder = dbapi2.connect(str(tmp_path / "linkworker.db"), isolation_level=None)
    try:
        holder.execute(f"PRAGMA key = \"x'{database.location.key.hex}'\"")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO audit_chain_head (id, last_event_id, last_hash) VALUES (2, 0, 'held')")
        started = time.monotonic()
        with pytest.raises(DatabaseLocked, match="locked by another program"):
            new_database(tmp_path)
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert 1.0 < waited < 10, "waits for a short write to finish, but not for the whole busy timeout"

    reopened = new_database(tmp_path)  # once the other program lets go, it opens
    with reopened.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    reopened.dispose()


def test_an_unreachable_postgres_server_is_reported_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="cannot be reached") as raised:
        open_postgres("postgresql://linkworker:s3cret-pw@127.0.0.1:1/linkworker")
    assert time.monotonic() - started < 5
    assert "s3cret-pw" not in str(raised.value)
    assert "127.0.0.1:1" in str(raised.value)


@pytest.mark.parametrize("url", ["mysql://someone@db/linkworker", "not a url at all", "sqlite:///x.db"])
def test_a_shared_database_must_be_postgresql(url: str) -> None:
    with pytest.raises(StoreError):
        parse_postgres_url(url)


def test_a_folder_name_with_spaces_quotes_and_hashes_is_fine(tmp_path: Path) -> None:
    folder = tmp_path / "Ada O'Brien" / "data #1 (50%)"
    database = new_database(folder)
    fill(database, 3)
    database.dispose()
    reopened = new_database(folder)
    with reopened.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 3
    reopened.dispose()


@pytest.mark.postgres
def test_postgres_without_a_keyring_still_connects_when_no_password_is_needed(
    postgres_template: PostgresTemplate,
) -> None:
    """A headless server box has no keyring; libpq's own sources (.pgpass, trust) must still work."""
    url = postgres_template.create_empty()
    keyring.set_keyring(NoKeyring())
    try:
        database = open_postgres(url)
        database.dispose()
        assert database.location.kind == "postgresql"
    finally:
        postgres_template.drop(make_url(url).database or "")
