"""Reaching the data: the sign-in is the gate that opens the database, not only the window.

An encrypted file whose key is kept only in key slots opens when a user's password (or the
recovery key) unwraps the key; a wrong password opens nothing, and the attempt is counted
towards a lockout in the slot file and written to the audit trail at the next sign-in. A shared
PostgreSQL server, a new file being set up, and a file whose older key copy is still kept open
without a password, and the password is checked against the database as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain import accounts
from linkworker.services import audit, signing_in, users
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed
from linkworker.services.organisation import needs_setup
from linkworker.store import recovery_code
from linkworker.store.database import (
    Database,
    describe_postgres,
    is_new_file,
    open_database,
    open_sqlite_with_key,
    parse_postgres_url,
)
from linkworker.store.database_key import DatabaseKey, KeyOrigin
from linkworker.store.errors import PasswordNeeded
from linkworker.store.key_slots import KeySlots, PendingFailure
from linkworker.store.models import UserAccount, utc_now

T = TypeVar("T")
WRONG = "The user name or password is not right."


@dataclass(frozen=True)
class SignedIn:
    """An open database and who signed in to it."""

    database: Database
    actor: Actor


class DataAccess:
    """How this installation reaches its data, before and after someone signs in."""

    def __init__(self, sqlite_file: Path, key_folder: Path, database_url: str | None = None) -> None:
        self.sqlite_file = sqlite_file
        self.key_folder = key_folder
        self.database_url = database_url
        self._open: Database | None = None  # a database that needed no password, kept open

    @classmethod
    def of_open(cls, database: Database) -> DataAccess:
        """Over a database already open (tests, a tool): sign-ins check the password in it."""
        file = database.location.sqlite_file
        access = cls(file or Path(database.location.description), Path(), None)
        access._open = database
        return access

    @property
    def is_shared_server(self) -> bool:
        if self._open is not None:
            return self._open.location.kind == "postgresql"
        return bool(self.database_url)

    @property
    def description(self) -> str:
        if self._open is not None:
            return self._open.location.description
        if self.database_url:
            return describe_postgres(parse_postgres_url(self.database_url))
        return f"Encrypted file {self.sqlite_file}"

    @property
    def slots(self) -> KeySlots:
        return KeySlots.beside(self.sqlite_file)

    def is_new(self) -> bool:
        return not self.database_url and is_new_file(self.sqlite_file)

    def open_unlocked(self, *, migrate: bool = True) -> Database | None:
        """The database if it opens without a password (a shared server, a new file, a file
        whose older key copy is still kept); None when a password must unwrap its key."""
        if self._open is None:
            try:
                self._open = open_database(
                    self.sqlite_file, self.key_folder, self.database_url, migrate=migrate
                )
            except PasswordNeeded:
                return None
        return self._open

    def sign_in(self, username: str, password: str) -> SignedIn:
        """Open the database as ``username``; ``SignInFailed`` with a plain reason if not."""
        database = self.open_unlocked()
        if database is not None:
            return SignedIn(
                database, _in_session(database, lambda s: signing_in.sign_in(s, username, password))
            )
        return self._sign_in_with_slot(username, password)

    def _sign_in_with_slot(self, username: str, password: str) -> SignedIn:
        slots, now = self.slots, utc_now()
        name = (username or "").strip().lower()
        known = name in slots.usernames()
        locked = slots.locked_until(name, now) if known else None
        if locked is not None:
            slots.note_failure(
                name, now, limit=accounts.MAX_FAILED_SIGN_INS, lockout=accounts.LOCKOUT, during_lockout=True
            )
            raise SignInFailed(accounts.locked_message(locked, now))
        raw_key = slots.unlock_user(name, password)
        if raw_key is None:
            slots.note_failure(
                name if known else None, now, limit=accounts.MAX_FAILED_SIGN_INS, lockout=accounts.LOCKOUT
            )
            raise SignInFailed(WRONG)
        database = open_sqlite_with_key(self.sqlite_file, DatabaseKey.from_slot(raw_key))
        pending = slots.pending_failures()
        try:
            actor = _in_session(database, lambda s: _signed_in_with_slot(s, pending, name, password))
        except BaseException:
            database.dispose()
            raise
        slots.forget_failures([attempt.id for attempt in pending])  # now in the audit trail
        return SignedIn(database, actor)

    def sign_out(self, signed_in: SignedIn) -> None:
        """Record the sign-out; a database opened with a password is closed, so its key is no
        longer held by the app."""
        _in_session(signed_in.database, lambda s: signing_in.sign_out(s, signed_in.actor))
        self.release(signed_in)

    def release(self, signed_in: SignedIn) -> None:
        """Close a database a password opened (one opened without is kept until ``close``)."""
        if signed_in.database is not self._open:
            signed_in.database.dispose()

    def recover(self, code: str, username: str, new_password: str) -> str:
        """Open the database with the recovery key and set ``username``'s new password (their
        slot too); the user's name as stored. ``SignInFailed`` if the key does not open it."""
        try:
            secret = recovery_code.parse_code(code)
        except recovery_code.NotARecoveryCode as error:
            raise SignInFailed(str(error)) from None
        database = self.open_unlocked()
        opened_here = database is None
        if database is None:
            raw_key = self.slots.unlock_recovery(secret)
            if raw_key is None:
                self.slots.note_failure(
                    None, utc_now(), limit=accounts.MAX_FAILED_SIGN_INS, lockout=accounts.LOCKOUT
                )
                raise SignInFailed("That recovery key does not open this database.")
            database = open_sqlite_with_key(self.sqlite_file, DatabaseKey.from_slot(raw_key))
        elif self.slots.unlock_recovery(secret) is None:
            raise SignInFailed("That recovery key does not open this database.")
        try:
            return _in_session(database, lambda s: users.reset_with_recovery_key(s, username, new_password))
        finally:
            if opened_here:
                database.dispose()

    def discard_if_never_set_up(self) -> None:
        """Delete a new file whose set-up was abandoned: its key was only in memory, so left
        behind it could never be opened, and the next start should offer the set-up again."""
        database = self._open
        if (
            database is None
            or database.location.key is None
            or database.location.key.origin is not KeyOrigin.NEW
        ):
            return
        with database.session() as session:
            if not needs_setup(session):
                return
        self.close()
        for suffix in ("", "-wal", "-shm"):
            self.sqlite_file.with_name(self.sqlite_file.name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        if self._open is not None:
            self._open.dispose()
            self._open = None


def _in_session(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


def _signed_in_with_slot(
    session: Session, pending: list[PendingFailure], username: str, password: str
) -> Actor:
    """Write the attempts made while the database was closed to the audit trail, then sign in."""
    ids = {
        name: user_id
        for name, user_id in session.execute(
            select(UserAccount.username, UserAccount.id).where(
                UserAccount.username.in_({p.username for p in pending if p.username})
            )
        )
    }
    for attempt in pending:
        when = attempt.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        detail = f"attempted {when}" + (" during a lockout" if attempt.during_lockout else "")
        audit.record(
            session,
            None,
            "sign_in_failed",
            "user_account",
            ids.get(attempt.username or ""),
            detail,
            username=attempt.username,
        )
    return signing_in.sign_in_with_slot(session, username, password)
