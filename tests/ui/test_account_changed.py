"""A window whose account an administrator has changed since sign-in: the user's next action is
refused with a message that says why and what to do, and nothing is read or saved for them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import ACCOUNT_CHANGED, Workspace
from linkworker.store.database import Database
from linkworker.store.models import UserAccount
from linkworker.ui.cases.today_view import TodayView
from tests.ui.conftest import Messages


def test_an_action_after_the_account_was_deactivated_says_so(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    view = TodayView(Workspace(sqlite_database, worker))
    qtbot.addWidget(view)
    view.show()
    assert messages.texts() == []
    with sqlite_database.session() as session:
        session.execute(update(UserAccount).where(UserAccount.id == worker.user_id).values(active=False))

    qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: messages.texts() == [ACCOUNT_CHANGED])
    [box] = messages.boxes()
    assert box.windowTitle().endswith("not done")
