"""Reaching the data: the sign-in is the gate that opens the database, not only the window.

An encrypted file whose key is kept only in key slots opens when a user's password (or the
recovery key) unwraps the key; a wrong password opens nothing. Tries are throttled in the slot
file before any database is open (domain.accounts: a few free tries, then a growing wait of at
most five minutes, the same for a name with a slot and one without), and every refused attempt
is kept there and written to the audit trail at the next sign-in. The recovery key is never
throttled, so nobody can keep an administrator out. A shared PostgreSQL server, a new file being
set up, and a file whose older key copy is still kept open without a password, and the password
is checked against the database (services.signing_in).

``DataAccess`` is light: its work is in ``services.unlocking``, imported at its first use, so
the sign-in window is drawn before SQLAlchemy, the models and the cryptography load. Once it is
drawn, ``load_in_background`` loads them on a thread while the user types, and the first use
waits for that thread rather than loading them a second time (start time: docs/architecture.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from linkworker.services.errors import WRONG

if TYPE_CHECKING:
    from linkworker.services.actor import Actor
    from linkworker.services.workspace import Workspace
    from linkworker.store.database import Database
    from linkworker.store.key_slots import KeySlots

__all__ = ["MUST_CHOOSE_FIRST", "NOT_THE_RECOVERY_KEY", "WRONG", "DataAccess", "SignedIn"]

NOT_THE_RECOVERY_KEY = "That recovery key does not open this database."
MUST_CHOOSE_FIRST = (
    "Your password was set by an administrator, so first sign in to the Linkworker window and "
    "choose your own; then run the command again."
)


@dataclass(frozen=True)
class SignedIn:
    """An open database and who signed in to it; ``must_change_password`` when an administrator
    set their password, so the window asks for their own before showing any record."""

    database: Database
    actor: Actor
    must_change_password: bool = False

    @property
    def workspace(self) -> Workspace:
        """The signed-in window's units of work (loaded here, not at start)."""
        from linkworker.services.workspace import Workspace

        return Workspace(self.database, self.actor)


_loading: threading.Thread | None = None


def load_in_background() -> None:
    """Start loading, on a thread, what a sign-in and the Today view need (SQLAlchemy, SQLCipher,
    the models, the key slots' cryptography, the keyring's backend, this year's bank holidays):
    about a second that the user spends typing their name and password instead of waiting."""
    global _loading
    if _loading is None:
        _loading = threading.Thread(target=_load, name="linkworker-loading", daemon=True)
        _loading.start()


def loaded_in_background() -> bool:
    """Whether the loading ``load_in_background`` started has finished (or never started)."""
    return _loading is None or not _loading.is_alive()


def _load() -> None:
    try:
        from linkworker.services import unlocking

        unlocking.warm_up()
    except Exception:
        # Nothing is lost: a module that failed to load is not kept, so the sign-in loads it
        # again on its own thread and meets the same problem there, where it is shown.
        return


def _unlocking() -> ModuleType:
    """The work, loaded at the first call that needs the database rather than at start (after
    the background loading, if it is still going: never two threads importing one module)."""
    if _loading is not None:
        _loading.join()
    from linkworker.services import unlocking

    return unlocking


class DataAccess:
    """How this installation reaches its data, before and after someone signs in."""

    def __init__(self, sqlite_file: Path, key_folder: Path, database_url: str | None = None) -> None:
        self.sqlite_file = sqlite_file
        self.key_folder = key_folder
        self.database_url = database_url
        self.opened: Database | None = None  # a database that needed no password, kept open

    @classmethod
    def of_open(cls, database: Database) -> DataAccess:
        """Over a database already open (tests, a tool): sign-ins check the password in it."""
        file = database.location.sqlite_file
        access = cls(file or Path(database.location.description), Path(), None)
        access.opened = database
        return access

    @property
    def is_shared_server(self) -> bool:
        if self.opened is not None:
            return self.opened.location.kind == "postgresql"
        return bool(self.database_url)

    @property
    def description(self) -> str:
        if self.opened is not None:
            return self.opened.location.description
        if self.database_url:
            from linkworker.store.database import describe_postgres, parse_postgres_url

            return describe_postgres(parse_postgres_url(self.database_url))
        return f"Encrypted file {self.sqlite_file}"

    @property
    def slots(self) -> KeySlots:
        from linkworker.store.key_slots import KeySlots

        return KeySlots.beside(self.sqlite_file)

    def is_new(self) -> bool:
        """No database file yet (or an empty one): the set-up wizard's, not the sign-in's."""
        from linkworker.store.private_files import is_new_file

        return not self.database_url and is_new_file(self.sqlite_file)

    def opens_only_with_a_password(self) -> bool:
        """A file whose key slots are beside it and no older key file: nothing can be opened
        until someone signs in, so the sign-in window needs nothing loaded first. (A key copy an
        older version left in the keyring is found at the first sign-in.)"""
        from linkworker.store.database_key import key_file_for
        from linkworker.store.key_slots import path_for

        return (
            not self.database_url
            and not self.is_new()
            and path_for(self.sqlite_file).exists()
            and not key_file_for(self.key_folder, self.sqlite_file).exists()
        )

    def open_unlocked(self, *, migrate: bool = True) -> Database | None:
        """The database if it opens without a password (a shared server, a new file, a file
        whose older key copy is still kept); None when a password must unwrap its key."""
        result: Database | None = _unlocking().open_unlocked(self, migrate=migrate)
        return result

    def sign_in(self, username: str, password: str) -> SignedIn:
        """Open the database as ``username``; ``SignInFailed`` with a plain reason if not
        (``SignInThrottled`` for a try made too soon after earlier failures)."""
        result: SignedIn = _unlocking().sign_in(self, username, password)
        return result

    def sign_in_for_command(self, username: str, password: str) -> SignedIn:
        """As ``sign_in``, for the batch commands: refused, and signed out again, while the user
        must still choose their own password, which only the window asks for."""
        result: SignedIn = _unlocking().sign_in_for_command(self, username, password)
        return result

    def unlock_with_password(self, username: str, password: str) -> bytes:
        """The database key from ``username``'s key slot, the try throttled and any refusal kept
        for the audit trail as a sign-in's are: ``SignInThrottled`` or ``SignInFailed`` if not.
        Whatever opens the data with a password (a sign-in, a restore) comes through here."""
        result: bytes = _unlocking().unlock_with_password(self, username, password)
        return result

    def sign_out(self, signed_in: SignedIn, reason: str | None = None) -> None:
        """Record the sign-out (with ``reason`` when it was not the user's choice); a database
        opened with a password is closed, so its key is no longer held by the app."""
        _unlocking().sign_out(self, signed_in, reason)

    def release(self, signed_in: SignedIn) -> None:
        """Close a database a password opened (one opened without is kept until ``close``)."""
        if signed_in.database is not self.opened:
            signed_in.database.dispose()

    def recover(self, code: str, username: str, new_password: str) -> str:
        """Open the database with the recovery key and set ``username``'s new password (their
        slot too, which ends any wait for their next try); the user's name as stored.
        ``SignInFailed`` if the key does not open it. Never throttled: the key is 160 random
        bits, and it must always let an administrator in."""
        result: str = _unlocking().recover(self, code, username, new_password)
        return result

    def discard_if_never_set_up(self) -> None:
        """Delete a new file whose set-up was abandoned: its key was only in memory, so left
        behind it could never be opened, and the next start should offer the set-up again."""
        _unlocking().discard_if_never_set_up(self)

    def close(self) -> None:
        if self.opened is not None:
            self.opened.dispose()
            self.opened = None
