"""Copies of an encrypted SQLite database made with SQLite's online backup API.

Never a file copy: a live WAL database copied file by file can be torn. The copy keeps the
same key, so it opens exactly as the original does.
"""

from __future__ import annotations

from pathlib import Path

from sqlcipher3 import dbapi2


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
    source_connection = _open(source, key_hex)
    try:
        target_connection = _open(partial, key_hex)
        try:
            source_connection.backup(target_connection)
        finally:
            target_connection.close()
    finally:
        source_connection.close()
    partial.replace(target)
