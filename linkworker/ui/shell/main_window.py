"""The main window: the areas this user may use, who is signed in, and where the data lives.

Only areas that the user's role may use are listed. A link worker starts on Today, their home
screen, whose count of what needs doing shows in the navigation; a case opened from Today, the
caseload or a new referral opens in the Cases area. A notice bar says what has come due.

Shared working: the area on screen is read again when the window comes back into use and, for
areas that say so, on a timer, keeping the selected row, the scroll position and the keyboard
focus; never while a dialog or a menu is open, nor while the window is locked.

Left idle for the PCN's minutes, or locked from Account ▸ Lock, the window covers every record
until the user's password is typed (ui/idle_lock.py); signing out from the lock screen goes the
same way as Account ▸ Sign out.

The keyboard: an area chosen (Ctrl+1..., a click in the list, a button) takes the focus to its
first field, so typing straight after lands there; the arrow keys in the list of areas keep it
in the list. Ctrl+F goes to the area's search box. Help has the user guide (F1), the keyboard
shortcuts (read from the menus) and About (ui/help_window.py). On a new database the areas say
what to do first; their buttons come here (``go_to_step``) to show the area where it is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from linkworker import config
from linkworker.domain.roles import Permission
from linkworker.services import signing_in
from linkworker.services.administration import organisation
from linkworker.services.session_lock import LockReason
from linkworker.ui.shell.areas import Area, AreaView
from linkworker.ui.shell.idle_lock import CHECK_EVERY_MS as IDLE_CHECK_MS
from linkworker.ui.shell.idle_lock import WindowLock
from linkworker.ui.shell.notices import (
    CHECK_EVERY_MS,
    KEY_BANNER,
    DayDismissals,
    DueWatcher,
    KeyBanner,
    NoticeBar,
)
from linkworker.ui.shell.screen import fit_to_screen
from linkworker.ui.widgets.dialogs import ChangePasswordDialog
from linkworker.ui.widgets.empty_state import Step
from linkworker.ui.widgets.errors import call_plain, call_service, show_message
from linkworker.ui.widgets.paged_model import ROW_ID_ROLE

if TYPE_CHECKING:
    # Each area's module loads when the area is first shown (ui/areas.py).
    from linkworker.services.workspace import Workspace
    from linkworker.ui.administration.admin_view import AdminView
    from linkworker.ui.cases.calendar_export_dialog import CalendarExportDialog
    from linkworker.ui.cases.case_tabs import CaseTabs
    from linkworker.ui.cases.today_view import TodayView
    from linkworker.ui.directory.directory_area import DirectoryArea
    from linkworker.ui.network.network_view import NetworkView
    from linkworker.ui.shell.help_window import AboutDialog, ShortcutsDialog, UserGuideWindow

TODAY: Final = "Today"
STATUS_MESSAGE_MS: Final = 15_000


@dataclass(frozen=True)
class Timings:
    """How often the window looks for what has come due and reads the area on screen again, and
    the clock the idle lock counts by (tests move their own clock on instead of waiting)."""

    notice_ms: int = CHECK_EVERY_MS
    refresh_ms: int = 60_000
    focus_gap_s: float = 15.0  # coming back to the window reads again at most this often
    idle_check_ms: int = IDLE_CHECK_MS
    idle_clock: Callable[[], float] = field(default=time.monotonic)


class MainWindow(QMainWindow):
    """Emits ``signed_out`` when the user signs out, ``closed`` when they close the window."""

    signed_out = Signal()
    closed = Signal()

    def __init__(
        self,
        workspace: Workspace,
        timings: Timings | None = None,
        *,
        dismissals: DayDismissals | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        self.timings = timings or Timings()
        self.dismissals = dismissals or DayDismissals.in_folder(config.folders().config)
        self.guide: UserGuideWindow | None = None
        self._signing_out = False
        self._session_ended = False
        self._last_read = time.monotonic()
        self.pages = QStackedWidget()
        self.areas = self._areas()

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Areas")
        self.navigation.setAccessibleDescription("Choose an area to show it on the right.")
        for area in self.areas:
            self.navigation.addItem(QListWidgetItem(area.title))
        self.navigation.currentRowChanged.connect(self._show_area)
        # Chosen with the mouse or Enter: the keys go to the area (the arrow keys stay in the list).
        self.navigation.itemClicked.connect(lambda _item: self._focus_area())
        self.navigation.itemActivated.connect(lambda _item: self._focus_area())

        self.banner = self._key_banner(workspace.key_warning)
        self.notice = NoticeBar()
        self.notice.show_requested.connect(lambda: self.show_area(self.area_titles().index(TODAY)))
        content = QVBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(0)
        if self.banner is not None:
            content.addWidget(self.banner)
        content.addWidget(self.notice)
        content.addWidget(self.pages, 1)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addLayout(content, 1)
        central = QWidget()
        central.setLayout(body)
        self.window_lock = WindowLock(
            self,
            workspace,
            central,
            clock=self.timings.idle_clock,
            check_ms=self.timings.idle_check_ms,
        )
        self.window_lock.switch_requested.connect(self.sign_out)
        self.setCentralWidget(self.window_lock.screens)

        self.user_label = QLabel(f"Signed in as {workspace.actor.full_name} ({workspace.actor.role.label})")
        self.user_label.setAccessibleName("Signed-in user")
        self.location_label = QLabel(f"Data: {workspace.where}")
        self.location_label.setAccessibleName("Where the data is kept")
        self.location_label.setToolTip(workspace.where)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.location_label)

        self._menus()
        self.setWindowTitle(f"Linkworker: {self._pcn_name()}")
        self._fit_screen()
        self.navigation.setCurrentRow(0)
        self.navigation.setFocus()

        self.live_timer = QTimer(self)
        self.live_timer.setInterval(self.timings.refresh_ms)
        self.live_timer.timeout.connect(self.read_again)
        self.live_timer.timeout.connect(self._banner_for_today)
        self.live_timer.start()
        self.watcher: DueWatcher | None = None
        if self._area(TODAY) is not None:
            self.watcher = DueWatcher(workspace, self, interval_ms=self.timings.notice_ms)
            self.watcher.counted.connect(self._show_count)
            self.watcher.came_due.connect(self.notice.announce)
            self.watcher.failed.connect(lambda text: self.statusBar().showMessage(text, STATUS_MESSAGE_MS))
            self.watcher.start()

    def _areas(self) -> list[Area]:
        """The areas this user's role may use, in the list's order; each is built when first
        shown (ui/areas.py), so its module loads only then."""
        actor, titles = self.actor, []
        if actor.may(Permission.SEE_IDENTIFIABLE) and actor.may(Permission.EDIT_CASES):
            titles += [
                (TODAY, self._today),
                ("Caseload", self._caseload),
                ("New referral", self._new_referral),
                ("Cases", self._cases),
                ("Import referrals", self._import_referrals),
            ]
        if actor.may(Permission.EDIT_DIRECTORY):
            titles.append(("Directory", self._directory))
        if actor.may(Permission.SEE_AGGREGATES):
            titles.append(("Network", self._network))
        titles.append(("Overview", self._overview))
        if actor.may(Permission.SEE_AGGREGATES):
            titles.append(("Monthly summary", self._summary))
        if actor.may(Permission.SEE_AGGREGATES) and self.workspace.is_shared_server:
            titles.append(("ICB view", self._icb_view))  # PCNs side by side: only a shared server has them
        if actor.may(Permission.SET_PCN_POLICY):
            titles.append(("Needs", self._needs))
        if actor.may(Permission.ADMINISTER):
            titles.append(("Administration", self._administration))
        return [Area(title, make, self.pages) for title, make in titles]

    def _area(self, title: str) -> Area | None:
        return next((area for area in self.areas if area.title == title), None)

    def view(self, title: str) -> QWidget | None:
        """The area's widget, built now if it was not yet; None if this user has no such area."""
        area = self._area(title)
        return area.widget if area is not None else None

    @property
    def today(self) -> TodayView | None:
        return self.view(TODAY)  # type: ignore[return-value]

    @property
    def cases(self) -> CaseTabs | None:
        return self.view("Cases")  # type: ignore[return-value]

    @property
    def directory(self) -> DirectoryArea | None:
        return self.view("Directory")  # type: ignore[return-value]

    @property
    def admin(self) -> AdminView | None:
        return self.view("Administration")  # type: ignore[return-value]

    def _today(self) -> AreaView:
        from linkworker.ui.cases.today_view import TodayView

        today = TodayView(self.workspace)
        today.case_requested.connect(self.open_case)
        today.counted.connect(self._show_count)
        today.step_requested.connect(self.go_to_step)
        export = QPushButton("Export to &calendar…")
        export.setToolTip("Save your open follow-ups as a calendar file for Outlook")
        export.clicked.connect(lambda: self.export_calendar())
        today.add_action(export)
        return AreaView(today, today.refresh, lambda: today.refresh(reread=True))

    def _caseload(self) -> AreaView:
        from linkworker.ui.cases.caseload_view import CaseloadView

        caseload = CaseloadView(self.workspace)
        caseload.case_requested.connect(self.open_case)
        caseload.step_requested.connect(self.go_to_step)
        return AreaView(
            caseload, caseload.refresh, lambda: caseload.refresh(reread=True), lambda: caseload.search
        )

    def _new_referral(self) -> AreaView:
        from linkworker.ui.cases.referral_form import NewReferralView

        referral = NewReferralView(self.workspace)
        referral.referral_created.connect(self.open_case)
        referral.case_requested.connect(self.open_case)
        return AreaView(referral, referral.refresh)

    def _cases(self) -> AreaView:
        from linkworker.ui.cases.case_tabs import CaseTabs

        cases = CaseTabs(self.workspace)
        return AreaView(cases, cases.refresh, self._read_case_again)

    def _import_referrals(self) -> AreaView:
        from linkworker.ui.cases.import_view import ImportView

        return AreaView(ImportView(self.workspace), lambda: None)

    def _directory(self) -> AreaView:
        from linkworker.ui.directory.directory_area import DirectoryArea

        directory = DirectoryArea(self.workspace)
        directory.services.step_requested.connect(self.go_to_step)
        directory.setFocusProxy(directory.services)  # typing on arrival goes to the search
        return AreaView(directory, directory.refresh, search=lambda: directory_search(directory))

    def _network(self) -> AreaView:
        from linkworker.ui.network.network_view import NetworkView

        network = NetworkView(self.workspace)
        network.case_requested.connect(self.open_case)
        search = None if network.cases is None else lambda: network_search(network)
        return AreaView(network, network.refresh, lambda: network.refresh(reread=True), search)

    def _overview(self) -> AreaView:
        from linkworker.ui.network.overview_view import OverviewView

        overview = OverviewView(self.workspace)
        return AreaView(overview, overview.refresh, overview.refresh)

    def _summary(self) -> AreaView:
        from linkworker.ui.summary.summary_view import SummaryView

        summary = SummaryView(self.workspace)
        return AreaView(summary, summary.refresh)

    def _icb_view(self) -> AreaView:
        from linkworker.ui.summary.icb_view import IcbView

        view = IcbView(self.workspace)
        return AreaView(view, view.refresh)

    def _needs(self) -> AreaView:
        from linkworker.ui.administration.needs_admin import NeedsAdmin

        needs = NeedsAdmin(self.workspace)
        return AreaView(needs, needs.refresh)

    def _administration(self) -> AreaView:
        from linkworker.ui.administration.admin_view import AdminView

        admin = AdminView(self.workspace)
        return AreaView(admin, admin.refresh)

    def area_titles(self) -> list[str]:
        return [area.title for area in self.areas]

    def _key_banner(self, warning: str | None) -> KeyBanner | None:
        """The one-line warning shown at the top while an older version's clear key copy is used,
        unless the user has put it away for today."""
        if not warning:
            return None
        where = (
            "Administration ▸ Data key shows what is left to do."
            if self.actor.may(Permission.ADMINISTER)
            else "Your administrator can see what is left to do."
        )
        banner = KeyBanner(warning, where)
        banner.dismissed.connect(lambda: self.dismissals.dismiss(KEY_BANNER, self.actor.username))
        banner.setVisible(not self.dismissals.dismissed(KEY_BANNER, self.actor.username))
        return banner

    def _banner_for_today(self) -> None:
        """A warning put away yesterday is back once the day has turned, the window open or not."""
        if self.banner is not None and self.banner.isHidden():
            self.banner.setVisible(not self.dismissals.dismissed(KEY_BANNER, self.actor.username))

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Quit", self.close, QKeySequence(QKeySequence.StandardKey.Quit))
        go_menu = self.menuBar().addMenu("&Go")
        # Ctrl+1 to Ctrl+9, then Ctrl+0 for the tenth area, as the number row runs; an eleventh
        # (an administrator's Administration) is chosen by its first letter in the menu.
        for row, area in enumerate(self.areas):
            key = str((row + 1) % 10) if row < 10 else None
            action = self._action(
                go_menu,
                f"&{key} {area.title}" if key else f"&{area.title}",
                partial(self.show_area, row),
                QKeySequence(f"Ctrl+{key}") if key else None,
            )
            action.setIconText(area.title)  # what the keyboard shortcuts list calls it
        go_menu.addSeparator()
        self._action(go_menu, "&Refresh", self.refresh, QKeySequence(QKeySequence.StandardKey.Refresh))
        self._action(
            go_menu, "&Search this area", self.search_area, QKeySequence(QKeySequence.StandardKey.Find)
        )
        if self.actor.may(Permission.SET_PCN_POLICY):
            pcn_menu = self.menuBar().addMenu("&PCN")
            self._action(pcn_menu, "First contact &wait…", self.set_first_contact_wait)
        account = self.menuBar().addMenu("&Account")
        self._action(account, "Change &password…", self.change_password)
        self._action(account, "&Lock", self.lock, QKeySequence("Ctrl+L"))
        self._action(account, "Sign &out", self.sign_out)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(
            help_menu,
            "&User guide",
            self.open_user_guide,
            QKeySequence(QKeySequence.StandardKey.HelpContents),
        )
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts)
        help_menu.addSeparator()
        self._action(help_menu, "&About Linkworker", self.show_about)
        self._action(help_menu, "About &Qt", lambda: QMessageBox.aboutQt(self, "About Qt"))

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
            self.workspace,
            lambda session: organisation.current_pcn(session, self.actor),
            action="Open Linkworker",
        )
        return outcome.value.name if outcome.value is not None else "no PCN"

    def _fit_screen(self) -> None:
        """Open at a comfortable size that still fits a 1366x768 laptop screen."""
        self.setMinimumSize(900, 560)
        fit_to_screen(self, 1240, 760)

    def show_area(self, row: int) -> None:
        """Go to the area, the keyboard with it: what is typed next lands in its first field."""
        self.navigation.setCurrentRow(row)
        self._focus_area()

    def _focus_area(self) -> None:
        area = self.pages.currentWidget()
        assert area is not None  # each area has its page in the stack from the start (ui/shell/areas.py)
        focus_first_field(area)

    def search_area(self) -> None:
        """Put the cursor in the area's search box (Ctrl+F), its text chosen so typing replaces it."""
        row = self.navigation.currentRow()
        if not 0 <= row < len(self.areas):
            return
        area = self.areas[row]
        if area.search is None:
            self.statusBar().showMessage(f"{area.title} has no search box.", STATUS_MESSAGE_MS)
            return
        box = area.search()
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()

    def go_to_step(self, step: str) -> None:
        """Show where a first step on a new database is taken (empty_state.Step)."""
        titles = self.area_titles()
        if step == Step.ADD_PRACTICES and self.admin is not None:
            self.admin.tabs.setCurrentWidget(self.admin.practices)
            self.show_area(titles.index("Administration"))
        elif step in (Step.IMPORT_REFERRALS, Step.NEW_REFERRAL):
            self.show_area(
                titles.index("Import referrals" if step == Step.IMPORT_REFERRALS else "New referral")
            )
        elif step == Step.IMPORT_DIRECTORY and self.directory is not None:
            self.directory.tabs.setCurrentWidget(self.directory.importer)
            self.show_area(titles.index("Directory"))
        elif step == Step.NEW_SERVICE and self.directory is not None:
            self.directory.edit_service()

    def open_user_guide(self) -> UserGuideWindow:
        """The user guide in a window of its own beside this one (F1); one at a time."""
        if self.guide is None or not isValid(self.guide):
            from linkworker.ui.shell.help_window import UserGuideWindow

            self.guide = UserGuideWindow(self)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()
        return self.guide

    def show_shortcuts(self) -> ShortcutsDialog:
        from linkworker.ui.shell.help_window import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        from linkworker.ui.shell.help_window import AboutDialog

        dialog = AboutDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_case(self, referral_id: int) -> None:
        """Open the case in the Cases area and go there."""
        if self.cases is None:
            return
        self.show_area(self.area_titles().index("Cases"))  # before opening, so it is read once
        self.cases.open_case(referral_id)

    def _show_area(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self.areas[row].view()  # built before it is shown, in its page's place
            self.pages.setCurrentIndex(row)
            self._last_read = time.monotonic()
            self.areas[row].refresh()

    def refresh(self) -> None:
        row = self.navigation.currentRow()
        if 0 <= row < len(self.areas):
            self.areas[row].refresh()

    def read_again(self) -> bool:
        """Read the area on screen again if it shows shared data and the user is not in the middle
        of something (a dialog, a menu); True if it was read."""
        row = self.navigation.currentRow()
        area = self.areas[row] if 0 <= row < len(self.areas) else None
        if area is None or area.live is None:
            return False
        if not self.isVisible() or self.isMinimized() or self.window_lock.locked:
            return False
        if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget() is not None:
            return False
        self._last_read = time.monotonic()
        with kept_view_state(area.widget):
            area.live()
        return True

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        came_back = event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
        if came_back and time.monotonic() - self._last_read >= self.timings.focus_gap_s:
            self.read_again()

    def _read_case_again(self) -> None:
        """The case in front, read again while on screen: not a new viewing for the audit trail."""
        from linkworker.ui.cases.case_tabs import CaseTab

        tab = self.cases.tabs.currentWidget() if self.cases is not None else None
        if isinstance(tab, CaseTab):
            tab.case.refresh(reopened=True)

    def _show_count(self, count: int) -> None:
        """Show beside Today what needs doing today ("Today (3)"): follow-ups overdue or due
        today, and the worker's people waiting too long for a first contact."""
        item = self.navigation.item(self.area_titles().index(TODAY))
        item.setText(f"{TODAY} ({count})" if count else TODAY)
        what = f"{count} to do today" if count else "nothing to do today"
        item.setToolTip(f"{what.capitalize()}: follow-ups overdue or due, and people waiting too long")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{TODAY}, {what}")

    def export_calendar(self) -> CalendarExportDialog:
        from linkworker.ui.cases.calendar_export_dialog import CalendarExportDialog

        dialog = CalendarExportDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def set_first_contact_wait(self) -> None:
        from linkworker.ui.cases.today_view import FirstContactWaitDialog

        dialog = FirstContactWaitDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        dialog.open()

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: show_message(self, "Password changed", "Your password has been changed.")
        )
        dialog.open()

    def lock(self) -> None:
        """Cover every record at once (Account ▸ Lock, Ctrl+L), as idle time does."""
        self.window_lock.lock(LockReason.BY_USER)

    def sign_out(self) -> None:
        self._signing_out = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if not self._session_ended:
            self._session_ended = True
            if self.window_lock.locked:
                self.window_lock.sign_out_while_locked()
            else:
                call_plain(self, self._record_sign_out, action="Sign out")
            self.window_lock.end()
        if self._signing_out:
            self.signed_out.emit()
        else:
            self.closed.emit()

    def _record_sign_out(self) -> None:
        """The end of the session, recorded whatever became of the account since sign-in (so
        not in a unit of work that reads the account again)."""
        self.workspace.record_for_the_session(lambda session: signing_in.sign_out(session, self.actor))


def focus_first_field(area: QWidget) -> None:
    """Give the keyboard to the area's first field: its focus proxy if that shows, else the first
    the Tab key reaches from the area. Qt walks its own focus chain for that (a Tab pressed on the
    area): walking it from Python (nextInFocusChain) wraps widgets private to Qt, and a table then
    crashed in a later test (a segmentation fault in QTableView::updateGeometries)."""
    proxy = area.focusProxy()
    if proxy is not None and proxy.isVisible() and proxy.isEnabled():
        proxy.setFocus(Qt.FocusReason.OtherFocusReason)
        return
    area.setFocus(Qt.FocusReason.OtherFocusReason)
    QApplication.sendEvent(
        area, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    )


def directory_search(area: DirectoryArea) -> QLineEdit:
    area.tabs.setCurrentWidget(area.services)
    return area.services.search


def network_search(network: NetworkView) -> QLineEdit:
    assert network.tabs is not None and network.cases is not None
    network.tabs.setCurrentWidget(network.cases)
    return network.cases.search


@dataclass
class _ViewState:
    view: QAbstractItemView
    key: Any
    selected: bool
    rows: int
    scroll: tuple[int, int]


@contextmanager
def kept_view_state(area: QWidget) -> Iterator[None]:
    """Keep, across a reading again of ``area``, each visible list's selected row (found again by
    its record id, or by its first column), where it was scrolled to, and the keyboard focus."""
    focus = QApplication.focusWidget()
    states = []
    for view in area.findChildren(QAbstractItemView):
        if not view.isVisible() or view.model() is None:
            continue
        current = view.currentIndex()
        states.append(
            _ViewState(
                view,
                _row_key(current) if current.isValid() else None,
                current.isValid() and view.selectionModel().isSelected(current),
                view.model().rowCount(),
                (view.horizontalScrollBar().value(), view.verticalScrollBar().value()),
            )
        )
    yield
    for state in states:
        if isValid(state.view) and state.view.model() is not None:
            _restore(state)
    if focus is not None and isValid(focus) and focus.isVisible() and QApplication.focusWidget() is not focus:
        focus.setFocus(Qt.FocusReason.OtherFocusReason)


def _row_key(index: QModelIndex) -> Any:
    key = index.siblingAtColumn(0).data(ROW_ID_ROLE)
    return key if key is not None else index.siblingAtColumn(0).data()


def _restore(state: _ViewState) -> None:
    view, model = state.view, state.view.model()
    # A list read a page at a time reads on until it holds as many rows as before.
    while model.rowCount() < state.rows and model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    if state.key is not None:
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if _row_key(index) == state.key:
                flags = QItemSelectionModel.SelectionFlag.NoUpdate
                if state.selected:
                    flags = (
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows
                    )
                view.selectionModel().setCurrentIndex(index, flags)
                break
    view.doItemsLayout()
    view.horizontalScrollBar().setValue(state.scroll[0])
    view.verticalScrollBar().setValue(state.scroll[1])
