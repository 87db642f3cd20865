"""The OS keyring behind a thin interface, so tests can swap it and errors read plainly.

``keyring`` picks the platform's store (Windows Credential Manager, macOS Keychain, the
Secret Service on Linux desktops). A headless Linux box has none: that raises
``KeyringUnavailable`` here, and the caller decides what to do in plain sight.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from linkworker.store.errors import KeyringUnavailable

SERVICE = "Linkworker"


# A broken keyring configuration (PYTHON_KEYRING_BACKEND, keyringrc.cfg) fails with these
# rather than with KeyringError; to the user it is the same: the keyring cannot be used.
_FAILURES = (KeyringError, ImportError, ValueError, RuntimeError)


def _unavailable(error: Exception) -> KeyringUnavailable:
    return KeyringUnavailable(f"The system keyring cannot be used here ({type(error).__name__}).")


def get(name: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, name)
    except _FAILURES as error:
        raise _unavailable(error) from None


def put(name: str, secret: str) -> None:
    try:
        keyring.set_password(SERVICE, name, secret)
    except _FAILURES as error:
        raise _unavailable(error) from None


def delete(name: str) -> None:
    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return
    except _FAILURES as error:
        raise _unavailable(error) from None


def backend_name() -> str:
    try:
        return type(keyring.get_keyring()).__name__
    except _FAILURES as error:
        return f"unusable ({type(error).__name__})"
