"""The flow the import screens share: choose a source, check it in the background and list its
problems, then import it in the background with progress and cancel, and say what was done.

Nothing is written until "Import" is pressed, and then all that the check found good or nothing.
A file a screen saves (rejected rows, a template, an export) is said under the status, with Open
folder (``ui.saved_file``). ``JobScreen`` is the part that runs one background job at a time
(``ui.jobs``), for any screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.errors import show_message
from linkworker.ui.widgets.forms import plain_label
from linkworker.ui.widgets.jobs import Job, JobControl, progress_controls, run_job
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.saved_file import SavedFileNotice
from linkworker.ui.widgets.tables import record_table
from linkworker.wording import counted

P = TypeVar("P")  # what a check found: the service's preview
R = TypeVar("R")  # one row of the problem table
D = TypeVar("D")  # what an import did: the service's result
T = TypeVar("T")


class JobScreen(QWidget):
    """A screen that runs one background job at a time, under a progress bar, Cancel and a line
    of status; ``_set_busy`` shows the bar and Cancel only while a job runs."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.job: Job[Any] | None = None
        controls = progress_controls(self.cancel)
        self.progress, self.cancel_button, self.status = controls.bar, controls.cancel_button, controls.status
        self.progress_row = controls.row

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def _start(
        self, work: Callable[[Unit, JobControl], T], action: str, doing: str, *, read_only: bool = False
    ) -> Job[T]:
        """Run ``work`` as this screen's job, saying what it is ``doing`` until it ends."""
        job = run_job(self, self.workspace, work, action=action, read_only=read_only)
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

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)


@dataclass(frozen=True)
class ImportWords:
    """What an import screen calls things; the flow's messages are made from them."""

    heading: str
    intro: str
    source: str  # what is chosen and checked: "file"
    unit: str  # what the check goes through one by one: "row"
    item: str  # what the import adds: "referral"
    check_action: str  # titles a refusal of the check
    import_action: str  # titles a refusal of the import, and its result
    problems: str  # the problem table's label, with its access key: "&Rejected rows"
    problems_description: str
    # Buttons whose access keys are free in the window around the screen (its menus, tabs, notices).
    import_button: str = "&Import"  # followed by the count: "&Import 3 referrals"
    open_folder: str = "Open f&older"  # the saved-file notice's


class ImportScreen(JobScreen, Generic[P, R, D]):
    """An import screen. After ``super().__init__`` a screen makes its buttons and passes them to
    ``_lay_out``; it gives the methods below that raise ``NotImplementedError``, which run on the
    job's thread (``check``, ``commit``) or on the window's (the rest).

    ``imported`` gives the number of records added or updated, once an import has been committed.
    """

    imported = Signal(int)

    def __init__(
        self,
        workspace: Workspace,
        words: ImportWords,
        problem_columns: Sequence[Column[R]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(workspace, parent)
        self.actor = workspace.actor
        self.words = words
        self.preview: P | None = None
        self.committed = False  # the shown preview has been imported: it cannot be imported again

        self.heading = QLabel(words.heading)
        self.heading.setObjectName("heading")
        self.intro = QLabel(words.intro)
        self.intro.setWordWrap(True)
        self.source_label = QLabel(f"No {words.source} chosen.")
        self.source_label.setObjectName("fieldHint")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_model: RecordTableModel[R] = RecordTableModel(problem_columns, self)
        self.problem_table = record_table(
            self.problem_model, plain_label(words.problems), words.problems_description
        )
        self.problem_table.setWordWrap(True)
        self.problems_label = QLabel(words.problems)
        self.problems_label.setObjectName("subheading")
        self.problems_label.setBuddy(self.problem_table)
        self.import_button = QPushButton(words.import_button)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.saved = SavedFileNotice(button_text=words.open_folder)

    def _lay_out(
        self,
        choices: Sequence[QPushButton],
        actions: Sequence[QPushButton],
        *,
        decisions: QWidget | None = None,
        aside: Sequence[QPushButton] = (),
    ) -> None:
        """Place the screen's choose buttons before the source, its other actions before Import;
        they are enabled whenever no job runs. ``aside`` goes at the end of the source's line,
        always enabled (help to make a source, such as a template). ``decisions``, if any, goes
        between the summary and the problems: what the user decides before importing. The
        focus order is the order on screen."""
        # ``action_buttons``, not ``actions``: that name is QWidget's own method.
        self.choices, self.action_buttons, self.aside = tuple(choices), tuple(actions), tuple(aside)
        choose_row = QHBoxLayout()
        for button in self.choices:
            choose_row.addWidget(button)
        choose_row.addWidget(self.source_label, 1)
        for button in self.aside:
            choose_row.addWidget(button)
        action_row = QHBoxLayout()
        for button in self.action_buttons:
            action_row.addWidget(button)
        action_row.addStretch()
        action_row.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(choose_row)
        layout.addWidget(self.summary)
        if decisions is not None:
            layout.addWidget(decisions)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problem_table, 1)
        layout.addLayout(action_row)
        layout.addLayout(self.progress_row)
        layout.addWidget(self.status)
        layout.addWidget(self.saved)
        self._show_preview(None)

    # What each screen adds to the flow.

    def check(self, session: Unit, control: JobControl, path: Path) -> P:
        """Read and check ``path``, writing nothing."""
        raise NotImplementedError

    def commit(self, session: Unit, control: JobControl, checked: P) -> D:
        """Import what ``checked`` found good; the result goes to ``describe``."""
        raise NotImplementedError

    def importable(self, checked: P) -> int:
        raise NotImplementedError

    def problems_of(self, checked: P) -> Sequence[R]:
        raise NotImplementedError

    def summary_of(self, checked: P) -> list[str]:
        raise NotImplementedError

    def describe(self, result: D) -> tuple[str, int]:
        """What the import did, in words, and how many records it added or updated."""
        raise NotImplementedError

    # The flow.

    def load(self, path: Path) -> Job[P]:
        """Read and check ``path`` in the background, then show what importing it would do."""
        self._show_preview(None)
        self.source_label.setText(str(path))
        job = self._start(
            lambda session, control: self.check(session, control, path),
            self.words.check_action,
            f"Checking each {self.words.unit}…",
            read_only=True,
        )
        job.succeeded.connect(self._show_preview)
        job.cancelled.connect(lambda: self.status.setText(f"Checking the {self.words.source} was cancelled."))
        return job

    def start_import(self) -> Job[D] | None:
        """Import what the shown check found good, in one transaction, in the background."""
        checked = self.preview
        if checked is None or not self.importable(checked) or self.committed:
            return None
        job = self._start(
            lambda session, control: self.commit(session, control, checked),
            self.words.import_action,
            "Importing…",
        )
        job.succeeded.connect(self._show_result)
        job.cancelled.connect(lambda: self.status.setText("The import was cancelled: nothing was imported."))
        return job

    def _show_preview(self, checked: P | None) -> None:
        self.preview = checked
        self.committed = False
        self.problem_model.set_records(self.problems_of(checked) if checked is not None else [])
        self.summary.setText("\n".join(self.summary_of(checked)) if checked is not None else "")
        self.status.setText("" if checked is None else "Checked: nothing has been imported yet.")
        self._set_busy(False)

    def _show_result(self, result: D) -> None:
        text, count = self.describe(result)
        self.status.setText(text)
        # The preview no longer says what an import would do; its problems can still be read.
        self.committed = True
        show_message(self, self.words.import_action, text)
        self.imported.emit(count)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        count = self.importable(self.preview) if self.preview is not None else 0
        for button in (*self.choices, *self.action_buttons):
            button.setEnabled(not busy)
        self.import_button.setEnabled(not busy and count > 0 and not self.committed)
        self.import_button.setText(f"{self.words.import_button} {counted(count, self.words.item)}")
