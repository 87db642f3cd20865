"""The Caseload area as a link worker uses it: filters, search, sorting by header, opening a case."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from linkworker.domain import nhs_number
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.caseload import SortKey
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.caseload_model import PAGE_SIZE, SORT_KEYS
from linkworker.ui.cases.caseload_view import CaseloadView, count_text
from tests.ui.caseload_cases import NEED_CODES, NEED_LABELS, Made, is_open, make_cases
from tests.ui.conftest import Messages

Shown = Callable[[], list[int]]


@pytest.fixture
def cases(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> list[Made]:
    return make_cases(sqlite_database, sqlite_actors, 60)


@pytest.fixture
def view(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], cases: list[Made], qtbot: QtBot
) -> CaseloadView:
    view = CaseloadView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    return view


def _shown(view: CaseloadView) -> list[int]:
    return [view.model.row_at(row).referral_id for row in range(view.model.rowCount())]


def _choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


def _newest_first(chosen: list[Made]) -> list[int]:
    return [case.id for case in sorted(chosen, key=lambda case: (case.received_on, case.id), reverse=True)]


def test_it_opens_on_my_open_cases_newest_first(view: CaseloadView, cases: list[Made]) -> None:
    mine = [case for case in cases if case.worker == "Wren Worker" and is_open(case)]
    assert view.mine.isChecked() and view.worker.isHidden()
    assert view.table.isColumnHidden(SORT_KEYS.index(SortKey.WORKER))  # always me
    assert not view.table.isColumnHidden(SORT_KEYS.index(SortKey.OVERDUE))
    assert _shown(view) == _newest_first(mine)
    assert view.count_label.text() == f"{len(mine)} cases"
    header = view.table.horizontalHeader()
    assert SORT_KEYS[header.sortIndicatorSection()] == SortKey.RECEIVED
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert [view.practice.itemText(i) for i in range(view.practice.count())] == [
        "Any practice",
        "Hilltop Practice",
        "Riverside Surgery",
    ]
    workers = [view.worker.itemText(i) for i in range(view.worker.count())]
    assert workers == ["Anyone", "Unassigned", "Ada Admin", "Wren Worker"]  # no manager: holds no cases
    needs = [view.need.itemText(i) for i in range(1, view.need.count())]
    assert needs == sorted(needs, key=str.casefold) and NEED_LABELS[NEED_CODES[0]] in needs


def test_tab_goes_through_the_filters_then_the_list(view: CaseloadView) -> None:
    reached = []
    widget = view.nextInFocusChain()
    while widget is not view:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(view):
            reached.append(widget)
        widget = widget.nextInFocusChain()
    # One stop for the scope: the checked button; the arrow keys move between the two.
    expected = [view.mine, view.overdue, view.search, view.practice, view.status, view.need]
    assert reached == [*expected, view.table, view.reload_button]
    assert view.focusProxy() is view.search


def test_filters_narrow_the_pcns_list(view: CaseloadView, cases: list[Made]) -> None:
    view.everyone.click()
    assert view.worker.isVisible() and not view.table.isColumnHidden(SORT_KEYS.index(SortKey.WORKER))
    assert view.table.isColumnHidden(SORT_KEYS.index(SortKey.OVERDUE))  # the room the worker's needs
    assert _shown(view) == _newest_first([case for case in cases if is_open(case)])

    _choose(view.status, "All cases, open and ended")
    assert view.count_label.text() == f"{len(cases)} cases"
    _choose(view.practice, "Hilltop Practice")
    _choose(view.worker, "Unassigned")
    _choose(view.need, NEED_LABELS[NEED_CODES[2]])
    expected = [
        case
        for case in cases
        if case.practice == "Hilltop Practice" and case.worker is None and NEED_CODES[2] in case.needs
    ]
    assert expected and _shown(view) == _newest_first(expected)
    assert view.count_label.text() == count_text(len(expected))

    _choose(view.status, "Not contactable")
    assert view.query().status == CaseStatus.NOT_CONTACTABLE
    assert _shown(view) == _newest_first(
        [case for case in expected if case.status == CaseStatus.NOT_CONTACTABLE]
    )

    view.mine.click()  # my own cases: the worker filter no longer applies
    assert view.query().worker_id is None and view.worker.isHidden()


def test_the_search_waits_for_typing_to_pause(view: CaseloadView, cases: list[Made], qtbot: QtBot) -> None:
    view.everyone.click()
    queries: list[None] = []
    view.model.modelReset.connect(lambda: queries.append(None))
    qtbot.keyClicks(view.search, "Orla Fen")
    assert queries == []  # not a query per letter
    expected = [
        case for case in cases if case.given == "Orla" and case.family == "Fenwick-Hale" and is_open(case)
    ]
    qtbot.waitUntil(lambda: len(queries) == 1)
    assert _shown(view) == _newest_first(expected)

    target = next(case for case in cases if case.nhs_number and is_open(case))
    assert target.nhs_number is not None
    view.search.setText(nhs_number.formatted(target.nhs_number))
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # Enter searches at once
    assert len(queries) == 2 and _shown(view) == [target.id]
    assert view.count_label.text() == "1 case"


def test_a_mistyped_nhs_number_is_explained_beside_the_search(
    view: CaseloadView, messages: Messages, qtbot: QtBot
) -> None:
    view.search.setText("999 000 00")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.search_message.isVisible()
    assert view.search_message.text() == "An NHS number has 10 digits; this has 8."
    assert view.search.property("invalid") is True
    assert view.model.rowCount() == 0 and view.count_label.text() == ""
    assert messages.texts() == []
    view.search.clear()
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert not view.search_message.isVisible() and view.search.property("invalid") is False
    assert view.model.rowCount() > 0


def test_clicking_a_header_sorts_the_whole_list_in_sql(
    view: CaseloadView, cases: list[Made], qtbot: QtBot
) -> None:
    view.everyone.click()
    _choose(view.status, "All cases, open and ended")
    header = view.table.horizontalHeader()
    person = SORT_KEYS.index(SortKey.PERSON)
    position = QPoint(header.sectionViewportPosition(person) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=position)
    by_name = sorted(cases, key=lambda case: (case.family_key, case.given, case.id))
    first_order = view.model.query.descending
    expected = [case.id for case in by_name]
    assert _shown(view) == (expected[::-1] if first_order else expected)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert view.model.query.descending is not first_order
    assert _shown(view) == (expected if first_order else expected[::-1])
    assert header.sortIndicatorSection() == person


def test_double_click_or_enter_asks_for_the_case(view: CaseloadView, qtbot: QtBot) -> None:
    table = view.table
    row = 2
    wanted = view.model.row_at(row).referral_id
    rect = table.visualRect(view.model.index(row, 1))
    # A double-click as the system delivers it: a press and release, then the double-click.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.case_requested) as requested:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert requested.args == [wanted]
    assert view.selected_case() == wanted

    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.case_requested) as requested:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert requested.args == [view.model.row_at(row + 1).referral_id]


def test_refresh_keeps_the_filters_and_the_chosen_case(
    view: CaseloadView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view.everyone.click()
    _choose(view.practice, "Riverside Surgery")
    chosen = view.model.row_at(3).referral_id
    assert view.select_case(chosen)
    make_cases(sqlite_database, sqlite_actors, 4, first_serial=60_000)  # more cases arrive meanwhile
    before = view.model.total
    view.refresh()
    assert view.practice.currentText() == "Riverside Surgery" and view.everyone.isChecked()
    assert view.selected_case() == chosen
    assert view.model.total is not None and before is not None and view.model.total > before


def test_scrolling_down_fetches_the_next_page_and_a_refresh_keeps_the_place(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], qtbot: QtBot
) -> None:
    made = make_cases(sqlite_database, sqlite_actors, PAGE_SIZE + 30)
    view = CaseloadView(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    view.everyone.click()
    _choose(view.status, "All cases, open and ended")
    assert view.model.rowCount() == PAGE_SIZE
    assert view.count_label.text() == f"{len(made)} cases"
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == len(made))
    assert sorted(_shown(view)) == [case.id for case in made]

    # Read again (the Reload button, or the window's timer): still the whole list, the same
    # case selected and the same place in it, though the list was read from its first page.
    far_down = len(made) - 5
    view.select_case(_shown(view)[far_down])
    view.table.scrollTo(view.model.index(far_down, 0))
    place = view.table.verticalScrollBar().value()
    assert place > 0
    view.refresh()
    assert view.model.rowCount() == len(made)
    assert view.selected_case() == _shown(view)[far_down]
    assert view.table.verticalScrollBar().value() == place


def test_count_words() -> None:
    assert [count_text(n) for n in (-1, 0, 1, 2, 12_345)] == [
        "",
        "No cases",
        "1 case",
        "2 cases",
        "12,345 cases",
    ]


def test_nothing_is_read_until_the_area_is_shown(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], cases: list[Made], qtbot: QtBot
) -> None:
    view = CaseloadView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    _choose(view.status, "All cases, open and ended")
    view.everyone.click()
    assert view.model.total is None and view.model.rowCount() == 0 and view.practice.count() == 0
    view.refresh()
    assert view.model.total == len(cases) and view.practice.count() == 3
