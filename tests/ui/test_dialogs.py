"""A form dialog grows to fit the messages it shows beside its fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.widgets.dialogs import ChangePasswordDialog


def test_messages_beside_fields_are_never_drawn_over_the_next_field(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    dialog = ChangePasswordDialog(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(dialog.width(), dialog.minimumSizeHint().height())
    qtbot.keyClicks(dialog.new, "short")
    qtbot.keyClicks(dialog.confirmation, "different")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.form.message("new_password")
    # Every field with its message has the room it asks for.
    assert dialog.height() >= dialog.sizeHint().height()
