"""Problems with the machine or the data files, as opposed to bugs.

Each carries a message for the person at the keyboard; the command prints it without a
traceback and the window shows it in a dialog. No message ever includes patient data.
"""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be used as things stand; ``str(error)`` says why and what to do."""


class KeyMissing(StoreError):
    pass


class PasswordNeeded(StoreError):
    """The database's key is kept only in key slots: a user's password (or the recovery key)
    must unwrap it before the database can be opened."""


class WrongKeyOrNotDatabase(StoreError):
    pass


class NotLinkworkerDatabase(StoreError):
    pass


class CorruptDatabase(StoreError):
    pass


class DatabaseLocked(StoreError):
    pass


class ServerUnreachable(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


class NetworkPathRefused(StoreError):
    pass


class KeyringUnavailable(StoreError):
    """The OS keyring cannot be used; callers fall back to a protected key file and say so."""
