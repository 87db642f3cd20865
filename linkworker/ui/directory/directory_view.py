"""The Directory area: the PCN's services, searched, filtered and sorted in SQL a page at a time.

Stale entries (not verified within the PCN's period) and flagged ones (their import found
problems) are marked in their own column, in words, so the mark reaches screen readers too.
Search waits until typing pauses. A manager or administrator sets the stale period here. An
empty directory (a new database) shows what to do instead of an empty list: import the area's
services (``step_requested``) or add one (``new_service_requested``).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.directory import COST_LABELS, STALE_AFTER_RANGE, STATUS_LABELS, CostKind, ServiceStatus
from linkworker.domain.roles import Permission
from linkworker.services.directory import directory
from linkworker.services.directory.directory import DirectoryChoices, DirectoryQuery, ServiceSummary, SortKey
from linkworker.services.workspace import Workspace
from linkworker.ui.widgets.empty_state import EmptyState, Step, directory_advice, directory_is_empty
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import plain_label, search_when_typing_pauses
from linkworker.ui.widgets.models import Column
from linkworker.ui.widgets.paged_model import PAGE_SIZE, ROW_ID_ROLE, PagedModel, paged_table

SERVICE_ID_ROLE: Final = ROW_ID_ROLE


def marks(row: ServiceSummary) -> str:
    return ", ".join(word for word, shown in (("Stale", row.stale), ("Flagged", row.flagged)) if shown)


def _verified(row: ServiceSummary) -> str:
    return f"{row.last_verified_on:%d %b %Y}" if row.last_verified_on else "Never"


COLUMNS: Final[tuple[tuple[Column[ServiceSummary], SortKey | None], ...]] = (
    (Column("Service", lambda row: row.name), SortKey.NAME),
    (Column("Organisation", lambda row: row.organisation_name), SortKey.ORGANISATION),
    (Column("Status", lambda row: STATUS_LABELS[row.status]), SortKey.STATUS),
    (Column("Cost", lambda row: COST_LABELS[row.cost_kind]), SortKey.COST),
    (Column("Verified", _verified), SortKey.VERIFIED),
    (Column("Check", marks), None),
    (Column("Needs", lambda row: "; ".join(row.needs)), None),
)
MARKS_COLUMN: Final = 5


class DirectoryModel(PagedModel[DirectoryQuery, ServiceSummary]):
    """The services one ``DirectoryQuery`` finds, read a page at a time as the view needs them."""

    def __init__(
        self, workspace: Workspace, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(
            workspace,
            parent,
            name="directory",
            columns=COLUMNS,
            query=DirectoryQuery(),
            first_page=directory.first_page,
            page=directory.page,
            row_id=lambda row: row.id,
            page_size=page_size,
        )


def count_text(total: int) -> str:
    if total < 0:
        return ""
    return "No services" if total == 0 else "1 service" if total == 1 else f"{total:,} services"


class DirectoryView(QWidget):
    """The directory list with its filters; emits the id of the service to open, that a new one
    is wanted, or on an empty directory the step chosen (empty_state.Step)."""

    service_requested = Signal(int)
    new_service_requested = Signal()
    step_requested = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self._loaded = False

        heading = QLabel("Directory")
        heading.setObjectName("heading")
        self.count_label = QLabel()
        self.count_label.setObjectName("subheading")

        self.search = QLineEdit()
        self.search.setPlaceholderText("Words from the name, organisation or description")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Finds services where every word typed starts a word of theirs")
        self._search_timer = search_when_typing_pauses(self.search, self.apply_filters)

        self.need = QComboBox()
        self.status = QComboBox()
        self.status.addItem("Any status", None)
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status.value)
        self.cost = QComboBox()
        self.cost.addItem("Any cost", None)
        for cost, label in COST_LABELS.items():
            self.cost.addItem(label, cost.value)
        self.stale_only = QCheckBox("S&tale only")
        self.stale_only.setToolTip("Entries not verified within the PCN's period")
        self.flagged_only = QCheckBox("&Flagged only")
        self.flagged_only.setToolTip("Entries whose import found problems")

        filters = QGridLayout()
        filters.setHorizontalSpacing(12)
        filters.addWidget(self._label("&Search:", self.search), 0, 0, 1, 3)
        filters.addWidget(self.search, 1, 0, 1, 3)
        for column, (text, combo) in enumerate(
            (("&Need:", self.need), ("St&atus:", self.status), ("&Cost:", self.cost))
        ):
            filters.addWidget(self._label(text, combo), 2, column)
            filters.addWidget(combo, 3, column)
            filters.setColumnStretch(column, 1)
            combo.currentIndexChanged.connect(lambda _index: self._filters_changed())
        checks = QHBoxLayout()
        checks.addWidget(self.stale_only)
        checks.addWidget(self.flagged_only)
        checks.addStretch()
        filters.addLayout(checks, 4, 0, 1, 3)
        for box in (self.stale_only, self.flagged_only):
            box.toggled.connect(lambda _checked: self._filters_changed())

        self.model = DirectoryModel(workspace, self)
        self.model.counted.connect(lambda total: self.count_label.setText(count_text(total)))
        self.table = paged_table(self.model, "Services", "Double-click a service or press Enter to open it")
        self.table.activated.connect(self._open)
        self.empty_state = EmptyState("The directory is empty")
        self.empty_state.show_advice([directory_advice(workspace.actor, say_empty=False)])
        self.empty_state.step_requested.connect(self._step)
        self.empty_state.hide()

        self.stale_after = QSpinBox()
        self.stale_after.setRange(*STALE_AFTER_RANGE)
        self.stale_after.setSuffix(" months")
        self.stale_label = self._label("Stale after &no check for:", self.stale_after)
        self.stale_apply = QPushButton("Set")
        self.stale_apply.setAccessibleName("Set the stale period")
        self.stale_apply.clicked.connect(self.set_stale_period)
        stale_row = QHBoxLayout()
        stale_row.addWidget(self.stale_label)
        stale_row.addWidget(self.stale_after)
        stale_row.addWidget(self.stale_apply)
        stale_row.addStretch()

        self.reload_button = QPushButton("Re&load")
        self.reload_button.clicked.connect(self.refresh)
        self.new_button = QPushButton("Ne&w service…")
        self.new_button.setToolTip("Add a service to the directory")
        self.new_button.clicked.connect(self.new_service_requested)
        if not workspace.actor.may(Permission.EDIT_DIRECTORY):
            self.new_button.hide()  # only hidden: shown before it is in a window, it would open as one
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_state)
        layout.addStretch(0)
        layout.addLayout(stale_row)
        layout.insertLayout(0, top)
        self.setFocusProxy(self.search)

    def refresh(self) -> None:
        """Read the choices and the list again, keeping the filters."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: directory.choices(session, self.actor),
            action="Show the directory",
        )
        if outcome.value is not None:
            self._fill_choices(outcome.value)
        self._loaded = True
        self.apply_filters()
        self._show_beginnings()

    def _show_beginnings(self) -> None:
        """Nothing found may mean nothing there yet: then say how to fill the directory."""
        empty = False
        if self.model.total == 0:
            outcome = call_service(
                self,
                self.workspace,
                lambda session: directory_is_empty(session, self.actor),
                action="Show the directory",
            )
            empty = bool(outcome.value)
        self.empty_state.setVisible(empty)
        self.table.setVisible(not empty)

    def _step(self, step: str) -> None:
        if step == Step.NEW_SERVICE:
            self.new_service_requested.emit()
        else:
            self.step_requested.emit(step)

    def query(self) -> DirectoryQuery:
        status, cost = self.status.currentData(), self.cost.currentData()
        return DirectoryQuery(
            search=self.search.text().strip(),
            need=self.need.currentData(),
            status=None if status is None else ServiceStatus(status),
            cost=None if cost is None else CostKind(cost),
            stale_only=self.stale_only.isChecked(),
            flagged_only=self.flagged_only.isChecked(),
            sort=self.model.query.sort,
            descending=self.model.query.descending,
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.query())

    def set_stale_period(self) -> None:
        months = self.stale_after.value()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: directory.set_stale_after_months(session, self.actor, months),
            action="Set the stale period",
        )
        if outcome.ok:
            self.apply_filters()

    def selected_service(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        return int(index.siblingAtColumn(0).data(SERVICE_ID_ROLE))

    def _fill_choices(self, choices: DirectoryChoices) -> None:
        chosen = self.need.currentData()
        self.need.blockSignals(True)
        self.need.clear()
        self.need.addItem("Any need", None)
        for need in choices.needs:
            self.need.addItem(need.label, need.code)
        self.need.setCurrentIndex(max(self.need.findData(chosen), 0) if chosen is not None else 0)
        self.need.blockSignals(False)
        self.stale_after.setValue(choices.stale_after_months)
        for widget in (self.stale_label, self.stale_after, self.stale_apply):
            widget.setVisible(choices.may_set_stale_period)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        buddy.setAccessibleName(plain_label(text))
        return label

    def _filters_changed(self) -> None:
        if self._loaded:
            self.apply_filters()

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.service_requested.emit(int(index.siblingAtColumn(0).data(SERVICE_ID_ROLE)))
