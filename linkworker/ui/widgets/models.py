"""Qt item models over the services' dataclasses: read-only tables, and the wizard's practice list.

Each read-only table is one ``RecordTableModel`` with its columns described here, so the admin
screen, the audit trail and the overview show records the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from linkworker.domain.breakdowns import Count
from linkworker.services.administration.audit_trail import TrailEvent
from linkworker.services.administration.organisation import NewPractice, PracticeSummary
from linkworker.services.administration.users import UserSummary
from linkworker.ui.widgets.display import active_label, local_time

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    numeric: bool = False


@dataclass(frozen=True)
class Tally:
    """One line of a count table: what is counted and how many, as its reader may see it."""

    label: str
    count: Count


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows of one kind of record, one column per ``Column``; replaced whole on refresh."""

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[T] = []

    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[T]:
        return list(self._records)

    def record(self, row: int) -> T:
        return self._records[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(self._records[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        return None


USER_COLUMNS: list[Column[UserSummary]] = [
    Column("User name", lambda user: user.username),
    Column("Full name", lambda user: user.full_name),
    Column("Role", lambda user: user.role.label),
    Column("Status", lambda user: active_label(user.active)),
    Column("Last signed in", lambda user: local_time(user.last_sign_in_at)),
]

PRACTICE_COLUMNS: list[Column[PracticeSummary]] = [
    Column("Practice", lambda practice: practice.name),
    Column("ODS code", lambda practice: practice.ods_code),
    Column("Status", lambda practice: active_label(practice.active)),
]


AUDIT_COLUMNS: list[Column[TrailEvent]] = [
    Column("When", lambda event: event.occurred_at.astimezone().strftime("%d %b %Y, %H:%M:%S")),
    Column("User", lambda event: event.user),
    Column("Action", lambda event: event.action_label),
    Column("Record", lambda event: event.record),
    Column("Detail", lambda event: event.detail),
]
# Shown after the others to an administrator who reads every PCN's events.
AUDIT_PCN_COLUMN: Column[TrailEvent] = Column("PCN", lambda event: event.pcn)


def tally_columns(what: str) -> list[Column[Tally]]:
    return [Column(what, lambda tally: tally.label), Column("Open cases", lambda t: t.count.text, True)]


class PracticeDraftModel(QAbstractTableModel):
    """The practices typed into the setup wizard, before anything is saved: name and ODS code."""

    NAME, ODS_CODE = 0, 1
    _TITLES = ("Practice name", "ODS code")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []

    def drafts(self) -> list[NewPractice]:
        return [NewPractice(ods_code=ods, name=name) for name, ods in self._rows]

    def is_blank(self, row: int) -> bool:
        return not any(text.strip() for text in self._rows[row])

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._TITLES)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._rows[index.row()][index.column()]
            return f"{self._TITLES[index.column()]}: {text or 'empty'}"
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self._rows[index.row()][index.column()] = str(value)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._TITLES):
            return self._TITLES[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def insertRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._rows):
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for offset in range(count):
            self._rows.insert(row + offset, ["", ""])
        self.endInsertRows()
        return True

    def removeRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        return True
