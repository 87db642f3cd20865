"""The command as IT meets it: its version, its self-test, and where a new database's key goes."""

from __future__ import annotations

import shutil
from importlib.metadata import version

import pytest

from tests.e2e.command import Command, EncryptedTemplate
from tests.helpers.databases import PostgresTemplate

pytestmark = pytest.mark.e2e

SELF_TEST_STEPS = [
    "program files",
    "encrypted database",
    "write and read back",
    "encrypted on disk",
    "PostgreSQL client",
    "matching",
    "bank holidays",
    "system keyring",
    "PDF report",
    "Qt window system",
]


def step_lines(output: str) -> dict[str, str]:
    """The self-test's step lines by step name: ``STATUS  name  (detail)``."""
    steps = {}
    for line in output.splitlines():
        status, _, rest = line.partition("  ")
        if status in {"PASS", "WARN", "FAIL", "SKIP"}:
            name = rest.split("  (")[0].strip()
            steps[name] = status
    return steps


def test_version_prints_the_installed_version(command: Command) -> None:
    result = command.run("--version")

    assert result.returncode == 0
    assert result.stdout == f"linkworker {version('linkworker')}\n"
    assert not command.data_dir.exists(), "asking the version creates nothing"


def test_self_test_passes_and_leaves_nothing_behind(command: Command) -> None:
    result = command.run("self-test")

    assert result.returncode == 0, result.stdout + result.stderr
    assert step_lines(result.stdout) == dict.fromkeys(SELF_TEST_STEPS, "PASS")
    assert result.stdout.splitlines()[-1] == f"Self-test passed: all {len(SELF_TEST_STEPS)} steps passed."
    assert "FileKeyring: a secret was stored, read back and deleted" in result.stdout
    assert command.keyring_entries() == {}, "the self-test leaves no entry in the keyring"
    assert not command.data_dir.exists(), "the self-test works in a temporary folder only"
    assert "Traceback" not in result.stderr


def test_self_test_without_a_keyring_warns_and_still_passes(command: Command) -> None:
    result = command.without_keyring().run("self-test")

    assert result.returncode == 0, result.stdout + result.stderr
    steps = step_lines(result.stdout)
    assert steps.pop("system keyring") == "WARN"
    assert set(steps.values()) == {"PASS"}
    assert "A local database does not need one (its key is kept in key slots beside it)" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("steps passed, 1 with a warning.")


def test_an_older_versions_key_file_still_opens_and_the_user_is_told(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    """Versions before key slots kept the key in a file on a computer without a keyring."""
    command.without_keyring()
    command.data_dir.mkdir(parents=True)
    shutil.copyfile(encrypted_template.file, command.database_file)
    key_file = command.key_folder / "linkworker.db.key"
    key_file.parent.mkdir()
    key_file.write_text(encrypted_template.key_hex, encoding="ascii")

    warning = command.run_until_stderr_line()

    assert warning.startswith("linkworker: warning: The database key is still kept unprotected")
    assert str(key_file) in warning


@pytest.mark.postgres
def test_backup_of_a_shared_server_points_to_pg_dump(
    command: Command, postgres_template: PostgresTemplate
) -> None:
    url = postgres_template.create_empty()

    result = command.run("backup", "--database-url", url, "--to", "backups", "--user", "admin")

    assert result.returncode == 2
    assert result.stderr.startswith("linkworker: The PostgreSQL database ")
    assert "pg_dump" in result.stderr
    assert "Traceback" not in result.stderr
