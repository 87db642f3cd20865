"""The key-slot screens as a user meets them: signing in to a file only a password opens, setting
a forgotten password with the recovery key, the recovery key shown once, and the administrator's
Data key tab (a new recovery key, the old key copy of an older installation, a shared server).

Modal windows (``exec()``) are driven as a person would answer them: a ``Driver`` waits for
each window to appear, types and clicks in it, and closes anything left open if a window never
came, so a broken screen fails the test instead of hanging the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QMessageBox, QWidget, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess, SignedIn
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed
from linkworker.services.workspace import Workspace
from linkworker.store import recovery_code, secrets
from linkworker.store.database import Database
from linkworker.store.database_key import keyring_name
from linkworker.store.key_slots import KeySlots
from linkworker.store.models import AuditEvent
from linkworker.ui.administration.admin_view import AdminView
from linkworker.ui.administration.key_custody_tab import KeysTab
from linkworker.ui.shell.app import AppFlow
from linkworker.ui.shell.recovery_dialogs import RecoverPasswordDialog, RecoveryKeyDialog
from linkworker.ui.shell.sign_in import SignInDialog
from linkworker.ui.widgets.models import PracticeDraftModel
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD, _set_up_pcn
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.slotted import slotted_database
from tests.ui.conftest import Messages

NEW_PASSWORD = "lantern otter meadow"
MISTYPED = "lantern otter meadoe"
WRONG = "The user name or password is not right."
CODE = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}")
NOTHING_LEFT = "Nothing is left to do"
STEP_TIMEOUT_MS = 10_000
UNEXPECTED_MS = 500
TICK_MS = 20


# --- driving modal windows -------------------------------------------------------------------


class Driver:
    """Answers modal windows in turn: each step waits for a visible window of its kind, then acts.

    Everything that goes wrong is in ``problems``, and the windows are closed so that ``exec()``
    returns: a step whose window never came within ``STEP_TIMEOUT_MS``, or a modal window no
    step expected that stays open for ``UNEXPECTED_MS``."""

    def __init__(self) -> None:
        self.steps: list[tuple[type[QWidget], Callable[[QWidget], None]]] = []
        self.problems: list[str] = []
        self._waited_ms = 0
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def when(self, kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
        self.steps.append((kind, act))
        self._timer.start()

    def _tick(self) -> None:
        if not self.steps:
            self._close_unexpected()
            return
        kind, act = self.steps[0]
        window = next(iter(visible(kind)), None)
        if window is None:
            self._waited_ms += TICK_MS
            if self._waited_ms > STEP_TIMEOUT_MS:
                self.problems.extend(f"no {step_kind.__name__} came" for step_kind, _act in self.steps)
                self.steps.clear()
                close_dialogs()
            return
        self._waited_ms = 0
        self.steps.pop(0)
        try:
            act(window)
        except BaseException:
            close_dialogs()  # never leave a modal window waiting for a click that will not come
            raise

    def _close_unexpected(self) -> None:
        modal = QApplication.activeModalWidget()
        self._waited_ms = self._waited_ms + TICK_MS if modal is not None else 0
        if modal is not None and self._waited_ms > UNEXPECTED_MS:
            self.problems.append(f"an unexpected {type(modal).__name__} came")
            self._waited_ms = 0
            close_dialogs()

    def stop(self) -> None:
        self._timer.stop()
        self.steps.clear()


def visible(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def close_dialogs() -> None:
    """``done`` rather than ``reject``: the recovery key window refuses a reject on purpose."""
    for window in visible(QDialog):
        assert isinstance(window, QDialog)
        window.done(QDialog.DialogCode.Rejected)


@pytest.fixture
def driver(qapp: QApplication) -> Iterator[Driver]:
    shown = Driver()
    yield shown
    shown.stop()


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, edit: QWidget, text: str) -> None:
    qtbot.keyClicks(edit, text)


# --- databases -------------------------------------------------------------------------------


@dataclass
class Installation:
    """A data folder set up by this version: the key is kept only in key slots."""

    file: Path
    keys: Path
    recovery: str

    def access(self) -> DataAccess:
        return DataAccess(self.file, self.keys)

    def signs_in(self, username: str, password: str) -> bool:
        gate = self.access()
        try:
            signed_in = gate.sign_in(username, password)
        except SignInFailed:
            return False
        gate.release(signed_in)
        return True


@pytest.fixture
def slotted(tmp_path: Path, fake_keyring: MemoryKeyring) -> Installation:
    folder = tmp_path / "data"
    file, keys = folder / "linkworker.db", folder / "keys"
    made = slotted_database(folder)
    made.database.dispose()
    assert fake_keyring.secrets == {}
    installation = Installation(file, keys, made.recovery_code)
    assert installation.access().open_unlocked() is None, "only a password opens it now"
    return installation


@pytest.fixture
def older(tmp_path: Path, fake_keyring: MemoryKeyring) -> Installation:
    """An installation from before key slots: the key also in the keyring, no recovery key, and
    the link worker made before the upgrade (so without a slot); the manager has signed in since."""
    folder = tmp_path / "data"
    file, keys = folder / "linkworker.db", folder / "keys"
    made = slotted_database(folder, recovery=False)
    assert made.database.location.key is not None
    secrets.put(keyring_name(file), made.database.location.key.hex)  # where older versions kept it
    made.database.dispose()
    slots = KeySlots.beside(file)
    slots.remove_user("worker")  # made before the upgrade, not signed in since
    assert not slots.has_recovery() and slots.usernames() == {"admin", "manager"}
    return Installation(file, keys, recovery="")


@pytest.fixture
def signed_in_admin(slotted: Installation) -> Iterator[tuple[DataAccess, SignedIn]]:
    gate = slotted.access()
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    yield gate, signed_in
    gate.release(signed_in)


def recovery_keys_made(database: Database) -> int:
    with database.session() as session:
        return (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "recovery_key_made")
            )
            or 0
        )


# --- windows ---------------------------------------------------------------------------------


def open_sign_in(qtbot: QtBot, access: DataAccess, username: str | None = None) -> SignInDialog:
    dialog = SignInDialog(access, username=username)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def open_keys_tab(qtbot: QtBot, database: Database, admin: Actor) -> KeysTab:
    """The Administration area, with the Data key tab clicked."""
    view = AdminView(Workspace(database, admin))
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    bar = view.tabs.tabBar()
    index = view.tabs.indexOf(view.keys)
    assert view.tabs.tabText(index) == "Data &key"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert view.tabs.currentWidget() is view.keys
    return view.keys


def answer_question(button: QMessageBox.StandardButton, seen: list[str]) -> Callable[[QWidget], None]:
    def act(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(button).click()

    return act


@dataclass
class KeptKey:
    """What the person saw in the recovery key window before they ticked and pressed Continue."""

    code: str = ""
    continue_enabled_at_first: bool = True


def keep_the_key(qtbot: QtBot, kept: KeptKey) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, RecoveryKeyDialog)
        kept.code = dialog.key.text()
        kept.continue_enabled_at_first = dialog.continue_button.isEnabled()
        click(qtbot, dialog.kept)
        click(qtbot, dialog.continue_button)

    return act


# --- 1. sign-in on a file only a password opens -----------------------------------------------


def test_a_wrong_password_opens_nothing_and_the_right_one_signs_in(
    qtbot: QtBot, slotted: Installation, messages: Messages
) -> None:
    gate = slotted.access()
    dialog = open_sign_in(qtbot, gate)
    assert dialog.recover_button.isVisible() and dialog.recover_button.text() == "&Forgotten password…"
    assert dialog.sign_in_button.isDefault() and not dialog.recover_button.isDefault()

    type_into(qtbot, dialog.username, "admin")
    type_into(qtbot, dialog.password, "not the right password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.signed_in is None
    assert dialog.failure.isVisible() and dialog.failure.text() == WRONG
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password
    assert messages.texts() == [], "the refusal is beside the fields, not in a box"
    assert gate.open_unlocked() is None, "a wrong password opened nothing"

    type_into(qtbot, dialog.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.signed_in is not None
    assert (dialog.signed_in.actor.username, dialog.signed_in.actor.role) == ("admin", Role.ADMIN)
    gate.release(dialog.signed_in)


# --- 2. a forgotten password ------------------------------------------------------------------


def fill_recovery(
    qtbot: QtBot, dialog: QWidget, code: str, username: str, password: str, confirmation: str
) -> RecoverPasswordDialog:
    assert isinstance(dialog, RecoverPasswordDialog)
    type_into(qtbot, dialog.code, code)
    dialog.username.clear()
    type_into(qtbot, dialog.username, username)
    type_into(qtbot, dialog.password, password)
    type_into(qtbot, dialog.confirmation, confirmation)
    return dialog


def test_a_forgotten_password_is_set_with_the_recovery_key(
    qtbot: QtBot, slotted: Installation, driver: Driver, messages: Messages
) -> None:
    gate = slotted.access()
    dialog = open_sign_in(qtbot, gate)
    typed = slotted.recovery.lower().replace("-", " ")  # as IT might read it out
    seen: dict[str, object] = {}

    def set_it(window: QWidget) -> None:
        recover = fill_recovery(qtbot, window, typed, "Admin", NEW_PASSWORD, NEW_PASSWORD)
        seen["title"] = recover.windowTitle()
        click(qtbot, recover.set_button)
        seen["boxes"] = messages.texts()

    driver.when(RecoverPasswordDialog, set_it)
    click(qtbot, dialog.recover_button)

    assert driver.problems == [] and driver.steps == []
    assert seen == {"title": "Set a password with the recovery key", "boxes": []}
    assert visible(RecoverPasswordDialog) == []
    assert dialog.isVisible()
    assert dialog.failure.isVisible() and dialog.failure.text() == "The new password is set: sign in with it."
    assert dialog.username.text() == "admin"
    assert dialog.focusWidget() is dialog.password

    type_into(qtbot, dialog.password, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.signed_in is not None and dialog.signed_in.actor.username == "admin"
    gate.release(dialog.signed_in)
    assert not slotted.signs_in("admin", ADMIN_PASSWORD), "the lost password opens nothing now"


def test_a_wrong_recovery_key_is_refused_and_changes_nothing(
    qtbot: QtBot, slotted: Installation, driver: Driver, messages: Messages
) -> None:
    dialog = open_sign_in(qtbot, slotted.access(), username="admin")
    seen: dict[str, object] = {}

    def try_a_wrong_key(window: QWidget) -> None:
        recover = fill_recovery(qtbot, window, recovery_code.new_code(), "admin", NEW_PASSWORD, NEW_PASSWORD)
        assert recover.username.text() == "admin"
        click(qtbot, recover.set_button)
        seen["boxes"] = messages.texts()
        seen["titles"] = [box.windowTitle() for box in messages.boxes()]
        messages.close_all()
        seen["still open"] = recover.isVisible()
        recover.code.clear()
        type_into(qtbot, recover.code, "ABCD-EFGH")  # half a key
        click(qtbot, recover.set_button)
        seen["half"] = messages.texts()
        messages.close_all()
        click(qtbot, recover.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel))

    driver.when(RecoverPasswordDialog, try_a_wrong_key)
    click(qtbot, dialog.recover_button)

    assert driver.problems == []
    assert seen["boxes"] == ["That recovery key does not open this database."]
    assert seen["titles"] == ["Set a password: not done"]
    assert seen["still open"] is True
    half = seen["half"]
    assert isinstance(half, list) and len(half) == 1 and "32 letters and digits" in half[0]
    assert dialog.failure.isHidden(), "the sign-in window says nothing was set"
    assert slotted.signs_in("admin", ADMIN_PASSWORD)
    assert not slotted.signs_in("admin", NEW_PASSWORD)


def test_mistyped_passwords_and_unknown_names_are_shown_beside_the_fields(
    qtbot: QtBot, slotted: Installation, driver: Driver, messages: Messages
) -> None:
    dialog = open_sign_in(qtbot, slotted.access())
    seen: dict[str, object] = {}

    def mistype(window: QWidget) -> None:
        recover = fill_recovery(qtbot, window, slotted.recovery, "admin", NEW_PASSWORD, MISTYPED)
        click(qtbot, recover.set_button)
        seen["message"] = recover.form.message("password_confirmation")
        seen["boxes"] = messages.texts()
        seen["still open"] = recover.isVisible()
        recover.confirmation.clear()
        type_into(qtbot, recover.confirmation, NEW_PASSWORD)
        recover.username.clear()
        type_into(qtbot, recover.username, "nobody")
        click(qtbot, recover.set_button)
        seen["unknown"] = recover.form.message("username")
        seen["cleared"] = recover.form.message("password_confirmation")
        qtbot.keyClick(recover, Qt.Key.Key_Escape)

    driver.when(RecoverPasswordDialog, mistype)
    click(qtbot, dialog.recover_button)

    assert driver.problems == []
    assert seen == {
        "message": "The two passwords are not the same: type them again.",
        "boxes": [],
        "still open": True,
        "unknown": "No account has that user name.",
        "cleared": "",
    }
    assert visible(RecoverPasswordDialog) == [], "Escape closes it"
    assert dialog.failure.isHidden()
    assert slotted.signs_in("admin", ADMIN_PASSWORD)


# --- 3. the recovery key window ---------------------------------------------------------------


def test_the_recovery_key_window_cannot_be_closed_until_the_key_is_kept(qtbot: QtBot) -> None:
    code = recovery_code.new_code()
    dialog = RecoveryKeyDialog(code, "Encrypted file /tmp/linkworker.db")
    qtbot.addWidget(dialog)
    dialog.show()

    assert CODE.fullmatch(dialog.key.text()) and dialog.key.text() == code
    assert len(dialog.key.text().split("-")) == 8
    assert dialog.key.width() >= dialog.key.sizeHint().width(), "the whole key is on screen"
    assert not dialog.continue_button.isEnabled()
    assert not dialog.kept.isChecked()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert not dialog.close()
    assert dialog.isVisible(), "closing the window does not lose the key"
    qtbot.keyClick(dialog.kept, Qt.Key.Key_Return)  # Enter does not press a disabled Continue
    assert dialog.isVisible()

    click(qtbot, dialog.kept)
    assert dialog.continue_button.isEnabled()
    click(qtbot, dialog.kept)
    assert not dialog.continue_button.isEnabled(), "untick it and Continue is off again"
    click(qtbot, dialog.kept)
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog.continue_button)
    assert not dialog.isVisible()


def test_the_recovery_key_is_shown_larger_than_the_advice(qtbot: QtBot) -> None:
    """IT copies the key by hand from this window: it should stand out from the text around it."""
    dialog = RecoveryKeyDialog(recovery_code.new_code(), "Encrypted file /tmp/linkworker.db")
    qtbot.addWidget(dialog)
    dialog.show()
    labels = dialog.findChildren(QLabel)
    [advice] = [label for label in labels if label.text().startswith("This recovery key")]
    assert dialog.key.font().bold()
    assert dialog.key.font().pointSize() >= advice.font().pointSize() + 4


def test_set_up_shows_the_key_that_opens_the_new_database(
    qtbot: QtBot, tmp_path: Path, fake_keyring: MemoryKeyring
) -> None:
    """The first run, on a real new file: the code the window shows is the one that opens it."""
    installation = Installation(tmp_path / "linkworker.db", tmp_path / "keys", "")
    flow = AppFlow(installation.access())
    flow.start()
    try:
        wizard = flow.wizard
        assert wizard is not None
        type_into(qtbot, wizard.pcn_page.name, "Orchard PCN")
        type_into(qtbot, wizard.pcn_page.ods_code, "U99902")
        wizard.next()
        model = wizard.practices_page.model
        model.setData(model.index(0, PracticeDraftModel.NAME), "Orchard Surgery")
        model.setData(model.index(0, PracticeDraftModel.ODS_CODE), "G99011")
        wizard.next()
        type_into(qtbot, wizard.admin_page.full_name, "Pat Admin")
        type_into(qtbot, wizard.admin_page.username, "p.admin")
        type_into(qtbot, wizard.admin_page.password, ADMIN_PASSWORD)
        type_into(qtbot, wizard.admin_page.confirmation, ADMIN_PASSWORD)
        wizard.next()
        with qtbot.waitSignal(wizard.accepted):
            click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))

        shown = flow.recovery_key
        assert shown is not None and shown.isVisible() and flow.sign_in is None
        code = shown.key.text()
        assert CODE.fullmatch(code)
        qtbot.keyClick(shown, Qt.Key.Key_Escape)
        assert shown.isVisible() and flow.sign_in is None
        click(qtbot, shown.kept)
        click(qtbot, shown.continue_button)
        assert flow.sign_in is not None and flow.sign_in.isVisible()
        assert flow.sign_in.recover_button.isVisible()
        with qtbot.waitSignal(flow.finished):
            click(qtbot, flow.sign_in.quit_button)
    finally:
        for window in (flow.wizard, flow.recovery_key, flow.sign_in, flow.window):
            if window is not None:
                window.hide()

    assert fake_keyring.secrets == {}
    assert installation.access().open_unlocked() is None, "the key is kept only in slots"
    assert installation.signs_in("p.admin", ADMIN_PASSWORD)
    assert installation.access().recover(code, "p.admin", NEW_PASSWORD) == "p.admin"
    assert installation.signs_in("p.admin", NEW_PASSWORD)


# --- 4. the Data key tab: a new recovery key --------------------------------------------------


def test_the_data_key_tab_makes_a_new_recovery_key_and_retires_the_old(
    qtbot: QtBot,
    slotted: Installation,
    signed_in_admin: tuple[DataAccess, SignedIn],
    driver: Driver,
    messages: Messages,
) -> None:
    _gate, admin = signed_in_admin
    tab = open_keys_tab(qtbot, admin.database, admin.actor)
    assert tab.state.text().startswith(NOTHING_LEFT)
    assert tab.new_key_button.isVisible() and tab.new_key_button.isEnabled()
    assert tab.retire_button.isHidden(), "no old key copy to remove"

    questions: list[str] = []
    kept = KeptKey()
    driver.when(QMessageBox, answer_question(QMessageBox.StandardButton.Yes, questions))
    driver.when(RecoveryKeyDialog, keep_the_key(qtbot, kept))
    click(qtbot, tab.new_key_button)

    assert driver.problems == [] and driver.steps == []
    assert questions == ["The current recovery key will stop working, and the new one is shown once. Go on?"]
    assert CODE.fullmatch(kept.code) and kept.code != slotted.recovery
    assert kept.continue_enabled_at_first is False
    assert messages.texts() == []
    assert tab.state.text().startswith(NOTHING_LEFT)

    access = slotted.access()
    with pytest.raises(SignInFailed, match="does not open this database"):
        access.recover(slotted.recovery, "worker", NEW_PASSWORD)
    assert slotted.signs_in("worker", WORKER_PASSWORD), "the refused key changed nothing"
    assert access.recover(kept.code, "worker", NEW_PASSWORD) == "worker"
    assert slotted.signs_in("worker", NEW_PASSWORD)


def test_answering_no_keeps_the_recovery_key(
    qtbot: QtBot,
    slotted: Installation,
    signed_in_admin: tuple[DataAccess, SignedIn],
    driver: Driver,
) -> None:
    _gate, admin = signed_in_admin
    tab = open_keys_tab(qtbot, admin.database, admin.actor)
    before = KeySlots.beside(slotted.file).file.read_bytes()
    made = recovery_keys_made(admin.database)

    questions: list[str] = []
    driver.when(QMessageBox, answer_question(QMessageBox.StandardButton.No, questions))
    click(qtbot, tab.new_key_button)

    assert driver.problems == [] and len(questions) == 1
    assert visible(RecoveryKeyDialog) == []
    assert KeySlots.beside(slotted.file).file.read_bytes() == before
    assert recovery_keys_made(admin.database) == made
    assert slotted.access().recover(slotted.recovery, "worker", NEW_PASSWORD) == "worker"


# --- 5. the Data key tab on an older installation ---------------------------------------------


def test_an_older_installation_lists_what_is_left_then_removes_the_old_copy(
    qtbot: QtBot,
    older: Installation,
    fake_keyring: MemoryKeyring,
    driver: Driver,
    messages: Messages,
) -> None:
    gate = older.access()
    admin = gate.sign_in("admin", ADMIN_PASSWORD)  # the keyring copy opens it; the password is checked
    try:
        tab = open_keys_tab(qtbot, admin.database, admin.actor)
        text = tab.state.text()
        assert text.startswith("<b>Still to do:</b>")
        assert "Make a recovery key" in text
        assert "These users have not signed in since the upgrade: worker." in text
        assert "Remove the old copy" not in text
        assert tab.retire_button.isVisible() and not tab.retire_button.isEnabled()
        assert tab.new_key_button.isVisible()

        gate.release(gate.sign_in("worker", WORKER_PASSWORD))  # the worker's first sign-in since
        kept = KeptKey()
        driver.when(QMessageBox, answer_question(QMessageBox.StandardButton.Yes, []))
        driver.when(RecoveryKeyDialog, keep_the_key(qtbot, kept))
        click(qtbot, tab.new_key_button)
        assert driver.problems == [] and CODE.fullmatch(kept.code)

        assert tab.retire_button.isVisible() and tab.retire_button.isEnabled()
        assert "Remove the old copy of the database key (the system keyring)." in tab.state.text()
        assert fake_keyring.secrets != {}
        click(qtbot, tab.retire_button)

        assert messages.texts() == []
        assert fake_keyring.secrets == {}, "the keyring entry is gone"
        assert tab.state.text().startswith(NOTHING_LEFT)
        assert tab.retire_button.isHidden()
    finally:
        gate.close()

    assert older.access().open_unlocked() is None, "now only a password opens it"
    assert older.signs_in("worker", WORKER_PASSWORD)
    assert older.access().recover(kept.code, "admin", NEW_PASSWORD) == "admin"


# --- 6. a shared PostgreSQL server ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_shared_server_has_no_data_key_buttons_and_no_forgotten_password(
    qtbot: QtBot, database: Database
) -> None:
    admin = _set_up_pcn(database)[Role.ADMIN]
    tab = open_keys_tab(qtbot, database, admin)
    assert "shared PostgreSQL database" in tab.state.text()
    assert "There is no recovery key." in tab.state.text()
    assert tab.new_key_button.isHidden() and tab.retire_button.isHidden()

    dialog = open_sign_in(qtbot, DataAccess.of_open(database))
    assert dialog.recover_button.isHidden()
    assert dialog.sign_in_button.isVisible()
