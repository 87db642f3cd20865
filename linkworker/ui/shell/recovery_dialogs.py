"""The recovery key in the window: shown once when it is made, and used when a password is lost;
and putting a backup back when the database is found damaged at sign-in.

The key is shown large and selectable, with plain advice, and the window cannot be closed by
accident before the person says they have kept it: it is never shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.access import DataAccess
from linkworker.ui.widgets.errors import REFUSALS, call_plain, refusal_text
from linkworker.ui.widgets.forms import FormFields, check_confirmation, password_edit

if TYPE_CHECKING:
    from linkworker.services.administration.backup import RestoreResult

ADVICE = (
    "This recovery key opens the records if every administrator's password is lost. Print it or "
    "write it down now and give it to IT to keep locked away, apart from this PC and apart from "
    "the backups: whoever has the key and a copy of the data can read every record. It is not "
    "shown again; an administrator can make a new one, which retires this one."
)


class RecoveryKeyDialog(QDialog):
    """Shows a new recovery key once; Continue is offered when the person says it is kept."""

    def __init__(self, code: str, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.where = where
        self.setWindowTitle("Linkworker recovery key")
        heading = QLabel("Keep this recovery key safe")
        heading.setObjectName("heading")
        advice = QLabel(ADVICE)
        advice.setWordWrap(True)
        self.key = QLabel(code)
        self.key.setObjectName("recoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAccessibleName("Recovery key")
        self.key.setAccessibleDescription(" ".join(code))  # read out letter by letter
        self.print_button = QPushButton("&Print…")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_key)
        self.kept = QCheckBox("I have &printed or written down the recovery key, and it goes to IT")
        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton("&Continue", QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setDefault(True)
        self.continue_button.setEnabled(False)
        self.kept.toggled.connect(self.continue_button.setEnabled)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(advice)
        layout.addWidget(self.key)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.kept)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def reject(self) -> None:
        """Escape and the close button do nothing until the key is kept: it is shown only once."""
        if self.kept.isChecked():
            super().reject()

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        sheet = QTextDocument()
        sheet.setHtml(
            "<h2>Linkworker recovery key</h2>"
            f"<p style='font-family: monospace; font-size: 20pt'><b>{self.code}</b></p>"
            f"<p>For: {self.where}</p><p>{ADVICE}</p>"
        )
        sheet.print_(printer)


class RecoverPasswordDialog(QDialog):
    """Set a forgotten password with the recovery key; ``username`` is set once it is done."""

    def __init__(self, access: DataAccess, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.access = access
        self.username_set: str | None = None
        self.setWindowTitle("Set a password with the recovery key")
        explanation = QLabel(
            "When a password is lost (the only administrator's, say), the recovery key IT keeps "
            "sets a new one. The reset is recorded in the audit trail."
        )
        explanation.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("ABCD-EFGH-…")
        self.username = QLineEdit(username)
        self.password = password_edit()
        self.confirmation = password_edit()
        form_layout = QFormLayout()
        self.form = FormFields(form_layout)
        self.form.add("&Recovery key:", self.code, "recovery_key")
        self.form.add("&User name:", self.username, "username")
        self.form.add("&New password:", self.password, "password", hint="At least 10 characters.")
        self.form.add("&Same again:", self.confirmation, "password_confirmation")
        buttons = QDialogButtonBox()
        self.set_button = buttons.addButton("Set &password", QDialogButtonBox.ButtonRole.AcceptRole)
        self.set_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.set_password)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form_layout)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def clear_messages(self) -> None:
        self.form.clear_messages()

    def show_message(self, field: str, message: str) -> bool:
        return self.form.show_message(field, message)

    def set_password(self) -> None:
        code, username = self.code.text(), self.username.text()
        password, confirmation = self.password.text(), self.confirmation.text()

        def work() -> str:
            check_confirmation(password, confirmation)
            return self.access.recover(code, username, password)

        outcome = call_plain(self, work, action="Set a password", form=self)
        if outcome.ok:
            self.username_set = outcome.value
            self.accept()


class _Restore(QRunnable):
    """``backup.restore`` on a pool thread: a large database takes a minute or more."""

    def __init__(self, dialog: RestoreBackupDialog, work: Callable[[], RestoreResult]) -> None:
        super().__init__()
        self._dialog = dialog
        self._work = work

    def run(self) -> None:
        try:
            ending: object = self._work()
        except BaseException as error:  # carried to the window's thread: a refusal or a bug
            ending = error
        self._dialog.ended.emit(ending)


class RestoreBackupDialog(QDialog):
    """Put a backup back in place of a damaged database, as an administrator or with the
    recovery key; ``restore_result`` once it is done. The work runs in the background, and the window
    cannot be closed while it runs."""

    ended = Signal(object)  # from the pool thread: a RestoreResult, or the error raised

    def __init__(
        self, access: DataAccess, username: str = "", password: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.access = access
        self.restore_result: RestoreResult | None = None  # not ``result``: QDialog.result is Qt's own
        self.running = False
        self.setWindowTitle("Restore a backup")
        explanation = QLabel(
            "Choose a backup of this database (a file named like linkworker-20261123T090000Z.db, "
            "with its .keyslots file beside it). An administrator's user name and password, or the "
            "recovery key IT keeps, puts it back. The damaged database is kept aside, not deleted, "
            "and the restore is recorded in the audit trail."
        )
        explanation.setWordWrap(True)
        self.backup_file = QLineEdit()
        self.backup_file.setMinimumWidth(320)
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        self.username = QLineEdit(username)
        self.password = password_edit()
        self.password.setText(password)
        self.code = QLineEdit()
        self.code.setPlaceholderText("ABCD-EFGH-…")
        form_layout = QFormLayout()
        self.form = FormFields(form_layout)
        self.form.add("&Backup file:", self.backup_file, "backup_file", beside=self.choose_button)
        self.form.add("&User name:", self.username, "username")
        self.form.add("&Password:", self.password, "password")
        self.form.add("Or the &recovery key:", self.code, "recovery_key")
        self.problem = QLabel()
        self.problem.setObjectName("fieldMessage")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Restore problem")
        self.problem.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: SQLite's restore does not say how far it has got
        self.progress.setAccessibleName("Restoring")
        self.progress.hide()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.setAccessibleName("What the restore did")
        self.outcome.hide()
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("&Restore", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.done_button = buttons.addButton("&Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.hide()
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.ended.connect(self._ended, Qt.ConnectionType.QueuedConnection)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(explanation)
        layout.addLayout(form_layout)
        layout.addWidget(self.problem)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)

    def start_folder(self) -> Path:
        """Where backups usually are: the data folder's backups folder, else the data folder."""
        data = self.access.sqlite_file.expanduser().parent
        return data / "backups" if (data / "backups").is_dir() else data

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a backup", str(self.start_folder()), "Linkworker backups (*.db);;All files (*)"
        )
        if path:
            self.backup_file.setText(path)

    def clear_messages(self) -> None:
        self.form.clear_messages()
        self.problem.hide()

    def show_message(self, field: str, message: str) -> bool:
        return self.form.show_message(field, message)

    def restore(self) -> None:
        self.clear_messages()
        typed = self.backup_file.text().strip()
        if not typed:
            self.form.show_message("backup_file", "Choose the backup to put back.")
            return
        backup_file = Path(typed)
        code = self.code.text().strip()
        username, password = self.username.text(), self.password.text()

        from linkworker.services.administration import backup  # only when a restore is asked for

        def work() -> RestoreResult:
            if code:
                return backup.restore(self.access, backup_file, recovery_code=code)
            return backup.restore(self.access, backup_file, username=username, password=password)

        self._running(True)
        QThreadPool.globalInstance().start(_Restore(self, work))

    def _running(self, running: bool) -> None:
        self.running = running
        self.progress.setVisible(running)
        for widget in (self.restore_button, self.cancel_button, self.choose_button):
            widget.setEnabled(not running)

    def _ended(self, ending: object) -> None:
        self._running(False)
        from linkworker.services.administration.backup import (
            RestoreResult,  # loaded by the restore that ended
        )

        if isinstance(ending, RestoreResult):
            self._restored(ending)
            return
        if isinstance(ending, REFUSALS):
            self.problem.setText(refusal_text(ending))
            self.problem.show()
            self.adjustSize()
            return
        assert isinstance(ending, BaseException)
        raise ending  # a bug: the app's exception hook shows it

    def _restored(self, result: RestoreResult) -> None:
        self.restore_result = result
        self.outcome.setText(restored_text(result))
        self.outcome.show()
        self.restore_button.hide()
        self.cancel_button.hide()
        self.done_button.show()
        self.done_button.setDefault(True)
        self.done_button.setFocus()
        self.adjustSize()

    def reject(self) -> None:
        """Not while the restore runs: it finishes or refuses, and says which."""
        if not self.running:
            super().reject()


def restored_text(result: RestoreResult) -> str:
    """What the restore did, in the words of someone who has to tell their colleagues."""
    when = result.records_as_of.astimezone()
    lines = [
        f"The backup is back in place: the records are as they were on {when.day} {when:%B %Y at %H:%M}."
    ]
    if result.safety_copy is not None:
        lines.append(f"The damaged database is kept at {result.safety_copy}.")
    lines.append("Anything recorded after that time must be entered again.")
    if result.users_without_slot:
        names = ", ".join(result.users_without_slot)
        lines.append(f"These users need a new password from an administrator before they sign in: {names}.")
    return "\n".join(lines)
