"""The Administration area changes real records: users, practices, and shows the audit trail."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services import signing_in
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation, users
from linkworker.services.errors import SignInFailed
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.administration.admin_dialogs import (
    AddPracticeDialog,
    AddUserDialog,
    ReactivateUserDialog,
    ResetPasswordDialog,
)
from linkworker.ui.administration.admin_view import AdminView, RecordTab
from tests.conftest import WORKER_PASSWORD
from tests.ui.conftest import Messages

NEW_PASSWORD = "marble pelican harvest"


def open_view(qtbot: QtBot, database: Database, admin: Actor) -> AdminView:
    view = AdminView(Workspace(database, admin))
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    return view


@pytest.fixture
def view(qtbot: QtBot, database: Database, actors: dict[Role, Actor]) -> AdminView:
    """On SQLite and PostgreSQL, for the tests that check the records changed."""
    return open_view(qtbot, database, actors[Role.ADMIN])


@pytest.fixture
def sqlite_view(qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> AdminView:
    """On SQLite only, for the tests about what the screen shows."""
    return open_view(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])


def select(tab: RecordTab, text: str) -> None:  # type: ignore[type-arg]
    """Select the row whose first column reads ``text``, as a click on it would."""
    model = tab.model
    for row in range(model.rowCount()):
        if model.data(model.index(row, 0)) == text:
            tab.table.selectionModel().setCurrentIndex(
                model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            return
    raise AssertionError(f"no row {text!r}")


def column(tab: RecordTab, number: int) -> list[str]:  # type: ignore[type-arg]
    return [tab.model.data(tab.model.index(row, number)) for row in range(tab.model.rowCount())]


def test_add_user_through_the_dialog(
    qtbot: QtBot, view: AdminView, database: Database, actors: dict[Role, Actor]
) -> None:
    tab = view.users
    assert column(tab, 0) == ["admin", "manager", "worker"]
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(AddUserDialog)
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.full_name, "Lee Link")
    qtbot.keyClicks(dialog.username, "l link")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.LINK_WORKER))
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.confirmation, "short")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # every problem at once, each beside its field
    assert dialog.form.message("username").startswith("A user name has 3 to 64 letters")
    assert dialog.form.message("password").startswith("Use at least 10 characters")
    assert dialog.form.message("full_name") == ""
    assert dialog.focusWidget() is dialog.username

    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "worker")
    for edit in (dialog.password, dialog.confirmation):
        edit.clear()
        qtbot.keyClicks(edit, NEW_PASSWORD)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.message("username") == "The user name worker is already taken."  # from the service
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "l.link")

    for edit in (dialog.password, dialog.confirmation):
        edit.clear()
        qtbot.keyClicks(edit, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)

    assert column(tab, 0) == ["admin", "l.link", "manager", "worker"]
    assert tab.selected() is not None and tab.selected().username == "l.link"
    with database.session() as session:
        listed = {user.username: user for user in users.list_users(session, actors[Role.ADMIN])}
        signed_in = signing_in.sign_in(session, "l.link", NEW_PASSWORD)
    assert listed["l.link"].role is Role.LINK_WORKER and listed["l.link"].full_name == "Lee Link"
    assert signed_in.role is Role.LINK_WORKER


def test_deactivate_and_reactivate_a_user(
    qtbot: QtBot, view: AdminView, database: Database, actors: dict[Role, Actor]
) -> None:
    tab = view.users
    assert not tab.deactivate_button.isEnabled()  # nothing selected yet
    select(tab, "worker")
    assert tab.deactivate_button.isEnabled() and not tab.reactivate_button.isEnabled()

    qtbot.mouseClick(tab.deactivate_button, Qt.MouseButton.LeftButton)

    assert tab.selected() is not None and not tab.selected().active
    assert column(tab, 3)[column(tab, 0).index("worker")] == "Deactivated"
    assert tab.reactivate_button.isEnabled() and not tab.deactivate_button.isEnabled()
    with pytest.raises(SignInFailed, match="deactivated"), database.session() as session:
        signing_in.sign_in(session, "worker", WORKER_PASSWORD)

    qtbot.mouseClick(tab.reactivate_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(ReactivateUserDialog)
    assert dialog is not None
    qtbot.keyClicks(dialog.password, NEW_PASSWORD)
    qtbot.keyClicks(dialog.confirmation, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with database.session() as session:
        assert signing_in.sign_in(session, "worker", NEW_PASSWORD).role is Role.LINK_WORKER


def test_deactivating_yourself_is_refused_with_a_message(
    qtbot: QtBot, sqlite_view: AdminView, sqlite_database: Database, messages: Messages
) -> None:
    select(sqlite_view.users, "admin")
    qtbot.mouseClick(sqlite_view.users.deactivate_button, Qt.MouseButton.LeftButton)
    assert messages.texts() == ["You cannot deactivate your own account."]
    assert sqlite_view.users.selected() is not None and sqlite_view.users.selected().active


def test_a_stale_list_is_refused_and_reloaded(
    qtbot: QtBot,
    sqlite_view: AdminView,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    messages: Messages,
) -> None:
    tab = sqlite_view.users
    select(tab, "manager")
    shown = tab.selected()
    assert shown is not None
    with sqlite_database.session() as session:  # another administrator, elsewhere, meanwhile
        users.set_active(session, sqlite_actors[Role.ADMIN], shown.id, shown.version, False)

    qtbot.mouseClick(tab.deactivate_button, Qt.MouseButton.LeftButton)

    [box] = messages.boxes()
    assert box.windowTitle() == "Deactivate user: changed by someone else"
    assert box.text().startswith("Someone else changed this user account after you opened it")
    assert tab.selected() is not None and tab.selected().version != shown.version  # reloaded
    assert not tab.selected().active


def test_reset_password(qtbot: QtBot, sqlite_view: AdminView, sqlite_database: Database) -> None:
    select(sqlite_view.users, "worker")
    qtbot.mouseClick(sqlite_view.users.reset_button, Qt.MouseButton.LeftButton)
    dialog = sqlite_view.users.findChild(ResetPasswordDialog)
    assert dialog is not None
    qtbot.keyClicks(dialog.password, NEW_PASSWORD)
    qtbot.keyClicks(dialog.confirmation, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with sqlite_database.session() as session:
        assert signing_in.sign_in(session, "worker", NEW_PASSWORD).username == "worker"


def test_add_and_deactivate_a_practice(
    qtbot: QtBot, view: AdminView, database: Database, actors: dict[Role, Actor]
) -> None:
    view.tabs.setCurrentWidget(view.practices)
    tab = view.practices
    assert column(tab, 0) == ["Hilltop Practice", "Riverside Surgery"]

    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(AddPracticeDialog)
    assert dialog is not None
    qtbot.keyClicks(dialog.name, "Lakeside Surgery")
    qtbot.keyClicks(dialog.ods_code, "G99001")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.message("practice.ods_code") == "A practice with ODS code G99001 exists already."
    dialog.ods_code.clear()
    qtbot.keyClicks(dialog.ods_code, "g99003")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert column(tab, 0) == ["Hilltop Practice", "Lakeside Surgery", "Riverside Surgery"]
    assert tab.selected() is not None and tab.selected().ods_code == "G99003"

    select(tab, "Riverside Surgery")
    qtbot.mouseClick(tab.deactivate_button, Qt.MouseButton.LeftButton)
    with database.session() as session:
        active = organisation.list_practices(session, actors[Role.ADMIN])
    assert [p.name for p in active] == ["Hilltop Practice", "Lakeside Surgery"]
    assert column(tab, 2) == ["Active", "Active", "Deactivated"]


def test_audit_trail_shows_the_latest_events(qtbot: QtBot, sqlite_view: AdminView) -> None:
    select(sqlite_view.users, "worker")
    qtbot.mouseClick(sqlite_view.users.deactivate_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(sqlite_view.audit.shown, timeout=20_000):
        sqlite_view.tabs.setCurrentWidget(sqlite_view.audit)
    actions = column(sqlite_view.audit, 2)
    assert actions[0] == "User deactivated"
    assert column(sqlite_view.audit, 1)[0] == "Ada Admin (admin)"
    assert "Setup" in actions


def test_controls_are_named_and_reachable_by_keyboard(sqlite_view: AdminView) -> None:
    assert [sqlite_view.tabs.tabText(i) for i in range(sqlite_view.tabs.count())] == [
        "&Users",
        "&Practices",
        "Disc&losure",
        "Audit &trail",
        "&Idle lock",
        "Data &key",
    ]
    mnemonics = [text[text.index("&") + 1].lower() for text in map(sqlite_view.tabs.tabText, range(6))]
    assert len(set(mnemonics)) == len(mnemonics), "each tab has its own Alt key"
    buttons = [
        sqlite_view.users.new_button,
        sqlite_view.users.edit_button,
        sqlite_view.users.deactivate_button,
        sqlite_view.users.reactivate_button,
        sqlite_view.users.reset_button,
    ]
    assert [b.text() for b in buttons] == [
        "&New user…",
        "&Edit…",
        "&Deactivate",
        "&Reactivate…",
        "Reset pass&word…",
    ]
    assert sqlite_view.users.table.accessibleName() == "Users"
    assert not sqlite_view.users.table.tabKeyNavigation()
