"""Copies of an encrypted SQLite database made with SQLite's online backup API, their checks,
and putting one back.

Never a file copy of a live database: a WAL database copied file by file can be torn. A copy
keeps the same key, so it opens exactly as the original does, and is left in rollback-journal
mode, so reading it (even from read-only media) never writes a -wal or -shm file beside it.

Putting a copy back (``restore``) writes it into the database through SQLite, under an
exclusive lock: the WAL is checkpointed and removed first, no other connection may hold the
file, and a failure half-way is rolled back by SQLite's journal. Only a database too damaged
for SQLite to lock is swapped for the copy as a file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool
from sqlcipher3 import dbapi2

from linkworker.store.database import SQLITE_HEADER
from linkworker.store.errors import (
    CorruptDatabase,
    DatabaseLocked,
    NotLinkworkerDatabase,
    StoreError,
    WrongKeyOrNotDatabase,
)

# How long putting a copy back waits for another connection's transaction before saying the
# database is in use.
LOCK_WAIT_SECONDS = 2.0
SIDE_FILES = ("-wal", "-shm", "-journal")


def _open(path: Path, key_hex: str, *, read_only: bool = False, timeout: float = 15.0) -> dbapi2.Connection:
    target, uri = (f"{path.resolve().as_uri()}?mode=ro", True) if read_only else (str(path), False)
    connection = dbapi2.connect(target, uri=uri, timeout=timeout, isolation_level=None)
    connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    connection.execute("PRAGMA cipher_log_level = NONE")  # we report a wrong key ourselves
    return connection


def _new_private_file(path: Path) -> None:
    """An empty file only its owner can read; SQLite gives its journal the same permissions."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup(source: Path, key_hex: str, target: Path, *, source_is_copy: bool = False) -> None:
    """Write a consistent copy of ``source`` to ``target`` (which must not exist yet), 0600.

    A live database is read as the app reads it; a copy (``source_is_copy``) read-only, so not
    a byte is written to or beside it."""
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    partial = target.with_name(target.name + ".partial")
    leftovers = (partial, partial.with_name(partial.name + "-journal"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        _new_private_file(partial)
        reader = _open(source, key_hex, read_only=source_is_copy)
        with closing(reader), closing(_open(partial, key_hex)) as copy:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # a copy stands alone: no -wal to go with it
        partial.replace(target)
    except (dbapi2.Error, OSError) as error:
        for leftover in leftovers:
            with suppress(OSError):  # a read-only folder holds no leftover of ours
                leftover.unlink(missing_ok=True)
        raise _explain_copy(source, target, error) from None


def _explain_copy(source: Path, target: Path, error: Exception) -> StoreError:
    """A failure writing the copy names the folder it was going to, not the database."""
    reason = str(error).lower()
    writing = (
        isinstance(error, OSError) or "full" in reason or "readonly" in reason or "unable to open" in reason
    )
    if not writing:
        return _explain(source, error)
    return StoreError(
        f"No copy could be written to {target.parent}: it is read-only or the disk is full. "
        f"{source} is as it was."
    )


def check(path: Path, key_hex: str, *, thorough: bool = False) -> None:
    """``CorruptDatabase`` unless SQLite's own check finds ``path`` whole: ``quick_check``, or
    ``integrity_check`` (which also compares every index with its table) when ``thorough``.

    For a file the key is known to open: one that does not open is reported as damaged."""
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with closing(_open(path, key_hex)) as connection:
            findings = [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}")]
    except dbapi2.Error as error:
        problem = _explain(path, error, "so it could not be checked")
        if not isinstance(problem, CorruptDatabase):
            raise problem from None
        findings = [str(problem)]
    if findings != ["ok"]:
        raise CorruptDatabase(f"{path} is damaged: SQLite's {pragma.replace('_', ' ')} found faults in it.")


def schema_revision(path: Path, key_hex: str) -> str:
    """The schema revision a copy holds: reading it proves the copy opens with the key."""
    try:
        with closing(_open(path, key_hex)) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except dbapi2.Error as error:
        raise _explain(path, error, "so it could not be read") from None
    if row is None:
        raise CorruptDatabase(f"{path} holds no schema revision: it is not a whole Linkworker database.")
    return str(row[0])


def open_copy(path: Path, key_hex: str) -> str:
    """Check that ``path`` is a whole copy of the database ``key_hex`` opens, before it is put
    back; its schema revision. Each way it can fail has its own error and plain message."""
    if _has_plain_header(path):
        raise NotLinkworkerDatabase(
            f"{path} is an ordinary unencrypted SQLite file, not a Linkworker backup. Nothing was changed."
        )
    try:
        with closing(_open(path, key_hex, read_only=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except dbapi2.Error as error:
        if "not a database" in str(error).lower():
            raise WrongKeyOrNotDatabase(
                f"{path} is not a backup of this database: it does not open with this database's key "
                "(it is another database's backup, another kind of file, or damaged at its start). "
                "Nothing was changed."
            ) from None
        raise _explain(path, error, "so it could not be read") from None
    if "alembic_version" not in tables:
        raise NotLinkworkerDatabase(f"{path} opens but holds no Linkworker records. Nothing was changed.")
    check(path, key_hex, thorough=True)
    return schema_revision(path, key_hex)


def read_only_engine(path: Path, key_hex: str) -> Engine:
    """An engine that reads a copy without writing a byte to it or beside it."""
    url = URL.create(
        "sqlite+pysqlcipher",
        password=f"x'{key_hex}'",
        database=f"{path.resolve().as_uri()}?mode=ro",
        query={"uri": "true"},
    )
    return create_engine(url, poolclass=NullPool, hide_parameters=True)


def put_in_place(copy: Path, key_hex: str, database: Path) -> None:
    """Put ``copy`` where no database is (a new PC): side files left by a lost database go
    first, so SQLite cannot apply an old -wal to the copy."""
    if database.exists() and database.stat().st_size > 0:
        raise FileExistsError(f"{database} already exists")
    for side in (database, *_side_files(database)):
        side.unlink(missing_ok=True)
    backup(copy, key_hex, database, source_is_copy=True)


def restore(copy: Path, key_hex: str, database: Path, safety_copy: Path) -> None:
    """Replace ``database``'s contents with ``copy``'s, after keeping the current file as
    ``safety_copy``. ``DatabaseLocked`` if another connection holds the database."""
    if safety_copy.exists():
        raise FileExistsError(f"{safety_copy} already exists")
    try:
        _restore_through_sqlite(copy, key_hex, database, safety_copy)
    except _TooDamaged:
        _swap_damaged_file(copy, key_hex, database, safety_copy)


class _TooDamaged(Exception):
    """SQLite cannot lock or write the database because it is damaged."""


def _restore_through_sqlite(copy: Path, key_hex: str, database: Path, safety_copy: Path) -> None:
    with _sole_connection(database, key_hex) as guard:
        try:
            _new_private_file(safety_copy)
            with closing(_open(safety_copy, key_hex)) as safety:
                guard.backup(safety)
            with closing(_open(copy, key_hex, read_only=True)) as source:
                source.backup(guard)
        except dbapi2.Error as error:
            problem = _explain(database, error)
            if isinstance(problem, DatabaseLocked) or "full" in str(error).lower():
                safety_copy.unlink(missing_ok=True)
                raise problem from None
            raise _TooDamaged from None
    journal = database.with_name(database.name + "-journal")
    if journal.exists() and journal.stat().st_size == 0:  # an empty journal holds nothing
        journal.unlink()


@contextmanager
def _sole_connection(database: Path, key_hex: str) -> Iterator[dbapi2.Connection]:
    """A connection holding the database's exclusive lock, its WAL checkpointed and removed;
    ``DatabaseLocked`` if another connection has the file open."""
    connection = _open(database, key_hex, timeout=LOCK_WAIT_SECONDS)
    try:
        try:
            connection.execute("PRAGMA journal_size_limit = 0")  # the journal shrinks to nothing
            # Leaving WAL mode checkpoints the WAL and deletes it and its -shm; it needs every
            # other connection closed.
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")  # locks kept until closed
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")
            still = connection.execute("PRAGMA journal_mode").fetchone()[0]
        except dbapi2.Error as error:
            if isinstance(_explain(database, error), DatabaseLocked):
                raise _in_use(database) from None
            raise _TooDamaged from None
        if (str(mode).lower(), str(still).lower()) != ("delete", "delete"):  # another has it open
            raise _in_use(database)
        yield connection
    finally:
        connection.close()


def _in_use(database: Path) -> DatabaseLocked:
    return DatabaseLocked(
        f"{database} is in use by another copy of Linkworker (or another program). Close every "
        "other copy of Linkworker and try again. Nothing was changed."
    )


def _swap_damaged_file(copy: Path, key_hex: str, database: Path, safety_copy: Path) -> None:
    """For a database SQLite cannot lock: keep its bytes (and its -wal) as the safety copy,
    then swap the copy in as a file; no one can be using a database this damaged."""
    safety_copy.unlink(missing_ok=True)
    shutil.copyfile(database, safety_copy)
    os.chmod(safety_copy, 0o600)
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, safety_copy.with_name(safety_copy.name + "-wal"))
    incoming = database.with_name(database.name + ".restoring")
    incoming.unlink(missing_ok=True)
    backup(copy, key_hex, incoming, source_is_copy=True)
    for side in _side_files(database):
        side.unlink(missing_ok=True)
    os.replace(incoming, database)


def _side_files(database: Path) -> list[Path]:
    return [database.with_name(database.name + suffix) for suffix in SIDE_FILES]


def _has_plain_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _explain(source: Path, error: Exception, outcome: str = "so no copy could be made") -> StoreError:
    """The driver's words turned into the store's; ``outcome`` says what did not happen."""
    reason = str(error).lower()
    if "locked" in reason or "busy" in reason:
        return DatabaseLocked(f"{source} is locked by another program, {outcome}. Try again.")
    if "malformed" in reason or "not a database" in reason:
        return CorruptDatabase(f"{source} is damaged, {outcome}. Restore the latest backup.")
    if "full" in reason:
        return StoreError(f"The disk is full, {outcome}. Free some space and try again.")
    return StoreError(
        f"{source} could not be used, {outcome} ({type(error).__name__}): check the folder's permissions."
    )
