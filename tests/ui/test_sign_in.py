"""The sign-in window with right and wrong passwords, the demo hint and where the data lives."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.ui.shell.sign_in import SignInDialog
from tests.conftest import WORKER_PASSWORD


@pytest.fixture
def dialog(qtbot: QtBot, database: Database, actors: dict[Role, Actor]) -> SignInDialog:
    dialog = SignInDialog(DataAccess.of_open(database))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def sign_in(qtbot: QtBot, dialog: SignInDialog, username: str, password: str) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter presses the default button


def test_right_password_signs_in(qtbot: QtBot, dialog: SignInDialog) -> None:
    with qtbot.waitSignal(dialog.accepted):
        sign_in(qtbot, dialog, "worker", WORKER_PASSWORD)
    assert dialog.signed_in is not None
    assert (dialog.signed_in.actor.username, dialog.signed_in.actor.role) == ("worker", Role.LINK_WORKER)


def test_wrong_password_is_refused_in_plain_words_and_recorded(
    qtbot: QtBot, dialog: SignInDialog, database: Database, actors: dict[Role, Actor]
) -> None:
    sign_in(qtbot, dialog, "worker", "not the password at all")

    assert dialog.isVisible() and dialog.signed_in is None
    assert not dialog.failure.isHidden()
    assert dialog.failure.text() == "The user name or password is not right."
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    assert dialog.username.text() == "worker"
    # The failed attempt was committed, not rolled back with the refusal: the throttling counts it.
    with database.session() as session:
        events = audit.recent(session, actors[Role.ADMIN], limit=5)
    assert events[0].action == "sign_in_failed" and events[0].username == "worker"

    with qtbot.waitSignal(dialog.accepted):
        sign_in(qtbot, dialog, "worker", WORKER_PASSWORD)
    assert dialog.failure.isHidden()


def test_unknown_user_gets_the_same_message(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    dialog = SignInDialog(DataAccess.of_open(sqlite_database))
    qtbot.addWidget(dialog)
    dialog.show()
    sign_in(qtbot, dialog, "nobody", WORKER_PASSWORD)
    assert dialog.failure.text() == "The user name or password is not right."


def test_shows_the_demo_hint_and_where_the_data_lives(qtbot: QtBot, sqlite_database: Database) -> None:
    dialog = SignInDialog(
        DataAccess.of_open(sqlite_database), hint="Demo: sign in as lw.one with password demo-password-1"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.hint.isVisible() and "lw.one" in dialog.hint.text()
    assert dialog.where.text() == f"Data: {sqlite_database.location.description}"
    assert dialog.where.text().startswith("Data: Encrypted file ")
    assert dialog.sign_in_button.isDefault()
    assert dialog.focusWidget() is dialog.username


def test_no_hint_box_without_a_hint(qtbot: QtBot, sqlite_database: Database) -> None:
    dialog = SignInDialog(DataAccess.of_open(sqlite_database), username="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.hint.isHidden()
    assert dialog.username.text() == "admin"
    assert dialog.focusWidget() is dialog.password  # the user name is known: type the password
    assert [dialog.username.accessibleName(), dialog.password.accessibleName()] == ["User name", "Password"]
