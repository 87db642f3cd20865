"""The real command with a umask that would let others read new files (022): every folder it
makes in the data folder is 0700 and every file it writes there or exports is 0600. A read-only
data folder, or a disk that fills up, is one plain line and exit status 2, never a traceback,
and the database then opens with every row committed before.

A full disk is made with RLIMIT_FSIZE in the child: any write past the limit fails with EFBIG
("File too large"), through the same code paths as ENOSPC, for root and other users alike. A
read-only folder is chmod 0500 for a user, and a read-only bind mount in a private mount
namespace for root (whom permission bits do not stop).
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import stat
import subprocess
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from linkworker.services.access import DataAccess
from linkworker.store.models import AuditEvent
from tests.e2e.command import Command, Result

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")]

ADMIN, ADMIN_PASSWORD = "admin", "copper lantern orchard"
WIDE_UMASK = 0o022
# Above what signing in writes (the -shm is 32 KiB, the sign-in's WAL about 20 KiB), below the
# summary PDF (about 60 KiB): the disk fills while the report is written.
ROOM_FOR_SIGN_IN_ONLY = 48 * 1024
# Below the -shm's 32 KiB: the disk is full before the database can be opened.
NO_ROOM = 16 * 1024
DATABASE_FILES = {"linkworker.db", "linkworker.db-wal", "linkworker.db-shm"}


class CommandFailed(Exception):
    """A run a test needed to succeed did not (not an assertion: no xfail may hide it)."""


def last_month() -> str:
    return f"{(date.today().replace(day=1) - timedelta(days=1)):%Y-%m}"


def run(command: Command, *arguments: str, file_size_limit: int | None = None) -> Result:
    """``linkworker`` with umask 022 and, if given, a file size limit standing for a full disk."""

    def in_child() -> None:
        os.umask(WIDE_UMASK)
        if file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG from write(), not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    completed = subprocess.run(
        command.arguments(*arguments),
        env=command.env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        preexec_fn=in_child,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def succeeded(result: Result) -> Result:
    if result.returncode != 0:
        raise CommandFailed(f"exit {result.returncode}: {result.stderr}")
    return result


def run_in_read_only(command: Command, folder: Path, *arguments: str) -> Result:
    """The command with ``folder`` read-only: chmod 0500, or for root a read-only bind mount that
    only the command's own mount namespace sees (gone when it exits)."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            return run(command, *arguments)
        finally:
            folder.chmod(0o700)
    if shutil.which("unshare") is None:
        pytest.skip("root needs unshare(1) to make a folder read-only")
    wrapped = [
        "unshare", "--mount", "--propagation", "private", "sh", "-c",
        'mount --bind -o ro "$0" "$0" && exec "$@"', str(folder), *command.arguments(*arguments),
    ]  # fmt: skip
    completed = subprocess.run(
        wrapped, env=command.env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )
    if completed.stderr.startswith(("unshare:", "mount:")):
        pytest.skip(f"no read-only mount here: {completed.stderr.strip()}")
    return Result(completed.returncode, completed.stdout, completed.stderr)


def modes(root: Path, keep: Callable[[Path], bool] = lambda _path: True) -> dict[str, int]:
    """The permission bits of ``root`` and of everything under it that ``keep`` keeps."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in sorted(root.rglob("*")):
        if keep(path):
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def private(found: dict[str, int], root: Path) -> dict[str, int]:
    """What ``found`` should be: 0700 for each folder, 0600 for each file."""
    return {name: 0o700 if (root / name).is_dir() else 0o600 for name in found}


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def rows_in(database_file: Path) -> tuple[dict[str, int], dict[int, str]]:
    """Each table's row count, and the audit events by id, signed in as the administrator (which
    adds one sign-in event)."""
    access = DataAccess(database_file, database_file.parent / "keys", None)
    signed_in = access.sign_in(ADMIN, ADMIN_PASSWORD)
    try:
        with signed_in.database.read_session() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            tables = session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            ).all()
            counts = {name: session.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0 for name in tables}
            events = {row.id: row.action for row in session.execute(select(AuditEvent.id, AuditEvent.action))}
    finally:
        access.release(signed_in)
    return counts, events


def without_audit(counts: dict[str, int]) -> dict[str, int]:
    """The counts of every table but the audit trail, which each sign-in adds to."""
    return {table: count for table, count in counts.items() if table != "audit_event"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's data folder, built once, under umask 022."""
    command = Command(tmp_path_factory.mktemp("private-files-demo"))
    succeeded(run(command, "demo", "--no-open"))
    return command.data_dir / "demo"


@pytest.fixture
def installed(command: Command, demo: Path) -> Iterator[Command]:
    """This test's copy of the demo as its data folder, signed in to as the administrator."""
    shutil.copytree(demo, command.data_dir)
    command.env["LINKWORKER_PASSWORD"] = ADMIN_PASSWORD
    yield command


def test_the_demos_folders_and_files_are_private(demo: Path) -> None:
    """The folders (the installation's, the demo's, its logs) and the files besides the database."""
    found = modes(demo.parent.parent, keep=lambda path: path.name not in DATABASE_FILES)
    assert found == private(found, demo.parent.parent)
    assert {"data", "data/demo", "data/demo/logs", "data/demo/logs/linkworker.log"} <= set(found)


def test_the_demos_database_file_is_private(demo: Path) -> None:
    assert stat.S_IMODE((demo / "linkworker.db").stat().st_mode) == 0o600


def test_every_export_a_command_writes_is_0600(installed: Command, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    month = last_month()
    succeeded(run(installed, "report", "--month", month, "--out", str(out / "summary.pdf"),
                  "--csv", str(out / "summary.csv"), "--user", ADMIN))  # fmt: skip
    succeeded(run(installed, "export", "directory", str(out / "directory.json"), "--user", ADMIN))
    succeeded(run(installed, "export", "directory", str(out / "oruk"), "--user", ADMIN))
    succeeded(run(installed, "export", "calendar", str(out / "follow-ups.ics"), "--user", ADMIN))
    files = modes(out, keep=Path.is_file)
    del files["."]  # the test's own folder
    assert {"summary.pdf", "summary.csv", "directory.json", "oruk/services.csv", "follow-ups.ics"} <= set(
        files
    )
    assert files == dict.fromkeys(files, 0o600)
    found = modes(installed.data_dir, keep=lambda path: path.name not in DATABASE_FILES)
    assert found == private(found, installed.data_dir)


def test_a_backup_and_its_folder_are_private(installed: Command, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    succeeded(run(installed, "backup", "--to", str(backups), "--user", ADMIN))
    found = modes(backups)
    assert any(name.endswith(".db") for name in found)
    assert found == private(found, backups)


def test_a_report_on_a_full_disk_is_one_plain_line_and_loses_nothing(
    installed: Command, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    counts_before, events_before = rows_in(installed.database_file)
    result = run(
        installed,
        "report", "--month", last_month(), "--out", str(out / "summary.pdf"), "--user", ADMIN,
        file_size_limit=ROOM_FOR_SIGN_IN_ONLY,
    )  # fmt: skip
    assert (result.returncode, result.error_lines) == (
        2,
        [f"linkworker: {out / 'summary.pdf'} cannot be written: File too large."],
    )
    assert list(out.iterdir()) == []  # no half PDF, no temporary file
    counts_after, events_after = rows_in(installed.database_file)
    assert without_audit(counts_after) == without_audit(counts_before)
    assert events_before.items() <= events_after.items()
    # The run's sign-in, committed before the disk filled, and this test's second one.
    assert sorted(events_after[i] for i in events_after.keys() - events_before.keys()) == [
        "sign_in",
        "sign_in",
    ]


def test_a_full_disk_under_the_database_is_one_plain_line_and_loses_nothing(installed: Command) -> None:
    counts_before, events_before = rows_in(installed.database_file)
    result = run(installed, "report", "--month", last_month(), "--out", os.devnull, "--user", ADMIN,
                 file_size_limit=NO_ROOM)  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert len(result.error_lines) == 1
    assert result.stderr.startswith("linkworker: ") and str(installed.database_file) in result.stderr
    counts_after, events_after = rows_in(installed.database_file)
    assert without_audit(counts_after) == without_audit(counts_before)
    assert events_before.items() <= events_after.items()


def test_a_read_only_data_folder_is_one_plain_line_and_changes_nothing(installed: Command) -> None:
    before = fingerprint(installed.data_dir)
    result = run_in_read_only(
        installed,
        installed.data_dir,
        "report", "--month", last_month(), "--out", os.devnull, "--user", ADMIN,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert len(result.error_lines) == 1
    assert result.stderr.startswith(f"linkworker: {installed.data_dir}")
    assert fingerprint(installed.data_dir) == before


def test_a_new_data_folder_in_a_read_only_one_is_one_plain_line(command: Command, tmp_path: Path) -> None:
    read_only = tmp_path / "read only"
    read_only.mkdir()
    command.data_dir = read_only / "Linkworker"
    result = run_in_read_only(command, read_only, "demo", "--no-open")
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.error_lines == [
        f"linkworker: {command.data_dir / 'demo'} cannot be written: "
        f"{'Read-only file system' if os.geteuid() == 0 else 'Permission denied'}. Linkworker keeps "
        "its data there: check that the folder is not read-only and that the disk has room. Nothing "
        "saved before has been lost."
    ]
    assert list(read_only.iterdir()) == []
