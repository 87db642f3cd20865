"""The forms of the case record: a contact, a status move or closing, the link worker, a measure,
a note and a review of the support plan. Each saves through one service call and stays open,
with the message beside the field, while the service refuses.

Days are typed as on the referral form (``DateField``) and measure answers as numbers
(``AnswerField``): what is typed stays as typed, and a day outside the episode or an answer
outside its scale is refused with a message naming the limits, never moved into them.

A status move and an assignment are made over the version of the case the user saw. If someone
else changed the case meanwhile, the save is refused with who did what and when, and the form
stays open with the user's choice, now over the case as it stands: saving again applies it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from functools import partial

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QSpinBox, QWidget

from linkworker.domain import measures
from linkworker.domain.case_entries import (
    CONTACT_MINUTES_MAX,
    check_day,
    check_duration,
    check_moment,
    parse_text,
)
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, ClosingReason, ending_status, next_statuses
from linkworker.domain.service_entry import parse_time
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import (
    CaseHeader,
    ContactRecord,
    MeasureRecord,
    NoteRecord,
    ReviewRecord,
)
from linkworker.services.cases.casework import CaseChanged, ContactEntry, MeasureEntry
from linkworker.services.network.network import AssignChoice
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.dialogs import FormDialog
from linkworker.ui.widgets.display import status_label, words
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table


def text_box(lines: int = 4) -> QPlainTextEdit:
    """Free text that Tab leaves, as every other field does."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 16)
    return edit


def day_edit(received_on: date) -> DateField:
    """A day of the episode, today unless retyped; the calendar offers the days from the one the
    referral came in to today, and the form's rule refuses any other typed."""
    edit = DateField(date.today())
    edit.set_calendar_range(received_on, date.today())
    return edit


def time_edit(moment: datetime) -> QLineEdit:
    """A time of day typed as hours and minutes (14:30), starting at ``moment``'s."""
    edit = QLineEdit(f"{moment:%H:%M}")
    edit.setPlaceholderText("hh:mm")
    edit.setToolTip("Hours and minutes, like 14:30.")
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00:00") + 40)
    return edit


class AddContactDialog(FormDialog[ContactRecord]):
    def __init__(self, workspace: Workspace, header: CaseHeader, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "Add contact",
            "&Add contact",
            f"A contact with {header.person_name}, or a try at one. Minutes are needed for a conversation "
            "(phone, face to face, home visit, video).",
            parent,
        )
        self.actor = workspace.actor
        self.referral_id = header.referral_id
        self.received_on = header.received_on
        self.kind = QComboBox()
        for kind in ContactKind:
            self.kind.addItem(words(kind.value), kind)
        self.contact_day = day_edit(header.received_on)
        self.contact_time = time_edit(datetime.now())
        self.minutes = QSpinBox()
        self.minutes.setRange(0, CONTACT_MINUTES_MAX)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" minutes")
        self.minutes.setSpecialValueText("None")
        self.notes = text_box()
        self.form.add("&Kind:", self.kind, "kind")
        self.form.add("&When:", self.contact_day, "occurred_at")
        self.form.add("T&ime:", self.contact_time, "occurred_time")
        self.form.add("&Duration:", self.minutes, "duration_minutes")
        self.form.add("&Notes:", self.notes, "notes")
        self.kind.setFocus()

    def current_kind(self) -> ContactKind:
        return ContactKind(self.kind.currentData())

    def time_of_day(self) -> time:
        """The time typed; a blank one is asked for, since a contact happened at a time."""
        typed = parse_time(self.contact_time.text(), "occurred_time", "time of the contact")
        if typed is None:
            raise ValidationError("occurred_time", "Enter the time of the contact, like 14:30.")
        return typed

    def moment(self) -> datetime:
        """The day and time typed, in this computer's time zone."""
        return datetime.combine(self.contact_day.value(), self.time_of_day()).astimezone()

    def entry(self) -> ContactEntry:
        return ContactEntry(
            self.current_kind(),
            self.moment(),
            self.minutes.value() or None,
            self.notes.toPlainText(),
        )

    def _check_moment(self) -> None:
        """Not in the future and not before the referral: beside the time when only the time
        is too late today, else beside the day. Left to their own rules while either is not
        typed right."""
        try:
            moment = self.moment()
        except ValidationError:
            return
        field = "occurred_time" if moment.date() == date.today() else "occurred_at"
        check_moment(moment, self.received_on, datetime.now().astimezone(), field, "contact")

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            self.contact_day.value,
            self.time_of_day,
            self._check_moment,
            lambda: check_duration(self.current_kind(), self.minutes.value() or None),
            lambda: parse_text(self.notes.toPlainText(), "notes", "notes"),
        )

    def work(self, session: Unit) -> ContactRecord:
        return casework.add_contact(session, self.actor, self.referral_id, self.entry())


# Reasons offered for each ending; declining and not being contactable are their own reason.
_REASONS = {
    status: [reason for reason in ClosingReason if ending_status(reason) is status]
    for status in (CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.NOT_CONTACTABLE)
}
# What a reason does beyond ending the case, said where it is chosen.
_MEANINGS = {
    ClosingReason.OPENED_IN_ERROR: (
        "Opened in error is for a case made by mistake, such as the same referral entered twice or "
        "a referral for the wrong person. The case stays on record and can still be read, but it is "
        "left out of every figure: the monthly summary, the Overview, the Network counts and how "
        "much a service is used. No code for the GP record is due from it."
    ),
}


class CaseChangeDialog(FormDialog[CaseHeader]):
    """A change made over the version of the case the user saw.

    Refused because someone else changed the case since, it stays open with the user's choice
    and a banner saying what they did; ``catch_up`` moves the form onto the case as it now
    stands, so the next save applies the user's choice over theirs (Cancel leaves theirs).
    ``overtaken`` carries that case, for the screen behind to show it at once.
    """

    overtaken = Signal(object)  # CaseHeader

    def __init__(
        self,
        workspace: Workspace,
        header: CaseHeader,
        texts: tuple[str, str, str],  # title, save button, introduction
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(workspace, *texts, parent)
        self.actor = workspace.actor
        self.header = header

    def change(self, session: Unit) -> CaseHeader:
        raise NotImplementedError

    def catch_up(self) -> str:
        """Put the form over ``self.header`` as it now stands, keeping the user's choice where
        the case still allows it; say what a save will now do."""
        raise NotImplementedError

    def work(self, session: Unit) -> CaseHeader:
        return self.change(session)

    def caught_up(self, refusal: CaseChanged) -> None:
        if refusal.header is None:
            return
        self.header = refusal.header
        ended = not self.header.status.is_open
        self.save_button.setEnabled(not ended)
        advice = "The case has ended, so there is nothing more to change here." if ended else self.catch_up()
        self.tell_changed_meanwhile(f"{refusal.summary}\n{advice}")
        self.overtaken.emit(self.header)


class MoveStatusDialog(CaseChangeDialog):
    """Moves the case on along its path, or ends it; closing asks why."""

    def __init__(
        self,
        workspace: Workspace,
        header: CaseHeader,
        target: CaseStatus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            workspace,
            header,
            (
                "Close case" if target is CaseStatus.CLOSED else "Change status",
                "&Save",
                _where_it_stands(header),
            ),
            parent,
        )
        self.status = QComboBox()
        self.status.setPlaceholderText("Choose the new status")
        self.reason = QComboBox()
        self.form.add("New &status:", self.status, "status")
        self.form.add("&Reason:", self.reason, "reason", hint="Asked when the case ends.")
        self.reason_meaning = QLabel()
        self.reason_meaning.setObjectName("fieldHint")
        self.reason_meaning.setWordWrap(True)
        self.reason_meaning.hide()
        self.form.add_note(self.reason_meaning)
        self.reason.currentIndexChanged.connect(self._explain_reason)
        self._offer_statuses()
        self.status.currentIndexChanged.connect(self._offer_reasons)
        self.status.setCurrentIndex(0 if target is None else self.status.findData(target))
        self._offer_reasons()
        self.status.setFocus()

    def _offer_statuses(self) -> None:
        self.status.clear()
        for status in next_statuses(self.header.status):
            self.status.addItem(status_label(status), status)

    def _offer_reasons(self) -> None:
        self.reason.clear()
        target = self.target()
        reasons = _REASONS.get(target, []) if target is not None else []
        for reason in reasons:
            self.reason.addItem(words(reason.value), reason)
            if reason in _MEANINGS:
                self.reason.setItemData(
                    self.reason.count() - 1, _MEANINGS[reason], Qt.ItemDataRole.ToolTipRole
                )
        self.reason.setEnabled(len(reasons) > 1)
        if len(reasons) > 1:
            self.reason.setPlaceholderText("Choose why the case is closing")
            self.reason.setCurrentIndex(-1)
        else:
            self.reason.setPlaceholderText("Only when the case ends")
            self.reason.setCurrentIndex(0 if reasons else -1)

    def _explain_reason(self) -> None:
        reason = self.chosen_reason()
        meaning = _MEANINGS.get(reason) if reason is not None else None
        self.reason_meaning.setText(meaning or "")
        if self.reason_meaning.isVisibleTo(self) != (meaning is not None):
            self.reason_meaning.setVisible(meaning is not None)
            self.adjustSize()  # room for the words, so nothing above them is squeezed

    def target(self) -> CaseStatus | None:
        chosen = self.status.currentData()
        return None if chosen is None else CaseStatus(chosen)

    def chosen_reason(self) -> ClosingReason | None:
        reason = self.reason.currentData()
        return None if reason is None else ClosingReason(reason)

    def checks(self) -> Sequence[Callable[[], object]]:
        return (lambda: _chosen(self.target(), "status", "Choose the new status."),)

    def catch_up(self) -> str:
        target, reason = self.target(), self.chosen_reason()
        self.introduction.setText(_where_it_stands(self.header))
        self._offer_statuses()  # the moves open from where the case is now
        self.status.setCurrentIndex(self.status.findData(target))  # none, if the choice is not one
        now = status_label(self.header.status).lower()
        if target is self.header.status:
            return "They made the same move as you: there is nothing more to save."
        if target is None or self.target() is None:
            chosen = status_label(target) if target else "Your choice"
            return f"{chosen} is not a move from {now}: choose again, or cancel."
        if reason is not None:
            self.reason.setCurrentIndex(self.reason.findData(reason))
        return (
            f"Your choice ({status_label(target).lower()}) is kept: save to apply it over their "
            "change, or cancel to leave theirs."
        )

    def change(self, session: Unit) -> CaseHeader:
        target = self.target()
        assert target is not None  # checks() asks for one first
        return casework.move_status(
            session, self.actor, self.header.referral_id, self.header.version, target, self.chosen_reason()
        )


def _where_it_stands(header: CaseHeader) -> str:
    return (
        f"{header.person_name}'s case is {status_label(header.status).lower()}. A case moves on "
        "through contacted, assessed and connected; it can end at any point."
    )


def _chosen(value: object, field: str, message: str) -> None:
    if value is None:
        raise ValidationError(field, message)


LOAD_ROWS_SHOWN = 8
LOAD_COLUMNS: list[Column[AssignChoice]] = [
    Column("Link worker", lambda choice: f"{choice.full_name} (you)" if choice.you else choice.full_name),
    Column("Open cases", lambda choice: f"{choice.open_cases:,}", True),
    Column("Overdue follow-ups", lambda choice: f"{choice.overdue:,}", True),
]


class AssignWorkerDialog(CaseChangeDialog):
    """The link worker to hold the case, chosen from those who take casework (``workers``, from
    ``network.assign_choices``), with what each holds now: a worker with room can be seen at once."""

    def __init__(
        self,
        workspace: Workspace,
        header: CaseHeader,
        workers: Sequence[AssignChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            workspace,
            header,
            (
                "Assign link worker",
                "&Assign",
                "The link worker who holds this case sees it under My cases.",
            ),
            parent,
        )
        self.worker = QComboBox()
        self.worker.addItem("No one (unassigned)", None)
        for option in workers:
            self.worker.addItem(option.full_name, option.id)
        holder = header.assigned_worker_id
        if holder is not None and self.worker.findData(holder) < 0:  # left, or no longer takes cases
            self.worker.addItem(f"{header.assigned_worker} (holds it now)", holder)
        self.worker.setCurrentIndex(max(0, self.worker.findData(holder)))
        self.loads: RecordTableModel[AssignChoice] = RecordTableModel(LOAD_COLUMNS, self)
        self.loads.set_records(workers)
        self.load_table = record_table(
            self.loads, "What each holds now", "Enter or double-click chooses the link worker", stretch=0
        )
        shown = min(len(workers), LOAD_ROWS_SHOWN)  # every worker of a PCN, unless it has very many
        self.load_table.setFixedHeight(
            self.load_table.horizontalHeader().sizeHint().height()
            + self.load_table.verticalHeader().defaultSectionSize() * shown
            + 2 * self.load_table.frameWidth()
        )
        self.load_table.activated.connect(self._choose_row)
        self.form.add("&Link worker:", self.worker, "worker")
        title = QLabel("What each &holds now:")
        title.setBuddy(self.load_table)
        self.form_layout.addRow(title)
        self.form_layout.addRow(self.load_table)
        self.worker.setFocus()

    def _choose_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.worker.setCurrentIndex(self.worker.findData(self.loads.record(index.row()).id))

    def catch_up(self) -> str:
        if self.worker.currentData() == self.header.assigned_worker_id:
            return "They chose the same link worker as you: there is nothing more to save."
        return (
            f"Your choice ({self.worker.currentText()}) is kept: save to apply it over their change, "
            "or cancel to leave theirs."
        )

    def change(self, session: Unit) -> CaseHeader:
        return casework.assign_worker(
            session, self.actor, self.header.referral_id, self.header.version, self.worker.currentData()
        )


class AnswerField(QLineEdit):
    """One answer to a measure, typed as a whole number, with what it means beside it.

    Every character typed stays: an answer outside the scale (11, 6, "seven") is refused by
    the measure's rule with a message naming the range, instead of losing digits as a number
    box does. ``meaning`` gives the words of an answer in range, or None."""

    def __init__(self, meaning: Callable[[int], str | None]) -> None:
        super().__init__()
        self._meaning = meaning
        self.meaning = QLabel()
        self.meaning.setObjectName("fieldHint")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._show_meaning)

    def sizeHint(self) -> QSize:
        """Room for a few digits: an answer is one or two."""
        return QSize(self.fontMetrics().horizontalAdvance("0000") + 24, super().sizeHint().height())

    def answer(self) -> int | str | None:
        """The answer typed: a whole number where it is one, else the text as typed (which the
        measure's rule refuses); None when nothing is typed."""
        typed = self.text().strip()
        if not typed:
            return None
        return int(typed) if typed.isascii() and typed.isdigit() else typed

    def _show_meaning(self) -> None:
        answer = self.answer()
        said = self._meaning(answer) if isinstance(answer, int) else None
        self.meaning.setText(said or "")


class RecordMeasureDialog(FormDialog[MeasureRecord]):
    """ONS4 (four answers, 0-10, each shown with its band) or SWEMWBS (seven statements, 1-5,
    with the raw and metric score). Nothing is filled in for the person: each answer is typed."""

    def __init__(
        self,
        workspace: Workspace,
        header: CaseHeader,
        instrument: Instrument,
        has_baseline: bool,
        parent: QWidget | None = None,
    ) -> None:
        name = measures.INSTRUMENT_NAMES[instrument]
        if instrument is Instrument.ONS4:
            intro = "Ask each question as written; the person answers from 0 (not at all) to 10 (completely)."
        else:
            scale = ", ".join(
                f"{value} {answer.lower()}"
                for value, answer in enumerate(measures.SWEMWBS_ANSWERS, start=measures.SWEMWBS_ITEM_MIN)
            )
            intro = (
                "Read each statement; the person says how often they have felt it over the last two "
                f"weeks. Type their answer: {scale}."
            )
        super().__init__(workspace, f"Record {name}", "&Record", intro, parent)
        self.actor = workspace.actor
        self.referral_id = header.referral_id
        self.received_on = header.received_on
        self.instrument = instrument
        self.stage = QComboBox()
        self.stage.addItem("Baseline", MeasureStage.BASELINE)
        self.stage.addItem("Follow-up", MeasureStage.FOLLOW_UP)
        self.stage.setCurrentIndex(1 if has_baseline else 0)
        self.taken_on = day_edit(header.received_on)
        self.form.add("S&tage:", self.stage, "stage")
        self.form.add("Taken &on:", self.taken_on, "taken_on")
        self.ons4: dict[measures.Ons4Question, AnswerField] = {}
        self.swemwbs: list[AnswerField] = []
        self.swemwbs_score = QLabel()
        if instrument is Instrument.ONS4:
            self._ons4_rows()
        else:
            self._swemwbs_rows()
        self.stage.setFocus()

    def _ons4_rows(self) -> None:
        for question in measures.Ons4Question:
            answer = AnswerField(partial(_band_words, question))
            self.ons4[question] = answer
            label = self.form.add(
                f"{measures.ONS4_QUESTIONS[question]}",
                answer,
                f"answers.{question.value}",
                question.value,
                beside=answer.meaning,
            )
            label.setWordWrap(True)
            answer.setAccessibleName(question.label)
            answer.setAccessibleDescription(measures.ONS4_QUESTIONS[question])

    def _swemwbs_rows(self) -> None:
        for index, statement in enumerate(measures.SWEMWBS_STATEMENTS):
            answer = AnswerField(_swemwbs_words)
            answer.textChanged.connect(self._show_score)
            self.swemwbs.append(answer)
            self.form.add(f"{statement}:", answer, f"answers[{index}]", beside=answer.meaning)
        self.setMinimumWidth(700)  # each statement on one line beside its answer
        self.swemwbs_score.setObjectName("subheading")
        self.form.add("Score:", self.swemwbs_score)
        self._show_score()

    def _show_score(self) -> None:
        chosen = [answer.answer() for answer in self.swemwbs]
        in_range = [value for value in chosen if isinstance(value, int) and _swemwbs_words(value)]
        if len(in_range) < len(self.swemwbs):
            self.swemwbs_score.setText(f"{len(in_range)} of {len(self.swemwbs)} answered")
            return
        parsed = measures.parse_swemwbs(in_range)
        self.swemwbs_score.setText(f"Raw score {parsed.raw} of 35; metric score {parsed.metric:.2f}")

    def answers(self) -> tuple[int, ...]:
        """The answers as typed, once ``checks`` has passed them all."""
        fields = self.ons4.values() if self.instrument is Instrument.ONS4 else self.swemwbs
        typed = tuple(answer.answer() for answer in fields)
        assert all(isinstance(value, int) for value in typed)
        return typed  # type: ignore[return-value]

    def checks(self) -> Sequence[Callable[[], object]]:
        taken_on: list[Callable[[], object]] = [
            lambda: check_day(
                self.taken_on.value(), self.received_on, date.today(), "taken_on", "day it was taken"
            )
        ]
        if self.instrument is Instrument.ONS4:
            return taken_on + [
                lambda q=question, a=answer: _check_ons4(q, a.answer())
                for question, answer in self.ons4.items()
            ]
        return taken_on + [
            lambda i=index, a=answer: _check_swemwbs(i, a.answer())
            for index, answer in enumerate(self.swemwbs)
        ]

    def work(self, session: Unit) -> MeasureRecord:
        entry = MeasureEntry(
            self.instrument, MeasureStage(self.stage.currentData()), self.taken_on.value(), self.answers()
        )
        return casework.record_measure(session, self.actor, self.referral_id, entry)


def _band_words(question: measures.Ons4Question, value: int) -> str | None:
    """An ONS4 answer's band ("High"), or None outside 0-10."""
    if not measures.ONS4_MIN <= value <= measures.ONS4_MAX:
        return None
    return words(measures.ons4_band(question, value).value)


def _swemwbs_words(value: int) -> str | None:
    """A SWEMWBS answer's words ("Often"), or None outside 1-5."""
    if not measures.SWEMWBS_ITEM_MIN <= value <= measures.SWEMWBS_ITEM_MAX:
        return None
    return measures.SWEMWBS_ANSWERS[value - measures.SWEMWBS_ITEM_MIN]


# Form rules: every question needs the person's answer, and none is assumed for them; the
# measure's own rule refuses one outside its scale.
def _check_ons4(question: measures.Ons4Question, answer: int | str | None) -> None:
    if answer is None:
        raise ValidationError(
            f"answers.{question.value}",
            f"Type the person's answer, from {measures.ONS4_MIN} to {measures.ONS4_MAX}.",
        )
    measures.ons4_band(question, answer)  # type: ignore[arg-type]


def _check_swemwbs(index: int, answer: int | str | None) -> None:
    if answer is None:
        raise ValidationError(
            f"answers[{index}]",
            f"Type the person's answer, from {measures.SWEMWBS_ITEM_MIN} to {measures.SWEMWBS_ITEM_MAX}.",
        )
    measures.check_swemwbs_item(answer, index)


class AddNoteDialog(FormDialog[NoteRecord]):
    def __init__(self, workspace: Workspace, header: CaseHeader, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "Add note",
            "&Add note",
            "A note goes on the case's timeline with your name and the time. Notes are not edited "
            "afterwards: to correct one, add another.",
            parent,
        )
        self.actor = workspace.actor
        self.referral_id = header.referral_id
        self.text = text_box(8)
        self.form.add("&Note:", self.text, "text")
        self.text.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (lambda: parse_text(self.text.toPlainText(), "text", "note", required=True),)

    def work(self, session: Unit) -> NoteRecord:
        return casework.add_note(session, self.actor, self.referral_id, self.text.toPlainText())


class PlanReviewDialog(FormDialog[ReviewRecord]):
    def __init__(self, workspace: Workspace, header: CaseHeader, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace,
            "Record plan review",
            "&Record review",
            f"The day you went through the support plan with {header.person_name}, and what came of it.",
            parent,
        )
        self.actor = workspace.actor
        self.referral_id = header.referral_id
        self.received_on = header.received_on
        self.reviewed_on = day_edit(header.received_on)
        self.note = text_box()
        self.form.add("&Reviewed on:", self.reviewed_on, "reviewed_on")
        self.form.add("&What came of it:", self.note, "note")
        self.reviewed_on.setFocus()

    def checks(self) -> Sequence[Callable[[], object]]:
        return (
            lambda: check_day(
                self.reviewed_on.value(), self.received_on, date.today(), "reviewed_on", "review"
            ),
        )

    def work(self, session: Unit) -> ReviewRecord:
        return casework.add_plan_review(
            session, self.actor, self.referral_id, self.reviewed_on.value(), self.note.toPlainText()
        )
