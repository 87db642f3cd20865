"""Copies of an encrypted SQLite database made with SQLite's online backup API.

Never a file copy: a live WAL database copied file by file can be torn. The copy keeps the
same key, so it opens exactly as the original does.
"""

from __future__ import annotations

from pathlib import Path

from sqlcipher3 import dbapi2

from linkworker.store.errors import CorruptDatabase, DatabaseLocked, StoreError


def _open(path: Path, key_hex: str) -> dbapi2.Connection:
    connection = dbapi2.connect(str(path))
    connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    return connection


def backup(source: Path, key_hex: str, target: Path) -> None:
    """Write a consistent copy of ``source`` to ``target`` (which must not exist yet)."""
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source_connection = _open(source, key_hex)
        try:
            target_connection = _open(partial, key_hex)
            try:
                source_connection.backup(target_connection)
            finally:
                target_connection.close()
        finally:
            source_connection.close()
    except dbapi2.Error as error:
        partial.unlink(missing_ok=True)
        raise _explain(source, error) from None
    partial.replace(target)


def schema_revision(path: Path, key_hex: str) -> str:
    """The schema revision a copy holds: reading it proves the copy opens with the key."""
    connection = _open(path, key_hex)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except dbapi2.Error as error:
        raise _explain(path, error) from None
    finally:
        connection.close()
    if row is None:
        raise CorruptDatabase(f"{path} holds no schema revision: it is not a whole Linkworker database.")
    return str(row[0])


def _explain(source: Path, error: Exception) -> StoreError:
    """The driver's words turned into the store's: the copy failed, the original is untouched."""
    reason = str(error).lower()
    if "locked" in reason or "busy" in reason:
        return DatabaseLocked(f"{source} is locked by another program, so no copy could be made. Try again.")
    if "malformed" in reason or "not a database" in reason:
        return CorruptDatabase(f"{source} is damaged, so no copy could be made. Restore the latest backup.")
    return StoreError(f"A copy of {source} could not be written ({type(error).__name__}).")
