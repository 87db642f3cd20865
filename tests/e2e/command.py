"""The real ``linkworker`` command, run in a subprocess as a user or IT runs it.

Each test gets its own data folder (``--data-dir``) and its own keyring: a JSON file read by
``tests.helpers.fake_keyring.FileKeyring`` in the subprocess, or no keyring at all
(keyring's fail backend), so the machine's real keyring is never touched.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from linkworker.store import secrets
from linkworker.store.database_key import keyring_name
from tests.helpers.fake_keyring import FileKeyring

REPO = Path(__file__).resolve().parents[2]
LINKWORKER = Path(sys.executable).with_name("linkworker.exe" if sys.platform == "win32" else "linkworker")
FAKE_KEYRING = "tests.helpers.fake_keyring.FileKeyring"
NO_KEYRING = "keyring.backends.fail.Keyring"
KEYRING_FILE_ENV = "LINKWORKER_TEST_KEYRING"


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return self.stderr.splitlines()


@dataclass(frozen=True)
class EncryptedTemplate:
    """A migrated encrypted database made once per session, copied into each test's folder."""

    file: Path
    key_hex: str


class Command:
    """``linkworker --data-dir <tmp>`` with a private fake keyring, or with no keyring."""

    def __init__(self, folder: Path) -> None:
        self.data_dir = folder / "data"
        self.keyring_file = folder / "keyring.json"
        self.env = {
            name: value
            for name, value in os.environ.items()
            if name not in {"LINKWORKER_HOME", "LINKWORKER_DATABASE_URL", "PYTHON_KEYRING_BACKEND"}
        }
        self.env.update(
            PYTHONPATH=str(REPO),
            PYTHON_KEYRING_BACKEND=FAKE_KEYRING,
            QT_QPA_PLATFORM="offscreen",
        )
        self.env[KEYRING_FILE_ENV] = str(self.keyring_file)

    @property
    def database_file(self) -> Path:
        return self.data_dir / "linkworker.db"

    @property
    def key_folder(self) -> Path:
        return self.data_dir / "keys"

    def without_keyring(self) -> Command:
        self.env["PYTHON_KEYRING_BACKEND"] = NO_KEYRING
        return self

    def arguments(self, *arguments: str) -> list[str]:
        return [str(LINKWORKER), "--data-dir", str(self.data_dir), *arguments]

    def run(self, *arguments: str, timeout: float = 60) -> Result:
        completed = subprocess.run(
            self.arguments(*arguments),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def run_until_stderr_line(self, *arguments: str, timeout: float = 60) -> str:
        """Start the command, return its first line on stderr, then stop it.

        The success path of ``linkworker`` opens the window; the key warning comes before it,
        so the test reads that line and ends the run there.
        """
        process = subprocess.Popen(
            self.arguments(*arguments),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: lines.put(process.stderr.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        try:
            return lines.get(timeout=timeout)
        finally:
            process.kill()
            process.wait(timeout=30)
            reader.join(timeout=5)
            process.stderr.close()  # type: ignore[union-attr]

    def keyring_entries(self) -> dict[str, str]:
        """Everything in this test's fake keyring (FileKeyring keeps one JSON object)."""
        if not self.keyring_file.exists():
            return {}
        return dict(json.loads(self.keyring_file.read_text(encoding="utf-8")))

    def put_key(self, key_hex: str) -> None:
        FileKeyring().set_password(secrets.SERVICE, keyring_name(self.database_file), key_hex)

    def remove_key(self) -> None:
        FileKeyring().delete_password(secrets.SERVICE, keyring_name(self.database_file))

    def install(self, template: EncryptedTemplate) -> Path:
        """Copy the template in as this folder's database, its key in this test's keyring."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template.file, self.database_file)
        self.put_key(template.key_hex)
        return self.database_file
