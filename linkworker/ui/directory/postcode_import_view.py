"""Importing the ONS postcode directory: choose the CSV file, import it in the background with
progress and cancel, and see what was imported and what was left out.

The whole-UK file has about 2.7 million rows and takes a minute or more: the work runs as a
background job (``ui.jobs``), so the window keeps painting, and a cancellation leaves the lookup
as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.directory import postcodes
from linkworker.services.directory.postcodes import LookupSize, PostcodeImport
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.errors import show_message
from linkworker.ui.widgets.jobs import Job, JobControl, progress_controls, run_job

ACTION_IMPORT = "Import postcodes"
CSV_FILTER = "CSV files (*.csv);;All files (*)"
CANCELLED = "The postcode import was cancelled: the lookup is as it was before."


class PostcodeImportView(QWidget):
    """``imported`` gives the number of postcodes imported or updated, once an import is done."""

    imported = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.path: Path | None = None
        self.job: Job[PostcodeImport] | None = None
        self.size_job: Job[LookupSize] | None = None

        heading = QLabel("Postcode lookup")
        heading.setObjectName("heading")
        intro = QLabel(
            "Distances between people and services come from the ONS postcode directory. Download "
            "the ONSPD or the NSPL (CSV) from the ONS Open Geography Portal, unzip it, and choose the "
            "CSV file in its Data folder: the whole UK or one area's file. Importing adds new "
            "postcodes and updates moved ones; the whole UK takes a minute or two."
        )
        intro.setWordWrap(True)
        self.size_label = QLabel()
        self.size_label.setAccessibleName("Postcodes in the lookup")

        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen.")
        self.file_label.setObjectName("fieldHint")
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        choose_row = QHBoxLayout()
        choose_row.addWidget(self.choose_button)
        choose_row.addWidget(self.file_label, 1)
        choose_row.addWidget(self.import_button)

        controls = progress_controls(self.cancel)
        self.progress, self.cancel_button, self.status = controls.bar, controls.cancel_button, controls.status
        progress_row = controls.row
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.size_label)
        layout.addLayout(choose_row)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addStretch()
        self.show_size()
        self._set_busy(False)

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose the postcode directory CSV", "", CSV_FILTER)
        if path:
            self.choose(Path(path))

    def choose(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(str(path))
        self.status.setText("")
        self._set_busy(False)

    def show_size(self) -> Job[LookupSize]:
        """Count what the lookup holds, in the background: millions of rows take a moment."""
        self.size_label.setText("Counting the postcodes in the lookup…")
        job = run_job(
            self,
            self.workspace,
            lambda session, _control: postcodes.lookup_size(session),
            action="Postcode lookup",
            read_only=True,
        )
        job.succeeded.connect(lambda size: self.size_label.setText(_size_text(size)))
        job.refused.connect(self.size_label.setText)
        self.size_job = job
        return job

    def start_import(self) -> Job[PostcodeImport] | None:
        """Import the chosen file in one transaction, in the background."""
        path = self.path
        if path is None:
            return None

        def work(session: Unit, control: JobControl) -> PostcodeImport:
            return postcodes.import_file(
                session, self.actor, path, progress=control.progress, cancelled=control.cancelled
            )

        job = run_job(self, self.workspace, work, action=ACTION_IMPORT)
        self.job = job
        job.progressed.connect(self._show_progress)
        job.succeeded.connect(self._show_result)
        job.refused.connect(self.status.setText)
        job.cancelled.connect(lambda: self.status.setText(CANCELLED))
        job.finished.connect(lambda: self._set_busy(False))
        self.progress.setRange(0, 0)  # busy until the first report
        self.status.setText("Importing… the window stays usable meanwhile.")
        self._set_busy(True)
        return job

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _show_result(self, result: PostcodeImport) -> None:
        text = "\n".join(postcodes.summary(result))
        self.status.setText(text)
        self.show_size()
        show_message(self, ACTION_IMPORT, text)
        self.imported.emit(result.imported)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.choose_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy and self.path is not None)


def _size_text(size: LookupSize) -> str:
    if size.postcodes == 0:
        return "The lookup is empty: distances are unknown until the postcode directory is imported."
    return f"The lookup holds {size.postcodes:,} postcodes in {size.districts:,} districts."
