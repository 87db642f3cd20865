"""The case record's Follow-ups tab: what is booked, soonest first, and what was done or
cancelled; and how a follow-up's steps read on the timeline.

The buttons act on the open follow-up chosen in the first list (keyboard: Tab to the list, the
arrow keys to choose, then Alt+D, Alt+U or Alt+F; the same actions are on the list's context
menu). Scheduling is the case's action row's, so it is there whichever tab is open.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from linkworker.domain.follow_ups import Due
from linkworker.services.cases.case_record import (
    CaseRecord,
    FollowUpEvent,
    FollowUpRecord,
    FollowUpStep,
    TimelineEntry,
)
from linkworker.ui.cases.case_columns import day, event_words, one_line, wrapping
from linkworker.ui.cases.case_sections import fitted, scrolled, subheading
from linkworker.ui.cases.follow_up_dialogs import kind_label
from linkworker.ui.widgets.display import local_time
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

_DUE_WORDS = {Due.OVERDUE: "overdue", Due.TODAY: "today", Due.THIS_WEEK: "in the next 7 days", Due.LATER: ""}


def when_due(follow_up: FollowUpRecord, today: date | None = None) -> str:
    """Its day, and where that falls while it is open: "02 Dec 2026 (overdue)"."""
    band = follow_up.due(today or date.today())
    words = _DUE_WORDS[band] if band is not None else ""
    return f"{day(follow_up.due_on)} ({words})" if words else day(follow_up.due_on)


def how_it_ended(follow_up: FollowUpRecord) -> str:
    """ "Done 12 Jun 2025, 10:42 by Wren Worker" or "Cancelled … by …: the reason"."""
    if follow_up.done_at is not None:
        by = f" by {follow_up.done_by}" if follow_up.done_by else ""
        return f"Done {local_time(follow_up.done_at)}{by}"
    by = f" by {follow_up.cancelled_by}" if follow_up.cancelled_by else ""
    return f"Cancelled {local_time(follow_up.cancelled_at)}{by}: {follow_up.cancelled_reason or ''}"


def open_details(follow_up: FollowUpRecord) -> str:
    """The note, then each earlier day and why it moved, oldest first."""
    moves = [f"Moved from {day(move.from_due_on)}: {move.reason}." for move in follow_up.reschedules]
    return " ".join(part for part in (one_line(follow_up.note), *moves) if part)


def past_details(follow_up: FollowUpRecord) -> str:
    note = one_line(follow_up.note)
    return f"{how_it_ended(follow_up)}. Note: {note}" if note else how_it_ended(follow_up)


OPEN_COLUMNS: list[Column[FollowUpRecord]] = [
    Column("Due", when_due),
    Column("Kind", lambda row: kind_label(row.kind)),
    Column("Owner", lambda row: row.owner or ""),
    Column("Note and moves", open_details),
]

PAST_COLUMNS: list[Column[FollowUpRecord]] = [
    Column("Was due", lambda row: day(row.due_on)),
    Column("Kind", lambda row: kind_label(row.kind)),
    Column("Owner", lambda row: row.owner or ""),
    Column("What happened", past_details),
]

_STEP_WORDS = {
    FollowUpStep.SCHEDULED: "scheduled",
    FollowUpStep.RESCHEDULED: "rescheduled",
    FollowUpStep.DONE: "done",
    FollowUpStep.CANCELLED: "cancelled",
}


def follow_up_step(event: FollowUpEvent) -> tuple[str, str]:
    """A follow-up's step as the timeline says it: "Follow-up scheduled: call" beside when it is
    due, for whom and the note; a move beside both days and why; a cancelling beside why."""
    what = f"Follow-up {_STEP_WORDS[event.step]}: {kind_label(event.kind).lower()}"
    if event.step is FollowUpStep.SCHEDULED:
        parts = [
            f"Due {day(event.due_on)}",
            f"for {event.owner}" if event.owner else "",
            one_line(event.detail),
        ]
        return what, "; ".join(part for part in parts if part)
    if event.step is FollowUpStep.RESCHEDULED:
        assert event.from_due_on is not None
        return what, f"From {day(event.from_due_on)} to {day(event.due_on)}: {one_line(event.detail)}"
    if event.step is FollowUpStep.CANCELLED:
        return what, f"Was due {day(event.due_on)}: {one_line(event.detail)}"
    return what, f"Was due {day(event.due_on)}"


def timeline_words(entry: TimelineEntry) -> tuple[str, str]:
    """What happened and its details, for every kind of timeline entry."""
    item = entry.item
    return follow_up_step(item) if isinstance(item, FollowUpEvent) else event_words(entry)


class FollowUpsPanel(QWidget):
    """The case's follow-ups; each ``*_requested`` signal carries the chosen open follow-up."""

    complete_requested = Signal(object)
    reschedule_requested = Signal(object)
    cancel_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = False
        self.case_open = False
        self.open_model: RecordTableModel[FollowUpRecord] = RecordTableModel(OPEN_COLUMNS, self)
        self.open_table = fitted(
            wrapping(
                record_table(
                    self.open_model,
                    "Open follow-ups",
                    "Follow-ups still to do, soonest first",
                )
            )
        )
        self.open_table.selectionModel().selectionChanged.connect(self._offer_actions)
        self.past_model: RecordTableModel[FollowUpRecord] = RecordTableModel(PAST_COLUMNS, self)
        self.past_table = fitted(
            wrapping(
                record_table(
                    self.past_model,
                    "Done and cancelled follow-ups",
                    "Follow-ups done or cancelled, latest first",
                )
            )
        )
        self.open_empty = QLabel()
        self.open_empty.setObjectName("fieldHint")
        self.open_empty.setWordWrap(True)
        self.past_empty = QLabel("None yet.")
        self.past_empty.setObjectName("fieldHint")

        self.complete_button = self._button(
            "Mark &done…", "Mark the chosen follow-up as done", self.complete_requested
        )
        self.reschedule_button = self._button(
            "Resched&ule…",
            "Move the chosen follow-up to another day, with the reason",
            self.reschedule_requested,
        )
        self.cancel_button = self._button(
            "Cancel &follow-up…", "Cancel the chosen follow-up, with the reason", self.cancel_requested
        )
        self.open_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for button in (self.complete_button, self.reschedule_button, self.cancel_button):
            action = QAction(button.text().replace("&", ""), self.open_table)
            action.triggered.connect(button.click)
            self.open_table.addAction(action)
        buttons = QHBoxLayout()
        buttons.addWidget(subheading("Open"), 1)
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.reschedule_button)
        buttons.addWidget(self.cancel_button)

        layout = scrolled(self)
        layout.addLayout(buttons)
        layout.addWidget(self.open_empty)
        layout.addWidget(self.open_table)
        layout.addSpacing(6)
        layout.addWidget(subheading("Done and cancelled"))
        layout.addWidget(self.past_empty)
        layout.addWidget(self.past_table)
        layout.addStretch()

    def _button(self, text: str, description: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(description)
        button.setAccessibleDescription(description)
        button.clicked.connect(lambda: self._request(signal))
        return button

    def show_record(self, record: CaseRecord, editable: bool) -> None:
        """Show the follow-ups as saved, keeping the one the user had chosen."""
        chosen = self.selected()
        self.editable = editable
        self.case_open = record.header.status.is_open
        still_open = [row for row in record.follow_ups if row.is_open]
        past = [row for row in record.follow_ups if not row.is_open]
        self.open_model.set_records(still_open)
        self.past_model.set_records(past)
        self.open_table.setVisible(bool(still_open))
        self.open_empty.setVisible(not still_open)
        self.open_empty.setText(
            "Nothing booked. Use Schedule follow-up… above to book the next call or meeting."
            if editable and record.header.status.is_open
            else "Nothing booked."
        )
        self.past_table.setVisible(bool(past))
        self.past_empty.setVisible(not past)
        for button in (self.complete_button, self.reschedule_button, self.cancel_button):
            button.setVisible(editable)
        ids = [row.id for row in still_open]
        if chosen is not None and chosen.id in ids:
            self.open_table.selectRow(ids.index(chosen.id))
        elif still_open:
            self.open_table.selectRow(0)
        self._offer_actions()

    def selected(self) -> FollowUpRecord | None:
        rows = self.open_table.selectionModel().selectedRows()
        return self.open_model.record(rows[0].row()) if rows else None

    def _offer_actions(self) -> None:
        """Each button works once an open follow-up is chosen; on an ended case one is completed
        or cancelled, not moved (``domain.follow_ups.check_action``)."""
        chosen = self.selected() is not None
        usable = (chosen, chosen and self.case_open, chosen)
        buttons = (self.complete_button, self.reschedule_button, self.cancel_button)
        for button, action, enabled in zip(buttons, self.open_table.actions(), usable, strict=True):
            button.setEnabled(enabled)
            action.setEnabled(enabled and self.editable)

    def _request(self, signal: SignalInstance) -> None:
        chosen = self.selected()
        if self.editable and chosen is not None:
            signal.emit(chosen)
