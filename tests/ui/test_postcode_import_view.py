"""The postcode import screen: what the lookup holds, a file imported in the background with
progress, cancel leaving the lookup as it was, and a wrong file explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.directory import postcodes
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.directory.postcode_import_view import CANCELLED, PostcodeImportView
from linkworker.ui.widgets.jobs import Job
from tests.interchange.postcode_files import SAMPLE, row, write
from tests.ui.conftest import Messages

WAIT_MS = 20_000


def finish(qtbot: QtBot, job: Job[object] | None) -> None:
    assert job is not None
    if job.running:
        with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
            pass


def view_for(qtbot: QtBot, database: Database, actor: Actor) -> PostcodeImportView:
    view = PostcodeImportView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    finish(qtbot, view.size_job)
    return view


def lookup(database: Database) -> postcodes.LookupSize:
    with database.read_session() as session:
        return postcodes.lookup_size(session)


def test_a_file_is_imported_in_the_background_and_the_result_shown(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    assert view.size_label.text().startswith("The lookup is empty")
    assert not view.import_button.isEnabled() and view.progress.isHidden()
    view.choose(write(tmp_path / "ONSPD_NOV_2025_UK.csv", SAMPLE))
    assert view.import_button.isEnabled()
    progress: list[tuple[int, int]] = []

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS) as imported:
        job = view.start_import()
        assert job is not None
        job.progressed.connect(lambda done, total: progress.append((done, total)))
        assert view.progress.isVisible() and view.cancel_button.isVisible()
        assert not view.import_button.isEnabled() and not view.choose_button.isEnabled()
    finish(qtbot, view.size_job)

    assert imported.args == [4]
    assert progress and progress[-1][0] == progress[-1][1] == view.progress.maximum()
    expected = (
        "ONSPD_NOV_2025_UK.csv: 6 postcodes read.\n"
        "Imported or updated: 4 live postcodes, in 2 districts.\n"
        "Left out as no longer in use (terminated): 1.\n"
        "Left out as they have no map position: 1."
    )
    assert view.status.text() == expected
    assert messages.texts() == [expected]
    assert view.size_label.text() == "The lookup holds 4 postcodes in 2 districts."
    assert lookup(sqlite_database) == postcodes.LookupSize(4, 2)
    assert view.progress.isHidden() and view.import_button.isEnabled() and view.choose_button.isEnabled()


def test_cancelling_leaves_the_lookup_as_it_was(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postcodes, "BATCH", 10)
    rows = [
        row(f"ME{1 + n // 1000} {n // 100 % 10}{'ABDEFGHJLN'[n // 10 % 10]}Z", "51.3", "0.5")
        for n in range(5000)
    ]
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.ADMIN])
    view.choose(write(tmp_path / "many.csv", rows))
    signalled: list[int] = []
    view.imported.connect(signalled.append)

    job = view.start_import()
    view.cancel_button.click()
    assert view.status.text() == "Stopping…" and not view.cancel_button.isEnabled()
    finish(qtbot, job)

    assert view.status.text() == CANCELLED
    assert lookup(sqlite_database) == postcodes.LookupSize(0, 0) and signalled == []
    assert view.import_button.isEnabled(), "the file can be imported again"


def test_a_file_that_is_not_a_postcode_directory_is_explained(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    wrong = tmp_path / "referrals.csv"
    wrong.write_text("NHS number,Forename\n9990000018,Ada\n", encoding="utf-8")
    view = view_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    view.choose(wrong)

    finish(qtbot, view.start_import())

    [box] = messages.boxes()
    assert box.windowTitle() == "Import postcodes: not done"
    assert box.text().startswith("referrals.csv is not an ONS postcode directory file")
    assert view.status.text() == box.text()
    assert lookup(sqlite_database) == postcodes.LookupSize(0, 0)
