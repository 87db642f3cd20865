"""The Network area on real widgets: what each role sees, the figures against the records made,
and the cases a line leads to (moving work: tests/ui/test_reassign_dialog.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain.breakdowns import reading
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, WITHHELD
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.network import network
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Referral
from linkworker.ui.cases.caseload_view import CaseloadView
from linkworker.ui.network.network_view import NO_ONE, NetworkView
from tests.conftest import WORKER_PASSWORD
from tests.services.network_builder import Network, build_network


@pytest.fixture
def world(sqlite_database: Database, sqlite_actors: dict) -> Network:
    return build_network(sqlite_database, sqlite_actors)


def _view(qtbot: QtBot, database: Database, world: Network, role: Role) -> NetworkView:
    view = NetworkView(Workspace(database, world.actors[role]))
    qtbot.addWidget(view)
    view.resize(1180, 700)
    view.show()
    view.refresh()
    return view


def _model_texts(model: QAbstractItemModel) -> list[str]:
    return [
        str(model.data(model.index(row, column)) or "")
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    ]


def _all_text(widget: QWidget) -> str:
    """Everything the widget shows or tells a screen reader, tables included."""
    texts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        texts += [child.accessibleName(), child.accessibleDescription(), child.toolTip()]
        if isinstance(child, QLabel | QAbstractButton):
            texts.append(child.text())
        model = getattr(child, "model", None)
        if callable(model) and isinstance(model(), QAbstractItemModel):
            texts += _model_texts(model())
    return "\n".join(texts)


def _headers(model: QAbstractItemModel) -> list[str]:
    return [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]


def _row(model: QAbstractItemModel, first_cell: str) -> int:
    return next(row for row in range(model.rowCount()) if model.data(model.index(row, 0)) == first_cell)


PROTECTED = re.compile(r"0|\*|-|[1-9][0-9,]*[05]")  # 0, starred, withheld or rounded: never 1 to 7


def test_a_manager_sees_protected_counts_and_workload_but_no_one_supported(
    qtbot: QtBot, sqlite_database: Database, world: Network
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.MANAGER)
    with sqlite_database.session() as session:
        figures = network.figures(session, world.actors[Role.MANAGER])

    assert view.tabs is None and view.cases is None and not view.findChildren(CaseloadView)
    assert view.heading.text() == "Network: Test Valley PCN"
    cards = [view.open_cases, view.unassigned, view.overdue, view.due_today, view.due_this_week]
    assert [card.text() for card in cards] == [
        figures.open_cases.text,
        figures.unassigned_cases.text,
        figures.follow_ups.overdue.text,
        figures.follow_ups.due_today.text,
        figures.follow_ups.due_this_week.text,
    ]
    assert view.note.isVisible() and view.note.text() == reading(NHS_DIGITAL)
    # Each practice's open cases only: no breakdown by status, no follow-ups by practice.
    assert _headers(view.practices) == ["Practice", "Open cases"]
    whole = view.practices.rowCount() - 1
    assert view.practices.data(view.practices.index(whole, 0)) == "Whole PCN"
    assert view.practices.data(view.practices.index(whole, 1)) == figures.open_cases.text
    assert view.workload.data(view.workload.index(view.workload.rowCount() - 1, 0)) == NO_ONE

    counts = [card.text() for card in cards] + [
        str(model.data(model.index(row, column)))
        for model in (view.practices, view.workload)
        for row in range(model.rowCount())
        for column in range(1, model.columnCount())
    ]
    assert all(PROTECTED.fullmatch(count) for count in counts), counts
    assert STARRED in counts and WITHHELD in counts  # the world has small counts

    shown = _all_text(view)
    assert "Wren Worker" in shown and "Whole PCN" in shown  # the tables' cells are read too
    for person in world.people():
        assert person.split(", ")[0] not in shown, person


def test_a_worker_holding_one_case_is_starred_for_a_manager_and_1_for_a_link_worker(
    qtbot: QtBot, sqlite_database: Database, world: Network
) -> None:
    admin = world.actors[Role.ADMIN]
    with sqlite_database.session() as session:
        newcomer = create_user(
            session, admin, NewUser("newcomer", "Nia Newcomer", Role.LINK_WORKER, WORKER_PASSWORD)
        )
        case = next(case for case in world.cases if case.worker_id is None and case.status.is_open)
        session.get(Referral, case.id).assigned_worker_id = newcomer.id  # type: ignore[union-attr]

    for role, expected in ((Role.MANAGER, STARRED), (Role.LINK_WORKER, "1")):
        view = _view(qtbot, sqlite_database, world, role)
        row = _row(view.workload, "Nia Newcomer")
        assert view.workload.data(view.workload.index(row, 1)) == expected
    assert _headers(view.practices)[1:5] == ["Referred", "Contacted", "Assessed", "Connected"]
    assert not view.note.isVisible()  # a link worker's counts are exact


def test_a_link_worker_goes_from_a_worker_line_to_their_cases_and_opens_one(
    qtbot: QtBot, sqlite_database: Database, world: Network
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.LINK_WORKER)
    assert view.move_button is None and view.tabs is not None and view.cases is not None
    second = _row(view.workload, "Bea Second")
    view.workload_table.activated.emit(view.workload.index(second, 0))

    assert view.tabs.currentWidget() is view.cases
    cases = view.cases.model
    listed = {cases.row_at(row).referral_id for row in range(cases.rowCount())}
    assert listed == {
        case.id for case in world.cases if case.worker_id == world.second_id and case.status.is_open
    }
    assert not view.cases.mine.isVisible() and not view.cases.everyone.isVisible()

    view.workload_table.activated.emit(view.workload.index(view.workload.rowCount() - 1, 0))  # no one
    listed = {cases.row_at(row).referral_id for row in range(cases.rowCount())}
    assert listed == {case.id for case in world.cases if case.worker_id is None and case.status.is_open}

    view.cases.show_only()
    qtbot.mouseClick(view.cases.overdue, Qt.MouseButton.LeftButton)
    today = date.today()
    late = {f.referral_id for f in world.follow_ups if f.state == "open" and f.due_on < today}
    open_ids = {case.id for case in world.cases if case.status.is_open}
    listed = {cases.row_at(row).referral_id for row in range(cases.rowCount())}
    assert listed == late & open_ids

    first = cases.row_at(0).referral_id
    with qtbot.waitSignal(view.case_requested) as requested:
        view.cases.table.activated.emit(cases.index(0, 0))
    assert requested.args == [first]


def test_refreshing_keeps_the_selected_worker_and_counting_again_reads_no_records(
    qtbot: QtBot, sqlite_database: Database, world: Network
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.LINK_WORKER)
    assert view.tabs is not None and view.cases is not None
    view.workload_table.selectRow(_row(view.workload, "Bea Second"))
    view.tabs.setCurrentWidget(view.cases)  # the case list is read (and audited) when shown
    viewings = select(func.count()).where(AuditEvent.action == "caseload_viewed")
    with sqlite_database.session() as session:
        listed = session.scalar(viewings)
        # Meanwhile someone closes one of the leaver's cases.
        held = [case.id for case in world.cases if case.worker_id == world.leaver_id and case.status.is_open]
        session.get(Referral, held[0]).status = CaseStatus.CLOSED.value  # type: ignore[union-attr]

    view.count_again()
    leaver = view.workload.record(_row(view.workload, "Lee Leaver (deactivated)"))
    assert leaver.open_cases.exact == len(held) - 1
    selected = view.selected_worker()
    assert selected is not None and selected.worker_id == world.second_id
    with sqlite_database.session() as session:
        assert session.scalar(viewings) == listed
    view.refresh()  # the whole area, the list it shows included
    with sqlite_database.session() as session:
        assert session.scalar(viewings) == (listed or 0) + 1
