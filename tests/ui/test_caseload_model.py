"""The caseload item model on real data: Qt's model tester, paging, sorting and filtering in SQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from linkworker.domain import nhs_number
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.caseload import CaseloadQuery, Scope, SortKey, StatusGroup
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.caseload_model import COLUMNS, REFERRAL_ID_ROLE, SORT_KEYS, CaseloadModel
from tests.ui.caseload_cases import NEED_CODES, NEED_LABELS, Made, is_open, make_cases
from tests.ui.conftest import Messages

PCN_WIDE = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, sort=SortKey.CASE, descending=False)
COLUMN = {key: index for index, key in enumerate(SORT_KEYS)}


def _ids(model: CaseloadModel) -> list[int]:
    return [model.row_at(row).referral_id for row in range(model.rowCount())]


def _fetch_all(model: CaseloadModel) -> None:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())


def _text(model: CaseloadModel, row: int, key: SortKey) -> str:
    return model.data(model.index(row, COLUMN[key]))


def test_the_model_passes_qts_model_tester_while_paging(
    database: Database, actors: dict[Role, Actor], qtmodeltester: ModelTester
) -> None:
    cases = make_cases(database, actors, 23)
    model = CaseloadModel(Workspace(database, actors[Role.LINK_WORKER]), page_size=5)
    assert model.set_query(PCN_WIDE)
    assert model.rowCount() == 5 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # fetches a page itself, then checks every index and role
    _fetch_all(model)
    qtmodeltester.check(model)
    assert _ids(model) == [case.id for case in cases]
    assert model.total == 23 and not model.canFetchMore(QModelIndex())


def test_pages_arrive_as_inserted_rows_and_the_total_is_counted_once(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], qtbot: QtBot
) -> None:
    cases = make_cases(sqlite_database, sqlite_actors, 30)
    worker = sqlite_actors[Role.LINK_WORKER]
    mine = [case for case in cases if case.worker == "Wren Worker" and is_open(case)]
    model = CaseloadModel(Workspace(sqlite_database, worker), page_size=4)
    with qtbot.waitSignal(model.counted) as counted:
        assert model.set_query(CaseloadQuery(sort=SortKey.CASE, descending=True))
    assert counted.args == [len(mine)]
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    _fetch_all(model)
    assert _ids(model) == sorted((case.id for case in mine), reverse=True)
    assert inserted == [(start, min(start + 3, len(mine) - 1)) for start in range(4, len(mine), 4)]
    model.fetchMore(QModelIndex())  # nothing more: nothing happens
    assert model.rowCount() == len(mine)


def test_sort_asks_sql_for_the_whole_list_in_the_columns_order(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    cases = make_cases(sqlite_database, sqlite_actors, 40)
    today = date.today()
    model = CaseloadModel(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]), page_size=6)
    model.set_query(PCN_WIDE)
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))

    model.sort(COLUMN[SortKey.PERSON], Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 6  # back to the first page, in the new order
    _fetch_all(model)
    by_name = sorted(cases, key=lambda case: (case.family_key, case.given, case.id))
    assert _ids(model) == [case.id for case in by_name]
    assert model.sort_column() == (COLUMN[SortKey.PERSON], Qt.SortOrder.AscendingOrder)

    model.sort(COLUMN[SortKey.AGE], Qt.SortOrder.DescendingOrder)
    _fetch_all(model)
    ages = [int(_text(model, row, SortKey.AGE)) for row in range(model.rowCount())]
    assert ages == sorted((case.age(today) for case in cases), reverse=True)

    model.sort(COLUMN[SortKey.WAITING], Qt.SortOrder.DescendingOrder)
    _fetch_all(model)
    waits = [model.row_at(row).days_waiting for row in range(model.rowCount())]
    open_waits = sorted(((today - case.received_on).days for case in cases if is_open(case)), reverse=True)
    assert waits == [*open_waits, *[None] * (len(cases) - len(open_waits))]  # ended cases last

    assert len(resets) == 3
    model.sort(COLUMN[SortKey.WAITING], Qt.SortOrder.DescendingOrder)  # already so: no new query
    model.sort(len(COLUMNS), Qt.SortOrder.AscendingOrder)  # no such column
    assert len(resets) == 3


def test_filters_and_search_run_in_sql(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> None:
    cases = make_cases(sqlite_database, sqlite_actors, 45)
    model = CaseloadModel(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]), page_size=50)

    def found(query: CaseloadQuery) -> set[int]:
        assert model.set_query(query)
        assert model.total == model.rowCount()
        return set(_ids(model))

    need = NEED_CODES[1]
    assert found(replace(PCN_WIDE, need=need)) == {case.id for case in cases if need in case.needs}
    assert found(replace(PCN_WIDE, status=CaseStatus.ASSESSED)) == {
        case.id for case in cases if case.status == CaseStatus.ASSESSED
    }
    assert found(replace(PCN_WIDE, search="patel")) == {
        case.id for case in cases if case.family_key.startswith("patel")
    }
    assert found(replace(PCN_WIDE, search="Orla Fen")) == {
        case.id for case in cases if case.given == "Orla" and case.family == "Fenwick-Hale"
    }
    target = next(case for case in cases if case.nhs_number)
    assert target.nhs_number is not None
    assert found(replace(PCN_WIDE, search=nhs_number.formatted(target.nhs_number))) == {target.id}
    assert found(replace(PCN_WIDE, search="Nobody-by-this-name")) == set()
    assert model.total == 0


def test_cells_read_as_the_list_shows_them(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    cases = make_cases(sqlite_database, sqlite_actors, 18)
    model = CaseloadModel(Workspace(sqlite_database, sqlite_actors[Role.ADMIN]))
    model.set_query(PCN_WIDE)
    by_id = {case.id: case for case in cases}

    def check(row: int, case: Made) -> None:
        assert _text(model, row, SortKey.CASE) == f"LW-{case.id:06d}"
        assert _text(model, row, SortKey.PERSON) == f"{case.family}, {case.given}"
        expected_number = nhs_number.formatted(case.nhs_number) if case.nhs_number else "Not known"
        assert _text(model, row, SortKey.NHS_NUMBER) == expected_number
        assert _text(model, row, SortKey.STATUS) == case.status.value.replace("_", " ").capitalize()
        assert _text(model, row, SortKey.WORKER) == (case.worker or "Unassigned")
        assert _text(model, row, SortKey.RECEIVED) == case.received_on.strftime("%d %b %Y")
        labels = "; ".join(sorted(NEED_LABELS[code] for code in case.needs))
        assert _text(model, row, SortKey.NEEDS) == labels
        waited = (date.today() - case.received_on).days
        expected_wait = "" if not is_open(case) else ("1 day" if waited == 1 else f"{waited:,} days")
        assert _text(model, row, SortKey.WAITING) == expected_wait

    for row in range(model.rowCount()):
        check(row, by_id[model.row_at(row).referral_id])
    assert any(not case.nhs_number for case in cases) and any(case.worker is None for case in cases)
    first = model.index(0, COLUMN[SortKey.AGE])
    assert model.data(first, Qt.ItemDataRole.TextAlignmentRole) == (
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.data(first, REFERRAL_ID_ROLE) == cases[0].id
    assert model.data(first, Qt.ItemDataRole.AccessibleTextRole) == f"Age: {cases[0].age(date.today())}"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Person"
    assert model.headerData(1, Qt.Orientation.Vertical) is None


@pytest.mark.parametrize("with_form", [False, True])
def test_a_mistyped_nhs_number_empties_the_list_and_says_why(
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    messages: Messages,
    qtbot: QtBot,
    with_form: bool,
) -> None:
    make_cases(sqlite_database, sqlite_actors, 6)
    window = QWidget()
    qtbot.addWidget(window)
    shown: dict[str, str] = {}

    class SearchField:
        def clear_messages(self) -> None:
            shown.clear()

        def show_message(self, field: str, message: str) -> bool:
            shown[field] = message
            return True

    model = CaseloadModel(
        Workspace(sqlite_database, sqlite_actors[Role.ADMIN]),
        window,
        form=SearchField() if with_form else None,
    )
    assert model.set_query(PCN_WIDE) and model.rowCount() == 6
    with_bad_number = replace(PCN_WIDE, search="999 000 001")
    assert not model.set_query(with_bad_number)
    assert model.rowCount() == 0 and model.total is None and not model.canFetchMore(QModelIndex())
    expected = "An NHS number has 10 digits; this has 9."
    if with_form:
        assert shown == {"search": expected} and messages.texts() == []
    else:
        assert messages.texts() == [expected]
        assert messages.boxes()[0].parent() is window
    model.sort(COLUMN[SortKey.PERSON], Qt.SortOrder.AscendingOrder)  # a failed query runs again
    assert model.query.sort == SortKey.PERSON and model.total is None


def test_roles_without_identifiable_access_are_refused(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    make_cases(sqlite_database, sqlite_actors, 3)
    model = CaseloadModel(Workspace(sqlite_database, sqlite_actors[Role.MANAGER]))
    assert not model.set_query(PCN_WIDE)
    assert model.rowCount() == 0
    assert [box.windowTitle() for box in messages.boxes()] == ["Show the caseload: not allowed"]
