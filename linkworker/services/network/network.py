"""The network's caseload: the whole PCN's open work in figures, and moving a worker's work to another.

The figures are counts only (``SEE_AGGREGATES``), so a PCN manager sees where the work is (by
practice and worker, and which follow-ups have gone past their day) without a name of anyone
supported. Each figure comes from one grouped query on the PCN's open cases and one on their
open follow-ups, read through the indexes on open work, so the cost follows the PCN's open
caseload, not the size of the server.

Who sees what. A role that may see records (a link worker, an administrator) gets every count
exactly, with each practice's open cases by status and its follow-ups: they may open every case
counted. A PCN manager works with aggregates, so no count from 1 to 7 of people reaches them
(issue 13): they get counts protected under the PCN's disclosure rule by ``domain.breakdowns``,
``*`` for 1 to 7, others rounded, ``-`` where withheld, and ``note`` says how to read them:

- the open cases in all, by referring practice, by status and by worker (no one included: the
  cases not yet assigned). Four ways of counting the same cases, so one set (``open_cases``):
  when any is starred the total is withheld, and so is the largest line of each breakdown.
  Subtracting the other lines from the total, or one breakdown from another (practices against
  workers), then leaves every starred count all its values from 1 to 7. The Overview shows this
  same set, from the same function, so the two screens agree and add nothing to each other.
- each kind of follow-up (overdue, due today, due later this week), in all and by owner: one
  breakdown each, so when any line is starred the total is withheld.
- not for a manager: open cases by practice and status together, and follow-ups by practice.
  Each is another set of sums over the same records (a table whose rows and columns both add
  up, or a second breakdown of the follow-ups), and none is needed to see where the work is.

Other combinations considered. A worker's open cases and their follow-ups count different
things (a case has none, one or several follow-ups) and no figure adds them, so neither can be
taken from the other. Figures read at different times describe different caseloads: each reading
is protected, and what changed in between (a referral in, a case closed) is known only to within
the rounding, though a count seen to cross a rounding step shows when it did. The monthly
summary's "Open caseload at month end", for the PCN and for each practice, counts the cases this
screen shows at the end of that month: it has to protect that total and its practices together
in the same way for the pair to hold.

Who takes casework. Link workers do, and an administrator while they hold open work (a small
PCN's administrator may also be its link worker): an administrator with no open cases or
follow-ups is not a line of the workload, nor offered as someone to move work or assign a case
to (``assign_choices`` still offers them the case on its own screen). Managers never hold cases.

Moving work (``REASSIGN_WORK``: a leaver, a long absence, referrals waiting for a worker). A role
that may see records lists what a worker holds (``work_of``: each open case with the worker's
follow-ups on it, then their follow-ups on others' cases, each with its version) and moves the
chosen records (``reassign``) in one unit of work, or nothing if any of them changed since the
list was read. A case moves with its worker's open follow-ups on it, and one left behind keeps
them. A manager is given no such list: it is as long as the worker's load, which they may see
only under the PCN's rule (issue 13). They move a worker's whole work, or a number of their
oldest open cases (``move_share``), and are told how much moved under the rule. ``None`` as the
worker is no one: the open referrals not yet assigned, to allocate. A manager who moves work
still learns what anyone acting on it would: a worker left with nothing shows 0 (a 0 is never
hidden), so moving a few cases at a time and counting the moves tells the load. Each such move
is real and in the audit trail.

Each case moved is recorded as ``services.casework.assign_worker`` records an assignment; each
follow-up moved has its own audit event; the move as a whole has one more, on the worker it was
taken from (or, allocating, on the PCN).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import ColumnElement, Update, case, func, select, tuple_, update
from sqlalchemy.orm import Session

from linkworker.domain.breakdowns import Breakdowns, Count, alone, exact, reading, together
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.disclosure import Rule
from linkworker.domain.errors import ValidationError
from linkworker.domain.follow_ups import week_end
from linkworker.domain.intake import case_number
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission, Role, allows
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import ASSIGNED, assignment_detail
from linkworker.services.cases.caseload import follow_up_open, follow_up_overdue
from linkworker.services.errors import NotFound, ServiceError
from linkworker.services.summary.disclosure import rule_for_reader
from linkworker.store.models import FollowUp, Patient, Practice, Referral, UserAccount, utc_now

# The statuses of an open case, in the order a case moves through them.
OPEN_STATUSES: Final = tuple(status for status in CaseStatus if status.is_open)
_OPEN_VALUES: Final = [status.value for status in OPEN_STATUSES]


@dataclass(frozen=True)
class FollowUpLoad:
    """Open follow-ups by when they fall due, as of ``NetworkFigures.counted_on``."""

    overdue: Count
    due_today: Count
    due_this_week: Count  # after today, up to and including Sunday

    @property
    def is_zero(self) -> bool:
        return all(count.is_zero for count in (self.overdue, self.due_today, self.due_this_week))


@dataclass(frozen=True)
class PracticeLoad:
    """A referring practice's open cases, and for a reader of records (else None) its open cases
    by status and the follow-ups of its cases."""

    practice_id: int
    name: str
    active: bool
    open_cases: Count
    open_by_status: tuple[Count, ...] | None  # in the order of OPEN_STATUSES
    follow_ups: FollowUpLoad | None


@dataclass(frozen=True)
class WorkerLoad:
    """A person's open cases and the open follow-ups they own, and whether they take casework
    (work may be moved to them). ``worker_id`` None is no one: the cases not yet assigned and
    the follow-ups without an owner."""

    worker_id: int | None
    name: str | None
    active: bool
    open_cases: Count
    follow_ups: FollowUpLoad
    takes_cases: bool

    @property
    def holds_work(self) -> bool:
        return not (self.open_cases.is_zero and self.follow_ups.is_zero)


@dataclass(frozen=True)
class PracticeOpenCases:
    practice_id: int
    name: str
    active: bool
    open_cases: Count


@dataclass(frozen=True)
class OpenCases:
    """The PCN's open cases in all and by practice, status and worker: one set, protected
    together, so every screen showing any of them shows the same."""

    total: Count
    by_practice: tuple[
        PracticeOpenCases, ...
    ]  # by name: the PCN's open practices, and others with open cases
    by_status: tuple[Count, ...]  # in the order of OPEN_STATUSES
    by_worker: tuple[tuple[int | None, Count], ...]  # by name, then no one (None) last
    note: str | None  # how to read protected counts; None when every count is exact

    @property
    def unassigned(self) -> Count:
        return self.by_worker[-1][1]


@dataclass(frozen=True)
class NetworkFigures:
    counted_on: date
    by_practice: tuple[PracticeLoad, ...]  # by name: the PCN's open practices, and closed ones with work
    workload: tuple[WorkerLoad, ...]  # by name, then no one last
    open_cases: Count
    open_by_status: tuple[Count, ...]  # in the order of OPEN_STATUSES
    unassigned_cases: Count
    follow_ups: FollowUpLoad  # the PCN's
    note: str | None  # how to read protected counts; None when every count is exact


@dataclass(frozen=True)
class Holder:
    """Someone who takes casework: an active link worker of the PCN, or an active administrator
    of it who holds open work."""

    id: int
    full_name: str


@dataclass(frozen=True)
class AssignChoice:
    """Someone a case may be given to, with what they hold now (exactly: only roles that see
    records assign cases); ``you`` is the person assigning."""

    id: int
    full_name: str
    open_cases: int
    overdue: int  # open follow-ups they own whose day has gone by
    you: bool


@dataclass(frozen=True)
class MovableFollowUp:
    follow_up_id: int
    referral_id: int
    case_number: str
    person: str  # "Family, Given"
    kind: FollowUpKind
    due_on: date
    overdue: bool
    version: int


@dataclass(frozen=True)
class MovableCase:
    """An open case, with the follow-ups its worker owns on it: they move with it or stay with it."""

    referral_id: int
    case_number: str
    person: str  # "Family, Given"
    practice: str
    status: CaseStatus
    received_on: date
    version: int
    follow_ups: tuple[MovableFollowUp, ...] = ()  # soonest due first


@dataclass(frozen=True)
class WorkList:
    """What one person (or no one: ``worker_id`` None, the referrals not yet assigned) holds that
    can be moved, and who it can be moved to."""

    worker_id: int | None
    worker_name: str | None
    worker_active: bool
    cases: tuple[MovableCase, ...]  # oldest referral first
    follow_ups: tuple[MovableFollowUp, ...]  # theirs on cases they do not hold, soonest due first
    targets: tuple[Holder, ...]  # by name, without the worker themselves


@dataclass(frozen=True)
class Chosen:
    """A record to move and the version the user saw of it."""

    id: int
    version: int


@dataclass(frozen=True)
class Moved:
    """What ``reassign`` moved: follow-ups count those that went with their cases too."""

    to_worker: str
    cases: int
    follow_ups: int


@dataclass(frozen=True)
class ShareMoved:
    """What ``move_share`` moved, counted as the reader may see counts (under the PCN's rule for
    a manager)."""

    to_worker: str
    cases: Count
    follow_ups: Count


class WorkChanged(ServiceError):
    """Some of the chosen work changed after the list was read: nothing was moved."""

    def __init__(self, changed: Sequence[str]) -> None:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        super().__init__(
            f"Some of this work changed after the list was read ({shown}), so nothing was moved. "
            "Read the list again, check what to move, and move it again."
        )
        self.changed = tuple(changed)


def open_cases(session: Session, actor: Actor) -> OpenCases:
    """The PCN's open cases in all and by practice, status and worker, as the actor may see them."""
    actor.require(Permission.SEE_AGGREGATES)
    rule = rule_for_reader(session, actor)
    cases = _open_case_rows(session, actor)
    return _open_set(
        cases,
        _practices(session, actor, {row[0] for row in cases}),
        _workers(session, actor, {row[2] for row in cases}),
        rule,
    )


def figures(session: Session, actor: Actor, today: date | None = None) -> NetworkFigures:
    """The PCN's open cases by practice, status and worker, and their open follow-ups by when due,
    each as the actor may see it (see the module's docstring)."""
    actor.require(Permission.SEE_AGGREGATES)
    today = today or date.today()
    rule = rule_for_reader(session, actor)
    cases = _open_case_rows(session, actor)
    due = _due_rows(session, actor, today)
    practices = _practices(session, actor, {row[0] for row in cases} | {row[0] for row in due})
    workers = _workers(session, actor, {row[2] for row in cases} | {row[1] for row in due})
    opened = _open_set(cases, practices, workers, rule)

    by_kind = _follow_up_sets(due, [line[0] for line in workers], [line[0] for line in practices], rule)

    def load(breakdown: int, line: int) -> FollowUpLoad:
        return FollowUpLoad(*(counted.lines[breakdown][line] for counted in by_kind))

    exact_by_status = _by_practice_and_status(cases) if rule is None else None
    by_practice = [
        PracticeLoad(
            practice_id,
            name,
            active,
            opened.by_practice[line].open_cases,
            None
            if exact_by_status is None
            else tuple(exact(exact_by_status[practice_id, status]) for status in OPEN_STATUSES),
            load(1, line) if rule is None else None,
        )
        for line, (practice_id, name, active) in enumerate(practices)
    ]
    # A closed practice still shows while it has open work, so the lines add up to the PCN's.
    shown = [
        practice
        for practice in by_practice
        if practice.active
        or not practice.open_cases.is_zero
        or (practice.follow_ups is not None and not practice.follow_ups.is_zero)
    ]
    takers = {holder.id for holder in _holders(session, actor)}
    workload = [
        WorkerLoad(worker_id, name, active, opened.by_worker[line][1], load(0, line), worker_id in takers)
        for line, (worker_id, name, active) in enumerate(workers)
    ]
    return NetworkFigures(
        today,
        tuple(shown),
        tuple(workload),
        opened.total,
        opened.by_status,
        opened.unassigned,
        FollowUpLoad(*(counted.total for counted in by_kind)),
        opened.note,
    )


CaseRow = tuple[int, CaseStatus, int | None, int]  # practice, status, worker, open cases
DueRow = tuple[int, int | None, int, int, int]  # practice, owner, overdue, due today, due later this week
Line = tuple[int | None, str | None, bool]  # id, name, active


def _open_case_rows(session: Session, actor: Actor) -> list[CaseRow]:
    """The PCN's open cases counted by practice, status and worker, in one grouped query."""
    return [
        (practice_id, CaseStatus(status), worker_id, count)
        for practice_id, status, worker_id, count in session.execute(
            select(Referral.referring_practice_id, Referral.status, Referral.assigned_worker_id, func.count())
            .where(Referral.pcn_id == actor.pcn_id, Referral.status.in_(_OPEN_VALUES))
            .group_by(Referral.referring_practice_id, Referral.status, Referral.assigned_worker_id)
        )
    ]


def _due_rows(session: Session, actor: Actor, today: date) -> list[DueRow]:
    """The PCN's open follow-ups due by the week's end, counted by practice, owner and when due."""
    return [
        (practice_id, owner_id, overdue or 0, due_today or 0, this_week or 0)
        for practice_id, owner_id, overdue, due_today, this_week in session.execute(
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
        )
    ]


def _practices(session: Session, actor: Actor, with_work: set[int]) -> list[tuple[int, str, bool]]:
    """The PCN's practices and any other with work here, by name."""
    return [
        (practice_id, name, active)
        for practice_id, name, active in session.execute(
            select(Practice.id, Practice.name, Practice.active)
            .where((Practice.pcn_id == actor.pcn_id) | Practice.id.in_(with_work))
            .order_by(Practice.name, Practice.id)
        )
    ]


def _workers(session: Session, actor: Actor, with_work: set[int | None]) -> list[Line]:
    """The PCN's people who take casework and anyone else with work here, by name; then no one."""
    people = [
        (worker_id, name, active)
        for worker_id, name, active in session.execute(
            select(UserAccount.id, UserAccount.full_name, UserAccount.active)
            .where(
                UserAccount.id.in_([person for person in with_work if person is not None])
                | _takes_cases(actor.pcn_id),
            )
            .order_by(UserAccount.full_name, UserAccount.id)
        )
    ]
    return [*people, (None, None, True)]


def _open_set(
    cases: Sequence[CaseRow],
    practices: Sequence[tuple[int, str, bool]],
    workers: Sequence[Line],
    rule: Rule | None,
) -> OpenCases:
    by_practice: Counter[int] = Counter()
    by_status: Counter[CaseStatus] = Counter()
    by_worker: Counter[int | None] = Counter()
    for practice_id, status, worker_id, count in cases:
        by_practice[practice_id] += count
        by_status[status] += count
        by_worker[worker_id] += count
    shown = together(
        sum(by_practice.values()),
        [
            [by_practice[practice_id] for practice_id, _name, _active in practices],
            [by_status[status] for status in OPEN_STATUSES],
            [by_worker[worker_id] for worker_id, _name, _active in workers],
        ],
        rule,
    )
    return OpenCases(
        shown.total,
        tuple(
            PracticeOpenCases(practice_id, name, active, count)
            for (practice_id, name, active), count in zip(practices, shown.lines[0], strict=True)
        ),
        shown.lines[1],
        tuple(
            (worker_id, count)
            for (worker_id, _name, _active), count in zip(workers, shown.lines[2], strict=True)
        ),
        None if rule is None else reading(rule),
    )


def _follow_up_sets(
    due: Sequence[DueRow], worker_ids: Sequence[int | None], practice_ids: Sequence[int], rule: Rule | None
) -> list[Breakdowns]:
    """Each kind of follow-up (overdue, due today, due later this week) in all and by owner, and
    by practice for a reader of records, protected together."""
    sets = []
    for kind in range(3):
        by_owner: Counter[int | None] = Counter()
        by_practice: Counter[int] = Counter()
        for practice_id, owner_id, *counts in due:
            by_owner[owner_id] += counts[kind]
            by_practice[practice_id] += counts[kind]
        breakdowns = [[by_owner[owner] for owner in worker_ids]]
        if rule is None:
            breakdowns.append([by_practice[practice] for practice in practice_ids])
        sets.append(together(sum(by_owner.values()), breakdowns, rule))
    return sets


def _by_practice_and_status(cases: Sequence[CaseRow]) -> Counter[tuple[int, CaseStatus]]:
    counted: Counter[tuple[int, CaseStatus]] = Counter()
    for practice_id, status, _worker_id, count in cases:
        counted[practice_id, status] += count
    return counted


def work_of(session: Session, actor: Actor, worker_id: int | None, today: date | None = None) -> WorkList:
    """The open cases (each with the follow-ups the worker owns on it) and other open follow-ups
    ``worker_id`` holds (None: the open referrals no one holds), for choosing what to move where.
    Only for a role that may see records: the list is as long as the worker's load."""
    _may_list(actor)
    today = today or date.today()
    worker = _person_of_pcn(session, actor, worker_id) if worker_id is not None else None
    person = (Patient.family_name, Patient.given_name)
    case_rows = session.execute(
        select(
            Referral.id, Practice.name, Referral.status, Referral.received_on, Referral.version_id, *person
        )
        .join(Practice, Practice.id == Referral.referring_practice_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(Referral.pcn_id == actor.pcn_id, _held_by(worker_id), Referral.status.in_(_OPEN_VALUES))
        .order_by(Referral.received_on, Referral.id)
    ).all()
    held = {row[0] for row in case_rows}
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
        .where(Referral.pcn_id == actor.pcn_id, _owned_by(worker_id), follow_up_open())
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    follow_ups = [
        MovableFollowUp(
            row[0],
            row[1],
            case_number(row[1]),
            f"{row[5]}, {row[6]}",
            FollowUpKind(row[2]),
            row[3],
            row[3] < today,
            row[4],
        )
        for row in follow_up_rows
        # No one's follow-ups on others' cases are those cases' holders' to see to.
        if row[1] in held or worker_id is not None
    ]
    loose = tuple(item for item in follow_ups if item.referral_id not in held)
    audit.record(
        session,
        actor,
        "work_listed",
        "user_account" if worker is not None else "pcn",
        worker.id if worker is not None else actor.pcn_id,
        f"{len(case_rows)} cases, {len(follow_ups)} follow-ups, with names",
    )
    return WorkList(
        worker_id,
        worker.full_name if worker is not None else None,
        worker.active if worker is not None else True,
        tuple(
            MovableCase(
                row[0],
                case_number(row[0]),
                f"{row[5]}, {row[6]}",
                row[1],
                CaseStatus(row[2]),
                row[3],
                row[4],
                tuple(item for item in follow_ups if item.referral_id == row[0]),
            )
            for row in case_rows
        ),
        loose,
        tuple(holder for holder in _holders(session, actor) if holder.id != worker_id),
    )


def reassign(
    session: Session,
    actor: Actor,
    from_worker_id: int | None,
    to_worker_id: int,
    cases: Sequence[Chosen],
    follow_ups: Sequence[Chosen],
) -> Moved:
    """Move the chosen open cases, each with the open follow-ups the worker owns on it, and the
    chosen follow-ups of theirs on others' cases, from one worker (or no one) to another, all or none.

    Each must still be open, still the first worker's, and at the version chosen; a follow-up
    of one of their cases moves only with it. Otherwise ``WorkChanged`` names the ones that
    moved on and nothing is written."""
    _may_list(actor)
    source = _person_of_pcn(session, actor, from_worker_id) if from_worker_id is not None else None
    target = _target(session, actor, from_worker_id, to_worker_id)
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
    # A follow-up may be chosen alone only on a case the worker does not hold (open): one of
    # their own cases' follow-ups goes with the case or stays with it.
    found_follow_ups = {
        follow_up_id: (version, owner_id, done_at is None and cancelled_at is None, referral_id, case_held)
        for follow_up_id, version, owner_id, done_at, cancelled_at, referral_id, case_held in session.execute(
            select(
                FollowUp.id,
                FollowUp.version_id,
                FollowUp.owner_id,
                FollowUp.done_at,
                FollowUp.cancelled_at,
                FollowUp.referral_id,
                _held_by(from_worker_id) & Referral.status.in_(_OPEN_VALUES),
            )
            .join(Referral, Referral.id == FollowUp.referral_id)
            .where(FollowUp.id.in_(list(wanted_follow_ups)), Referral.pcn_id == actor.pcn_id)
        )
    }
    changed = [
        case_number(referral_id)
        for referral_id, version in sorted(wanted_cases.items())
        if found_cases.get(referral_id, (None,))[:3] != (version, from_worker_id, True)
    ]
    changed += [
        f"follow-up {follow_up_id}"
        for follow_up_id, version in sorted(wanted_follow_ups.items())
        if found_follow_ups.get(follow_up_id, (None,))[:3] != (version, from_worker_id, True)
        or bool(found_follow_ups[follow_up_id][4])
        or from_worker_id is None
    ]
    if changed:
        raise WorkChanged(changed)
    moved_follow_ups = _write_move(
        session,
        actor,
        source,
        target,
        wanted_cases,
        {
            follow_up_id: (version, found_follow_ups[follow_up_id][3])
            for follow_up_id, version in wanted_follow_ups.items()
        },
    )
    return Moved(target.full_name, len(wanted_cases), moved_follow_ups)


def move_share(
    session: Session, actor: Actor, from_worker_id: int | None, to_worker_id: int, how_many: int | None
) -> ShareMoved:
    """Move a worker's (or no one's) ``how_many`` oldest open cases, each with the open follow-ups
    the worker owns on it, to another; or, ``how_many`` None, all their open work, their
    follow-ups on others' cases too. For a manager, who sees no list of cases: what moved is
    counted under the PCN's rule."""
    actor.require(Permission.REASSIGN_WORK)
    source = _person_of_pcn(session, actor, from_worker_id) if from_worker_id is not None else None
    target = _target(session, actor, from_worker_id, to_worker_id)
    if how_many is not None and (isinstance(how_many, bool) or not isinstance(how_many, int) or how_many < 1):
        raise ValidationError("how_many", "Move at least 1 case, or choose to move all of them.")
    cases = dict(
        session.execute(
            select(Referral.id, Referral.version_id)
            .where(
                Referral.pcn_id == actor.pcn_id, _held_by(from_worker_id), Referral.status.in_(_OPEN_VALUES)
            )
            .order_by(Referral.received_on, Referral.id)
            .limit(how_many)
        ).all()
    )
    loose: dict[int, tuple[int, int]] = {}
    if how_many is None and source is not None:
        loose = {
            follow_up_id: (version, referral_id)
            for follow_up_id, version, referral_id in session.execute(
                select(FollowUp.id, FollowUp.version_id, FollowUp.referral_id)
                .join(Referral, Referral.id == FollowUp.referral_id)
                .where(
                    Referral.pcn_id == actor.pcn_id,
                    FollowUp.owner_id == source.id,
                    follow_up_open(),
                    ~(_held_by(source.id) & Referral.status.in_(_OPEN_VALUES)),
                )
            )
        }
    if not cases and not loose:
        if source is None:
            said = "every open referral has a link worker."
        elif how_many is None:
            said = f"{source.full_name} holds no open cases or follow-ups."
        else:
            said = f"{source.full_name} holds no open cases (move all their work to move their follow-ups)."
        raise ValidationError("chosen", f"There is nothing to move: {said}")
    moved_follow_ups = _write_move(session, actor, source, target, cases, loose)
    rule = rule_for_reader(session, actor)
    return ShareMoved(target.full_name, alone(len(cases), rule), alone(moved_follow_ups, rule))


def assign_choices(session: Session, actor: Actor, today: date | None = None) -> tuple[AssignChoice, ...]:
    """Who a case may be given to on its own screen, by name, each with their open cases and
    overdue follow-ups: the PCN's link workers and administrators holding work, and the actor
    themselves where their role may hold cases."""
    actor.require(Permission.EDIT_CASES)
    today = today or date.today()
    people = {holder.id: holder.full_name for holder in _holders(session, actor)}
    people.setdefault(actor.user_id, actor.full_name)
    open_cases = dict(
        session.execute(
            select(Referral.assigned_worker_id, func.count())
            .where(
                Referral.pcn_id == actor.pcn_id,
                Referral.assigned_worker_id.in_(list(people)),
                Referral.status.in_(_OPEN_VALUES),
            )
            .group_by(Referral.assigned_worker_id)
        ).all()
    )
    overdue = dict(
        session.execute(
            select(FollowUp.owner_id, func.count())
            .join(Referral, Referral.id == FollowUp.referral_id)
            .where(
                Referral.pcn_id == actor.pcn_id, FollowUp.owner_id.in_(list(people)), follow_up_overdue(today)
            )
            .group_by(FollowUp.owner_id)
        ).all()
    )
    return tuple(
        AssignChoice(
            person_id,
            name,
            open_cases.get(person_id, 0),
            overdue.get(person_id, 0),
            person_id == actor.user_id,
        )
        for person_id, name in sorted(people.items(), key=lambda item: (item[1], item[0]))
    )


def _may_list(actor: Actor) -> None:
    """Moving work case by case shows each case: for a role that moves work and sees records."""
    actor.require(Permission.REASSIGN_WORK)
    actor.require(Permission.SEE_IDENTIFIABLE)


def _target(session: Session, actor: Actor, from_worker_id: int | None, to_worker_id: int) -> Holder:
    if to_worker_id == from_worker_id:
        raise ValidationError("to_worker", "Choose someone other than the person the work is moved from.")
    target = next((holder for holder in _holders(session, actor) if holder.id == to_worker_id), None)
    if target is None:
        raise ValidationError("to_worker", "Choose an active link worker of this PCN to move the work to.")
    return target


def _write_move(
    session: Session,
    actor: Actor,
    source: UserAccount | None,
    target: Holder,
    cases: dict[int, int],
    loose: dict[int, tuple[int, int]],
) -> int:
    """Give ``cases`` (id: version), each with the open follow-ups the source owns on it, and the
    ``loose`` follow-ups (id: (version, case)) to ``target``, with their audit events; how many
    follow-ups moved. A record saved by someone else since it was read rolls the whole unit back."""
    source_id = source.id if source is not None else None
    follow_ups = dict(loose)
    if cases:
        follow_ups.update(
            {
                follow_up_id: (version, referral_id)
                for follow_up_id, version, referral_id in session.execute(
                    select(FollowUp.id, FollowUp.version_id, FollowUp.referral_id).where(
                        FollowUp.referral_id.in_(list(cases)), _owned_by(source_id), follow_up_open()
                    )
                )
            }
        )
    # One statement each, each row only at the version read: a save by someone else between
    # the read and this write leaves fewer rows changed, and the whole unit rolls back.
    moved_cases = _move(
        session,
        update(Referral)
        .where(tuple_(Referral.id, Referral.version_id).in_(list(cases.items())), _held_by(source_id))
        .values(assigned_worker_id=target.id, version_id=Referral.version_id + 1, updated_at=utc_now()),
    )
    moved_follow_ups = _move(
        session,
        update(FollowUp)
        .where(
            tuple_(FollowUp.id, FollowUp.version_id).in_(
                [(key, seen) for key, (seen, _case) in follow_ups.items()]
            ),
            _owned_by(source_id),
        )
        .values(owner_id=target.id, version_id=FollowUp.version_id + 1),
    )
    if (moved_cases, moved_follow_ups) != (len(cases), len(follow_ups)):
        raise WorkChanged(["a record saved a moment ago"])

    # The same event as assigning one case on its screen, so each case's history reads alike.
    detail = assignment_detail(target.id)
    audit.record_each(session, actor, ASSIGNED, "referral", [(rid, detail) for rid in sorted(cases)])
    audit.record_each(
        session,
        actor,
        "follow_up_reassigned",
        "referral",
        [(follow_ups[key][1], f"follow-up {key}, {detail}") for key in sorted(follow_ups)],
    )
    summary = f"{len(cases)} cases, {len(follow_ups)} follow-ups to {detail}"
    if source is not None:
        audit.record(session, actor, "work_reassigned", "user_account", source.id, summary)
    else:
        audit.record(session, actor, "work_allocated", "pcn", actor.pcn_id, summary)
    return len(follow_ups)


def _held_by(worker_id: int | None) -> ColumnElement[bool]:
    """A referral held by ``worker_id``, or by no one for None."""
    return (
        Referral.assigned_worker_id.is_(None)
        if worker_id is None
        else Referral.assigned_worker_id == worker_id
    )


def _owned_by(worker_id: int | None) -> ColumnElement[bool]:
    """A follow-up owned by ``worker_id``, or by no one for None."""
    return FollowUp.owner_id.is_(None) if worker_id is None else FollowUp.owner_id == worker_id


def _move(session: Session, statement: Update) -> int:
    """Run a bulk update of rows the session holds no objects for; how many rows it changed."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


def _tally(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _takes_cases(pcn_id: int) -> ColumnElement[bool]:
    """An active account of the PCN that takes casework: a link worker, or another role that may
    hold cases (an administrator) while it holds an open case or an open follow-up there."""
    holds_case = (
        select(Referral.id)
        .where(
            Referral.assigned_worker_id == UserAccount.id,
            Referral.pcn_id == pcn_id,
            Referral.status.in_(_OPEN_VALUES),
        )
        .exists()
    )
    owns_follow_up = (
        select(FollowUp.id)
        .join(Referral, Referral.id == FollowUp.referral_id)
        .where(FollowUp.owner_id == UserAccount.id, Referral.pcn_id == pcn_id, follow_up_open())
        .exists()
    )
    others = [
        role.value for role in Role if role is not Role.LINK_WORKER and allows(role, Permission.EDIT_CASES)
    ]
    return (
        (UserAccount.pcn_id == pcn_id)
        & UserAccount.active.is_(True)
        & (
            (UserAccount.role == Role.LINK_WORKER.value)
            | (UserAccount.role.in_(others) & (holds_case | owns_follow_up))
        )
    )


def _holders(session: Session, actor: Actor) -> list[Holder]:
    """The PCN's people who take casework (``_takes_cases``), by name."""
    rows = session.execute(
        select(UserAccount.id, UserAccount.full_name)
        .where(_takes_cases(actor.pcn_id))
        .order_by(UserAccount.full_name, UserAccount.id)
    )
    return [Holder(user_id, name) for user_id, name in rows]


def _person_of_pcn(session: Session, actor: Actor, user_id: int) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None or user.pcn_id != actor.pcn_id:
        raise NotFound("That person is not in your PCN.")
    return user
