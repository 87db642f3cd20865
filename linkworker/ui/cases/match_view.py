"""Finding services for a person, from their case: criteria on the left, ranked matches on the right.

The criteria start from the person's record (their needs, age, language and access needs) and
the first search runs as the screen opens. Each match says why in one line. From a match the
link worker records that the person was referred or signposted, on a day they choose; a check
that the person went is then offered as a follow-up (two weeks on, theirs), to book as it is,
change or skip. Searches
run in the background (``ui.jobs``), so the window keeps painting on an ICB's directory.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.access import AccessNeed
from linkworker.domain.connections import ROUTES
from linkworker.domain.directory import ConnectionStatus, CostKind
from linkworker.domain.errors import FormErrors
from linkworker.domain.matching import OLDEST_AGE, Match, MatchCriteria, check_criteria
from linkworker.domain.roles import Permission
from linkworker.domain.schedule import TimeSlot
from linkworker.services.cases import follow_ups, matching
from linkworker.services.cases.case_record import ConnectionRecord, FollowUpRecord
from linkworker.services.cases.matching import MatchStart
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.connections_panel import ROUTE_WORDS, ConnectDialog
from linkworker.ui.cases.follow_up_dialogs import ScheduleFollowUpDialog, schedule_dialog
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields
from linkworker.ui.widgets.jobs import Job, run_job
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table, wrap_column
from linkworker.wording import counted

ACTION_FIND = "Find services"
CRITERIA_WIDTH = 380
NO_AGE = -1
DISTANCES: tuple[tuple[str, float | None], ...] = (
    ("Any distance", None),
    ("Within 1 km", 1.0),
    ("Within 2 km", 2.0),
    ("Within 3 km", 3.0),
    ("Within 5 km", 5.0),
    ("Within 10 km", 10.0),
    ("Within 20 km", 20.0),
    ("Within 50 km", 50.0),
)
COSTS: tuple[tuple[str, CostKind | None], ...] = (
    ("Any cost", None),
    ("Free only", CostKind.FREE),
    ("Free or low cost", CostKind.LOW_COST),
)

# The reason is what the link worker reads: it takes the width left and wraps, never cut short.
MATCH_COLUMNS: list[Column[Match]] = [
    Column("Service", lambda match: f"{match.name}\n{match.organisation}"),
    Column("Why it matches", lambda match: match.reason),
]
REASON_COLUMN = 1
CHOOSE_HINT = "Choose a service in the list, then Refer or Signpost."
CLOSED_HINT = "This case has ended, so no referral or signposting can be recorded on it."


def summary_text(found: list[Match]) -> str:
    if not found:
        return "No service matches. Try a longer distance, more times of the week or fewer limits."
    if len(found) >= matching.MAX_MATCHES:
        return f"The best {len(found)} matches are shown, best first. Narrow the criteria to see others."
    return f"{counted(len(found), 'service')} match, best first."


class MatchView(QWidget):
    """Ranked services for one case; ``connected`` gives the case's id after a connection is made,
    and again after the attendance check offered then is booked, so the case shows both."""

    connected = Signal(int)

    def __init__(self, workspace: Workspace, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.referral_id = referral_id
        self.start: MatchStart | None = None
        self.job: Job[Any] | None = None
        self.may_connect = workspace.actor.may(Permission.EDIT_CASES)

        self.heading = QLabel("Find services")
        self.heading.setObjectName("heading")
        self.home = QLabel()
        self.home.setObjectName("fieldHint")
        self.home.setWordWrap(True)

        # The criteria.
        self.needs = QListWidget()
        self.needs.setAccessibleName("Needs")
        self.needs.setMinimumHeight(160)
        self.distance = QComboBox()
        for text, km in DISTANCES:
            self.distance.addItem(text, km)
        self.times = {slot: QCheckBox(slot.label) for slot in TimeSlot}
        times_row = QHBoxLayout()
        times_row.setContentsMargins(0, 0, 0, 0)
        for box in self.times.values():
            times_row.addWidget(box)
        times_row.addStretch()
        times = QWidget()
        times.setLayout(times_row)
        self.cost = QComboBox()
        for text, kind in COSTS:
            self.cost.addItem(text, kind)
        self.access = {need: QCheckBox(need.label[:1].upper() + need.label[1:]) for need in AccessNeed}
        access_grid = QGridLayout()
        access_grid.setContentsMargins(0, 0, 0, 0)
        for index, box in enumerate(self.access.values()):
            access_grid.addWidget(box, index // 2, index % 2)
        access = QWidget()
        access.setLayout(access_grid)
        self.language = QLineEdit()
        self.age = QSpinBox()
        self.age.setRange(NO_AGE, OLDEST_AGE)
        self.age.setSpecialValueText("Any age")
        self.find_button = QPushButton("&Find services")
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self.find_services)

        form_layout = QFormLayout()
        self.form = FormFields(form_layout)
        self.form.add("&Needs:", self.needs, "needs", hint="Services meeting more of them rank higher.")
        self.form.add("&Distance:", self.distance, "max_distance_km", hint="In a straight line from home.")
        self.form.add("&Times:", times, "times", hint="None ticked: any time of the week.")
        self.form.add("&Cost:", self.cost, "max_cost")
        self.form.add("&Access:", access, "access_needs", hint="The venue must have each one ticked.")
        self.form.add("&Language:", self.language, "language", hint="Services offering it rank higher.")
        self.form.add("A&ge:", self.age, "age")
        criteria = QWidget()
        criteria_layout = QVBoxLayout(criteria)
        criteria_layout.setContentsMargins(0, 0, 8, 0)
        criteria_layout.addLayout(form_layout)
        criteria_layout.addWidget(self.find_button)
        criteria_layout.addStretch()
        scroller = QScrollArea()
        scroller.setWidget(criteria)
        scroller.setWidgetResizable(True)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stops at the controls, not their frame
        # Wide enough for every control as the style sheet draws it, with room for the scroll bar.
        criteria.ensurePolished()
        needed = (
            criteria.minimumSizeHint().width()
            + scroller.verticalScrollBar().sizeHint().width()
            + 2 * scroller.frameWidth()
        )
        scroller.setFixedWidth(max(CRITERIA_WIDTH, needed))
        self.criteria_panel = scroller

        # The matches.
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model: RecordTableModel[Match] = RecordTableModel(MATCH_COLUMNS, self)
        self.table = record_table(
            self.model, "Matching services", "Services for the person, best first", stretch=REASON_COLUMN
        )
        wrap_column(self.table, REASON_COLUMN)
        self.table.selectionModel().selectionChanged.connect(self._enable_buttons)
        self.refer_button = QPushButton("&Refer…")
        self.refer_button.setToolTip("Record that you referred the person to the chosen service")
        self.signpost_button = QPushButton("Si&gnpost…")
        self.signpost_button.setToolTip("Record that you signposted the person to the chosen service")
        self.refer_button.clicked.connect(lambda: self.connect_to(ConnectionStatus.REFERRED))
        self.signpost_button.clicked.connect(lambda: self.connect_to(ConnectionStatus.SIGNPOSTED))
        self.done = QLabel()
        self.done.setWordWrap(True)
        self.next_step = QLabel()
        self.next_step.setObjectName("fieldHint")
        self.next_step.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.refer_button, self.signpost_button):
            button.setVisible(self.may_connect)
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addWidget(self.next_step, 1)
        buttons.addWidget(self.done, 1)
        self.done.hide()
        results = QVBoxLayout()
        results.addWidget(self.summary)
        results.addWidget(self.table, 1)
        results.addLayout(buttons)

        body = QHBoxLayout()
        body.addWidget(scroller)
        body.addLayout(results, 1)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.heading)
        page_layout.addWidget(self.home)
        page_layout.addLayout(body, 1)
        self.unavailable = QLabel()
        self.unavailable.setObjectName("emptyNotice")
        self.unavailable.setWordWrap(True)
        self.unavailable.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._pages = QStackedLayout(self)
        self._pages.addWidget(page)
        self._pages.addWidget(self.unavailable)

        self._open()

    def _open(self) -> None:
        outcome = call_service(
            self,
            self.workspace,
            lambda session: matching.start(session, self.actor, self.referral_id),
            action=ACTION_FIND,
        )
        if outcome.value is None:
            self.unavailable.setText(f"Services cannot be matched for this case. {outcome.refusal}")
            self._pages.setCurrentWidget(self.unavailable)
            return
        self.start = outcome.value
        self.heading.setText(f"Find services for {self.start.person_name} ({self.start.case_number})")
        self.setAccessibleName(self.heading.text())
        self.home.setText(self.start.home_text)
        self.show_criteria(self.start)
        self.find_services()

    def show_criteria(self, start: MatchStart) -> None:
        """Fill the controls from the criteria the person's record suggests."""
        chosen = start.criteria
        self.needs.clear()
        for need in start.needs:
            item = QListWidgetItem(need.label)
            item.setData(Qt.ItemDataRole.UserRole, need.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if need.code in chosen.needs else Qt.CheckState.Unchecked
            )
            self.needs.addItem(item)
        self.distance.setCurrentIndex(self.distance.findData(chosen.max_distance_km))
        for slot, box in self.times.items():
            box.setChecked(slot in chosen.times)
        self.cost.setCurrentIndex(self.cost.findData(chosen.max_cost))
        for access_need, box in self.access.items():
            box.setChecked(access_need in chosen.access_needs)
        self.language.setText(chosen.language or "")
        self.age.setValue(NO_AGE if chosen.age is None else chosen.age)

    def criteria(self) -> MatchCriteria:
        """The criteria as the controls stand."""
        needs = frozenset(
            str(self.needs.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.needs.count())
            if self.needs.item(row).checkState() == Qt.CheckState.Checked
        )
        language = self.language.text().strip()
        return MatchCriteria(
            needs=needs,
            max_distance_km=self.distance.currentData(),
            times=frozenset(slot for slot, box in self.times.items() if box.isChecked()),
            max_cost=self.cost.currentData(),
            access_needs=frozenset(need for need, box in self.access.items() if box.isChecked()),
            language=language or None,
            age=None if self.age.value() == NO_AGE else self.age.value(),
        )

    def find_services(self) -> None:  # not ``find``: QWidget.find is Qt's own
        """Search again with the criteria shown; problems with them show beside their fields."""
        self.form.clear_messages()
        try:
            wanted = check_criteria(self.criteria())
        except FormErrors as errors:
            for error in errors.errors:
                self.form.show_message(error.field, error.message)
            return
        self.find_button.setEnabled(False)
        self.summary.setText("Searching the directory…")
        known = self.start.history if self.start is not None else None
        self.job = run_job(
            self,
            self.workspace,
            lambda session, _control: matching.match(
                session, self.actor, self.referral_id, wanted, known=known
            ),
            action=ACTION_FIND,
            read_only=True,
        )
        # Methods, not lambdas: Qt drops these connections if the screen is closed mid-search.
        self.job.succeeded.connect(self._show_matches)
        self.job.refused.connect(self.summary.setText)
        self.job.finished.connect(self._search_ended)

    @Slot(object)
    def _show_matches(self, found: list[Match]) -> None:
        self.model.set_records(found)
        self.summary.setText(summary_text(found))
        self._enable_buttons()

    @Slot()
    def _search_ended(self) -> None:
        self.find_button.setEnabled(True)

    def chosen(self) -> Match | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _enable_buttons(self) -> None:
        """The buttons work once a service is chosen in an open case; the hint says what is missing."""
        case_open = self.start is not None and self.start.case_open
        usable = case_open and self.chosen() is not None
        for button in (self.refer_button, self.signpost_button):
            button.setEnabled(usable)
        if not self.may_connect or self.model.rowCount() == 0 or usable:
            self.next_step.setText("")
        else:
            self.next_step.setText(CHOOSE_HINT if case_open else CLOSED_HINT)

    def connect_to(self, route: ConnectionStatus) -> ConnectDialog | None:
        """Open the dialog that records a referral or signposting to the chosen service."""
        chosen = self.chosen()
        if chosen is None or self.start is None or route not in ROUTES:
            return None
        dialog = ConnectDialog(self.workspace, self.start, chosen, route, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._connected(dialog.saved, route, chosen))
        dialog.open()
        return dialog

    def _connected(self, record: ConnectionRecord | None, route: ConnectionStatus, chosen: Match) -> None:
        if record is None:
            return
        done = ROUTE_WORDS[route][1]
        self.done.setText(f"{done[:1].upper()}{done[1:]} to {chosen.name} on {record.made_on:%d/%m/%Y}.")
        self.done.show()
        self.connected.emit(self.referral_id)
        self.offer_follow_up(record, chosen)

    def offer_follow_up(self, record: ConnectionRecord, chosen: Match) -> ScheduleFollowUpDialog | None:
        """Offer a follow-up to check the person went: filled in, to book, change or skip."""
        start = self.start
        assert start is not None
        dialog = schedule_dialog(
            self,
            self.workspace,
            self.referral_id,
            start.person_name,
            follow_ups.attendance_check(self.actor, record.made_on, chosen.name),
            intro=f"Book a check that {start.person_name} went to {chosen.name}? Change the day, "
            "owner or note if you like, or skip it.",
        )
        if dialog is None:
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._follow_up_booked(dialog.saved))
        dialog.open()
        return dialog

    def _follow_up_booked(self, booked: FollowUpRecord | None) -> None:
        if booked is None:
            return
        self.done.setText(f"{self.done.text()} Attendance check booked for {booked.due_on:%d/%m/%Y}.")
        self.connected.emit(self.referral_id)
