"""The database key, kept only wrapped: once per user under their password, once under a recovery key.

The model is LUKS key slots (and a password manager's vault): the random key that encrypts the
database is never written in the clear. Each slot holds it encrypted with AES-256-GCM (from the
``cryptography`` package) under a key derived from a secret with Argon2id (argon2-cffi, RFC 9106);
the slot's owner and the file's identity are bound in as associated data, so a slot cannot be
moved to another user or another database. A wrong secret opens nothing.

The slots live beside the database in ``<database>.keyslots``, a small plain SQLite file that can
be read before the database opens and holds no personal data beyond user names. SQLite gives
the file atomic, locked writes, so two administrators changing slots at once lose neither change.
It also keeps what the sign-in needs before any database is open: the failed tries in a row with
each user name typed, to throttle guessing (domain.accounts), and the refused attempts still to
be written to the audit trail. A name typed is kept only as a tag (``name_tag``), never as typed:
it may be a password typed into the wrong box.

Beside each user's slot it keeps which of the database's password hashes was made with the
same password (``password_hash_id``: the hash's parameters and random salt, never the hash, so
nothing a guess could be tested against). A sign-in whose slot matches the database's hash needs
no second check of the password against it; after a restore, the ids differ and it does.
"""

from __future__ import annotations

import os
import secrets as random_source
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from linkworker.domain.accounts import FORGOTTEN_AFTER, Attempts
from linkworker.store.errors import StoreError

FORMAT = "linkworker-key-slots"
FORMAT_VERSION = "1"
SUFFIX = ".keyslots"
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
RECOVERY_OWNER = "recovery"
_USER_PREFIX = "user:"
NAME_TAG_BYTES = 8


@dataclass(frozen=True)
class KdfParameters:
    """Argon2id's cost: passes over memory, memory in KiB, lanes."""

    time_cost: int
    memory_kib: int
    parallelism: int


# RFC 9106 section 4, the second recommended option (for when 2 GiB is too much): t=3, 64 MiB,
# 4 lanes. About 0.2 s on a 2-core machine (benchmarks/sign_in.py), under the 1 s target for a
# practice PC, and each guess costs an attacker with a copied folder the same 64 MiB.
SLOT_KDF = KdfParameters(time_cost=3, memory_kib=64 * 1024, parallelism=4)


class KeySlotsDamaged(StoreError):
    """The key-slot file is not one Linkworker wrote, or parts of it are missing."""


class Refusal(StrEnum):
    """Why an attempt made while no database was open was refused."""

    WRONG_PASSWORD = "wrong_password"
    UNKNOWN_NAME = "unknown_name"
    THROTTLED = "throttled"  # too soon after earlier failures: the password was not checked
    WRONG_RECOVERY_KEY = "wrong_recovery_key"


@dataclass(frozen=True)
class PendingFailure:
    """A refused attempt made while no database was open, to be written to the audit trail."""

    id: int
    username: str | None  # the account's name when the name typed has a slot, else None
    name_tag: str | None  # for a name typed that has no slot: its tag, never the text typed
    at: datetime
    refusal: Refusal


def path_for(database_file: Path) -> Path:
    return database_file.with_name(database_file.name + SUFFIX)


def new_database_key() -> bytes:
    return random_source.token_bytes(KEY_BYTES)


def _password_bytes(password: str) -> bytes:
    """NFKC first (NIST SP 800-63B 5.1.1.2), so the same password typed another way opens the
    same slot; text that is not valid Unicode is still bytes, never an error."""
    return unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")


def _derive(secret: bytes, salt: bytes, kdf: KdfParameters) -> bytes:
    if not (1 <= kdf.time_cost <= 64 and 8 * kdf.parallelism <= kdf.memory_kib <= 4 * 1024 * 1024):
        raise ValueError("key-slot cost out of range")  # a hostile file cannot ask for terabytes
    if not 1 <= kdf.parallelism <= 16 or len(salt) < 8:
        raise ValueError("key-slot parameters out of range")
    return hash_secret_raw(
        secret,
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def normalised_name(typed: str) -> str:
    """A user name as it is looked up: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", typed or "").strip().lower()


def name_tag(typed: str, salt: bytes) -> str:
    """A tag for a user name typed at the sign-in: the same name gives the same tag, so its
    failed tries can be counted, and the text typed is not kept.

    Argon2id at a key slot's cost, salted per file: text typed in the user-name box may be a
    password typed in the wrong box, and its tag must be no easier to guess than that
    password's own slot."""
    return _derive(_password_bytes(normalised_name(typed)), salt, SLOT_KDF)[:NAME_TAG_BYTES].hex()


def _now() -> str:
    return datetime.now(UTC).isoformat()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS slot (
    owner TEXT PRIMARY KEY,
    salt BLOB NOT NULL,
    nonce BLOB NOT NULL,
    wrapped BLOB NOT NULL,
    time_cost INTEGER NOT NULL,
    memory_kib INTEGER NOT NULL,
    parallelism INTEGER NOT NULL,
    written_at TEXT NOT NULL
);
"""

# Added with throttling; a file from before has a lockout per user name instead (``_upgrade``).
_THROTTLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS throttle (
    name_tag TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    not_before TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failed_attempt (
    id INTEGER PRIMARY KEY,
    username TEXT,
    name_tag TEXT,
    at TEXT NOT NULL,
    refusal TEXT NOT NULL
);
"""

# Added with the ids of password hashes; older versions ignore the table.
_HASH_ID_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS password_hash_id (owner TEXT PRIMARY KEY, hash_id TEXT NOT NULL)"
)

_SLOT_QUERY = "SELECT salt, nonce, wrapped, time_cost, memory_kib, parallelism FROM slot WHERE owner = ?"


class KeySlots:
    """The key-slot file of one database. Every method is one short transaction on the file."""

    def __init__(self, file: Path) -> None:
        self.file = file

    @classmethod
    def beside(cls, database_file: Path) -> KeySlots:
        return cls(path_for(database_file))

    def exists(self) -> bool:
        return self.file.exists() and self.file.stat().st_size > 0

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        fresh = not self.exists()
        if not write and fresh:
            raise KeySlotsDamaged(f"{self.file} is missing: the database's key slots are kept there.")
        if write and not self.file.exists():
            self.file.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.file, os.O_WRONLY | os.O_CREAT, 0o600))
        try:
            with closing(sqlite3.connect(self.file, timeout=15, isolation_level=None)) as connection:
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    if write and fresh:
                        for statement in _SCHEMA.split(";"):
                            connection.execute(statement)
                        if self._meta(connection, "format") is None:  # only a file made here
                            self._set_meta(connection, "format", FORMAT)
                            self._set_meta(connection, "version", FORMAT_VERSION)
                            self._set_meta(connection, "file_id", random_source.token_hex(16))
                    self._check_format(connection)
                    if write:
                        self._upgrade(connection)
                    yield connection
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
        except sqlite3.DatabaseError as error:
            reason = str(error).lower()
            if "locked" in reason or "busy" in reason:
                raise StoreError(f"{self.file} is in use by another copy of Linkworker; try again.") from None
            if "readonly" in reason or "unable to open" in reason:
                raise StoreError(f"{self.file} cannot be written: check the folder's permissions.") from None
            raise KeySlotsDamaged(
                f"{self.file} is damaged: it does not hold Linkworker key slots ({type(error).__name__}). "
                "Restore it with the database from the latest backup."
            ) from None

    def _check_format(self, connection: sqlite3.Connection) -> None:
        if self._meta(connection, "format") != FORMAT:
            raise KeySlotsDamaged(f"{self.file} is not a Linkworker key-slot file.")
        if self._meta(connection, "version") != FORMAT_VERSION:
            raise KeySlotsDamaged(f"{self.file} was written by a newer Linkworker: update this one.")

    def _upgrade(self, connection: sqlite3.Connection) -> None:
        """Bring an older file up to date: the table of password-hash ids is added; from before
        throttling, its lockout per user name goes, and its refused attempts not yet in the
        audit trail are kept."""
        connection.execute(_HASH_ID_SCHEMA)
        if self._meta(connection, "name_salt") is not None:
            return
        for statement in _THROTTLE_SCHEMA.split(";"):
            connection.execute(statement)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "pending_failure" in tables:
            connection.execute(
                "INSERT INTO failed_attempt (username, at, refusal) SELECT username, at, CASE "
                f"WHEN during_lockout THEN '{Refusal.THROTTLED}' "
                f"WHEN username IS NULL THEN '{Refusal.UNKNOWN_NAME}' "
                f"ELSE '{Refusal.WRONG_PASSWORD}' END FROM pending_failure ORDER BY id"
            )
            connection.execute("DROP TABLE pending_failure")
        connection.execute("DROP TABLE IF EXISTS lockout")
        self._set_meta(connection, "name_salt", random_source.token_hex(16))

    def _is_current(self) -> bool:
        with self._transaction() as connection:
            return self._meta(connection, "name_salt") is not None

    @staticmethod
    def _meta(connection: sqlite3.Connection, name: str) -> str | None:
        try:
            row = connection.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:
            return None  # no meta table: not our file
        return None if row is None else str(row[0])

    @staticmethod
    def _set_meta(connection: sqlite3.Connection, name: str, value: str) -> None:
        connection.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def _associated_data(self, connection: sqlite3.Connection, owner: str) -> bytes:
        return f"{FORMAT}/{FORMAT_VERSION}/{self._meta(connection, 'file_id')}/{owner}".encode()

    # Writing and removing slots

    def put_user(
        self, username: str, password: str, database_key: bytes, *, hash_id: str | None = None
    ) -> None:
        """Write (or replace) ``username``'s slot and clear their failed tries: a new password
        (set by an administrator or with the recovery key) is a fresh start. ``hash_id``: the id
        of the database's hash of the same password, if the caller knows one."""
        self._put(_USER_PREFIX + username, _password_bytes(password), database_key, hash_id)
        self.clear_attempts(self.name_tag(username))

    def put_recovery(self, recovery_secret: bytes, database_key: bytes) -> None:
        """Write the recovery slot; the previous recovery key no longer opens anything."""
        self._put(RECOVERY_OWNER, recovery_secret, database_key, None)

    def _put(self, owner: str, secret: bytes, database_key: bytes, hash_id: str | None) -> None:
        if len(database_key) != KEY_BYTES:
            raise ValueError("a database key is 32 bytes")
        kdf = SLOT_KDF
        salt = random_source.token_bytes(SALT_BYTES)
        nonce = random_source.token_bytes(NONCE_BYTES)
        wrapping_key = _derive(secret, salt, kdf)  # slow: outside the file's write lock
        with self._transaction(write=True) as connection:
            wrapped = AESGCM(wrapping_key).encrypt(
                nonce, database_key, self._associated_data(connection, owner)
            )
            connection.execute(
                "INSERT OR REPLACE INTO slot VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (owner, salt, nonce, wrapped, kdf.time_cost, kdf.memory_kib, kdf.parallelism, _now()),
            )
            # In the same transaction: a new slot never keeps the id of another password's hash.
            connection.execute("DELETE FROM password_hash_id WHERE owner = ?", (owner,))
            if hash_id:
                connection.execute("INSERT INTO password_hash_id VALUES (?, ?)", (owner, hash_id))

    def remove_user(self, username: str) -> None:
        with self._transaction(write=True) as connection:
            for table in ("slot", "password_hash_id"):
                connection.execute(f"DELETE FROM {table} WHERE owner = ?", (_USER_PREFIX + username,))

    def note_password_hash_id(self, username: str, hash_id: str) -> None:
        """Keep ``hash_id`` as the id of the database's hash of the password that has just
        opened ``username``'s slot (a sign-in checked or realigned it); nothing without a slot."""
        owner = _USER_PREFIX + username
        with self._transaction(write=True) as connection:
            if connection.execute("SELECT 1 FROM slot WHERE owner = ?", (owner,)).fetchone() is not None:
                connection.execute("INSERT OR REPLACE INTO password_hash_id VALUES (?, ?)", (owner, hash_id))

    def password_hash_id(self, username: str) -> str | None:
        """The id of the database's hash made with ``username``'s slot password, if one is known
        (none in a file from before the ids, until its next write)."""
        if not self.exists():
            return None
        with self._transaction() as connection:
            try:
                row = connection.execute(
                    "SELECT hash_id FROM password_hash_id WHERE owner = ?", (_USER_PREFIX + username,)
                ).fetchone()
            except sqlite3.OperationalError:  # no such table yet: an older file
                return None
        return None if row is None else str(row[0])

    def keep_only_users(self, usernames: set[str]) -> list[str]:
        """Remove the slots of users not in ``usernames``; the names removed, sorted."""
        with self._transaction(write=True) as connection:
            owners = [row[0] for row in connection.execute("SELECT owner FROM slot")]
            gone = sorted(
                owner.removeprefix(_USER_PREFIX)
                for owner in owners
                if owner.startswith(_USER_PREFIX) and owner.removeprefix(_USER_PREFIX) not in usernames
            )
            for table in ("slot", "password_hash_id"):
                connection.executemany(
                    f"DELETE FROM {table} WHERE owner = ?",
                    [(_USER_PREFIX + name,) for name in gone],
                )
        return gone

    # Reading

    def usernames(self) -> set[str]:
        if not self.exists():
            return set()
        with self._transaction() as connection:
            owners = [str(row[0]) for row in connection.execute("SELECT owner FROM slot")]
        return {owner.removeprefix(_USER_PREFIX) for owner in owners if owner.startswith(_USER_PREFIX)}

    def has_recovery(self) -> bool:
        if not self.exists():
            return False
        with self._transaction() as connection:
            row = connection.execute("SELECT 1 FROM slot WHERE owner = ?", (RECOVERY_OWNER,)).fetchone()
        return row is not None

    def unlock_user(self, username: str, password: str) -> bytes | None:
        """The database key if ``password`` opens ``username``'s slot; None otherwise.

        A name with no slot costs the same derivation, so the time taken does not say which
        user names have slots."""
        return self._unlock(_USER_PREFIX + username, _password_bytes(password))

    def unlock_recovery(self, recovery_secret: bytes) -> bytes | None:
        return self._unlock(RECOVERY_OWNER, recovery_secret)

    def _unlock(self, owner: str, secret: bytes) -> bytes | None:
        row, associated = None, b""
        if self.exists():
            with self._transaction() as connection:
                row = connection.execute(_SLOT_QUERY, (owner,)).fetchone()
                associated = self._associated_data(connection, owner)
        if row is None:
            _derive(secret, random_source.token_bytes(SALT_BYTES), SLOT_KDF)
            return None
        salt, nonce, wrapped, time_cost, memory_kib, parallelism = row
        try:
            wrapping_key = _derive(secret, salt, KdfParameters(time_cost, memory_kib, parallelism))
            return AESGCM(wrapping_key).decrypt(nonce, wrapped, associated)
        except (InvalidTag, ValueError, TypeError, OverflowError, HashingError):
            return None  # a damaged or hostile slot opens nothing

    # Throttling and refused attempts, kept before the database is open

    def name_tag(self, typed: str) -> str:
        """This file's tag for a user name typed (slow: one key-slot derivation)."""
        if not self.exists() or not self._is_current():
            with self._transaction(write=True):
                pass  # the upgrade gives the file its salt for tags
        with self._transaction() as connection:
            salt = bytes.fromhex(self._meta(connection, "name_salt") or "")
        return name_tag(typed, salt)

    def attempts(self, tag: str) -> Attempts:
        """The failed tries in a row with the name tagged ``tag``."""
        if not self.exists() or not self._is_current():
            return Attempts()
        with self._transaction() as connection:
            return self._attempts(connection, tag)

    @staticmethod
    def _attempts(connection: sqlite3.Connection, tag: str) -> Attempts:
        row = connection.execute(
            "SELECT failures, not_before FROM throttle WHERE name_tag = ?", (tag,)
        ).fetchone()
        return Attempts() if row is None else Attempts(int(row[0]), datetime.fromisoformat(row[1]))

    def claim_try(self, tag: str, now: datetime) -> datetime | None:
        """Count a try with the name tagged ``tag`` as failed before its password is checked (so
        neither a crash nor a second copy of the app gains a guess), or, when the next try is
        not yet allowed, return when it is and count nothing. ``clear_attempts`` on success."""
        with self._transaction(write=True) as connection:
            connection.execute(
                "DELETE FROM throttle WHERE not_before < ?", ((now - FORGOTTEN_AFTER).isoformat(),)
            )
            attempts = self._attempts(connection, tag).in_force(now)
            waiting = attempts.waiting_until(now)
            if waiting is not None:
                return waiting
            after = attempts.after_failure(now)
            assert after.not_before is not None
            connection.execute(
                "INSERT OR REPLACE INTO throttle VALUES (?, ?, ?)",
                (tag, after.failures, after.not_before.isoformat()),
            )
        return None

    def clear_attempts(self, tag: str) -> None:
        with self._transaction(write=True) as connection:
            connection.execute("DELETE FROM throttle WHERE name_tag = ?", (tag,))

    def note_refusal(
        self, refusal: Refusal, at: datetime, *, username: str | None = None, name_tag: str | None = None
    ) -> None:
        """Keep a refused attempt for the audit trail, written at the next sign-in."""
        with self._transaction(write=True) as connection:
            connection.execute(
                "INSERT INTO failed_attempt (username, name_tag, at, refusal) VALUES (?, ?, ?, ?)",
                (username, name_tag, at.isoformat(), refusal.value),
            )

    def pending_failures(self) -> list[PendingFailure]:
        if not self.exists() or not self._is_current():
            return []
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT id, username, name_tag, at, refusal FROM failed_attempt ORDER BY id"
            ).fetchall()
        return [
            PendingFailure(row[0], row[1], row[2], datetime.fromisoformat(row[3]), Refusal(row[4]))
            for row in rows
        ]

    def forget_failures(self, ids: list[int]) -> None:
        """Drop attempts now written to the audit trail."""
        with self._transaction(write=True) as connection:
            connection.executemany("DELETE FROM failed_attempt WHERE id = ?", [(i,) for i in ids])

    # Copies

    def copy_to(self, target: Path) -> None:
        """A consistent copy (SQLite's backup API), readable only by its owner, without the
        throttle's tags of names typed at this PC's sign-in window."""
        current = self._is_current()  # refuses a damaged or foreign file before copying it
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with closing(sqlite3.connect(self.file)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
            copy.execute("DELETE FROM throttle" if current else "DROP TABLE IF EXISTS lockout")
            copy.commit()
