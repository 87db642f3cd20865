"""Copies of the app as separate OS processes on one encrypted SQLite file (``sqlite_worker``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from linkworker.store import secrets
from linkworker.store.database import Database
from linkworker.store.database_key import keyring_name
from tests.helpers.fake_keyring import FileKeyring

REPO = Path(__file__).resolve().parents[2]
KEYRING_FILE_ENV = "LINKWORKER_TEST_KEYRING"


@dataclass(frozen=True)
class Run:
    """What a ``mixed`` worker did: the ids of the notes it wrote, its reads, the errors it met."""

    written: list[int]
    reads: int
    errors: list[str]


class Worker:
    """One ``sqlite_worker`` process; started at once, told to go with ``go``."""

    def __init__(
        self, keyring_file: Path, database: Database, mode: str, referral_id: int, seconds: float
    ) -> None:
        file = database.location.sqlite_file
        assert file is not None
        environment = {
            name: value for name, value in os.environ.items() if not name.startswith("LINKWORKER_")
        }
        environment.update(
            PYTHONPATH=str(REPO),
            PYTHON_KEYRING_BACKEND="tests.helpers.fake_keyring.FileKeyring",
            **{KEYRING_FILE_ENV: str(keyring_file)},
        )
        self.tag = f"{mode}-{id(self):x}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.concurrency.sqlite_worker",
                mode,
                str(file),
                str(referral_id),
                str(seconds),
                self.tag,
            ],
            cwd=REPO,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:  # it ended: say why
            raise AssertionError(f"worker stopped early: {self.finish()[1]}")
        return line.strip()

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = 60) -> tuple[str, str]:
        """What it printed after the last line read, and its stderr, once it has ended."""
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return out, err

    def result(self) -> Run:
        out, err = self.finish()
        assert err == "", err
        return Run(**json.loads(out))

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=30)


def share_key(database: Database, keyring_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the file's key where the worker processes' keyring looks (the file FileKeyring reads)."""
    file, key = database.location.sqlite_file, database.location.key
    assert file is not None and key is not None
    monkeypatch.setenv(KEYRING_FILE_ENV, str(keyring_file))
    FileKeyring().set_password(secrets.SERVICE, keyring_name(file), key.hex)
