"""Working a case: moving its status, assigning its link worker, and recording what happens.

Every change needs a role that may edit cases (and see them: each acts on an identifiable
record), follows the rules in ``domain``, and goes to the audit trail with the case's id and
what was done, never the words written or the answers given.

A status move, an assignment or a support plan is saved over the version the user saw. If
someone else saved since (before this save, or in a race with it on a shared server), nothing
is written and ``CaseChanged`` says who did what and when, read from the case's status
history, its assignments in the audit trail and the plan's last save: never patient details.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
from linkworker.domain.gp_codes import reaches
from linkworker.domain.referrals import CaseStatus, ClosingReason, check_move, status_after_contact
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import (
    ASSIGNED,
    CaseHeader,
    ContactRecord,
    MeasureRecord,
    Names,
    NoteRecord,
    PlanRecord,
    ReviewRecord,
    assigned_worker,
    assignment_detail,
    case_header,
    case_in_pcn,
    contact_record,
    measure_record,
    note_record,
    plan_record,
    review_record,
)
from linkworker.services.errors import ServiceError, StaleEdit
from linkworker.services.network import network
from linkworker.store.models import (
    AuditEvent,
    CaseNote,
    Contact,
    FollowUp,
    Measure,
    Referral,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
    utc_now,
)

# A case says at most this many of the changes made since the user opened it.
CHANGES_TOLD = 3
CASE_ENDED = "The case ended."  # why the open follow-ups of a case were cancelled when it ended


@dataclass(frozen=True)
class CaseChange:
    """One change made to a case: who (their name, or "you"), what, and when."""

    by: str
    what: str  # "moved it to Assessed"
    at: datetime
    by_someone_else: bool = True

    @classmethod
    def made(cls, actor: Actor, user_id: int | None, what: str, at: datetime, names: Names) -> CaseChange:
        """A change by ``user_id``, told to ``actor``: "you" when it was their own (another window)."""
        if user_id == actor.user_id:
            return cls("you", what, at, by_someone_else=False)
        return cls(names.of(user_id) or "a user no longer known", what, at)

    def sentence(self) -> str:
        return f"{self.by} {self.what} {_when(self.at)}"


class CaseChanged(StaleEdit):
    """A save over a case or its plan that was changed after the user opened it.

    ``summary`` says who did what, when; ``header`` is the case as it now stands (for a status
    move or an assignment), so a form can keep the user's choice and apply it over theirs.
    """

    def __init__(self, what: str, changes: Sequence[CaseChange], header: CaseHeader | None = None) -> None:
        super().__init__(what)
        self.changes = tuple(changes)
        self.header = header
        said = "; ".join(change.sentence() for change in self.changes)
        if any(change.by_someone_else for change in self.changes):
            self.summary = f"Someone else changed this {what} after you opened it: {said}."
        else:
            self.summary = f"This {what} was changed in another window after you opened it here: {said}."
        self.args = (
            f"{self.summary} Your change was not saved, so nothing of theirs was overwritten. "
            "Your edit is kept: look at their change, then save yours again or leave it.",
        )


def _when(moment: datetime) -> str:
    """Today "at 10:42", another day "on 20 Nov 2026 at 10:42", in this computer's time zone."""
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"at {local:%H:%M}"
    return f"on {local.day} {local:%b %Y} at {local:%H:%M}"


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
    with _over_case(session, actor, referral, version):
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
    detail = f"{current.value} -> {target.value}" + (f" ({kept.value})" if kept else "")
    audit.record(session, actor, "case_status_changed", "referral", referral.id, detail)
    if not target.is_open:
        _cancel_open_follow_ups(session, actor, referral.id, now)
    return case_header(session, referral, date.today())


def _cancel_open_follow_ups(session: Session, actor: Actor, referral_id: int, now: datetime) -> None:
    """An ended case takes its open follow-ups with it, so they stop coming due on anyone's
    Today screen; each is cancelled by the user who ended the case, with the reason
    ``CASE_ENDED``, on the timeline and in the audit like any cancellation."""
    still_open = session.scalars(
        select(FollowUp).where(
            FollowUp.referral_id == referral_id, FollowUp.done_at.is_(None), FollowUp.cancelled_at.is_(None)
        )
    ).all()
    for follow_up in still_open:
        follow_up.cancelled_at = now
        follow_up.cancelled_by_id = actor.user_id
        follow_up.cancelled_reason = CASE_ENDED
        detail = f"follow-up {follow_up.id}"
        audit.record(session, actor, "follow_up_cancelled", "referral", referral_id, detail)


def case_workers(session: Session, actor: Actor) -> list[WorkerOption]:
    """Who may be given a case or a follow-up, by name: the PCN's link workers, anyone else who
    holds open work there, and the actor themselves; an administrator holding no work is no
    one's case holder (the Assign dialog's ``network.assign_choices``, one rule for both)."""
    return [WorkerOption(choice.id, choice.full_name) for choice in network.assign_choices(session, actor)]


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
        with _over_case(session, actor, referral, version):
            referral.assigned_worker_id = worker_id
        audit.record(session, actor, ASSIGNED, "referral", referral.id, assignment_detail(worker_id))
    return case_header(session, referral, date.today())


def add_contact(session: Session, actor: Actor, referral_id: int, entry: ContactEntry) -> ContactRecord:
    """Record a contact with the person (or a try at one): when, how, how long, and notes.

    A contact that reached the person moves a referred case to contacted in the same unit of work
    (``domain.referrals.status_after_contact``), so the case, the letter to the GP and the figures
    (which count the contact as the first) agree. Should a colleague's save of the case land
    meanwhile, ``CaseChanged`` says what they did and nothing is written.
    """
    referral = _editable(session, actor, referral_id)
    seen = referral.version_id
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
    current = CaseStatus(referral.status)
    target = status_after_contact(current, reaches(kind))
    if target is not None:
        _move(session, actor, referral, seen, target, f"contact {contact.id}")
    return contact_record(contact, Names(session))


def _move(
    session: Session, actor: Actor, referral: Referral, seen: int, target: CaseStatus, why: str
) -> None:
    """Move the case on, dated now, over version ``seen``; audited with ``why`` it moved."""
    current = CaseStatus(referral.status)
    now = utc_now()
    with _over_case(session, actor, referral, seen):
        session.add(
            StatusChange(
                referral_id=referral.id,
                from_status=current.value,
                to_status=target.value,
                changed_at=now,
                changed_by_id=actor.user_id,
            )
        )
        referral.status = target.value
        referral.status_changed_at = now
    detail = f"{current.value} -> {target.value} ({why})"
    audit.record(session, actor, "case_status_changed", "referral", referral.id, detail)


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

    If someone else saved it since, nothing is written and ``CaseChanged`` says who saved it
    when: the caller keeps the user's text so it can be applied again over the other person's.
    """
    referral = _editable(session, actor, referral_id)
    if not CaseStatus(referral.status).is_open:
        raise CaseEnded()
    what_matters = parse_text(plan.what_matters, "what_matters", "what matters to the person")
    goals = parse_text(plan.goals, "goals", "goals")
    actions = parse_text(plan.actions, "actions", "agreed actions")
    saved = session.get(SupportPlan, referral.id)
    if (saved.version_id if saved else 0) != version:
        raise _plan_changed(session, actor, referral.id)
    if saved is None:
        if not (what_matters or goals or actions):
            return plan_record(None, Names(session))
        saved = SupportPlan(referral_id=referral.id)
    elif (saved.what_matters, saved.goals, saved.actions) == (what_matters, goals, actions):
        return plan_record(saved, Names(session))
    try:
        with session.begin_nested():  # a lost race undoes only this, so what won can be read
            session.add(saved)
            saved.what_matters, saved.goals, saved.actions = what_matters, goals, actions
            saved.updated_by_id = actor.user_id
            saved.updated_at = utc_now()
            session.flush()
    except (StaleDataError, IntegrityError):  # another user's save (or first plan) landed first
        raise _plan_changed(session, actor, referral.id) from None
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
        raise _case_changed(session, actor, referral, version)
    return referral


@contextmanager
def _over_case(session: Session, actor: Actor, referral: Referral, version: int) -> Iterator[None]:
    """Write the block's changes to the case now, in a savepoint: if another user's save of the
    same case landed since it was read (a race on a shared server), only the savepoint is undone,
    and what they did can still be read and told."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except StaleDataError:
        raise _case_changed(session, actor, referral, version) from None


def _case_changed(session: Session, actor: Actor, referral: Referral, seen: int) -> CaseChanged:
    """The refusal of a change over version ``seen``, saying what the changes since were: each
    save of the case is one version, so the newest ones of its status moves and assignments."""
    session.refresh(referral)
    newer = max(1, min(referral.version_id - seen, CHANGES_TOLD))
    names = Names(session)
    moves = session.scalars(
        select(StatusChange)
        .where(StatusChange.referral_id == referral.id)
        .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
        .limit(newer)
    )
    changes = [
        CaseChange.made(actor, move.changed_by_id, _moved(move), move.changed_at, names) for move in moves
    ]
    assignments = session.execute(
        select(AuditEvent.user_id, AuditEvent.occurred_at, AuditEvent.detail)
        .where(
            AuditEvent.entity == "referral",
            AuditEvent.entity_id == referral.id,
            AuditEvent.action == ASSIGNED,
        )
        .order_by(AuditEvent.id.desc())
        .limit(newer)
    )
    changes += [
        CaseChange.made(actor, user_id, _assigned(detail, names), at, names)
        for user_id, at, detail in assignments
    ]
    changes = sorted(changes, key=lambda change: change.at)[-newer:]
    if not changes:  # saved by something that leaves no history: say when, at least
        changes = [CaseChange("it", "was saved", referral.updated_at)]
    return CaseChanged("case", changes, case_header(session, referral, date.today(), names))


def _plan_changed(session: Session, actor: Actor, referral_id: int) -> CaseChanged:
    """The refusal of a plan saved over a version that has been replaced: who saved it last, when."""
    by, at = session.execute(
        select(SupportPlan.updated_by_id, SupportPlan.updated_at).where(
            SupportPlan.referral_id == referral_id
        )
    ).one()  # plans are never deleted, so the one that won is there
    return CaseChanged("support plan", [CaseChange.made(actor, by, "saved it", at, Names(session))])


def _moved(move: StatusChange) -> str:
    status = CaseStatus(move.to_status)
    if status is CaseStatus.CLOSED:
        return f"closed it ({move.reason.replace('_', ' ')})" if move.reason else "closed it"
    return f"moved it to {status.value.replace('_', ' ').capitalize()}"


def _assigned(detail: str | None, names: Names) -> str:
    """What an assignment's audit detail (``assignment_detail``) says, in words."""
    worker = assigned_worker(detail)
    if worker is None:
        return "unassigned it"
    return f"gave it to {names.of(worker) or 'another link worker'}"
