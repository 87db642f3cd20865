"""How the case record's lists read: the timeline, contacts, measures, connections, notes, reviews.

Each list is a ``RecordTableModel`` with its columns described here; the words for an event
come from one function, so the timeline and the tabs say the same thing the same way.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHeaderView, QTableView

from linkworker.domain import measures
from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.connections import OUTCOMES
from linkworker.domain.directory import ConnectionStatus
from linkworker.services.cases.case_record import (
    AssignmentRecord,
    ConnectionEvent,
    ConnectionRecord,
    ContactRecord,
    MeasureRecord,
    NoteRecord,
    ReviewRecord,
    StatusRecord,
    TimelineEntry,
)
from linkworker.ui.widgets.display import local_time, status_label, words
from linkworker.ui.widgets.models import Column


def wrapping(table: QTableView) -> QTableView:
    """Long text wraps onto more lines in its cell instead of being cut off."""
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def stage_label(stage: MeasureStage) -> str:
    return "Baseline" if stage is MeasureStage.BASELINE else "Follow-up"


def day(value: date) -> str:
    return f"{value:%d %b %Y}"


def one_line(text: str | None) -> str:
    """Free text on one table line; the whole text is the cell's tooltip."""
    return " ".join((text or "").split())


def ons4_answers(answers: tuple[int, ...]) -> str:
    """Each answer with its band, never a total: "Satisfied 4 (low), ..."."""
    return ", ".join(
        f"{question.value.capitalize()} {value} ({words(measures.ons4_band(question, value).value).lower()})"
        for question, value in zip(measures.Ons4Question, answers, strict=True)
    )


def measure_result(measure: MeasureRecord) -> str:
    if measure.instrument is Instrument.ONS4:
        return ons4_answers(measure.answers)
    return f"Raw score {sum(measure.answers)}; metric score {measure.score:.2f}"


def measure_name(measure: MeasureRecord) -> str:
    return f"{measures.INSTRUMENT_NAMES[measure.instrument]} {stage_label(measure.stage).lower()}"


def minutes(value: int | None) -> str:
    return f"{value} min" if value else ""


def _status_what(item: StatusRecord) -> str:
    return f"Status: {status_label(item.to_status).lower()}"


def _status_details(item: StatusRecord) -> str:
    moved = "New referral" if item.from_status is None else f"From {status_label(item.from_status).lower()}"
    return moved + (f". Reason: {words(item.reason.value).lower()}" if item.reason else "")


# How each step of a connection reads on the timeline, before the service's name.
_CONNECTION_STEPS = {
    ConnectionStatus.SUGGESTED: "Suggested:",
    ConnectionStatus.REFERRED: "Referred to",
    ConnectionStatus.SIGNPOSTED: "Signposted to",
    ConnectionStatus.ATTENDED: "Attended",
    ConnectionStatus.DID_NOT_ATTEND: "Did not attend",
    ConnectionStatus.DECLINED: "Declined",
}


def connection_step(item: ConnectionEvent) -> tuple[str, str]:
    """A step as the timeline says it: "Referred to Men in Sheds (email)" beside its organisation
    and the note made with it, or an outcome ("Attended Men in Sheds") beside the feedback given."""
    what = f"{_CONNECTION_STEPS[item.status]} {item.service_name}"
    if item.status in OUTCOMES:
        return what, one_line(item.feedback)
    how = f" ({item.method.short})" if item.method is not None else ""
    note = f"note: {one_line(item.note)}" if item.note else ""
    return what + how, "; ".join(part for part in (item.organisation_name, note) if part)


def connection_how(connection: ConnectionRecord) -> str:
    """Referred or signposted, by whom and how where that is on record ("Referred by Wren Worker
    (email)"); a suggestion not yet taken up says so."""
    shown = (
        ConnectionStatus.SUGGESTED if connection.status is ConnectionStatus.SUGGESTED else connection.route
    )
    by = f" by {connection.made_by}" if connection.made_by else ""
    method = f" ({connection.method.short})" if connection.method is not None else ""
    return words(shown.value) + by + method


def connection_outcome_by(connection: ConnectionRecord) -> str:
    """Who recorded the outcome; nothing while there is none (who made it is in "How")."""
    return (connection.by or "") if connection.outcome else ""


def connection_outcome(connection: ConnectionRecord) -> str:
    if connection.outcome is None:
        return "Not known yet"
    return f"{words(connection.outcome.value)} ({day(connection.status_on)})"


def event_words(entry: TimelineEntry) -> tuple[str, str]:
    """What happened and its details, as the timeline shows them."""
    item = entry.item
    if isinstance(item, StatusRecord):
        return _status_what(item), _status_details(item)
    if isinstance(item, AssignmentRecord):
        if item.worker is None:
            return "Taken off its link worker", ""
        return f"Assigned to {item.worker}", ""
    if isinstance(item, ContactRecord):
        details = "; ".join(part for part in (minutes(item.duration_minutes), one_line(item.notes)) if part)
        return f"Contact: {words(item.kind.value).lower()}", details
    if isinstance(item, MeasureRecord):
        return measure_name(item), measure_result(item)
    if isinstance(item, ConnectionEvent):
        return connection_step(item)
    if isinstance(item, NoteRecord):
        return "Note", one_line(item.text)
    assert isinstance(item, ReviewRecord)
    return "Support plan reviewed", one_line(item.note)


def event_when(entry: TimelineEntry) -> str:
    return local_time(entry.at) if entry.at is not None else day(entry.on)


TIMELINE_COLUMNS: list[Column[TimelineEntry]] = [
    Column("When", event_when),
    Column("What", lambda entry: event_words(entry)[0]),
    Column("By", lambda entry: entry.item.by or ""),
    Column("Details", lambda entry: event_words(entry)[1]),
]

CONTACT_COLUMNS: list[Column[ContactRecord]] = [
    Column("When", lambda contact: local_time(contact.occurred_at)),
    Column("Kind", lambda contact: words(contact.kind.value)),
    Column("Duration", lambda contact: minutes(contact.duration_minutes), numeric=True),
    Column("By", lambda contact: contact.by or ""),
    Column("Notes", lambda contact: one_line(contact.notes)),
]

MEASURE_COLUMNS: list[Column[MeasureRecord]] = [
    Column("Taken on", lambda measure: day(measure.taken_on)),
    Column("Measure", lambda measure: measures.INSTRUMENT_NAMES[measure.instrument]),
    Column("Stage", lambda measure: stage_label(measure.stage)),
    Column("By", lambda measure: measure.by or ""),
    Column("Answers and score", measure_result),
]

CONNECTION_COLUMNS: list[Column[ConnectionRecord]] = [
    Column("Service", lambda connection: connection.service_name),
    Column("Organisation", lambda connection: connection.organisation_name),
    Column("How", connection_how),
    Column("Made on", lambda connection: day(connection.made_on)),
    Column("Outcome", connection_outcome),
    Column("Outcome by", connection_outcome_by),
    Column("Feedback", lambda connection: one_line(connection.feedback)),
]

NOTE_COLUMNS: list[Column[NoteRecord]] = [
    Column("Written", lambda note: local_time(note.written_at)),
    Column("By", lambda note: note.by or ""),
    Column("Note", lambda note: one_line(note.text)),
]

REVIEW_COLUMNS: list[Column[ReviewRecord]] = [
    Column("Reviewed on", lambda review: day(review.reviewed_on)),
    Column("By", lambda review: review.by or ""),
    Column("What came of it", lambda review: one_line(review.note)),
]
