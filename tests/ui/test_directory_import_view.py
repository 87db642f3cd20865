"""The directory import screen: a feed checked in the background with every problem listed by its
record, the good services imported with progress, cancel, and the export in the background."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Service
from linkworker.ui.directory.directory_import_view import DirectoryImportView
from linkworker.ui.widgets.jobs import Job
from tests.interchange.oruk_standard import service_errors
from tests.services.matching_builder import Spec, add_services
from tests.services.oruk_feeds import PAGE, TABLES
from tests.ui.conftest import Messages

WAIT_MS = 20_000


def view_for(qtbot: QtBot, database: Database, actor: Actor) -> DirectoryImportView:
    view = DirectoryImportView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    return view


def finish(qtbot: QtBot, job: Job[object] | None) -> None:
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass


def service_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Service)) or 0


def table_rows(view: DirectoryImportView) -> list[tuple[str, ...]]:
    model = view.problem_table.model()
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def test_a_checked_feed_lists_every_problem_with_its_service_and_record(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert not view.import_button.isEnabled()

    finish(qtbot, view.load(TABLES))

    model = view.problem_table.model()
    headings = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headings == ["What happens", "Service", "Where", "Problem"]
    rows = table_rows(view)
    assert rows[0] == (
        "Skipped",
        "No Id Here",
        "services.csv line 5",
        "The service has no id, so it cannot be kept up to date: skipped.",
    )
    assert ("Skipped", "id svc-c", "services.csv line 7", "The service has no name: skipped.") in rows
    assert (
        "Flagged",
        "Men's Shed",
        "address.csv line 3",
        "“NOT A CODE” is not a UK postcode: left out.",
    ) in rows
    assert "Ready to import: 2 new services, 0 updates of services imported before." in view.summary.text()
    assert view.import_button.text() == "Impo&rt 2 services" and view.import_button.isEnabled()
    assert view.status.text() == "Checked: nothing has been imported yet."
    assert service_count(sqlite_database) == 0


def test_a_json_feed_names_the_service_of_each_problem(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    finish(qtbot, view.load(PAGE))
    rows = table_rows(view)
    assert ("Skipped", "id svc-no-name", "$.contents[1]", "The service has no name: skipped.") in rows
    assert (
        "Flagged",
        "Money Advice Drop-in",
        "$.contents[4].service_at_locations[0].location",
        "“75001” is not a UK postcode: left out.",
    ) in rows


def test_importing_runs_in_the_background_and_signals_the_count(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    finish(qtbot, view.load(PAGE))

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS) as imported:
        job = view.start_import()
        assert view.progress.isVisible() and view.cancel_button.isVisible()
        assert not view.import_button.isEnabled() and not view.json_button.isEnabled()
    assert job is not None and not job.running

    assert imported.args == [3] and service_count(sqlite_database) == 3
    expected = (
        "Imported 3 new services and updated 0 (2 flagged for checking); 4 records skipped. "
        "2 taxonomy terms are waiting to be mapped to needs."
    )
    assert messages.texts() == [expected] and view.status.text() == expected
    assert not view.import_button.isEnabled(), "the same preview is not imported twice"

    finish(qtbot, view.load(PAGE))
    assert "Ready to import: 0 new services, 3 updates of services imported before." in view.summary.text()


def test_cancelling_an_import_writes_nothing(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    feed = tmp_path / "many.json"
    services = [{"id": f"s{n}", "name": f"Club {n}", "status": "active"} for n in range(300)]
    feed.write_text(json.dumps(services), encoding="utf-8")
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    finish(qtbot, view.load(feed))
    signalled: list[int] = []
    view.imported.connect(signalled.append)

    # Another user's save holds the database, so the import waits to start and Cancel comes first.
    with sqlite_database.session() as other_user:
        other_user.execute(text("SELECT 1"))
        job = view.start_import()
        view.cancel_button.click()
    finish(qtbot, job)

    assert view.status.text() == "The import was cancelled: nothing was imported."
    assert service_count(sqlite_database) == 0 and signalled == []
    assert view.import_button.isEnabled(), "the checked feed can still be imported"


def test_a_feed_that_cannot_be_read_is_refused_in_plain_words(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    finish(qtbot, view.load(tmp_path / "broken.json"))
    assert view.status.text().startswith("broken.json is not valid JSON")
    assert len(messages.texts()) == 1 and not view.import_button.isEnabled()


def test_the_directory_is_exported_in_the_background(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    finish(qtbot, view.load(PAGE))
    with qtbot.waitSignal(view.imported, timeout=WAIT_MS):
        view.start_import()
    target = tmp_path / "directory.json"
    finish(qtbot, view.export(target))
    assert view.status.text() == "Exported the directory."
    assert view.saved.isVisible() and view.saved.text() == f"Saved to {target}. 3 services as ORUK JSON."
    assert len(messages.texts()) == 1, "only the import's result was shown"
    document = json.loads(target.read_text(encoding="utf-8"))
    assert len(document) == 3 and all(service_errors(service) == [] for service in document)


def test_an_export_of_csv_tables_says_which_folder_and_one_service_reads_in_the_singular(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    add_services(sqlite_database, sqlite_actors[Role.MANAGER], Spec("Walking Group", ("loneliness",)))
    folder = tmp_path / "tables"
    folder.mkdir()
    finish(qtbot, view.export(folder))
    assert view.saved.text() == f"Saved to {folder}. 1 service as ORUK CSV tables."
    assert view.saved.open_button.text() == "Open fo&lder"
