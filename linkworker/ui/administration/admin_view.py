"""Administration: users, practices, the disclosure rule (with the meaningful SWEMWBS change), the
audit trail and the data key, for administrators only. Each tab lives in its own module; the
practices and disclosure tabs are here.

Every change goes through a service, which checks the role again and writes the audit trail;
after each change the list is read back from the database, so it shows what was saved.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.disclosure import NHS_DIGITAL, THRESHOLD_RANGE, Rule
from linkworker.domain.errors import ValidationError
from linkworker.domain.measures import (
    SWEMWBS_CHANGE_1_SEM,
    SWEMWBS_CHANGE_2_77_SEM,
    SWEMWBS_CHANGE_RANGE,
    parse_swemwbs_change,
)
from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import PracticeSummary
from linkworker.services.summary import disclosure
from linkworker.services.workspace import Workspace
from linkworker.ui.administration.admin_dialogs import AddPracticeDialog
from linkworker.ui.administration.audit_tab import AuditTab
from linkworker.ui.administration.key_custody_tab import KeysTab
from linkworker.ui.administration.locking_tab import LockingTab
from linkworker.ui.administration.record_tab import RecordTab
from linkworker.ui.administration.users_tab import UsersTab
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import PRACTICE_COLUMNS


class PracticesTab(RecordTab[PracticeSummary]):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__(
            workspace,
            PRACTICE_COLUMNS,
            "Practices",
            "The GP practices of this PCN. Deactivate a practice that has left; its past referrals "
            "stay on record.",
            lambda session, actor: organisation.list_practices(
                session, workspace.actor, include_inactive=True
            ),
            key=lambda practice: practice.id,
        )
        self.new_button = self.add_button(
            "&New practice…", self.add_practice, "Add a practice that has joined the PCN"
        )
        self.deactivate_button = self.add_button(
            "&Deactivate", lambda: self.set_active(False), "Mark the selected practice as left"
        )
        self.reactivate_button = self.add_button(
            "&Reactivate", lambda: self.set_active(True), "Mark the selected practice as part of the PCN"
        )
        self.buttons.addStretch()
        self.update_buttons()

    def update_buttons(self) -> None:
        practice = self.selected()
        self.deactivate_button.setEnabled(practice is not None and practice.active)
        self.reactivate_button.setEnabled(practice is not None and not practice.active)

    def add_practice(self) -> None:
        self.open_form(AddPracticeDialog(self.workspace, self))

    def set_active(self, active: bool) -> None:
        practice = self.selected()
        if practice is None:
            return
        call_service(
            self,
            self.workspace,
            lambda session: organisation.set_practice_active(
                session, self.actor, practice.id, practice.version, active
            ),
            action="Reactivate practice" if active else "Deactivate practice",
        )
        self.refresh()


class DisclosureTab(QWidget):
    """The PCN's disclosure threshold for the anonymised summary and the sentence its footer will
    carry, and the SWEMWBS change its summary counts as improved or worse: each read back from the
    database after each save."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        explanation = QLabel(
            "The monthly summary leaves the case screens, so small numbers in it are hidden: counts "
            f"from 1 to the threshold are shown as *. {NHS_DIGITAL.suppress_up_to} follows the NHS "
            "Digital rule; choose more only if your information governance lead asks for it."
        )
        explanation.setWordWrap(True)
        self.threshold = QSpinBox()
        self.threshold.setRange(*THRESHOLD_RANGE)
        self.threshold.setAccessibleName("Hide counts up to")
        label = QLabel("&Hide counts up to:")
        label.setBuddy(self.threshold)
        self.save_button = QPushButton("Sa&ve threshold")
        self.save_button.setToolTip("Use this threshold for every summary of this PCN from now on")
        self.save_button.setAccessibleDescription(self.save_button.toolTip())
        self.save_button.clicked.connect(self.save)
        self.nhs_button = QPushButton("Use the NH&S Digital rule")
        self.nhs_button.setToolTip(f"Set the threshold back to {NHS_DIGITAL.suppress_up_to}")
        self.nhs_button.setAccessibleDescription(self.nhs_button.toolTip())
        self.nhs_button.clicked.connect(self.use_nhs_digital)
        self.in_use = QLabel()
        self.in_use.setWordWrap(True)
        self.in_use.setAccessibleName("Rule in use")
        row = QHBoxLayout()
        for widget in (label, self.threshold, self.save_button, self.nhs_button):
            row.addWidget(widget)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(row)
        layout.addWidget(self.in_use)
        layout.addSpacing(12)
        self._add_swemwbs_change(layout)
        layout.addStretch()

    def _add_swemwbs_change(self, layout: QVBoxLayout) -> None:
        """The meaningful SWEMWBS change: a spin box, Save, the published default, what is in use."""
        self.swemwbs_explanation = QLabel(
            "A SWEMWBS change counts as improved or worse only when the metric score moves by at least "
            f"this many points. Shah et al. (2018) give {SWEMWBS_CHANGE_1_SEM:.2f} (1 standard error) to "
            f"{SWEMWBS_CHANGE_2_77_SEM:.2f} (2.77 standard errors: very probably a real change)."
        )
        self.swemwbs_explanation.setWordWrap(True)
        self.swemwbs = QDoubleSpinBox()
        self.swemwbs.setRange(*SWEMWBS_CHANGE_RANGE)
        self.swemwbs.setSingleStep(0.01)
        self.swemwbs.setDecimals(2)
        self.swemwbs.setAccessibleName("Meaningful SWEMWBS change in metric points")
        self.swemwbs.lineEdit().textEdited.connect(lambda _text: self._check_swemwbs_change())
        self.swemwbs.editingFinished.connect(self._check_swemwbs_change)
        self.swemwbs_message = QLabel()
        self.swemwbs_message.setObjectName("fieldMessage")
        self.swemwbs_message.setWordWrap(True)
        self.swemwbs_message.hide()
        self.swemwbs_label = QLabel("&Meaningful SWEMWBS change (metric points):")
        self.swemwbs_label.setBuddy(self.swemwbs)
        self.swemwbs_save_button = QPushButton("Save &change")
        self.swemwbs_save_button.setToolTip("Use this change for every summary of this PCN from now on")
        self.swemwbs_save_button.setAccessibleDescription(self.swemwbs_save_button.toolTip())
        self.swemwbs_save_button.clicked.connect(self.save_swemwbs_change)
        self.published_button = QPushButton(f"Published &default ({SWEMWBS_CHANGE_2_77_SEM:.2f})")
        self.published_button.setToolTip(
            f"Set the change back to {SWEMWBS_CHANGE_2_77_SEM:.2f} metric points"
        )
        self.published_button.setAccessibleDescription(self.published_button.toolTip())
        self.published_button.clicked.connect(self.use_published_change)
        self.swemwbs_in_use = QLabel()
        self.swemwbs_in_use.setWordWrap(True)
        self.swemwbs_in_use.setAccessibleName("SWEMWBS change in use")
        row = QHBoxLayout()
        for widget in (self.swemwbs_label, self.swemwbs, self.swemwbs_save_button, self.published_button):
            row.addWidget(widget)
        row.addStretch()
        layout.addWidget(self.swemwbs_explanation)
        layout.addLayout(row)
        layout.addWidget(self.swemwbs_message)
        layout.addWidget(self.swemwbs_in_use)

    def refresh(self) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: (
                disclosure.rule_for(session, self.actor),
                disclosure.swemwbs_change_for(session, self.actor),
            ),
            action="Show the disclosure rule",
        )
        if outcome.value is not None:
            rule, points = outcome.value
            self._show(rule)
            self._show_swemwbs_change(points)

    def save(self) -> None:
        threshold = self.threshold.value()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: disclosure.set_threshold(session, self.actor, threshold),
            action="Set the disclosure threshold",
        )
        if outcome.ok:
            self.refresh()

    def use_nhs_digital(self) -> None:
        self.threshold.setValue(NHS_DIGITAL.suppress_up_to)
        self.save()

    def save_swemwbs_change(self) -> None:
        points = self.swemwbs.value()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: disclosure.set_swemwbs_change(session, self.actor, points),
            action="Set the meaningful SWEMWBS change",
        )
        if outcome.ok:
            self.refresh()

    def use_published_change(self) -> None:
        self.swemwbs.setValue(SWEMWBS_CHANGE_2_77_SEM)
        self.save_swemwbs_change()

    def _check_swemwbs_change(self) -> None:
        """Say at once when the change typed is outside the range, and hold Save back until it is
        put right: the spin box would put back the last good value as focus left it for Save, and
        that value, not the one typed, would be saved."""
        try:
            parse_swemwbs_change(self.swemwbs.cleanText())
        except ValidationError as error:
            problem = error.message
        else:
            problem = ""
        self.swemwbs_message.setText(problem)
        self.swemwbs_message.setVisible(bool(problem))
        self.swemwbs.setAccessibleDescription(problem)
        self.swemwbs_save_button.setEnabled(not problem)

    def _show(self, rule: Rule) -> None:
        self.threshold.setValue(rule.suppress_up_to)
        self.in_use.setText(f"Summaries will say: {rule.describe()}")
        self.nhs_button.setEnabled(rule != NHS_DIGITAL)

    def _show_swemwbs_change(self, points: float) -> None:
        self.swemwbs.setValue(points)
        self._check_swemwbs_change()
        self.swemwbs_in_use.setText(
            f"Summaries count a SWEMWBS change of at least {points:.2f} metric points as improved or worse."
        )
        self.published_button.setEnabled(round(points * 100) != round(SWEMWBS_CHANGE_2_77_SEM * 100))


class AdminView(QWidget):
    """The Administration area: one tab each for users, practices, disclosure, the audit trail,
    the idle lock and the data key."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        heading = QLabel("Administration")
        heading.setObjectName("heading")
        self.users = UsersTab(workspace)
        self.practices = PracticesTab(workspace)
        self.disclosure = DisclosureTab(workspace)
        self.audit = AuditTab(workspace)
        self.locking = LockingTab(workspace)
        self.keys = KeysTab(workspace)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration")
        self.tabs.addTab(self.users, "&Users")
        self.tabs.addTab(self.practices, "&Practices")
        self.tabs.addTab(self.disclosure, "Disc&losure")
        self.tabs.addTab(self.audit, "Audit &trail")
        self.tabs.addTab(self.locking, "&Idle lock")
        self.tabs.addTab(self.keys, "Data &key")
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, RecordTab | DisclosureTab | LockingTab | KeysTab)
        tab.refresh()
