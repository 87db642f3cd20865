"""Fixtures for the end-to-end tests: a command with its own folders and keyring, and a database."""

from __future__ import annotations

import secrets as random_source
from pathlib import Path

import pytest

from linkworker.store.database import open_sqlite
from linkworker.store.database_key import KEY_BYTES, key_file_for
from tests.e2e.command import KEYRING_FILE_ENV, LINKWORKER, Command, EncryptedTemplate


@pytest.fixture(scope="session")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> EncryptedTemplate:
    """Made with its key in a key file, so no keyring (fake or real) is involved in making it."""
    folder = tmp_path_factory.mktemp("e2e-template")
    file = folder / "linkworker.db"
    key_hex = random_source.token_hex(KEY_BYTES)
    key_file = key_file_for(folder / "keys", file)
    key_file.parent.mkdir()
    key_file.write_text(key_hex, encoding="ascii")
    open_sqlite(file, folder / "keys").dispose()
    return EncryptedTemplate(file, key_hex)


@pytest.fixture
def command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Command:
    """The command for this test; this process's FileKeyring reads and writes the same file."""
    assert LINKWORKER.exists(), f"{LINKWORKER} is missing: install the project (pip install -e .)"
    command = Command(tmp_path)
    monkeypatch.setenv(KEYRING_FILE_ENV, str(command.keyring_file))
    return command
