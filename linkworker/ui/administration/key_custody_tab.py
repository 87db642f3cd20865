"""The administrator's Data key tab: what is left before the key is kept only under passwords,
a new recovery key, and retiring the clear copy an older version kept."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from linkworker.services.administration import key_custody
from linkworker.services.administration.key_custody import KeyCustody
from linkworker.services.workspace import Workspace
from linkworker.ui.shell.recovery_dialogs import RecoveryKeyDialog
from linkworker.ui.widgets.errors import call_service

EXPLANATION = (
    "The records are encrypted. Each user's own password opens them, and the recovery key IT "
    "keeps opens them if every administrator's password is lost: a copy of the data folder opens "
    "with nothing else. Backups (linkworker backup) are encrypted the same way; the deployment "
    "guide shows how to schedule them."
)


class KeysTab(QWidget):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.RichText)
        self.state.setAccessibleName("What is left to do")
        self.new_key_button = QPushButton("Make a &new recovery key…")
        self.new_key_button.setAccessibleDescription(
            "Show a new recovery key once; the old one stops working"
        )
        self.new_key_button.clicked.connect(self.make_recovery_key)
        self.retire_button = QPushButton("&Remove the old key copy")
        self.retire_button.setAccessibleDescription(
            "Delete the unprotected copy of the key an older version kept"
        )
        self.retire_button.clicked.connect(self.retire_old_copy)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_key_button)
        buttons.addWidget(self.retire_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addStretch()

    def refresh(self) -> None:
        outcome = call_service(
            self, self.workspace, lambda session: key_custody.custody(session, self.actor), action="Data key"
        )
        if outcome.ok and outcome.value is not None:
            self._show(outcome.value)

    def _show(self, state: KeyCustody) -> None:
        if state.shared_server:
            self.state.setText(
                "This is a shared PostgreSQL database: the server holds the data and IT keeps its "
                "accounts and backups. There is no recovery key."
            )
        elif steps := state.to_do():
            items = "".join(f"<li>{html.escape(step)}</li>" for step in steps)
            self.state.setText(f"<b>Still to do:</b><ol>{items}</ol>")
        else:
            self.state.setText(
                "Nothing is left to do: the key is kept only under the users' passwords and the recovery key."
            )
        self.state.setAccessibleDescription(self.state.text())
        self.new_key_button.setVisible(not state.shared_server)
        self.retire_button.setVisible(state.legacy_copy is not None)
        self.retire_button.setEnabled(state.ready_to_retire)

    def make_recovery_key(self) -> None:
        answer = QMessageBox.question(
            self,
            "Make a new recovery key",
            "The current recovery key will stop working, and the new one is shown once. Go on?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        outcome = call_service(
            self,
            self.workspace,
            lambda session: key_custody.make_recovery_key(session, self.actor),
            action="Make a recovery key",
        )
        if outcome.ok and outcome.value is not None:
            RecoveryKeyDialog(outcome.value, self.workspace.where, self).exec()
        self.refresh()

    def retire_old_copy(self) -> None:
        call_service(
            self,
            self.workspace,
            lambda session: key_custody.retire_legacy_copy(session, self.actor),
            action="Remove the old key copy",
        )
        self.refresh()
