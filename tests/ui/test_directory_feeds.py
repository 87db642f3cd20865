"""The directory import screen's web feeds: type an address, read it in the background and see
the preview, import it, and see the saved feed with when it was last imported and what changed;
a refresh after the feed changed says what it added, updated and closed; Cancel stops a read."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Service
from linkworker.ui.directory.directory_import_view import DirectoryImportView
from linkworker.ui.widgets.jobs import Job
from tests.interchange.test_oruk_feed import OrukServer, records, service_record
from tests.ui.conftest import Messages

WAIT_MS = 20_000


def view_for(qtbot: QtBot, database: Database, actor: Actor) -> DirectoryImportView:
    view = DirectoryImportView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    return view


def finish(qtbot: QtBot, job: Job[Any] | None) -> None:
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass


def read_typed(qtbot: QtBot, view: DirectoryImportView, address: str) -> None:
    """Type the address and press Read and check, as a person does; wait for the reading."""
    view.feeds.address.clear()
    qtbot.keyClicks(view.feeds.address, address)
    qtbot.mouseClick(view.feeds.read_button, Qt.MouseButton.LeftButton)
    finish(qtbot, view.job)


def feed_rows(view: DirectoryImportView) -> list[tuple[str, ...]]:
    model = view.feeds.table.model()
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def service_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Service)) or 0


def test_a_feed_typed_in_is_read_previewed_imported_and_listed_with_what_changed(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    messages: Messages,
    httpserver: HTTPServer,
) -> None:
    oruk = OrukServer(httpserver, records(5))
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert not view.feeds.read_button.isEnabled() and feed_rows(view) == []

    read_typed(qtbot, view, oruk.address + "/services")

    assert "Read 3 pages of the service list and 5 full records." in view.summary.text()
    assert "Ready to import: 5 new services" in view.summary.text()
    assert view.status.text() == "Checked: nothing has been imported yet."
    assert view.import_button.text() == "Impo&rt 5 services" and service_count(sqlite_database) == 0

    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    finish(qtbot, view.job)

    expected = (
        f"Imported {oruk.address}: 5 added, 0 updated, 0 unchanged, 0 closed; 0 flagged for checking, "
        "0 skipped."
    )
    assert view.status.text() == expected and messages.texts() == [expected]
    messages.close_all()
    assert service_count(sqlite_database) == 5
    [row] = feed_rows(view)
    assert row[0] == oruk.address and row[1] != "Never" and row[2] == "Max Manager"
    assert row[3:] == ("5", "0", "0", "0", "0", "5")

    # The feed changes; the saved feed is refreshed from the list.
    oruk.set_records([service_record(1, name="Renamed group"), *records(5)[1:4], service_record(8)])
    view.feeds.table.selectRow(0)
    assert view.feeds.refresh_button.isEnabled()
    qtbot.mouseClick(view.feeds.refresh_button, Qt.MouseButton.LeftButton)
    finish(qtbot, view.job)

    assert "No longer in the feed: 1 service imported from it before would be marked closed" in (
        view.summary.text()
    )
    problems = view.problem_table.model()
    closing = [
        tuple(problems.index(row, column).data() for column in range(problems.columnCount()))
        for row in range(problems.rowCount())
    ]
    assert (
        "Flagged",
        "Community group 5",
        "no longer in the feed",
        "No longer in the feed: will be marked closed and flagged for checking.",
    ) in closing
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    finish(qtbot, view.job)
    messages.close_all()

    [row] = feed_rows(view)
    assert row[3:] == ("1", "1", "3", "1", "0", "5")
    assert service_count(sqlite_database) == 6  # the closed one is kept


def test_a_saved_address_is_listed_before_it_is_read_and_can_be_forgotten(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    oruk = OrukServer(httpserver, records(1))
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClicks(view.feeds.address, oruk.address)
    qtbot.mouseClick(view.feeds.save_button, Qt.MouseButton.LeftButton)

    [row] = feed_rows(view)
    assert row[:3] == (oruk.address, "Never", "") and row[3:8] == ("",) * 5
    view.feeds.table.selectRow(0)
    qtbot.mouseClick(view.feeds.forget_button, Qt.MouseButton.LeftButton)
    assert feed_rows(view) == []
    assert view.status.text() == "The feed is no longer saved; its services stay in the directory."


def test_a_web_page_instead_of_a_feed_is_explained_and_nothing_imported(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    messages: Messages,
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/services").respond_with_data(
        "<html><body>Hello</body></html>", content_type="text/html"
    )
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])

    read_typed(qtbot, view, httpserver.url_for("/"))

    [text] = messages.texts()
    assert "answered with a web page (HTML), not an Open Referral UK feed" in text
    assert not view.import_button.isEnabled() and view.preview is None


def test_cancel_stops_reading_a_feed(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], httpserver: HTTPServer
) -> None:
    oruk = OrukServer(httpserver, records(40))
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    view.feeds.address.setText(oruk.address)
    job = view.load_address(oruk.address)
    assert view.cancel_button.isVisible() and not view.feeds.read_button.isEnabled()
    view.cancel()
    finish(qtbot, job)

    assert view.status.text() == "Reading the feed was cancelled: nothing was imported."
    assert view.feeds.read_button.isEnabled() and service_count(sqlite_database) == 0
