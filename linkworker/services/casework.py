"""Working a case: moving its status, assigning its link worker, and recording what happens.

Every change needs a role that may edit cases (and see them: each acts on an identifiable
record), follows the rules in ``domain``, and goes to the audit trail with the case's id and
what was done, never the words written or the answers given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain import measures
from linkworker.domain.case_entries import check_day, check_duration, check_moment, parse_text
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, ClosingReason, check_move
from linkworker.domain.roles import Permission, Role, allows
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.case_record import (
    CaseHeader,
    ContactRecord,
    MeasureRecord,
    Names,
    NoteRecord,
    PlanRecord,
    ReviewRecord,
    case_header,
    case_in_pcn,
    contact_record,
    measure_record,
    note_record,
    plan_record,
    review_record,
)
from linkworker.services.errors import ServiceError, StaleEdit
from linkworker.store.models import (
    CaseNote,
    Contact,
    Measure,
    Referral,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
    UserAccount,
    utc_now,
)


class CaseEnded(ServiceError):
    """The support plan of a case that has ended is kept as it was when it ended."""

    def __init__(self) -> None:
        super().__init__("This case has ended, so its support plan is kept as it was.")


@dataclass(frozen=True)
class ContactEntry:
    kind: ContactKind
    occurred_at: datetime  # timezone-aware
    duration_minutes: int | None
    notes: str = ""


@dataclass(frozen=True)
class MeasureEntry:
    instrument: Instrument
    stage: MeasureStage
    taken_on: date
    answers: tuple[int, ...]  # in question order


@dataclass(frozen=True)
class PlanText:
    what_matters: str
    goals: str
    actions: str


@dataclass(frozen=True)
class WorkerOption:
    id: int
    full_name: str


def move_status(
    session: Session,
    actor: Actor,
    referral_id: int,
    version: int,
    target: CaseStatus,
    reason: ClosingReason | None = None,
) -> CaseHeader:
    """Move the case on (or end it, with its reason), dated now; ``version`` is the one the user saw."""
    referral = _editable(session, actor, referral_id, version)
    current = CaseStatus(referral.status)
    target = CaseStatus(target)
    kept = check_move(current, target, ClosingReason(reason) if reason is not None else None)
    now = utc_now()
    session.add(
        StatusChange(
            referral_id=referral.id,
            from_status=current.value,
            to_status=target.value,
            changed_at=now,
            changed_by_id=actor.user_id,
            reason=kept.value if kept else None,
        )
    )
    referral.status = target.value
    referral.status_changed_at = now
    referral.closing_reason = kept.value if kept else None
    _flush(session, "case")
    detail = f"{current.value} -> {target.value}" + (f" ({kept.value})" if kept else "")
    audit.record(session, actor, "case_status_changed", "referral", referral.id, detail)
    return case_header(session, referral, date.today())


def case_workers(session: Session, actor: Actor) -> list[WorkerOption]:
    """The PCN's active users whose role lets them hold cases, by name."""
    actor.require(Permission.EDIT_CASES)
    holders = [role.value for role in Role if allows(role, Permission.EDIT_CASES)]
    rows = session.execute(
        select(UserAccount.id, UserAccount.full_name)
        .where(
            UserAccount.pcn_id == actor.pcn_id,
            UserAccount.active.is_(True),
            UserAccount.role.in_(holders),
        )
        .order_by(UserAccount.full_name, UserAccount.id)
    )
    return [WorkerOption(user_id, name) for user_id, name in rows]


def assign_worker(
    session: Session, actor: Actor, referral_id: int, version: int, worker_id: int | None
) -> CaseHeader:
    """Give the case to a link worker of the PCN, or to no one (``worker_id`` None)."""
    referral = _editable(session, actor, referral_id, version)
    if not CaseStatus(referral.status).is_open:
        raise ValidationError("worker", "This case has ended, so its link worker stays as it was.")
    if worker_id is not None and worker_id not in {option.id for option in case_workers(session, actor)}:
        raise ValidationError("worker", "Choose an active link worker of this PCN.")
    if referral.assigned_worker_id != worker_id:
        referral.assigned_worker_id = worker_id
        _flush(session, "case")
        detail = f"worker {worker_id}" if worker_id is not None else "unassigned"
        audit.record(session, actor, "case_assigned", "referral", referral.id, detail)
    return case_header(session, referral, date.today())


def add_contact(session: Session, actor: Actor, referral_id: int, entry: ContactEntry) -> ContactRecord:
    """Record a contact with the person (or a try at one): when, how, how long, and notes."""
    referral = _editable(session, actor, referral_id)
    kind = ContactKind(entry.kind)
    occurred_at = check_moment(entry.occurred_at, referral.received_on, utc_now(), "occurred_at", "contact")
    contact = Contact(
        referral_id=referral.id,
        occurred_at=occurred_at,
        kind=kind.value,
        duration_minutes=check_duration(kind, entry.duration_minutes),
        notes=parse_text(entry.notes, "notes", "notes"),
        recorded_by_id=actor.user_id,
    )
    session.add(contact)
    session.flush()
    audit.record(
        session, actor, "contact_added", "referral", referral.id, f"contact {contact.id}, {kind.value}"
    )
    return contact_record(contact, Names(session))


def add_note(session: Session, actor: Actor, referral_id: int, text: str) -> NoteRecord:
    """Add a note to the case's timeline. Notes are never edited: a correction is a new note."""
    referral = _editable(session, actor, referral_id)
    note = CaseNote(
        referral_id=referral.id,
        author_id=actor.user_id,
        text=parse_text(text, "text", "note", required=True),
    )
    session.add(note)
    session.flush()
    audit.record(session, actor, "note_added", "referral", referral.id, f"note {note.id}")
    return note_record(note, Names(session))


def save_support_plan(
    session: Session, actor: Actor, referral_id: int, plan: PlanText, version: int
) -> PlanRecord:
    """Save the support plan over the one the user opened (``version``; 0 for a new plan).

    If someone else saved it since, nothing is written and ``StaleEdit`` is raised: the caller
    keeps the user's text so it can be applied again over the other person's change.
    """
    referral = _editable(session, actor, referral_id)
    if not CaseStatus(referral.status).is_open:
        raise CaseEnded()
    what_matters = parse_text(plan.what_matters, "what_matters", "what matters to the person")
    goals = parse_text(plan.goals, "goals", "goals")
    actions = parse_text(plan.actions, "actions", "agreed actions")
    saved = session.get(SupportPlan, referral.id)
    if (saved.version_id if saved else 0) != version:
        raise StaleEdit("support plan")
    if saved is None:
        if not (what_matters or goals or actions):
            return plan_record(None, Names(session))
        saved = SupportPlan(referral_id=referral.id)
        session.add(saved)
    elif (saved.what_matters, saved.goals, saved.actions) == (what_matters, goals, actions):
        return plan_record(saved, Names(session))
    saved.what_matters, saved.goals, saved.actions = what_matters, goals, actions
    saved.updated_by_id = actor.user_id
    saved.updated_at = utc_now()
    try:
        _flush(session, "support plan")
    except IntegrityError:  # another user wrote the first plan of this case a moment ago
        raise StaleEdit("support plan") from None
    audit.record(session, actor, "support_plan_saved", "referral", referral.id, f"version {saved.version_id}")
    return plan_record(saved, Names(session))


def add_plan_review(
    session: Session, actor: Actor, referral_id: int, reviewed_on: date, note: str = ""
) -> ReviewRecord:
    """Record the day the support plan was reviewed with the person, and what came of it."""
    referral = _editable(session, actor, referral_id)
    if not CaseStatus(referral.status).is_open:
        raise CaseEnded()
    if session.get(SupportPlan, referral.id) is None:
        raise ValidationError("reviewed_on", "Write the support plan before recording a review of it.")
    review = SupportPlanReview(
        referral_id=referral.id,
        reviewed_on=check_day(reviewed_on, referral.received_on, date.today(), "reviewed_on", "review"),
        reviewed_by_id=actor.user_id,
        note=parse_text(note, "note", "review notes"),
    )
    session.add(review)
    session.flush()
    audit.record(session, actor, "plan_reviewed", "referral", referral.id, f"review {review.id}")
    return review_record(review, Names(session))


def record_measure(session: Session, actor: Actor, referral_id: int, entry: MeasureEntry) -> MeasureRecord:
    """Record a completed ONS4 or SWEMWBS, as the baseline or a follow-up."""
    referral = _editable(session, actor, referral_id)
    instrument, stage = Instrument(entry.instrument), MeasureStage(entry.stage)
    taken_on = check_day(entry.taken_on, referral.received_on, date.today(), "taken_on", "day it was taken")
    answers = list(entry.answers)
    score = measures.score(instrument, answers)
    firsts = _first_days(session, referral.id, instrument)
    measures.check_stage(
        instrument, stage, taken_on, firsts.get(MeasureStage.BASELINE), firsts.get(MeasureStage.FOLLOW_UP)
    )
    measure = Measure(
        referral_id=referral.id,
        instrument=instrument.value,
        stage=stage.value,
        taken_on=taken_on,
        answers=answers,
        score=score,
        recorded_by_id=actor.user_id,
    )
    session.add(measure)
    session.flush()
    detail = f"measure {measure.id}, {instrument.value} {stage.value}"
    audit.record(session, actor, "measure_recorded", "referral", referral.id, detail)
    return measure_record(measure, Names(session))


def _first_days(session: Session, referral_id: int, instrument: Instrument) -> dict[MeasureStage, date]:
    rows = session.execute(
        select(Measure.stage, func.min(Measure.taken_on))
        .where(Measure.referral_id == referral_id, Measure.instrument == instrument.value)
        .group_by(Measure.stage)
    )
    return {MeasureStage(stage): first for stage, first in rows}


def _editable(session: Session, actor: Actor, referral_id: int, version: int | None = None) -> Referral:
    """The case, for a change by ``actor``; with ``version``, only if no one has changed it since."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    referral = case_in_pcn(session, actor, referral_id)
    if version is not None and referral.version_id != version:
        raise StaleEdit("case")
    return referral


def _flush(session: Session, what: str) -> None:
    """Write now, so a save that lost a race with another user's is refused, not merged."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit(what) from None
