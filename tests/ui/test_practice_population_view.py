"""The practice population screen: the extracts held, a file checked in the background with
every problem listed by line and nothing importable then, a good file imported, and a file that
is not the patients-by-LSOA file explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.directory import practice_populations
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.directory.practice_population_view import PracticePopulationView
from tests.interchange.population_files import SAMPLE, row, write, zipped
from tests.ui.conftest import Messages

WAIT_MS = 20_000


@pytest.fixture
def view(qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> PracticePopulationView:
    made = PracticePopulationView(Workspace(sqlite_database, sqlite_actors[Role.MANAGER]))
    qtbot.addWidget(made)
    made.resize(1100, 700)
    made.show()
    return made


def checked(qtbot: QtBot, view: PracticePopulationView, path: Path) -> None:
    with qtbot.waitSignal(view.load(path).finished, timeout=WAIT_MS):
        pass


def test_a_good_file_is_checked_then_imported_and_the_extract_shown(
    qtbot: QtBot, view: PracticePopulationView, sqlite_database: Database, tmp_path: Path, messages: Messages
) -> None:
    assert view.held_label.text().startswith("No practice populations yet")
    assert not view.import_button.isEnabled()

    checked(qtbot, view, zipped(tmp_path / "gp-reg-pat-prac-lsoa-male-female-Oct-26.zip", SAMPLE))

    assert view.summary.text().splitlines()[1] == (
        "Would import: 2,742 patients of 2 practices on this database, by LSOA (5 rows)."
    )
    assert view.problem_model.rowCount() == 0
    assert view.import_button.isEnabled() and view.import_button.text() == "Impo&rt 5 rows"
    with sqlite_database.read_session() as session:
        assert practice_populations.extracts(session) == []  # the check wrote nothing

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS) as imported:
        view.start_import()

    assert imported.args == [5]
    assert view.status.text().splitlines()[1] == (
        "Imported: 2,742 patients of 2 practices on this database, by LSOA (5 rows)."
    )
    assert messages.texts() == [view.status.text()]
    assert view.held_label.text() == (
        "Extracts imported, newest first: 1 October 2026 (2 practices, 2,742 patients)."
    )
    assert not view.import_button.isEnabled()  # one import per check


def test_each_problem_is_listed_with_its_line_and_nothing_can_be_imported(
    qtbot: QtBot, view: PracticePopulationView, tmp_path: Path
) -> None:
    rows = [row("G99001", "E01016001", 812), row("G9901", "E01016002", 4), row("G99002", "E01024001", "-1")]

    checked(qtbot, view, write(tmp_path / "bad.csv", rows))

    model = view.problem_model
    shown = [
        [model.index(line, column).data(Qt.ItemDataRole.DisplayRole) for column in range(2)]
        for line in range(model.rowCount())
    ]
    assert shown == [
        ["3", "Practice code 'G9901': A practice's ODS code is a letter and five digits, like G82001."],
        ["4", "Number of patients '-1' is not a whole number of 0 or more."],
    ]
    assert view.summary.text().splitlines()[1:] == ["Nothing was imported: 2 rows with problems."]  # table
    assert not view.import_button.isEnabled() and view.import_button.text() == "Impo&rt 0 rows"


def test_a_file_that_is_not_the_population_file_is_explained(
    qtbot: QtBot, view: PracticePopulationView, tmp_path: Path, messages: Messages
) -> None:
    other = tmp_path / "ONSPD.csv"
    other.write_text("pcds,lat,long\nME7 1AA,51.3,0.5\n", encoding="utf-8")

    checked(qtbot, view, other)

    assert "ONSPD.csv is not NHS Digital's file of patients registered at a GP practice" in view.status.text()
    assert not view.import_button.isEnabled()
