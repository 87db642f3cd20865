"""The network's caseload: the whole PCN's open work in figures, and moving a worker's work to another.

The figures are counts only (``SEE_AGGREGATES``), so a PCN manager sees where the work is (by
practice, status and worker, and which follow-ups have gone past their day) without a name of
anyone supported. Each figure comes from one grouped query on the PCN's open cases and one on
their open follow-ups, read through the indexes on open work, so the cost follows the PCN's open
caseload, not the size of the server.

Moving work (``REASSIGN_WORK``: a leaver, a long absence) goes in two steps: ``work_of`` lists
what a worker holds, with each record's version; ``reassign`` moves the chosen records in one
unit of work, or nothing if any of them changed since the list was read. Each case moved is
recorded as ``services.casework.assign_worker`` records an assignment; each follow-up moved has
its own audit event; the move as a whole has one more, on the worker it was taken from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import ColumnElement, Update, case, func, select, tuple_, update
from sqlalchemy.orm import Session

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.follow_ups import week_end
from linkworker.domain.intake import case_number
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission, Role, allows
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.case_record import ASSIGNED, assignment_detail
from linkworker.services.caseload import follow_up_open
from linkworker.services.errors import NotFound, ServiceError
from linkworker.store.models import FollowUp, Patient, Practice, Referral, UserAccount, utc_now

# The statuses of an open case, in the order a case moves through them.
OPEN_STATUSES: Final = tuple(status for status in CaseStatus if status.is_open)
_OPEN_VALUES: Final = [status.value for status in OPEN_STATUSES]


@dataclass(frozen=True)
class FollowUpLoad:
    """Open follow-ups by when they fall due, as of ``NetworkFigures.counted_on``."""

    overdue: int = 0
    due_today: int = 0
    due_this_week: int = 0  # after today, up to and including Sunday

    def __add__(self, other: FollowUpLoad) -> FollowUpLoad:
        return FollowUpLoad(
            self.overdue + other.overdue,
            self.due_today + other.due_today,
            self.due_this_week + other.due_this_week,
        )


@dataclass(frozen=True)
class PracticeLoad:
    """A referring practice's open cases by status, and the follow-ups of its cases."""

    practice_id: int
    name: str
    active: bool
    open_by_status: tuple[int, ...]  # in the order of OPEN_STATUSES
    follow_ups: FollowUpLoad

    @property
    def open_cases(self) -> int:
        return sum(self.open_by_status)


@dataclass(frozen=True)
class WorkerLoad:
    """A person's open cases and the open follow-ups they own. ``worker_id`` None is no one:
    the cases not yet assigned and the follow-ups without an owner."""

    worker_id: int | None
    name: str | None
    active: bool
    open_cases: int
    follow_ups: FollowUpLoad


@dataclass(frozen=True)
class NetworkFigures:
    counted_on: date
    by_practice: tuple[PracticeLoad, ...]  # by name: the PCN's open practices, and closed ones with work
    workload: tuple[WorkerLoad, ...]  # by name, then no one last
    open_by_status: tuple[int, ...]  # in the order of OPEN_STATUSES

    @property
    def open_cases(self) -> int:
        return sum(self.open_by_status)

    @property
    def follow_ups(self) -> FollowUpLoad:
        return sum((load.follow_ups for load in self.workload), FollowUpLoad())

    @property
    def unassigned_cases(self) -> int:
        return sum(load.open_cases for load in self.workload if load.worker_id is None)


@dataclass(frozen=True)
class Holder:
    """Someone who may hold cases (an active link worker or administrator of the PCN)."""

    id: int
    full_name: str


@dataclass(frozen=True)
class MovableCase:
    referral_id: int
    case_number: str
    person: str | None  # "Family, Given"; None for roles that may not see records
    practice: str
    status: CaseStatus
    received_on: date
    version: int


@dataclass(frozen=True)
class MovableFollowUp:
    follow_up_id: int
    referral_id: int
    case_number: str
    person: str | None  # as for MovableCase
    kind: FollowUpKind
    due_on: date
    overdue: bool
    version: int


@dataclass(frozen=True)
class WorkList:
    """What one person holds that can be moved, and who it can be moved to."""

    worker_id: int
    worker_name: str
    worker_active: bool
    cases: tuple[MovableCase, ...]  # oldest referral first
    follow_ups: tuple[MovableFollowUp, ...]  # soonest due first
    targets: tuple[Holder, ...]  # by name, without the worker themselves


@dataclass(frozen=True)
class Chosen:
    """A record to move and the version the user saw of it."""

    id: int
    version: int


@dataclass(frozen=True)
class Moved:
    to_worker: str
    cases: int
    follow_ups: int


class WorkChanged(ServiceError):
    """Some of the chosen work changed after the list was read: nothing was moved."""

    def __init__(self, changed: Sequence[str]) -> None:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        super().__init__(
            f"Some of this work changed after the list was read ({shown}), so nothing was moved. "
            "Read the list again, check what to move, and move it again."
        )
        self.changed = tuple(changed)


def figures(session: Session, actor: Actor, today: date | None = None) -> NetworkFigures:
    """The PCN's open cases by practice, status and worker, and their open follow-ups by when due."""
    actor.require(Permission.SEE_AGGREGATES)
    today = today or date.today()
    cases = session.execute(
        select(Referral.referring_practice_id, Referral.status, Referral.assigned_worker_id, func.count())
        .where(Referral.pcn_id == actor.pcn_id, Referral.status.in_(_OPEN_VALUES))
        .group_by(Referral.referring_practice_id, Referral.status, Referral.assigned_worker_id)
    ).all()
    due = session.execute(
        select(
            Referral.referring_practice_id,
            FollowUp.owner_id,
            _tally(FollowUp.due_on < today),
            _tally(FollowUp.due_on == today),
            _tally(FollowUp.due_on > today),
        )
        .join(Referral, Referral.id == FollowUp.referral_id)
        .where(Referral.pcn_id == actor.pcn_id, follow_up_open(), FollowUp.due_on <= week_end(today))
        .group_by(Referral.referring_practice_id, FollowUp.owner_id)
    ).all()

    status_rank = {status.value: rank for rank, status in enumerate(OPEN_STATUSES)}
    by_practice_status: Counter[tuple[int, int]] = Counter()
    by_worker: Counter[int | None] = Counter()
    for practice_id, status, worker_id, count in cases:
        by_practice_status[practice_id, status_rank[status]] += count
        by_worker[worker_id] += count
    practice_due: dict[int, FollowUpLoad] = {}
    worker_due: dict[int | None, FollowUpLoad] = {}
    for practice_id, owner_id, overdue, due_today, this_week in due:
        load = FollowUpLoad(overdue or 0, due_today or 0, this_week or 0)
        practice_due[practice_id] = practice_due.get(practice_id, FollowUpLoad()) + load
        worker_due[owner_id] = worker_due.get(owner_id, FollowUpLoad()) + load

    practices = [
        PracticeLoad(
            practice_id,
            name,
            active,
            tuple(by_practice_status[practice_id, rank] for rank in range(len(OPEN_STATUSES))),
            practice_due.get(practice_id, FollowUpLoad()),
        )
        for practice_id, name, active in session.execute(
            select(Practice.id, Practice.name, Practice.active)
            .where(
                (Practice.pcn_id == actor.pcn_id)
                | Practice.id.in_({key[0] for key in by_practice_status} | set(practice_due))
            )
            .order_by(Practice.name, Practice.id)
        )
    ]
    # A closed practice still shows while it has open work, so the lines add up to the PCN's.
    shown = [
        practice
        for practice in practices
        if practice.active or practice.open_cases or practice.follow_ups != FollowUpLoad()
    ]

    people = set(by_worker) | set(worker_due)
    workers = [
        WorkerLoad(
            worker_id,
            name,
            active,
            by_worker.get(worker_id, 0),
            worker_due.get(worker_id, FollowUpLoad()),
        )
        for worker_id, name, active in session.execute(
            select(UserAccount.id, UserAccount.full_name, UserAccount.active)
            .where(
                UserAccount.pcn_id == actor.pcn_id,
                (UserAccount.id.in_([person for person in people if person is not None]))
                | (UserAccount.active.is_(True) & UserAccount.role.in_(_holder_roles())),
            )
            .order_by(UserAccount.full_name, UserAccount.id)
        )
    ]
    nobody = WorkerLoad(None, None, True, by_worker.get(None, 0), worker_due.get(None, FollowUpLoad()))
    open_by_status = tuple(
        sum(count for (_practice, rank), count in by_practice_status.items() if rank == wanted)
        for wanted in range(len(OPEN_STATUSES))
    )
    return NetworkFigures(today, tuple(shown), (*workers, nobody), open_by_status)


def work_of(session: Session, actor: Actor, worker_id: int, today: date | None = None) -> WorkList:
    """The open cases and open follow-ups ``worker_id`` holds, for choosing what to move where.

    A role that may see records sees whose each case is; a manager sees case numbers only."""
    actor.require(Permission.REASSIGN_WORK)
    today = today or date.today()
    worker = _person_of_pcn(session, actor, worker_id)
    names = actor.may(Permission.SEE_IDENTIFIABLE)
    person: list[ColumnElement[str]] = [Patient.family_name, Patient.given_name] if names else []

    case_rows = session.execute(
        select(
            Referral.id,
            Practice.name,
            Referral.status,
            Referral.received_on,
            Referral.version_id,
            *person,
        )
        .join(Practice, Practice.id == Referral.referring_practice_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(
            Referral.pcn_id == actor.pcn_id,
            Referral.assigned_worker_id == worker.id,
            Referral.status.in_(_OPEN_VALUES),
        )
        .order_by(Referral.received_on, Referral.id)
    ).all()
    follow_up_rows = session.execute(
        select(
            FollowUp.id,
            FollowUp.referral_id,
            FollowUp.kind,
            FollowUp.due_on,
            FollowUp.version_id,
            *person,
        )
        .join(Referral, Referral.id == FollowUp.referral_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(Referral.pcn_id == actor.pcn_id, FollowUp.owner_id == worker.id, follow_up_open())
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    audit.record(
        session,
        actor,
        "work_listed",
        "user_account",
        worker.id,
        f"{len(case_rows)} cases, {len(follow_up_rows)} follow-ups" + (", with names" if names else ""),
    )
    return WorkList(
        worker.id,
        worker.full_name,
        worker.active,
        tuple(
            MovableCase(
                row[0],
                case_number(row[0]),
                f"{row[5]}, {row[6]}" if names else None,
                row[1],
                CaseStatus(row[2]),
                row[3],
                row[4],
            )
            for row in case_rows
        ),
        tuple(
            MovableFollowUp(
                row[0],
                row[1],
                case_number(row[1]),
                f"{row[5]}, {row[6]}" if names else None,
                FollowUpKind(row[2]),
                row[3],
                row[3] < today,
                row[4],
            )
            for row in follow_up_rows
        ),
        tuple(holder for holder in _holders(session, actor) if holder.id != worker.id),
    )


def reassign(
    session: Session,
    actor: Actor,
    from_worker_id: int,
    to_worker_id: int,
    cases: Sequence[Chosen],
    follow_ups: Sequence[Chosen],
) -> Moved:
    """Move the chosen open cases and open follow-ups of one worker to another, all or none.

    Each must still be open, still the first worker's, and at the version chosen; otherwise
    ``WorkChanged`` names the ones that moved on and nothing is written."""
    actor.require(Permission.REASSIGN_WORK)
    source = _person_of_pcn(session, actor, from_worker_id)
    if to_worker_id == source.id:
        raise ValidationError("to_worker", "Choose someone other than the person the work is moved from.")
    target = next((holder for holder in _holders(session, actor) if holder.id == to_worker_id), None)
    if target is None:
        raise ValidationError("to_worker", "Choose an active link worker of this PCN to move the work to.")
    if not cases and not follow_ups:
        raise ValidationError("chosen", "Choose at least one case or follow-up to move.")

    wanted_cases = {chosen.id: chosen.version for chosen in cases}
    wanted_follow_ups = {chosen.id: chosen.version for chosen in follow_ups}
    found_cases = {
        referral_id: (version, worker_id, CaseStatus(status).is_open)
        for referral_id, version, worker_id, status in session.execute(
            select(Referral.id, Referral.version_id, Referral.assigned_worker_id, Referral.status).where(
                Referral.id.in_(list(wanted_cases)), Referral.pcn_id == actor.pcn_id
            )
        )
    }
    found_follow_ups = {
        follow_up_id: (version, owner_id, done_at is None and cancelled_at is None, referral_id)
        for follow_up_id, version, owner_id, done_at, cancelled_at, referral_id in session.execute(
            select(
                FollowUp.id,
                FollowUp.version_id,
                FollowUp.owner_id,
                FollowUp.done_at,
                FollowUp.cancelled_at,
                FollowUp.referral_id,
            )
            .join(Referral, Referral.id == FollowUp.referral_id)
            .where(FollowUp.id.in_(list(wanted_follow_ups)), Referral.pcn_id == actor.pcn_id)
        )
    }
    changed = [
        case_number(referral_id)
        for referral_id, version in sorted(wanted_cases.items())
        if found_cases.get(referral_id, (None,))[:3] != (version, source.id, True)
    ]
    changed += [
        f"follow-up {follow_up_id}"
        for follow_up_id, version in sorted(wanted_follow_ups.items())
        if found_follow_ups.get(follow_up_id, (None,))[:3] != (version, source.id, True)
    ]
    if changed:
        raise WorkChanged(changed)

    # One statement each, each row only at the version read: a save by someone else between
    # the read above and this write leaves fewer rows changed, and the whole unit rolls back.
    moved_cases = _move(
        session,
        update(Referral)
        .where(tuple_(Referral.id, Referral.version_id).in_(list(wanted_cases.items())))
        .values(assigned_worker_id=target.id, version_id=Referral.version_id + 1, updated_at=utc_now()),
    )
    moved_follow_ups = _move(
        session,
        update(FollowUp)
        .where(tuple_(FollowUp.id, FollowUp.version_id).in_(list(wanted_follow_ups.items())))
        .values(owner_id=target.id, version_id=FollowUp.version_id + 1),
    )
    if (moved_cases, moved_follow_ups) != (len(wanted_cases), len(wanted_follow_ups)):
        raise WorkChanged(["a record saved a moment ago"])

    # The same event as assigning one case on its screen, so each case's history reads alike.
    detail = assignment_detail(target.id)
    audit.record_each(session, actor, ASSIGNED, "referral", [(rid, detail) for rid in sorted(wanted_cases)])
    audit.record_each(
        session,
        actor,
        "follow_up_reassigned",
        "referral",
        [
            (found_follow_ups[follow_up_id][3], f"follow-up {follow_up_id}, {detail}")
            for follow_up_id in sorted(wanted_follow_ups)
        ],
    )
    summary = f"{len(wanted_cases)} cases, {len(wanted_follow_ups)} follow-ups to {detail}"
    audit.record(session, actor, "work_reassigned", "user_account", source.id, summary)
    return Moved(target.full_name, len(wanted_cases), len(wanted_follow_ups))


def _move(session: Session, statement: Update) -> int:
    """Run a bulk update of rows the session holds no objects for; how many rows it changed."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


def _tally(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _holder_roles() -> list[str]:
    return [role.value for role in Role if allows(role, Permission.EDIT_CASES)]


def _holders(session: Session, actor: Actor) -> list[Holder]:
    """The PCN's active people whose role lets them hold cases, by name."""
    rows = session.execute(
        select(UserAccount.id, UserAccount.full_name)
        .where(
            UserAccount.pcn_id == actor.pcn_id,
            UserAccount.active.is_(True),
            UserAccount.role.in_(_holder_roles()),
        )
        .order_by(UserAccount.full_name, UserAccount.id)
    )
    return [Holder(user_id, name) for user_id, name in rows]


def _person_of_pcn(session: Session, actor: Actor, user_id: int) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None or user.pcn_id != actor.pcn_id:
        raise NotFound("That person is not in your PCN.")
    return user
