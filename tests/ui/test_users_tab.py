"""Administration ▸ Users, typed and clicked: editing an account (user name, full name, role), a
new user name given with a temporary password, reactivating with one, and the accounts whose
password an administrator chose, which must be changed at the next sign-in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services import signing_in
from linkworker.services.actor import Actor
from linkworker.services.administration import users
from linkworker.services.errors import SignInFailed
from linkworker.store.database import Database
from linkworker.ui.administration.admin_dialogs import EditUserDialog, ReactivateUserDialog
from linkworker.ui.administration.admin_view import AdminView
from linkworker.ui.administration.users_tab import UsersTab
from tests.conftest import WORKER_PASSWORD
from tests.ui.conftest import Messages
from tests.ui.test_admin_view import column, open_view, select

TEMPORARY = "kettle orbit lantern"
MUST_CHANGE = "Must change at next sign-in"


@pytest.fixture
def view(qtbot: QtBot, database: Database, actors: dict[Role, Actor]) -> AdminView:
    return open_view(qtbot, database, actors[Role.ADMIN])


def row_of(tab: UsersTab, username: str) -> list[str]:
    row = column(tab, 0).index(username)
    return [tab.model.data(tab.model.index(row, c)) for c in range(tab.model.columnCount())]


def open_edit(qtbot: QtBot, tab: UsersTab, username: str) -> EditUserDialog:
    select(tab, username)
    assert tab.edit_button.isEnabled()
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(EditUserDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def retype(qtbot: QtBot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_the_list_says_whose_password_must_be_changed(
    view: AdminView, database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        users.create_user(
            session,
            actors[Role.ADMIN],
            users.NewUser("newbie", "Nia Newbie", Role.LINK_WORKER, "copper kettle rain"),
        )
    tab = view.users
    tab.refresh()
    header = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert "Password" in header
    password = header.index("Password")
    assert [row_of(tab, name)[password] for name in ("admin", "worker", "newbie")] == [
        "",  # set up the PCN with a password of their own
        "",  # has chosen their own since (the fixture's staff)
        MUST_CHANGE,  # added by the administrator just now
    ]


def test_edit_a_users_role_and_full_name(
    qtbot: QtBot, view: AdminView, database: Database, actors: dict[Role, Actor]
) -> None:
    tab = view.users
    dialog = open_edit(qtbot, tab, "worker")
    assert (dialog.full_name.text(), dialog.username.text()) == ("Wren Worker", "worker")
    assert Role(dialog.role.currentData()) is Role.LINK_WORKER
    assert not dialog.password.isEnabled() and not dialog.confirmation.isEnabled()

    retype(qtbot, dialog.full_name, "Wren Worker-Jones")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.MANAGER))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert row_of(tab, "worker")[1:3] == ["Wren Worker-Jones", "PCN manager"]
    assert tab.selected() is not None and tab.selected().username == "worker"
    with database.session() as session:
        assert signing_in.sign_in(session, "worker", WORKER_PASSWORD).role is Role.MANAGER

    with qtbot.waitSignal(view.audit.shown, timeout=20_000):
        view.tabs.setCurrentWidget(view.audit)  # the trail shows the before and after
    actions = column(view.audit, 2)
    edited = actions.index("User updated")
    assert column(view.audit, 4)[edited] == "role link_worker → manager; full name changed"


def test_a_new_user_name_comes_with_a_temporary_password(
    qtbot: QtBot, view: AdminView, database: Database
) -> None:
    tab = view.users
    dialog = open_edit(qtbot, tab, "worker")
    retype(qtbot, dialog.username, "W.Wren")
    assert dialog.password.isEnabled() and dialog.confirmation.isEnabled()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.form.message("password").startswith("A new user name needs a new temporary password")

    qtbot.keyClicks(dialog.password, "w.wren lantern owl")
    qtbot.keyClicks(dialog.confirmation, "w.wren lantern owl")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.message("password").startswith("The password must not contain the user name")
    assert "w.wren lantern owl" not in dialog.form.message("password")

    retype(qtbot, dialog.password, TEMPORARY)
    retype(qtbot, dialog.confirmation, TEMPORARY)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)

    assert "worker" not in column(tab, 0)
    assert row_of(tab, "w.wren")[-1] == MUST_CHANGE
    assert tab.selected() is not None and tab.selected().username == "w.wren"
    with pytest.raises(SignInFailed), database.session() as session:
        signing_in.sign_in(session, "worker", WORKER_PASSWORD)
    with database.session() as session:
        assert signing_in.sign_in(session, "w.wren", TEMPORARY).username == "w.wren"


def test_going_back_to_the_old_user_name_needs_no_password(qtbot: QtBot, view: AdminView) -> None:
    dialog = open_edit(qtbot, view.users, "manager")
    retype(qtbot, dialog.username, "m.max")
    qtbot.keyClicks(dialog.password, "typed then not needed")
    retype(qtbot, dialog.username, " Manager ")
    assert not dialog.password.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert row_of(view.users, "manager")[0] == "manager"


def test_an_administrator_sees_their_own_role_and_user_name_fixed(
    qtbot: QtBot, view: AdminView, database: Database, actors: dict[Role, Actor]
) -> None:
    dialog = open_edit(qtbot, view.users, "admin")
    assert dialog.username.isReadOnly() and not dialog.role.isEnabled()
    assert "another administrator" in dialog.introduction.text()
    retype(qtbot, dialog.full_name, "Ada Adams")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert row_of(view.users, "admin")[1:3] == ["Ada Adams", "Administrator"]


def test_a_taken_user_name_is_said_beside_the_field(qtbot: QtBot, view: AdminView) -> None:
    dialog = open_edit(qtbot, view.users, "worker")
    retype(qtbot, dialog.username, "manager")
    qtbot.keyClicks(dialog.password, TEMPORARY)
    qtbot.keyClicks(dialog.confirmation, TEMPORARY)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.message("username") == "The user name manager is already taken."
    assert column(view.users, 0) == ["admin", "manager", "worker"]


def test_an_edit_over_someone_elses_change_is_refused_and_kept(
    qtbot: QtBot, view: AdminView, database: Database, actors: dict[Role, Actor], messages: Messages
) -> None:
    dialog = open_edit(qtbot, view.users, "worker")
    shown = view.users.selected()
    assert shown is not None
    with database.session() as session:  # another administrator, meanwhile
        users.reset_password(session, actors[Role.ADMIN], shown.id, shown.version, "quiet harbour lamps")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.ADMIN))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [box] = messages.boxes()
    assert box.text().startswith("Someone else changed this user account after you opened it")
    assert dialog.isVisible() and Role(dialog.role.currentData()) is Role.ADMIN  # the edit is kept
    with database.session() as session:
        listed = {u.username: u for u in users.list_users(session, actors[Role.ADMIN])}
    assert listed["worker"].role is Role.LINK_WORKER


def test_reactivating_sets_a_temporary_password(qtbot: QtBot, view: AdminView, database: Database) -> None:
    tab = view.users
    select(tab, "worker")
    qtbot.mouseClick(tab.deactivate_button, Qt.MouseButton.LeftButton)
    assert tab.reactivate_button.isEnabled()
    qtbot.mouseClick(tab.reactivate_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(ReactivateUserDialog)
    assert dialog is not None and dialog.isVisible()
    assert "Wren Worker (worker)" in dialog.introduction.text()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.message("password").startswith("Use at least 10 characters")
    qtbot.keyClicks(dialog.password, TEMPORARY)
    qtbot.keyClicks(dialog.confirmation, TEMPORARY)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert row_of(tab, "worker")[3] == "Active"
    assert row_of(tab, "worker")[-1] == MUST_CHANGE
    assert tab.deactivate_button.isEnabled() and not tab.reactivate_button.isEnabled()
    with database.session() as session:
        assert signing_in.sign_in(session, "worker", TEMPORARY).username == "worker"


def test_the_edit_controls_are_named_and_reachable_by_keyboard(qtbot: QtBot, view: AdminView) -> None:
    tab = view.users
    assert tab.edit_button.text() == "&Edit…" and not tab.edit_button.isEnabled()
    assert tab.reactivate_button.text() == "&Reactivate…"
    dialog = open_edit(qtbot, tab, "worker")
    assert [
        w.accessibleName() for w in (dialog.full_name, dialog.username, dialog.role, dialog.password)
    ] == [
        "Full name",
        "User name",
        "Role",
        "Temporary password",
    ]
    assert dialog.focusWidget() is dialog.full_name
