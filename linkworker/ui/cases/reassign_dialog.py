"""Moving a worker's open cases and follow-ups to another worker (a leaver, a long absence), or
giving referrals that wait for a link worker to one.

A role that may see records is shown what the chosen person holds before anything moves:
every case, each ticked, with the follow-ups of theirs going with it (an unticked case keeps
them), then their follow-ups on cases others hold, and a line that says what will move to
whom. Nothing moves until "Move work", and then all of it in one go, or none of it if someone
changed any of it meanwhile: the lists are then read again to show the work as it now is.

A manager sees no case, since a list of them is as long as the worker's load (issue 13): they
move all of the work, or a number of the oldest cases with their follow-ups. Everyone sees each
person's open cases and overdue follow-ups as the Network screen shows them to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.breakdowns import Count, exact
from linkworker.domain.roles import Permission
from linkworker.services.cases.caseload import UNASSIGNED
from linkworker.services.network import network
from linkworker.services.network.network import (
    Chosen,
    MovableCase,
    MovableFollowUp,
    Moved,
    NetworkFigures,
    ShareMoved,
    WorkerLoad,
    WorkList,
)
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.display import status_label, words
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import AnyIndex, Column
from linkworker.ui.widgets.tables import record_table
from linkworker.wording import counted

T = TypeVar("T")
# Each list's height, in rows, before it scrolls: room for both lists on a 768-pixel screen.
CASE_ROWS_SHOWN = 5
FOLLOW_UP_ROWS_SHOWN = 3
MOST_AT_ONCE: Final = 999  # the most cases a manager may name to move in one go


def _day(value: date) -> str:
    return f"{value:%d %b %Y}"


def _due(follow_up: MovableFollowUp) -> str:
    return _day(follow_up.due_on) + (" (overdue)" if follow_up.overdue else "")


class ChoiceModel(QAbstractTableModel, Generic[T]):
    """Rows to choose from, each with a tick box in its first column, all ticked at first."""

    chosen_changed = Signal()

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[T] = []
        self._ticked: list[bool] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._ticked = [True] * len(self._rows)
        self.endResetModel()
        self.chosen_changed.emit()

    def chosen(self) -> list[T]:
        return [row for row, ticked in zip(self._rows, self._ticked, strict=True) if ticked]

    def set_all(self, ticked: bool) -> None:
        self._ticked = [ticked] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))
        self.chosen_changed.emit()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        text = self._columns[index.column()].text(self._rows[index.row()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            ticked = self._ticked[index.row()]
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole:
            shown = f"{self._columns[index.column()].title}: {text or 'none'}"
            if index.column() == 0:
                shown += ", to move" if self._ticked[index.row()] else ", to stay"
            return shown
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        self._ticked[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.chosen_changed.emit()
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return None


def _follow_ups_of(case: MovableCase) -> str:
    """The follow-ups a case takes with it: how many, and the next one's day."""
    if not case.follow_ups:
        return "None"
    first = case.follow_ups[0]
    when = "" if len(case.follow_ups) == 1 else "next "
    overdue = ", overdue" if first.overdue else ""
    return f"{len(case.follow_ups)} ({when}{_day(first.due_on)}{overdue})"


CASE_COLUMNS: list[Column[MovableCase]] = [
    Column("Case", lambda case: case.case_number),
    Column("Person", lambda case: case.person),
    Column("Practice", lambda case: case.practice),
    Column("Status", lambda case: status_label(case.status)),
    Column("Received", lambda case: _day(case.received_on)),
    Column("Follow-ups with it", _follow_ups_of),
]
FOLLOW_UP_COLUMNS: list[Column[MovableFollowUp]] = [
    Column("Due", _due),
    Column("Case", lambda item: item.case_number),
    Column("Person", lambda item: item.person),
    Column("Kind", lambda item: words(item.kind.value)),
]
NO_ONE = "No one (referrals waiting for a link worker)"


def counted_as_shown(count: Count, one: str) -> str:
    """A count with its noun: exact ones agree ("1 case"); protected ones ("*", "15") take the plural."""
    return counted(count.exact, one) if count.exact is not None else f"{count.text} {one}s"


def moved_text(moved: Moved | ShareMoved) -> str:
    """What a move did, in the words the Network screen shows afterwards."""
    if isinstance(moved, Moved):
        cases, follow_ups = exact(moved.cases), exact(moved.follow_ups)
    else:
        cases, follow_ups = moved.cases, moved.follow_ups
    return (
        f"Moved {counted_as_shown(cases, 'case')} and {counted_as_shown(follow_ups, 'follow-up')} "
        f"to {moved.to_worker}."
    )


class ReassignDialog(FormDialog[Moved | ShareMoved]):
    """Choose whose work (or the referrals no one holds), to whom, and which of it; ``saved``
    holds what moved and ``result_text`` says it.

    A role that may see records ticks cases one by one, each with the follow-ups going with it,
    and the worker's follow-ups on cases others hold. A manager, who is shown no list of cases
    (its length would be the worker's load), moves all of the work or a number of the oldest
    cases, with each person's load shown as on the Network screen."""

    def __init__(
        self,
        workspace: Workspace,
        people: Sequence[tuple[int, str]],
        from_worker_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.by_case = workspace.actor.may(Permission.SEE_IDENTIFIABLE)
        super().__init__(
            workspace,
            "Move work to another worker",
            "&Move work",
            "Move open cases and follow-ups from one person to another, for example when someone "
            "leaves or is away for a while, or give referrals waiting for a link worker to one. "
            + (
                "Each case's follow-ups move with it; untick anything that should stay where it is."
                if self.by_case
                else "Cases are not listed one by one: move all of them, or a number of the oldest. "
                "Each case's follow-ups move with it."
            ),
            parent,
        )
        self.actor = workspace.actor
        self.held: WorkList | None = None
        self.figures: NetworkFigures | None = None

        # Each person's name; the lists show it with what they hold, as the Network screen counts.
        self.names: dict[int, str] = {**dict(people), UNASSIGNED: NO_ONE}
        self.from_worker = QComboBox()
        for person_id, name in self.names.items():
            self.from_worker.addItem(name, person_id)
        if from_worker_id is not None:
            self.from_worker.setCurrentIndex(max(self.from_worker.findData(from_worker_id), 0))
        self.to_worker = QComboBox()
        # No one until chosen: work is never moved to whoever happens to be first in the list.
        self.to_worker.setPlaceholderText("Choose who takes the work")
        self.form.add("Move work &from:", self.from_worker, "from_worker")
        self.form.add("&To:", self.to_worker, "to_worker")

        self.cases: ChoiceModel[MovableCase] = ChoiceModel(CASE_COLUMNS, self)
        self.follow_ups: ChoiceModel[MovableFollowUp] = ChoiceModel(FOLLOW_UP_COLUMNS, self)
        self.all_cases = QCheckBox()
        self.all_follow_ups = QCheckBox()
        self.everything = QRadioButton("&All their open cases and follow-ups")
        self.oldest = QRadioButton("Their &oldest")
        self.how_many = QSpinBox()
        self.how_many.setRange(1, MOST_AT_ONCE)
        self.how_many.setValue(5)
        self.how_many.setAccessibleName("How many of their oldest open cases")
        if self.by_case:
            self.form.add("What moves:", self._lists(), "chosen")
        else:
            self.form.add("What moves:", self._share(), "chosen", "how_many")
        self.summary = QLabel()
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        self.form_layout.addRow(self.summary)
        self.load_note = QLabel()  # how to read protected counts, for a manager
        self.load_note.setObjectName("fieldHint")
        self.load_note.setWordWrap(True)
        self.form_layout.addRow(self.load_note)

        self.from_worker.currentIndexChanged.connect(lambda _index: self.load())
        self.to_worker.currentIndexChanged.connect(lambda _index: self._summarise())
        self.setMinimumWidth(960 if self.by_case else 640)  # every column without scrolling sideways
        self.load()
        self.from_worker.setFocus()

    def _lists(self) -> QWidget:
        self.cases_table = self._list(
            self.cases, "Cases to move", self.all_cases, "Open &cases", CASE_ROWS_SHOWN
        )
        # The practice gives way when the dialog is narrow: the follow-ups going with a case matter more.
        self.cases_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.cases_table.horizontalHeader().setStretchLastSection(False)
        self.follow_ups_table = self._list(
            self.follow_ups,
            "Follow-ups on cases others hold",
            self.all_follow_ups,
            "Follo&w-ups on cases others hold",
            FOLLOW_UP_ROWS_SHOWN,
        )
        lists = QWidget()
        column = QVBoxLayout(lists)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.all_cases, self.cases_table, self.all_follow_ups, self.follow_ups_table):
            column.addWidget(widget)
        return lists

    def _share(self) -> QWidget:
        self.everything.setChecked(True)
        for choice in (self.everything, self.oldest):
            choice.toggled.connect(lambda _on: self._summarise())
        self.how_many.valueChanged.connect(lambda _value: self._summarise())
        self.how_many.setEnabled(False)
        self.oldest.toggled.connect(self.how_many.setEnabled)
        share = QWidget()
        column = QVBoxLayout(share)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.everything)
        row = QHBoxLayout()
        row.addWidget(self.oldest)
        row.addWidget(self.how_many)
        row.addWidget(QLabel("open cases, each with its follow-ups"))
        row.addStretch()
        column.addLayout(row)
        return share

    def _list(
        self, model: ChoiceModel[Any], name: str, toggle: QCheckBox, what: str, rows: int
    ) -> QTableView:
        table = record_table(model, name, "Space ticks or unticks the row: ticked rows move")
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * (rows + 1))
        toggle.setText(what)
        toggle.clicked.connect(lambda ticked: model.set_all(ticked))
        model.chosen_changed.connect(lambda: self._summarise())
        return table

    def source_id(self) -> int | None:
        """The person the work moves from; None for the referrals no one holds."""
        chosen = self.from_worker.currentData()
        return None if chosen == UNASSIGNED else chosen

    def load(self) -> None:
        """Read the loads, and for a role that may see records what the chosen person holds, every
        item ticked; the chosen destination is kept while it may still take work."""
        source = self.source_id()
        figures = call_service(
            self,
            self.workspace,
            lambda session: network.figures(session, self.actor),
            action=self.windowTitle(),
        ).value
        if figures is None:
            return
        self.figures = figures
        if self.by_case:
            self.held = call_service(
                self,
                self.workspace,
                lambda session: network.work_of(session, self.actor, source),
                action=self.windowTitle(),
            ).value
            if self.held is None:
                return
            self.cases.set_rows(self.held.cases)
            self.follow_ups.set_rows(self.held.follow_ups)
            self.all_follow_ups.setVisible(source is not None)
            self.follow_ups_table.setVisible(source is not None and bool(self.held.follow_ups))
        destination = self.to_worker.currentData()
        self.to_worker.blockSignals(True)
        self.to_worker.clear()
        for load in figures.workload:
            if load.takes_cases and load.worker_id != source and load.worker_id is not None:
                self.names[load.worker_id] = load.name or ""
                self.to_worker.addItem(f"{load.name}: {_load(load)}", load.worker_id)
        self.to_worker.setCurrentIndex(
            self.to_worker.findData(destination) if destination is not None else -1
        )
        self.to_worker.blockSignals(False)
        self._show_loads(figures)
        self._summarise()

    def _show_loads(self, figures: NetworkFigures) -> None:
        """Each person the work may come from, with what they hold; how to read the counts."""
        loads = {load.worker_id: load for load in figures.workload if load.worker_id is not None}
        for index in range(self.from_worker.count()):
            person = self.from_worker.itemData(index)
            name = self.names[person]
            if person == UNASSIGNED:
                held = counted_as_shown(figures.unassigned_cases, "open referral")
            else:
                held = _load(loads[person]) if person in loads else "nothing open"
            self.from_worker.setItemText(index, f"{name}: {held}")
        self.load_note.setText(figures.note or "")
        self.load_note.setVisible(figures.note is not None)

    def source_name(self) -> str:
        return self.names[self.from_worker.currentData()]

    def target_name(self) -> str | None:
        chosen = self.to_worker.currentData()
        return None if chosen is None else self.names[chosen]

    def _summarise(self) -> None:
        """Say what will move to whom, and keep each list's tick box in step with its rows."""
        source = self.source_name()
        target = self.target_name()
        if self.by_case:
            self._ticks()
            cases = self.cases.chosen()
            with_cases = sum(len(case.follow_ups) for case in cases)
            loose = len(self.follow_ups.chosen())
            anything = bool(cases or loose)
            what = f"{counted(len(cases), 'case')} (with {counted(with_cases, 'follow-up')} of theirs)"
            if self.follow_ups.rowCount():
                what += f" and {counted(loose, 'follow-up')} on cases others hold"
        else:
            anything = True
            what = (
                "All their open cases and follow-ups"
                if self.everything.isChecked()
                else f"Their {self.how_many.value():,} oldest open cases (all of them, if fewer), "
                "with their follow-ups,"
            )
        if not anything:
            self.summary.setText(f"Nothing is ticked to move from {source}.")
        elif not self.to_worker.count():
            self.summary.setText("There is no one else active who can take this work.")
        elif not target:
            self.summary.setText(f"Choose who takes the work from {source}.")
        else:
            self.summary.setText(f"{what} will move from {source} to {target}.")
        self.save_button.setEnabled(bool(target) and anything)
        if self.isVisible():  # a summary now on two lines squeezes nothing above it
            self._fit_messages()

    def _ticks(self) -> None:
        for toggle, model, what in (
            (self.all_cases, self.cases, "open cases"),
            (self.all_follow_ups, self.follow_ups, "follow-ups on cases others hold"),
        ):
            held, chosen = model.rowCount(), len(model.chosen())
            toggle.setChecked(held > 0 and chosen == held)
            toggle.setEnabled(held > 0)
            toggle.setText(f"All {what} ({chosen:,} of {held:,} ticked)" if held else f"No {what}")

    def work_to_move(self) -> tuple[list[Chosen], list[Chosen]]:
        return (
            [Chosen(case.referral_id, case.version) for case in self.cases.chosen()],
            [Chosen(item.follow_up_id, item.version) for item in self.follow_ups.chosen()],
        )

    def work(self, session: Unit) -> Moved | ShareMoved:
        """The move as the user has chosen it."""
        target = self.to_worker.currentData()
        if not self.by_case:
            how_many = None if self.everything.isChecked() else self.how_many.value()
            return network.move_share(session, self.actor, self.source_id(), target, how_many)
        cases, follow_ups = self.work_to_move()
        return network.reassign(session, self.actor, self.source_id(), target, cases, follow_ups)

    def save(self) -> None:
        outcome = call_service(self, self.workspace, self.work, action=self.windowTitle(), form=self.form)
        if outcome.ok:
            self.saved = outcome.value
            self.accept()
        elif outcome.box is not None:  # the work changed meanwhile: show it as it now is
            self.load()

    def result_text(self) -> str | None:
        """What moved, in words, once saved."""
        return None if self.saved is None else moved_text(self.saved)


def _load(load: WorkerLoad) -> str:
    """A person's load as the Network screen shows it."""
    return (
        f"{counted_as_shown(load.open_cases, 'open case')}, "
        f"{counted_as_shown(load.follow_ups.overdue, 'overdue follow-up')}"
    )
