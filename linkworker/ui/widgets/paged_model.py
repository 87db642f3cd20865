"""A list read a page at a time, sorted and filtered in SQL, as a Qt item model: the caseload's
and the directory's, which differ only in their columns and the service they read.

A view shows the first page; scrolling near the end asks for the next (``canFetchMore`` /
``fetchMore``). A new query (``set_query``) or a click on a column header (``sort``) starts
again from the first page, with the total counted in the same unit of work; every page of one
query is read as of one day. Refusals go through ``call_service``: one about a field of the
``form`` given beside that field, anything else in a message box over the model's parent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import Field, replace
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QTableView, QWidget

from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.errors import FieldMessages, call_service
from linkworker.ui.widgets.models import AnyIndex, Column
from linkworker.ui.widgets.tables import record_table

PAGE_SIZE: Final = 100
# The id of a row's record (a referral, a service), for whoever opens it.
ROW_ID_ROLE: Final = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class SortedQuery(Protocol):
    """A service's query: a frozen dataclass that holds the list's order."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # a dataclass, for ``replace``

    @property
    def sort(self) -> StrEnum: ...

    @property
    def descending(self) -> bool: ...


Q = TypeVar("Q", bound=SortedQuery)


class Page(Protocol[R_co]):
    @property
    def rows(self) -> tuple[R_co, ...]: ...

    @property
    def has_more(self) -> bool: ...


class FirstPage(Protocol[R_co]):
    @property
    def page(self) -> Page[R_co]: ...

    @property
    def total(self) -> int: ...  # every row the query finds, on this page and beyond


class PagedModel(QAbstractTableModel, Generic[Q, R]):
    """The rows one query finds, read a page at a time as the view needs them.

    ``columns`` pairs each column with the service's sort key for it (None: the list cannot be
    sorted by that column); ``first_page`` and ``page`` are the service's functions of those
    names, ``(session, actor, query, [offset,] limit, *, today)``; ``row_id`` gives a row's
    ``ROW_ID_ROLE``; ``name`` is what messages call the list ("Show more of the caseload").
    """

    # The query's total number of rows, or -1 when it could not be run.
    counted = Signal(int)

    def __init__(
        self,
        workspace: Workspace,
        parent: QObject | None,
        *,
        name: str,
        columns: Sequence[tuple[Column[R], StrEnum | None]],
        query: Q,
        first_page: Callable[..., FirstPage[R]],
        page: Callable[..., Page[R]],
        row_id: Callable[[R], int],
        form: FieldMessages | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._actor = workspace.actor
        self._name = name
        self._columns = [column for column, _key in columns]
        self._sort_keys = [key for _column, key in columns]
        self._first_page = first_page
        self._page = page
        self._row_id = row_id
        self._form = form
        self._page_size = page_size
        self._query = query
        self._rows: list[R] = []
        self._has_more = False
        self._total: int | None = None
        self._today = date.today()  # every page of a query is read as of one day

    @property
    def query(self) -> Q:
        return self._query

    @property
    def total(self) -> int | None:
        """How many rows the query finds in all; None until it has run, or when it failed."""
        return self._total

    def set_query(self, query: Q, *, reread: bool = False) -> bool:
        """Show what ``query`` finds from its first page; False (and an empty list) if refused.
        ``reread``: the list is on screen already and read again, which the service is told (for
        a ``first_page`` that takes it: the caseload does not audit a re-read as a new viewing)."""
        self._query = query
        self._today = today = date.today()
        again = {"reread": True} if reread else {}
        outcome = call_service(
            self._message_parent(),
            self._workspace,
            lambda session: self._first_page(
                session, self._actor, query, self._page_size, today=today, **again
            ),
            action=f"Show the {self._name}",
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

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if not self.canFetchMore(parent):
            return
        offset, query, today = len(self._rows), self._query, self._today
        outcome = call_service(
            self._message_parent(),
            self._workspace,
            lambda session: self._page(session, self._actor, query, offset, self._page_size, today=today),
            action=f"Show more of the {self._name}",
        )
        found = outcome.value
        # Nothing more to fetch while the rows go in: whoever hears of them (a view, Qt's model
        # tester) may ask, and must not fetch this page a second time.
        self._has_more = False
        if found is None or not found.rows:
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(found.rows) - 1)
        self._rows.extend(found.rows)
        self.endInsertRows()
        self._has_more = found.has_more

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by the column in SQL and start again from the first page; a column without a
        sort key keeps the order."""
        key = self._sort_keys[column] if 0 <= column < len(self._sort_keys) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._query.sort, self._query.descending) and self._total is not None:
            return
        self.set_query(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction the current query sorts by, for the header's indicator."""
        order = Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder
        return self._sort_keys.index(self._query.sort), order

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {column.text(row) or 'none'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        if role == ROW_ID_ROLE:
            return self._row_id(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole and self._sort_keys[section] is not None:
            return f"Sort by {column.title.lower()}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        return None

    def _message_parent(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None


def paged_table(model: PagedModel[Any, Any], name: str, description: str) -> QTableView:
    """The model's table, its header sorting in SQL and showing the query's order."""
    table = record_table(model, name, description, stretch=None)
    header = table.horizontalHeader()
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(*model.sort_column())
    # Not QTableView.setSortingEnabled: that sorts (and so queries) at once, before any refresh.
    header.sortIndicatorChanged.connect(model.sort)
    return table
