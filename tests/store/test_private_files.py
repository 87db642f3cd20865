"""Folders 0700 and files 0600 on POSIX, whatever the umask: the data, settings and log folders,
the log files (rotated ones too), a database made private before SQLite opens it (its -wal and
-shm follow it), and a plain ``StoreError`` where a folder or file cannot be made."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from linkworker import app_logging
from linkworker.config import Folders
from linkworker.store.database import open_sqlite_with_key
from linkworker.store.database_key import DatabaseKey
from linkworker.store.errors import StoreError
from linkworker.store.private_files import create_private, private_folder, private_opener

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000], ids=["umask 022", "umask 002", "umask 000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """A umask that would let others read new files, put back after the test."""
    before = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(before)


@pytest.fixture
def log_handlers() -> Iterator[list[logging.Handler]]:
    """The handlers a test adds to the root logger, closed and taken off again afterwards."""
    root = logging.getLogger()
    before = list(root.handlers)
    added: list[logging.Handler] = []
    yield added
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


def test_new_folders_and_the_missing_folders_above_them_are_0700(tmp_path: Path, umask: int) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)
    data = home / ".local" / "Linkworker" / "data"
    assert private_folder(data) == data
    assert [mode(folder) for folder in (data, data.parent, data.parent.parent)] == [0o700] * 3
    assert mode(home) == 0o755  # a folder above that was there already is left alone


def test_an_existing_folder_loses_others_access_but_a_read_only_one_stays_read_only(tmp_path: Path) -> None:
    shared, read_only = tmp_path / "shared", tmp_path / "read only"
    shared.mkdir(mode=0o755)
    read_only.mkdir()
    read_only.chmod(0o500)
    private_folder(shared)
    private_folder(read_only)
    assert mode(shared) == 0o700
    assert mode(read_only) == 0o500


def test_a_folder_that_cannot_be_made_is_a_plain_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "linkworker"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match=r"is a file where Linkworker needs a folder") as refused:
        private_folder(blocker)
    assert str(blocker) in str(refused.value)
    with pytest.raises(StoreError) as refused:
        private_folder(blocker / "data")
    assert str(refused.value).startswith(f"{blocker / 'data'} cannot be written: Not a directory.")
    assert "Nothing saved before has been lost." in str(refused.value)


def test_the_installations_folders_are_made_0700(tmp_path: Path, umask: int) -> None:
    home = tmp_path / "home"
    folders = Folders(data=home / "data", config=home / "config", logs=home / "state" / "logs")
    folders.create()
    folders.demo().create()
    made = [home, folders.data, folders.config, folders.logs, folders.demo().data, folders.demo().logs]
    assert {folder.name: mode(folder) for folder in made} == {folder.name: 0o700 for folder in made}


def test_create_private_makes_an_empty_0600_file(tmp_path: Path, umask: int) -> None:
    file = tmp_path / "linkworker.db"
    assert create_private(file) == file
    assert file.read_bytes() == b""
    assert mode(file) == 0o600


def test_create_private_keeps_an_existing_file_and_withholds_it_from_others(tmp_path: Path) -> None:
    file = tmp_path / "linkworker.db"
    file.write_bytes(b"an older version's database")
    file.chmod(0o644)
    create_private(file)
    assert file.read_bytes() == b"an older version's database"
    assert mode(file) == 0o600


def test_create_private_in_a_missing_folder_is_a_plain_store_error(tmp_path: Path) -> None:
    file = tmp_path / "gone" / "linkworker.db"
    with pytest.raises(StoreError, match=r"cannot be written: No such file or directory\."):
        create_private(file)


def test_a_database_made_private_first_keeps_its_wal_and_shm_private(tmp_path: Path, umask: int) -> None:
    """The contract ``open_sqlite_with_key`` relies on: SQLite gives -wal and -shm the database
    file's mode, so a 0600 database file made before SQLite opens it keeps all three private."""
    file = create_private(tmp_path / "linkworker.db")
    database = open_sqlite_with_key(file, DatabaseKey.new(), migrate=False)
    try:
        with database.engine.connect() as connection:
            connection.execute(text("CREATE TABLE note (body TEXT)"))
            connection.execute(text("INSERT INTO note VALUES ('synthetic')"))
            connection.commit()
            companions = [tmp_path / "linkworker.db-wal", tmp_path / "linkworker.db-shm"]
            assert {path.name: mode(path) for path in [file, *companions]} == {
                "linkworker.db": 0o600,
                "linkworker.db-wal": 0o600,
                "linkworker.db-shm": 0o600,
            }
    finally:
        database.dispose()


def test_private_opener_makes_new_files_0600_and_tightens_old_ones(tmp_path: Path, umask: int) -> None:
    new, old = tmp_path / "new.log", tmp_path / "old.log"
    old.write_text("kept\n", encoding="utf-8")
    old.chmod(0o644)
    for path in (new, old):
        with open(path, "a", encoding="utf-8", opener=private_opener) as stream:
            stream.write("line\n")
    assert (mode(new), mode(old)) == (0o600, 0o600)
    assert old.read_text(encoding="utf-8") == "kept\nline\n"


def test_the_log_and_its_rotated_files_are_0600(
    tmp_path: Path, umask: int, log_handlers: list[logging.Handler]
) -> None:
    logs = tmp_path / "logs"
    path = app_logging.configure(logs)
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, app_logging.PrivateLogFile))
    logging.getLogger("linkworker.test").info("opened the database")
    handler.doRollover()
    logging.getLogger("linkworker.test").info("after rotation")
    handler.flush()
    assert sorted(p.name for p in logs.iterdir()) == ["linkworker.log", "linkworker.log.1"]
    assert {p.name: mode(p) for p in [logs, *logs.iterdir()]} == {
        "logs": 0o700,
        "linkworker.log": 0o600,
        "linkworker.log.1": 0o600,
    }
    assert "after rotation" in path.read_text(encoding="utf-8")


def test_a_log_folder_that_cannot_be_made_is_a_plain_store_error(
    tmp_path: Path, log_handlers: list[logging.Handler]
) -> None:
    blocker = tmp_path / "logs"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match=r"is a file where Linkworker needs a folder"):
        app_logging.configure(blocker)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device that is always full)")
def test_a_full_disk_under_the_log_is_one_plain_line_not_a_traceback(
    tmp_path: Path, log_handlers: list[logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    app_logging.configure(tmp_path / "logs")
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, app_logging.PrivateLogFile))
    handler.stream.close()
    # Every write to /dev/full fails: no space left on device. Its last flush, on closing, fails
    # too, as at exit, where logging.shutdown() ignores it.
    with contextlib.suppress(OSError), open("/dev/full", "w", encoding="utf-8") as full:
        handler.stream = full
        for number in range(3):
            logging.getLogger("linkworker.test").info("record %d", number)
        handler.stream = None
    assert capsys.readouterr().err == (
        f"linkworker: the log {tmp_path / 'logs' / 'linkworker.log'} cannot be written "
        "(No space left on device).\n"
    )
