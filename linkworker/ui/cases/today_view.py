"""The Today area, a link worker's home screen. On the left what needs doing today: their
follow-ups overdue and due today, and their people waiting too long for a first contact; on the
right what is coming: their follow-ups due later this week and the PCN's new referrals no one
has taken yet. Each row opens its case (double-click or Enter).

Reading it again while it is on screen (``refresh(reread=True)``, on focus and on a timer) keeps
the row selected and where each list was scrolled to. On a new database, with no referral in
the PCN yet, a Getting started panel takes the place of the five empty lists and says what to
do first (``step_requested``). Also here: the dialog in which a manager sets how many working
days a person may wait for a first contact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Final, Generic, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.follow_ups import week_end
from linkworker.domain.working_days import FIRST_CONTACT_WAIT_RANGE
from linkworker.services.actor import Actor
from linkworker.services.cases import today
from linkworker.services.cases.today import DueFollowUp, TodayLists, WaitingCase
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.display import words
from linkworker.ui.widgets.empty_state import (
    Advice,
    Beginnings,
    EmptyState,
    directory_advice,
    practices_advice,
    read_beginnings,
    referrals_advice,
)
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.paged_model import ROW_ID_ROLE
from linkworker.ui.widgets.tables import record_table

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex


def day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def waiting_text(row: WaitingCase, wait: int) -> str:
    """The working days a case has waited, marked when a first contact is later than the PCN allows."""
    return (
        f"{row.working_days_waiting} (over {wait})"
        if row.first_contact_overdue
        else str(row.working_days_waiting)
    )


FOLLOW_UP_COLUMNS: Final[tuple[Column[DueFollowUp], ...]] = (
    Column("Case", lambda row: row.case_number),
    Column("Person", lambda row: row.person_name),
    Column("Follow-up", lambda row: words(row.kind.value)),
    Column("Due", lambda row: day_text(row.due_on)),
    Column("Note", lambda row: " ".join((row.note or "").split())),
)


WAIT_COLUMN: Final = 2
NOTE_COLUMN: Final = 4


def case_columns(wait: Callable[[], int]) -> tuple[Column[WaitingCase], ...]:
    return (
        Column("Case", lambda row: row.case_number),
        Column("Person", lambda row: row.person_name),
        Column("Working days", lambda row: waiting_text(row, wait()), numeric=True),
        Column("Urgency", lambda row: words(row.urgency.value)),
        Column("Practice", lambda row: row.practice),
    )


class TodayModel(RecordTableModel[T]):
    """A Today list: its rows carry an id (``ROW_ID_ROLE``) that stays the same when read again;
    pointing at a case's wait tells the day it was received."""

    def __init__(
        self, columns: Sequence[Column[T]], key: Callable[[T], int], parent: QObject | None = None
    ) -> None:
        super().__init__(columns, parent)
        self._key = key

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == ROW_ID_ROLE and index.isValid() and 0 <= index.row() < self.rowCount():
            return self._key(self.record(index.row()))
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == WAIT_COLUMN:
            record = self.record(index.row())
            if isinstance(record, WaitingCase):  # how long it has waited: since when
                return f"Received {day_text(record.received_on)}"
        if role == Qt.ItemDataRole.AccessibleTextRole and index.isValid():
            title = self.headerData(index.column(), Qt.Orientation.Horizontal)
            return f"{title}: {super().data(index) or 'none'}"
        return super().data(index, role)


class Section(QWidget, Generic[T]):
    """One list: a heading with its count, and the table, or a line saying there is nothing."""

    def __init__(
        self,
        title: str,
        empty: str,
        columns: Sequence[Column[T]],
        key: Callable[[T], int],
        referral: Callable[[T], int],
        opened: Callable[[int], None],
    ) -> None:
        super().__init__()
        self.title = title
        self._referral = referral
        self.heading = QLabel(title)
        self.heading.setObjectName("subheading")
        self.model: TodayModel[T] = TodayModel(columns, key, self)
        self.table = record_table(self.model, title, "Double-click a row or press Enter to open the case")
        # The last column shown takes what width is left, the others fit their contents: a list
        # fits its half of a 1240-wide window without scrolling sideways; a cut text is a tooltip.
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.activated.connect(lambda index: opened(self._referral(self.model.record(index.row()))))
        self.heading.setBuddy(self.table)
        self.empty = QLabel(empty)
        self.empty.setObjectName("fieldHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.empty.hide()

    def set_rows(self, rows: Sequence[T], title: str, total: int | None = None) -> None:
        """Show ``rows`` (the first ``len(rows)`` of ``total``), keeping the selected row and the scroll."""
        chosen = self.table.currentIndex().data(ROW_ID_ROLE)
        scroll = self.table.verticalScrollBar().value()
        self.model.set_records(rows)
        shown = len(rows) if total is None else total
        more = f", the first {len(rows)} shown" if total is not None and total > len(rows) else ""
        self.title = title
        self.heading.setText(f"{title} ({shown:,}{more})")
        self.table.setAccessibleName(f"{title}: {shown:,}")
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if chosen is not None:
            self.select(chosen)
        self.table.doItemsLayout()
        self.table.verticalScrollBar().setValue(scroll)
        # As tall as its rows at most, so a short list leaves its room to the others.
        table = self.table
        rows_height = sum(table.rowHeight(row) for row in range(self.model.rowCount()))
        table.setMaximumHeight(
            table.horizontalHeader().sizeHint().height() + rows_height + 2 * table.frameWidth()
        )
        below = table.maximumHeight() if rows_height else self.empty.sizeHint().height()
        layout = self.layout()
        assert layout is not None  # set in __init__
        self.setMaximumHeight(self.heading.sizeHint().height() + layout.spacing() + below)

    def select(self, key: int) -> bool:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(ROW_ID_ROLE) == key:
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    def selected_key(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        return int(index.data(ROW_ID_ROLE))


class TodayView(QWidget):
    """Emits ``case_requested`` with a referral id to open, ``counted`` with what the navigation
    shows, ``step_requested`` with a first step to take on a new database (empty_state.Step)."""

    case_requested = Signal(int)
    counted = Signal(int)
    step_requested = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.lists: TodayLists | None = None

        self.heading = QLabel("Today")
        self.heading.setObjectName("heading")
        self.summary = QLabel()
        self.summary.setObjectName("fieldHint")
        self.summary.setWordWrap(True)
        self.reload_button = QPushButton("Re&load")
        self.reload_button.setToolTip("Read the lists again from the database (F5)")
        self.reload_button.clicked.connect(lambda: self.refresh())
        self.top = QHBoxLayout()
        self.top.addWidget(self.heading, 1)
        self.top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)

        opened = self.case_requested.emit
        self.overdue = self._follow_ups("Overdue", "Nothing overdue.", opened)
        self.due_today = self._follow_ups("Due today", "Nothing due today.", opened)
        self.this_week = self._follow_ups("Due later this week", "Nothing more due this week.", opened)
        columns = case_columns(self._wait)
        self.unassigned: Section[WaitingCase] = Section(
            "New referrals not yet assigned",
            "Every referral has a link worker.",
            columns,
            lambda row: row.referral_id,
            lambda row: row.referral_id,
            opened,
        )
        self.waiting: Section[WaitingCase] = Section(
            "Waiting for a first contact",
            "No one of yours is waiting too long for a first contact.",
            columns,
            lambda row: row.referral_id,
            lambda row: row.referral_id,
            opened,
        )
        self.sections: tuple[Section[Any], ...] = (
            self.overdue,
            self.due_today,
            self.this_week,
            self.unassigned,
            self.waiting,
        )
        self.getting_started = EmptyState("Getting started")
        self.getting_started.step_requested.connect(self.step_requested)
        self.getting_started.hide()
        columns_layout = QHBoxLayout()
        columns_layout.setSpacing(16)
        # On the left what needs doing today (what the navigation counts); on the right what is coming.
        for sections in ((self.overdue, self.due_today, self.waiting), (self.this_week, self.unassigned)):
            column = QVBoxLayout()
            column.setSpacing(10)
            for section in sections:
                column.addWidget(section, 1)
            column.addStretch(0)
            columns_layout.addLayout(column, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.summary)
        layout.addWidget(self.getting_started)
        layout.addLayout(columns_layout, 1)
        self.setFocusProxy(self.overdue.table)
        # Tab goes down the left column, then the right, then to the buttons.
        chain = [
            section.table
            for section in (self.overdue, self.due_today, self.waiting, self.this_week, self.unassigned)
        ]
        for first, second in zip(chain, [*chain[1:], self.reload_button], strict=True):
            QWidget.setTabOrder(first, second)

    def _follow_ups(self, title: str, empty: str, opened: Callable[[int], None]) -> Section[DueFollowUp]:
        return Section(
            title,
            empty,
            FOLLOW_UP_COLUMNS,
            lambda row: row.follow_up_id,
            lambda row: row.referral_id,
            opened,
        )

    def _wait(self) -> int:
        return self.lists.first_contact_working_days if self.lists is not None else 0

    def add_action(self, button: QPushButton) -> None:
        """Put a button for another screen's tool (the calendar export) beside Reload."""
        self.top.insertWidget(self.top.indexOf(self.reload_button), button, 0, Qt.AlignmentFlag.AlignTop)
        QWidget.setTabOrder(self.unassigned.table, button)
        QWidget.setTabOrder(button, self.reload_button)

    def refresh(self, *, reread: bool = False) -> None:
        """Read the lists; ``reread`` when they are on screen already (not a new viewing)."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: today.today_lists(session, self.actor, reread=reread),
            action="Show today's work",
        )
        if outcome.value is not None:
            self.show_lists(outcome.value)
            self._show_beginnings(outcome.value)

    def _show_beginnings(self, lists: TodayLists) -> None:
        """Lists with nothing in them may be a new database's: if the PCN has no referral yet,
        say what to do first in their place."""
        beginnings: Beginnings | None = None
        if not (
            lists.overdue
            or lists.due_today
            or lists.due_this_week
            or lists.unassigned_total
            or lists.waiting_total
        ):
            outcome = call_service(
                self,
                self.workspace,
                lambda session: read_beginnings(session, self.actor),
                action="Show today's work",
            )
            beginnings = outcome.value
        starting = beginnings is not None and not beginnings.referrals
        if beginnings is not None and starting:
            self.getting_started.show_advice(first_steps(beginnings, self.actor))
        self.getting_started.setVisible(starting)
        self.summary.setVisible(not starting)
        for section in self.sections:
            section.setVisible(not starting)

    def show_lists(self, lists: TodayLists) -> None:
        self.lists = lists
        self.heading.setText(f"Today, {lists.today:%A} {lists.today.day} {lists.today:%B}")
        wait = lists.first_contact_working_days
        self.overdue.set_rows(lists.overdue, "Overdue")
        self.due_today.set_rows(lists.due_today, "Due today")
        self.this_week.set_rows(
            lists.due_this_week, f"Due later this week, to {day_text(week_end(lists.today))}"
        )
        for section in (self.overdue, self.due_today, self.this_week):
            # No room is kept for notes when none of the list has one.
            section.table.setColumnHidden(NOTE_COLUMN, not any(row.note for row in section.model.records()))
        self.unassigned.set_rows(lists.unassigned, "New referrals not yet assigned", lists.unassigned_total)
        self.waiting.set_rows(
            lists.waiting, f"Yours waiting over {wait} working days for a first contact", lists.waiting_total
        )
        self.summary.setText(summary_text(lists))
        self.counted.emit(lists.to_do_today)


def first_steps(beginnings: Beginnings, actor: Actor) -> list[Advice]:
    """What a new PCN does first, in order: its practices, its referrals, its directory."""
    steps = [] if beginnings.practices else [practices_advice(actor)]
    steps.append(referrals_advice(beginnings))
    if not beginnings.services:
        steps.append(directory_advice(actor))
    return steps


def summary_text(lists: TodayLists) -> str:
    """One line over the lists: what needs doing today, in words."""
    parts = []
    if lists.overdue:
        parts.append(f"{len(lists.overdue)} overdue")
    if lists.due_today:
        parts.append(f"{len(lists.due_today)} due today")
    if lists.waiting_total:
        people = "person" if lists.waiting_total == 1 else "people"
        parts.append(f"{lists.waiting_total} {people} waiting too long")
    if not parts:
        return "Nothing needs doing today."
    return "To do today: " + ", ".join(parts) + "."


class FirstContactWaitDialog(FormDialog[int]):
    """How many working days a new referral may wait for a first contact, for the whole PCN."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "First contact wait",
            "&Save",
            "People who have waited longer than this for a first contact are listed on each link "
            "worker's Today screen. Working days leave out weekends and England's bank holidays.",
            parent,
        )
        self.actor = workspace.actor
        self.days = QSpinBox()
        self.days.setRange(*FIRST_CONTACT_WAIT_RANGE)
        self.days.setSuffix(" working days")
        self.form.add("&Wait before listing:", self.days, "first_contact_working_days")
        current = call_service(
            self,
            workspace,
            lambda session: today.first_contact_wait(session, workspace.actor),
            action="Show the first contact wait",
        )
        if current.value is not None:
            self.days.setValue(current.value)

    def work(self, session: Unit) -> int:
        return today.set_first_contact_wait(session, self.actor, self.days.value())
