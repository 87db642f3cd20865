"""The idle lock: after the PCN's idle minutes without keyboard or mouse input anywhere in the app,
or at once from Account ▸ Lock, the main window covers every record and asks for the signed-in
user's password (as KeePassXC locks: nothing left on screen).

How it covers, so that nothing is lost: the window's central stack shows the lock screen instead
of the work, whose widgets are hidden, never destroyed, so a half-typed form is as it was after
unlocking. The menus, the status bar and every other window of the app (dialogs, letter previews,
message boxes) are hidden too and come back after unlocking; one that opens while locked (a
background job's result) waits hidden until then. The title says only that Linkworker is locked.
A dialog running its own event loop (``exec``) ends as if cancelled when it is hidden: Qt ends the
loop of a dialog that is hidden. A file dialog the operating system draws is beyond the app's
reach; it shows no record, and the lock screen answers once it is closed.

The password goes to services.session_lock, which counts and audits wrong tries; "Sign in as
someone else" signs the user out through the window's own sign-out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.session_lock import LockReason, SessionLock, UnlockRefused
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.errors import REFUSALS, refusal_text
from linkworker.ui.widgets.forms import password_edit

LOCKED_TITLE: Final = "Linkworker: locked"
DEFAULT_IDLE_MINUTES: Final = 10  # until the PCN's own setting has been read
CHECK_EVERY_MS: Final = 5_000
READ_MINUTES_EVERY_S: Final = 60.0  # an administrator's new setting reaches open windows this soon
_INPUT: Final = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)
# Windows that come and go with the pointer, not records: closed on locking, allowed while locked.
_FLEETING: Final = (Qt.WindowType.Popup, Qt.WindowType.ToolTip)

log = logging.getLogger(__name__)


class IdleWatch(QObject):
    """Time since the last keyboard or mouse input anywhere in the app; ``idle`` once it reaches
    the PCN's minutes. The clock is given, so tests move time on instead of waiting."""

    idle = Signal()

    def __init__(
        self,
        parent: QObject,
        read_minutes: Callable[[], int | None],
        *,
        clock: Callable[[], float] = time.monotonic,
        check_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._read_minutes = read_minutes
        self.minutes = DEFAULT_IDLE_MINUTES
        self._minutes_read_at: float | None = None
        self._last_input = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        _application().installEventFilter(self)
        self._read()
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self._last_input = self._clock()
        return False

    def idle_seconds(self) -> float:
        return self._clock() - self._last_input

    def check(self) -> bool:
        """Emit ``idle`` (and say True) when the user has been away for the PCN's minutes."""
        if self._minutes_read_at is None or self._clock() - self._minutes_read_at >= READ_MINUTES_EVERY_S:
            self._read()
        if self.idle_seconds() < self.minutes * 60:
            return False
        self.idle.emit()
        return True

    def restart(self) -> None:
        """Count from now: the user is back."""
        self._last_input = self._clock()

    def stop(self) -> None:
        self.timer.stop()
        _application().removeEventFilter(self)

    def _read(self) -> None:
        minutes = self._read_minutes()
        self._minutes_read_at = self._clock()
        if minutes is not None:
            self.minutes = minutes


class LockScreen(QWidget):
    """What a locked window shows: whose session it is, their password, and the way out."""

    unlock_requested = Signal(str)
    switch_requested = Signal()

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.setObjectName("lockScreen")
        self.setAccessibleName("Linkworker is locked")
        heading = QLabel("Linkworker is locked")
        heading.setObjectName("heading")
        self.who = QLabel(f"{actor.full_name} is signed in. Type your password to go back to your work.")
        self.who.setWordWrap(True)
        self.password = password_edit()
        self.password.setAccessibleName("Password")
        self.password.returnPressed.connect(self._unlock)
        label = QLabel("&Password:")
        label.setBuddy(self.password)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleDescription("Go back to work where you left it")
        self.unlock_button.clicked.connect(self._unlock)
        self.message = QLabel()
        self.message.setObjectName("fieldMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Unlock problem")
        self.message.hide()
        self.switch_button = QPushButton("Sign in as &someone else")
        self.switch_button.setAutoDefault(False)
        self.switch_note = QLabel(f"This signs {actor.full_name} out. Anything they have not saved is lost.")
        self.switch_note.setObjectName("fieldHint")
        self.switch_note.setWordWrap(True)
        self.switch_button.setAccessibleDescription(self.switch_note.text())
        self.switch_button.clicked.connect(lambda _checked=False: self.switch_requested.emit())

        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.password, 1)
        row.addWidget(self.unlock_button)
        card = QFrame()
        card.setObjectName("figureCard")
        card.setMinimumWidth(460)
        card.setMaximumWidth(560)
        inside = QVBoxLayout(card)
        inside.setContentsMargins(28, 20, 28, 24)
        inside.setSpacing(12)
        inside.addWidget(heading)
        inside.addWidget(self.who)
        inside.addLayout(row)
        inside.addWidget(self.message)
        inside.addSpacing(8)
        inside.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignLeft)
        inside.addWidget(self.switch_note)
        centred = QGridLayout(self)
        centred.addWidget(card, 1, 1)
        centred.setRowStretch(0, 1)
        centred.setRowStretch(2, 2)
        centred.setColumnStretch(0, 1)
        centred.setColumnStretch(2, 1)

    def reset(self) -> None:
        self.password.clear()
        self.password.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.message.hide()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def refuse(self, text: str, *, final: bool) -> None:
        """Say why the lock stayed on; when it will not open again, only signing out is offered."""
        self.password.clear()
        self.message.setText(text)
        self.message.show()
        self.password.setAccessibleDescription(text)
        self.password.setEnabled(not final)
        self.unlock_button.setEnabled(not final)
        (self.switch_button if final else self.password).setFocus(Qt.FocusReason.OtherFocusReason)

    def _unlock(self) -> None:
        if self.password.isEnabled():
            self.unlock_requested.emit(self.password.text())


class WindowLock(QObject):
    """Locks ``window`` after idle time or on demand, and unlocks it with the user's password.

    ``screens`` is set as the window's central widget by the caller: the work in front, the lock
    screen behind. ``switch_requested`` asks the window to sign the user out."""

    switch_requested = Signal()

    def __init__(
        self,
        window: QMainWindow,
        workspace: Workspace,
        work: QWidget,
        *,
        clock: Callable[[], float] = time.monotonic,
        check_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.actor = workspace.actor
        self.session_lock = SessionLock(workspace.actor)
        self.lock_screen = LockScreen(workspace.actor)
        self.lock_screen.unlock_requested.connect(self.unlock)
        self.lock_screen.switch_requested.connect(self.switch_requested)
        self.work = work
        self.screens = QStackedWidget()
        self.screens.addWidget(work)
        self.screens.addWidget(self.lock_screen)
        self.idle = IdleWatch(self, self._read_minutes, clock=clock, check_ms=check_ms)
        self.idle.idle.connect(lambda: self.lock(LockReason.IDLE))
        self.locked = False
        self._held: list[QWidget] = []
        self._title = ""
        self._focus: QWidget | None = None
        self._menus_enabled: list[tuple[QAction, bool]] = []

    def lock(self, reason: LockReason = LockReason.BY_USER) -> None:
        """Cover the window first, then record the lock: a database out of reach must not leave
        the records on screen."""
        if self.locked:
            return
        self._cover()
        try:
            self.workspace.record_for_the_session(
                lambda session: self.session_lock.lock(session, reason, idle_minutes=self.idle.minutes)
            )
        except REFUSALS as error:
            log.warning("The screen lock could not be recorded (%s).", type(error).__name__)

    def unlock(self, password: str) -> bool:
        """Uncover the window if ``password`` is the signed-in user's; else say why not."""
        try:
            self.workspace.record_for_the_session(lambda session: self.session_lock.unlock(session, password))
        except UnlockRefused as refusal:
            self.lock_screen.refuse(str(refusal), final=refusal.final)
            return False
        except REFUSALS as error:
            self.lock_screen.refuse(refusal_text(error), final=False)
            return False
        self._uncover()
        return True

    def end(self) -> None:
        """The session is over (signed out or closed): stop watching, and close the windows held
        hidden, which belong to the session that ended, never to the next one."""
        self.idle.stop()
        _application().removeEventFilter(self)
        held, self._held = self._held, []
        for widget in held:
            if not isValid(widget):
                continue
            if isinstance(widget, QDialog):
                widget.done(QDialog.DialogCode.Rejected)
            else:
                widget.close()

    def sign_out_while_locked(self) -> None:
        """Record the end of a locked session; the window's own sign-out does the rest."""
        try:
            self.workspace.record_for_the_session(self.session_lock.sign_out)
        except REFUSALS as error:
            log.warning("The sign-out of a locked session could not be recorded (%s).", type(error).__name__)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While locked: a window opening is held hidden until unlocking; a title change of the
        main window waits too; a held window closed by its owner is let go."""
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and self._foreign(watched):
            # Kept off the screen now (it is in the middle of showing), hidden as soon as it has shown.
            watched.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            QTimer.singleShot(0, lambda: self._hold(watched))
        elif kind == QEvent.Type.WindowTitleChange and watched is self.window:
            if self.window.windowTitle() != LOCKED_TITLE:
                self._title = self.window.windowTitle()
                self.window.setWindowTitle(LOCKED_TITLE)
        elif kind == QEvent.Type.Close and watched in self._held:
            self._let_go(watched)
        return False

    def held(self) -> list[QWidget]:
        """The windows hidden by the lock, to be shown again on unlocking."""
        return [widget for widget in self._held if isValid(widget)]

    def _foreign(self, widget: QWidget) -> bool:
        """A window of the app other than the main window and the pointer's fleeting ones."""
        return (
            self.locked
            and widget.isWindow()
            and widget is not self.window
            and widget.windowType() not in _FLEETING
        )

    def _cover(self) -> None:
        self.locked = True
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and self.window.isAncestorOf(focus) else None
        _close_fleeting()
        self._title = self.window.windowTitle()
        self.window.setWindowTitle(LOCKED_TITLE)
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and self._foreign(widget):
                self._hold(widget)
        self._menus_enabled = [(action, action.isEnabled()) for action in _menu_actions(self.window)]
        for action, _enabled in self._menus_enabled:
            action.setEnabled(False)  # their shortcuts too: nothing moves behind the lock
        self.window.menuBar().hide()
        self.window.statusBar().hide()
        self.screens.setCurrentWidget(self.lock_screen)
        _application().installEventFilter(self)
        self.lock_screen.reset()

    def _uncover(self) -> None:
        _application().removeEventFilter(self)
        self.locked = False
        self.screens.setCurrentWidget(self.work)
        self.window.menuBar().show()
        for action, enabled in self._menus_enabled:
            if isValid(action):
                action.setEnabled(enabled)
        self.window.statusBar().show()
        self.window.setWindowTitle(self._title)
        self.lock_screen.reset()
        if self._focus is not None and isValid(self._focus) and self._focus.isVisible():
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        held, self._held = self.held(), []
        for widget in sorted(held, key=_depth):
            widget.show()
        if held:
            held[-1].activateWindow()
        self.idle.restart()

    def _hold(self, widget: QWidget) -> None:
        if not isValid(widget):
            return
        widget.hide()
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
        if not self.locked:  # unlocked before the deferred hold came round
            widget.show()
            return
        if widget not in self._held:
            self._held.append(widget)
            if isinstance(widget, QDialog):
                widget.finished.connect(lambda _result, held=widget: self._let_go(held))

    def _let_go(self, widget: QObject) -> None:
        """A held dialog finished by its owner (a job's progress closing) stays finished."""
        if widget in self._held:
            self._held.remove(widget)

    def _read_minutes(self) -> int | None:
        """The PCN's idle minutes, or None (keep the last ones) when the database cannot say."""
        try:
            with self.workspace.unit(read_only=True) as session:
                return organisation.idle_lock_minutes(session, self.actor)
        except REFUSALS as error:
            log.warning("The idle-lock minutes could not be read (%s).", type(error).__name__)
            return None


def _application() -> QCoreApplication:
    """The running application, whose events the watch and the lock filter: both are made inside it."""
    application = QApplication.instance()
    assert application is not None
    return application


def _close_fleeting() -> None:
    """Close open menus and lists, and tooltips: they could show what is under them."""
    QToolTip.hideText()
    for _ in range(20):  # popups close innermost first; a bound, not a loop that may not end
        popup = QApplication.activePopupWidget()
        if popup is None:
            return
        popup.close()


def _depth(widget: QWidget) -> int:
    """How many windows a window sits on: a dialog's own message box is shown after the dialog."""
    depth = 0
    parent = widget.parentWidget()
    while parent is not None:
        depth += 1
        parent = parent.window().parentWidget()
    return depth


def _menu_actions(window: QMainWindow) -> list[QAction]:
    """Every action of the menu bar, each menu's own included: disabled, none answers its shortcut."""
    found: list[QAction] = []
    for action in window.menuBar().actions():
        found.append(action)
        # QtGui's stubs give QAction.menu() as a QObject; a menu bar's is a QMenu or None.
        if isinstance(menu := action.menu(), QMenu):
            found += [item for item in menu.actions() if not item.isSeparator()]
    return found
