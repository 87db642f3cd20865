"""Moving a worker's open cases and follow-ups to another worker (a leaver, a long absence).

The dialog reads what the chosen person holds and shows it before anything moves: every case
and follow-up, each ticked, with a line that says what will move to whom. Untick what should
stay. Nothing moves until "Move work", and then all of it in one go, or none of it if someone
changed any of it meanwhile: the lists are then read again to show the work as it now is.
A manager sees case numbers only; roles that may see records also see whose each case is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QTableView, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from linkworker.domain.roles import Permission
from linkworker.services import network
from linkworker.services.actor import Actor
from linkworker.services.network import Chosen, MovableCase, MovableFollowUp, Moved, WorkList
from linkworker.store.database import Database
from linkworker.ui.dialogs import FormDialog
from linkworker.ui.display import status_label, words
from linkworker.ui.errors import call_service
from linkworker.ui.models import AnyIndex, Column
from linkworker.ui.tables import record_table
from linkworker.wording import counted

T = TypeVar("T")
_ROWS_SHOWN = 5  # each list's height, in rows, before it scrolls


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


def case_columns(with_names: bool) -> list[Column[MovableCase]]:
    person = [Column[MovableCase]("Person", lambda case: case.person or "")] if with_names else []
    return [
        Column("Case", lambda case: case.case_number),
        *person,
        Column("Practice", lambda case: case.practice),
        Column("Status", lambda case: status_label(case.status)),
        Column("Received", lambda case: _day(case.received_on)),
    ]


def follow_up_columns(with_names: bool) -> list[Column[MovableFollowUp]]:
    person = [Column[MovableFollowUp]("Person", lambda item: item.person or "")] if with_names else []
    return [
        Column("Due", _due),
        Column("Case", lambda item: item.case_number),
        *person,
        Column("Kind", lambda item: words(item.kind.value)),
    ]


class ReassignDialog(FormDialog[Moved]):
    """Choose whose work, to whom, and which of it; ``saved`` holds what moved."""

    def __init__(
        self,
        database: Database,
        actor: Actor,
        people: Sequence[tuple[int, str]],
        from_worker_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            database,
            "Move work to another worker",
            "&Move work",
            "Move open cases and follow-ups from one person to another, for example when someone "
            "leaves or is away for a while. Untick anything that should stay where it is.",
            parent,
        )
        self.actor = actor
        self.held: WorkList | None = None
        names = actor.may(Permission.SEE_IDENTIFIABLE)

        self.from_worker = QComboBox()
        for person_id, name in people:
            self.from_worker.addItem(name, person_id)
        if from_worker_id is not None:
            self.from_worker.setCurrentIndex(max(self.from_worker.findData(from_worker_id), 0))
        self.to_worker = QComboBox()
        # No one until chosen: work is never moved to whoever happens to be first in the list.
        self.to_worker.setPlaceholderText("Choose who takes the work")
        self.form.add("Move work &from:", self.from_worker, "from_worker")
        self.form.add("&To:", self.to_worker, "to_worker")

        self.cases: ChoiceModel[MovableCase] = ChoiceModel(case_columns(names), self)
        self.follow_ups: ChoiceModel[MovableFollowUp] = ChoiceModel(follow_up_columns(names), self)
        self.all_cases = QCheckBox()
        self.all_follow_ups = QCheckBox()
        self.cases_table = self._list(self.cases, "Cases to move", self.all_cases, "Open &cases")
        self.follow_ups_table = self._list(
            self.follow_ups, "Follow-ups to move", self.all_follow_ups, "Open follo&w-ups"
        )
        lists = QWidget()
        column = QVBoxLayout(lists)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.all_cases, self.cases_table, self.all_follow_ups, self.follow_ups_table):
            column.addWidget(widget)
        self.form.add("What moves:", lists, "chosen")
        self.summary = QLabel()
        self.summary.setObjectName("subheading")
        self.summary.setWordWrap(True)
        self.form_layout.addRow(self.summary)

        self.from_worker.currentIndexChanged.connect(lambda _index: self.load())
        self.to_worker.currentIndexChanged.connect(lambda _index: self._summarise())
        self.setMinimumWidth(900 if names else 720)  # every column without scrolling sideways
        self.load()
        self.from_worker.setFocus()

    def _list(self, model: ChoiceModel[Any], name: str, toggle: QCheckBox, what: str) -> QTableView:
        table = record_table(model, name, "Space ticks or unticks the row: ticked rows move")
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * (_ROWS_SHOWN + 1))
        toggle.setText(what)
        toggle.clicked.connect(lambda ticked: model.set_all(ticked))
        model.chosen_changed.connect(lambda: self._summarise())
        return table

    def load(self) -> None:
        """Read what the chosen person holds now, every item ticked, keeping the chosen destination."""
        worker_id = self.from_worker.currentData()
        if worker_id is None:
            return
        outcome = call_service(
            self,
            self.database,
            lambda session: network.work_of(session, self.actor, worker_id),
            action=self.windowTitle(),
        )
        self.held = outcome.value
        if self.held is None:
            return
        destination = self.to_worker.currentData()
        self.to_worker.blockSignals(True)
        self.to_worker.clear()
        for holder in self.held.targets:
            self.to_worker.addItem(holder.full_name, holder.id)
        self.to_worker.setCurrentIndex(
            self.to_worker.findData(destination) if destination is not None else -1
        )
        self.to_worker.blockSignals(False)
        self.cases.set_rows(self.held.cases)
        self.follow_ups.set_rows(self.held.follow_ups)

    def _summarise(self) -> None:
        """Say what will move to whom, and keep each list's tick box in step with its rows."""
        cases, follow_ups = len(self.cases.chosen()), len(self.follow_ups.chosen())
        for toggle, model, what, held in (
            (self.all_cases, self.cases, "open cases", self.cases.rowCount()),
            (self.all_follow_ups, self.follow_ups, "open follow-ups", self.follow_ups.rowCount()),
        ):
            toggle.setChecked(held > 0 and len(model.chosen()) == held)
            toggle.setEnabled(held > 0)
            chosen = len(model.chosen())
            toggle.setText(f"All {what} ({chosen:,} of {held:,} ticked)" if held else f"No {what}")
        source = self.from_worker.currentText()
        target = self.to_worker.currentText()
        if not cases and not follow_ups:
            self.summary.setText(f"Nothing is ticked to move from {source}.")
        elif not self.to_worker.count():
            self.summary.setText("There is no one else active who can take this work.")
        elif not target:
            self.summary.setText(f"Choose who takes the work from {source}.")
        else:
            self.summary.setText(
                f"{counted(cases, 'case')} and {counted(follow_ups, 'follow-up')} "
                f"will move from {source} to {target}."
            )
        self.save_button.setEnabled(bool(target) and bool(cases or follow_ups))

    def work_to_move(self) -> tuple[list[Chosen], list[Chosen]]:
        return (
            [Chosen(case.referral_id, case.version) for case in self.cases.chosen()],
            [Chosen(item.follow_up_id, item.version) for item in self.follow_ups.chosen()],
        )

    def work(self, session: Session) -> Moved:
        """The move as the user has chosen it."""
        cases, follow_ups = self.work_to_move()
        return network.reassign(
            session,
            self.actor,
            self.from_worker.currentData(),
            self.to_worker.currentData(),
            cases,
            follow_ups,
        )

    def save(self) -> None:
        outcome = call_service(self, self.database, self.work, action=self.windowTitle(), form=self.form)
        if outcome.ok:
            self.saved = outcome.value
            self.accept()
        elif outcome.box is not None:  # the work changed meanwhile: show it as it now is
            self.load()
