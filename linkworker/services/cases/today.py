"""The link worker's day: their follow-ups overdue, due today and due this week, the PCN's new
referrals no one has taken yet, and their own people still waiting for a first contact after
the PCN's number of working days.

Every list is a handful of indexed queries (a worker's open follow-ups by day, the PCN's open
referrals by status), so the screen costs the same on a PCN's database and on an ICB's server.
Identifiable: only roles that see records and hold cases may call it. Opening the screen goes
to the audit trail; reading it again while it is on screen (``reread``: on focus, on a timer)
is not a new viewing. ``due_now`` is the small check behind the notice of what has come due: it
names no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.orm import Session

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.follow_ups import Due, due, week_end
from linkworker.domain.gp_codes import INTERACTION_STATUSES, NOT_REACHED
from linkworker.domain.intake import case_number
from linkworker.domain.referrals import CaseStatus, Urgency
from linkworker.domain.roles import Permission
from linkworker.domain.working_days import latest_start_beyond, parse_first_contact_wait, working_days_between
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.caseload import follow_up_open
from linkworker.store.models import Contact, FollowUp, Patient, Pcn, Practice, Referral

# The most rows a referral list shows; its total is counted beyond that.
LIST_LIMIT: Final = 100

# Open statuses a case holds before anyone has reached the person (the first interaction of
# domain.gp_codes moves it on, or ends it), and contacts that reached them.
_BEFORE_FIRST_CONTACT = [
    status.value for status in CaseStatus if status.is_open and status not in INTERACTION_STATUSES
]
_OPEN = [status.value for status in CaseStatus if status.is_open]
_NOT_REACHED = [kind.value for kind in NOT_REACHED]
_URGENCY_RANK = {Urgency.URGENT.value: 0, Urgency.SOON.value: 1, Urgency.ROUTINE.value: 2}


@dataclass(frozen=True)
class DueFollowUp:
    follow_up_id: int
    referral_id: int
    case_number: str
    person_name: str  # family name first, as the caseload shows people
    kind: FollowUpKind
    due_on: date
    note: str | None


@dataclass(frozen=True)
class WaitingCase:
    """A case waiting for someone: received ``working_days_waiting`` working days ago."""

    referral_id: int
    case_number: str
    person_name: str
    practice: str
    urgency: Urgency
    received_on: date
    working_days_waiting: int
    first_contact_overdue: bool  # not yet reached, and waiting longer than the PCN allows


@dataclass(frozen=True)
class TodayLists:
    today: date
    overdue: tuple[DueFollowUp, ...]
    due_today: tuple[DueFollowUp, ...]
    due_this_week: tuple[DueFollowUp, ...]  # after today, up to Sunday
    unassigned: tuple[WaitingCase, ...]  # urgent first, then longest waiting; at most LIST_LIMIT
    unassigned_total: int
    waiting: tuple[WaitingCase, ...]  # the worker's own, longest waiting first; at most LIST_LIMIT
    waiting_total: int
    first_contact_working_days: int

    @property
    def to_do_today(self) -> int:
        """What the navigation counts: follow-ups overdue or due today, and people waiting too long."""
        return len(self.overdue) + len(self.due_today) + self.waiting_total


@dataclass(frozen=True)
class DueItem:
    """A follow-up that has come due, without a name: what a notice may show."""

    follow_up_id: int
    case_number: str
    kind: FollowUpKind
    due_on: date


@dataclass(frozen=True)
class DueNow:
    today: date
    items: tuple[DueItem, ...]  # follow-ups overdue or due today, earliest first
    to_do_today: int  # as TodayLists.to_do_today

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if due(item.due_on, self.today) is Due.OVERDUE)


def today_lists(
    session: Session, actor: Actor, today: date | None = None, *, reread: bool = False
) -> TodayLists:
    """Everything the Today screen shows, read in one unit of work."""
    _require(actor)
    today = today or date.today()
    wait = first_contact_wait(session, actor)
    follow_ups = _due_follow_ups(session, actor, week_end(today))
    waiting, waiting_total = _cases(session, actor, _waiting_conditions(actor, today, wait), today, wait)
    unassigned, unassigned_total = _cases(session, actor, _unassigned_conditions(actor), today, wait)
    if not reread:
        audit.record(session, actor, "today_viewed", "pcn", actor.pcn_id)
    return TodayLists(
        today=today,
        overdue=tuple(item for item in follow_ups if due(item.due_on, today) is Due.OVERDUE),
        due_today=tuple(item for item in follow_ups if due(item.due_on, today) is Due.TODAY),
        due_this_week=tuple(item for item in follow_ups if due(item.due_on, today) is Due.THIS_WEEK),
        unassigned=unassigned,
        unassigned_total=unassigned_total,
        waiting=waiting,
        waiting_total=waiting_total,
        first_contact_working_days=wait,
    )


def due_now(session: Session, actor: Actor, today: date | None = None) -> DueNow:
    """The worker's follow-ups overdue or due today, and the navigation's count, for a notice."""
    _require(actor)
    today = today or date.today()
    found = session.execute(
        select(FollowUp.id, FollowUp.referral_id, FollowUp.kind, FollowUp.due_on)
        .join(Referral, Referral.id == FollowUp.referral_id)
        .where(*_open_follow_ups(actor), FollowUp.due_on <= today)
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    items = tuple(
        DueItem(follow_up_id, case_number(referral_id), FollowUpKind(kind), due_on)
        for follow_up_id, referral_id, kind, due_on in found
    )
    wait = first_contact_wait(session, actor)
    waiting = session.scalar(select(func.count(Referral.id)).where(*_waiting_conditions(actor, today, wait)))
    return DueNow(today, items, len(items) + (waiting or 0))


def first_contact_wait(session: Session, actor: Actor) -> int:
    """How many working days the PCN lets a new referral wait for a first contact."""
    days = session.scalar(select(Pcn.first_contact_working_days).where(Pcn.id == actor.pcn_id))
    assert days is not None, "an actor belongs to a PCN"
    return days


def set_first_contact_wait(session: Session, actor: Actor, days: int | str) -> int:
    """Change the first-contact wait for the whole PCN."""
    actor.require(Permission.SET_PCN_POLICY)
    chosen = parse_first_contact_wait(days)
    pcn = session.get(Pcn, actor.pcn_id)
    assert pcn is not None, "an actor belongs to a PCN"
    pcn.first_contact_working_days = chosen
    audit.record(session, actor, "first_contact_wait_set", "pcn", pcn.id, f"working_days={chosen}")
    return chosen


def _require(actor: Actor) -> None:
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)


def _open_follow_ups(actor: Actor) -> list[ColumnElement[bool]]:
    """The worker's open follow-ups on cases of their PCN, as the partial index on open ones has them."""
    return [FollowUp.owner_id == actor.user_id, follow_up_open(), Referral.pcn_id == actor.pcn_id]


def _due_follow_ups(session: Session, actor: Actor, until: date) -> list[DueFollowUp]:
    found = session.execute(
        select(
            FollowUp.id,
            FollowUp.referral_id,
            Patient.family_name,
            Patient.given_name,
            FollowUp.kind,
            FollowUp.due_on,
            FollowUp.note,
        )
        .join(Referral, Referral.id == FollowUp.referral_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(*_open_follow_ups(actor), FollowUp.due_on <= until)
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    return [
        DueFollowUp(
            follow_up_id,
            referral_id,
            case_number(referral_id),
            f"{family}, {given}",
            FollowUpKind(kind),
            due_on,
            note,
        )
        for follow_up_id, referral_id, family, given, kind, due_on, note in found
    ]


def _reached() -> ColumnElement[bool]:
    """Whether a contact on record reached the person (domain.gp_codes.first_interaction)."""
    return exists().where(Contact.referral_id == Referral.id, Contact.kind.not_in(_NOT_REACHED))


def _waiting_conditions(actor: Actor, today: date, wait: int) -> list[ColumnElement[bool]]:
    """The worker's open cases not yet reached, received more than ``wait`` working days ago."""
    return [
        Referral.assigned_worker_id == actor.user_id,
        Referral.pcn_id == actor.pcn_id,
        Referral.status.in_(_BEFORE_FIRST_CONTACT),
        Referral.received_on <= latest_start_beyond(today, wait),
        ~_reached(),
    ]


def _unassigned_conditions(actor: Actor) -> list[ColumnElement[bool]]:
    return [
        Referral.pcn_id == actor.pcn_id,
        Referral.status.in_(_OPEN),
        Referral.assigned_worker_id.is_(None),
    ]


def _cases(
    session: Session, actor: Actor, conditions: list[ColumnElement[bool]], today: date, wait: int
) -> tuple[tuple[WaitingCase, ...], int]:
    """The first LIST_LIMIT cases the conditions find, urgent first then longest waiting, and their total."""
    statement: Select[Any] = (
        select(
            Referral.id,
            Patient.family_name,
            Patient.given_name,
            Practice.name,
            Referral.urgency,
            Referral.received_on,
            case((Referral.status.in_(_BEFORE_FIRST_CONTACT), ~_reached()), else_=False),
        )
        .join(Patient, Patient.id == Referral.patient_id)
        .join(Practice, Practice.id == Referral.referring_practice_id)
        .where(*conditions)
        .order_by(
            case(_URGENCY_RANK, value=Referral.urgency, else_=len(_URGENCY_RANK)),
            Referral.received_on,
            Referral.id,
        )
        .limit(LIST_LIMIT + 1)
    )
    found = session.execute(statement).all()
    shown = found[:LIST_LIMIT]
    total = len(found)
    if total > LIST_LIMIT:
        total = session.scalar(select(func.count(Referral.id)).where(*conditions)) or 0
    rows = []
    for referral_id, family, given, practice, urgency, received_on, not_reached in shown:
        waited = working_days_between(received_on, today)
        rows.append(
            WaitingCase(
                referral_id,
                case_number(referral_id),
                f"{family}, {given}",
                practice,
                Urgency(urgency),
                received_on,
                waited,
                bool(not_reached) and waited > wait,
            )
        )
    return tuple(rows), total
