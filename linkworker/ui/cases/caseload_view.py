"""The Caseload area: my cases or every case of the PCN, filtered, searched and sorted.

The filters above the list each run the query again from its first page; the search waits
until typing pauses (or Enter), so a name is not looked up once per letter. Double-click or
Enter on a row asks for the case to be opened (``case_requested``); the main window decides
where it opens. The Network area shows the same list fixed to the whole PCN (``pcn_wide``).
On a new database, with no referral in the PCN yet, a panel in place of the list says what to
do first (``step_requested``; in the Network area, where the steps are not taken, words only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.referrals import CaseStatus
from linkworker.services.cases import caseload
from linkworker.services.cases.caseload import (
    UNASSIGNED,
    CaseloadChoices,
    CaseloadQuery,
    Scope,
    SortKey,
    StatusGroup,
)
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.caseload_model import REFERRAL_ID_ROLE, SORT_KEYS, CaseloadModel
from linkworker.ui.widgets.display import status_label
from linkworker.ui.widgets.empty_state import EmptyState, practices_advice, read_beginnings, referrals_advice
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import plain_label, repolish, search_when_typing_pauses
from linkworker.ui.widgets.paged_model import paged_table

# How long typing must pause before the search runs.
_GROUPS: Final = frozenset(group.value for group in StatusGroup)


def count_text(total: int) -> str:
    if total < 0:
        return ""
    if total == 0:
        return "No cases"
    return "1 case" if total == 1 else f"{total:,} cases"


class CaseloadView(QWidget):
    """The list of cases with its filters; emits the referral id of the case to open, and on a new
    database the first step chosen (empty_state.Step)."""

    case_requested = Signal(int)
    step_requested = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        pcn_wide: bool = False,
        title: str = "Caseload",
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self._pcn_wide = pcn_wide

        heading = QLabel(title)
        heading.setObjectName("heading")
        self.count_label = QLabel()
        self.count_label.setObjectName("subheading")
        self._loaded = False  # filters query only once the area has been shown (refresh)

        self.mine = QRadioButton("&My cases")
        self.everyone = QRadioButton("All cases in the &PCN")
        (self.everyone if pcn_wide else self.mine).setChecked(True)
        self.scope_group = QButtonGroup(self)
        for button in (self.mine, self.everyone):
            self.scope_group.addButton(button)
        self.scope_group.buttonToggled.connect(lambda _button, checked: self._scope_toggled(checked))

        self.search = QLineEdit()
        self.search.setPlaceholderText("Family name, given and family name, NHS number or case number")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            "Finds names that start with what you type; an NHS number must be whole. A case number "
            "(LW-000960, or just 960) finds that case whatever the filters show"
        )
        self.search_message = QLabel()
        self.search_message.setObjectName("fieldMessage")
        self.search_message.setWordWrap(True)
        self.search_message.hide()
        self._search_timer = search_when_typing_pauses(self.search, self.apply_filters)

        self.practice = QComboBox()
        self.status = QComboBox()
        self.worker = QComboBox()
        self.need = QComboBox()
        self.status.addItem("Open cases", StatusGroup.OPEN.value)
        self.status.addItem("All cases, open and ended", StatusGroup.ANY.value)
        for status in CaseStatus:
            self.status.addItem(status_label(status), status.value)

        filters = QGridLayout()
        filters.setHorizontalSpacing(12)
        filters.setVerticalSpacing(2)
        self.overdue = QCheckBox("&Overdue follow-ups only")
        self.overdue.setToolTip("Only cases with a follow-up whose day has gone by")
        self.overdue.toggled.connect(lambda _checked: self._filters_changed())
        scope = QHBoxLayout()
        scope.addWidget(self.mine)
        scope.addWidget(self.everyone)
        scope.addWidget(self.overdue)
        scope.addStretch()
        if pcn_wide:  # hidden only: showing a widget not yet in a window would open it as one
            self.mine.hide()
            self.everyone.hide()
        filters.addWidget(self._label("Show", None), 0, 0)
        filters.addLayout(scope, 1, 0)
        filters.addWidget(self._label("&Search:", self.search), 0, 1, 1, 3)
        filters.addWidget(self.search, 1, 1, 1, 3)
        filters.addWidget(self.search_message, 2, 1, 1, 3)
        labels = []
        for column, (text, combo) in enumerate(
            (
                ("Pr&actice:", self.practice),
                ("S&tatus:", self.status),
                ("&Need:", self.need),
                ("Link &worker:", self.worker),  # last: hidden in my own cases, leaving no gap
            )
        ):
            labels.append(self._label(text, combo))
            filters.addWidget(labels[-1], 3, column)
            filters.addWidget(combo, 4, column)
            filters.setColumnStretch(column, 1)
            combo.currentIndexChanged.connect(lambda _index: self._filters_changed())
        self.worker_label = labels[3]

        self.model = CaseloadModel(workspace, self, form=self)
        self.model.counted.connect(lambda total: self.count_label.setText(count_text(total)))
        self.table = paged_table(self.model, "Cases", "Double-click a case or press Enter to open it")
        self.table.activated.connect(self._open)
        self.empty_state = EmptyState("No cases yet")
        self.empty_state.step_requested.connect(self.step_requested)
        self.empty_state.hide()

        self.reload_button = QPushButton("Re&load")
        self.reload_button.setToolTip("Read the list again from the database (F5)")
        self.reload_button.clicked.connect(lambda: self.refresh())
        if pcn_wide:
            self.reload_button.hide()  # the Network area has its own, for both tabs
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_state)
        layout.addStretch(0)
        # Above the rest on screen, but added last, so Tab goes filters, list, Reload: the
        # focus order follows the order widgets join the layout.
        layout.insertLayout(0, top)
        self.setFocusProxy(self.search)
        self._scope_changed()

    def refresh(self, *, reread: bool = False) -> None:
        """Read the filters' choices and the list again, keeping the filters, the selected case and
        how far down the list was scrolled (someone else's change must not lose the user's place).
        ``reread``: the list is on screen already (not a new viewing, so not audited as one)."""
        chosen = self.selected_case()
        shown, scrolled = self.model.rowCount(), self.table.verticalScrollBar().value()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: caseload.choices(session, self.actor),
            action="Show the caseload",
        )
        if outcome.value is not None:
            self._fill_choices(outcome.value)
        self._loaded = True
        self.apply_filters(reread=reread)
        while self.model.rowCount() < shown and self.model.canFetchMore():
            self.model.fetchMore()
        if chosen is not None:
            self.select_case(chosen)
        self.table.verticalScrollBar().setValue(scrolled)
        self._show_beginnings()

    def _show_beginnings(self) -> None:
        """An empty list may be a new database's: if the PCN has no referral yet, say what to
        do first in its place."""
        starting = False
        if self.model.total == 0:
            outcome = call_service(
                self,
                self.workspace,
                lambda session: read_beginnings(session, self.actor),
                action="Show the caseload",
            )
            beginnings = outcome.value
            if beginnings is not None and not beginnings.referrals:
                starting = True
                steps = [] if beginnings.practices else [practices_advice(self.actor)]
                steps.append(referrals_advice(beginnings, with_buttons=not self._pcn_wide))
                if self._pcn_wide:  # the Network area takes no steps: words only
                    steps = [replace(step, buttons=()) for step in steps]
                self.empty_state.show_advice(steps)
        self.empty_state.setVisible(starting)
        self.table.setVisible(not starting)

    def show_only(
        self, *, practice_id: int | None = None, worker_id: int | None = None, overdue: bool = False
    ) -> None:
        """Set the filters to one practice or worker (``UNASSIGNED``: no one) and run the list:
        for the Network area's figures, which lead to the cases they count."""
        if not self._loaded:
            self.refresh()
        for combo, value in ((self.practice, practice_id), (self.worker, worker_id)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)
            combo.blockSignals(False)
        self.status.blockSignals(True)
        self.status.setCurrentIndex(self.status.findData(StatusGroup.OPEN.value))
        self.status.blockSignals(False)
        self.overdue.blockSignals(True)
        self.overdue.setChecked(overdue)
        self.overdue.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def query(self) -> CaseloadQuery:
        """What the filters ask for, in the list's current order."""
        status_value = self.status.currentData()
        status: CaseStatus | StatusGroup = (
            StatusGroup(status_value) if status_value in _GROUPS else CaseStatus(status_value)
        )
        mine = self.mine.isChecked()
        return CaseloadQuery(
            scope=Scope.MINE if mine else Scope.PCN,
            practice_id=self.practice.currentData(),
            status=status,
            worker_id=None if mine else self.worker.currentData(),
            need=self.need.currentData(),
            search=self.search.text().strip(),
            overdue=self.overdue.isChecked(),
            sort=self.model.query.sort,
            descending=self.model.query.descending,
        )

    def apply_filters(self, *, reread: bool = False) -> None:
        """Run the filters' query from its first page; ``reread`` only counts (as not a new
        viewing) when the query is the one shown, not one the user changed meanwhile."""
        self._search_timer.stop()
        query = self.query()
        self.model.set_query(query, reread=reread and query == self.model.query)

    def selected_case(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        return int(index.siblingAtColumn(0).data(REFERRAL_ID_ROLE))

    def select_case(self, referral_id: int) -> bool:
        """Select the case's row if the list has it loaded."""
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).referral_id == referral_id:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                return True
        return False

    # FieldMessages: a search the service refuses (a mistyped NHS number) is explained beside it.
    def show_message(self, field: str, message: str) -> bool:
        if field != "search":
            return False
        self.search_message.setText(message)
        self.search_message.show()
        self.search.setProperty("invalid", True)
        self.search.setAccessibleDescription(message)
        repolish(self.search)
        return True

    def clear_messages(self) -> None:
        if self.search_message.isHidden():
            return
        self.search_message.clear()
        self.search_message.hide()
        self.search.setProperty("invalid", False)
        self.search.setAccessibleDescription("")
        repolish(self.search)

    def _label(self, text: str, buddy: QWidget | None) -> QLabel:
        label = QLabel(text)
        if buddy is not None:
            label.setBuddy(buddy)
            buddy.setAccessibleName(plain_label(text))
        return label

    def _scope_toggled(self, checked: bool) -> None:
        """Each change of scope toggles two buttons: act on the one turned on."""
        if checked:
            self._scope_changed()

    def _scope_changed(self) -> None:
        """In my own cases the link worker is always me: its filter and column show only with
        the PCN's cases; the count of overdue follow-ups shows in my own."""
        everyone = self.everyone.isChecked()
        self.worker.setVisible(everyone)
        self.worker_label.setVisible(everyone)
        self.table.setColumnHidden(SORT_KEYS.index(SortKey.WORKER), not everyone)
        # The PCN's list needs the worker's column, and a 1366-pixel screen has room for only
        # one of the two: there the overdue filter stands in for the count.
        self.table.setColumnHidden(SORT_KEYS.index(SortKey.OVERDUE), everyone)
        self._filters_changed()

    def _filters_changed(self) -> None:
        if self._loaded:
            self.apply_filters()

    def _fill_choices(self, choices: CaseloadChoices) -> None:
        practices = [
            (practice.name if practice.active else f"{practice.name} (deactivated)", practice.id)
            for practice in choices.practices
        ]
        workers = [("Unassigned", UNASSIGNED)] + [
            (worker.full_name if worker.active else f"{worker.full_name} (deactivated)", worker.id)
            for worker in choices.workers
        ]
        needs = [(need.label, need.code) for need in choices.needs]
        _refill(self.practice, "Any practice", practices)
        _refill(self.worker, "Anyone", workers)
        _refill(self.need, "Any need", needs)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.case_requested.emit(int(index.siblingAtColumn(0).data(REFERRAL_ID_ROLE)))


def _refill(combo: QComboBox, anything: str, items: Sequence[tuple[str, Any]]) -> None:
    """Replace a filter's items, keeping what was chosen if it is still there; no signals."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(anything, None)
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
    combo.blockSignals(False)
