"""A case's access history, opened from the case record by administrators: who opened this case.

Every event tied to the case (opened, changed, its follow-ups, its person shown in a search),
newest first, a page at a time, read from the audit trail whenever it comes into view. It opens in
a window of its own beside the case, as Find services does: the case record's tabs already fill
a 1366x768 screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from linkworker.domain.intake import case_number
from linkworker.services.administration import audit_trail
from linkworker.services.administration.audit_trail import TrailEvent, TrailPage
from linkworker.services.workspace import Workspace
from linkworker.ui.administration.audit_tab import Pager
from linkworker.ui.shell.screen import fit_to_screen
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import AUDIT_COLUMNS, RecordTableModel
from linkworker.ui.widgets.tables import record_table

INTRO = (
    "Everyone who opened or changed this case, its follow-ups or its person's details, newest "
    "first, from the audit trail. Only administrators see this. Press F5 to read it again."
)
NO_EVENTS = "Nothing is recorded for this case."


class CaseAccessHistory(QWidget):
    """The case's events as administrators read the trail: names, not ids."""

    def __init__(self, workspace: Workspace, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.referral_id = referral_id
        self.page: TrailPage | None = None
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setObjectName("fieldHint")
        self.model: RecordTableModel[TrailEvent] = RecordTableModel(AUDIT_COLUMNS, self)
        self.table = record_table(self.model, "Access history", INTRO)
        self.pager = Pager("events")
        self.pager.moved.connect(self.go_to)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.pager)

    def showEvent(self, event: QShowEvent) -> None:
        """Read again whenever it comes into view, so it includes the latest opening."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the newest events again (a change made to the case goes to the top)."""
        self.go_to(0)

    def go_to(self, offset: int) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: audit_trail.case_history(session, self.actor, self.referral_id, offset=offset),
            action="Show who opened the case",
        )
        if outcome.value is None:
            return
        self.page = outcome.value
        self.model.set_records(self.page.events)
        self.pager.show_page(self.page, NO_EVENTS)


def open_access_history(parent: QWidget, workspace: Workspace, referral_id: int) -> QDialog:
    """The case's access history in a window of its own, without blocking the case record."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"Access history: {case_number(referral_id)}")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    history = CaseAccessHistory(workspace, referral_id, dialog)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), dialog, history.refresh)
    layout = QVBoxLayout(dialog)
    layout.addWidget(history)
    layout.addWidget(buttons)
    fit_to_screen(dialog, 1100, 640)
    dialog.open()
    return dialog
