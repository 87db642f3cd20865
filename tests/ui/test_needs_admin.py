"""The needs list screen: a manager adds, deactivates and brings back the PCN's own needs; the
national ones are shown read-only; a link worker may look but not change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker import catalogues
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.needs import add_local_need, set_local_need_active
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import LocalNeed
from linkworker.ui.administration.needs_admin import NeedsAdmin
from tests.ui.conftest import Messages


def open_admin(qtbot: QtBot, database: Database, actor: Actor) -> NeedsAdmin:
    admin = NeedsAdmin(Workspace(database, actor))
    qtbot.addWidget(admin)
    admin.show()
    admin.refresh()
    return admin


def local_rows(admin: NeedsAdmin) -> list[tuple[str, str, str]]:
    model = admin.local
    return [
        (model.data(model.index(row, 0)), model.data(model.index(row, 1)), model.data(model.index(row, 2)))
        for row in range(model.rowCount())
    ]


def select_need(admin: NeedsAdmin, label: str) -> None:
    for row, need in enumerate(admin.local.records()):
        if need.label == label:
            admin.local_table.selectionModel().setCurrentIndex(
                admin.local.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            return
    raise AssertionError(label)


def stored(database: Database) -> list[tuple[str, bool]]:
    with database.session() as session:
        return [(n.label, n.active) for n in session.scalars(select(LocalNeed).order_by(LocalNeed.label))]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_a_manager_or_admin_adds_a_need_and_it_is_selected(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], role: Role
) -> None:
    admin = open_admin(qtbot, database, actors[role])
    assert admin.editing.isVisible() and not admin.read_only_note.isVisible()
    qtbot.keyClicks(admin.label, "  Pet   care ")
    qtbot.keyClick(admin.label, Qt.Key.Key_Return)
    assert local_rows(admin) == [("Pet care", "Active", "0")]
    assert admin.selected() is not None and admin.selected().label == "Pet care"  # type: ignore[union-attr]
    assert admin.label.text() == ""
    assert admin.deactivate_button.isEnabled() and not admin.reactivate_button.isEnabled()
    assert stored(database) == [("Pet care", True)]


def test_a_need_already_listed_or_without_a_name_is_refused_beside_the_field(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    admin = open_admin(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    qtbot.keyClicks(admin.label, "debt and MONEY")
    qtbot.mouseClick(admin.add_button, Qt.MouseButton.LeftButton)
    assert admin.form.message("label") == "The list already has “debt and MONEY”."
    assert admin.label.text() == "debt and MONEY"  # kept, to correct
    admin.label.clear()
    qtbot.mouseClick(admin.add_button, Qt.MouseButton.LeftButton)
    assert admin.form.message("label") == "Enter the name of the need."
    assert stored(sqlite_database) == []


def test_deactivate_and_reactivate_a_need(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        add_local_need(session, actors[Role.MANAGER], "Pet care")
        add_local_need(session, actors[Role.MANAGER], "Gardening")
    admin = open_admin(qtbot, database, actors[Role.MANAGER])
    assert [row[0] for row in local_rows(admin)] == ["Gardening", "Pet care"]
    assert not admin.deactivate_button.isEnabled() and not admin.reactivate_button.isEnabled()
    select_need(admin, "Pet care")

    qtbot.mouseClick(admin.deactivate_button, Qt.MouseButton.LeftButton)
    assert local_rows(admin)[1] == ("Pet care", "Deactivated", "0")
    assert admin.reactivate_button.isEnabled() and not admin.deactivate_button.isEnabled()
    assert stored(database) == [("Gardening", True), ("Pet care", False)]

    qtbot.mouseClick(admin.reactivate_button, Qt.MouseButton.LeftButton)
    assert local_rows(admin)[1] == ("Pet care", "Active", "0")
    assert stored(database) == [("Gardening", True), ("Pet care", True)]


def test_a_need_changed_elsewhere_is_refused_and_the_list_reloaded(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    with sqlite_database.session() as session:
        pets = add_local_need(session, manager, "Pet care")
    admin = open_admin(qtbot, sqlite_database, manager)
    select_need(admin, "Pet care")
    with sqlite_database.session() as session:
        set_local_need_active(session, sqlite_actors[Role.ADMIN], pets.id, pets.version, False)
    qtbot.mouseClick(admin.deactivate_button, Qt.MouseButton.LeftButton)
    assert messages.texts()[0].startswith("Someone else changed this need")
    assert local_rows(admin) == [("Pet care", "Deactivated", "0")]
    assert admin.reactivate_button.isEnabled()


def test_a_link_worker_sees_both_lists_but_cannot_change_them(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    with sqlite_database.session() as session:
        add_local_need(session, sqlite_actors[Role.ADMIN], "Pet care")
    admin = open_admin(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert not admin.editing.isVisible() and admin.read_only_note.isVisible()
    assert local_rows(admin) == [("Pet care", "Active", "0")]
    national = [admin.national.data(admin.national.index(row, 0)) for row in range(admin.national.rowCount())]
    assert national == [need.label for need in catalogues.needs()]
