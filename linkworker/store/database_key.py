"""The random key that encrypts a SQLite database: made on first use, kept in the OS keyring.

Where the OS has no keyring (headless Linux), the key goes in a file only the user can read,
and the caller is told so it can say it plainly: never a silent plaintext fallback.
"""

from __future__ import annotations

import os
import secrets as random_source
from dataclasses import dataclass, field
from pathlib import Path

from linkworker.store import secrets
from linkworker.store.errors import KeyMissing, KeyringUnavailable

KEY_BYTES = 32


@dataclass(frozen=True)
class DatabaseKey:
    hex: str = field(repr=False)  # never in a log or a traceback
    key_file: Path | None  # None when the key is in the OS keyring

    @property
    def warning(self) -> str | None:
        if self.key_file is None:
            return None
        return (
            "This computer has no system keyring, so the database key is kept in the file "
            f"{self.key_file}, readable only by your user account. Anyone who can read both "
            "that file and the database can read the records. Ask IT to set up a keyring."
        )


def keyring_name(database_file: Path) -> str:
    return f"database-key:{database_file.resolve()}"


def key_file_for(key_folder: Path, database_file: Path) -> Path:
    return key_folder / f"{database_file.name}.key"


def load_or_create(database_file: Path, key_folder: Path) -> DatabaseKey:
    """The key of ``database_file``; a new one only when the database does not exist yet."""
    file = key_file_for(key_folder, database_file)
    if file.exists():
        return DatabaseKey(hex=_read_key_file(file), key_file=file)
    name = keyring_name(database_file)
    try:
        stored = secrets.get(name)
        keyring_usable = True
    except KeyringUnavailable:
        stored, keyring_usable = None, False
    if stored:
        return DatabaseKey(hex=stored, key_file=None)
    if database_file.exists() and database_file.stat().st_size > 0:
        where = (
            f"its key is neither in the system keyring ({secrets.backend_name()}) nor in {file}"
            if keyring_usable
            else f"this computer has no system keyring and the key is not in {file}"
        )
        raise KeyMissing(
            f"The database {database_file} exists, but {where}. "
            "Restore the key from where IT keeps it, or restore the database from a backup."
        )
    key = random_source.token_hex(KEY_BYTES)
    if keyring_usable:
        secrets.put(name, key)
        return DatabaseKey(hex=key, key_file=None)
    _write_key_file(file, key)
    return DatabaseKey(hex=key, key_file=file)


def _read_key_file(file: Path) -> str:
    text = file.read_text(encoding="ascii").strip().lower()
    if len(text) != KEY_BYTES * 2 or any(c not in "0123456789abcdef" for c in text):
        raise KeyMissing(f"The key file {file} is damaged: it does not hold a database key.")
    return text


def _write_key_file(file: Path, key: str) -> None:
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    (file.parent / "README-WARNING.txt").write_text(
        "These files are the keys of Linkworker databases on a computer with no system keyring.\n"
        "Whoever can read a key file and its database can read the records in it.\n"
        "Keep this folder readable only by its owner, never copy it beside a backup of the\n"
        "database, and move to a system keyring when one is available.\n",
        encoding="utf-8",
    )


def export(key: DatabaseKey, target: Path) -> None:
    """Write the key to ``target`` (readable only by its owner) for IT to keep apart from backups."""
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex + "\n")
