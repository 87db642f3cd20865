"""The paged model base through both lists built on it, the caseload and the directory, on real
data: pages arrive as inserted rows, a new query or order starts again from the first page, a
column without a sort key keeps the order, and the table's header sorts in SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.domain.service_entry import ServiceEntry
from linkworker.services.actor import Actor
from linkworker.services.cases.caseload import CaseloadQuery, Scope, SortKey, StatusGroup
from linkworker.services.directory import directory
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.caseload_model import CaseloadModel
from linkworker.ui.directory.directory_view import MARKS_COLUMN, DirectoryModel
from linkworker.ui.widgets.paged_model import ROW_ID_ROLE, PagedModel, paged_table
from tests.ui.caseload_cases import make_cases

ROWS = 12
PAGE = 5


@dataclass(frozen=True)
class Listed:
    """A paged list over real rows, with what a test needs to know of it."""

    model: PagedModel[Any, Any]
    query: Any  # finds every row, by the first column ascending
    ids: list[int]  # the rows' ids in that order
    unsortable: tuple[int, ...]  # columns without a sort key


def _caseload(database: Database, actors: dict[Role, Actor]) -> Listed:
    made = make_cases(database, actors, ROWS)
    query = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, sort=SortKey.CASE, descending=False)
    model = CaseloadModel(Workspace(database, actors[Role.LINK_WORKER]), page_size=PAGE)
    return Listed(model, query, [case.id for case in made], ())


def _directory(database: Database, actors: dict[Role, Actor]) -> Listed:
    worker = actors[Role.LINK_WORKER]
    ids = []
    with database.session() as session:
        for number in range(ROWS):
            entry = ServiceEntry(
                organisation_name="Kent Walks",
                name=f"Club {number:02d}",
                needs=("loneliness",),
                cost_kind="free",
            )
            ids.append(directory.create_service(session, worker, entry, verified=True, today=date.today()).id)
    model = DirectoryModel(Workspace(database, worker), page_size=PAGE)
    return Listed(model, directory.DirectoryQuery(), ids, (MARKS_COLUMN, MARKS_COLUMN + 1))


@pytest.fixture(params=[_caseload, _directory], ids=["caseload", "directory"])
def listed(
    request: pytest.FixtureRequest, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> Listed:
    make: Callable[[Database, dict[Role, Actor]], Listed] = request.param
    return make(sqlite_database, sqlite_actors)


def shown(model: PagedModel[Any, Any]) -> list[int]:
    return [model.index(row, 0).data(ROW_ID_ROLE) for row in range(model.rowCount())]


def test_a_new_query_shows_its_first_page_and_the_rest_arrives_as_inserted_rows(
    listed: Listed, qtbot: QtBot
) -> None:
    model = listed.model
    resets: list[None] = []
    inserted: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(None))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))

    with qtbot.waitSignal(model.counted) as counted:
        assert model.set_query(listed.query)
    assert counted.args == [ROWS] and model.total == ROWS and len(resets) == 1
    assert shown(model) == listed.ids[:PAGE] and model.canFetchMore(QModelIndex())
    assert not model.canFetchMore(model.index(0, 0)), "a row has no children to fetch"
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert shown(model) == listed.ids and inserted == [(5, 9), (10, 11)]
    model.fetchMore(QModelIndex())  # nothing more: nothing happens
    assert model.rowCount() == ROWS

    assert model.set_query(model.query)
    assert shown(model) == listed.ids[:PAGE] and len(resets) == 2 and model.query == listed.query


def test_sorting_asks_sql_again_only_for_a_new_order_of_a_sortable_column(listed: Listed) -> None:
    model = listed.model
    model.set_query(listed.query)
    assert model.sort_column() == (0, Qt.SortOrder.AscendingOrder)
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))

    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert shown(model) == listed.ids[::-1][:PAGE] and len(resets) == 1
    assert model.sort_column() == (0, Qt.SortOrder.DescendingOrder) and model.query.descending
    model.sort(0, Qt.SortOrder.DescendingOrder)  # already so: no new query
    for column in (*listed.unsortable, model.columnCount()):
        model.sort(column, Qt.SortOrder.AscendingOrder)
    assert len(resets) == 1 and model.sort_column() == (0, Qt.SortOrder.DescendingOrder)

    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal)
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip == (None if column in listed.unsortable else f"Sort by {title.lower()}")


def test_the_table_header_shows_the_order_and_sorts_in_sql(listed: Listed, qtbot: QtBot) -> None:
    model = listed.model
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))
    table = paged_table(model, "Rows", "Every row")
    qtbot.addWidget(table)
    header = table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == model.sort_column()
    assert resets == [], "building the table runs no query"
    assert table.accessibleName() == "Rows" and header.sectionsClickable()

    model.set_query(listed.query)
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert shown(model) == listed.ids[::-1][:PAGE] and len(resets) == 2


def test_cells_give_their_text_to_screen_readers_and_the_row_id(listed: Listed) -> None:
    model = listed.model
    model.set_query(listed.query)
    first = model.index(0, 0)
    title = model.headerData(0, Qt.Orientation.Horizontal)
    assert model.data(first, Qt.ItemDataRole.AccessibleTextRole) == f"{title}: {first.data()}"
    assert model.data(first, Qt.ItemDataRole.ToolTipRole) == first.data()
    assert model.data(first, ROW_ID_ROLE) == listed.ids[0]
    assert model.data(model.index(ROWS, 0)) is None and model.headerData(0, Qt.Orientation.Vertical) is None
