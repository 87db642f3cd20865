"""A copied data folder is useless without a Linkworker password: through the real command.

The demo's folder is copied whole; nothing in it (any file, any key a keyring holds) opens the
database, while a user's password and the recovery key each do. The commands that copy every
record or change who can open them refuse anyone but an administrator.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2

from tests.e2e.command import Command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ADMIN, MANAGER, WORKER = "copper lantern orchard", "harbour kettle meadow", "otter biscuit canyon"
CODE = re.compile(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}\b")


@pytest.fixture
def demo(command: Command) -> tuple[Path, str]:
    """The demo's data folder and the recovery key it printed once."""
    built = command.run("demo", "--no-open", timeout=300)
    assert built.returncode == 0, built.stderr
    [code] = CODE.findall(built.stdout)
    return command.data_dir / "demo", code


def opens_with(database: Path, key: bytes) -> bool:
    """Whether SQLCipher reads ``database`` with ``key`` as a raw key or as a passphrase."""
    attempts = [f"x'{key.hex()}'"]
    text = key.decode("utf-8", "ignore").replace("\x00", "").strip()
    if text:
        attempts.append(text.replace("'", "''"))
        if re.fullmatch(r"[0-9a-fA-F]{64}", text):
            attempts.append(f"x'{text}'")
    for attempt in attempts:
        connection = dbapi2.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            connection.execute("PRAGMA cipher_log_level = NONE")
            connection.execute(f'PRAGMA key = "{attempt}"')
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return True
        except dbapi2.DatabaseError:
            continue
        finally:
            connection.close()
    return False


def test_a_copied_data_folder_opens_only_with_a_password_or_the_recovery_key(
    command: Command, demo: tuple[Path, str], tmp_path: Path
) -> None:
    folder, code = demo
    stolen = tmp_path / "stolen"
    shutil.copytree(folder, stolen)
    assert command.keyring_entries() == {}, "no key is left in a keyring"

    database = stolen / "linkworker.db"
    candidates = [path.read_bytes() for path in stolen.rglob("*") if path.is_file() and path != database]
    candidates += [line for content in list(candidates) for line in content.splitlines()]
    candidates += [b"", WORKER.encode(), b"linkworker"]
    assert not any(opens_with(database, candidate) for candidate in candidates)

    thief = Command(tmp_path / "thief")
    thief.data_dir = stolen
    report = tmp_path / "summary.pdf"
    thief.env["LINKWORKER_PASSWORD"] = "not the password"
    refused = thief.run("report", "--user", "manager", "--month", "2026-11", "--out", str(report))
    assert refused.returncode == 2 and "not right" in refused.stderr and not report.exists()

    thief.env["LINKWORKER_PASSWORD"] = MANAGER
    made = thief.run("report", "--user", "manager", "--month", "2026-11", "--out", str(report))
    assert made.returncode == 0, made.stderr
    assert report.read_bytes().startswith(b"%PDF")

    thief.env.update(LINKWORKER_RECOVERY_KEY=code.lower(), LINKWORKER_NEW_PASSWORD="meadow lantern harbour")
    recovered = thief.run("recover", "--user", "manager")
    assert recovered.returncode == 0, recovered.stderr
    thief.env["LINKWORKER_PASSWORD"] = "meadow lantern harbour"
    again = thief.run("report", "--user", "manager", "--month", "2026-11", "--out", str(tmp_path / "b.pdf"))
    assert again.returncode == 0, again.stderr

    thief.env["LINKWORKER_RECOVERY_KEY"] = "AAAA-" * 7 + "AAAA"
    wrong = thief.run("recover", "--user", "admin")
    assert wrong.returncode == 2 and "does not open" in wrong.stderr


def test_backup_and_a_new_recovery_key_need_an_administrator(
    command: Command, demo: tuple[Path, str], tmp_path: Path
) -> None:
    folder, code = demo
    admin = Command(tmp_path / "admin")
    admin.data_dir = folder
    backups, key_sheet = tmp_path / "backups", tmp_path / "recovery.txt"
    for user, password in (("worker1", WORKER), ("manager", MANAGER)):
        admin.env["LINKWORKER_PASSWORD"] = password
        refused = admin.run("backup", "--to", str(backups), "--user", user)
        assert refused.returncode == 2 and "does not allow" in refused.stderr, refused.stderr
        refused = admin.run("export-key", str(key_sheet), "--user", user)
        assert refused.returncode == 2 and not key_sheet.exists()
    assert not backups.exists() or not any(backups.iterdir())

    admin.env["LINKWORKER_PASSWORD"] = ADMIN
    backed_up = admin.run("backup", "--to", str(backups), "--user", "admin")
    assert backed_up.returncode == 0, backed_up.stderr
    [copy] = backups.glob("linkworker-*.db")
    assert (copy.parent / (copy.name + ".keyslots")).exists()
    assert f"with its key slots ({copy.name}.keyslots)" in backed_up.stdout
    assert "opens only with a Linkworker password or the recovery key" in backed_up.stdout
    assert copy.read_bytes()[:16] != b"SQLite format 3\x00"

    made = admin.run("export-key", str(key_sheet), "--user", "admin")
    assert made.returncode == 0, made.stderr
    [fresh] = CODE.findall(key_sheet.read_text(encoding="utf-8"))
    assert fresh != code
    admin.env.update(LINKWORKER_RECOVERY_KEY=code, LINKWORKER_NEW_PASSWORD="meadow lantern harbour")
    assert admin.run("recover", "--user", "admin").returncode == 2, "the old recovery key is retired"
    admin.env["LINKWORKER_RECOVERY_KEY"] = fresh
    assert admin.run("recover", "--user", "admin").returncode == 0


def test_restore_puts_a_backup_back_with_an_administrator_s_password_or_the_recovery_key(
    command: Command, demo: tuple[Path, str], tmp_path: Path
) -> None:
    """After the backup, the manager's password is reset: the backup's copy of their hash is
    older than their slot, and the sign-in after the restore opens with the new password."""
    folder, code = demo
    admin = Command(tmp_path / "admin")
    admin.data_dir = folder
    backups = tmp_path / "backups"
    admin.env["LINKWORKER_PASSWORD"] = ADMIN
    assert admin.run("backup", "--to", str(backups), "--user", "admin").returncode == 0
    [copy] = backups.glob("linkworker-*.db")
    admin.env.update(LINKWORKER_RECOVERY_KEY=code, LINKWORKER_NEW_PASSWORD="meadow lantern harbour")
    assert admin.run("recover", "--user", "manager").returncode == 0

    admin.env["LINKWORKER_PASSWORD"] = "not the password"
    refused = admin.run("restore", str(copy), "--user", "admin")
    assert refused.returncode == 2 and "not right" in refused.stderr, refused.stderr
    admin.env["LINKWORKER_PASSWORD"] = ADMIN
    restored = admin.run("restore", str(copy), "--user", "admin")
    assert restored.returncode == 0, restored.stderr

    admin.env["LINKWORKER_PASSWORD"] = "meadow lantern harbour"
    report = tmp_path / "summary.pdf"
    made = admin.run("report", "--user", "manager", "--month", "2026-11", "--out", str(report))
    assert made.returncode == 0, made.stderr

    del admin.env["LINKWORKER_PASSWORD"]
    again = admin.run("restore", str(copy), "--recovery-key")
    assert again.returncode == 0, again.stderr
    admin.env["LINKWORKER_RECOVERY_KEY"] = "AAAA-" * 7 + "AAAA"
    wrong = admin.run("restore", str(copy), "--recovery-key")
    assert wrong.returncode == 2 and "does not open" in wrong.stderr, wrong.stderr
