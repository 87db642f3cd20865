"""Starting the window: the style, then setup on a new database, then sign-in, then the main window.

Someone signing in with a password an administrator set chooses their own before the main
window opens (or signs out). Signing out returns to the sign-in window; closing the main
window, the wizard or the sign-in window ends the app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from linkworker import __version__, config
from linkworker.services.access import DataAccess, SignedIn, load_in_background, loaded_in_background
from linkworker.services.errors import CorruptDatabase
from linkworker.ui.shell.first_paint import AfterFirstPaint, trace_first_paint
from linkworker.ui.shell.sign_in import SignInDialog
from linkworker.ui.widgets import wheel_guard
from linkworker.ui.widgets.errors import call_plain, show_message

if TYPE_CHECKING:
    from linkworker.ui.shell.choose_password_dialog import ChooseOwnPasswordDialog
    from linkworker.ui.shell.main_window import MainWindow
    from linkworker.ui.shell.recovery_dialogs import RecoveryKeyDialog
    from linkworker.ui.shell.setup_wizard import SetupWizard

STYLE_SHEET = "style.qss"


def style_sheet() -> str:
    """The style sheet, its images found in the resources folder wherever the app is installed."""
    folder = config.resources_dir()
    return (folder / STYLE_SHEET).read_text(encoding="utf-8").replace("RESOURCES/", f"{folder.as_posix()}/")


def apply_style(app: QApplication) -> None:
    """The calm NHS-blue style sheet, on top of Fusion where the app was made by ``run_app``."""
    app.setStyleSheet(style_sheet())


def application() -> QApplication:
    """The running QApplication, or a new one on Fusion so the style sheet reads the same on
    every platform. Fusion is chosen before the application exists: changing the style of a
    running application restyles every widget and is not safe with PySide6."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setStyle("Fusion")
    return QApplication(sys.argv[:1])


class AppFlow(QObject):
    """Which window is showing, from first run to closing; ``finished`` when the user is done."""

    finished = Signal()

    def __init__(
        self, access: DataAccess, sign_in_hint: str | None = None, config_folder: Path | None = None
    ) -> None:
        super().__init__()
        self.access = access
        self.sign_in_hint = sign_in_hint
        # Where the window keeps its own settings (banners hidden for the day): the one
        # --data-dir or LINKWORKER_HOME chose, not the user's default.
        self.config_folder = config_folder
        self.wizard: SetupWizard | None = None
        self.recovery_key: RecoveryKeyDialog | None = None
        self.sign_in: SignInDialog | None = None
        self.choose_password: ChooseOwnPasswordDialog | None = None
        self.window: MainWindow | None = None
        self.signed_in: SignedIn | None = None

    def start(self) -> None:
        """The set-up wizard for a new database, else the sign-in window. A file that opens only
        with a password needs nothing opened or loaded first: its sign-in window shows at once,
        and the rest of the app loads while the user types (``_load_the_rest``)."""
        if self.access.opens_only_with_a_password():
            self._show_sign_in()
            assert self.sign_in is not None
            self._after_first_paint = AfterFirstPaint(self.sign_in, self._load_the_rest)
            return
        outcome = call_plain(None, self._needs_setup, action="Open Linkworker")
        if not outcome.ok:
            if outcome.box is not None:
                outcome.box.finished.connect(lambda _result: self.finished.emit())
            return
        if isinstance(outcome.value, CorruptDatabase):
            self._show_sign_in()
            assert self.sign_in is not None
            self.sign_in.show_damage(str(outcome.value))
        elif outcome.value:
            self._show_wizard()
        else:
            self._show_sign_in()

    def _load_the_rest(self) -> None:
        """Load what the sign-in and the main window need while the sign-in window waits for
        the user: the database's modules on a thread (services.access), then, on this one,
        since Qt's classes belong to it, the main window's and the Today view's."""
        load_in_background()
        self._loading_timer = QTimer(self)
        self._loading_timer.setInterval(50)
        self._loading_timer.timeout.connect(self._load_the_window)
        self._loading_timer.start()

    def _load_the_window(self) -> None:
        if not loaded_in_background():
            return
        self._loading_timer.stop()
        from linkworker.ui.cases import today_view  # noqa: F401
        from linkworker.ui.shell import main_window  # noqa: F401

    def _needs_setup(self) -> bool | CorruptDatabase:
        """A database that opens without a password may be new; one kept in key slots is not.
        A damaged one is for the sign-in window, which offers to restore a backup."""
        try:
            database = self.access.open_unlocked()
        except CorruptDatabase as damage:
            return damage
        if database is None:
            return False
        from linkworker.services.administration import organisation

        with database.session() as session:
            return organisation.needs_setup(session)

    def _show_wizard(self) -> None:
        from linkworker.services.setting_up import NewDatabase
        from linkworker.ui.shell.setup_wizard import SetupWizard

        database = self.access.open_unlocked()
        assert database is not None, "only a database that opens without a password is set up"
        self.wizard = SetupWizard(NewDatabase(database))
        wizard = self.wizard
        wizard.accepted.connect(lambda: self._after_setup(wizard))
        wizard.rejected.connect(self._setup_abandoned)
        wizard.show()

    def _after_setup(self, wizard: SetupWizard) -> None:
        if wizard.recovery_key is None:  # a shared server has no recovery key
            self._show_sign_in(wizard.admin_username)
            return
        from linkworker.ui.shell.recovery_dialogs import RecoveryKeyDialog

        self.recovery_key = RecoveryKeyDialog(wizard.recovery_key, self.access.description)
        self.recovery_key.accepted.connect(lambda: self._show_sign_in(wizard.admin_username))
        self.recovery_key.show()

    def _setup_abandoned(self) -> None:
        """Closing the wizard of a new file leaves nothing behind: its key was only in memory."""
        self.access.discard_if_never_set_up()
        self.finished.emit()

    def _show_sign_in(self, username: str | None = None) -> None:
        self.sign_in = SignInDialog(self.access, hint=self.sign_in_hint, username=username)
        dialog = self.sign_in
        dialog.accepted.connect(lambda: self._after_sign_in(dialog.signed_in))
        dialog.rejected.connect(self._quit)
        self._sign_in_traced = trace_first_paint(dialog, "sign_in_drawn")
        dialog.show()

    def _after_sign_in(self, signed_in: SignedIn | None) -> None:
        assert signed_in is not None, "the sign-in window is accepted only once someone has signed in"
        self.signed_in = signed_in
        if not signed_in.must_change_password:
            self._show_main(signed_in)
            return
        from linkworker.ui.shell.choose_password_dialog import ChooseOwnPasswordDialog

        self.choose_password = ChooseOwnPasswordDialog(signed_in.workspace)
        chooser = self.choose_password
        chooser.accepted.connect(lambda: self._show_main(signed_in))
        chooser.rejected.connect(self._signed_out_before_the_records)
        chooser.show()

    def _signed_out_before_the_records(self) -> None:
        """Sign out chosen instead of a new password: the sign-in window again, with the name."""
        signed_in = self.signed_in
        assert signed_in is not None
        self.signed_in = None
        call_plain(
            None,
            lambda: self.access.sign_out(signed_in, "did not choose a password of their own"),
            action="Sign out",
        )
        self._show_sign_in(signed_in.actor.username)

    def _show_main(self, signed_in: SignedIn) -> None:
        from linkworker.ui.shell.main_window import MainWindow
        from linkworker.ui.shell.notices import DayDismissals

        dismissals = DayDismissals.in_folder(self.config_folder) if self.config_folder else None
        self.window = MainWindow(signed_in.workspace, dismissals=dismissals)
        self.window.signed_out.connect(self._signed_out)
        self.window.closed.connect(self._quit)
        today = self.window.today
        self._today_traced = trace_first_paint(today, "today_drawn") if today is not None else None
        self.window.showMaximized()  # a practice PC's 1366x768 screen needs all of it

    def _signed_out(self) -> None:
        self._release()
        self._show_sign_in()

    def _quit(self) -> None:
        self._release()
        self.access.close()
        self.finished.emit()

    def _release(self) -> None:
        """The main window has recorded the sign-out; a database a password opened is closed."""
        if self.signed_in is not None:
            self.access.release(self.signed_in)
            self.signed_in = None


@contextmanager
def _bugs_shown(app: QApplication) -> Iterator[None]:
    """Show a bug to the user as well as printing its traceback, instead of failing silently.

    Only the kind of error is shown: its text could hold record details from a query.
    """
    previous: Callable[[type[BaseException], BaseException, TracebackType | None], object]
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        previous(kind, error, trace)
        show_message(
            app.activeWindow(),
            "Linkworker: something went wrong",
            f"Linkworker hit an unexpected problem ({kind.__name__}) and your last action may not "
            "have been saved. Please tell your IT support what you were doing.",
            QMessageBox.Icon.Critical,
        )

    sys.excepthook = hook
    try:
        yield
    finally:
        sys.excepthook = previous


def run_app(access: DataAccess, *, sign_in_hint: str | None = None, config_folder: Path | None = None) -> int:
    """Open the window on the data ``access`` reaches; the exit status when the user is done."""
    app = application()
    app.setApplicationName(config.APP_NAME)
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # windows follow each other; the flow says when to stop
    apply_style(app)
    wheel_guard.install(app)
    flow = AppFlow(access, sign_in_hint, config_folder)
    flow.finished.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    with _bugs_shown(app):
        flow.start()
        return app.exec()


def can_show_window() -> bool:
    """Whether someone could see a window: not under the offscreen platform, and on Linux only
    with a display (creating a QApplication without one would abort the process)."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def show_startup_error(message: str) -> None:
    """Tell someone who started the app from a shortcut why it could not open its data."""
    app = application()
    apply_style(app)
    box = QMessageBox(QMessageBox.Icon.Critical, "Linkworker cannot open its data", message)
    box.exec()
