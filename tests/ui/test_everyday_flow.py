"""The everyday flow of issue 15 on real widgets: finding a case by its number in the caseload
and the Network area."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.ui.caseload_view import CaseloadView
from linkworker.ui.network_view import NetworkView
from tests.ui.caseload_cases import Made, is_open, make_cases


@pytest.fixture
def cases(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> list[Made]:
    return make_cases(sqlite_database, sqlite_actors, 30)


def _shown(view: CaseloadView) -> list[int]:
    return [view.model.row_at(row).referral_id for row in range(view.model.rowCount())]


def _type_search(view: CaseloadView, qtbot: QtBot, text: str) -> None:
    """Type into the search box as a user does, then wait for the list to be asked again."""
    view.search.clear()
    with qtbot.waitSignal(view.model.modelReset, timeout=3000):
        qtbot.keyClicks(view.search, text)


@pytest.mark.parametrize("typed", ["LW-{id:06d}", "lw{id}", "{id}"])
def test_typing_a_case_number_in_my_caseload_shows_that_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], cases: list[Made], typed: str
) -> None:
    """An ended case someone else holds: the number finds it from my open cases all the same."""
    wanted = next(case for case in cases if not is_open(case) and case.worker != "Wren Worker")
    view = CaseloadView(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    assert wanted.id not in _shown(view)
    _type_search(view, qtbot, typed.format(id=wanted.id))
    assert _shown(view) == [wanted.id]
    assert view.count_label.text() == "1 case"
    assert not view.search_message.isVisible()
    view.table.setFocus()
    view.table.selectRow(0)
    with qtbot.waitSignal(view.case_requested) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [wanted.id]


def test_typing_a_case_number_in_the_network_area_shows_that_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], cases: list[Made]
) -> None:
    wanted = next(case for case in cases if case.worker is None and is_open(case))
    view = NetworkView(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    assert view.tabs is not None and view.cases is not None
    view.tabs.setCurrentWidget(view.cases)
    _type_search(view.cases, qtbot, f"LW-{wanted.id:06d}")
    assert _shown(view.cases) == [wanted.id]
    assert "case number" in view.cases.search.placeholderText()
