"""Importing an Open Referral UK feed into the directory, and exporting the directory as one.

Choose a JSON file or a folder of CSV tables; the feed is read and checked in the background, and
every problem is listed with the record it came from (file, line or JSON path, id) before
anything is written. "Import" then writes every good service in one transaction, with progress
and cancel. The export writes the whole directory as ORUK JSON or CSV tables, also in the
background.
"""

from __future__ import annotations

from collections.abc import Callable
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

from linkworker.interchange.oruk import FeedProblem
from linkworker.services import directory_export, directory_import
from linkworker.services.actor import Actor
from linkworker.services.directory_export import ExportResult
from linkworker.services.directory_import import DirectoryImportPreview, DirectoryImportResult
from linkworker.store.database import Database
from linkworker.ui.errors import show_message
from linkworker.ui.jobs import Job, JobControl, progress_controls, run_job
from linkworker.ui.models import Column, RecordTableModel
from linkworker.ui.tables import record_table

ACTION_PREVIEW = "Check the directory feed"
ACTION_IMPORT = "Import the directory feed"
ACTION_EXPORT = "Export the directory"
JSON_FILTER = "ORUK JSON (*.json);;All files (*)"

PROBLEM_COLUMNS: list[Column[FeedProblem]] = [
    Column("What happens", lambda problem: problem.severity.value.capitalize()),
    Column("Where", lambda problem: problem.where),
    Column("ORUK id", lambda problem: problem.record_id or ""),
    Column("Problem", lambda problem: problem.message),
]


class DirectoryImportView(QWidget):
    """``imported`` gives the number of services added or updated, once an import is committed."""

    imported = Signal(int)

    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.actor = actor
        self.preview: DirectoryImportPreview | None = None
        self.job: Job[Any] | None = None
        self.committed = False

        heading = QLabel("Import and export the directory (Open Referral UK)")
        heading.setObjectName("heading")
        intro = QLabel(
            "Choose an Open Referral UK feed: a JSON file, or a folder of CSV tables. Every service is "
            "checked first and nothing is saved until you press Import. A service imported before is "
            "updated, never added twice."
        )
        intro.setWordWrap(True)
        self.json_button = QPushButton("Choose &JSON file…")
        self.json_button.clicked.connect(self.choose_file)
        self.folder_button = QPushButton("Choose CSV &folder…")
        self.folder_button.clicked.connect(self.choose_folder)
        self.source_label = QLabel("No feed chosen.")
        self.source_label.setObjectName("fieldHint")
        choose_row = QHBoxLayout()
        choose_row.addWidget(self.json_button)
        choose_row.addWidget(self.folder_button)
        choose_row.addWidget(self.source_label, 1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_model: RecordTableModel[FeedProblem] = RecordTableModel(PROBLEM_COLUMNS, self)
        self.problem_table = record_table(
            self.problem_model, "Problems", "Each problem of the feed, with the record it came from"
        )
        self.problem_table.setWordWrap(True)
        problems_label = QLabel("&Problems")
        problems_label.setObjectName("subheading")
        problems_label.setBuddy(self.problem_table)

        self.export_json_button = QPushButton("Export as JS&ON…")
        self.export_json_button.clicked.connect(self.choose_export_file)
        self.export_csv_button = QPushButton("Export as CSV &tables…")
        self.export_csv_button.clicked.connect(self.choose_export_folder)
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        actions = QHBoxLayout()
        actions.addWidget(self.export_json_button)
        actions.addWidget(self.export_csv_button)
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
        layout.addWidget(problems_label)
        layout.addWidget(self.problem_table, 1)
        layout.addLayout(actions)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        self._show_preview(None)

    # The file dialogs; tests call the methods they lead to with a path.

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose an ORUK JSON feed", "", JSON_FILTER)
        if path:
            self.load(Path(path))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose the folder of ORUK CSV tables")
        if path:
            self.load(Path(path))

    def choose_export_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, ACTION_EXPORT, "directory.json", JSON_FILTER)
        if path:
            self.export(Path(path))

    def choose_export_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a folder for the CSV tables")
        if path:
            self.export(Path(path))

    def load(self, path: Path) -> Job[DirectoryImportPreview]:
        """Read and check the feed in the background, then show what importing it would do."""
        self._show_preview(None)
        self.source_label.setText(str(path))

        def work(session: Session, control: JobControl) -> DirectoryImportPreview:
            feed = directory_import.read_feed(path)
            return directory_import.preview(session, self.actor, feed)

        job = self._start(work, ACTION_PREVIEW, "Checking each service…", read_only=True)
        job.succeeded.connect(self._show_preview)
        job.cancelled.connect(lambda: self.status.setText("Checking the feed was cancelled."))
        return job

    def start_import(self) -> Job[DirectoryImportResult] | None:
        """Import the good services in one transaction, in the background."""
        checked = self.preview
        if checked is None or not checked.importable or self.committed:
            return None

        def work(session: Session, control: JobControl) -> DirectoryImportResult:
            return directory_import.commit(
                session, self.actor, checked.feed, progress=control.progress, cancelled=control.cancelled
            )

        job = self._start(work, ACTION_IMPORT, "Importing…")
        job.succeeded.connect(self._show_result)
        job.cancelled.connect(lambda: self.status.setText("The import was cancelled: nothing was imported."))
        return job

    def export(self, path: Path) -> Job[ExportResult]:
        """Write the directory to ``path``: JSON for a .json file, else CSV tables into the folder."""

        def work(session: Session, control: JobControl) -> ExportResult:
            return directory_export.export(session, self.actor, path)

        job = self._start(work, ACTION_EXPORT, "Exporting…")
        job.succeeded.connect(
            lambda result: self.status.setText(
                f"Exported {result.services:,} services as ORUK {result.form} to {result.path}."
            )
        )
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

    def _show_preview(self, checked: DirectoryImportPreview | None) -> None:
        self.preview = checked
        self.committed = False
        self.problem_model.set_records(directory_import.problem_list(checked) if checked else [])
        self.summary.setText("\n".join(directory_import.summary(checked)) if checked else "")
        self.status.setText("" if checked is None else "Checked: nothing has been saved yet.")
        self._set_busy(False)

    def _show_result(self, result: DirectoryImportResult) -> None:
        text = (
            f"Imported {result.added:,} new services and updated {result.updated:,} "
            f"({result.flagged:,} flagged for checking); {result.skipped:,} records skipped."
        )
        if result.unmapped_terms:
            text += f" {result.unmapped_terms:,} taxonomy terms are waiting to be mapped to needs."
        self.status.setText(text)
        self.committed = True
        show_message(self, ACTION_IMPORT, text)
        self.imported.emit(result.added + result.updated)

    def _set_busy(self, busy: bool) -> None:
        checked = self.preview
        count = checked.importable if checked else 0
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        for button in (self.json_button, self.folder_button, self.export_json_button, self.export_csv_button):
            button.setEnabled(not busy)
        self.import_button.setEnabled(not busy and count > 0 and not self.committed)
        self.import_button.setText(f"&Import {count:,} service{'' if count == 1 else 's'}")
