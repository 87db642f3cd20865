"""Every problem with the machine or the data gives one plain line on stderr and exit status 2.

The command checks the database before it opens the window, so ``linkworker`` with no
subcommand stops at the error without a display. Never a traceback, never SQLCipher's own
"hmac check failed" chatter, and the file is left exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from linkworker.store.database import open_postgres, sqlite_engine
from tests.e2e.command import Command, EncryptedTemplate, Result
from tests.helpers.databases import PostgresTemplate

pytestmark = pytest.mark.e2e

PAGE = 4096
EXIT_ENVIRONMENT = 2


def one_clear_line(result: Result) -> str:
    """The single ``linkworker: ...`` line of an environment error, checked for the rest."""
    assert result.returncode == EXIT_ENVIRONMENT, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.error_lines) == 1, result.stderr
    line = result.error_lines[0]
    assert line.startswith("linkworker: ")
    assert "hmac" not in line.lower()
    return line


def digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def test_a_wrong_key_is_reported_and_the_file_left_alone(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    file = command.install(encrypted_template)
    command.put_key(os.urandom(32).hex())
    before = digest(file)

    line = one_clear_line(command.run())

    assert "cannot be opened with the key kept for it" in line
    assert "Nothing was changed" in line
    assert digest(file) == before


def test_a_missing_key_names_the_keyring_and_the_key_file(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    command.install(encrypted_template)
    command.remove_key()

    line = one_clear_line(command.run())

    assert f"The database {command.database_file} exists, but neither its key slots" in line
    assert "linkworker.db.keyslots" in line and "the system keyring" in line
    assert str(command.key_folder / "linkworker.db.key") in line


def test_a_missing_key_on_a_computer_without_a_keyring(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    command.install(encrypted_template)

    line = one_clear_line(command.without_keyring().run())

    assert "neither its key slots" in line
    assert "Put the key-slot file back from the same backup as the database" in line


def test_a_plain_sqlite_file_is_not_taken_for_a_linkworker_database(command: Command) -> None:
    command.data_dir.mkdir()
    with sqlite3.connect(command.database_file) as plain:
        plain.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    plain.close()
    before = digest(command.database_file)

    line = one_clear_line(command.run())

    assert "is an ordinary unencrypted SQLite file, not a Linkworker database" in line
    assert digest(command.database_file) == before
    assert command.keyring_entries() == {}, "no key is made for a file that is not ours"


def test_a_file_of_random_bytes_with_a_key_is_not_a_linkworker_database(command: Command) -> None:
    command.data_dir.mkdir()
    command.database_file.write_bytes(os.urandom(8 * PAGE))
    command.put_key(os.urandom(32).hex())

    line = one_clear_line(command.run())

    assert "is not a Linkworker database" in line


def test_a_file_of_random_bytes_without_a_key_asks_for_the_key(command: Command) -> None:
    """Without a key, random bytes look exactly like an encrypted database: say the key is missing."""
    command.data_dir.mkdir()
    command.database_file.write_bytes(os.urandom(8 * PAGE))

    line = one_clear_line(command.run())

    assert "exists, but neither its key slots" in line


def test_damage_after_the_first_page_is_reported_as_a_damaged_file(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    file = command.install(encrypted_template)
    data = file.read_bytes()
    file.write_bytes(data[:PAGE] + os.urandom(len(data) - PAGE))
    before = digest(file)

    line = one_clear_line(command.run())

    assert "is damaged and cannot be read safely. Restore the latest backup" in line
    assert digest(file) == before


def test_damage_to_the_first_page_is_not_taken_for_a_wrong_key(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    """SQLCipher says "file is not a database" for both; only the damaged page fails its check."""
    file = command.install(encrypted_template)
    data = bytearray(file.read_bytes())
    data[200:264] = os.urandom(64)
    file.write_bytes(bytes(data))

    line = one_clear_line(command.run())

    assert "is damaged" in line


def test_a_file_locked_by_another_program_is_reported(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    file = command.install(encrypted_template)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from sqlcipher3 import dbapi2\n"
            "connection = dbapi2.connect(sys.argv[1], isolation_level=None)\n"
            'connection.execute(f"PRAGMA key = \\"x\'{sys.argv[2]}\'\\"")\n'
            "connection.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
            str(file),
            encrypted_template.key_hex,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        line = one_clear_line(command.run())
        waited = time.monotonic() - started
    finally:
        holder.communicate(timeout=30)

    assert "is locked by another program" in line
    assert waited < 10, "reported after a short wait, not the whole busy timeout"


def test_an_unreachable_postgres_server_is_reported(command: Command) -> None:
    line = one_clear_line(command.run("--database-url", "postgresql://nobody@127.0.0.1:1/none"))

    assert "The PostgreSQL database none on 127.0.0.1:1 cannot be reached" in line


def test_a_newer_schema_in_a_sqlite_file_is_refused_unchanged(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    file = command.install(encrypted_template)
    engine = sqlite_engine(file, encrypted_template.key_hex)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    before = digest(file)

    line = one_clear_line(command.run())

    assert "last used by a newer version of Linkworker (schema 9999_from_the_future)" in line
    assert digest(file) == before


@pytest.mark.postgres
def test_a_newer_schema_on_postgres_is_refused(command: Command, postgres_template: PostgresTemplate) -> None:
    url = postgres_template.create_empty()
    name = url.rsplit("/", 1)[1]
    try:
        database = open_postgres(url)
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        database.dispose()

        line = one_clear_line(command.run("--database-url", url))
    finally:
        postgres_template.drop(name)

    assert "last used by a newer version of Linkworker (schema 9999_from_the_future)" in line


def test_a_settings_file_that_cannot_be_read_is_reported(command: Command) -> None:
    command.data_dir.mkdir()
    settings = command.data_dir / "settings.json"
    settings.write_text("{ this is not json", encoding="utf-8")

    line = one_clear_line(command.run())

    assert f"The settings file {settings} cannot be read" in line


def private_mount_namespace_works() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(
    not private_mount_namespace_works(),
    reason="faking a network mount needs a private mount namespace (unshare -m, as root)",
)
def test_a_data_folder_on_a_network_share_is_refused(command: Command, tmp_path: Path) -> None:
    """The command reads /proc/self/mounts; in a private mount namespace the test shows it one
    that says the data folder is an NFS share, and runs the real command there (exec keeps the
    process id, so the faked file is the command's own)."""
    command.data_dir.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        Path("/proc/self/mounts").read_text()
        + f"fileserver:/export/linkworker {command.data_dir} nfs4 rw 0 0\n"
    )
    completed = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount --bind "$0" /proc/$$/mounts && exec "$@"',
            str(mounts),
            *command.arguments(),
        ],
        env=command.env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    line = one_clear_line(Result(completed.returncode, completed.stdout, completed.stderr))
    assert f"{command.database_file} is on a network drive" in line
    assert "use a PostgreSQL server" in line
    assert not command.database_file.exists()
    assert command.keyring_entries() == {}
