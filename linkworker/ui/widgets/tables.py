"""Read-only record tables as every screen shows them: whole rows, keyboard friendly."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

# The style sheet's QTableView::item padding, left and right (resources/style.qss).
CELL_PADDING_PX = 8


def record_table(
    model: QAbstractItemModel, name: str, description: str = "", *, stretch: int | None = None
) -> QTableView:
    """A table that selects whole rows, one at a time, and lets Tab move on to the next control.

    Columns fit their contents; the ``stretch`` column (the last one unless given) takes the rest.
    """
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


class WrappedCells(QStyledItemDelegate):
    """Wrapped text measured at the width it is drawn in: Qt sizes a row for the whole cell,
    but the style sheet's padding narrows the text, so a long line got one line too few and
    was cut short with "…"."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -2 * CELL_PADDING_PX, 0)
        return super().sizeHint(narrowed, index)


def wrap_column(table: QTableView, column: int) -> None:
    """Let ``column`` wrap its text whole, rows growing to fit as the column is resized."""
    table.setWordWrap(True)
    table.setItemDelegateForColumn(column, WrappedCells(table))
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().sectionResized.connect(lambda *_: table.resizeRowsToContents())
