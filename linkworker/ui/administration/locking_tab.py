"""The administrator's Locking tab: how many minutes without keyboard or mouse input lock the
window of everyone in the PCN. Saved through services.organisation, which checks the role and
audits the minutes before and after; read back from the database after each save."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import IDLE_LOCK_RANGE
from linkworker.services.workspace import Workspace
from linkworker.ui.shell.idle_lock import DEFAULT_IDLE_MINUTES
from linkworker.ui.widgets.errors import call_service

EXPLANATION = (
    "A practice PC left signed in shows records to anyone passing. After this many minutes without "
    "keyboard or mouse use, Linkworker covers every record and asks for the user's password; "
    "nothing they had typed is lost. Ctrl+L locks at once. Shorter is safer; "
    f"{DEFAULT_IDLE_MINUTES} minutes suits most practices."
)


class LockingTab(QWidget):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.minutes = QSpinBox()
        self.minutes.setRange(*IDLE_LOCK_RANGE)
        self.minutes.setSuffix(" minutes")
        self.minutes.setAccessibleName("Lock after this many idle minutes")
        label = QLabel("&Lock after:")
        label.setBuddy(self.minutes)
        self.save_button = QPushButton("Sa&ve")
        self.save_button.setToolTip("Use this for every Linkworker window of this PCN")
        self.save_button.setAccessibleDescription(self.save_button.toolTip())
        self.save_button.clicked.connect(self.save)
        self.in_use = QLabel()
        self.in_use.setWordWrap(True)
        self.in_use.setAccessibleName("Idle lock in use")
        row = QHBoxLayout()
        for widget in (label, self.minutes, self.save_button):
            row.addWidget(widget)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(row)
        layout.addWidget(self.in_use)
        layout.addStretch()

    def refresh(self) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: organisation.idle_lock_minutes(session, self.actor),
            action="Show the idle lock",
        )
        if outcome.value is not None:
            self._show(outcome.value)

    def save(self) -> None:
        minutes = self.minutes.value()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: organisation.set_idle_lock_minutes(session, self.actor, minutes),
            action="Set the idle lock",
        )
        if outcome.ok:
            self.refresh()

    def _show(self, minutes: int) -> None:
        self.minutes.setValue(minutes)
        self.in_use.setText(
            f"Windows lock after {minutes} minute{'s' if minutes != 1 else ''} without keyboard or "
            "mouse input. Windows already open follow within a minute."
        )
        self.in_use.setAccessibleDescription(self.in_use.text())
