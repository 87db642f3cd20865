"""A damaged database at sign-in: the window says so plainly and offers Restore a backup…, which
puts a real backup back (an administrator's password or the recovery key) in the background and
says what date the records are back to. The database here is a real encrypted file whose first
page is overwritten, as a failing disk would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.access import DataAccess
from linkworker.services.administration import backup
from linkworker.store import secrets
from linkworker.store.database_key import keyring_name
from linkworker.store.key_slots import KeySlots
from linkworker.store.models import AuditEvent
from linkworker.ui.shell.app import AppFlow
from linkworker.ui.shell.recovery_dialogs import RestoreBackupDialog
from linkworker.ui.shell.sign_in import SignInDialog
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.slotted import slotted_database
from tests.services.test_backup import damage, fill

MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RESTORE_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Damaged:
    """A data folder whose database was backed up in the morning, changed, then damaged."""

    folder: Path
    backup: backup.BackupResult
    recovery_code: str

    @property
    def access(self) -> DataAccess:
        return DataAccess(self.folder / "linkworker.db", self.folder / "keys")


@pytest.fixture
def damaged(tmp_path: Path) -> Damaged:
    made = slotted_database(tmp_path / "data")
    admin = made.actors[Role.ADMIN]
    fill(made.database)
    taken = backup.back_up(made.database, admin, tmp_path / "data" / "backups", now=MORNING)
    with made.database.session() as session:
        audit.record(session, admin, "after_the_backup")
    made.database.dispose()
    damage(tmp_path / "data" / "linkworker.db", 200)  # the first page: nothing opens it
    return Damaged(tmp_path / "data", taken, made.recovery_code)


@pytest.fixture
def window(qtbot: QtBot, damaged: Damaged) -> Iterator[SignInDialog]:
    dialog = SignInDialog(damaged.access)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.restore_dialog is not None:
        dialog.restore_dialog.hide()


def sign_in(qtbot: QtBot, dialog: SignInDialog, username: str, password: str) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def open_restore(qtbot: QtBot, window: SignInDialog) -> RestoreBackupDialog:
    sign_in(qtbot, window, "admin", ADMIN_PASSWORD)
    assert window.signed_in is None
    assert "is damaged and cannot be read safely" in window.failure.text()
    assert "Restore a backup" in window.failure.text()
    assert window.restore_button.isVisible()
    assert not window.recover_button.isVisible(), "no password can be set in a database that will not open"
    window.restore_button.click()
    dialog = window.restore_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def run_restore(qtbot: QtBot, dialog: RestoreBackupDialog) -> None:
    with qtbot.waitSignal(dialog.ended, timeout=RESTORE_TIMEOUT_MS):
        dialog.restore_button.click()
        assert dialog.running and not dialog.cancel_button.isEnabled()
        dialog.reject()  # Escape does nothing while the restore runs
        assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.running)


def actions(access: DataAccess) -> list[str]:
    signed_in = access.sign_in("admin", ADMIN_PASSWORD)
    try:
        with signed_in.database.read_session() as session:
            return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    finally:
        access.release(signed_in)


def test_the_recovery_key_puts_the_backup_back_and_says_to_when(
    qtbot: QtBot, window: SignInDialog, damaged: Damaged
) -> None:
    dialog = open_restore(qtbot, window)
    assert dialog.username.text() == "admin" and dialog.password.text() == ADMIN_PASSWORD
    dialog.backup_file.setText(str(damaged.backup.path))
    dialog.code.setText(damaged.recovery_code)
    run_restore(qtbot, dialog)

    result = dialog.restore_result
    assert result is not None and result.safety_copy is not None
    text = dialog.outcome.text()
    when = result.records_as_of.astimezone()
    assert f"as they were on {when.day} {when:%B %Y at %H:%M}" in text
    assert str(result.safety_copy) in text
    assert dialog.done_button.isVisible() and not dialog.restore_button.isVisible()
    dialog.done_button.click()
    assert window.failure.text() == "The backup is back in place: sign in to carry on."
    assert not window.restore_button.isVisible()

    sign_in(qtbot, window, "admin", ADMIN_PASSWORD)
    assert window.signed_in is not None
    window.access.release(window.signed_in)
    trail = actions(damaged.access)
    assert "after_the_backup" not in trail
    assert trail[-3:] == ["database_restored", "sign_in", "sign_in"]


def test_the_administrators_password_typed_at_sign_in_puts_the_backup_back(
    qtbot: QtBot, window: SignInDialog, damaged: Damaged
) -> None:
    dialog = open_restore(qtbot, window)
    dialog.backup_file.setText(str(damaged.backup.path))
    run_restore(qtbot, dialog)
    assert dialog.restore_result is not None, dialog.problem.text()
    dialog.done_button.click()
    sign_in(qtbot, window, "admin", ADMIN_PASSWORD)
    assert window.signed_in is not None
    window.access.release(window.signed_in)


def test_a_refusal_is_said_in_the_window_and_changes_nothing(
    qtbot: QtBot, window: SignInDialog, damaged: Damaged
) -> None:
    database_file = damaged.folder / "linkworker.db"
    before = database_file.read_bytes()
    dialog = open_restore(qtbot, window)
    dialog.restore_button.click()
    assert dialog.form.message("backup_file") == "Choose the backup to put back."

    not_a_backup = damaged.folder / "notes.txt"
    not_a_backup.write_text("shopping list")
    dialog.backup_file.setText(str(not_a_backup))
    dialog.code.setText(damaged.recovery_code)
    run_restore(qtbot, dialog)
    assert dialog.restore_result is None and dialog.problem.isVisible() and dialog.problem.text()
    assert dialog.restore_button.isEnabled() and dialog.isVisible()
    assert database_file.read_bytes() == before
    assert not list(damaged.folder.glob("*before-restore*"))
    dialog.cancel_button.click()
    assert not dialog.isVisible() and window.restore_button.isVisible()


def test_choose_starts_in_the_backups_folder(
    qtbot: QtBot, window: SignInDialog, damaged: Damaged, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def get_open_file_name(parent: object, caption: str, folder: str, filters: str) -> tuple[str, str]:
        asked.append(folder)
        return str(damaged.backup.path), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open_file_name)
    dialog = open_restore(qtbot, window)
    dialog.choose_button.click()
    assert asked == [str(damaged.folder / "backups")]
    assert dialog.backup_file.text() == str(damaged.backup.path)


def test_a_wrong_password_is_refused_as_ever_not_taken_for_damage(qtbot: QtBot, window: SignInDialog) -> None:
    sign_in(qtbot, window, "worker", "not the password")
    assert window.failure.text() == "The user name or password is not right."
    assert not window.restore_button.isVisible()
    sign_in(qtbot, window, "worker", WORKER_PASSWORD)
    assert window.restore_button.isVisible(), "any user who can open it learns it is damaged"


def test_a_damaged_database_found_as_the_app_starts_is_offered_for_restore(
    qtbot: QtBot, tmp_path: Path, fake_keyring: MemoryKeyring
) -> None:
    """An older installation (its key still in the keyring) opens before anyone signs in."""
    file = tmp_path / "data" / "linkworker.db"
    made = slotted_database(tmp_path / "data")
    assert made.database.location.key is not None
    secrets.put(keyring_name(file), made.database.location.key.hex)
    fill(made.database)
    made.database.dispose()
    KeySlots.beside(file).file.unlink()
    damage(file, 200)

    flow = AppFlow(DataAccess(file, tmp_path / "data" / "keys"))
    flow.start()
    try:
        dialog = flow.sign_in
        assert dialog is not None and dialog.isVisible()
        assert "is damaged and cannot be read safely" in dialog.failure.text()
        assert dialog.restore_button.isVisible()
    finally:
        if flow.sign_in is not None:
            flow.sign_in.hide()
