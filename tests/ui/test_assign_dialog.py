"""The Assign dialog on a real case screen: who it offers (link workers, an administrator who
holds work, the administrator assigning; never one who is no link worker), each with their open
cases and overdue follow-ups, and choosing from that list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import FollowUp, Referral, UserAccount
from linkworker.ui.cases.case_dialogs import AssignWorkerDialog
from linkworker.ui.cases.case_view import CaseView
from tests.conftest import WORKER_PASSWORD
from tests.services.casework_builder import new_case
from tests.services.network_builder import TODAY

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    return sqlite_database


@pytest.fixture
def actors(sqlite_actors: dict[Role, Actor]) -> dict[Role, Actor]:
    return sqlite_actors


@pytest.fixture
def case(database: Database, actors: dict[Role, Actor]) -> int:
    """A case waiting for a worker; Wren Worker holds two others, one with an overdue follow-up,
    and Bea Second none; Olly Office is an administrator and holds nothing."""
    admin, worker = actors[Role.ADMIN], actors[Role.LINK_WORKER]
    with database.session() as session:
        create_user(session, admin, NewUser("second", "Bea Second", Role.LINK_WORKER, WORKER_PASSWORD))
        create_user(session, admin, NewUser("office", "Olly Office", Role.ADMIN, WORKER_PASSWORD))
    held = [new_case(database, worker, family_name=name) for name in ("Ashdown", "Brook")]
    with database.session() as session:
        for referral in session.scalars(select(Referral).where(Referral.id.in_(held))):
            referral.assigned_worker_id = worker.user_id
        session.add(
            FollowUp(
                referral_id=held[0], due_on=TODAY - timedelta(days=3), kind="call", owner_id=worker.user_id
            )
        )
    return new_case(database, worker, family_name="Carver")


def open_dialog(
    qtbot: QtBot, database: Database, actor: Actor, case: int
) -> tuple[CaseView, AssignWorkerDialog]:
    view = CaseView(Workspace(database, actor), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    qtbot.mouseClick(view.assign_button, CLICK)
    [dialog] = [dialog for dialog in view.findChildren(AssignWorkerDialog) if dialog.isVisible()]
    return view, dialog


def offered(dialog: AssignWorkerDialog) -> list[str]:
    return [dialog.worker.itemText(index) for index in range(dialog.worker.count())]


def loads(dialog: AssignWorkerDialog) -> list[list[str]]:
    model = dialog.loads
    return [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_a_link_worker_sees_each_workers_open_cases_and_overdue_follow_ups(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int
) -> None:
    worker = actors[Role.LINK_WORKER]
    view, dialog = open_dialog(qtbot, database, worker, case)
    # Administrators who are no link worker (Ada Admin, Olly Office) are not offered.
    assert offered(dialog) == ["No one (unassigned)", "Bea Second", "Wren Worker"]
    assert loads(dialog) == [["Bea Second", "0", "0"], ["Wren Worker (you)", "2", "1"]]
    headers = [
        dialog.loads.headerData(c, Qt.Orientation.Horizontal) for c in range(dialog.loads.columnCount())
    ]
    assert headers == ["Link worker", "Open cases", "Overdue follow-ups"]

    dialog.load_table.activated.emit(dialog.loads.index(0, 1))  # choosing from the list, as Enter does
    assert dialog.worker.currentText() == "Bea Second"
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert "Link worker: Bea Second" in view.facts.text()


def test_an_administrator_may_take_a_case_themselves(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int
) -> None:
    admin = actors[Role.ADMIN]
    view, dialog = open_dialog(qtbot, database, admin, case)
    assert offered(dialog) == ["No one (unassigned)", "Ada Admin", "Bea Second", "Wren Worker"]
    assert loads(dialog)[0] == ["Ada Admin (you)", "0", "0"]
    dialog.worker.setCurrentIndex(dialog.worker.findData(admin.user_id))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert "Link worker: Ada Admin" in view.facts.text()

    # Holding a case now, the administrator is offered to colleagues as one who takes casework.
    _view, dialog = open_dialog(qtbot, database, actors[Role.LINK_WORKER], case)
    assert "Ada Admin" in offered(dialog)
    assert ["Ada Admin", "1", "0"] in loads(dialog)


def test_a_holder_no_longer_offered_is_still_shown_as_holding_the_case(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int
) -> None:
    """A case held by someone who has since left shows them, not "No one", so Assign does not
    read as if the case were waiting."""
    admin = actors[Role.ADMIN]
    with database.session() as session:
        leaver = create_user(
            session, admin, NewUser("leaver", "Lee Leaver", Role.LINK_WORKER, WORKER_PASSWORD)
        )
        session.get_one(Referral, case).assigned_worker_id = leaver.id
    with database.session() as session:
        session.get_one(UserAccount, leaver.id).active = False
    _view, dialog = open_dialog(qtbot, database, actors[Role.LINK_WORKER], case)
    assert dialog.worker.currentText() == "Lee Leaver (holds it now)"
    assert offered(dialog)[-1] == "Lee Leaver (holds it now)"
