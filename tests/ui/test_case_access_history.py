"""A case's access history on real widgets: administrators open it from the case record and see
who opened the case, newest first, a page at a time; nobody else is offered it or can read it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import open_case
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.administration.audit_tab import EN_DASH
from linkworker.ui.cases.case_access_history import CaseAccessHistory
from linkworker.ui.cases.case_view import CaseView
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
USER, ACTION, RECORD = 1, 2, 3


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """The window is the subject here; the service is checked on both databases elsewhere."""
    return sqlite_database


@pytest.fixture
def actors(sqlite_actors: dict[Role, Actor]) -> dict[Role, Actor]:
    return sqlite_actors


@pytest.fixture
def case(database: Database, actors: dict[Role, Actor]) -> int:
    worker = actors[Role.LINK_WORKER]
    referral_id = new_case(database, worker)
    with database.session() as session:
        open_case(session, worker, referral_id)
    return referral_id


def case_view(qtbot: QtBot, database: Database, actor: Actor, case: int) -> CaseView:
    view = CaseView(Workspace(database, actor), case)
    qtbot.addWidget(view)
    view.show()
    return view


def open_history(qtbot: QtBot, view: CaseView) -> tuple[QDialog, CaseAccessHistory]:
    qtbot.mouseClick(view.access_button, CLICK)
    dialog = view.findChild(QDialog)
    assert isinstance(dialog, QDialog)
    qtbot.waitExposed(dialog)
    history = dialog.findChild(CaseAccessHistory)
    assert isinstance(history, CaseAccessHistory)
    return dialog, history


def cells(history: CaseAccessHistory, column: int) -> list[str]:
    model = history.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_an_administrator_sees_who_opened_the_case(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int
) -> None:
    view = case_view(qtbot, database, actors[Role.ADMIN], case)
    assert view.access_button.isVisible()
    dialog, history = open_history(qtbot, view)
    assert dialog.windowTitle() == f"Access history: LW-{case:06d}"
    assert cells(history, USER)[:2] == ["Ada Admin (admin)", "Wren Worker (worker)"]  # newest first
    assert cells(history, ACTION) == ["Case viewed", "Case viewed", "Referral created"]
    assert set(cells(history, RECORD)) == {f"Case LW-{case:06d}"}
    assert history.pager.position.text() == f"Events 1{EN_DASH}3 of 3"
    assert view.isVisible()  # the case record stays usable beside it
    dialog.reject()


def test_nobody_else_is_offered_it(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int
) -> None:
    view = case_view(qtbot, database, actors[Role.LINK_WORKER], case)
    assert not view.access_button.isVisible()


def test_the_service_refuses_it_even_if_the_window_were_built_for_a_link_worker(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int, messages: Messages
) -> None:
    history = CaseAccessHistory(Workspace(database, actors[Role.LINK_WORKER]), case)
    qtbot.addWidget(history)
    history.show()
    assert history.model.rowCount() == 0
    qtbot.waitUntil(lambda: any("not allowed" in box.windowTitle() for box in messages.boxes()))


def test_it_holds_only_this_case_and_reads_again_with_f5(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int
) -> None:
    worker = actors[Role.LINK_WORKER]
    other = new_case(database, worker, given_name="Ivo", family_name="Other")
    view = case_view(qtbot, database, actors[Role.ADMIN], case)
    dialog, history = open_history(qtbot, view)
    before = history.model.rowCount()
    with database.session() as session:
        open_case(session, worker, other)
        audit.record(session, worker, "gp_letter_viewed", "referral", case)
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.keyClick(history.table, Qt.Key.Key_F5)
    assert history.model.rowCount() == before + 1
    assert cells(history, ACTION)[0] == "GP letter viewed"
    assert set(cells(history, RECORD)) == {f"Case LW-{case:06d}"}
    dialog.reject()


def test_a_long_history_pages(qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int) -> None:
    with database.session() as session:
        for _ in range(250):
            audit.record(session, actors[Role.LINK_WORKER], "case_viewed", "referral", case)
    view = case_view(qtbot, database, actors[Role.ADMIN], case)
    dialog, history = open_history(qtbot, view)
    assert history.pager.position.text() == f"Events 1{EN_DASH}200 of 253"
    qtbot.mouseClick(history.pager.next_button, CLICK)
    assert history.pager.position.text() == f"Events 201{EN_DASH}253 of 253"
    assert cells(history, ACTION)[-1] == "Referral created"
    qtbot.mouseClick(history.pager.previous_button, CLICK)
    assert history.pager.position.text() == f"Events 1{EN_DASH}200 of 253"
    dialog.reject()
