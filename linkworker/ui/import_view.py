"""Importing referrals from a CSV file: choose the file, see every rejected row with its line and
reason, save those rows to fix, then import the rest in the background (with progress and cancel).

The flow is ``ui.import_screen``'s; this screen adds the referral service's check and import, and
saving the rejected rows. A 10,000-row file never freezes the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget
from sqlalchemy.orm import Session

from linkworker.services import referral_import
from linkworker.services.actor import Actor
from linkworker.services.referral_import import ImportPreview, ImportResult, RejectedRow
from linkworker.store.database import Database
from linkworker.ui.errors import call_service
from linkworker.ui.import_screen import ImportScreen, ImportWords
from linkworker.ui.jobs import JobControl
from linkworker.ui.models import Column

ACTION_SAVE = "Save rejected rows"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"

WORDS = ImportWords(
    heading="Import referrals",
    intro=(
        "Choose a CSV file of referrals, saved from a spreadsheet or exported from the GP system. "
        "Each row is checked first and nothing is saved until you press Import. Rows imported "
        "before are left out, so importing the same file twice adds nothing."
    ),
    source="file",
    unit="row",
    item="referral",
    check_action="Check the referral file",
    import_action="Import referrals",
    problems="&Rejected rows",
    problems_description="Each row that will not be imported, with the reason",
)
REJECTED_COLUMNS: list[Column[RejectedRow]] = [
    Column("Line", lambda row: str(row.line), numeric=True),
    Column("Problem", lambda row: row.reason),
]


class ImportView(ImportScreen[ImportPreview, RejectedRow, ImportResult]):
    """``imported`` gives the number of referrals added, once an import has been committed."""

    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(database, actor, WORDS, REJECTED_COLUMNS, parent)
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.save_button = QPushButton("&Save rejected rows…")
        self.save_button.setToolTip("Save the rejected rows with their problem, to fix and import again")
        self.save_button.clicked.connect(self.choose_rejected_file)
        self._lay_out(choices=[self.choose_button], actions=[self.save_button])

    def check(self, session: Session, control: JobControl, path: Path) -> ImportPreview:
        file = referral_import.read_file(path)
        return referral_import.preview(
            session, self.actor, file, date.today(), progress=control.progress, cancelled=control.cancelled
        )

    def commit(self, session: Session, control: JobControl, checked: ImportPreview) -> ImportResult:
        return referral_import.commit(
            session,
            self.actor,
            checked.file,
            date.today(),
            progress=control.progress,
            cancelled=control.cancelled,
        )

    def importable(self, checked: ImportPreview) -> int:
        return len(checked.accepted)

    def problems_of(self, checked: ImportPreview) -> Sequence[RejectedRow]:
        return checked.rejected

    def summary_of(self, checked: ImportPreview) -> list[str]:
        return referral_import.summary(checked)

    def describe(self, result: ImportResult) -> tuple[str, int]:
        text = (
            f"Imported {result.imported:,} referrals ({result.new_people:,} new people). "
            f"{result.already_imported:,} rows were left out as imported before; "
            f"{result.rejected:,} rows were rejected."
        )
        return text, result.imported

    # The file dialogs; tests call the methods they lead to with a path.

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose a referral file", "", CSV_FILTER)
        if path:
            self.load(Path(path))

    def choose_rejected_file(self) -> None:
        if self.preview is None:
            return
        suggested = f"{Path(self.preview.file.name).stem or 'referrals'}-rejected.csv"
        path, _filter = QFileDialog.getSaveFileName(self, ACTION_SAVE, suggested, CSV_FILTER)
        if path:
            self.save_rejected(Path(path))

    def save_rejected(self, path: Path) -> int | None:
        """Write the rejected rows, with a Problem column, whole or not at all."""
        checked = self.preview
        if checked is None:
            return None
        outcome = call_service(
            self,
            self.database,
            lambda session: referral_import.save_rejected(session, self.actor, checked, path),
            action=ACTION_SAVE,
        )
        if outcome.value is not None:
            self.status.setText(
                f"Saved {outcome.value:,} rejected rows to {path}. Fix them there, then import that file."
            )
        return outcome.value

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.save_button.setEnabled(not busy and bool(self.preview and self.preview.rejected))
