"""Importing an Open Referral UK feed into the directory, and exporting the directory as one.

Choose a JSON file or a folder of CSV tables, or give the web address of a feed's API (read page
by page, with progress and Cancel: ``services.directory_feeds``); the feed is checked in the
background and every problem is listed with the service it is about (its name, else its ORUK id)
and the place in the feed to fix it (line or JSON path), before anything is written (the flow is
``ui.import_screen``'s); the ids of named services are left to the command's report, as a column
of UUIDs would squeeze the problems out of sight. The export writes the whole directory as ORUK
JSON or CSV tables, also in the background, and says where it went, with Open folder
(``ui.saved_file``). Feed addresses can be saved and refreshed: the saved feeds show when each
was last imported and what that import added, updated and closed (``ui.directory_feeds_panel``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPushButton, QVBoxLayout, QWidget

from linkworker.interchange.oruk import FeedProblem
from linkworker.services.directory import directory_export, directory_feeds, directory_import
from linkworker.services.directory.directory_export import ExportResult
from linkworker.services.directory.directory_feeds import FeedImportResult, FeedPreview
from linkworker.services.directory.directory_import import DirectoryImportPreview, DirectoryImportResult
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.directory.directory_feeds_panel import FeedsPanel
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.import_screen import ImportScreen, ImportWords
from linkworker.ui.widgets.jobs import Job, JobControl
from linkworker.ui.widgets.models import Column
from linkworker.wording import counted, verb

ACTION_EXPORT = "Export the directory"
ACTION_READ = "Read the directory feed"
ACTION_FEEDS = "Saved feeds"
READ_CANCELLED = "Reading the feed was cancelled: nothing was imported."
_FREEZE_EVERY = 1000
JSON_FILTER = "ORUK JSON (*.json);;All files (*)"

WORDS = ImportWords(
    heading="Import and export the directory (Open Referral UK)",
    intro=(
        "Choose an Open Referral UK feed: a JSON file, a folder of CSV tables, or the web address of "
        "a feed's API. Every service is checked first and nothing is saved until you press Import. A "
        "service imported before is updated, never added twice; one that has left a saved feed is "
        "marked closed, never deleted."
    ),
    source="feed",
    unit="service",
    item="service",
    check_action="Check the directory feed",
    import_action="Import the directory feed",
    problems="Probl&ems",
    problems_description="Each problem of the feed, with the service it is about and where it is in the feed",
    # Around it: the File, PCN and Account menus, and the tabs Services, Import and export, Taxonomy
    # mapping and Postcodes (Alt+F, P, A, S, I, T); Dismiss on the notice bar (Alt+M).
    import_button="Impo&rt",
    open_folder="Open fo&lder",
)
PROBLEM_COLUMNS: list[Column[FeedProblem]] = [
    Column("What happens", lambda problem: problem.severity.value.capitalize()),
    Column("Service", lambda problem: problem.known_as),
    Column("Where", lambda problem: problem.where),
    Column("Problem", lambda problem: problem.message),
]


Result = DirectoryImportResult | FeedImportResult


def _spare_the_window() -> None:
    """Keep the objects alive now out of Python's full garbage collections. A big import makes
    many objects, and each full collection then walked every object of the app with the window's
    thread held: 0.3 s pauses at 2,000 services, longer at 20,000 (benchmarks/feed_import.py).
    Frozen objects are still freed when nothing refers to them; only cycles among them stay."""
    gc.freeze()


def _sparing(progress: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """``progress``, freezing what the reading has kept every ``_FREEZE_EVERY`` services, so that
    full collections stay short as the feed read grows (its young garbage collected first)."""
    frozen = [0]

    def report(done: int, total: int) -> None:
        if done - frozen[0] >= _FREEZE_EVERY:
            frozen[0] = done
            gc.collect(1)
            gc.freeze()
        progress(done, total)

    return report


def _unchanged(count: int) -> str:
    """The services an import found as they already were, when there were any: "3 unchanged, "."""
    return f"{count:,} unchanged, " if count else ""


class DirectoryImportView(ImportScreen[DirectoryImportPreview, FeedProblem, Result]):
    """``imported`` gives the number of services added, updated or closed, once an import is
    committed. A preview read from the web is a ``FeedPreview``; its import keeps the feed's record."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, WORDS, PROBLEM_COLUMNS, parent)
        self.json_button = QPushButton("Choose &JSON file…")
        self.json_button.clicked.connect(self.choose_file)
        self.folder_button = QPushButton("Choose CSV fol&der…")
        self.folder_button.clicked.connect(self.choose_folder)
        self.export_json_button = QPushButton("Export as JS&ON…")
        self.export_json_button.clicked.connect(self.choose_export_file)
        self.export_csv_button = QPushButton("Export as CSV ta&bles…")
        self.export_csv_button.clicked.connect(self.choose_export_folder)
        self.feeds = FeedsPanel()
        self.feeds.read_requested.connect(self.load_address)
        self.feeds.save_requested.connect(self.save_address)
        self.feeds.forget_requested.connect(self.forget_feed)
        self._lay_out(
            choices=[self.json_button, self.folder_button],
            actions=[self.export_json_button, self.export_csv_button],
        )
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.summary), self.feeds)
        self.imported.connect(lambda _count: self.refresh_feeds())
        self.refresh_feeds()

    def load_address(self, address: str) -> Job[FeedPreview]:
        """Read the feed at ``address`` from the web in the background and show what importing it
        would do; only the reading is recorded (in the audit trail)."""
        self._show_preview(None)
        self.source_label.setText(address)
        _spare_the_window()
        job = self._start(
            lambda session, control: directory_feeds.read(
                session, self.actor, address, progress=_sparing(control.progress), cancelled=control.cancelled
            ),
            ACTION_READ,
            "Reading the feed from the web: each page of services, then each service's full record…",
        )
        job.succeeded.connect(self._show_preview)
        job.cancelled.connect(lambda: self.status.setText(READ_CANCELLED))
        return job

    def save_address(self, address: str) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: directory_feeds.save(session, self.actor, address),
            action=ACTION_FEEDS,
        )
        if outcome.value is not None:
            self.status.setText("The feed address is saved: choose it and press Refresh to read it.")
            self.refresh_feeds()

    def forget_feed(self, feed_id: int) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: directory_feeds.forget(session, self.actor, feed_id),
            action=ACTION_FEEDS,
        )
        if outcome.refusal is None:
            self.status.setText("The feed is no longer saved; its services stay in the directory.")
        self.refresh_feeds()

    def refresh_feeds(self) -> None:
        """Read the saved feeds again (a few rows: quick enough for the window's thread)."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: directory_feeds.saved_feeds(session, self.actor),
            action=ACTION_FEEDS,
        )
        if outcome.value is not None:
            self.feeds.show_feeds(outcome.value)

    def check(self, session: Unit, control: JobControl, path: Path) -> DirectoryImportPreview:
        return directory_import.preview(session, self.actor, directory_import.read_feed(path))

    def commit(self, session: Unit, control: JobControl, checked: DirectoryImportPreview) -> Result:
        _spare_the_window()
        if isinstance(checked, FeedPreview):
            return directory_feeds.commit(
                session, self.actor, checked, progress=control.progress, cancelled=control.cancelled
            )
        return directory_import.commit(
            session, self.actor, checked.feed, progress=control.progress, cancelled=control.cancelled
        )

    def importable(self, checked: DirectoryImportPreview) -> int:
        return checked.importable

    def problems_of(self, checked: DirectoryImportPreview) -> Sequence[FeedProblem]:
        if isinstance(checked, FeedPreview):
            return directory_feeds.problem_list(checked)
        return directory_import.problem_list(checked)

    def summary_of(self, checked: DirectoryImportPreview) -> list[str]:
        if isinstance(checked, FeedPreview):
            return directory_feeds.summary(checked)
        return directory_import.summary(checked)

    def describe(self, result: Result) -> tuple[str, int]:
        if isinstance(result, FeedImportResult):
            return directory_feeds.describe(result), result.added + result.updated + result.closed
        text = (
            f"Imported {counted(result.added, 'new service')} and updated {result.updated:,} "
            f"({_unchanged(result.unchanged)}{result.flagged:,} flagged for checking); "
            f"{counted(result.skipped, 'record')} skipped."
        )
        if result.unmapped_terms:
            terms = result.unmapped_terms
            waiting = verb(terms, "is", "are")
            text += f" {counted(terms, 'taxonomy term')} {waiting} waiting to be mapped to needs."
        return text, result.added + result.updated

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.feeds.set_busy(busy)

    def export(self, path: Path) -> Job[ExportResult]:
        """Write the directory to ``path``: JSON for a .json file, else CSV tables into the folder."""
        job = self._start(
            lambda session, _control: directory_export.export(session, self.actor, path),
            ACTION_EXPORT,
            "Exporting…",
        )
        job.succeeded.connect(self._show_export)
        return job

    def _show_export(self, result: ExportResult) -> None:
        self.status.setText("Exported the directory.")
        self.saved.show_saved(result.path, f"{counted(result.services, 'service')} as ORUK {result.form}.")

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
