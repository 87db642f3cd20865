"""The PCN's list of needs: the national taxonomy (read-only) and the PCN's own needs, which a
manager or an administrator adds, deactivates and brings back.

A local need is never deleted, since past referrals keep its code; a deactivated need is no
longer offered on new referrals. The service checks the role again on every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.cases import needs
from linkworker.services.cases.needs import LocalNeedSummary, Need
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.display import active_label
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

NATIONAL_COLUMNS: list[Column[Need]] = [
    Column("Need", lambda need: need.label),
    Column("What it covers", lambda need: need.description),
]
LOCAL_COLUMNS: list[Column[LocalNeedSummary]] = [
    Column("Need", lambda need: need.label),
    Column("Status", lambda need: active_label(need.active)),
    Column("Referrals", lambda need: need.referrals.text, numeric=True),
]


@dataclass(frozen=True)
class _Lists:
    national: list[Need]
    local: list[LocalNeedSummary]


def _lists(session: Unit, actor: Actor) -> _Lists:
    return _Lists(
        [need for need in needs.needs_for(session, actor) if not need.local],
        needs.local_needs(session, actor),
    )


class NeedsAdmin(QWidget):
    """The needs tab of the admin area; link workers may look, managers and admins change."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        may_edit = workspace.actor.may(Permission.SET_PCN_POLICY)

        intro = QLabel(
            "Link workers record a referral's needs from this list. The national needs come with "
            "Linkworker; add your PCN's own below. A need you no longer use can be deactivated: "
            "it is no longer offered, and past referrals keep it."
        )
        intro.setWordWrap(True)

        self.national: RecordTableModel[Need] = RecordTableModel(NATIONAL_COLUMNS, self)
        self.national_table = record_table(
            self.national, "National needs", "The needs every PCN records; they cannot be changed here."
        )
        self.local: RecordTableModel[LocalNeedSummary] = RecordTableModel(LOCAL_COLUMNS, self)
        self.local_table = record_table(
            self.local, "This PCN's needs", "Needs this PCN added, active or deactivated.", stretch=0
        )
        self.local_table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.label = QLineEdit()
        self.label.returnPressed.connect(self.add)
        add_layout = QFormLayout()
        self.form = FormFields(add_layout)
        self.form.add("&New need:", self.label, "label", hint="A few words, like Gardening or Pet care.")
        self.add_button = QPushButton("&Add need")
        self.add_button.clicked.connect(self.add)
        self.deactivate_button = QPushButton("&Deactivate")
        self.deactivate_button.setToolTip("Stop offering the selected need on new referrals")
        self.deactivate_button.clicked.connect(lambda: self.set_active(False))
        self.reactivate_button = QPushButton("&Reactivate")
        self.reactivate_button.setToolTip("Offer the selected need again")
        self.reactivate_button.clicked.connect(lambda: self.set_active(True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.deactivate_button)
        buttons.addWidget(self.reactivate_button)
        buttons.addStretch()

        local_heading = QLabel("This PCN's needs")
        local_heading.setObjectName("subheading")
        national_heading = QLabel("National needs")
        national_heading.setObjectName("subheading")
        local_column = QVBoxLayout()
        local_column.addWidget(local_heading)
        local_column.addWidget(self.local_table, 1)
        self.editing = QWidget()
        editing_layout = QVBoxLayout(self.editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.addLayout(add_layout)
        editing_layout.addLayout(buttons)
        local_column.addWidget(self.editing)
        self.read_only_note = QLabel(
            "Only a PCN manager or an administrator changes this list; ask them to add a need."
        )
        self.read_only_note.setWordWrap(True)
        local_column.addWidget(self.read_only_note)
        # Hidden only: showing a widget not yet in a window would open it as a window of its own.
        (self.read_only_note if may_edit else self.editing).hide()
        national_column = QVBoxLayout()
        national_column.addWidget(national_heading)
        national_column.addWidget(self.national_table, 1)
        columns = QHBoxLayout()
        columns.addLayout(local_column, 2)
        columns.addLayout(national_column, 3)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)
        self._update_buttons()

    def refresh(self, select: int | None = None) -> None:
        """Read both lists again, keeping the selected local need (or selecting ``select``)."""
        current = self.selected()
        if select is None and current is not None:
            select = current.id
        outcome = call_service(
            self, self.workspace, lambda session: _lists(session, self.actor), action="Show the needs"
        )
        if outcome.ok and outcome.value is not None:
            self.national.set_records(outcome.value.national)
            self.local.set_records(outcome.value.local)
            self._select(select)
        self._update_buttons()

    def selected(self) -> LocalNeedSummary | None:
        rows = self.local_table.selectionModel().selectedRows()
        return self.local.record(rows[0].row()) if rows else None

    def _select(self, need_id: int | None) -> None:
        for row, need in enumerate(self.local.records()):
            if need.id == need_id:
                self.local_table.selectionModel().setCurrentIndex(
                    self.local.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def _update_buttons(self) -> None:
        need = self.selected()
        self.deactivate_button.setEnabled(need is not None and need.active)
        self.reactivate_button.setEnabled(need is not None and not need.active)

    def add(self) -> None:
        label = self.label.text()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: needs.add_local_need(session, self.actor, label),
            action="Add a need",
            form=self.form,
        )
        if outcome.ok and outcome.value is not None:
            self.label.clear()
            self.refresh(select=outcome.value.id)

    def set_active(self, active: bool) -> None:
        need = self.selected()
        if need is None:
            return
        call_service(
            self,
            self.workspace,
            lambda session: needs.set_local_need_active(session, self.actor, need.id, need.version, active),
            action="Reactivate the need" if active else "Deactivate the need",
        )
        self.refresh()
