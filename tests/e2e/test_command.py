"""The command as IT meets it: its version, its self-test, and where a new database's key goes."""

from __future__ import annotations

import stat
import sys
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
    assert "Database keys will be kept in files readable only by the user" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("steps passed, 1 with a warning.")


def test_without_a_keyring_a_new_key_goes_to_a_private_file_and_the_user_is_told(command: Command) -> None:
    warning = command.without_keyring().run_until_stderr_line()

    key_file = command.key_folder / "linkworker.db.key"
    assert warning.startswith("linkworker: warning: This computer has no system keyring")
    assert str(key_file) in warning
    assert key_file.exists()
    if sys.platform != "win32":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (command.key_folder / "README-WARNING.txt").exists()
    assert command.database_file.read_bytes()[:16] != b"SQLite format 3\x00"

    # The next start finds the key in the file, opens the database and says so again.
    assert command.run_until_stderr_line() == warning


def test_backup_and_export_key_through_the_command(
    command: Command, encrypted_template: EncryptedTemplate
) -> None:
    command.install(encrypted_template)
    backups = command.data_dir.parent / "backups"

    backed_up = command.run("backup", "--to", str(backups))
    exported = command.run("export-key", str(command.data_dir.parent / "kept.key"))

    assert backed_up.returncode == 0, backed_up.stderr
    assert "Backup written:" in backed_up.stdout
    [copy] = backups.glob("linkworker-*.db")
    assert copy.read_bytes()[:16] != b"SQLite format 3\x00"
    assert exported.returncode == 0, exported.stderr
    assert (command.data_dir.parent / "kept.key").read_text().strip() == encrypted_template.key_hex


@pytest.mark.postgres
def test_backup_of_a_shared_server_points_to_pg_dump(
    command: Command, postgres_template: PostgresTemplate
) -> None:
    url = postgres_template.create_empty()

    result = command.run("backup", "--database-url", url)

    assert result.returncode == 2
    assert result.stderr.startswith("linkworker: The PostgreSQL database ")
    assert "pg_dump" in result.stderr
    assert "Traceback" not in result.stderr
