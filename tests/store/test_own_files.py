"""``Location.is_own_file``: the one guard every file the app writes goes through, so no save (a
summary, rejected rows, a calendar, an export) can take the place of the database, its journals
or its key slots, under whatever name the path is given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from linkworker.store.database import Database, Location
from linkworker.store.database_key import DatabaseKey, KeyOrigin
from tests.helpers.own_files import database_file, own_files


def test_the_database_its_journals_and_its_key_slots_are_its_own_files(sqlite_database: Database) -> None:
    for file in own_files(sqlite_database):
        assert sqlite_database.location.is_own_file(file), file.name


def test_other_files_beside_it_are_not(sqlite_database: Database) -> None:
    file = database_file(sqlite_database)
    for other in ("linkworker.db.csv", "linkworker-rejected.csv", "summary.pdf", "linkworker.db-wal.bak"):
        assert not sqlite_database.location.is_own_file(file.with_name(other)), other
    assert not sqlite_database.location.is_own_file(file.parent)


def test_another_spelling_of_the_path_is_still_its_own_file(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = database_file(sqlite_database)
    location = sqlite_database.location
    assert location.is_own_file(file.parent / ".." / file.parent.name / "." / file.name)
    assert location.is_own_file(Path(os.path.relpath(file)))
    monkeypatch.setenv("HOME", str(file.parent.parent))
    assert location.is_own_file(Path("~") / file.parent.name / file.name)
    assert location.is_own_file(Path("~") / file.parent.name / f"{file.name}-journal")


def test_a_link_to_it_is_still_its_own_file(sqlite_database: Database, tmp_path: Path) -> None:
    file = database_file(sqlite_database)
    symbolic = tmp_path / "looks-harmless.csv"
    symbolic.symlink_to(file)
    hard = tmp_path / "also-harmless.pdf"
    os.link(file, hard)
    folder_link = tmp_path / "elsewhere"
    folder_link.symlink_to(file.parent, target_is_directory=True)
    location = sqlite_database.location
    assert location.is_own_file(symbolic)
    assert location.is_own_file(hard)
    assert location.is_own_file(folder_link / file.name)
    assert location.is_own_file(folder_link / f"{file.name}.keyslots")
    assert location.is_own_file(folder_link / f"{file.name}-shm")


def test_an_older_versions_key_file_is_its_own_file(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "linkworker.key"
    key = DatabaseKey("00" * 32, KeyOrigin.KEY_FILE, key_file=key_file)
    location = Location("sqlite", "Encrypted file", sqlite_file=tmp_path / "linkworker.db", key=key)
    assert location.is_own_file(tmp_path / "keys" / ".." / "keys" / "linkworker.key")


def test_a_shared_server_has_no_files_here() -> None:
    assert not Location("postgresql", "Server").is_own_file(Path("linkworker.db"))
