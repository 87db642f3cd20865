"""The random key that encrypts a SQLite database, and the copy older versions kept in the clear.

Since key slots (``key_slots``) the key is kept only wrapped under passwords; a new database's
key exists in memory until its first administrator's slot is written. Versions before key
slots kept it in the OS keyring or, on a computer without one, in a key file: that copy is
still read, so an upgraded installation opens as before, until an administrator has seen every
user's slot written and a recovery key taken, and retires it (``remove_legacy``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from linkworker.store import key_slots, secrets
from linkworker.store.errors import KeyMissing, KeyringUnavailable

KEY_BYTES = key_slots.KEY_BYTES
WARNING_FILE = "README-WARNING.txt"


class KeyOrigin(enum.Enum):
    NEW = "new"  # made for a database being created: in memory only
    SLOT = "key slot"  # unwrapped with a user's password or the recovery key
    KEYRING = "system keyring"  # an older version's copy
    KEY_FILE = "key file"  # an older version's copy, on a computer without a keyring


@dataclass(frozen=True)
class DatabaseKey:
    hex: str = field(repr=False)  # never in a log or a traceback
    origin: KeyOrigin
    key_file: Path | None = None  # where an older version kept it, when in a file

    @classmethod
    def new(cls) -> DatabaseKey:
        return cls(key_slots.new_database_key().hex(), KeyOrigin.NEW)

    @classmethod
    def from_slot(cls, raw: bytes) -> DatabaseKey:
        return cls(raw.hex(), KeyOrigin.SLOT)

    @property
    def raw(self) -> bytes:
        return bytes.fromhex(self.hex)

    @property
    def is_legacy_copy(self) -> bool:
        return self.origin in (KeyOrigin.KEYRING, KeyOrigin.KEY_FILE)

    @property
    def warning(self) -> str | None:
        if self.origin is KeyOrigin.KEY_FILE:
            return (
                f"The database key is still kept unprotected in the file {self.key_file}, as older "
                "versions did: anyone who copies it with the database can read the records. It is "
                "removed once every user has signed in and an administrator has taken a recovery key."
            )
        if self.origin is KeyOrigin.KEYRING:
            return (
                "The database key is still kept in the system keyring, as older versions did: anyone "
                "signed in to this computer as you can open the database without a Linkworker "
                "password. It is removed once every user has signed in and an administrator has "
                "taken a recovery key."
            )
        return None


def keyring_name(database_file: Path) -> str:
    return f"database-key:{database_file.resolve()}"


def key_file_for(key_folder: Path, database_file: Path) -> Path:
    return key_folder / f"{database_file.name}.key"


def find_legacy(database_file: Path, key_folder: Path) -> DatabaseKey | None:
    """The copy of the key an older version kept (key file, then keyring), if any is left."""
    file = key_file_for(key_folder, database_file)
    if file.exists():
        return DatabaseKey(_read_key_file(file), KeyOrigin.KEY_FILE, key_file=file)
    try:
        stored = secrets.get(keyring_name(database_file))
    except KeyringUnavailable:
        return None
    return DatabaseKey(stored.strip().lower(), KeyOrigin.KEYRING) if stored else None


def legacy_copy_left(database_file: Path, key: DatabaseKey) -> bool:
    """Whether the older versions' copy that ``key`` was read from is still there."""
    if key.origin is KeyOrigin.KEY_FILE:
        return key.key_file is not None and key.key_file.exists()
    if key.origin is KeyOrigin.KEYRING:
        try:
            return secrets.get(keyring_name(database_file)) is not None
        except KeyringUnavailable:
            return False
    return False


def remove_legacy(database_file: Path, key: DatabaseKey) -> None:
    """Delete the older versions' copy ``key`` was read from, and the key folder's warning once
    no key file is left beside it."""
    if key.origin is KeyOrigin.KEY_FILE and key.key_file is not None:
        key.key_file.unlink(missing_ok=True)
        warning = key.key_file.parent / WARNING_FILE
        if warning.exists() and not any(key.key_file.parent.glob("*.key")):
            warning.unlink()
    if key.origin is KeyOrigin.KEYRING:
        secrets.delete(keyring_name(database_file))


def missing(database_file: Path, key_folder: Path) -> KeyMissing:
    return KeyMissing(
        f"The database {database_file} exists, but neither its key slots "
        f"({key_slots.path_for(database_file).name}, beside it) nor an older key copy in "
        f"{key_file_for(key_folder, database_file)} or the system keyring are here. Put the "
        "key-slot file back from the same backup as the database, or restore both from a backup."
    )


def _read_key_file(file: Path) -> str:
    text = file.read_text(encoding="ascii").strip().lower()
    if len(text) != KEY_BYTES * 2 or any(c not in "0123456789abcdef" for c in text):
        raise KeyMissing(f"The key file {file} is damaged: it does not hold a database key.")
    return text
