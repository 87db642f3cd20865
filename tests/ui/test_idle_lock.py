"""The idle lock on the real main window: idle time (on a clock the test moves on) or Ctrl+L covers
every record, dialogs and previews included; the user's password opens it with every half-typed
form as it was; wrong passwords are counted until only signing out is left; all audited."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.errors import ServiceError
from linkworker.services.session_lock import MAX_WRONG_TRIES
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import UserAccount
from linkworker.ui.administration.locking_tab import LockingTab
from linkworker.ui.cases.letter_preview import open_letter
from linkworker.ui.shell.idle_lock import LOCKED_TITLE, READ_MINUTES_EVERY_S, LockScreen
from linkworker.ui.shell.main_window import MainWindow, Timings
from linkworker.ui.widgets.dialogs import ChangePasswordDialog
from linkworker.ui.widgets.errors import show_message
from linkworker.ui.widgets.jobs import run_job
from tests.conftest import ADMIN_PASSWORD, MANAGER_PASSWORD, WORKER_PASSWORD
from tests.reports.gp_episode import FULL, add_episode
from tests.ui.conftest import Messages

LOCK_ACTIONS = ("screen_locked", "screen_unlocked", "unlock_failed", "signed_out_while_locked", "sign_out")


class Clock:
    """The idle lock's clock, moved on by the test instead of waiting ten minutes."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_window(qtbot: QtBot, database: Database, actor: Actor, clock: Clock) -> MainWindow:
    # The check timer is left to the test, which calls check() once it has moved the clock on.
    window = MainWindow(Workspace(database, actor), Timings(idle_clock=clock, idle_check_ms=3_600_000))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def set_minutes(database: Database, admin: Actor, minutes: int) -> None:
    with database.session() as session:
        organisation.set_idle_lock_minutes(session, admin, minutes)


def lock_events(database: Database, admin: Actor) -> list[tuple[str | None, str, str | None]]:
    with database.read_session() as session:
        entries = audit.recent(session, admin)
    return [(e.username, e.action, e.detail) for e in reversed(entries) if e.action in LOCK_ACTIONS]


def uncovered(window: MainWindow) -> list[QWidget]:
    """Widgets of the window on screen that are not the lock screen's: none while locked."""
    lock = window.window_lock.lock_screen
    return [
        widget
        for widget in window.findChildren(QWidget)
        if widget.isVisible()
        and widget is not window.window_lock.screens
        and widget is not lock
        and not lock.isAncestorOf(widget)
    ]


def other_windows() -> list[QWidget]:
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if widget.isVisible() and not isinstance(widget, MainWindow)
    ]


def unlock_with(qtbot: QtBot, window: MainWindow, password: str) -> None:
    screen = window.window_lock.lock_screen
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)


def test_idle_minutes_without_input_cover_every_record(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    admin, worker = sqlite_actors[Role.ADMIN], sqlite_actors[Role.LINK_WORKER]
    set_minutes(sqlite_database, admin, 2)
    window = open_window(qtbot, sqlite_database, worker, clock)
    assert window.window_lock.idle.minutes == 2
    clock.advance(119)
    assert not window.window_lock.idle.check() and not window.window_lock.locked
    assert window.areas[0].widget.isVisible()
    clock.advance(1)
    assert window.window_lock.idle.check()

    assert window.window_lock.locked
    lock = window.window_lock.lock_screen
    assert lock.isVisible() and lock.password.hasFocus()
    assert uncovered(window) == []
    assert all(not area.widget.isVisible() for area in window.areas)
    assert not window.navigation.isVisible() and not window.menuBar().isVisible()
    assert not window.user_label.isVisible() and not window.statusBar().isVisible()
    assert window.windowTitle() == LOCKED_TITLE
    assert worker.full_name not in window.windowTitle()
    assert lock_events(sqlite_database, admin)[-1] == ("worker", "screen_locked", "idle_minutes=2")


@pytest.mark.parametrize("how", ["key", "click", "move", "wheel"])
def test_input_anywhere_in_the_app_keeps_the_window_open(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    clock: Clock,
    messages: Messages,
    how: str,
) -> None:
    set_minutes(sqlite_database, sqlite_actors[Role.ADMIN], 2)
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER], clock)
    clock.advance(100)
    target = window.navigation.viewport()
    if how == "key":  # typed in another window of the app: that counts too
        qtbot.keyClick(show_message(window, "A message", "Read me."), Qt.Key.Key_Shift)
    elif how == "click":
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    elif how == "move":
        qtbot.mouseMove(target, QPoint(10, 10))
    else:
        wheel_event(target)
    clock.advance(100)
    assert not window.window_lock.idle.check()
    clock.advance(20)
    assert window.window_lock.idle.check() and window.window_lock.locked


def wheel_event(target: QWidget) -> None:
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(target.mapToGlobal(QPoint(5, 5))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, event)


def test_ctrl_l_locks_and_the_password_unlocks_with_the_referral_form_as_it_was(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    admin, worker = sqlite_actors[Role.ADMIN], sqlite_actors[Role.LINK_WORKER]
    window = open_window(qtbot, sqlite_database, worker, clock)
    window.show_area(window.area_titles().index("New referral"))
    form = window.view("New referral")
    assert form is not None
    form.search_given_name.setFocus()
    qtbot.keyClicks(form.search_given_name, "Alexandra")
    qtbot.keyClicks(form.search_nhs_number, "999 000 0018")
    form.search_given_name.setFocus()
    form.search_given_name.setCursorPosition(4)

    qtbot.keyClick(form.search_given_name, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.window_lock.locked and not form.isVisible() and uncovered(window) == []
    screen = window.window_lock.lock_screen
    unlock_with(qtbot, window, "not the right one")
    assert window.window_lock.locked and uncovered(window) == []
    assert screen.message.isVisible()
    assert screen.message.text() == f"That password is not right. {MAX_WRONG_TRIES - 1} tries are left."
    assert screen.password.text() == "" and screen.password.isEnabled()
    unlock_with(qtbot, window, ADMIN_PASSWORD)  # an administrator's password opens only their own
    assert window.window_lock.locked
    unlock_with(qtbot, window, WORKER_PASSWORD)

    assert not window.window_lock.locked and not screen.isVisible()
    assert screen.password.text() == ""  # the password is not kept in the field
    assert form.isVisible() and form.search_given_name.hasFocus()
    assert form.search_given_name.text() == "Alexandra" and form.search_given_name.cursorPosition() == 4
    assert form.search_nhs_number.text() == "999 000 0018"
    assert window.windowTitle() == "Linkworker: Test Valley PCN"
    assert window.menuBar().isVisible() and window.user_label.isVisible()
    assert lock_events(sqlite_database, admin)[-4:] == [
        ("worker", "screen_locked", "by_user"),
        ("worker", "unlock_failed", "wrong_password try=1"),
        ("worker", "unlock_failed", "wrong_password try=2"),
        ("worker", "screen_unlocked", None),
    ]
    qtbot.keyClicks(form.search_given_name, "!")  # the cursor is where it was
    assert form.search_given_name.text() == "Alex!andra"


# The open menu, on the offscreen platform.
@pytest.mark.qt_log_ignore("^This plugin does not support (grabbing the keyboard|raise\\(\\))$")
def test_dialogs_previews_and_message_boxes_are_hidden_while_locked_and_come_back(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    clock: Clock,
    messages: Messages,
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, FULL)
    window = open_window(qtbot, sqlite_database, worker, clock)
    window.change_password()
    change = window.findChild(ChangePasswordDialog)
    assert change is not None
    qtbot.keyClicks(change.current, "half typed")
    preview = open_letter(Workspace(sqlite_database, worker), referral_id)  # a window of its own
    assert preview is not None
    qtbot.addWidget(preview)
    box = show_message(window, "Saved", "The referral was saved.")
    menu = QMenu(window)
    menu.addAction("Something")
    menu.popup(window.mapToGlobal(QPoint(40, 40)))
    qtbot.waitUntil(menu.isVisible)
    opened = {change, preview, box}
    assert opened <= set(other_windows())

    window.lock()
    assert other_windows() == [] and not menu.isVisible()
    assert set(window.window_lock.held()) == opened
    assert uncovered(window) == []
    unlock_with(qtbot, window, WORKER_PASSWORD)

    assert all(widget.isVisible() for widget in opened)
    assert change.current.text() == "half typed"
    assert preview.windowTitle().startswith("Letter to the GP: ")
    assert window.window_lock.held() == []


def test_a_window_opening_while_locked_waits_hidden_and_one_closed_meanwhile_stays_closed(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER], clock)
    closed_meanwhile = QDialog(window)
    closed_meanwhile.open()
    window.lock()
    closed_meanwhile.accept()  # its owner finished it while it was hidden
    later = QDialog(window)
    later.setWindowTitle("Letter to the GP: LW-000001")
    later.open()
    qtbot.waitUntil(lambda: later in window.window_lock.held())
    assert not later.isVisible() and other_windows() == []
    window.setWindowTitle("Linkworker: Ms Example")  # a title set while locked waits too
    assert window.windowTitle() == LOCKED_TITLE

    unlock_with(qtbot, window, WORKER_PASSWORD)
    assert later.isVisible() and not closed_meanwhile.isVisible()
    assert window.windowTitle() == "Linkworker: Ms Example"


def test_a_question_waiting_in_its_own_event_loop_ends_unanswered_and_the_lock_screen_answers(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    """QMessageBox.question (as the Data key tab asks) blocks every window until answered: the lock
    hides it, which ends its loop as if No were chosen, so nothing it guards happens unseen."""
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN], clock)
    rescued: list[bool] = []

    def rescue() -> None:  # only if the lock failed to end the question's loop: no hanging test
        for box in window.findChildren(QMessageBox):
            rescued.append(True)
            box.done(0)

    safety = QTimer(window)  # goes with the window, so it never fires into a later test
    safety.setSingleShot(True)
    safety.timeout.connect(rescue)
    safety.start(10_000)
    QTimer.singleShot(50, window.lock)
    answer = QMessageBox.question(window, "Make a new recovery key", "The current key will stop working.")
    safety.stop()
    assert answer != QMessageBox.StandardButton.Yes and rescued == []
    assert window.window_lock.locked and other_windows() == []
    unlock_with(qtbot, window, ADMIN_PASSWORD)
    assert not window.window_lock.locked and other_windows() == []


def test_a_background_job_keeps_running_and_its_message_waits_until_unlocked(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    clock: Clock,
    messages: Messages,
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER], clock)
    go_on = threading.Event()
    ran: list[str] = []

    def work(_session, _control):  # type: ignore[no-untyped-def]
        assert go_on.wait(10)
        ran.append("done")
        raise ServiceError("The import stopped at row 3.")

    job = run_job(
        window,
        Workspace(sqlite_database, sqlite_actors[Role.ADMIN]),
        work,
        action="Import referrals",
        read_only=True,
    )
    window.lock()
    go_on.set()
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    assert ran == ["done"]
    qtbot.waitUntil(lambda: len(window.window_lock.held()) == 1)
    assert messages.boxes() == [] and uncovered(window) == []
    unlock_with(qtbot, window, WORKER_PASSWORD)
    assert messages.texts() == ["The import stopped at row 3."]


def test_menus_and_their_shortcuts_do_nothing_while_locked(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER], clock)
    window.lock()
    screen = window.window_lock.lock_screen
    qtbot.keyClick(screen.password, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Go ▸ Caseload
    qtbot.keyClick(screen.password, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.navigation.currentRow() == 0
    assert not window.read_again()  # nor is the area behind the lock read again on the timer
    assert lock_events(sqlite_database, sqlite_actors[Role.ADMIN])[-1][1:] == ("screen_locked", "by_user")
    unlock_with(qtbot, window, WORKER_PASSWORD)
    qtbot.keyClick(window.navigation, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.navigation.currentItem().text() == "Caseload"


def test_after_too_many_wrong_passwords_only_signing_in_as_someone_else_is_left(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    clock: Clock,
    messages: Messages,
) -> None:
    admin = sqlite_actors[Role.ADMIN]
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], clock)
    box = show_message(window, "Saved", "The directory entry was saved.")
    window.lock()
    screen = window.window_lock.lock_screen
    for attempt in range(MAX_WRONG_TRIES):
        unlock_with(qtbot, window, f"guess number {attempt}")
    assert not screen.password.isEnabled() and not screen.unlock_button.isEnabled()
    assert "Sign in as someone else" in screen.message.text()
    assert screen.switch_button.hasFocus()
    screen.password.setEnabled(True)  # forced open, the right password still does nothing
    unlock_with(qtbot, window, MANAGER_PASSWORD)
    assert window.window_lock.locked

    with qtbot.waitSignal(window.signed_out), qtbot.assertNotEmitted(window.closed):
        qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible() and other_windows() == []
    assert not _valid_and_visible(box)
    events = lock_events(sqlite_database, admin)
    assert events[-3:] == [
        ("manager", "unlock_failed", "closed_after_wrong_tries"),
        ("manager", "signed_out_while_locked", None),
        ("manager", "sign_out", None),
    ]
    assert [what for _who, what, _detail in events].count("unlock_failed") == MAX_WRONG_TRIES + 1


def _valid_and_visible(widget: QMessageBox) -> bool:
    return isValid(widget) and widget.isVisible()


def test_an_account_deactivated_while_locked_cannot_unlock(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    window = open_window(qtbot, sqlite_database, worker, clock)
    window.lock()
    with sqlite_database.session() as session:
        session.execute(update(UserAccount).where(UserAccount.id == worker.user_id).values(active=False))
    unlock_with(qtbot, window, WORKER_PASSWORD)
    screen = window.window_lock.lock_screen
    assert window.window_lock.locked and uncovered(window) == []
    assert "deactivated" in screen.message.text() and not screen.password.isEnabled()


def test_closing_a_locked_window_signs_the_locked_session_out(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER], clock)
    window.lock()
    with qtbot.waitSignal(window.closed):
        window.close()
    window.close()  # closing again (as Qt may) records nothing more
    assert lock_events(sqlite_database, sqlite_actors[Role.ADMIN])[-3:] == [
        ("worker", "screen_locked", "by_user"),
        ("worker", "signed_out_while_locked", None),
        ("worker", "sign_out", None),
    ]


def test_a_new_idle_setting_reaches_an_open_window_within_a_minute(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER], clock)
    assert window.window_lock.idle.minutes == 10
    set_minutes(sqlite_database, sqlite_actors[Role.ADMIN], 1)
    clock.advance(READ_MINUTES_EVERY_S)
    assert window.window_lock.idle.check()
    assert lock_events(sqlite_database, sqlite_actors[Role.ADMIN])[-1][2] == "idle_minutes=1"


def test_the_lock_screen_fits_a_1366_by_768_screen_and_is_labelled(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.ADMIN], clock)
    window.lock()
    screen = window.findChild(LockScreen)
    assert screen is not None
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728
    assert screen.password.accessibleName() == "Password"
    assert "Ada Admin" in screen.who.text() and "Ada Admin" in screen.switch_note.text()
    assert screen.switch_button.accessibleDescription() == screen.switch_note.text()


def test_an_administrator_sets_the_idle_minutes_in_the_locking_tab(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    admin = sqlite_actors[Role.ADMIN]
    tab = LockingTab(Workspace(sqlite_database, admin))
    qtbot.addWidget(tab)
    tab.refresh()
    assert tab.minutes.value() == 10 and (tab.minutes.minimum(), tab.minutes.maximum()) == (1, 60)
    tab.minutes.setValue(3)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.in_use.text().startswith("Windows lock after 3 minutes without keyboard or mouse input.")
    with sqlite_database.read_session() as session:
        assert organisation.idle_lock_minutes(session, sqlite_actors[Role.LINK_WORKER]) == 3
        entries = audit.recent(session, admin)
    assert [(e.username, e.detail) for e in entries if e.action == "idle_lock_set"] == [
        ("admin", "idle_lock_minutes=10->3")
    ]
    assert messages.texts() == []


def test_the_locking_tab_in_other_hands_changes_nothing(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    tab = LockingTab(Workspace(sqlite_database, sqlite_actors[Role.MANAGER]))
    qtbot.addWidget(tab)
    tab.minutes.setValue(60)
    tab.save()
    assert messages.texts() == [
        "Your role (PCN manager) does not allow you to administer Linkworker "
        "(users, practices, the audit trail, backups)."
    ]
    with sqlite_database.read_session() as session:
        assert organisation.idle_lock_minutes(session, sqlite_actors[Role.ADMIN]) == 10
