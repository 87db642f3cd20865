"""The case record's Connections tab: the services the person has been referred or signposted
to, how each went, the way to find more; the dialog that records a referral or signposting
(from the match screen) and the one that records an outcome.

A referral or signposting says how it was made (email, phone, in person...: nothing is assumed)
and may carry a note (who the link worker spoke to, what was agreed); "another way" needs the
note to say how. The list shows the method beside who made each connection, and under it the
chosen connection whole: when and how it was made, its note, its outcome and feedback.

"Find services…" asks for the match view (the window answers ``match_requested``); an outcome
is recorded over the version of the connection the user saw, so one recorded by someone else
in the meantime is refused, not overwritten: the form says who recorded what and when, keeps
the user's entry, and saving again records it over theirs. The outcome's day is typed as on
the referral form; one in the future or before the connection is refused with the rule's
message and stays as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from linkworker.domain.case_entries import parse_text
from linkworker.domain.connection_methods import ConnectionMethod, parse_method, parse_note
from linkworker.domain.connections import check_outcome, outcomes_after
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.matching import Match
from linkworker.services.cases import connections
from linkworker.services.cases.case_record import CaseRecord, ConnectionRecord
from linkworker.services.cases.casework import CaseChanged
from linkworker.services.cases.connections import ConnectionChanged
from linkworker.services.cases.matching import MatchStart
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.cases.case_columns import CONNECTION_COLUMNS, connection_how, day, wrapping
from linkworker.ui.cases.case_dialogs import day_edit, text_box
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.display import words
from linkworker.ui.widgets.models import RecordTableModel
from linkworker.ui.widgets.tables import record_table

# The verb of each route, and its past tense.
ROUTE_WORDS = {
    ConnectionStatus.REFERRED: ("Refer", "referred"),
    ConnectionStatus.SIGNPOSTED: ("Signpost", "signposted"),
}
NO_CHOICE = "Choose a connection to read its note and feedback."


def connection_story(connection: ConnectionRecord) -> str:
    """The connection whole, for the line under the list: how and when it was made, its note,
    and its outcome with who recorded it and the feedback."""
    said = [f"{connection_how(connection)} on {day(connection.made_on)}."]
    if connection.note:
        said.append(f"Note: {connection.note}")
    if connection.outcome is not None:
        by = f", recorded by {connection.by}" if connection.by else ""
        said.append(f"{words(connection.outcome.value)} on {day(connection.status_on)}{by}.")
    if connection.feedback:
        said.append(f"Feedback: {connection.feedback}")
    return " ".join(said)


class ConnectionsPanel(QWidget):
    """The person's connections, newest first. ``outcome_requested`` carries the connection
    chosen; ``match_requested`` the case's referral id."""

    match_requested = Signal(int)
    outcome_requested = Signal(object)

    def __init__(self, referral_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.referral_id = referral_id
        self.editable = False
        self.model: RecordTableModel[ConnectionRecord] = RecordTableModel(CONNECTION_COLUMNS, self)
        self.table = wrapping(
            record_table(
                self.model,
                "Connections",
                "Services the person has been referred or signposted to, and how each went",
                stretch=len(CONNECTION_COLUMNS) - 1,
            )
        )
        self.table.selectionModel().selectionChanged.connect(self._offer_outcome)
        self.table.doubleClicked.connect(self._chose_row)
        self.details = QLabel(NO_CHOICE)
        self.details.setObjectName("fieldHint")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = QLabel()
        self.empty.setObjectName("fieldHint")
        self.empty.setWordWrap(True)

        self.find_button = QPushButton("&Find services…")
        self.find_button.setToolTip("Find services that fit the person, to refer or signpost them")
        self.find_button.setAccessibleDescription(self.find_button.toolTip())
        self.find_button.clicked.connect(lambda: self.match_requested.emit(self.referral_id))
        self.outcome_button = QPushButton("Record o&utcome…")
        self.outcome_button.setToolTip(
            "Record whether the person went, did not go or declined, with feedback"
        )
        self.outcome_button.setAccessibleDescription(self.outcome_button.toolTip())
        self.outcome_button.clicked.connect(self.request_outcome)
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.outcome_button)
        buttons.addStretch()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

    def show_record(self, record: CaseRecord, editable: bool) -> None:
        """Show the connections as saved, keeping the row the user had chosen."""
        chosen = self.selected()
        self.editable = editable
        self.model.set_records(record.connections)
        is_open = record.header.status.is_open
        self.find_button.setVisible(editable)
        self.find_button.setEnabled(is_open)
        self.outcome_button.setVisible(editable)
        if record.connections:
            self.empty.hide()
        else:
            self.empty.setText(
                "No connections yet. Use Find services… to look for groups and advice that fit, "
                "then refer or signpost the person."
                if editable and is_open
                else "No connections were made."
            )
            self.empty.show()
        rows = [row.id for row in record.connections]
        if chosen is not None and chosen.id in rows:
            self.table.selectRow(rows.index(chosen.id))
        self._offer_outcome()

    def selected(self) -> ConnectionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _offer_outcome(self) -> None:
        """Offer an outcome for the chosen connection where one may follow, and show it whole."""
        chosen = self.selected()
        self.outcome_button.setEnabled(chosen is not None and bool(outcomes_after(chosen.status)))
        self.details.setText(NO_CHOICE if chosen is None else connection_story(chosen))
        self.details.setVisible(bool(self.model.rowCount()))

    def _chose_row(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.request_outcome()

    def request_outcome(self) -> None:
        chosen = self.selected()
        if self.editable and chosen is not None and outcomes_after(chosen.status):
            self.outcome_requested.emit(chosen)


class ConnectDialog(FormDialog[ConnectionRecord]):
    """Record that the person was referred or signposted to the chosen service: on which day, how
    (nothing assumed), and a note."""

    def __init__(
        self,
        workspace: Workspace,
        start: MatchStart,
        chosen: Match,
        route: ConnectionStatus,
        parent: QWidget | None = None,
    ) -> None:
        verb, done = ROUTE_WORDS[route]
        super().__init__(
            workspace,
            f"{verb} to {chosen.name}",
            f"&{verb}",
            f"Record that {start.person_name} was {done} to {chosen.name} "
            f"({chosen.organisation}). How it went is recorded later, on the case's connections.",
            parent,
        )
        self.actor = workspace.actor
        self.referral_id = start.referral_id
        self.service_id = chosen.service_id
        self.route = route
        self.made_on = day_edit(start.received_on)
        self.method = QComboBox()
        for method in ConnectionMethod:
            self.method.addItem(method.label, method)
        self.method.setPlaceholderText(f"Choose how you {done} them")
        self.method.setCurrentIndex(-1)
        self.note = text_box(3)
        self.form.add("&On:", self.made_on, "made_on")
        self.form.add("&How:", self.method, "method")
        self.form.add(
            "&Note:",
            self.note,
            "note",
            hint="Who you spoke to and what was agreed; needed when it was another way.",
        )
        self.made_on.setFocus()

    def chosen_method(self) -> ConnectionMethod | None:
        value = self.method.currentData()
        return None if value is None else ConnectionMethod(value)

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: self.made_on.value(),
            lambda: parse_method(self.chosen_method()),
            lambda: parse_note(self.chosen_method(), self.note.toPlainText()),
        )

    def work(self, session: Unit) -> ConnectionRecord:
        return connections.make_connection(
            session,
            self.actor,
            self.referral_id,
            self.service_id,
            self.route,
            self.made_on.value(),
            method=self.chosen_method(),
            note=self.note.toPlainText(),
        )


class RecordOutcomeDialog(FormDialog[ConnectionRecord]):
    """How a connection went: attended, did not attend or declined, on which day, and feedback.
    Only the outcomes that may follow the connection's current one are offered.

    Refused because someone else changed the connection since, it stays open with the user's
    entry and a banner saying who recorded what and when; the form moves onto the connection
    as it now stands, so the next save records the user's entry over theirs (Cancel leaves
    theirs). ``overtaken`` carries that connection, for the screen behind to show it at once.
    """

    overtaken = Signal(object)  # ConnectionRecord

    def __init__(
        self,
        workspace: Workspace,
        connection: ConnectionRecord,
        person_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(workspace, "Record outcome", "&Record outcome", "", parent)
        self.actor = workspace.actor
        self.connection = connection
        self.person_name = person_name
        self.status = QComboBox()
        self.on = DateField(date.today())
        self._over_connection()
        if self.status.count() > 1:
            self.status.setCurrentIndex(-1)
        self.feedback = text_box()
        self.feedback.setPlainText(connection.feedback or "")
        self.form.add("&Outcome:", self.status, "status")
        self.form.add("&On:", self.on, "on", hint="The day they went, missed it or said no.")
        self.form.add("&Feedback:", self.feedback, "feedback", hint="What the person or the service said.")
        self.status.setFocus()

    def _over_connection(self) -> None:
        """Say where ``self.connection`` stands and offer the outcomes that may follow it, from
        the day it allows; the choice and day already entered stay where they still fit, and a
        day now before the one it allows moves to that day (``_catch_up`` says so)."""
        connection = self.connection
        how = connection_how(connection)  # "Referred by Wren Worker": a name keeps its capitals
        made = f"{how[:1].lower()}{how[1:]} on {day(connection.made_on)}"
        now = (
            f" Recorded so far: {words(connection.status.value).lower()} on {day(connection.status_on)}."
            if connection.outcome
            else ""
        )
        self.introduction.setText(
            f"How {self.person_name}'s connection to {connection.service_name} "
            f"({connection.organisation_name}) went. They were {made}.{now}"
        )
        chosen = self.chosen()
        self.status.clear()
        for status in outcomes_after(connection.status):
            self.status.addItem(words(status.value), status)
        self.status.setPlaceholderText("Choose how it went" if self.status.count() > 1 else "")
        self.status.setCurrentIndex(self.status.findData(chosen) if chosen is not None else 0)
        earliest = connection.status_on if connection.outcome else connection.made_on
        self.on.set_calendar_range(earliest, date.today())
        typed = self.on.typed_day()
        if typed is not None and typed < earliest:
            self.on.set_value(earliest)

    def chosen(self) -> ConnectionStatus | None:
        value = self.status.currentData()
        return None if value is None else ConnectionStatus(value)

    def outcome_day(self) -> date:
        """The day typed; a ``ValidationError`` for ``on`` when it is not a date."""
        return self.on.value()

    def checks(self) -> Sequence[Callable[[], object]]:
        connection = self.connection
        return (
            lambda: check_outcome(
                connection.status,
                self.chosen(),
                self.outcome_day(),
                connection.made_on,
                connection.status_on,
                date.today(),
            ),
            lambda: parse_text(self.feedback.toPlainText(), "feedback", "feedback"),
        )

    def work(self, session: Unit) -> ConnectionRecord:
        connection = self.connection
        chosen = self.chosen()
        assert chosen is not None  # the checks refuse no choice
        return connections.record_outcome(
            session,
            self.actor,
            connection.id,
            connection.version,
            chosen,
            self.outcome_day(),
            self.feedback.toPlainText(),
        )

    def caught_up(self, refusal: CaseChanged) -> None:
        if not isinstance(refusal, ConnectionChanged):
            return
        self.connection = refusal.connection
        chosen, on = self.chosen(), self.outcome_day()
        self._over_connection()
        self.tell_changed_meanwhile(f"{refusal.summary}\n{self._catch_up(chosen, on)}")
        self.overtaken.emit(self.connection)

    def _catch_up(self, chosen: ConnectionStatus | None, on: date) -> str:
        """What a save will now do, with the form over the connection as it now stands."""
        now = words(self.connection.status.value).lower()
        if chosen is None or self.chosen() is None:
            yours = words(chosen.value) if chosen is not None else "Your choice"
            return f"{yours} cannot follow {now}: choose again, or cancel to leave theirs."
        moved = (
            f" Their outcome is dated {day(self.connection.status_on)}, so the day is now that day."
            if self.outcome_day() != on
            else ""
        )
        return (
            f"Your entry ({words(chosen.value).lower()}, with your feedback) is kept: save to record it "
            f"over theirs, or cancel to leave theirs.{moved}"
        )
