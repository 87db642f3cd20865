"""The Network area: the whole PCN's open work across its practices, and each worker's load.

Everyone who may see figures gets the counts: open cases by practice, and each worker's open
cases and follow-ups (overdue, due today, due later this week). Those who may see records get
them exactly, with each practice's open cases by status and its overdue follow-ups, and the
PCN's cases as a list (the caseload list, fixed to the whole PCN); double-clicking a practice's
or a worker's line there lists the cases it counts. A manager gets the counts as the service
protects them (``*``, rounded, ``-``), with a line saying how to read them. Those who may move
work get "Move work…" (``ReassignDialog``), which starts from the worker selected. A manager's
screen holds counts and staff names only, never the name of anyone supported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.breakdowns import Count
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import PcnSummary
from linkworker.services.cases.caseload import UNASSIGNED
from linkworker.services.network import network
from linkworker.services.network.network import OPEN_STATUSES, NetworkFigures, WorkerLoad
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.cases.caseload_view import CaseloadView
from linkworker.ui.cases.reassign_dialog import ReassignDialog
from linkworker.ui.network.overview_view import FigureCard
from linkworker.ui.widgets.display import status_label
from linkworker.ui.widgets.errors import call_service, show_message
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

NO_ONE = "No one (unassigned)"


@dataclass(frozen=True)
class PracticeLine:
    """A line of the practice table: one practice, or the whole PCN (``practice_id`` None). The
    breakdown by status and the overdue follow-ups are None for a reader not given them."""

    practice_id: int | None
    name: str
    open_cases: Count
    open_by_status: tuple[Count, ...] | None
    overdue: Count | None


def practice_lines(figures: NetworkFigures) -> list[PracticeLine]:
    """Each practice, then the PCN's totals."""
    lines = [
        PracticeLine(
            load.practice_id,
            load.name if load.active else f"{load.name} (closed)",
            load.open_cases,
            load.open_by_status,
            None if load.follow_ups is None else load.follow_ups.overdue,
        )
        for load in figures.by_practice
    ]
    detailed = figures.note is None  # a reader of records, given every count exactly
    whole = PracticeLine(
        None,
        "Whole PCN",
        figures.open_cases,
        figures.open_by_status if detailed else None,
        figures.follow_ups.overdue if detailed else None,
    )
    return [*lines, whole]


def worker_name(load: WorkerLoad) -> str:
    if load.worker_id is None:
        return NO_ONE
    return f"{load.name} (deactivated)" if not load.active else load.name or ""


def _text(count: Count | None) -> str:
    return "" if count is None else count.text


def _status_count(rank: int) -> Callable[[PracticeLine], str]:
    """A line's count of open cases at the ``rank``-th open status, as its column shows it."""
    return lambda line: _text(line.open_by_status[rank] if line.open_by_status else None)


def practice_columns(detailed: bool) -> list[Column[PracticeLine]]:
    """The practice table's columns: by status and overdue follow-ups too when ``detailed``."""
    by_status = [
        Column[PracticeLine](
            status_label(status),
            _status_count(rank),
            True,
        )
        for rank, status in enumerate(OPEN_STATUSES)
    ]
    overdue = [Column[PracticeLine]("Overdue follow-ups", lambda line: _text(line.overdue), True)]
    return [
        Column("Practice", lambda line: line.name),
        *(by_status if detailed else []),
        Column("Open cases", lambda line: line.open_cases.text, True),
        *(overdue if detailed else []),
    ]


WORKLOAD_COLUMNS: list[Column[WorkerLoad]] = [
    Column("Link worker", worker_name),
    Column("Open cases", lambda load: load.open_cases.text, True),
    Column("Overdue follow-ups", lambda load: load.follow_ups.overdue.text, True),
    Column("Due today", lambda load: load.follow_ups.due_today.text, True),
    Column("Due later this week", lambda load: load.follow_ups.due_this_week.text, True),
]


@dataclass(frozen=True)
class _Snapshot:
    pcn: PcnSummary
    figures: NetworkFigures


def _snapshot(session: Unit, actor: Actor) -> _Snapshot:
    return _Snapshot(organisation.current_pcn(session, actor), network.figures(session, actor))


class NetworkView(QWidget):
    """Emits the referral id of a case to open, from the PCN's case list."""

    case_requested = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.figures: NetworkFigures | None = None
        with_records = workspace.actor.may(Permission.SEE_IDENTIFIABLE)

        self.heading = QLabel("Network")
        self.heading.setObjectName("heading")
        self.updated = QLabel()
        self.updated.setObjectName("fieldHint")
        self.reload_button = QPushButton("Re&load")
        self.reload_button.setToolTip("Count again from the database (F5)")
        self.reload_button.clicked.connect(lambda: self.refresh())
        self.move_button: QPushButton | None = None
        if workspace.actor.may(Permission.REASSIGN_WORK):
            self.move_button = QPushButton("&Move work…")
            self.move_button.setToolTip(
                "Move open cases and follow-ups from one worker to another (a leaver, a long absence)"
            )
            self.move_button.clicked.connect(lambda: self.move_work())

        self.note = QLabel()
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        self.note.hide()
        self.open_cases = FigureCard("Open cases")
        self.unassigned = FigureCard("Open cases with no link worker")
        self.overdue = FigureCard("Overdue follow-ups")
        self.due_today = FigureCard("Follow-ups due today")
        self.due_this_week = FigureCard("Follow-ups due later this week")
        cards = QGridLayout()
        for column, card in enumerate(
            (self.open_cases, self.unassigned, self.overdue, self.due_today, self.due_this_week)
        ):
            cards.addWidget(card, 0, column)
            cards.setColumnStretch(column, 1)

        hint = "Double-click a line to list its open cases" if with_records else ""
        # A manager gets each practice's open cases only (services.network says why).
        self.practices: RecordTableModel[PracticeLine] = RecordTableModel(
            practice_columns(with_records), self
        )
        self.workload: RecordTableModel[WorkerLoad] = RecordTableModel(WORKLOAD_COLUMNS, self)
        self.practice_table = self._table(self.practices, "Open cases by referring practice", hint)
        self.workload_table = self._table(self.workload, "Workload by link worker", hint)
        figures_page = QWidget()
        figures_layout = QVBoxLayout(figures_page)
        figures_layout.setContentsMargins(0, 0, 0, 0)
        figures_layout.addLayout(cards)
        figures_layout.addWidget(self.note)
        for title, table in (
            ("Open cases by referring practice", self.practice_table),
            ("Workload by link worker", self.workload_table),
        ):
            label = QLabel(title)
            label.setObjectName("subheading")
            label.setBuddy(table)
            figures_layout.addWidget(label)
            figures_layout.addWidget(table)
        figures_layout.addStretch()

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(16)
        # Beside the heading, not under it: the two tables need the height on a 768-pixel screen.
        top.addWidget(self.updated, 1, Qt.AlignmentFlag.AlignBottom)
        if self.move_button is not None:
            top.addWidget(self.move_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)

        self.cases: CaseloadView | None = None
        self.tabs: QTabWidget | None = None
        if with_records:
            self.cases = CaseloadView(workspace, pcn_wide=True, title="Cases across the PCN")
            self.cases.case_requested.connect(self.case_requested)
            self.tabs = QTabWidget()
            self.tabs.setAccessibleName("Network")
            self.tabs.addTab(figures_page, "&Figures")
            self.tabs.addTab(self.cases, "&Cases")
            self.tabs.currentChanged.connect(lambda _index: self._tab_shown())
            self.practice_table.activated.connect(self._practice_cases)
            self.workload_table.activated.connect(self._worker_cases)
            layout.addWidget(self.tabs, 1)
        else:
            layout.addWidget(figures_page, 1)

    def _table(self, model: QAbstractItemModel, name: str, hint: str) -> QTableView:
        table = record_table(model, name, hint, stretch=0)
        # As tall as its rows, so a short list does not sit in a tall empty box.
        table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        return table

    def refresh(self, *, reread: bool = False) -> None:
        """Count again, keeping the selected worker; and read the case list again if it is shown
        (``reread``: it is on screen already, so not a new viewing)."""
        self.count_again()
        if self.cases is not None and self.tabs is not None and self.tabs.currentWidget() is self.cases:
            self.cases.refresh(reread=reread)

    def count_again(self) -> None:
        """Only the figures, keeping the selected worker: what a timer may do, since reading the
        case list (identifiable) is audited as a viewing and the figures are not."""
        kept = self.selected_worker()
        outcome = call_service(
            self, self.workspace, lambda session: _snapshot(session, self.actor), action="Show the network"
        )
        snapshot = outcome.value
        if snapshot is not None:
            self._show(snapshot)
            if kept is not None:
                self.select_worker(kept)

    def _show(self, snapshot: _Snapshot) -> None:
        figures = self.figures = snapshot.figures
        self.heading.setText(f"Network: {snapshot.pcn.name}")
        self.updated.setText(f"Counted at {datetime.now():%H:%M} across every practice of the PCN.")
        self.open_cases.set_value(figures.open_cases)
        self.unassigned.set_value(figures.unassigned_cases)
        self.overdue.set_value(figures.follow_ups.overdue)
        self.due_today.set_value(figures.follow_ups.due_today)
        self.due_this_week.set_value(figures.follow_ups.due_this_week)
        self.note.setText(figures.note or "")
        self.note.setVisible(figures.note is not None)
        self.practices.set_records(practice_lines(figures))
        self.workload.set_records(figures.workload)

    def selected_worker(self) -> WorkerLoad | None:
        index = self.workload_table.currentIndex()
        if not index.isValid() or not self.workload_table.selectionModel().isSelected(index):
            return None
        return self.workload.record(index.row())

    def select_worker(self, wanted: WorkerLoad) -> None:
        for row, load in enumerate(self.workload.records()):
            if load.worker_id == wanted.worker_id:
                self.workload_table.selectionModel().setCurrentIndex(
                    self.workload.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def move_work(self) -> ReassignDialog | None:
        """Open the dialog on the selected worker's work (the referrals no one holds for the "No one"
        line; or the first with any); counts again after."""
        if self.figures is None:
            self.refresh()
        if self.figures is None:
            return None
        people = [
            (load.worker_id, worker_name(load))
            for load in self.figures.workload
            if load.worker_id is not None and load.holds_work
        ]
        if not people and self.figures.unassigned_cases.is_zero:
            show_message(self, "Move work", "No one holds any open cases or follow-ups to move.")
            return None
        selected = self.selected_worker()
        start = None if selected is None else UNASSIGNED if selected.worker_id is None else selected.worker_id
        dialog = ReassignDialog(self.workspace, people, start, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._moved(dialog))
        dialog.open()
        return dialog

    def _moved(self, dialog: ReassignDialog) -> None:
        said = dialog.result_text()
        self.refresh()
        if said is not None:
            show_message(self, "Work moved", said)

    def _tab_shown(self) -> None:
        if self.cases is not None and self.tabs is not None and self.tabs.currentWidget() is self.cases:
            self.cases.refresh()

    def _practice_cases(self, index: QModelIndex) -> None:
        if index.isValid():
            self._list_cases(practice_id=self.practices.record(index.row()).practice_id)

    def _worker_cases(self, index: QModelIndex) -> None:
        if index.isValid():
            worker_id = self.workload.record(index.row()).worker_id
            self._list_cases(worker_id=UNASSIGNED if worker_id is None else worker_id)

    def _list_cases(self, *, practice_id: int | None = None, worker_id: int | None = None) -> None:
        assert self.cases is not None and self.tabs is not None
        self.tabs.blockSignals(True)
        self.tabs.setCurrentWidget(self.cases)
        self.tabs.blockSignals(False)
        self.cases.show_only(practice_id=practice_id, worker_id=worker_id)
