"""The case record: who the case is for and where it stands, what has happened, and the work.

The header says who, where the case stands and for how long; below it, the actions a link
worker takes, then tabs: the details of the person and the referral (with their Edit buttons),
the timeline, follow-ups, contacts, support plan, measures, connections and notes. Beside the
tabs, a column with how to reach the person (left out beside the details, which say it already)
and the GP panel the window puts there. Every change goes through a service and a dialog that
keeps the user's input while it is refused; after it the record is read again, so the screen
shows what was saved.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.measures import INSTRUMENT_NAMES
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services.cases import case_record, corrections
from linkworker.services.cases.case_record import (
    CaseHeader,
    CaseRecord,
    ConnectionRecord,
    CorrectionRecord,
    FollowUpRecord,
    TimelineEntry,
)
from linkworker.services.network import network
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.case_access_history import open_access_history
from linkworker.ui.cases.case_columns import CONTACT_COLUMNS, NOTE_COLUMNS, day, event_when, wrapping
from linkworker.ui.cases.case_dialogs import (
    AddContactDialog,
    AddNoteDialog,
    AssignWorkerDialog,
    CaseChangeDialog,
    MoveStatusDialog,
    PlanReviewDialog,
    RecordMeasureDialog,
)
from linkworker.ui.cases.case_sections import (
    MeasuresPanel,
    PersonPanel,
    PlanEditor,
    ReachPanel,
    transparent_scroll,
)
from linkworker.ui.cases.connections_panel import ConnectionsPanel, RecordOutcomeDialog
from linkworker.ui.cases.correction_dialogs import PersonDialog, ReferralDialog
from linkworker.ui.cases.follow_up_dialogs import (
    CancelFollowUpDialog,
    CompleteFollowUpDialog,
    RescheduleFollowUpDialog,
    ScheduleFollowUpDialog,
    schedule_dialog,
)
from linkworker.ui.cases.follow_ups_panel import FollowUpsPanel, timeline_words
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.display import status_label, words
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table
from linkworker.wording import counted

T = TypeVar("T")
SIDE_WIDTH = 300


def correction_words(correction: CorrectionRecord) -> tuple[str, str]:
    """A correction on the timeline: what was corrected, and each field's words before and after."""
    if correction.part == "person":
        only_name = [change.field for change in correction.changes] == ["name"]
        what = "Name changed" if only_name else "Person's details corrected"
    else:
        what = "Referral corrected"
    details = "\n".join(
        f"{change.label}: {change.before or '(none)'} → {change.after or '(none)'}"
        for change in correction.changes
    )
    return what, details


def case_timeline_words(entry: TimelineEntry) -> tuple[str, str]:
    item = entry.item
    return correction_words(item) if isinstance(item, CorrectionRecord) else timeline_words(entry)


TIMELINE_COLUMNS: list[Column[TimelineEntry]] = [
    Column("When", event_when),
    Column("What", lambda entry: case_timeline_words(entry)[0]),
    Column("By", lambda entry: entry.item.by or ""),
    Column("Details", lambda entry: case_timeline_words(entry)[1]),
]


def header_facts(header: CaseHeader) -> str:
    """The line under the name: NHS number, age, practice, worker and how long since referral."""
    nhs = header.nhs_number
    parts = [
        f"NHS {nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs else "No NHS number",
        f"Age {header.age} (born {day(header.date_of_birth)})",
        f"Referred by {header.referring_practice}",
        f"Link worker: {header.assigned_worker or 'not assigned'}",
    ]
    return "   ·   ".join(parts)


def waiting_words(header: CaseHeader) -> str:
    days = header.days_since_referral
    since = "today" if days == 0 else f"{counted(days, 'day')} ago"
    return f"Referral received {day(header.received_on)} ({since})"


def status_words(header: CaseHeader) -> str:
    text = status_label(header.status)
    if header.closing_reason is not None and header.status is CaseStatus.CLOSED:
        text += f": {words(header.closing_reason.value).lower()}"
    return f"{text} since {day(header.status_since.astimezone().date())}"


class CaseView(QWidget):
    """One case record; ``changed`` is emitted after every change saved from it, and
    ``match_requested`` with the referral id when the user asks to find services for the person."""

    changed = Signal()
    match_requested = Signal(int)

    def __init__(self, workspace: Workspace, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.referral_id = referral_id
        self.record: CaseRecord | None = None
        self.may_edit = workspace.actor.may(Permission.EDIT_CASES)

        # Header: who, which case, where it stands.
        self.name = QLabel()
        self.name.setObjectName("heading")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_number = QLabel()
        self.case_number.setObjectName("subheading")
        self.case_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("subheading")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.waiting = QLabel()
        self.waiting.setObjectName("fieldHint")
        title = QHBoxLayout()
        title.addWidget(self.name)
        title.addSpacing(12)
        title.addWidget(self.case_number)
        # Who opened this case: administrators only (the service checks the role again).
        self.access_button = QPushButton("Access histor&y…")
        self.access_button.setToolTip("Who opened or changed this case, from the audit trail")
        self.access_button.setVisible(workspace.actor.may(Permission.ADMINISTER))
        self.access_button.clicked.connect(lambda: open_access_history(self, workspace, referral_id))
        title.addSpacing(12)
        title.addWidget(self.access_button)
        title.addStretch()
        title.addWidget(self.status)
        header = QFrame()
        header.setObjectName("caseHeader")
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        header_layout.setSpacing(2)
        header_layout.addLayout(title)
        header_layout.addWidget(self.facts)
        header_layout.addWidget(self.waiting)

        # The work a link worker does on the case.
        actions = QHBoxLayout()
        self.contact_button = self._action(actions, "Add &contact…", "Record a call, visit or other contact")
        self.status_button = self._action(actions, "Change &status…", "Move the case on, or end it")
        self.close_button = self._action(actions, "C&lose case…", "End the case, with the reason")
        self.assign_button = self._action(actions, "Assi&gn…", "Choose the link worker who holds the case")
        self.measure_button = self._action(actions, "Record &measure", "Record an ONS4 or SWEMWBS")
        self.note_button = self._action(actions, "Add &note…", "Add a note to the timeline")
        self.follow_up_button = self._action(
            actions, "Sc&hedule follow-up…", "Book the next call, meeting or check, for you or a colleague"
        )
        actions.addStretch()
        self.contact_button.clicked.connect(self.add_contact)
        self.status_button.clicked.connect(lambda: self.change_status())
        self.close_button.clicked.connect(lambda: self.change_status(CaseStatus.CLOSED))
        self.assign_button.clicked.connect(self.assign_worker)
        measure_menu = QMenu(self.measure_button)
        for instrument in Instrument:
            name = INSTRUMENT_NAMES[instrument]
            action = measure_menu.addAction(f"&{name}…")
            action.triggered.connect(lambda _checked=False, i=instrument: self.record_measure(i))
        self.measure_button.setMenu(measure_menu)
        self.note_button.clicked.connect(self.add_note)
        self.follow_up_button.clicked.connect(lambda: self.schedule_follow_up())

        # What has happened, and the plan.
        self.timeline = self._table(TIMELINE_COLUMNS, "Timeline", "Everything on the case, newest first")
        self.contacts = self._table(CONTACT_COLUMNS, "Contacts", "Contacts with the person, newest first")
        self.connections = ConnectionsPanel(referral_id)
        self.connections.match_requested.connect(self.match_requested)
        self.connections.outcome_requested.connect(self.record_outcome)
        self.notes = self._table(NOTE_COLUMNS, "Notes", "Notes on the case, newest first")
        self.plan = PlanEditor(workspace, referral_id)
        self.plan.saved.connect(self._after_change)
        self.plan.refused.connect(lambda: self.refresh(reopened=True))
        self.plan.review_requested.connect(self.review_plan)
        self.measures = MeasuresPanel()
        self.follow_ups = FollowUpsPanel()
        self.follow_ups.complete_requested.connect(self.complete_follow_up)
        self.follow_ups.reschedule_requested.connect(self.reschedule_follow_up)
        self.follow_ups.cancel_requested.connect(self.cancel_follow_up)
        self.person = PersonPanel()
        self.person.edit_person_requested.connect(self.edit_person)
        self.person.edit_referral_requested.connect(lambda: self.edit_referral())
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Case record")
        # Narrower tabs than elsewhere, so all eight fit beside the side column at 1366x768.
        self.tabs.setStyleSheet("QTabBar::tab { padding: 8px 11px; }")
        self.tabs.addTab(self.person, "Deta&ils")
        self.tabs.addTab(self.timeline[1], "&Timeline")
        self.tabs.addTab(self.follow_ups, "Follo&w-ups")
        self.tabs.addTab(self.contacts[1], "Cont&acts")
        self.tabs.addTab(self.plan, "Support &plan")
        self.tabs.addTab(self.measures, "Measu&res")
        self.tabs.addTab(self.connections, "Conn&ections")
        self.tabs.addTab(self.notes[1], "N&otes")

        # Beside the tabs: how to reach the person, and the GP panel the window puts here. The
        # column scrolls as a whole, at its full height, only when both need more room.
        self.reach = ReachPanel()
        side_content = QWidget()
        side_layout = QVBoxLayout(side_content)
        side_layout.setContentsMargins(0, 0, 8, 0)
        side_layout.addWidget(self.reach)
        self.gp_panel_area = QVBoxLayout()
        self.gp_panel_area.setContentsMargins(0, 0, 0, 0)
        side_layout.addLayout(self.gp_panel_area)
        side_layout.addStretch()
        side = transparent_scroll(side_content)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setFixedWidth(SIDE_WIDTH)
        self.tabs.currentChanged.connect(self._show_reach)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 1)
        body.addSpacing(8)
        body.addWidget(side)

        record_page = QWidget()
        page_layout = QVBoxLayout(record_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(header)
        page_layout.addLayout(actions)
        page_layout.addLayout(body, 1)
        self.unavailable = QLabel()
        self.unavailable.setObjectName("emptyNotice")
        self.unavailable.setWordWrap(True)
        self.unavailable.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._pages = QStackedLayout(self)
        self._pages.addWidget(record_page)
        self._pages.addWidget(self.unavailable)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, lambda: self.refresh())

        self.refresh()

    def _action(self, row: QHBoxLayout, text: str, description: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(description)
        button.setAccessibleDescription(description)
        button.setVisible(self.may_edit)
        row.addWidget(button)
        return button

    def _table(
        self, columns: list[Column[T]], name: str, description: str
    ) -> tuple[RecordTableModel[T], QWidget]:
        model: RecordTableModel[T] = RecordTableModel(columns, self)
        return model, wrapping(record_table(model, name, description))

    def refresh(self, *, reopened: bool = False) -> None:
        """Read the case again; ``reopened`` after the user's own change, which is not a new viewing."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: case_record.open_case(session, self.actor, self.referral_id, reopened=reopened),
            action="Open the case",
        )
        record = outcome.value
        if record is None:
            if self.record is None:
                self.unavailable.setText(f"This case cannot be shown. {outcome.refusal}")
                self._pages.setCurrentWidget(self.unavailable)
            return
        self.record = record
        self._pages.setCurrentIndex(0)
        self._show(record)

    def _show(self, record: CaseRecord) -> None:
        header = record.header
        self.name.setText(header.person_name)
        self.case_number.setText(header.case_number)
        self.status.setText(status_words(header))
        self.facts.setText(header_facts(header))
        self.waiting.setText(waiting_words(header))
        self.setAccessibleName(f"Case {header.case_number}: {header.person_name}")
        is_open = header.status.is_open
        for button in (self.status_button, self.close_button, self.assign_button, self.follow_up_button):
            button.setEnabled(is_open)
        self.timeline[0].set_records(record.timeline)
        self.contacts[0].set_records(record.contacts)
        self.connections.show_record(record, self.may_edit)
        self.notes[0].set_records(record.notes)
        self.follow_ups.show_record(record, self.may_edit)
        self.plan.show_record(record, self.may_edit and is_open)
        self.measures.show_record(record)
        self.person.show_record(record, self.may_edit)
        self.reach.show_record(record)
        self._show_reach()
        booked = sum(1 for follow_up in record.follow_ups if follow_up.is_open)
        self._count_tab(self.follow_ups, f"Follo&w-ups ({booked})")
        self._count_tab(self.contacts[1], f"Cont&acts ({len(record.contacts)})")
        self._count_tab(self.connections, f"Conn&ections ({len(record.connections)})")
        self._count_tab(self.notes[1], f"N&otes ({len(record.notes)})")

    def _show_reach(self) -> None:
        """How to reach the person beside every tab but the details, which say it already."""
        self.reach.setVisible(self.tabs.currentWidget() is not self.person)

    def _count_tab(self, page: QWidget, text: str) -> None:
        self.tabs.setTabText(self.tabs.indexOf(page), text)

    def header(self) -> CaseHeader:
        assert self.record is not None
        return self.record.header

    # Actions: each opens its dialog without blocking; a save reads the case again.

    def open_form(self, dialog: FormDialog[T], *, reread_on_cancel: bool = False) -> None:
        """``reread_on_cancel`` for a change made over the version the user saw: given up after
        a refusal because someone else changed the case, the screen should show their change."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_change)
        if reread_on_cancel:
            dialog.rejected.connect(lambda: self.refresh(reopened=True))
        if isinstance(dialog, CaseChangeDialog | RecordOutcomeDialog):
            # Refused over a colleague's change: the screen behind shows it at once.
            dialog.overtaken.connect(lambda _header: self.refresh(reopened=True))
        dialog.open()

    def _after_change(self) -> None:
        self.refresh(reopened=True)
        self.changed.emit()

    def edit_person(self) -> PersonDialog | None:
        """Open the form that corrects the person, on their details as now saved."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: corrections.person_sheet(session, self.actor, self.referral_id),
            action="Edit person",
        )
        if outcome.value is None:
            return None
        dialog = PersonDialog(self.workspace, outcome.value, self)
        self._open_correction(dialog)
        return dialog

    def edit_referral(self, focus: str | None = None) -> ReferralDialog | None:
        """Open the form that corrects the referral; ``focus`` is the field to start in (the GP
        panel asks for the consent to share with the GP)."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: corrections.referral_sheet(session, self.actor, self.referral_id),
            action="Edit referral",
        )
        if outcome.value is None:
            return None
        dialog = ReferralDialog(self.workspace, outcome.value, self.header().person_name, self)
        if focus is not None:
            dialog.focus_on(focus)
        self._open_correction(dialog)
        return dialog

    def _open_correction(self, dialog: PersonDialog | ReferralDialog) -> None:
        """Saved, the record is read again; refused over a colleague's change, the screen behind
        shows theirs at once."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_change)
        dialog.overtaken.connect(lambda: self.refresh(reopened=True))
        dialog.open()

    def add_contact(self) -> None:
        self.open_form(AddContactDialog(self.workspace, self.header(), self))

    def change_status(self, target: CaseStatus | None = None) -> None:
        dialog = MoveStatusDialog(self.workspace, self.header(), target, self)
        self.open_form(dialog, reread_on_cancel=True)

    def assign_worker(self) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: network.assign_choices(session, self.actor),
            action="Assign link worker",
        )
        if outcome.value is not None:
            dialog = AssignWorkerDialog(self.workspace, self.header(), outcome.value, self)
            self.open_form(dialog, reread_on_cancel=True)

    def record_measure(self, instrument: Instrument) -> None:
        assert self.record is not None
        has_baseline = any(
            measure.instrument is instrument and measure.stage is MeasureStage.BASELINE
            for measure in self.record.measures
        )
        self.open_form(RecordMeasureDialog(self.workspace, self.header(), instrument, has_baseline, self))

    def add_note(self) -> None:
        self.open_form(AddNoteDialog(self.workspace, self.header(), self))

    def review_plan(self) -> None:
        self.open_form(PlanReviewDialog(self.workspace, self.header(), self))

    def record_outcome(self, connection: ConnectionRecord) -> None:
        dialog = RecordOutcomeDialog(self.workspace, connection, self.header().person_name, self)
        self.open_form(dialog, reread_on_cancel=True)

    def schedule_follow_up(self) -> ScheduleFollowUpDialog | None:
        """Open the form that books a follow-up, owned by the user unless they choose a colleague."""
        header = self.header()
        dialog = schedule_dialog(self, self.workspace, header.referral_id, header.person_name)
        if dialog is None:
            return None
        self.open_form(dialog)
        return dialog

    def complete_follow_up(self, follow_up: FollowUpRecord) -> None:
        self.open_form(CompleteFollowUpDialog(self.workspace, follow_up, self), reread_on_cancel=True)

    def reschedule_follow_up(self, follow_up: FollowUpRecord) -> None:
        dialog = RescheduleFollowUpDialog(self.workspace, follow_up, self)
        self.open_form(dialog, reread_on_cancel=True)

    def cancel_follow_up(self, follow_up: FollowUpRecord) -> None:
        self.open_form(CancelFollowUpDialog(self.workspace, follow_up, self), reread_on_cancel=True)
