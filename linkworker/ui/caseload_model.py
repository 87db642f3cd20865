"""The caseload list as a Qt item model: a page of cases at a time, sorted and filtered in SQL.

A view shows the first page; scrolling near the end asks for the next (``canFetchMore`` /
``fetchMore``). A new filter (``set_query``) or a click on a column header (``sort``) starts
again from the first page, with the total counted in the same unit of work. Service refusals
go through ``call_service``: a bad NHS number in the search is shown beside the search field
of the ``form`` given, anything else in a message box over the model's parent widget.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from linkworker.domain import nhs_number
from linkworker.services import caseload
from linkworker.services.actor import Actor
from linkworker.services.caseload import CaseloadQuery, CaseloadRow, SortKey
from linkworker.store.database import Database
from linkworker.ui.display import status_label
from linkworker.ui.errors import FieldMessages, call_service
from linkworker.ui.models import Column

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE: Final = 100
# The referral id of a row, for whoever opens the case.
REFERRAL_ID_ROLE: Final = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _days(row: CaseloadRow) -> str:
    if row.days_waiting is None:
        return ""
    return "1 day" if row.days_waiting == 1 else f"{row.days_waiting:,} days"


def _nhs_number(row: CaseloadRow) -> str:
    return nhs_number.formatted(row.nhs_number) if row.nhs_number else "Not known"


# Each column with the service's sort key for it, in the order the list shows them.
COLUMNS: Final[tuple[tuple[Column[CaseloadRow], SortKey], ...]] = (
    (Column("Case", lambda row: row.case_number), SortKey.CASE),
    (Column("Person", lambda row: row.person_name), SortKey.PERSON),
    (Column("NHS number", _nhs_number), SortKey.NHS_NUMBER),
    (Column("Age", lambda row: str(row.age), numeric=True), SortKey.AGE),
    (Column("Practice", lambda row: row.practice), SortKey.PRACTICE),
    (Column("Status", lambda row: status_label(row.status)), SortKey.STATUS),
    (Column("Link worker", lambda row: row.worker or "Unassigned"), SortKey.WORKER),
    (Column("Received", lambda row: f"{row.received_on:%d %b %Y}"), SortKey.RECEIVED),
    (Column("Waiting", _days, numeric=True), SortKey.WAITING),
    (Column("Needs", lambda row: "; ".join(row.needs)), SortKey.NEEDS),
)
SORT_KEYS: Final = tuple(key for _column, key in COLUMNS)


class CaseloadModel(QAbstractTableModel):
    """The cases one ``CaseloadQuery`` finds, read a page at a time as the view needs them."""

    # The query's total number of cases, or -1 when it could not be run.
    counted = Signal(int)

    def __init__(
        self,
        database: Database,
        actor: Actor,
        parent: QObject | None = None,
        *,
        form: FieldMessages | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._actor = actor
        self._form = form
        self._page_size = page_size
        self._query = CaseloadQuery()
        self._rows: list[CaseloadRow] = []
        self._has_more = False
        self._total: int | None = None
        self._today = date.today()  # every page of a query counts ages and waits from one day

    @property
    def query(self) -> CaseloadQuery:
        return self._query

    @property
    def total(self) -> int | None:
        """How many cases the query finds in all; None until it has run, or when it failed."""
        return self._total

    def set_query(self, query: CaseloadQuery) -> bool:
        """Show what ``query`` finds from its first page; False (and an empty list) if refused."""
        self._query = query
        self._today = today = date.today()

        outcome = call_service(
            self._message_parent(),
            self._database,
            lambda session: caseload.first_page(session, self._actor, query, self._page_size, today=today),
            action="Show the caseload",
            form=self._form,
        )
        self.beginResetModel()
        if outcome.value is None:
            self._rows, self._has_more, self._total = [], False, None
        else:
            found = outcome.value.page
            self._rows, self._has_more, self._total = list(found.rows), found.has_more, outcome.value.total
        self.endResetModel()
        self.counted.emit(-1 if self._total is None else self._total)
        return outcome.ok

    def refresh(self) -> bool:
        """Run the current query again, from its first page."""
        return self.set_query(self._query)

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if not self.canFetchMore(parent):
            return
        offset, query, today = len(self._rows), self._query, self._today
        outcome = call_service(
            self._message_parent(),
            self._database,
            lambda session: caseload.page(session, self._actor, query, offset, self._page_size, today=today),
            action="Show more of the caseload",
        )
        found = outcome.value
        if found is None or not found.rows:
            self._has_more = False
            return
        # Nothing more to fetch while the rows go in: whoever hears of them (a view, Qt's model
        # tester) may ask, and must not fetch this page a second time.
        self._has_more = False
        self.beginInsertRows(QModelIndex(), offset, offset + len(found.rows) - 1)
        self._rows.extend(found.rows)
        self.endInsertRows()
        self._has_more = found.has_more

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by the column in SQL and start again from the first page."""
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = SORT_KEYS[column]
        if (key, descending) == (self._query.sort, self._query.descending) and self._total is not None:
            return
        self.set_query(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction the current query sorts by, for the header's indicator."""
        order = Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder
        return SORT_KEYS.index(self._query.sort), order

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {column.text(row) or 'none'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        if role == REFERRAL_ID_ROLE:
            return row.referral_id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Sort by {column.title.lower()}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        return None

    def _message_parent(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None
