"""The Monthly summary screen: choose a month and the whole PCN or one practice, make the
anonymised summary in the background, look at it, then print it or save it as a PDF or a CSV.

The figures are built and the PDF rendered on a background thread (``ui.jobs``), with a progress
bar, so the window keeps painting. The preview opens at the page's width (readable at 1366x768)
and zooms in steps: Zoom in / Zoom out / Fit width, or Ctrl+= (Ctrl++), Ctrl+- and Ctrl+0
anywhere in the area; a new summary keeps the zoom chosen. A saved file's place is said under the
actions, with Open folder (``ui.saved_file``). The PDF stays in memory until saved; both files are written
whole or not at all, and each print or save goes to the audit trail. Every figure is shown as the
PCN's disclosure rule allows, so the files may leave the PCN. No group of practices is offered:
its figures set against the whole PCN's would give away small numbers (``services.summary.selection``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol, cast

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.summary import Summary
from linkworker.services.actor import Actor
from linkworker.services.summary import summary, summary_export
from linkworker.services.summary.summary_export import MadeSummary
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.cases.letter_preview import (
    POINTS_PER_INCH,
    ask_printer,
    ask_save_path,
    paint_pages,
    pdf_document,
    pdf_view,
)
from linkworker.ui.widgets.errors import call_service, show_message
from linkworker.ui.widgets.jobs import Job, JobControl, run_job
from linkworker.ui.widgets.saved_file import SavedFileNotice

ACTION = "Monthly summary"
WHOLE_PCN = "Whole PCN (every practice)"
WHY_NO_GROUPS = (
    "A summary covers the whole PCN or one practice, never a group of practices: a group's figures "
    "taken away from the whole PCN's could reveal small numbers."
)
MONTHS_OFFERED = 24
# The preview's zoom steps (1.0 is the page at its printed size): from a whole page's outline to
# a close look at a table's small print.
ZOOM_STEPS = (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
_SAME_ZOOM = 0.01  # a step this close to the fitted width is no step from it


class _KeyCombinations(Protocol):
    """A QKeySequence as it is at run time: its key combinations by number."""

    def __getitem__(self, index: int, /) -> QKeyCombination: ...


@dataclass(frozen=True)
class Made:
    """A summary as made (``services.summary_export``), and whether it covers every practice of
    the PCN rather than one chosen."""

    made: MadeSummary
    whole_pcn: bool

    @property
    def summary(self) -> Summary:
        return self.made.summary

    @property
    def pdf(self) -> bytes:
        return self.made.pdf


def months_offered(today: date, count: int = MONTHS_OFFERED) -> list[date]:
    """The 1st of this month and of each month before it, newest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months


class SummaryView(QWidget):
    """Month, PCN (for an administrator of a shared server) and the whole PCN or one practice,
    Make summary (with Cancel while it runs), Print / Save PDF / Save CSV, and the preview
    with its zoom."""

    made = Signal(object)  # the Made, once shown

    def __init__(self, workspace: Workspace, today: date | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        self.job: Job[Made] | None = None
        self.busy = False
        self.current: Made | None = None
        self._holder: QObject | None = None
        self._zoom_keys: dict[int, Callable[[], None]] = {}

        self.heading = QLabel("Monthly summary")
        self.heading.setObjectName("heading")
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        for month in months_offered(today or date.today()):
            self.month.addItem(f"{month:%B %Y}", month)
        self.month.setCurrentIndex(1)  # last month: the latest whole one
        self.scopes: list[summary.Scope] = []
        self.pcn = QComboBox()
        self.pcn.setAccessibleName("Primary care network")
        self.pcn.currentIndexChanged.connect(lambda _index: self._show_practices(None))
        self.practices = QComboBox()
        self.practices.setAccessibleName("Practices in the summary")
        self.practices.setAccessibleDescription(WHY_NO_GROUPS)
        self.practices_label = QLabel("Practic&es:")
        self.practices_label.setBuddy(self.practices)
        self.scope_hint = QLabel(WHY_NO_GROUPS)
        self.scope_hint.setObjectName("fieldHint")
        self.scope_hint.setWordWrap(True)

        self.make_button = QPushButton("Ma&ke summary")
        self.make_button.clicked.connect(lambda _checked=False: self.make())
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Ca&ncel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(lambda _checked=False: self.cancel())
        self.status = QLabel(
            "Choose a month, and the whole PCN or one practice, then make the summary. Small numbers "
            "are hidden and others rounded, so no one can be recognised."
        )
        self.status.setWordWrap(True)

        self.print_button = QPushButton("P&rint…")
        self.print_button.clicked.connect(lambda _checked=False: self.print_summary())
        self.save_pdf_button = QPushButton("Save P&DF…")
        self.save_pdf_button.clicked.connect(lambda _checked=False: self.save_pdf())
        self.save_csv_button = QPushButton("Save CS&V…")
        self.save_csv_button.clicked.connect(lambda _checked=False: self.save_csv())
        self.saved = SavedFileNotice()
        zoom = self._zoom_controls()

        # Access keys free in the window around the area: not the menus' (Alt+F, G, P, A, H) nor
        # the notice bar's Show today's work and Dismiss (Alt+S, M).
        form = QFormLayout()
        form.addRow("Mon&th:", self.month)
        form.addRow("P&CN:", self.pcn)
        self._form = form
        practices = QVBoxLayout()  # the choice with its hint beneath, as ui.forms lays out a field
        practices.setContentsMargins(0, 0, 0, 0)
        practices.setSpacing(2)
        practices.addWidget(self.practices)
        practices.addWidget(self.scope_hint)
        form.addRow(self.practices_label, practices)
        actions = QHBoxLayout()
        actions.addWidget(self.make_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        actions.addStretch()
        for button in (self.print_button, self.save_pdf_button, self.save_csv_button):
            actions.addWidget(button)
        for choice in (self.month, self.pcn, self.practices):
            choice.installEventFilter(self)
        below = QHBoxLayout()  # what was made, and how the preview is shown
        below.addWidget(self.status, 1)
        below.addLayout(zoom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.saved)
        layout.addLayout(below)
        # Made last, with this area as its parent: last in the Tab order too, as it is on screen.
        self.view = pdf_view(self, QPdfDocument(self), "Summary preview")
        self.view.viewport().installEventFilter(self)  # the fitted zoom changes with the width
        layout.addWidget(self.view, 1)
        self.refresh()

    # Zoom ----------------------------------------------------------------------------------

    def _zoom_controls(self) -> QHBoxLayout:
        """Zoom out, the zoom shown, Zoom in and Fit width; their keys work anywhere in the area."""
        self.zoom_out_button = self._zoom_button("Zoom o&ut", "Zoom out", ("Ctrl+-",), self.zoom_out)
        self.zoom_in_button = self._zoom_button("Zoom &in", "Zoom in", ("Ctrl+=", "Ctrl++"), self.zoom_in)
        self.fit_button = self._zoom_button("Fit &width", "Fit the page's width", ("Ctrl+0",), self.fit_width)
        self.fit_button.setCheckable(True)
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance(" 400% "))
        row = QHBoxLayout()
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            row.addWidget(widget)
        return row

    def _zoom_button(
        self, text: str, what: str, keys: tuple[str, ...], zoom: Callable[[], None]
    ) -> QPushButton:
        """A button, and its keys anywhere in the area (``event``, ``keyPressEvent``)."""
        button = QPushButton(text)
        shortcuts = [QKeySequence(key) for key in keys]
        shown = shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{what} ({shown})")
        button.clicked.connect(lambda _checked=False: zoom())
        for shortcut in shortcuts:
            # PySide6's stubs leave out QKeySequence.__getitem__ (Qt's operator[]), which it has.
            first = cast(_KeyCombinations, shortcut)[0]
            self._zoom_keys[first.toCombined()] = zoom
        return button

    def _zoom_key(self, event: QKeyEvent) -> Callable[[], None] | None:
        """What a zoom key pressed does; None for any other key."""
        return self._zoom_keys.get(event.keyCombination().toCombined())

    def event(self, event: QEvent) -> bool:
        """A zoom key is the area's own, even where the window binds the same key (Ctrl+0 goes to
        a tenth area): taken here, it comes back as a key press instead of an ambiguous shortcut."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._zoom_key(event) is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        zoom = self._zoom_key(event)
        if zoom is None:
            super().keyPressEvent(event)
            return
        zoom()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A drop-down would take Ctrl+0's "0" as the start of a choice's name: the zoom has it
        first. A preview made wider or narrower shows a page fitted to it at another zoom."""
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._show_zoom()
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            zoom = self._zoom_key(event)
            if zoom is not None:
                zoom()
                return True
        return super().eventFilter(watched, event)

    def zoom_in(self) -> None:
        """The next step larger than the page is shown now."""
        now = self._zoom_now()
        larger = [step for step in ZOOM_STEPS if step > now + _SAME_ZOOM]
        if larger:
            self._zoom_to(larger[0])

    def zoom_out(self) -> None:
        """The next step smaller than the page is shown now."""
        now = self._zoom_now()
        smaller = [step for step in ZOOM_STEPS if step < now - _SAME_ZOOM]
        if smaller:
            self._zoom_to(smaller[-1])

    def fit_width(self) -> None:
        """The page as wide as the preview: how it opens."""
        if self.current is None:
            return
        self._keeping_place(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))

    def _zoom_to(self, factor: float) -> None:
        if self.current is None:
            return

        def zoom() -> None:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

        self._keeping_place(zoom)

    def _keeping_place(self, change: Callable[[], None]) -> None:
        """Change the zoom, keeping the same part of the page in view (the same share of the way
        down), as a reader expects; then show the zoom."""
        bar = self.view.verticalScrollBar()
        share = bar.value() / bar.maximum() if bar.maximum() else 0.0
        change()
        bar.setValue(round(share * bar.maximum()))
        self._show_zoom()

    def _zoom_now(self) -> float:
        """The zoom the page is shown at: the custom factor, or the one that fits its width."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        document = self.view.document()
        margins = self.view.documentMargins()
        room = self.view.viewport().width() - margins.left() - margins.right()
        page = document.pagePointSize(0).width() * self.view.logicalDpiX() / POINTS_PER_INCH
        return room / page if page > 0 else 1.0

    def _show_zoom(self) -> None:
        fitted = self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        shown = self.current is not None
        now = self._zoom_now()
        self.zoom_label.setText(f"{round(now * 100)}%" if shown else "")
        self.fit_button.setChecked(fitted)
        self.zoom_in_button.setEnabled(shown and now < ZOOM_STEPS[-1] - _SAME_ZOOM)
        self.zoom_out_button.setEnabled(shown and now > ZOOM_STEPS[0] + _SAME_ZOOM)
        self.fit_button.setEnabled(shown)

    def refresh(self) -> None:
        """Read the PCNs and their practices again (one may have been added since); the PCN and
        the practice chosen stay chosen."""
        practice = self.chosen_practice()
        outcome = call_service(
            self, self.workspace, lambda session: summary.scopes(session, self.actor), action=ACTION
        )
        if outcome.value is None:
            return
        chosen = self.chosen_pcn()
        self.scopes = outcome.value
        self.pcn.blockSignals(True)
        self.pcn.clear()
        for scope in self.scopes:
            self.pcn.addItem(f"{scope.pcn.name} ({scope.pcn.ods_code})", scope.pcn.id)
        self.pcn.setCurrentIndex(max(self.pcn.findData(chosen), 0))
        self.pcn.blockSignals(False)
        # Only an administrator of a shared server has a choice to make.
        self._form.setRowVisible(self.pcn, len(self.scopes) > 1)
        self._show_practices(practice)

    def chosen_pcn(self) -> int | None:
        """The PCN chosen, or None before the PCNs are read."""
        value = self.pcn.currentData()
        return None if value is None else int(value)

    def _chosen_scope(self) -> summary.Scope | None:
        return next((scope for scope in self.scopes if scope.pcn.id == self.chosen_pcn()), None)

    def _show_practices(self, chosen: int | None) -> None:
        """The whole PCN, then each of the chosen PCN's practices; ``chosen`` (a practice's id)
        stays chosen if it is there, else the whole PCN is."""
        scope = self._chosen_scope()
        self.practices.blockSignals(True)
        self.practices.clear()
        if scope is not None:
            self.practices.addItem(WHOLE_PCN, None)
            for practice in scope.practices:
                name = practice.name if practice.active else f"{practice.name} (closed)"
                self.practices.addItem(name, practice.id)
        self.practices.setCurrentIndex(max(self.practices.findData(chosen), 0) if chosen is not None else 0)
        self.practices.blockSignals(False)
        self._refresh_buttons()

    def chosen_practice(self) -> int | None:
        """The id of the practice chosen; None for the whole PCN."""
        value = self.practices.currentData()
        return None if value is None else int(value)

    # Making --------------------------------------------------------------------------------

    def make(self) -> Job[Made]:
        """Build the chosen month's figures and render them, in the background."""
        month: date = self.month.currentData()
        pcn_id = self.chosen_pcn()
        practice = self.chosen_practice()
        scope = self._chosen_scope()
        # A PCN of one practice: that practice is the whole PCN (as the service also reads it).
        whole_pcn = practice is None or (scope is not None and len(scope.practices) == 1)

        def work(session: Unit, control: JobControl) -> Made:
            made = summary_export.make(
                session,
                self.actor,
                month,
                None if practice is None else [practice],
                pcn_id=pcn_id,
                progress=control.progress,
                cancelled=control.cancelled,
            )
            return Made(made, whole_pcn=whole_pcn)

        self._set_busy(True)
        self.saved.hide()
        self.status.setText(f"Making the summary for {month:%B %Y}…")
        job = run_job(self, self.workspace, work, action=ACTION, read_only=True)
        job.progressed.connect(self._show_progress)
        job.succeeded.connect(self._show)
        job.refused.connect(lambda _text: self.status.setText("The summary was not made."))
        job.cancelled.connect(lambda: self.status.setText("You cancelled the summary: nothing was made."))
        job.finished.connect(lambda: self._set_busy(False))
        self.job = job
        return job

    def cancel(self) -> None:
        """Stop the summary being made (at its next step; the preview keeps any earlier one)."""
        if self.job is not None and self.busy:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _show(self, made: Made) -> None:
        holder = QObject(self)
        self.view.setDocument(pdf_document(holder, made.pdf))
        if self._holder is not None:
            self._holder.deleteLater()
        self._holder = holder
        self.current = made
        figures = made.summary
        scope = "every practice" if made.whole_pcn else ", ".join(figures.practices) + " only"
        self.status.setText(
            f"The summary of {figures.pcn_name} for {figures.month:%B %Y} ({scope}) is ready: print it "
            "or save it. Its footer names the disclosure rule it follows."
        )
        self._show_zoom()
        self.made.emit(made)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setRange(0, 0)  # moving until the first step is reported
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        """Make needs the PCN's practices read; Print and Save need a summary made."""
        self.make_button.setEnabled(not self.busy and self.practices.count() > 0)
        for button in (self.print_button, self.save_pdf_button, self.save_csv_button):
            button.setEnabled(not self.busy and self.current is not None)
        self._show_zoom()

    # Printing and saving -------------------------------------------------------------------

    def _file_name(self, suffix: str) -> str:
        assert self.current is not None
        return self.current.summary.file_name(suffix)

    def print_summary(self) -> QPrintDialog:
        return ask_printer(self, self._file_name("pdf"), self.print_to)

    def print_to(self, printer: QPrinter) -> bool:
        """Every page of the summary to ``printer``, then the printing to the audit trail."""
        if not paint_pages(self.view.document(), printer):
            self._not_done(
                "Print the summary",
                "The printer could not be used. Check that it is switched on and connected, or save "
                "the summary as a PDF and print that.",
            )
            return False
        assert self.current is not None
        made = self.current.made
        printed = call_service(
            self,
            self.workspace,
            lambda session: summary_export.record_printed(session, self.actor, made),
            action="Print the summary",
        )
        return printed.ok

    def save_pdf(self) -> QFileDialog:
        return ask_save_path(self, "Save the summary as a PDF", self._file_name("pdf"), self.save_pdf_to)

    def save_pdf_to(self, path: Path) -> bool:
        """The PDF to ``path``, whole or not at all, and the saving to the audit trail."""
        return self._save(summary_export.save_pdf, "Save the summary", path)

    def save_csv(self) -> QFileDialog:
        return ask_save_path(
            self, "Save the summary's figures as CSV", self._file_name("csv"), self.save_csv_to, kind="csv"
        )

    def save_csv_to(self, path: Path) -> bool:
        """The figures, as shown, to ``path`` as CSV, whole or not at all."""
        return self._save(summary_export.save_csv, "Save the figures", path)

    def _save(self, save: Callable[[Unit, Actor, MadeSummary, Path], None], action: str, path: Path) -> bool:
        """Save through the export service (never over the database's own files), then say where
        the file went."""
        assert self.current is not None
        made = self.current.made
        saved = call_service(
            self, self.workspace, lambda session: save(session, self.actor, made, path), action=action
        )
        if saved.ok:
            self.saved.show_saved(path)
        return saved.ok

    def _not_done(self, action: str, text: str) -> None:
        show_message(self, f"{action}: not done", text, QMessageBox.Icon.Warning)
