"""The forms of a follow-up: booking one (a day with quick picks, what, whose, a note), marking
it done, moving it to another day with the reason, and cancelling it with the reason.

The day is typed as on the referral form or picked from a calendar; a day in the past or over
a year ahead is refused with the rule's message and stays as typed, never moved to today.

Each saves through one service call and stays open, with the message beside the field, while the
service refuses; a change to a follow-up someone else changed meanwhile is refused with what they
did, and the dialog keeps what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from linkworker.domain.case_entries import parse_text
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.follow_ups import (
    FURTHEST_AHEAD,
    REASON_MAX,
    QuickPick,
    check_due_on,
    check_new_day,
    parse_reason,
    quick_pick,
)
from linkworker.services.cases import casework, follow_ups
from linkworker.services.cases.case_record import FollowUpRecord
from linkworker.services.cases.casework import WorkerOption
from linkworker.services.cases.follow_ups import NewFollowUp
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.cases.case_columns import day
from linkworker.ui.cases.case_dialogs import text_box
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.display import words
from linkworker.ui.widgets.errors import call_service

# Each quick pick's button text, with its own access key.
_PICK_TEXTS = {
    QuickPick.ONE_WEEK: "+1 &week",
    QuickPick.TWO_WEEKS: "+&2 weeks",
    QuickPick.ONE_MONTH: "+1 &month",
}


def kind_label(kind: FollowUpKind) -> str:
    return words(kind.value)


def follow_up_title(follow_up: FollowUpRecord) -> str:
    """ "follow-up (call, due 12 Jun 2025)": a follow-up named inside a sentence."""
    return f"follow-up ({kind_label(follow_up.kind).lower()}, due {day(follow_up.due_on)})"


class DayPicker:
    """A day typed or picked from the calendar (which offers today to a year ahead), its weekday
    beside it, and quick picks below (a week, two weeks, a month on, each moved to a working
    day). A day typed outside the bookable ones is left for the form's rule to refuse."""

    def __init__(self, initial: date) -> None:
        today = date.today()
        self.today = today
        self.edit = DateField(initial)
        self.edit.set_calendar_range(today, today + FURTHEST_AHEAD)
        # The weekday too: a follow-up is a day's work.
        self.weekday = QLabel()
        self.weekday.setObjectName("fieldHint")
        self.edit.textChanged.connect(self._show_weekday)
        self._show_weekday()
        self.picks: dict[QuickPick, QPushButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for pick in QuickPick:
            button = QPushButton(_PICK_TEXTS[pick])
            button.setAutoDefault(False)
            target = quick_pick(today, pick)
            description = f"Due {target:%A} {day(target)}"
            button.setToolTip(description)
            button.setAccessibleName(f"{pick.label} from today")
            button.setAccessibleDescription(description)
            button.clicked.connect(lambda _checked=False, d=target: self.edit.set_value(d))
            self.picks[pick] = button
            row.addWidget(button)
        row.addStretch()
        self.row = QWidget()
        self.row.setLayout(row)

    def value(self) -> date:
        """The day typed; a ``ValidationError`` for ``due_on`` when it is not a date."""
        return self.edit.value()

    def _show_weekday(self) -> None:
        typed = self.edit.typed_day()
        self.weekday.setText(f"{typed:%A}" if typed else "")


def reason_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(REASON_MAX)
    return edit


def schedule_dialog(
    parent: QWidget,
    workspace: Workspace,
    referral_id: int,
    person_name: str,
    offered: NewFollowUp | None = None,
    intro: str | None = None,
) -> ScheduleFollowUpDialog | None:
    """The booking form, with the PCN's link workers to choose the owner from; None when they
    could not be read (the user has been told why)."""
    outcome = call_service(
        parent,
        workspace,
        lambda session: casework.case_workers(session, workspace.actor),
        action="Schedule follow-up",
    )
    if outcome.value is None:
        return None
    workers = outcome.value
    return ScheduleFollowUpDialog(workspace, referral_id, person_name, workers, offered, intro, parent)


class ScheduleFollowUpDialog(FormDialog[FollowUpRecord]):
    """Book a follow-up. ``offered`` fills it in (the attendance check after a connection),
    and the cancel button then says Skip: the user accepts it, changes it or skips it."""

    def __init__(
        self,
        workspace: Workspace,
        referral_id: int,
        person_name: str,
        workers: Sequence[WorkerOption],
        offered: NewFollowUp | None = None,
        intro: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            workspace,
            "Schedule follow-up",
            "&Schedule",
            intro or f"Book the next step with {person_name}. It shows on the owner's Today screen when due.",
            parent,
        )
        self.actor = workspace.actor
        self.referral_id = referral_id
        start = offered or NewFollowUp(
            quick_pick(date.today(), QuickPick.ONE_WEEK), FollowUpKind.CALL, workspace.actor.user_id
        )
        self.day = DayPicker(start.due_on)
        self.kind = QComboBox()
        for kind in FollowUpKind:
            self.kind.addItem(kind_label(kind), kind)
        self.kind.setCurrentIndex(self.kind.findData(start.kind))
        self.owner = QComboBox()
        for option in workers:
            self.owner.addItem(option.full_name, option.id)
        self.owner.setCurrentIndex(max(0, self.owner.findData(start.owner_id)))
        self.note = text_box(3)
        self.note.setPlainText(start.note)
        self.form.add("&Due on:", self.day.edit, "due_on", beside=self.day.weekday)
        self.form_layout.addRow(QLabel("Or pick:"), self.day.row)
        self.form.add("&Kind:", self.kind, "kind")
        self.form.add("&Owner:", self.owner, "owner", hint="Whose Today screen it shows on.")
        self.form.add("&Note:", self.note, "note")
        if offered is not None:
            self.cancel_button.setText("S&kip")
        self.day.edit.setFocus()

    def entry(self) -> NewFollowUp:
        return NewFollowUp(
            self.day.value(),
            FollowUpKind(self.kind.currentData()),
            self.owner.currentData(),
            self.note.toPlainText(),
        )

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: check_due_on(self.day.value(), date.today()),
            lambda: parse_text(self.note.toPlainText(), "note", "note"),
        )

    def work(self, session: Unit) -> FollowUpRecord:
        return follow_ups.schedule(session, self.actor, self.referral_id, self.entry())


class CompleteFollowUpDialog(FormDialog[FollowUpRecord]):
    def __init__(
        self, workspace: Workspace, follow_up: FollowUpRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            workspace,
            "Mark follow-up done",
            "Mark &done",
            f"Mark the {follow_up_title(follow_up)} as done, today, by you. Record what was said "
            "as a contact or a note.",
            parent,
        )
        self.actor = workspace.actor
        self.follow_up = follow_up
        self.save_button.setFocus()

    def work(self, session: Unit) -> FollowUpRecord:
        return follow_ups.complete(session, self.actor, self.follow_up.id, self.follow_up.version)


class RescheduleFollowUpDialog(FormDialog[FollowUpRecord]):
    def __init__(
        self, workspace: Workspace, follow_up: FollowUpRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            workspace,
            "Reschedule follow-up",
            "&Reschedule",
            f"Move the {follow_up_title(follow_up)} to another day. The day it had and why it "
            "moved stay on the case's timeline.",
            parent,
        )
        self.actor = workspace.actor
        self.follow_up = follow_up
        self.day = DayPicker(max(follow_up.due_on, date.today()))
        self.reason = reason_edit()
        self.form.add("&New day:", self.day.edit, "due_on", beside=self.day.weekday)
        self.form_layout.addRow(QLabel("Or pick:"), self.day.row)
        self.form.add("Re&ason:", self.reason, "reason")
        self.day.edit.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: check_new_day(self.day.value(), self.follow_up.due_on, date.today()),
            lambda: parse_reason(self.reason.text()),
        )

    def work(self, session: Unit) -> FollowUpRecord:
        return follow_ups.reschedule(
            session,
            self.actor,
            self.follow_up.id,
            self.follow_up.version,
            self.day.value(),
            self.reason.text(),
        )


class CancelFollowUpDialog(FormDialog[FollowUpRecord]):
    def __init__(
        self, workspace: Workspace, follow_up: FollowUpRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            workspace,
            "Cancel follow-up",
            "Cancel &follow-up",
            f"Cancel the {follow_up_title(follow_up)}. It stays on the case's timeline, with the reason.",
            parent,
        )
        self.actor = workspace.actor
        self.follow_up = follow_up
        self.cancel_button.setText("&Keep it")
        self.reason = reason_edit()
        self.form.add("Re&ason:", self.reason, "reason")
        self.reason.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (lambda: parse_reason(self.reason.text()),)

    def work(self, session: Unit) -> FollowUpRecord:
        return follow_ups.cancel(
            session, self.actor, self.follow_up.id, self.follow_up.version, self.reason.text()
        )
