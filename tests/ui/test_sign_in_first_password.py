"""A password an administrator set is changed at the first sign-in: the window asks for the user's
own before any record shows, and the only other way on is to sign out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, UserAccount
from linkworker.ui.shell.app import AppFlow
from linkworker.ui.shell.choose_password_dialog import ChooseOwnPasswordDialog
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD

OWN_PASSWORD = "marble teapot horizon"


@pytest.fixture
def flow(qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> Iterator[AppFlow]:
    """The window's flow on the test PCN, its link worker's password set by the administrator
    and not yet changed (the shared fixture's staff have chosen theirs)."""
    with sqlite_database.session() as session:
        session.execute(
            update(UserAccount).where(UserAccount.username == "worker").values(must_change_password=True)
        )
    flow = AppFlow(DataAccess.of_open(sqlite_database))
    flow.start()
    yield flow
    for window in (flow.sign_in, flow.choose_password, flow.window):
        if window is not None:
            window.hide()


def sign_in(qtbot: QtBot, flow: AppFlow, username: str, password: str) -> None:
    dialog = flow.sign_in
    assert dialog is not None and dialog.isVisible()
    dialog.username.setText(username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def must_change(database: Database, username: str) -> bool:
    with database.session() as session:
        flag = session.scalar(
            select(UserAccount.must_change_password).where(UserAccount.username == username)
        )
    assert flag is not None
    return flag


def chooser_of(flow: AppFlow) -> ChooseOwnPasswordDialog:
    chooser = flow.choose_password
    assert chooser is not None and chooser.isVisible()
    return chooser


def test_a_password_set_by_an_administrator_is_changed_before_any_record_shows(
    qtbot: QtBot, flow: AppFlow, sqlite_database: Database
) -> None:
    assert must_change(sqlite_database, "worker"), "the administrator chose the worker's password"
    sign_in(qtbot, flow, "worker", WORKER_PASSWORD)
    chooser = chooser_of(flow)
    assert flow.window is None, "no record before the user has a password of their own"
    assert chooser.windowTitle() == "Choose your own password"
    assert "administrator" in chooser.introduction.text()
    assert chooser.cancel_button.text() == "Sign &out"

    qtbot.keyClicks(chooser.current, WORKER_PASSWORD)
    qtbot.keyClicks(chooser.new, WORKER_PASSWORD)
    qtbot.keyClicks(chooser.confirmation, WORKER_PASSWORD)
    chooser.save_button.click()
    assert chooser.isVisible() and flow.window is None, "the password given cannot be kept"

    for field in (chooser.new, chooser.confirmation):
        field.clear()
        qtbot.keyClicks(field, OWN_PASSWORD)
    chooser.save_button.click()
    assert flow.window is not None and flow.window.isVisible() and not chooser.isVisible()
    assert not must_change(sqlite_database, "worker")


def test_signing_out_instead_returns_to_the_sign_in_window(
    qtbot: QtBot, flow: AppFlow, sqlite_database: Database
) -> None:
    sign_in(qtbot, flow, "worker", WORKER_PASSWORD)
    first_sign_in = flow.sign_in
    chooser = chooser_of(flow)
    chooser.cancel_button.click()
    assert flow.window is None and not chooser.isVisible()
    assert flow.sign_in is not None and flow.sign_in is not first_sign_in and flow.sign_in.isVisible()
    assert flow.sign_in.username.text() == "worker" and flow.signed_in is None
    assert must_change(sqlite_database, "worker")
    with sqlite_database.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.action, last.username) == ("sign_out", "worker")

    sign_in(qtbot, flow, "worker", WORKER_PASSWORD)
    chooser_of(flow).reject()  # Escape or the window's close button: the same
    assert flow.window is None and flow.sign_in is not None and flow.sign_in.isVisible()


def test_someone_who_chose_their_own_password_goes_straight_to_the_records(
    qtbot: QtBot, flow: AppFlow
) -> None:
    sign_in(qtbot, flow, "admin", ADMIN_PASSWORD)
    assert flow.choose_password is None
    assert flow.window is not None and flow.window.isVisible()
