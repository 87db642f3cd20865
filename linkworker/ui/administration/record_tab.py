"""A tab of the Administration area that lists records read from a service, with buttons that act
on the selected one; after each change the list is read back, so it shows what was saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from linkworker.services.actor import Actor
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

T = TypeVar("T")


class RecordTab(QWidget, Generic[T]):
    """A list read from a service, with the buttons that act on the selected record."""

    def __init__(
        self,
        workspace: Workspace,
        columns: Sequence[Column[T]],
        name: str,
        intro: str,
        load: Callable[[Unit, Actor], list[T]],
        key: Callable[[T], object] | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        self.name = name
        self._load = load
        self._key = key
        self.model: RecordTableModel[T] = RecordTableModel(columns, self)
        self.table = record_table(self.model, name, intro)
        self.buttons = QHBoxLayout()
        explanation = QLabel(intro)
        explanation.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table)
        layout.addLayout(self.buttons)
        self.table.selectionModel().selectionChanged.connect(self.update_buttons)

    def add_button(self, text: str, slot: Callable[[], None], description: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(description)
        button.setAccessibleDescription(description)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def selected(self) -> T | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def refresh(self, select: object = None) -> None:
        """Read the list again, keeping the selection (or selecting the record keyed ``select``)."""
        current = self.selected()
        if select is None and current is not None and self._key is not None:
            select = self._key(current)
        outcome = call_service(
            self,
            self.workspace,
            lambda session: self._load(session, self.actor),
            action=f"Show {self.name.lower()}",
        )
        if outcome.ok and outcome.value is not None:
            self.model.set_records(outcome.value)
            self._select(select)
        self.update_buttons()

    def _select(self, key: object) -> None:
        if key is None or self._key is None:
            return
        for row, record in enumerate(self.model.records()):
            if self._key(record) == key:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def update_buttons(self) -> None:
        """Enable the buttons that make sense for the selection; subclasses say which."""

    def open_form(self, dialog: FormDialog[T]) -> None:
        """Show a form without blocking; when it saves, read the list again and select the result."""

        def saved() -> None:
            self.refresh(select=self._key(dialog.saved) if self._key and dialog.saved else None)

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(saved)
        dialog.open()
