"""The recovery key in the window: shown once when it is made, and used when a password is lost.

The key is shown large and selectable, with plain advice, and the window cannot be closed by
accident before the person says they have kept it: it is never shown again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.access import DataAccess
from linkworker.ui.errors import call_plain
from linkworker.ui.forms import FormFields, check_confirmation, password_edit

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
