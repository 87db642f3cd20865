"""The case record: everything about one episode of support, read in one go for the case screen.

Identifiable: only roles that may see records may open one, and every opening goes to the
audit trail. Each part is read with its own query on the referral id (all indexed), so opening
a case costs the same on a PCN's database and on an ICB server's.

Its timeline includes each correction of the person's or the referral's details made after they
were saved (``services.corrections``), with the words before and after: the referral's from this
case, the person's from any of their cases (their record is one), and each change of name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain import measures
from linkworker.domain.casework import ContactKind, FollowUpKind, Instrument, MeasureStage
from linkworker.domain.connection_methods import ConnectionMethod
from linkworker.domain.connections import OUTCOMES
from linkworker.domain.corrections import Consent, FieldChange
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.follow_ups import Due, FollowUpState, due, state_of
from linkworker.domain.intake import case_number
from linkworker.domain.name_change import PersonName, new_name
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.person import age_on
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, Urgency
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import needs
from linkworker.services.errors import NotFound
from linkworker.store.models import (
    AuditEvent,
    CaseChange,
    CaseNote,
    Connection,
    Contact,
    FollowUp,
    FollowUpReschedule,
    LocalNeed,
    Measure,
    Patient,
    PersonNameChange,
    Practice,
    Referral,
    ReferralNeed,
    Service,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
    UserAccount,
)

# The audit action of an assignment (one by one, or moved in bulk); its detail is assignment_detail's.
ASSIGNED = "case_assigned"


def assignment_detail(worker_id: int | None) -> str:
    """The audit detail of an assignment: whoever records one writes it so, and the timeline
    and a refused save read it back (``assigned_worker``)."""
    return f"worker {worker_id}" if worker_id is not None else "unassigned"


def assigned_worker(detail: str | None) -> int | None:
    """The link worker an assignment's detail names; None when it took the case off them."""
    worker = (detail or "").removeprefix("worker ")
    return int(worker) if worker.isdigit() else None


@dataclass(frozen=True)
class CaseHeader:
    """Who the case is for and where it stands; ``version`` guards status moves and assignment."""

    referral_id: int
    case_number: str
    patient_id: int
    given_name: str
    family_name: str
    nhs_number: str | None
    date_of_birth: date
    age: int
    referring_practice: str
    status: CaseStatus
    status_since: datetime
    closing_reason: ClosingReason | None
    assigned_worker_id: int | None
    assigned_worker: str | None
    received_on: date
    days_since_referral: int
    version: int

    @property
    def person_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class EarlierName:
    """A name the person was recorded under until a change of name, and who recorded the change."""

    name: PersonName
    until: datetime
    changed_by: str | None


@dataclass(frozen=True)
class PersonInfo:
    """Who the person is, how to reach them, what helps them take part, and their earlier names
    (newest first)."""

    sex: Sex
    ethnic_category: EthnicCategory
    address_lines: tuple[str, ...]
    postcode: str | None
    phone: str | None
    mobile: str | None
    email: str | None
    preferred_contact_method: ContactMethod | None
    preferred_contact_times: str | None
    language: str | None
    interpreter_needed: bool
    accessibility_needs: str | None
    registered_practice: str | None
    earlier_names: tuple[EarlierName, ...] = ()


@dataclass(frozen=True)
class ReferralInfo:
    source: ReferralSource
    referrer_name: str | None
    urgency: Urgency
    needs: tuple[str, ...]  # labels, in the order of the PCN's list
    consent_gp: Consent
    consent_services: Consent
    notes: str | None

    @property
    def consent_share_gp(self) -> bool:
        """Whether the consent to share with the GP stands now."""
        return self.consent_gp.given

    @property
    def consent_share_services(self) -> bool:
        return self.consent_services.given


@dataclass(frozen=True)
class CorrectionRecord:
    """One save of corrections to the person's details (``part`` "person") or the referral's
    ("referral"), each field with its words before and after; a change of name is one too.
    ``id`` is its first row's."""

    id: int
    part: str
    changes: tuple[FieldChange, ...]
    at: datetime
    by_id: int | None
    by: str | None


@dataclass(frozen=True)
class StatusRecord:
    id: int
    from_status: CaseStatus | None
    to_status: CaseStatus
    changed_at: datetime
    reason: ClosingReason | None
    by: str | None


@dataclass(frozen=True)
class ContactRecord:
    id: int
    occurred_at: datetime
    kind: ContactKind
    duration_minutes: int | None
    notes: str | None
    by: str | None


@dataclass(frozen=True)
class MeasureRecord:
    id: int
    instrument: Instrument
    stage: MeasureStage
    taken_on: date
    answers: tuple[int, ...]
    score: float | None  # SWEMWBS's metric score; None for ONS4, never summed
    by: str | None


@dataclass(frozen=True)
class ConnectionRecord:
    """A person's connection to a service: how, when and by whom it was made (``route``,
    ``made_on``, ``made_by``) and where it stands (``status`` since ``status_on``); ``by``
    recorded its latest state."""

    id: int
    service_id: int
    service_name: str
    organisation_name: str
    route: ConnectionStatus
    made_on: date
    status: ConnectionStatus
    status_on: date
    feedback: str | None
    by: str | None
    made_by: str | None
    version: int
    method: ConnectionMethod | None = None  # how it was made; None on connections older than that
    note: str | None = None  # the note made with it

    @property
    def outcome(self) -> ConnectionStatus | None:
        return self.status if self.status in OUTCOMES else None


@dataclass(frozen=True)
class ConnectionEvent:
    """One step of a connection on the timeline: its making (referred, signposted or suggested),
    with how it was made and the note made with it, or its outcome. ``id`` is the connection's;
    ``by`` is None where no one is on record."""

    id: int
    service_name: str
    organisation_name: str
    status: ConnectionStatus
    on: date
    feedback: str | None
    by: str | None
    method: ConnectionMethod | None = None  # the making step's; None on an outcome or an older one
    note: str | None = None  # the making step's


@dataclass(frozen=True)
class RescheduleRecord:
    """One move of a follow-up's day, with why and by whom."""

    from_due_on: date
    to_due_on: date
    reason: str
    at: datetime
    by: str | None


@dataclass(frozen=True)
class FollowUpRecord:
    """A follow-up of a case: what, when, whose, and where it stands. ``by`` is who booked it
    (None where no one is on record); ``version`` guards completing, moving and cancelling."""

    id: int
    referral_id: int
    due_on: date
    kind: FollowUpKind
    owner_id: int | None
    owner: str | None
    note: str | None
    state: FollowUpState
    created_at: datetime
    by: str | None
    done_at: datetime | None
    done_by: str | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    cancelled_reason: str | None
    reschedules: tuple[RescheduleRecord, ...]  # oldest first
    version: int

    @property
    def is_open(self) -> bool:
        return self.state is FollowUpState.OPEN

    def due(self, today: date) -> Due | None:
        """Overdue, today, this week or later while open; None once done or cancelled."""
        return due(self.due_on, today) if self.is_open else None


class FollowUpStep(StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class FollowUpEvent:
    """One step of a follow-up on the timeline. ``due_on`` is the day it was booked for at that
    step (the new day, for a move); ``from_due_on`` the day before a move; ``detail`` the note
    when booked, the reason when moved or cancelled. ``id`` is the follow-up's."""

    id: int
    step: FollowUpStep
    kind: FollowUpKind
    due_on: date
    from_due_on: date | None
    owner: str | None
    detail: str | None
    by: str | None


@dataclass(frozen=True)
class NoteRecord:
    id: int
    written_at: datetime
    text: str
    by: str | None


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    reviewed_on: date
    note: str | None
    by: str | None


@dataclass(frozen=True)
class PlanRecord:
    """The support plan as saved; ``version`` 0 means none has been written yet."""

    what_matters: str
    goals: str
    actions: str
    version: int
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True)
class Ons4Progress:
    baseline: MeasureRecord
    latest: MeasureRecord
    changes: tuple[measures.Ons4Change, ...]


@dataclass(frozen=True)
class SwemwbsProgress:
    baseline: MeasureRecord
    latest: MeasureRecord
    change: measures.SwemwbsChange


@dataclass(frozen=True)
class AssignmentRecord:
    """The case given to a link worker (``worker``), or taken off them (None), by ``by``;
    ``id`` is the audit event's, which recorded it."""

    id: int
    worker: str | None
    by: str | None


class TimelineKind(StrEnum):
    STATUS = "status"
    ASSIGNMENT = "assignment"
    CONTACT = "contact"
    MEASURE = "measure"
    CONNECTION = "connection"
    NOTE = "note"
    PLAN_REVIEW = "plan_review"
    FOLLOW_UP = "follow_up"
    CORRECTION = "correction"


TimelineItem = (
    StatusRecord
    | AssignmentRecord
    | ContactRecord
    | MeasureRecord
    | ConnectionEvent
    | NoteRecord
    | ReviewRecord
    | FollowUpEvent
    | CorrectionRecord
)


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the episode. ``at`` is its time where one is known; ``on`` its day."""

    kind: TimelineKind
    on: date
    at: datetime | None
    item: TimelineItem


@dataclass(frozen=True)
class CaseRecord:
    header: CaseHeader
    person: PersonInfo
    referral: ReferralInfo
    timeline: tuple[TimelineEntry, ...]  # newest first
    contacts: tuple[ContactRecord, ...]  # newest first
    plan: PlanRecord
    reviews: tuple[ReviewRecord, ...]  # newest first
    measures: tuple[MeasureRecord, ...]  # newest first
    ons4: Ons4Progress | None
    swemwbs: SwemwbsProgress | None
    connections: tuple[ConnectionRecord, ...]  # newest first
    notes: tuple[NoteRecord, ...]  # newest first
    follow_ups: tuple[FollowUpRecord, ...]  # open ones by day, then the rest newest first


def open_case(
    session: Session, actor: Actor, referral_id: int, today: date | None = None, *, reopened: bool = False
) -> CaseRecord:
    """The whole record of one case of the actor's PCN; the opening is written to the audit trail.

    ``reopened`` is for reading the record again on the screen that has it open, after the
    user's own change (which has its own audit event): that is not a new viewing.
    """
    actor.require(Permission.SEE_IDENTIFIABLE)
    today = today or date.today()
    referral = case_in_pcn(session, actor, referral_id)
    names = Names(session)
    timeline = _Timeline()

    for change in _rows(session, StatusChange, referral_id, StatusChange.changed_at, StatusChange.id):
        timeline.add(TimelineKind.STATUS, change.changed_at, None, status_record(change, names))
    for assigned in session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity == "referral",
            AuditEvent.entity_id == referral_id,
            AuditEvent.action == ASSIGNED,
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ):
        worker = assigned_worker(assigned.detail)
        given = AssignmentRecord(
            assigned.id, names.of(worker) if worker else None, names.of(assigned.user_id)
        )
        timeline.add(TimelineKind.ASSIGNMENT, assigned.occurred_at, None, given)
    contacts = []
    for contact_row in _rows(session, Contact, referral_id, Contact.occurred_at, Contact.id):
        contact = contact_record(contact_row, names)
        contacts.append(contact)
        timeline.add(TimelineKind.CONTACT, contact_row.occurred_at, None, contact)
    taken = []
    for measure_row in _rows(session, Measure, referral_id, Measure.taken_on, Measure.id):
        measure = measure_record(measure_row, names)
        taken.append(measure)
        timeline.add(TimelineKind.MEASURE, measure_row.created_at, measure_row.taken_on, measure)
    connections = []
    for connection_row, service in session.execute(
        select(Connection, Service)
        .join(Service, Service.id == Connection.service_id)
        .where(Connection.referral_id == referral_id)
        .order_by(Connection.status_on, Connection.id)
    ):
        connection = connection_record(connection_row, service, names)
        connections.append(connection)
        for moment, connection_event in connection_events(
            connection, connection_row.created_at, connection_row.updated_at
        ):
            timeline.add(TimelineKind.CONNECTION, moment, connection_event.on, connection_event)
    notes = []
    for note_row in _rows(session, CaseNote, referral_id, CaseNote.written_at, CaseNote.id):
        note = note_record(note_row, names)
        notes.append(note)
        timeline.add(TimelineKind.NOTE, note_row.written_at, None, note)
    reviews = []
    for review_row in _rows(
        session, SupportPlanReview, referral_id, SupportPlanReview.reviewed_on, SupportPlanReview.id
    ):
        review = review_record(review_row, names)
        reviews.append(review)
        timeline.add(TimelineKind.PLAN_REVIEW, review_row.created_at, review_row.reviewed_on, review)

    follow_ups = case_follow_ups(session, referral_id, names)
    for follow_up in follow_ups:
        for moment, follow_up_event in follow_up_events(follow_up):
            timeline.add(TimelineKind.FOLLOW_UP, moment, None, follow_up_event)
    for correction in case_corrections(session, referral, names):
        timeline.add(TimelineKind.CORRECTION, correction.at, None, correction)

    record = CaseRecord(
        header=case_header(session, referral, today, names),
        person=_person_info(session, referral.patient, names),
        referral=ReferralInfo(
            ReferralSource(referral.source),
            referral.referrer_name,
            Urgency(referral.urgency),
            _need_labels(session, actor, referral_id),
            gp_consent(referral),
            services_consent(referral),
            referral.notes,
        ),
        timeline=timeline.newest_first(),
        contacts=tuple(reversed(contacts)),
        plan=plan_record(session.get(SupportPlan, referral_id), names),
        reviews=tuple(reversed(reviews)),
        measures=tuple(reversed(taken)),
        ons4=ons4_progress(taken),
        swemwbs=swemwbs_progress(taken),
        connections=tuple(reversed(connections)),
        notes=tuple(reversed(notes)),
        follow_ups=follow_ups,
    )
    if not reopened:
        audit.record(session, actor, "case_viewed", "referral", referral_id)
    return record


def case_in_pcn(session: Session, actor: Actor, referral_id: int) -> Referral:
    """The referral, if it belongs to the actor's PCN and the actor may see records; the same
    refusal whether it is elsewhere or gone."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    referral = session.get(Referral, referral_id)
    if referral is None or referral.pcn_id != actor.pcn_id:
        raise NotFound("That case is not in your PCN's records.")
    return referral


def case_header(session: Session, referral: Referral, today: date, names: Names | None = None) -> CaseHeader:
    names = names or Names(session)
    patient = referral.patient
    practice = session.scalar(select(Practice.name).where(Practice.id == referral.referring_practice_id))
    return CaseHeader(
        referral_id=referral.id,
        case_number=case_number(referral.id),
        patient_id=patient.id,
        given_name=patient.given_name,
        family_name=patient.family_name,
        nhs_number=patient.nhs_number,
        date_of_birth=patient.date_of_birth,
        age=age_on(patient.date_of_birth, today),
        referring_practice=practice or "",
        status=CaseStatus(referral.status),
        status_since=referral.status_changed_at,
        closing_reason=ClosingReason(referral.closing_reason) if referral.closing_reason else None,
        assigned_worker_id=referral.assigned_worker_id,
        assigned_worker=names.of(referral.assigned_worker_id),
        received_on=referral.received_on,
        days_since_referral=(today - referral.received_on).days,
        version=referral.version_id,
    )


def gp_consent(referral: Referral) -> Consent:
    """The person's consent to share with their GP, with its days."""
    return Consent(
        referral.consent_share_gp, referral.consent_share_gp_given_on, referral.consent_share_gp_withdrawn_on
    )


def services_consent(referral: Referral) -> Consent:
    """The person's consent to share with the services they are connected to, with its days."""
    return Consent(
        referral.consent_share_services,
        referral.consent_share_services_given_on,
        referral.consent_share_services_withdrawn_on,
    )


def case_corrections(session: Session, referral: Referral, names: Names) -> list[CorrectionRecord]:
    """Every correction of this case's referral and of its person (from any of their cases), and
    each change of the person's name, oldest first; each save of several fields is one."""
    rows = session.scalars(
        select(CaseChange)
        .where(
            ((CaseChange.referral_id == referral.id) & CaseChange.patient_id.is_(None))
            | (CaseChange.patient_id == referral.patient_id)
        )
        .order_by(CaseChange.changed_at, CaseChange.id)
    )
    saves: dict[tuple[datetime, int | None, str, int], list[CaseChange]] = {}
    for row in rows:
        part = "referral" if row.patient_id is None else "person"
        saves.setdefault((row.changed_at, row.changed_by_id, part, row.referral_id), []).append(row)
    found = [
        CorrectionRecord(
            group[0].id,
            part,
            tuple(FieldChange(row.field, row.before, row.after) for row in group),
            at,
            by_id,
            names.of(by_id),
        )
        for (at, by_id, part, _case), group in saves.items()
    ]
    for change in session.scalars(
        select(PersonNameChange).where(PersonNameChange.patient_id == referral.patient_id)
    ):
        before = PersonName(change.old_given_name, change.old_family_name)
        after = PersonName(change.new_given_name, change.new_family_name)
        renamed = FieldChange("name", str(before), str(after))
        found.append(
            CorrectionRecord(
                change.id,
                "person",
                (renamed,),
                change.changed_at,
                change.changed_by_id,
                names.of(change.changed_by_id),
            )
        )
    return sorted(found, key=lambda correction: (correction.at, correction.id))


def plan_record(plan: SupportPlan | None, names: Names) -> PlanRecord:
    if plan is None:
        return PlanRecord("", "", "", 0, None, None)
    return PlanRecord(
        plan.what_matters or "",
        plan.goals or "",
        plan.actions or "",
        plan.version_id,
        plan.updated_at,
        names.of(plan.updated_by_id),
    )


def status_record(row: StatusChange, names: Names) -> StatusRecord:
    return StatusRecord(
        row.id,
        CaseStatus(row.from_status) if row.from_status else None,
        CaseStatus(row.to_status),
        row.changed_at,
        ClosingReason(row.reason) if row.reason else None,
        names.of(row.changed_by_id),
    )


def contact_record(row: Contact, names: Names) -> ContactRecord:
    return ContactRecord(
        row.id,
        row.occurred_at,
        ContactKind(row.kind),
        row.duration_minutes,
        row.notes,
        names.of(row.recorded_by_id),
    )


def measure_record(row: Measure, names: Names) -> MeasureRecord:
    return MeasureRecord(
        row.id,
        Instrument(row.instrument),
        MeasureStage(row.stage),
        row.taken_on,
        tuple(row.answers),
        row.score,
        names.of(row.recorded_by_id),
    )


def connection_record(row: Connection, service: Service, names: Names) -> ConnectionRecord:
    return ConnectionRecord(
        row.id,
        service.id,
        service.name,
        service.organisation_name,
        ConnectionStatus(row.route),
        row.made_on,
        ConnectionStatus(row.status),
        row.status_on,
        row.feedback,
        names.of(row.recorded_by_id),
        names.of(row.made_by_id),
        row.version_id,
        ConnectionMethod(row.method) if row.method else None,
        row.note,
    )


def connection_events(
    connection: ConnectionRecord, created_at: datetime, updated_at: datetime
) -> list[tuple[datetime, ConnectionEvent]]:
    """The timeline's steps of a connection, each with when it was recorded: "referred to X"
    on the day it was made, by whoever made it, how and with their note, then its outcome on the
    outcome's day, by whoever recorded it. A suggestion is one step."""

    def event(
        status: ConnectionStatus, on: date, feedback: str | None, by: str | None, made: bool
    ) -> ConnectionEvent:
        return ConnectionEvent(
            connection.id,
            connection.service_name,
            connection.organisation_name,
            status,
            on,
            feedback,
            by,
            connection.method if made else None,
            connection.note if made else None,
        )

    if connection.outcome is None:
        made = event(connection.status, connection.status_on, connection.feedback, connection.made_by, True)
        return [(created_at, made)]
    return [
        (created_at, event(connection.route, connection.made_on, None, connection.made_by, True)),
        (
            updated_at,
            event(connection.status, connection.status_on, connection.feedback, connection.by, False),
        ),
    ]


def case_follow_ups(session: Session, referral_id: int, names: Names) -> tuple[FollowUpRecord, ...]:
    """The case's follow-ups: open ones soonest first, then those done or cancelled, latest first."""
    rows = list(session.scalars(select(FollowUp).where(FollowUp.referral_id == referral_id)))
    moves: dict[int, list[FollowUpReschedule]] = {row.id: [] for row in rows}
    if rows:
        for move in session.scalars(
            select(FollowUpReschedule)
            .where(FollowUpReschedule.follow_up_id.in_(moves))
            .order_by(FollowUpReschedule.rescheduled_at, FollowUpReschedule.id)
        ):
            moves[move.follow_up_id].append(move)
    records = [follow_up_record(row, moves[row.id], names) for row in rows]
    still_open = sorted((r for r in records if r.is_open), key=lambda r: (r.due_on, r.id))
    ended = sorted(
        (r for r in records if not r.is_open), key=lambda r: (r.done_at or r.cancelled_at, r.id), reverse=True
    )
    return (*still_open, *ended)


def follow_up_record(row: FollowUp, moves: Sequence[FollowUpReschedule], names: Names) -> FollowUpRecord:
    return FollowUpRecord(
        id=row.id,
        referral_id=row.referral_id,
        due_on=row.due_on,
        kind=FollowUpKind(row.kind),
        owner_id=row.owner_id,
        owner=names.of(row.owner_id),
        note=row.note,
        state=state_of(row.done_at, row.cancelled_at),
        created_at=row.created_at,
        by=names.of(row.created_by_id),
        done_at=row.done_at,
        done_by=names.of(row.done_by_id),
        cancelled_at=row.cancelled_at,
        cancelled_by=names.of(row.cancelled_by_id),
        cancelled_reason=row.cancelled_reason,
        reschedules=tuple(
            RescheduleRecord(
                move.from_due_on,
                move.to_due_on,
                move.reason,
                move.rescheduled_at,
                names.of(move.rescheduled_by_id),
            )
            for move in moves
        ),
        version=row.version_id,
    )


def follow_up_events(follow_up: FollowUpRecord) -> list[tuple[datetime, FollowUpEvent]]:
    """The timeline's steps of a follow-up, oldest first, each with when it was recorded: booked
    (for the day first chosen), each move, then done or cancelled."""

    def event(
        step: FollowUpStep, due_on: date, detail: str | None, by: str | None, from_due_on: date | None = None
    ) -> FollowUpEvent:
        return FollowUpEvent(
            follow_up.id, step, follow_up.kind, due_on, from_due_on, follow_up.owner, detail, by
        )

    first_day = follow_up.reschedules[0].from_due_on if follow_up.reschedules else follow_up.due_on
    steps = [(follow_up.created_at, event(FollowUpStep.SCHEDULED, first_day, follow_up.note, follow_up.by))]
    for move in follow_up.reschedules:
        steps.append(
            (move.at, event(FollowUpStep.RESCHEDULED, move.to_due_on, move.reason, move.by, move.from_due_on))
        )
    if follow_up.done_at is not None:
        steps.append((follow_up.done_at, event(FollowUpStep.DONE, follow_up.due_on, None, follow_up.done_by)))
    if follow_up.cancelled_at is not None:
        steps.append(
            (
                follow_up.cancelled_at,
                event(
                    FollowUpStep.CANCELLED,
                    follow_up.due_on,
                    follow_up.cancelled_reason,
                    follow_up.cancelled_by,
                ),
            )
        )
    return steps


def note_record(row: CaseNote, names: Names) -> NoteRecord:
    return NoteRecord(row.id, row.written_at, row.text, names.of(row.author_id))


def review_record(row: SupportPlanReview, names: Names) -> ReviewRecord:
    return ReviewRecord(row.id, row.reviewed_on, row.note, names.of(row.reviewed_by_id))


def ons4_progress(taken: Sequence[MeasureRecord]) -> Ons4Progress | None:
    """From the ONS4 baseline to the latest follow-up, question by question; ``taken`` in time order."""
    pair = _baseline_and_latest([row for row in taken if row.instrument is Instrument.ONS4])
    if pair is None:
        return None
    baseline, latest = pair
    return Ons4Progress(baseline, latest, measures.ons4_changes(baseline.answers, latest.answers))


def swemwbs_progress(taken: Sequence[MeasureRecord]) -> SwemwbsProgress | None:
    """From the SWEMWBS baseline to the latest follow-up, raw and metric; ``taken`` in time order."""
    pair = _baseline_and_latest([row for row in taken if row.instrument is Instrument.SWEMWBS])
    if pair is None:
        return None
    baseline, latest = pair
    return SwemwbsProgress(baseline, latest, measures.swemwbs_change(baseline.answers, latest.answers))


def _baseline_and_latest(rows: list[MeasureRecord]) -> tuple[MeasureRecord, MeasureRecord] | None:
    pair = measures.baseline_and_latest([row.stage for row in rows])
    return None if pair is None else (rows[pair[0]], rows[pair[1]])


def _person_info(session: Session, patient: Patient, names: Names) -> PersonInfo:
    registered = (
        session.scalar(select(Practice.name).where(Practice.id == patient.registered_practice_id))
        if patient.registered_practice_id is not None
        else None
    )
    return PersonInfo(
        Sex(patient.sex),
        EthnicCategory(patient.ethnic_category),
        tuple(line for line in (patient.address_line_1, patient.address_line_2, patient.town) if line),
        patient.postcode,
        patient.phone,
        patient.mobile,
        patient.email,
        ContactMethod(patient.preferred_contact_method) if patient.preferred_contact_method else None,
        patient.preferred_contact_times,
        patient.language,
        patient.interpreter_needed,
        patient.accessibility_needs,
        registered,
        _earlier_names(session, patient.id, names),
    )


def _earlier_names(session: Session, patient_id: int, names: Names) -> tuple[EarlierName, ...]:
    """Each name the person had before a change of name, newest first; not the same name written
    another way (a spelling put right is on the timeline, as each change of name is)."""
    changes = session.scalars(
        select(PersonNameChange)
        .where(PersonNameChange.patient_id == patient_id)
        .order_by(PersonNameChange.changed_at.desc(), PersonNameChange.id.desc())
    )
    return tuple(
        EarlierName(
            PersonName(change.old_given_name, change.old_family_name),
            change.changed_at,
            names.of(change.changed_by_id),
        )
        for change in changes
        if new_name(
            PersonName(change.new_given_name, change.new_family_name),
            change.old_given_name,
            change.old_family_name,
        )
    )


def _need_labels(session: Session, actor: Actor, referral_id: int) -> tuple[str, ...]:
    """The referral's needs by label, in the PCN's list order; a local need since retired keeps its label."""
    codes = set(
        session.scalars(select(ReferralNeed.need_code).where(ReferralNeed.referral_id == referral_id))
    )
    offered = needs.needs_for(session, actor)
    labels = [need.label for need in offered if need.code in codes]
    retired = codes - {need.code for need in offered}
    if retired:
        labels += sorted(
            session.scalars(
                select(LocalNeed.label).where(LocalNeed.pcn_id == actor.pcn_id, LocalNeed.code.in_(retired))
            )
        )
    return tuple(labels)


_KIND_RANK = {kind: rank for rank, kind in enumerate(TimelineKind)}


class _Timeline:
    """The episode's events, newest first. An event known only by its day (a measure, a review,
    a step of a connection) sits among that day's events by when it was recorded."""

    def __init__(self) -> None:
        self._events: list[tuple[date, datetime, int, int, int, TimelineEntry]] = []

    def add(self, kind: TimelineKind, moment: datetime, day: date | None, item: TimelineItem) -> None:
        """Events are added oldest first within a record (a connection, then its outcome), which
        orders two steps recorded in the same instant."""
        on = day if day is not None else moment.astimezone().date()
        entry = TimelineEntry(kind, on, None if day is not None else moment, item)
        self._events.append((on, moment, _KIND_RANK[kind], item.id, len(self._events), entry))

    def newest_first(self) -> tuple[TimelineEntry, ...]:
        ordered = sorted(self._events, key=lambda event: event[:5], reverse=True)
        return tuple(event[5] for event in ordered)


class Names:
    """User names for the "by" of each record, read once per user."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[int, str | None] = {}

    def of(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._known:
            self._known[user_id] = self._session.scalar(
                select(UserAccount.full_name).where(UserAccount.id == user_id)
            )
        return self._known[user_id]


Row = TypeVar("Row", StatusChange, Contact, Measure, CaseNote, SupportPlanReview)


def _rows(session: Session, model: type[Row], referral_id: int, *order: Any) -> list[Row]:
    return list(session.scalars(select(model).where(model.referral_id == referral_id).order_by(*order)))
