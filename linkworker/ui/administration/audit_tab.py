"""Administration ▸ Audit trail: who did what to which record, and when, over the whole trail.

Filters by user, case number, action and days; pages through every event newest first; exports
what is filtered to CSV (the export is audited), saying where the file went with Open folder
(``ui.saved_file``); and checks the trail's seals, listing any break.
Export and check run in the background: a large trail never stops the window painting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from linkworker.services.administration import audit_trail
from linkworker.services.administration.audit_trail import (
    Choice,
    Exported,
    TrailEvent,
    TrailFilter,
    TrailPage,
)
from linkworker.services.audit import ChainReport
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.administration.record_tab import RecordTab
from linkworker.ui.cases.letter_preview import ask_save_path
from linkworker.ui.widgets.date_field import from_qdate, to_qdate
from linkworker.ui.widgets.errors import call_plain, call_service
from linkworker.ui.widgets.forms import repolish
from linkworker.ui.widgets.jobs import Job, JobControl, run_job
from linkworker.ui.widgets.models import AUDIT_COLUMNS, AUDIT_PCN_COLUMN
from linkworker.ui.widgets.saved_file import SavedFileNotice
from linkworker.wording import counted

INTRO = (
    "Every event, newest first: who did what to which record, and when. Choose a user, a case, "
    "an action or days to narrow the list; Export… saves what is listed, and is itself recorded."
)
EN_DASH = "\u2013"
EXPORT = "Export the audit trail"
READ = "Show the audit trail"
READING = "Reading the trail…"
NOT_EXPORTED = "Nothing was exported."
EVERYONE = "Everyone"
ANY_ACTION = "Any action"
_BREAKS_SHOWN = 200  # more would not help a person; the count says how many there are


def page_words(page: TrailPage, none: str = "No events match.") -> str:
    """ "Events 201 to 400 of 12,345" (with an en dash): where the page stands in all that match."""
    if not page.events:
        return none
    return f"Events {page.first_number:,}{EN_DASH}{page.last_number:,} of {page.total:,}"


def verdict_words(report: ChainReport) -> str:
    checked = f"{counted(report.events, 'event')} checked in {report.seconds:.1f} s"
    if report.whole:
        return f"The trail is whole: {checked}. No event has been changed, removed, added or moved."
    places = counted(len(report.breaks), "place")
    return f"The trail is broken in {places} ({checked}). Someone changed it outside Linkworker:"


def break_words(report: ChainReport) -> list[str]:
    lines = [f"Event {b.event_id}: {b.kind.value}. {b.explanation}" for b in report.breaks[:_BREAKS_SHOWN]]
    if len(report.breaks) > _BREAKS_SHOWN:
        lines.append(f"… and {len(report.breaks) - _BREAKS_SHOWN:,} more")
    return lines


class Pager(QWidget):
    """Previous and Next around the words saying which events are shown; ``moved`` gives the
    offset of the page asked for."""

    moved = Signal(int)

    def __init__(self, what: str) -> None:
        super().__init__()
        self._page: TrailPage | None = None
        self.previous_button = QPushButton("Pre&vious")
        self.previous_button.setToolTip(f"Newer {what}")
        self.previous_button.setAccessibleDescription(f"Show the page of newer {what}")
        self.next_button = QPushButton("Ne&xt")
        self.next_button.setToolTip(f"Older {what}")
        self.next_button.setAccessibleDescription(f"Show the page of older {what}")
        self.position = QLabel()
        self.position.setAccessibleName("Events shown")
        self.previous_button.clicked.connect(lambda: self._go(-1))
        self.next_button.clicked.connect(lambda: self._go(1))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.position)
        layout.addWidget(self.next_button)
        layout.addStretch()
        self.show_page(None)

    def reading(self) -> None:
        """While a page is read: say so, and wait before moving again."""
        self.position.setText(READING)
        self.previous_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def is_reading(self) -> bool:
        return self.position.text() == READING

    def show_page(self, page: TrailPage | None, none: str = "No events match.") -> None:
        self._page = page
        self.position.setText(page_words(page, none) if page is not None else "")
        self.previous_button.setEnabled(page is not None and page.has_previous)
        self.next_button.setEnabled(page is not None and page.has_next)

    def _go(self, step: int) -> None:
        if self._page is not None:
            self.moved.emit(max(0, self._page.offset + step * self._page.size))


@dataclass(frozen=True)
class _Read:
    """What one reading found: the page, and the drop-downs' choices when they were read too."""

    wanted: TrailFilter
    page: TrailPage
    users: list[Choice] | None
    actions: list[Choice] | None


class AuditTab(RecordTab[TrailEvent]):
    """The whole trail a page at a time, as filtered; the export and the check of its seals.

    ``shown`` is emitted when a page read in the background is on screen."""

    shown = Signal()

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(
            workspace, [*AUDIT_COLUMNS, AUDIT_PCN_COLUMN], "Audit trail", INTRO, lambda _s, _a: []
        )
        self.shown_filter = TrailFilter()
        self.page: TrailPage | None = None
        self._marked: list[QWidget] = []  # the fields a refusal marked, cleared on the next reading
        self._job: Job[Exported] | None = None  # the export running, for Stop
        self._readings = 0  # readings asked for; only the newest is shown

        self.user = _choice_list(10)
        self.case = QLineEdit()
        self.case.setPlaceholderText("LW-000123")
        self.case.setMaxLength(20)
        self.case.setClearButtonEnabled(True)
        self.action = _choice_list(12)
        self.since_on, self.since = _day_choice("Fro&m", "First day", date.today() - timedelta(days=30))
        self.until_on, self.until = _day_choice("T&o", "Last day", date.today())
        self.show_button = QPushButton("Sho&w")
        self.show_button.setToolTip("List the events that match these choices")
        self.clear_button = QPushButton("Clea&r")
        self.clear_button.setToolTip("Forget the choices and list every event")
        filters = QHBoxLayout()
        _labelled(filters, "U&ser:", self.user, "User")
        _labelled(filters, "&Case:", self.case, "Case number")
        _labelled(filters, "Actio&n:", self.action, "Action")
        for check, edit in ((self.since_on, self.since), (self.until_on, self.until)):
            filters.addWidget(check)
            filters.addWidget(edit)
        filters.addWidget(self.show_button)
        filters.addWidget(self.clear_button)
        filters.addStretch()
        self.filter_message = QLabel()
        self.filter_message.setObjectName("fieldMessage")
        self.filter_message.setWordWrap(True)
        self.filter_message.hide()

        self.pager = Pager("events")
        self.export_button = self.add_button(
            "&Export…", self._export_pressed, "Save the events listed as a CSV file"
        )
        self.check_button = self.add_button(
            "C&heck the trail", self._check_pressed, "Check that no event has been changed, removed or added"
        )
        self.buttons.insertWidget(0, self.pager)
        self.buttons.insertStretch(1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.stop_button = QPushButton("Cancel export")  # every letter of it is taken here
        self.stop_button.setToolTip("Stop before the end: no file is written")
        exporting = QHBoxLayout()
        exporting.addWidget(self.progress, 1)
        exporting.addWidget(self.stop_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export and check")
        self.breaks = QListWidget()
        self.breaks.setAccessibleName("Breaks in the trail")
        self.breaks.setMaximumHeight(110)
        self.breaks.hide()
        # Alt+O is To's; Alt+L the Disclosure tab's.
        self.saved = SavedFileNotice(button_text="Open fol&der")

        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, filters)
        layout.insertWidget(2, self.filter_message)
        layout.addLayout(exporting)
        for widget in (self.status, self.saved, self.breaks):
            layout.addWidget(widget)
        self._show_exporting(False)

        self.user.activated.connect(lambda _index: self.apply())
        self.action.activated.connect(lambda _index: self.apply())
        self.case.returnPressed.connect(self.apply)
        for check, edit in ((self.since_on, self.since), (self.until_on, self.until)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self.apply())
            edit.dateChanged.connect(lambda _day, on=check: self._day_changed(on))
        self.show_button.clicked.connect(self.apply)
        self.clear_button.clicked.connect(self.clear)
        self.pager.moved.connect(self.go_to)
        self.stop_button.clicked.connect(self.stop_export)
        self.table.setColumnHidden(len(AUDIT_COLUMNS), True)

    # Reading the trail.

    def refresh(self, select: object = None) -> None:
        """Read the drop-downs' choices, and the page shown, again (admin_view calls this)."""
        self._read(self.shown_filter, self.page.offset if self.page is not None else 0, choices=True)

    def apply(self) -> None:
        """List the first page of the events that match the choices on screen."""
        wanted = self.chosen_filter()
        if call_plain(self, lambda: audit_trail.check_filter(wanted), action=READ, form=self).ok:
            self._read(wanted, 0)

    def _day_changed(self, limit: QCheckBox) -> None:
        if limit.isChecked():
            self.apply()

    def go_to(self, offset: int) -> None:
        """Another page of the same list: its total is known, so it is not counted again."""
        self._read(self.shown_filter, offset, known_total=self.page.total if self.page else None)

    def clear(self) -> None:
        self.user.setCurrentIndex(0)
        self.case.clear()
        self.action.setCurrentIndex(0)
        for check in (self.since_on, self.until_on):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.since.setEnabled(False)
        self.until.setEnabled(False)
        self.apply()

    def chosen_filter(self) -> TrailFilter:
        return TrailFilter(
            user_id=self.user.currentData(),
            case=self.case.text(),
            action=self.action.currentData(),
            since=from_qdate(self.since.date()) if self.since_on.isChecked() else None,
            until=from_qdate(self.until.date()) if self.until_on.isChecked() else None,
        )

    def _read(
        self, wanted: TrailFilter, offset: int, *, choices: bool = False, known_total: int | None = None
    ) -> Job[_Read]:
        """Read in the background (a large trail takes seconds to count); only the newest
        reading asked for is shown, so a slow one never replaces a later choice."""
        self._readings += 1
        ticket = self._readings

        def work(session: Unit, _control: JobControl) -> _Read:
            users = audit_trail.user_choices(session, self.actor) if choices else None
            actions = audit_trail.action_choices(session, self.actor) if choices else None
            page = audit_trail.page(session, self.actor, wanted, offset=offset, known_total=known_total)
            return _Read(wanted, page, users, actions)

        self.pager.reading()
        job = run_job(self, self.workspace, work, action=READ, read_only=True)
        job.succeeded.connect(lambda read: self._show_read(ticket, read))
        job.finished.connect(lambda: self._read_ended(ticket))
        return job

    def _show_read(self, ticket: int, read: _Read) -> None:
        if ticket != self._readings:
            return
        if read.users is not None and read.actions is not None:
            _fill(self.user, EVERYONE, read.users)
            _fill(self.action, ANY_ACTION, read.actions)
        self.shown_filter = read.wanted
        self.page = read.page
        self.model.set_records(read.page.events)
        self.table.setColumnHidden(len(AUDIT_COLUMNS), not read.page.every_pcn)
        self.pager.show_page(read.page)
        self.shown.emit()

    def _read_ended(self, ticket: int) -> None:
        """A reading refused (its message is shown) leaves the page that was there."""
        if ticket == self._readings and self.pager.is_reading():
            self.pager.show_page(self.page)

    # FieldMessages: a refused case number or pair of days is shown under the filters.

    def clear_messages(self) -> None:
        self.filter_message.hide()
        for editor in self._marked:
            editor.setProperty("invalid", False)
            repolish(editor)
            editor.setAccessibleDescription("")
        self._marked.clear()

    def show_message(self, field: str, message: str) -> bool:
        editor = {"case": self.case, "until": self.until}.get(field)
        if editor is None:
            return False
        self.filter_message.setText(message)
        self.filter_message.show()
        editor.setProperty("invalid", True)
        repolish(editor)
        editor.setAccessibleDescription(message)
        editor.setFocus()
        self._marked.append(editor)
        return True

    # Export and check, in the background.

    # The buttons' slots: what export and check_trail return (the dialog, the job) is for tests.
    def _export_pressed(self) -> None:
        self.export()

    def _check_pressed(self) -> None:
        self.check_trail()

    def export(self) -> QWidget:
        name = f"audit-trail-{date.today():%Y-%m-%d}.csv"
        return ask_save_path(self, "Export the audit trail as CSV", name, self.export_to, kind="csv")

    def export_to(self, path: Path) -> Job[Exported]:
        """Write the events listed (all pages) to ``path`` in the background, reading only, then
        record the export; a file the trail could not record is removed."""
        wanted = self.shown_filter
        self.saved.hide()
        self._show_exporting(True)
        self.progress.setValue(0)
        self.status.setText(f"Exporting to {path.name}…")
        job = run_job(
            self,
            self.workspace,
            lambda session, control: audit_trail.write_csv(
                session, self.actor, wanted, path, progress=control.progress, cancelled=control.cancelled
            ),
            action=EXPORT,
            read_only=True,
        )
        job.progressed.connect(lambda done, total: self._progressed(done, total))
        job.succeeded.connect(lambda exported: self._record(exported))
        job.refused.connect(lambda _text: self.status.setText(NOT_EXPORTED))
        job.cancelled.connect(lambda: self.status.setText(NOT_EXPORTED))
        job.finished.connect(lambda: self._show_exporting(False))
        self._job = job
        return job

    def stop_export(self) -> None:
        if self._job is not None and self._job.running:
            self._job.cancel()

    def check_trail(self) -> Job[ChainReport]:
        """Walk the whole chain of seals and show whether it is whole, or where it breaks."""
        self.check_button.setEnabled(False)
        self.status.setText("Checking every event of the trail…")
        self.breaks.hide()
        job = run_job(
            self,
            self.workspace,
            # The check opens its own units of work (a read for the walk, a write for its record).
            lambda _session, _control: self.workspace.verify_audit_trail(),
            action="Check the audit trail",
            read_only=True,
        )
        job.succeeded.connect(lambda report: self._checked(report))
        job.refused.connect(lambda _text: self.status.setText("The trail could not be checked."))
        job.finished.connect(lambda: self.check_button.setEnabled(True))
        return job

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _record(self, exported: Exported) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: audit_trail.record_export(session, self.actor, exported),
            action=EXPORT,
        )
        if not outcome.ok:
            exported.path.unlink(missing_ok=True)
            self.status.setText(f"{NOT_EXPORTED} The trail could not record it, so the file was removed.")
            return
        self.status.setText(f"Exported {counted(exported.events, 'event')}.")
        listed = counted(exported.events, "event")
        self.saved.show_saved(exported.path, f"{listed}, as listed; the export is itself in the trail.")
        self.refresh()  # the export is itself an event

    def _show_exporting(self, exporting: bool) -> None:
        self.progress.setVisible(exporting)
        self.stop_button.setVisible(exporting)
        self.export_button.setEnabled(not exporting)

    def _checked(self, report: ChainReport) -> None:
        self.status.setText(verdict_words(report))
        self.breaks.clear()
        self.breaks.addItems(break_words(report))
        self.breaks.setVisible(not report.whole)
        self.refresh()  # the check is itself an event


def _day_choice(label: str, name: str, day: date) -> tuple[QCheckBox, QDateEdit]:
    """A box that turns a day limit on, and the day; off, the list has no limit that side."""
    check = QCheckBox(label)
    edit = QDateEdit(to_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setKeyboardTracking(False)  # a day half typed is not yet a choice
    edit.setEnabled(False)
    edit.setAccessibleName(name)
    check.setAccessibleDescription(f"Limit the list by its {name.lower()}")
    return check, edit


def _labelled(row: QHBoxLayout, text: str, editor: QWidget, name: str) -> None:
    label = QLabel(text)
    label.setBuddy(editor)
    editor.setAccessibleName(name)
    row.addWidget(label)
    row.addWidget(editor)


def _choice_list(characters: int) -> QComboBox:
    """A drop-down as wide as ``characters`` whatever it holds: its choices are read after it is
    first shown, and a list sized then, empty, cut "Everyone" short."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(characters)
    return box


def _room_for(box: QComboBox, text: str) -> int:
    """The width the drop-down needs to show ``text`` whole, as the style draws it: its frame and
    padding, and the style sheet's arrow, which sits over the padding and is not counted there."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    option.currentText = text
    metrics = box.fontMetrics()
    inside = QSize(metrics.horizontalAdvance(text), metrics.height())
    style = box.style()
    framed = style.sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, inside, box).width()
    option.rect.setSize(QSize(framed, box.height()))
    arrow = style.subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, box
    ).width()
    return framed + arrow


def _fill(box: QComboBox, everything: str, choices: list[Choice]) -> None:
    """The drop-down's choices read again, keeping the one chosen if it is still there."""
    kept = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(everything, None)
    for choice in choices:
        box.addItem(choice.label, choice.value)
    box.setCurrentIndex(max(box.findData(kept), 0) if kept is not None else 0)
    box.setMinimumWidth(_room_for(box, everything))
    box.blockSignals(False)
