"""The caseload list: a link worker's own cases or every case of the PCN, a page at a time.

Filtering, searching and sorting all happen in SQL, so a page costs the same on a PCN's 1,000
referrals and on an ICB server's 300,000. A search for a case number ("LW-000960", "960") goes
straight to that case of the PCN, whatever the other filters say: the filters are for browsing,
and a number quoted on the phone must not come back "no cases" because the case has ended or is
a colleague's. Every order ends with the referral id, so paging
never shows a case twice or skips one while the data stands still. Identifiable: only roles
that may see records may call it, and each query (its first page) goes to the audit trail,
with the filters used but never the text searched for.

A follow-up is open while neither done nor cancelled, and overdue once open past its day: the
SQL for both is here (``follow_up_open``, ``follow_up_overdue``), worded as the partial indexes
on open follow-ups are, so the database can use them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    UnaryExpression,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from linkworker import catalogues
from linkworker.domain import nhs_number
from linkworker.domain.intake import case_number
from linkworker.domain.person import age_on, search_key
from linkworker.domain.referrals import ENDED, PATH, CaseStatus, parse_case_number
from linkworker.domain.roles import Permission, allows
from linkworker.domain.roles import Role as UserRole
from linkworker.domain.search_text import parse_search
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.cases import needs
from linkworker.store.models import (
    FollowUp,
    LocalNeed,
    Patient,
    Practice,
    Referral,
    ReferralNeed,
    UserAccount,
)

MAX_PAGE: Final = 500
# worker_id for cases that have no link worker yet (ids start at 1).
UNASSIGNED: Final = 0
# The most words of a name search tried as "given names, then family name".
_MAX_NAME_WORDS: Final = 6
# The columns of a query the filters are added to (``_filtered``).
_Columns = TypeVarTuple("_Columns")


class Scope(StrEnum):
    MINE = "mine"  # assigned to the signed-in worker
    PCN = "pcn"  # every case of the signed-in worker's PCN


class StatusGroup(StrEnum):
    """Status filters that stand for several statuses."""

    OPEN = "open"  # every status before a case ends
    ANY = "any"  # open and ended alike


class SortKey(StrEnum):
    CASE = "case"
    PERSON = "person"
    NHS_NUMBER = "nhs_number"
    AGE = "age"
    PRACTICE = "practice"
    STATUS = "status"
    WORKER = "worker"
    RECEIVED = "received"
    WAITING = "waiting"
    NEEDS = "needs"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CaseloadQuery:
    """What the list shows. ``search`` is a name ("Smith", "Sam Smith", "Smith, Sam"), an NHS
    number with or without spaces, or a case number (which sets every other filter aside);
    ``worker_id`` may be ``UNASSIGNED``; ``overdue`` keeps only cases with an open follow-up
    past its day."""

    scope: Scope = Scope.MINE
    practice_id: int | None = None
    status: CaseStatus | StatusGroup = StatusGroup.OPEN
    worker_id: int | None = None
    need: str | None = None
    search: str = ""
    overdue: bool = False
    sort: SortKey = SortKey.RECEIVED
    descending: bool = True


@dataclass(frozen=True)
class CaseloadRow:
    referral_id: int
    case_number: str
    given_name: str
    family_name: str
    nhs_number: str | None
    age: int
    practice: str
    status: CaseStatus
    worker: str | None
    received_on: date
    days_waiting: int | None  # days since the referral came in, while the case is open
    needs: tuple[str, ...]  # labels, in alphabetical order
    overdue_follow_ups: int = 0  # open follow-ups of the case past their day

    @property
    def person_name(self) -> str:
        """Family name first, as the list sorts and as NHS lists show people."""
        return f"{self.family_name}, {self.given_name}"


@dataclass(frozen=True)
class CaseloadPage:
    rows: tuple[CaseloadRow, ...]
    offset: int
    has_more: bool


@dataclass(frozen=True)
class WorkerChoice:
    id: int
    full_name: str
    active: bool


@dataclass(frozen=True)
class NeedChoice:
    code: str
    label: str


@dataclass(frozen=True)
class CaseloadChoices:
    """What the list's filters offer: the PCN's practices, the people who hold cases, the needs."""

    practices: tuple[organisation.PracticeSummary, ...]
    workers: tuple[WorkerChoice, ...]
    needs: tuple[NeedChoice, ...]


def page(
    session: Session,
    actor: Actor,
    query: CaseloadQuery,
    offset: int,
    limit: int,
    *,
    today: date | None = None,
    reread: bool = False,
) -> CaseloadPage:
    """Rows ``offset`` to ``offset + limit`` of the list. The first page of a query is audited as
    a viewing, unless it is ``reread``: the same list, on screen already, read again to show
    colleagues' changes (on the window's timer)."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page starts at 0 or later and holds 1 to {MAX_PAGE} rows")
    today = today or date.today()
    labels = _need_labels(session, actor)
    columns = select(
        Referral.id,
        Patient.given_name,
        Patient.family_name,
        Patient.nhs_number,
        Patient.date_of_birth,
        Practice.name,
        Referral.status,
        UserAccount.full_name,
        Referral.received_on,
    )
    statement = (
        _filtered(columns, actor, query, today, with_patient=True)
        .join(Practice, Practice.id == Referral.referring_practice_id)
        .outerjoin(UserAccount, UserAccount.id == Referral.assigned_worker_id)
        .order_by(*_order(query, labels, today))
        .offset(offset)
        .limit(limit + 1)
    )
    found = session.execute(statement).all()
    if offset == 0 and not reread:
        audit.record(session, actor, "caseload_viewed", "pcn", actor.pcn_id, _audit_detail(query))
    shown = found[:limit]
    shown_ids = [row[0] for row in shown]
    needs_of = _needs_of(session, shown_ids, labels)
    overdue_of = _overdue_of(session, shown_ids, today)
    rows = tuple(
        CaseloadRow(
            referral_id=referral_id,
            case_number=case_number(referral_id),
            given_name=given,
            family_name=family,
            nhs_number=number,
            age=age_on(born, today),
            practice=practice,
            status=CaseStatus(status),
            worker=worker,
            received_on=received,
            days_waiting=None if CaseStatus(status) in ENDED else (today - received).days,
            needs=needs_of.get(referral_id, ()),
            overdue_follow_ups=overdue_of.get(referral_id, 0),
        )
        for referral_id, given, family, number, born, practice, status, worker, received in shown
    )
    return CaseloadPage(rows, offset, len(found) > limit)


@dataclass(frozen=True)
class FirstPage:
    page: CaseloadPage
    total: int  # every case the query finds, on this page and beyond


def first_page(
    session: Session,
    actor: Actor,
    query: CaseloadQuery,
    limit: int,
    *,
    today: date | None = None,
    reread: bool = False,
) -> FirstPage:
    """What a new query shows first: its first page and its total. A page that holds every case
    is its own count, so a search (a page or less, mostly) costs one query, not two."""
    shown = page(session, actor, query, 0, limit, today=today, reread=reread)
    total = count(session, actor, query, today=today) if shown.has_more else len(shown.rows)
    return FirstPage(shown, total)


def count(session: Session, actor: Actor, query: CaseloadQuery, *, today: date | None = None) -> int:
    """How many cases the query finds in all (its sort does not matter)."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    statement = _filtered(
        select(func.count(Referral.id)), actor, query, today or date.today(), with_patient=_searches(query)
    )
    return session.scalar(statement) or 0


def choices(session: Session, actor: Actor) -> CaseloadChoices:
    """Every practice of the PCN (a closed one may still have cases), every person of the PCN whose
    role lets them hold cases, and the needs the PCN uses."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    holders = [role.value for role in UserRole if allows(role, Permission.EDIT_CASES)]
    workers = session.execute(
        select(UserAccount.id, UserAccount.full_name, UserAccount.active)
        .where(UserAccount.pcn_id == actor.pcn_id, UserAccount.role.in_(holders))
        .order_by(UserAccount.full_name, UserAccount.id)
    ).all()
    return CaseloadChoices(
        tuple(organisation.list_practices(session, actor, include_inactive=True)),
        tuple(WorkerChoice(worker_id, name, active) for worker_id, name, active in workers),
        tuple(
            NeedChoice(need.code, need.label)
            for need in sorted(needs.needs_for(session, actor), key=lambda need: need.label.casefold())
        ),
    )


def _searches(query: CaseloadQuery) -> bool:
    return bool(query.search.strip())


def follow_up_open() -> ColumnElement[bool]:
    """A follow-up neither done nor cancelled (``domain.follow_ups.is_open``), as SQL."""
    return and_(FollowUp.done_at.is_(None), FollowUp.cancelled_at.is_(None))


def follow_up_overdue(today: date) -> ColumnElement[bool]:
    """An open follow-up whose day has gone by (``domain.follow_ups.is_overdue``), as SQL."""
    return and_(follow_up_open(), FollowUp.due_on < today)


def _filtered(
    statement: Select[*_Columns], actor: Actor, query: CaseloadQuery, today: date, *, with_patient: bool
) -> Select[*_Columns]:
    """``statement`` from referral (joined to patient when ``with_patient``) with every filter applied."""
    statement = statement.select_from(Referral)
    if with_patient:
        statement = statement.join(Patient, Patient.id == Referral.patient_id)
    conditions: list[ColumnElement[bool]] = [Referral.pcn_id == actor.pcn_id]
    wanted = _case_searched(query)
    if wanted is not None:
        return statement.where(*conditions, Referral.id == wanted)
    if query.scope == Scope.MINE:
        conditions.append(Referral.assigned_worker_id == actor.user_id)
    if query.status == StatusGroup.OPEN:
        conditions.append(Referral.status.in_([status.value for status in CaseStatus if status.is_open]))
    elif query.status != StatusGroup.ANY:
        conditions.append(Referral.status == CaseStatus(query.status).value)
    if query.practice_id is not None:
        conditions.append(Referral.referring_practice_id == query.practice_id)
    if query.worker_id == UNASSIGNED:
        conditions.append(Referral.assigned_worker_id.is_(None))
    elif query.worker_id is not None:
        conditions.append(Referral.assigned_worker_id == query.worker_id)
    if query.need is not None:
        conditions.append(
            exists().where(ReferralNeed.referral_id == Referral.id, ReferralNeed.need_code == query.need)
        )
    if query.overdue:
        conditions.append(exists().where(FollowUp.referral_id == Referral.id, follow_up_overdue(today)))
    if _searches(query):
        conditions.append(_search_condition(parse_search(query.search)))
    return statement.where(*conditions)


def _case_searched(query: CaseloadQuery) -> int | None:
    """The case number searched for, if the search is one (checked as every search is)."""
    return parse_case_number(parse_search(query.search)) if _searches(query) else None


def _search_condition(text: str) -> ColumnElement[bool]:
    """An NHS number when the text has a digit (a name never has), otherwise a name; ``text`` is
    checked already (``domain.search_text``: short, with no hidden character).

    A name matches the start of the family name ("smi" finds Smith, "obri" finds O'Brien), or of
    the given and family names ("Sam Smi", "Smith, Sa"); case, accents and punctuation aside.
    """
    if any(ch.isdigit() for ch in text):
        return Patient.nhs_number == nhs_number.parse(text, "search")
    family_part, comma, given_part = text.partition(",")
    if comma:
        return _name_matches(given_part, family_part)
    words = text.split()[:_MAX_NAME_WORDS]
    whole_family = Patient.family_key.startswith(search_key(" ".join(words)))
    splits = [_name_matches(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
    return or_(whole_family, *splits)


def _name_matches(given: str, family: str) -> ColumnElement[bool]:
    condition = Patient.family_key.startswith(search_key(family))
    given = " ".join(given.split())
    if not given:
        return condition
    return and_(condition, Patient.given_name.istartswith(given, autoescape=True))


def _order(query: CaseloadQuery, labels: dict[str, str], today: date) -> list[UnaryExpression[Any]]:
    """The sort column's keys, then the referral id, in the chosen direction; blanks always last."""
    keys: list[SQLColumnExpression[Any]]
    match query.sort:
        case SortKey.CASE:
            keys = []
        case SortKey.PERSON:
            keys = [Patient.family_key, Patient.given_name]
        case SortKey.NHS_NUMBER:
            keys = [Patient.nhs_number]
        case SortKey.AGE:  # older first when descending: age falls as the date of birth rises
            return _directed(
                [_unindexed(Patient.date_of_birth), Referral.id], not query.descending, flip_id=True
            )
        case SortKey.PRACTICE:
            keys = [Practice.name]
        case SortKey.STATUS:
            keys = [case(_STATUS_RANK, value=Referral.status, else_=len(_STATUS_RANK))]
        case SortKey.WORKER:
            keys = [UserAccount.full_name]
        case SortKey.RECEIVED:
            keys = [Referral.received_on]
        case SortKey.WAITING:  # longest wait first when descending; ended cases, not waiting, last
            waiting_since = case((Referral.status.in_(_ENDED_VALUES), None), else_=Referral.received_on)
            return _directed([waiting_since, Referral.id], not query.descending, flip_id=True)
        case SortKey.NEEDS:
            keys = [_first_need_label(labels)]
        case SortKey.OVERDUE:
            keys = [_overdue_count(today)]
    return _directed([*keys, Referral.id], query.descending)


def _directed(
    keys: Sequence[SQLColumnExpression[Any]], descending: bool, *, flip_id: bool = False
) -> list[UnaryExpression[Any]]:
    """Each key in the direction, nulls last. ``flip_id`` keeps the id tie-breaker in the list's
    direction where the keys run against it (age and wait count backwards from dates)."""
    ordered: list[UnaryExpression[Any]] = []
    for key in keys:
        reverse = descending != (flip_id and key is Referral.id)
        ordered.append((key.desc() if reverse else key.asc()).nulls_last())
    return ordered


def _unindexed(key: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """``key`` (never null) as an expression no index holds.

    Sorting a PCN's cases by a patient column that has an index of its own (date of birth), a
    planner that cannot know most patients belong to other PCNs walks that index across the
    whole server, probing each patient's referrals for this PCN: 150 ms on an ICB's 270,000
    people. Sorting the PCN's own few thousand rows instead takes a few milliseconds.
    """
    return case((Referral.id > 0, key))


_STATUS_RANK = {status.value: rank for rank, status in enumerate([*PATH, *sorted(ENDED)])}
_ENDED_VALUES = [status.value for status in ENDED]


def _first_need_label(labels: dict[str, str]) -> ColumnElement[Any]:
    """The alphabetically first need label of the referral: the one the list shows first."""
    label = case(labels, value=ReferralNeed.need_code, else_=ReferralNeed.need_code)
    return select(func.min(label)).where(ReferralNeed.referral_id == Referral.id).scalar_subquery()


def _overdue_count(today: date) -> ColumnElement[Any]:
    """How many open follow-ups of the referral are past their day."""
    return (
        select(func.count(FollowUp.id))
        .where(FollowUp.referral_id == Referral.id, follow_up_overdue(today))
        .scalar_subquery()
    )


def _need_labels(session: Session, actor: Actor) -> dict[str, str]:
    """Every need code a referral of this PCN may hold, with its label: the national ones and
    the PCN's own, deactivated ones too (older referrals keep them)."""
    local = session.execute(select(LocalNeed.code, LocalNeed.label).where(LocalNeed.pcn_id == actor.pcn_id))
    return {need.code: need.label for need in catalogues.needs()} | {code: label for code, label in local}


def _needs_of(
    session: Session, referral_ids: list[int], labels: dict[str, str]
) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    if referral_ids:
        for referral_id, code in session.execute(
            select(ReferralNeed.referral_id, ReferralNeed.need_code).where(
                ReferralNeed.referral_id.in_(referral_ids)
            )
        ):
            found[referral_id].append(labels.get(code, code))
    return {referral_id: tuple(sorted(names)) for referral_id, names in found.items()}


def _overdue_of(session: Session, referral_ids: list[int], today: date) -> dict[int, int]:
    if not referral_ids:
        return {}
    rows = session.execute(
        select(FollowUp.referral_id, func.count(FollowUp.id))
        .where(FollowUp.referral_id.in_(referral_ids), follow_up_overdue(today))
        .group_by(FollowUp.referral_id)
    )
    return {referral_id: overdue for referral_id, overdue in rows}


def _audit_detail(query: CaseloadQuery) -> str:
    """The filters of a view, for the audit trail: never the searched text, which names a person."""
    search = "none"
    if _case_searched(query) is not None:
        search = "case number"
    elif _searches(query):
        search = "nhs number" if any(ch.isdigit() for ch in query.search) else "name"
    return (
        f"scope={query.scope.value} status={query.status.value} practice={query.practice_id or 'any'} "
        f"worker={'any' if query.worker_id is None else query.worker_id} need={query.need or 'any'} "
        f"overdue={'only' if query.overdue else 'any'} "
        f"search={search} sort={query.sort.value} {'desc' if query.descending else 'asc'}"
    )
