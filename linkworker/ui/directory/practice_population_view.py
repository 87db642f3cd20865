"""Importing practice populations by LSOA: the denominators of the deprivation figures.

Choose NHS Digital's patients-by-LSOA file (the publication's ZIP as downloaded, or the CSV in
it); every line is checked in the background and each problem listed with its line, then Import
writes the extract for this database's practices, or nothing (the flow is
``ui.import_screen``'s). Above the file, the extracts already imported, so a manager can see
whether the newest quarter is in. Like the postcode lookup, it is for managers and
administrators.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from linkworker.interchange.practice_population_csv import Problem
from linkworker.services.directory import practice_populations
from linkworker.services.directory.practice_populations import (
    ExtractHeld,
    PopulationImport,
    PopulationPreview,
)
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.import_screen import ImportScreen, ImportWords
from linkworker.ui.widgets.jobs import JobControl
from linkworker.ui.widgets.models import Column
from linkworker.wording import counted

FILE_FILTER = "Patients by LSOA (*.zip *.csv);;All files (*)"
EXTRACTS_SHOWN = 4
WORDS = ImportWords(
    heading="Practice populations",
    intro=(
        "The deprivation figures compare referrals with the patients each practice has in each "
        "neighbourhood (LSOA), from NHS Digital's \u201cPatients Registered at a GP Practice\u201d, "
        "published each quarter. Download the publication's file of patients by LSOA and choose the "
        "ZIP, or the gp-reg-pat-prac-lsoa-all.csv file in it. Every line is checked first and nothing "
        "is saved until you press Import; a file with any problem imports nothing. Importing an "
        "extract again replaces it."
    ),
    source="file",
    unit="row",
    item="row",
    check_action="Check the practice population file",
    import_action="Import practice populations",
    problems="Probl&ems",
    problems_description="Each problem of the file, with the line it is on",
    # Around it: the File, PCN and Account menus and the Directory area's tabs (Alt+F, P, A, S, I, T).
    import_button="Impo&rt",
)
PROBLEM_COLUMNS: list[Column[Problem]] = [
    Column("Line", lambda problem: str(problem.line), numeric=True),
    Column("Problem", lambda problem: problem.message),
]


class PracticePopulationView(ImportScreen[PopulationPreview, Problem, PopulationImport]):
    """``imported`` gives the number of rows written, once an import is committed."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, WORDS, PROBLEM_COLUMNS, parent)
        self.held_label = QLabel()
        self.held_label.setWordWrap(True)
        self.held_label.setAccessibleName("Extracts imported")
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self._lay_out(choices=[self.choose_button], actions=[])
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.intro) + 1, self.held_label)
        self.imported.connect(lambda _count: self.refresh())
        self.refresh()

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose the patients by LSOA file", "", FILE_FILTER)
        if path:
            self.load(Path(path))

    def refresh(self) -> None:
        """Say which extracts are held (a few rows: quick enough for the window's thread)."""
        outcome = call_service(
            self, self.workspace, practice_populations.extracts, action=WORDS.import_action
        )
        if outcome.value is not None:
            self.held_label.setText(_held_text(outcome.value))

    def check(self, session: Unit, control: JobControl, path: Path) -> PopulationPreview:
        return practice_populations.check_file(
            session, self.actor, path, progress=control.progress, cancelled=control.cancelled
        )

    def commit(self, session: Unit, control: JobControl, checked: PopulationPreview) -> PopulationImport:
        return practice_populations.commit(session, self.actor, checked)

    def importable(self, checked: PopulationPreview) -> int:
        return 0 if checked.result.problem_count else len(checked.rows)

    def problems_of(self, checked: PopulationPreview) -> Sequence[Problem]:
        return checked.result.problems

    def summary_of(self, checked: PopulationPreview) -> list[str]:
        return practice_populations.summary(checked.result, problem_lines=False)

    def describe(self, result: PopulationImport) -> tuple[str, int]:
        return "\n".join(practice_populations.summary(result)), result.stored


def _held_text(held: Sequence[ExtractHeld]) -> str:
    if not held:
        return "No practice populations yet: the deprivation figures need an extract imported."
    shown = "; ".join(
        f"{extract.extract_date.day} {extract.extract_date:%B %Y} "
        f"({counted(extract.practices, 'practice')}, {counted(extract.patients, 'patient')})"
        for extract in held[:EXTRACTS_SHOWN]
    )
    more = (
        f"; and {counted(len(held) - EXTRACTS_SHOWN, 'earlier extract')}"
        if len(held) > EXTRACTS_SHOWN
        else ""
    )
    return f"Extracts imported, newest first: {shown}{more}."
