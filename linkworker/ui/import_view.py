"""Importing referrals from a CSV file: choose the file, see every rejected row with its line and
reason, save those rows to fix, then import the rest in the background (with progress and cancel).

Nothing is written until "Import" is pressed, and then every valid row or none. The preview and
the import both run as background jobs (``ui.jobs``), so a 10,000-row file never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from linkworker.services import referral_import
from linkworker.services.actor import Actor
from linkworker.services.referral_import import ImportPreview, ImportResult, RejectedRow
from linkworker.store.database import Database
from linkworker.ui.errors import call_service, show_message
from linkworker.ui.jobs import Job, JobControl, progress_controls, run_job
from linkworker.ui.models import Column, RecordTableModel
from linkworker.ui.tables import record_table

ACTION_PREVIEW = "Check the referral file"
ACTION_IMPORT = "Import referrals"
ACTION_SAVE = "Save rejected rows"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"

REJECTED_COLUMNS: list[Column[RejectedRow]] = [
    Column("Line", lambda row: str(row.line), numeric=True),
    Column("Problem", lambda row: row.reason),
]


class ImportView(QWidget):
    """``imported`` gives the number of referrals added, once an import has been committed."""

    imported = Signal(int)

    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.actor = actor
        self.preview: ImportPreview | None = None
        self.job: Job[Any] | None = None
        self.committed = False  # the shown preview has been imported: it cannot be imported again

        heading = QLabel("Import referrals")
        heading.setObjectName("heading")
        intro = QLabel(
            "Choose a CSV file of referrals, saved from a spreadsheet or exported from the GP system. "
            "Each row is checked first and nothing is saved until you press Import. Rows imported "
            "before are left out, so importing the same file twice adds nothing."
        )
        intro.setWordWrap(True)
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen.")
        self.file_label.setObjectName("fieldHint")
        choose_row = QHBoxLayout()
        choose_row.addWidget(self.choose_button)
        choose_row.addWidget(self.file_label, 1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejected_model: RecordTableModel[RejectedRow] = RecordTableModel(REJECTED_COLUMNS, self)
        self.rejected_table = record_table(
            self.rejected_model, "Rejected rows", "Each row that will not be imported, with the reason"
        )
        self.rejected_table.setWordWrap(True)
        rejected_label = QLabel("&Rejected rows")
        rejected_label.setObjectName("subheading")
        rejected_label.setBuddy(self.rejected_table)

        self.save_button = QPushButton("&Save rejected rows…")
        self.save_button.setToolTip("Save the rejected rows with their problem, to fix and import again")
        self.save_button.clicked.connect(self.choose_rejected_file)
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addStretch()
        actions.addWidget(self.import_button)

        controls = progress_controls(self.cancel)
        self.progress, self.cancel_button, self.status = controls.bar, controls.cancel_button, controls.status
        progress_row = controls.row

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(choose_row)
        layout.addWidget(self.summary)
        layout.addWidget(rejected_label)
        layout.addWidget(self.rejected_table, 1)
        layout.addLayout(actions)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        self._show_preview(None)
        self._set_busy(False)

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

    def load(self, path: Path) -> Job[ImportPreview]:
        """Read and check the file in the background, then show what importing it would do."""
        self._show_preview(None)
        self.file_label.setText(str(path))
        today = date.today()

        def work(session: Session, control: JobControl) -> ImportPreview:
            file = referral_import.read_file(path)
            return referral_import.preview(
                session, self.actor, file, today, progress=control.progress, cancelled=control.cancelled
            )

        job = self._start(work, ACTION_PREVIEW, "Checking each row…", read_only=True)
        job.succeeded.connect(self._show_preview)
        job.cancelled.connect(lambda: self.status.setText("Checking the file was cancelled."))
        return job

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

    def start_import(self) -> Job[ImportResult] | None:
        """Import the valid rows in one transaction, in the background."""
        checked = self.preview
        if checked is None or not checked.accepted:
            return None
        today = date.today()

        def work(session: Session, control: JobControl) -> ImportResult:
            return referral_import.commit(
                session,
                self.actor,
                checked.file,
                today,
                progress=control.progress,
                cancelled=control.cancelled,
            )

        job = self._start(work, ACTION_IMPORT, "Importing…")
        job.succeeded.connect(self._show_result)
        job.cancelled.connect(lambda: self.status.setText("The import was cancelled: nothing was imported."))
        return job

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def _start(
        self, work: Callable[[Session, JobControl], Any], action: str, doing: str, *, read_only: bool = False
    ) -> Job[Any]:
        job = run_job(self, self.database, work, action=action, read_only=read_only)
        self.job = job
        job.progressed.connect(self._show_progress)
        job.refused.connect(self.status.setText)
        job.finished.connect(lambda: self._set_busy(False))
        self.progress.setRange(0, 0)  # busy until the first report
        self.status.setText(doing)
        self._set_busy(True)
        return job

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _show_preview(self, checked: ImportPreview | None) -> None:
        self.preview = checked
        self.committed = False
        self.rejected_model.set_records(checked.rejected if checked else [])
        self.summary.setText("\n".join(referral_import.summary(checked)) if checked else "")
        self.status.setText("" if checked is None else "Checked: nothing has been saved yet.")
        self._set_busy(False)

    def _show_result(self, result: ImportResult) -> None:
        text = (
            f"Imported {result.imported:,} referrals ({result.new_people:,} new people). "
            f"{result.already_imported:,} rows were left out as imported before; "
            f"{result.rejected:,} rows were rejected."
        )
        self.status.setText(text)
        # The preview no longer says what an import would do; its rejected rows can still be saved.
        self.committed = True
        show_message(self, ACTION_IMPORT, text)
        self.imported.emit(result.imported)

    def _set_busy(self, busy: bool) -> None:
        checked = self.preview
        count = len(checked.accepted) if checked else 0
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.choose_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy and bool(checked and checked.rejected))
        self.import_button.setEnabled(not busy and count > 0 and not self.committed)
        self.import_button.setText(f"&Import {count:,} referral{'' if count == 1 else 's'}")
