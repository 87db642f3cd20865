"""The main window: the areas this user may use, who is signed in, and where the data lives.

Only areas that the user's role may use are listed. A link worker starts on the caseload; a
case opened from the caseload or made by a new referral opens in the Cases area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.roles import Permission
from linkworker.services import organisation, users
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.ui.admin_view import AdminView
from linkworker.ui.case_tabs import CaseTabs
from linkworker.ui.caseload_view import CaseloadView
from linkworker.ui.dialogs import ChangePasswordDialog
from linkworker.ui.directory_area import DirectoryArea
from linkworker.ui.errors import call_service, show_message
from linkworker.ui.import_view import ImportView
from linkworker.ui.needs_admin import NeedsAdmin
from linkworker.ui.overview_view import OverviewView
from linkworker.ui.referral_form import NewReferralView
from linkworker.ui.screen import fit_to_screen


@dataclass(frozen=True)
class Area:
    title: str
    widget: QWidget
    refresh: Callable[[], None]


class MainWindow(QMainWindow):
    """Emits ``signed_out`` when the user signs out, ``closed`` when they close the window."""

    signed_out = Signal()
    closed = Signal()

    def __init__(self, database: Database, actor: Actor) -> None:
        super().__init__()
        self.database = database
        self.actor = actor
        self._signing_out = False
        self._session_ended = False
        self.areas = self._areas()

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Areas")
        self.navigation.setAccessibleDescription("Choose an area to show it on the right.")
        self.pages = QStackedWidget()
        for area in self.areas:
            self.navigation.addItem(QListWidgetItem(area.title))
            self.pages.addWidget(area.widget)
        self.navigation.currentRowChanged.connect(self._show_area)

        self.banner = self._key_banner(database.location.key_warning)
        content = QVBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        if self.banner is not None:
            content.addWidget(self.banner)
        content.addWidget(self.pages, 1)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addLayout(content, 1)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)

        self.user_label = QLabel(f"Signed in as {actor.full_name} ({actor.role.label})")
        self.user_label.setAccessibleName("Signed-in user")
        self.location_label = QLabel(f"Data: {database.location.description}")
        self.location_label.setAccessibleName("Where the data is kept")
        self.location_label.setToolTip(database.location.description)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.location_label)

        self._menus()
        self.setWindowTitle(f"Linkworker: {self._pcn_name()}")
        self._fit_screen()
        self.navigation.setCurrentRow(0)
        self.navigation.setFocus()

    def _areas(self) -> list[Area]:
        areas: list[Area] = []
        self.cases: CaseTabs | None = None
        if self.actor.may(Permission.SEE_IDENTIFIABLE) and self.actor.may(Permission.EDIT_CASES):
            caseload = CaseloadView(self.database, self.actor)
            referral = NewReferralView(self.database, self.actor)
            self.cases = CaseTabs(self.database, self.actor)
            importer = ImportView(self.database, self.actor)
            caseload.case_requested.connect(self.open_case)
            referral.referral_created.connect(self.open_case)
            areas += [
                Area("Caseload", caseload, caseload.refresh),
                Area("New referral", referral, referral.refresh),
                Area("Cases", self.cases, self.cases.refresh),
                Area("Import referrals", importer, lambda: None),
            ]
        if self.actor.may(Permission.EDIT_DIRECTORY):
            directory = DirectoryArea(self.database, self.actor)
            areas.append(Area("Directory", directory, directory.refresh))
        overview = OverviewView(self.database, self.actor)
        areas.append(Area("Overview", overview, overview.refresh))
        if self.actor.may(Permission.SET_PCN_POLICY):
            needs = NeedsAdmin(self.database, self.actor)
            areas.append(Area("Needs", needs, needs.refresh))
        if self.actor.may(Permission.ADMINISTER):
            admin = AdminView(self.database, self.actor)
            areas.append(Area("Administration", admin, admin.refresh))
        return areas

    def area_titles(self) -> list[str]:
        return [area.title for area in self.areas]

    def _key_banner(self, warning: str | None) -> QFrame | None:
        """The plain-words warning shown at the top whenever the key is kept in a file."""
        if not warning:
            return None
        banner = QFrame()
        banner.setObjectName("warningBanner")
        text = QLabel(f"<b>The database key is not in a system keyring.</b> {warning}")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner.setAccessibleName("Warning")
        banner.setAccessibleDescription(warning)
        layout = QHBoxLayout(banner)
        layout.addWidget(text)
        self.key_warning_label = text
        return banner

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Quit", self.close, QKeySequence(QKeySequence.StandardKey.Quit))
        go_menu = self.menuBar().addMenu("&Go")
        for number, area in enumerate(self.areas, start=1):
            self._action(
                go_menu,
                f"&{number} {area.title}",
                lambda row=number - 1: self.show_area(row),
                QKeySequence(f"Ctrl+{number}"),
            )
        go_menu.addSeparator()
        self._action(go_menu, "&Refresh", self.refresh, QKeySequence(QKeySequence.StandardKey.Refresh))
        account = self.menuBar().addMenu("&Account")
        self._action(account, "Change &password…", self.change_password)
        self._action(account, "Sign &out", self.sign_out)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _pcn_name(self) -> str:
        outcome = call_service(
            self,
            self.database,
            lambda session: organisation.current_pcn(session, self.actor),
            action="Open Linkworker",
        )
        return outcome.value.name if outcome.value is not None else "no PCN"

    def _fit_screen(self) -> None:
        """Open at a comfortable size that still fits a 1366x768 laptop screen."""
        self.setMinimumSize(900, 560)
        fit_to_screen(self, 1240, 760)

    def show_area(self, row: int) -> None:
        self.navigation.setCurrentRow(row)

    def open_case(self, referral_id: int) -> None:
        """Open the case in the Cases area and go there."""
        if self.cases is None:
            return
        self.show_area(self.area_titles().index("Cases"))  # before opening, so it is read once
        self.cases.open_case(referral_id)

    def _show_area(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self.pages.setCurrentIndex(row)
            self.areas[row].refresh()

    def refresh(self) -> None:
        row = self.navigation.currentRow()
        if 0 <= row < len(self.areas):
            self.areas[row].refresh()

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.database, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: show_message(self, "Password changed", "Your password has been changed.")
        )
        dialog.open()

    def sign_out(self) -> None:
        self._signing_out = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if not self._session_ended:
            self._session_ended = True
            call_service(
                self, self.database, lambda session: users.sign_out(session, self.actor), action="Sign out"
            )
        if self._signing_out:
            self.signed_out.emit()
        else:
            self.closed.emit()
