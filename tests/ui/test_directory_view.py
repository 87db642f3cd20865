"""The Directory area on real data: Qt's model tester while paging, search and filters in the
widgets, stale and flagged marks, the stale period for managers only, opening a service."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.domain.service_entry import ServiceEntry
from linkworker.services.actor import Actor
from linkworker.services.directory import directory
from linkworker.services.directory.directory import DirectoryQuery
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Service
from linkworker.ui.directory.directory_view import (
    MARKS_COLUMN,
    SERVICE_ID_ROLE,
    DirectoryModel,
    DirectoryView,
)

ENTRY = ServiceEntry(organisation_name="Kent Walks", name="Walk", needs=("loneliness",), cost_kind="free")


def add(database: Database, actor: Actor, name: str, **changes: object) -> int:
    with database.session() as session:
        made = directory.create_service(
            session, actor, replace(ENTRY, name=name, **changes), verified=True, today=date.today()
        )
        return made.id


def names(model: DirectoryModel) -> list[str]:
    return [model.row_at(row).name for row in range(model.rowCount())]


def test_the_model_passes_qts_model_tester_while_paging(
    database: Database, actors: dict[Role, Actor], qtmodeltester: ModelTester
) -> None:
    worker = actors[Role.LINK_WORKER]
    for number in range(12):
        add(database, worker, f"Club {number:02d}")
    model = DirectoryModel(Workspace(database, worker), page_size=5)
    assert model.set_query(DirectoryQuery())
    assert model.rowCount() == 5 and model.total == 12
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    qtmodeltester.check(model)
    assert names(model) == [f"Club {number:02d}" for number in range(12)]
    sorted_model = DirectoryModel(Workspace(database, worker), page_size=5)
    sorted_model.sort(0, Qt.SortOrder.DescendingOrder)
    assert names(sorted_model) == [f"Club {number:02d}" for number in range(11, 6, -1)]


@pytest.fixture
def view(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> tuple[DirectoryView, dict[str, int]]:
    worker = sqlite_actors[Role.LINK_WORKER]
    ids = {
        "Friendship Club": add(sqlite_database, worker, "Friendship Club", cost_kind="low cost"),
        "Health Walk": add(sqlite_database, worker, "Health Walk", needs=("physical_activity",)),
        "Old Choir": add(sqlite_database, worker, "Old Choir"),
    }
    with sqlite_database.session() as session:
        session.execute(
            update(Service)
            .where(Service.id == ids["Old Choir"])
            .values(last_verified_on=date.today() - timedelta(days=400), import_problems=["no postcode"])
        )
    widget = DirectoryView(Workspace(sqlite_database, sqlite_actors[Role.MANAGER]))
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget, ids


def test_search_and_filters_narrow_the_list(qtbot: QtBot, view: tuple[DirectoryView, dict[str, int]]) -> None:
    widget, _ids = view
    assert names(widget.model) == ["Friendship Club", "Health Walk", "Old Choir"]
    assert widget.count_label.text() == "3 services"

    qtbot.keyClicks(widget.search, "frie clu")
    qtbot.waitUntil(lambda: names(widget.model) == ["Friendship Club"])
    widget.search.clear()
    widget.apply_filters()
    widget.need.setCurrentIndex(widget.need.findData("physical_activity"))
    assert names(widget.model) == ["Health Walk"]
    widget.need.setCurrentIndex(0)
    widget.cost.setCurrentIndex(widget.cost.findData("low_cost"))
    assert names(widget.model) == ["Friendship Club"]
    widget.cost.setCurrentIndex(0)
    widget.stale_only.setChecked(True)
    assert names(widget.model) == ["Old Choir"]
    widget.stale_only.setChecked(False)
    widget.flagged_only.setChecked(True)
    assert names(widget.model) == ["Old Choir"] and widget.count_label.text() == "1 service"
    marks = widget.model.index(0, MARKS_COLUMN)
    assert marks.data() == "Stale, Flagged"
    assert marks.data(Qt.ItemDataRole.AccessibleTextRole) == "Check: Stale, Flagged"


def test_a_manager_sets_the_stale_period_and_the_marks_follow(
    view: tuple[DirectoryView, dict[str, int]],
) -> None:
    widget, _ids = view
    assert widget.stale_after.isVisibleTo(widget) and widget.stale_after.value() == 6
    widget.stale_only.setChecked(True)
    assert names(widget.model) == ["Old Choir"]
    widget.stale_after.setValue(24)
    widget.stale_apply.click()
    assert names(widget.model) == []
    widget.refresh()
    assert widget.stale_after.value() == 24


def test_a_link_worker_sees_no_stale_period_control(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    widget = DirectoryView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    assert not widget.stale_after.isVisibleTo(widget) and not widget.stale_apply.isVisibleTo(widget)
    assert widget.count_label.text() == "No services"


def test_enter_on_a_row_asks_for_that_service(
    qtbot: QtBot, view: tuple[DirectoryView, dict[str, int]]
) -> None:
    widget, ids = view
    widget.table.setFocus()
    widget.table.selectRow(1)
    assert widget.selected_service() == ids["Health Walk"]
    assert widget.model.index(1, 0).data(SERVICE_ID_ROLE) == ids["Health Walk"]
    with qtbot.waitSignal(widget.service_requested) as requested:
        qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    assert requested.args == [ids["Health Walk"]]
