"""The Cases area: the case records this user has open, one closable tab each.

A case opened twice is brought to the front rather than opened again, so two tabs never hold
different versions of one record. Each tab is the case view with the GP codes panel placed in
the space the view keeps for it; a change in either refreshes the other, and the panel's
"Record consent…" opens the case's referral form on the consent to share with the GP.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QStackedLayout,
    QTabBar,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.intake import case_number
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.gp_panel import GpCodesPanel
from linkworker.ui.cases.match_view import MatchView
from linkworker.ui.shell.screen import fit_to_screen


class CaseTab(QWidget):
    """One open case: the record and, inside it, the codes due for the GP record."""

    def __init__(self, workspace: Workspace, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.case = CaseView(workspace, referral_id)
        self.gp_panel = GpCodesPanel(workspace, referral_id)
        self.case.gp_panel_area.addWidget(self.gp_panel)
        self.case.changed.connect(self.gp_panel.refresh)
        self.gp_panel.consent_requested.connect(lambda: self.case.edit_referral(focus="consent_share_gp"))
        self.case.match_requested.connect(self.find_services)
        self.workspace = workspace
        self.actor = workspace.actor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 4)
        layout.addWidget(self.case)

    def refresh(self) -> None:
        self.case.refresh()
        self.gp_panel.refresh()

    def find_services(self, referral_id: int) -> QDialog:
        """The ranked services for this person, in a window of its own beside the case; a
        connection made there shows in the case at once."""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Find services: {case_number(referral_id)}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        matches = MatchView(self.workspace, referral_id, dialog)
        matches.connected.connect(lambda _id: self.case.refresh())
        layout = QVBoxLayout(dialog)
        layout.addWidget(matches)
        fit_to_screen(dialog, 1180, 720)
        dialog.open()
        return dialog


class CaseTabs(QWidget):
    """Emits ``changed`` when any open case is changed, so lists elsewhere can be refreshed."""

    changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tabs.setAccessibleName("Open cases")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._came_to_front)
        self._opening = False
        self.empty = QLabel(
            "No case is open. Open one from the caseload (double-click a row), or make a new referral."
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("emptyNotice")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.tabs)

    def open_case(self, referral_id: int) -> CaseTab:
        """Show the case, opening a tab for it unless one is open already."""
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            if isinstance(tab, CaseTab) and tab.referral_id == referral_id:
                self.tabs.setCurrentIndex(index)
                tab.refresh()
                return tab
        tab = CaseTab(self.workspace, referral_id)
        tab.case.changed.connect(self.changed)
        self._opening = True  # the new tab has just read the case; don't read it twice
        try:
            index = self.tabs.addTab(tab, case_number(referral_id))
            self.tabs.setTabToolTip(index, f"Case {case_number(referral_id)}")
            self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, self._close_button(tab))
            self.tabs.setCurrentIndex(index)
        finally:
            self._opening = False
        self._stack.setCurrentWidget(self.tabs)
        return tab

    def _close_button(self, tab: CaseTab) -> QToolButton:
        """A plain ✕ in the style's colours (``QToolButton#tabClose``), not the platform theme's
        icon, which some themes draw as a red box; it closes its own tab wherever it was moved."""
        number = case_number(tab.referral_id)
        button = QToolButton()
        button.setObjectName("tabClose")
        button.setText("✕")
        button.setAutoRaise(True)
        button.setToolTip(f"Close {number}")
        button.setAccessibleName(f"Close case {number}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes through the case, not the tab bar
        button.clicked.connect(lambda: self.close_tab(self.tabs.indexOf(tab)))
        return button

    def close_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if tab is not None:
            tab.deleteLater()
        if self.tabs.count() == 0:
            self._stack.setCurrentWidget(self.empty)

    def open_referral_ids(self) -> list[int]:
        return [
            tab.referral_id
            for index in range(self.tabs.count())
            if isinstance(tab := self.tabs.widget(index), CaseTab)
        ]

    def _came_to_front(self, _index: int) -> None:
        if not self._opening:
            self.refresh()

    def refresh(self) -> None:
        """Read the case in front again (the others are read when they come to the front)."""
        tab = self.tabs.currentWidget()
        if isinstance(tab, CaseTab):
            tab.refresh()
