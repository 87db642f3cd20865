"""Opening the database: an encrypted SQLite file or a shared PostgreSQL server.

``open_database`` checks everything that can be wrong with the machine before the app uses the
data (network share, missing or wrong key, foreign or damaged file, lock, unreachable server,
newer schema) and turns each into a ``StoreError`` with a plain message; then it upgrades the
schema to this version's head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from linkworker.interchange.same_file import same_file
from linkworker.store import key_slots, secrets
from linkworker.store.database_key import DatabaseKey, find_legacy, missing
from linkworker.store.errors import (
    CorruptDatabase,
    DatabaseLocked,
    KeyringUnavailable,
    NotLinkworkerDatabase,
    PasswordNeeded,
    ServerUnreachable,
    StoreError,
    WrongKeyOrNotDatabase,
)
from linkworker.store.key_slots import KeySlots
from linkworker.store.network_paths import refuse_network_path
from linkworker.store.private_files import create_private, is_new_file
from linkworker.store.schema_version import HEAD_REVISION, recorded_revision

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
# Opening waits this long for another program's write to finish before saying the file is locked.
OPEN_BUSY_TIMEOUT_MS = 2_000


def _quiet_sqlcipher() -> None:
    """Stop SQLCipher writing "hmac check failed" to stderr: we report a wrong key ourselves."""
    from sqlcipher3 import dbapi2

    connection = dbapi2.connect(":memory:")
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
    finally:
        connection.close()


@dataclass(frozen=True)
class Location:
    """Where the data lives, as the status bar and the self-test describe it."""

    kind: str  # "sqlite" or "postgresql"
    description: str
    sqlite_file: Path | None = None
    key: DatabaseKey | None = None
    slots: KeySlots | None = None  # where the key is kept wrapped, for an encrypted file

    @property
    def key_warning(self) -> str | None:
        return self.key.warning if self.key else None

    def is_own_file(self, path: Path) -> bool:
        """Whether writing ``path`` would replace this database's own data: the file, its journals
        (-wal, -shm, -journal), its key slots or an older version's key file, under any name
        (a link, "..", "~", another use of capitals where the system ignores them). Every file
        the app writes is checked with this first; a shared server keeps no files here."""
        file = self.sqlite_file
        if file is None:
            return False
        journals = (file.with_name(file.name + tail) for tail in ("-wal", "-shm", "-journal"))
        own = [file, *journals, key_slots.path_for(file)]
        if self.key is not None and self.key.key_file is not None:
            own.append(self.key.key_file)
        return any(same_file(path, mine) for mine in own)


class Database:
    """An engine plus the sessions the services use; one per open database."""

    def __init__(self, engine: Engine, location: Location) -> None:
        self.engine = engine
        self.location = location
        # The location rides in every session, so a service that changes a password can also
        # write that user's key slot (services/key_slot_writes.py).
        self._sessions = sessionmaker(engine, expire_on_commit=False, info={"location": location})
        self._read_sessions = sessionmaker(
            engine.execution_options(read_only=True), expire_on_commit=False, info={"location": location}
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back whole if it raises."""
        with self._sessions() as session, translate_errors(self.location), session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """For reads only (lists, reports): on SQLite it takes no write lock, so a long read
        never makes another user's save wait."""
        with (
            self._read_sessions() as session,
            translate_errors(self.location),
            session.begin(),
        ):
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_engine(path: Path, key_hex: str) -> Engine:
    """A SQLCipher engine: raw 256-bit key (no slow KDF per connection), WAL, foreign keys on.

    ``NullPool`` means no decrypted connection outlives its use. Transactions start with
    ``BEGIN IMMEDIATE`` so a writer waits for another writer (busy timeout) instead of failing
    with "database is locked" when it upgrades a read lock.
    """
    _quiet_sqlcipher()
    url = URL.create("sqlite+pysqlcipher", password=f"x'{key_hex}'", database=str(path))
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,  # patient data must never reach an error message or a log
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def postgresql_engine(url: URL) -> Engine:
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=3,
        hide_parameters=True,  # patient data must never reach an error message or a log
        # prepare_threshold=None: psycopg would otherwise reuse a generic plan after five runs,
        # one that cannot use the name-prefix index because it does not know the search text.
        connect_args={"connect_timeout": 10, "application_name": "linkworker", "prepare_threshold": None},
    )
    event.listen(engine, "handle_error", _without_server_detail)
    return engine


def _without_server_detail(context: ExceptionContext) -> None:
    """PostgreSQL's DETAIL repeats the values of a failed row ("Key (nhs_number)=(...)"):
    raise the same error without it, so no message or log carries a person's details."""
    original = context.original_exception
    diagnostics = getattr(original, "diag", None)
    raised = context.sqlalchemy_exception
    # A driver's error (the only kind with a diag) reaches here wrapped in a DBAPIError.
    if diagnostics is None or not diagnostics.message_detail or not isinstance(raised, DBAPIError):
        return
    plain = type(original)(diagnostics.message_primary or type(original).__name__)
    raise type(raised)(
        raised.statement, None, plain, hide_parameters=True, connection_invalidated=context.is_disconnect
    ) from None


def postgres_password_name(url: URL) -> str:
    return f"postgresql:{url.username}@{url.host}:{url.port or 5432}/{url.database}"


def parse_postgres_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError("The database address in the settings is not a valid URL.") from None
    if url.get_backend_name() != "postgresql":
        raise StoreError("A shared database must be PostgreSQL (postgresql://user@host/database).")
    return url.set(drivername="postgresql+psycopg")


def describe_postgres(url: URL) -> str:
    return f"PostgreSQL database {url.database} on {url.host or 'localhost'}:{url.port or 5432}"


def _refuse_unusable(path: Path) -> None:
    refuse_network_path(path)
    if path.is_dir():
        raise NotLinkworkerDatabase(f"{path} is a folder, not a Linkworker database file.")
    if _has_plain_sqlite_header(path):  # before the key: a plain file has none to miss
        raise _plain_sqlite(path)


def open_sqlite(path: Path, key_folder: Path, *, migrate: bool = True) -> Database:
    """Open the file where no password is needed: a new database (its new key in memory until
    the first administrator's slot is written), or one whose older key copy is still kept.

    A database whose key is kept only in key slots raises ``PasswordNeeded``: open it with
    ``open_sqlite_with_key`` once a password has unwrapped the key.
    """
    path = path.expanduser()
    _refuse_unusable(path)
    key = find_legacy(path, key_folder)
    if key is None:
        slots = KeySlots.beside(path)
        if is_new_file(path):
            if slots.exists():
                raise StoreError(
                    f"The database {path} is missing, but its key slots ({slots.file.name}) are "
                    "still beside where it was. Put the database back, or restore it from a "
                    "backup; to start a new database instead, move the key-slot file away first."
                )
            key = DatabaseKey.new()
        elif slots.exists():
            raise PasswordNeeded(
                f"{path} opens only with a Linkworker user's password (or the recovery key)."
            )
        else:
            raise missing(path, key_folder)
    return open_sqlite_with_key(path, key, migrate=migrate)


def open_sqlite_with_key(path: Path, key: DatabaseKey, *, migrate: bool = True) -> Database:
    path = path.expanduser()
    _refuse_unusable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    create_private(path)  # SQLite gives -wal and -shm the database file's mode
    location = Location(
        "sqlite", f"Encrypted file {path}", sqlite_file=path, key=key, slots=KeySlots.beside(path)
    )
    return _checked(Database(sqlite_engine(path, key.hex), location), migrate=migrate)


def open_postgres(raw_url: str, *, migrate: bool = True) -> Database:
    url = parse_postgres_url(raw_url)
    if url.password is None and url.username:
        try:
            password = secrets.get(postgres_password_name(url))
        except KeyringUnavailable:  # a headless server: libpq's .pgpass or trust may still serve
            password = None
        if password is not None:
            url = url.set(password=password)
    database = Database(postgresql_engine(url), Location("postgresql", describe_postgres(url)))
    return _checked(database, migrate=migrate)


def _checked(database: Database, *, migrate: bool) -> Database:
    """Probe, then upgrade; if either fails, close the engine before the error goes up."""
    try:
        _probe(database)
        if migrate and not _at_head(database):
            from linkworker.store.migrations import upgrade_to_head  # Alembic: only when behind

            upgrade_to_head(database)
    except BaseException:
        database.dispose()
        raise
    return database


def _at_head(database: Database) -> bool:
    """Whether the schema is already this version's, read without loading Alembic."""
    with translate_errors(database.location, opening=True), database.engine.connect() as connection:
        return recorded_revision(connection) == HEAD_REVISION


def _probe(database: Database) -> None:
    """Touch the database once, so a bad key, file or server is reported before anything else.

    On SQLite the first statement begins a write transaction, so a file another program keeps
    locked is reported after a short wait rather than after the full busy timeout.
    """
    with translate_errors(database.location, opening=True), database.engine.connect() as connection:
        if database.location.kind == "sqlite":
            raw = connection.connection.driver_connection
            assert raw is not None  # None only once the connection is closed or invalidated
            raw.execute(f"PRAGMA busy_timeout = {OPEN_BUSY_TIMEOUT_MS}")  # NullPool: dies with it
        connection.execute(text("SELECT 1")).all()
        if database.location.kind == "sqlite":
            connection.execute(text("SELECT count(*) FROM sqlite_master")).all()


@contextmanager
def translate_errors(location: Location, *, opening: bool = False) -> Iterator[None]:
    """Turn driver errors caused by the environment into ``StoreError`` with plain words;
    ``opening`` while the database is being opened, before any work is done in it."""
    try:
        yield
    except OperationalError as error:
        raise _explain(location, error, opening) from None
    except DatabaseError as error:
        raise _explain(location, error, opening) from None


def _explain(location: Location, error: DatabaseError, opening: bool = False) -> Exception:
    message = str(error.orig) if error.orig is not None else str(error)
    lowered = message.lower()
    if location.kind == "sqlite":
        file = location.sqlite_file
        if "file is not a database" in lowered:
            if file is not None and _has_plain_sqlite_header(file):
                return _plain_sqlite(file)
            if file is not None and location.key is not None and _some_pages_decrypt(file, location.key.hex):
                return _corrupt(file)
            return WrongKeyOrNotDatabase(
                f"{file} cannot be opened with the key kept for it: either the key is wrong "
                "(the keyring entry was replaced or belongs to another copy of the file) or the "
                "file is not a Linkworker database. Nothing was changed."
            )
        if "malformed" in lowered or "corrupt" in lowered:
            return _corrupt(file)
        if "disk is full" in lowered or "disk i/o error" in lowered:
            return StoreError(
                f"{file} cannot be written: the disk is full or failing. Nothing saved before has "
                "been lost; free some space (or ask IT) and try again."
            )
        if ("locked" in lowered or "busy" in lowered) and opening:
            return DatabaseLocked(
                f"{file} is locked by another program. Close other copies of Linkworker (or the "
                "program holding it) and try again."
            )
        if "locked" in lowered or "busy" in lowered:
            return DatabaseLocked(
                f"This was not done: another copy of Linkworker (or another program) has been "
                f"writing to {file} for longer than {BUSY_TIMEOUT_MS / 1000:g} seconds. Nothing "
                "has been lost. Try again in a moment; if this keeps happening, close the other "
                "copies of Linkworker."
            )
        if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
            return StoreError(f"{file} cannot be opened for writing: check the folder's permissions.")
        return error
    if isinstance(error, OperationalError):
        if "password authentication failed" in lowered or "no password supplied" in lowered:
            return StoreError(
                f"The {location.description} refused the user name or password. "
                "IT can store the password with: linkworker db-password"
            )
        if "does not exist" in lowered and "database" in lowered:
            return StoreError(f"The {location.description} does not exist on that server.")
        if not _is_connection_failure(error):
            return error  # a deadlock or a cancelled query is not an unreachable server
        return ServerUnreachable(
            f"The {location.description} cannot be reached. Check the network connection and "
            "the server address in the settings, or ask IT whether the server is running."
        )
    return error


def _is_connection_failure(error: OperationalError) -> bool:
    """No connection at all (no SQLSTATE), SQLSTATE class 08, or the server shutting down."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    return (
        error.connection_invalidated
        or sqlstate is None
        or sqlstate.startswith("08")
        or sqlstate in {"57P01", "57P02", "57P03"}
    )


def _plain_sqlite(file: Path) -> NotLinkworkerDatabase:
    return NotLinkworkerDatabase(f"{file} is an ordinary unencrypted SQLite file, not a Linkworker database.")


def _corrupt(file: Path | None) -> CorruptDatabase:
    return CorruptDatabase(
        f"{file} is damaged and cannot be read safely. Restore the latest backup; "
        "the damaged file has been left as it is."
    )


def _some_pages_decrypt(file: Path, key_hex: str) -> bool:
    """Whether the key opens some pages of the file: then it is the right key and the file is damaged.

    A wrong key fails SQLCipher's check on every page; damage (here, to the first page) fails only
    on the damaged pages. Reads the whole file, so it runs only once opening has already failed.
    """
    from sqlcipher3 import dbapi2

    connection = dbapi2.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        page_size = int(connection.execute("PRAGMA cipher_page_size").fetchone()[0])
        failed_pages = len(connection.execute("PRAGMA cipher_integrity_check").fetchall())
    except dbapi2.Error:
        return False
    finally:
        connection.close()
    return failed_pages < -(-file.stat().st_size // page_size)


def _has_plain_sqlite_header(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def open_database(
    sqlite_file: Path, key_folder: Path, database_url: str | None, *, migrate: bool = True
) -> Database:
    """The shared server if a URL is given, else the encrypted file."""
    if database_url:
        return open_postgres(database_url, migrate=migrate)
    return open_sqlite(sqlite_file, key_folder, migrate=migrate)
