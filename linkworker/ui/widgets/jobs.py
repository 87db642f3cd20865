"""Work too long for the window's thread (imports, reports, big queries): run in the background
with progress and cancel, so the window never stops painting.

As Anki's ``QueryOp`` does: the work runs on a ``QThreadPool`` thread in a unit of work of its own
(a session opened on that thread), and its progress, its value or its refusal come back to the
window's thread through queued signals. A refusal is shown as ``ui/errors.py`` shows one; a bug
is raised again on the window's thread, where the app's exception hook (and pytest-qt) sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget
from shiboken6 import isValid

from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.errors import REFUSALS, refusal_heading, refusal_text, show_message

T = TypeVar("T")
_STEPS = 1000  # progress reaches the window at most this many times per job

# Jobs still running, kept alive here (not by a parent widget) so a worker never reports to a
# deleted object when its window closes first.
_running: set[Job[Any]] = set()


class JobControl:
    """What the work is given: report progress, and see whether the user asked to stop."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._report = report
        self._stop = threading.Event()
        self._last = -1

    def progress(self, done: int, total: int) -> None:
        """Called as often as the work likes; passed on only when the bar would move."""
        step = done * _STEPS // total if total > 0 else 0
        if step != self._last:
            self._last = step
            self._report(done, total)

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def cancel(self) -> None:
        self._stop.set()


@dataclass(frozen=True)
class _Ending:
    value: Any = None
    refusal: BaseException | None = None
    bug: BaseException | None = None


class Job(QObject, Generic[T]):
    """One piece of background work; every signal arrives on the window's thread.

    Exactly one of ``succeeded`` (the work's value), ``refused`` (the message shown),
    ``cancelled`` comes, then ``finished``; a bug raises after ``finished``.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    refused = Signal(str)
    cancelled = Signal()
    finished = Signal()

    _worker_progressed = Signal(int, int)
    _worker_ended = Signal(object)

    def __init__(self, parent_window: QWidget | None, action: str) -> None:
        super().__init__()
        self._window = parent_window
        self.action = action
        self.control = JobControl(self._worker_progressed.emit)
        self.running = True
        connection = Qt.ConnectionType.QueuedConnection
        self._worker_progressed.connect(self._on_progress, connection)
        self._worker_ended.connect(self._on_end, connection)

    def cancel(self) -> None:
        """Ask the work to stop; it rolls back, then ``cancelled`` comes."""
        self.control.cancel()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.running:
            self.progressed.emit(done, total)

    @Slot(object)
    def _on_end(self, ending: _Ending) -> None:
        self.running = False
        _running.discard(self)
        if ending.bug is not None:
            self.finished.emit()
            raise ending.bug
        if ending.refusal is not None and self.control.cancelled():
            self.cancelled.emit()
        elif ending.refusal is not None:
            self.refused.emit(self._show(ending.refusal))
        else:
            self.succeeded.emit(ending.value)
        self.finished.emit()

    def _show(self, error: BaseException) -> str:
        heading, icon = refusal_heading(error)
        window = self._window if self._window is not None and isValid(self._window) else None
        text = refusal_text(error)
        show_message(window, f"{self.action}: {heading}", text, icon)
        return text


class _Worker(QRunnable):
    def __init__(
        self,
        job: Job[T],
        workspace: Workspace,
        work: Callable[[Unit, JobControl], T],
        read_only: bool,
    ) -> None:
        super().__init__()
        self._job = job
        self._workspace = workspace
        self._work = work
        self._read_only = read_only

    def run(self) -> None:
        try:
            with self._workspace.unit(read_only=self._read_only) as session:
                ending = _Ending(value=self._work(session, self._job.control))
        except REFUSALS as error:
            ending = _Ending(refusal=error)
        except BaseException as error:  # a bug: carried to the window's thread, never lost here
            ending = _Ending(bug=error)
        self._job._worker_ended.emit(ending)


def run_job(
    window: QWidget | None,
    workspace: Workspace,
    work: Callable[[Unit, JobControl], T],
    *,
    action: str,
    read_only: bool = False,
) -> Job[T]:
    """Start ``work`` in the background in one unit of work (committed if it returns, rolled back
    if it raises or is cancelled); ``action`` titles any message, as in ``call_service``.

    Connect to the job's signals straight away: none arrives before control returns to the loop.
    """
    job: Job[T] = Job(window, action)
    _running.add(job)
    QThreadPool.globalInstance().start(_Worker(job, workspace, work, read_only))
    return job


@dataclass(frozen=True)
class ProgressControls:
    """What every background-job screen shows: a progress bar, Cancel, and a line of status."""

    bar: QProgressBar
    cancel_button: QPushButton
    status: QLabel
    row: QHBoxLayout  # the bar and Cancel side by side; the status goes on its own line


def progress_controls(cancel: Callable[[], object]) -> ProgressControls:
    bar = QProgressBar()
    bar.setAccessibleName("Progress")
    cancel_button = QPushButton("Ca&ncel")
    cancel_button.clicked.connect(lambda _checked=False: cancel())
    row = QHBoxLayout()
    row.addWidget(bar, 1)
    row.addWidget(cancel_button)
    status = QLabel()
    status.setWordWrap(True)
    status.setAccessibleName("Import status")
    return ProgressControls(bar, cancel_button, status, row)
