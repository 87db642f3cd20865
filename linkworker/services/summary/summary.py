"""The monthly PCN summary's figures, as exact values (domain.summary).

A handful of grouped queries fetch small results (counts per day and category, the cases open
in the month, each case's first contact and declining as the database finds them with the
domain's own rules put as SQL); the month's rules are then applied in Python, so each lives
once in domain. A case closed as opened in error counts nowhere (``referrals.counted_in_figures``).
Nothing here decides what a reader may see: the disclosure rule is applied when the summary is
shown. The tables of who is reached (issue 18: deprivation, distance, Core20) are made by
services.equity from the same cases; their rates and Core20 share are worked out once the counts'
protection is decided (domain.equity.derived), from the counts as shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Row, false, func, or_, select, union_all
from sqlalchemy.orm import Session

from linkworker.domain import equity as equity_rules
from linkworker.domain import measures
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.connections import OUTCOMES, ROUTES
from linkworker.domain.differencing import protect
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.disclosure import threshold_rule
from linkworker.domain.gp_codes import StatusEvent, declines, reaches, shows_interaction
from linkworker.domain.intake import SEX_LABELS, SOURCE_LABELS
from linkworker.domain.measures import DIRECTION_LABELS, Direction
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import ENDED, CaseStatus, ClosingReason, ReferralSource
from linkworker.domain.roles import Permission
from linkworker.domain.summary import (
    AGE_BANDS,
    BY_PRACTICE,
    COUNT_COLUMN,
    ENDING_LABELS,
    ETHNIC_GROUPS,
    REFERRALS,
    Figure,
    FigureTable,
    Kind,
    Summary,
    TrendPoint,
    age_band,
    count,
    ethnic_group,
    in_month,
    mean,
    median,
    month_end,
    month_start,
    share,
    trend_months,
)
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import PcnSummary, PracticeSummary
from linkworker.services.cases.needs import labels_of_pcn
from linkworker.services.cases.referrals import counted_in_figures
from linkworker.services.errors import Cancelled, GroupRefused, NotFound
from linkworker.services.summary import equity
from linkworker.services.summary.disclosure import pcn_for_figures
from linkworker.store.models import (
    Connection,
    Contact,
    Measure,
    Patient,
    Pcn,
    Practice,
    Referral,
    ReferralNeed,
    ServiceNeed,
    StatusChange,
)

STEPS = 7
# Counts shown in several places, named so each place shows them alike (domain.differencing).
PEOPLE_SUPPORTED = "people_supported"
FIRST_CONTACTS = "first_contacts"
CASES_ENDED = "cases_ended"


@dataclass(frozen=True)
class Scope:
    """A PCN the actor may summarise, with every practice of it (closed ones too: a month
    summarised may be from before a practice closed)."""

    pcn: PcnSummary
    practices: tuple[PracticeSummary, ...]


def scopes(session: Session, actor: Actor) -> list[Scope]:
    """The PCNs the actor may summarise: their own first, then (for an administrator on a
    shared server) every other by name."""
    own = pcn_for_figures(session, actor)
    query = select(Pcn).order_by(Pcn.name, Pcn.id)
    if not actor.may(Permission.ADMINISTER):
        query = query.where(Pcn.id == own.id)
    pcns = sorted(session.scalars(query), key=lambda pcn: pcn.id != own.id)
    practices: dict[int, list[PracticeSummary]] = defaultdict(list)
    for practice in session.scalars(
        select(Practice)
        .where(Practice.pcn_id.in_([pcn.id for pcn in pcns]))
        .order_by(Practice.name, Practice.id)
    ):
        practices[practice.pcn_id].append(
            PracticeSummary(
                practice.id, practice.ods_code, practice.name, practice.active, practice.version_id
            )
        )
    return [Scope(PcnSummary(pcn.id, pcn.ods_code, pcn.name), tuple(practices[pcn.id])) for pcn in pcns]


class SummaryExport(StrEnum):
    """How a summary left the app; each way is written to the audit trail."""

    PRINTED = "printed"
    SAVED_PDF = "saved_pdf"
    SAVED_CSV = "saved_csv"


def record_export(session: Session, actor: Actor, made: Summary, how: SummaryExport) -> None:
    """Write to the audit trail that the actor printed or saved a summary: which PCN, month and
    how many practices (figures only ever leave anonymised, but who sent which PCN's figures
    out, and when, is for the audit trail to say)."""
    pcn = session.scalar(select(Pcn).where(Pcn.ods_code == made.pcn_ods))
    if pcn is None:
        raise NotFound("That primary care network is not on this database.")
    pcn_for_figures(session, actor, pcn.id)
    detail = f"month={made.month:%Y-%m} practices={len(made.practices)}"
    audit.record(session, actor, f"summary_{SummaryExport(how).value}", "pcn", pcn.id, detail)


@dataclass(frozen=True)
class _Case:
    """One case open at some time in the month, with what the month's rules need of it."""

    id: int
    patient_id: int
    received_on: date
    ended_on: date | None
    ending: ClosingReason | None
    born: date
    sex: Sex
    ethnic: EthnicCategory
    postcode: str | None = None  # only to look up the area's quintile as the figures are made

    def open_on(self, day: date) -> bool:
        return self.received_on <= day and (self.ended_on is None or self.ended_on > day)

    def supported_in(self, month: date) -> bool:
        return self.received_on <= month_end(month) and (
            self.ended_on is None or self.ended_on >= month_start(month)
        )


def _local_date(moment: datetime) -> date:
    """The day a timestamp fell on where the app runs, as services.gp_record reads it."""
    return moment.astimezone().date()


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def build(
    session: Session,
    actor: Actor,
    month: date,
    practice_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    pcn_id: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Summary:
    """The summary of ``month`` for the actor's PCN (or, for an administrator, ``pcn_id``: any
    PCN on a shared server), or for the chosen practices of it.

    Raises ``Cancelled`` between steps once ``cancelled()`` turns true.
    """
    pcn = pcn_for_figures(session, actor, pcn_id)
    rule = threshold_rule(pcn.suppress_up_to)
    practices = list(
        session.execute(
            select(Practice.id, Practice.name, Practice.ods_code)
            .where(Practice.pcn_id == pcn.id)
            .order_by(Practice.name, Practice.id)
        )
    )
    chosen = selection(pcn.name, [row.id for row in practices], practice_ids)
    # The whole PCN's counts are totals of its practices': each practice's summary is made too, so
    # none of the PCN's can be set against them (domain.differencing).
    units = [row for row in practices if chosen in (None, row.id)]
    steps = STEPS * (len(units) + 1 if chosen is None else 1)

    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled
        if progress is not None:
            progress(done, steps)

    if chosen is not None:
        return equity_rules.derived(protect(_made(session, pcn, month, units, step), rule), rule)
    whole = _made(session, pcn, month, units, step, whole=True)
    theirs = [
        protect(_made(session, pcn, month, [row], _after(step, STEPS * (index + 1))), rule)
        for index, row in enumerate(units)
    ]
    return equity_rules.derived(
        protect(whole, rule, theirs), rule, [equity_rules.derived(one, rule) for one in theirs]
    )


def _after(step: Callable[[int], None], before: int) -> Callable[[int], None]:
    """``step`` counting on from the ``before`` steps already done."""
    return lambda done: step(before + done)


def _made(
    session: Session,
    pcn: Pcn,
    month: date,
    practices: Sequence[Row[int, str, str]],
    step: Callable[[int], None],
    *,
    whole: bool = False,
) -> Summary:
    """The summary's exact figures for the whole PCN or the one practice in ``practices``."""
    first, last = month_start(month), month_end(month)
    months = trend_months(first)
    # Every figure reads the referrals in scope, so a case opened in error is left out of all.
    scope = (Referral.pcn_id == pcn.id) & counted_in_figures()
    if not whole:
        scope = scope & (Referral.referring_practice_id == practices[0].id)

    step(0)
    received = _received(session, scope, months[0], last)
    step(1)
    labels = labels_of_pcn(session, pcn.id)
    needs = _needs(session, labels, scope, first, last)
    step(2)
    in_the_month = _open_between(scope, first, last)
    cases = _cases(session, in_the_month)
    step(3)
    # The trend's first contacts may be those of any case open in the twelve months.
    firsts = _first_interactions(session, _open_between(scope, months[0], last), months[0])
    declined = _declined(session, in_the_month, first)
    step(4)
    connections = _connections(session, labels, scope, first, last)
    made_to = equity.connections_made(session, scope, first, last)
    step(5)
    changes = _changes(session, in_the_month, {case.id for case in cases if case.supported_in(first)}, last)
    wellbeing = _wellbeing(changes, pcn.swemwbs_change_hundredths / 100)
    step(6)
    ended = (case.id for case in cases if in_month(case.ended_on, first))
    waits = _waits(session, {case_id: day for case_id, day in firsts.items() if in_month(day, first)})
    key = _key_figures(
        first,
        last,
        received,
        cases,
        waits=list(waits.values()),
        contacts=_contacts(session, ended),
        declines=sum(1 for day in declined.values() if in_month(day, first)),
    )
    reached = _reached(
        session, [row.ods_code for row in practices], last, cases, made_to, waits, changes, whole
    )
    tables = (
        _table(
            BY_PRACTICE,
            [(row.name, received.by_practice[row.id]) for row in practices],
            REFERRALS,
            # One practice's row is its count of new referrals, shown as that count is.
            row_quantity="" if whole else REFERRALS,
        ),
        _table(
            "New referrals by source",
            [(SOURCE_LABELS[source], received.by_source[source]) for source in ReferralSource],
            REFERRALS,
        ),
        needs,
        *_people_tables(first, cases),
        _table(
            "Cases ended by reason",
            [
                (label, sum(1 for case in cases if in_month(case.ended_on, first) and case.ending is reason))
                for reason, label in ENDING_LABELS.items()
            ],
            CASES_ENDED,
        ),
        connections,
        *wellbeing,
        *reached[1],
    )
    trend = tuple(
        TrendPoint(
            start,
            count("New referrals", received.by_month[start], REFERRALS if start == first else ""),
            count(
                "First contacts",
                sum(1 for day in firsts.values() if in_month(day, start)),
                FIRST_CONTACTS if start == first else "",
            ),
        )
        for start in months
    )
    step(STEPS)
    return Summary(
        pcn_name=pcn.name,
        pcn_ods=pcn.ods_code,
        month=first,
        practices=tuple(row.name for row in practices),
        practice_ods=None if whole else practices[0].ods_code,
        made_at=datetime.now(UTC),
        key_figures=key,
        tables=tables,
        trend=trend,
        notes=(measures.meaningful_change_note(pcn.swemwbs_change_hundredths / 100), reached[0]),
    )


def _reached(
    session: Session,
    practice_codes: Sequence[str],
    last: date,
    cases: list[_Case],
    made_to: Sequence[tuple[str | None, ConnectionStatus, float | None, bool]],
    waits: dict[int, int],
    changes: _Changes,
    whole: bool,
) -> tuple[str, tuple[FigureTable, ...]]:
    """The note naming the index, and the tables of who is reached (services.equity): each
    person's quintile looked up from their postcode now, never stored."""
    first = month_start(last)
    postcode_of = {case.id: case.postcode for case in cases}
    areas = equity.areas(
        session, practice_codes, last, [*postcode_of.values(), *(typed for typed, *_rest in made_to)]
    )

    def quintile_of(case_id: int) -> int | None:
        return areas.quintile_of(postcode_of.get(case_id))

    referred = [areas.quintile_of(case.postcode) for case in cases if in_month(case.received_on, first)]
    made = [
        equity.Made(areas.quintile_of(typed), status, km, out_of_hours)
        for typed, status, km, out_of_hours in made_to
    ]
    return areas.note(), (
        *equity.referral_tables(areas, practice_codes, referred, whole=whole),
        *equity.connection_tables(made, areas.index),
        equity.wait_table([(quintile_of(case_id), days) for case_id, days in waits.items()], areas.index),
        *equity.wellbeing_tables(
            [(quintile_of(case_id), change) for case_id, change in changes.ons4.items()],
            [(quintile_of(case_id), change) for case_id, change in changes.swemwbs.items()],
            areas.index,
        ),
    )


def selection(pcn_name: str, practice_ids: Sequence[int], chosen: Sequence[int] | None) -> int | None:
    """The practice a summary is for (its files then bear its code), or None for the whole PCN
    (nothing chosen, or every practice of several).

    Only the whole PCN or one practice: figures for any other group of practices could be set
    against the PCN's and each practice's to work out a starred count by subtraction (the ICO's
    motivated intruder; see domain.differencing), so such a group is refused, never summarised.
    """
    picked = set(chosen) if chosen is not None else set()
    if chosen is None or (len(picked) > 1 and picked == set(practice_ids)):
        return None
    if not picked or not picked <= set(practice_ids):
        raise NotFound(f"Choose the whole of {pcn_name} or one of its practices.")
    if len(picked) > 1:
        raise GroupRefused(
            f"A summary is for the whole of {pcn_name} or for one practice. Figures for a group of "
            "practices could be subtracted from the whole PCN's to reveal small numbers, so choose "
            "the whole PCN or a single practice."
        )
    return picked.pop()


def _open_between(scope: ColumnElement[bool], since: date, last: date) -> ColumnElement[bool]:
    """The cases in scope that may have been open from ``since`` to ``last``: received by then and
    open now or ended since (a day's slack for the time zone; the exact dates are read in Python)."""
    return (
        scope
        & (Referral.received_on <= last)
        & (
            Referral.status.not_in([status.value for status in ENDED])
            | (Referral.status_changed_at >= _utc_midnight(since - timedelta(days=1)))
        )
    )


@dataclass(frozen=True)
class _Received:
    by_month: Counter[date]
    by_practice: Counter[int]
    by_source: Counter[ReferralSource]


def _received(session: Session, scope: ColumnElement[bool], since: date, last: date) -> _Received:
    """New referrals per month of the twelve, and the chosen month's by practice and source."""
    rows = session.execute(
        select(Referral.received_on, Referral.referring_practice_id, Referral.source, func.count())
        .where(scope, Referral.received_on >= since, Referral.received_on <= last)
        .group_by(Referral.received_on, Referral.referring_practice_id, Referral.source)
    )
    result = _Received(Counter(), Counter(), Counter())
    for received_on, practice_id, source, number in rows:
        result.by_month[month_start(received_on)] += number
        if in_month(received_on, last):
            result.by_practice[practice_id] += number
            result.by_source[ReferralSource(source)] += number
    return result


def _needs(
    session: Session, labels: dict[str, str], scope: ColumnElement[bool], first: date, last: date
) -> FigureTable:
    """The month's new referrals per need recorded; a referral counts once for each of its needs,
    so the rows add up to more than the referrals and the table has no total."""
    rows = session.execute(
        select(ReferralNeed.need_code, func.count())
        .join(Referral, Referral.id == ReferralNeed.referral_id)
        .where(scope, Referral.received_on >= first, Referral.received_on <= last)
        .group_by(ReferralNeed.need_code)
    )
    counted = sorted(
        ((labels.get(code, code), number) for code, number in rows), key=lambda row: (-row[1], row[0])
    )
    return FigureTable(
        "New referrals by need",
        COUNT_COLUMN,
        tuple((label, (count(COUNT_COLUMN[0], number),)) for label, number in counted),
    )


def _cases(session: Session, active: ColumnElement[bool]) -> list[_Case]:
    rows = session.execute(
        select(
            Referral.id,
            Referral.patient_id,
            Referral.received_on,
            Referral.status,
            Referral.status_changed_at,
            Referral.closing_reason,
            Patient.date_of_birth,
            Patient.sex,
            Patient.ethnic_category,
            Patient.postcode,
        )
        .join(Patient, Patient.id == Referral.patient_id)
        .where(active)
    )
    cases = []
    for row in rows:
        status = CaseStatus(row.status)
        ended = status in ENDED
        cases.append(
            _Case(
                id=row.id,
                patient_id=row.patient_id,
                received_on=row.received_on,
                ended_on=_local_date(row.status_changed_at) if ended else None,
                ending=_ending(status, row.closing_reason) if ended else None,
                born=row.date_of_birth,
                sex=Sex(row.sex),
                ethnic=EthnicCategory(row.ethnic_category),
                postcode=row.postcode,
            )
        )
    return cases


def _ending(status: CaseStatus, reason: str | None) -> ClosingReason:
    """How an ended case ended: its closing reason, or what its status says where none was kept."""
    if reason:
        return ClosingReason(reason)
    return ClosingReason.DECLINED if status is CaseStatus.DECLINED else ClosingReason.NOT_CONTACTABLE


def _moves_where(rule: Callable[[StatusEvent], bool]) -> ColumnElement[bool]:
    """The moves a gp_codes rule accepts, as an SQL condition: the rule is asked of every status
    a case can move to with every closing reason (or none), so it stays written once, in domain."""
    reasons = (None, *ClosingReason)
    terms = []
    for status in CaseStatus:
        taken = [reason for reason in reasons if rule(StatusEvent(date.min, status, reason))]
        if len(taken) == len(reasons):
            terms.append(StatusChange.to_status == status.value)
        elif taken:
            named = StatusChange.reason.in_([reason.value for reason in taken if reason is not None])
            terms.append(
                (StatusChange.to_status == status.value)
                & (named | StatusChange.reason.is_(None) if None in taken else named)
            )
    return or_(false(), *terms)


_REACHING = [kind.value for kind in ContactKind if reaches(kind)]


def _first_interactions(session: Session, active: ColumnElement[bool], since: date) -> dict[int, date]:
    """The active cases first reached on or after ``since`` and never declined (gp_codes.taken_up_on:
    the episodes whose referral code fell due), each with that day: the earliest reaching contact
    or interaction move of each case, found by the database, as reading every event of twelve
    months of cases took most of the summary's time."""
    declined = select(StatusChange.id).where(StatusChange.referral_id == Referral.id, _moves_where(declines))
    cases = select(Referral.id).where(active, ~declined.exists())
    events = union_all(
        select(Contact.referral_id.label("referral_id"), Contact.occurred_at.label("at")).where(
            Contact.referral_id.in_(cases), Contact.kind.in_(_REACHING)
        ),
        select(StatusChange.referral_id, StatusChange.changed_at).where(
            StatusChange.referral_id.in_(cases), _moves_where(shows_interaction)
        ),
    ).subquery()
    earliest = func.min(events.c.at)
    return _days(
        session.execute(
            select(events.c.referral_id, earliest)
            .group_by(events.c.referral_id)
            .having(earliest >= _utc_midnight(since - timedelta(days=1)))
        )
    )


def _declined(session: Session, active: ColumnElement[bool], since: date) -> dict[int, date]:
    """The active cases that declined on or after ``since`` (gp_codes.declined_on), with the day."""
    earliest = func.min(StatusChange.changed_at)
    return _days(
        session.execute(
            select(StatusChange.referral_id, earliest)
            .where(StatusChange.referral_id.in_(select(Referral.id).where(active)), _moves_where(declines))
            .group_by(StatusChange.referral_id)
            .having(earliest >= _utc_midnight(since - timedelta(days=1)))
        )
    )


def _days(rows: Iterable[tuple[int, datetime]]) -> dict[int, date]:
    return {case_id: _local_date(moment) for case_id, moment in rows}


def _contacts(session: Session, case_ids: Iterable[int]) -> Counter[int]:
    """How many contacts each of the cases has on record."""
    rows = session.execute(
        select(Contact.referral_id, func.count())
        .where(Contact.referral_id.in_(list(case_ids)))
        .group_by(Contact.referral_id)
    )
    return Counter({case_id: number for case_id, number in rows})


def _waits(session: Session, firsts: dict[int, date]) -> dict[int, int]:
    """Days from referral to first contact for each case first reached on the day given."""
    received = session.execute(select(Referral.id, Referral.received_on).where(Referral.id.in_(list(firsts))))
    return {case_id: (firsts[case_id] - day).days for case_id, day in received}


def _key_figures(
    first: date,
    last: date,
    received: _Received,
    cases: list[_Case],
    *,
    waits: list[int],
    contacts: Counter[int],
    declines: int,
) -> tuple[Figure, ...]:
    ended = [case for case in cases if in_month(case.ended_on, first)]
    supported = {case.patient_id for case in cases if case.supported_in(first)}
    return (
        count("New referrals", received.by_month[first], REFERRALS),
        count("People supported", len(supported), PEOPLE_SUPPORTED),
        count("First contacts", len(waits), FIRST_CONTACTS),
        Figure("Median days from referral to first contact", Kind.MEDIAN, median(waits), len(waits)),
        count("Open caseload at month end", sum(1 for case in cases if case.open_on(last))),
        count("Cases ended", len(ended), CASES_ENDED),
        Figure(
            "Median contacts per ended case",
            Kind.MEDIAN,
            median(contacts[case.id] for case in ended),
            len(ended),
        ),
        count("Declines", declines),
    )


def _table(
    title: str, rows: Iterable[tuple[str, int]], quantity: str = "", *, row_quantity: str = ""
) -> FigureTable:
    """A one-column table of counts whose rows add up to its total, the count named ``quantity``
    wherever else it is shown."""
    listed = list(rows)
    return FigureTable(
        title,
        COUNT_COLUMN,
        tuple((label, (count(COUNT_COLUMN[0], number, row_quantity),)) for label, number in listed),
        (count(COUNT_COLUMN[0], sum(number for _label, number in listed), quantity),),
        parts_add_up=True,
    )


def _people_tables(first: date, cases: list[_Case]) -> tuple[FigureTable, ...]:
    """The people supported in the month (each once) by age band on the 1st, sex and ethnic group."""
    people = {case.patient_id: case for case in cases if case.supported_in(first)}.values()
    bands = Counter(age_band(case.born, first) for case in people)
    sexes = Counter(case.sex for case in people)
    groups = Counter(ethnic_group(case.ethnic) for case in people)
    return (
        _table("People supported by age band", [(band, bands[band]) for band in AGE_BANDS], PEOPLE_SUPPORTED),
        _table("People supported by sex", [(SEX_LABELS[sex], sexes[sex]) for sex in Sex], PEOPLE_SUPPORTED),
        _table(
            "People supported by ethnic group",
            [(group, groups[group]) for group in ETHNIC_GROUPS],
            PEOPLE_SUPPORTED,
        ),
    )


def _connections(
    session: Session, labels: dict[str, str], scope: ColumnElement[bool], first: date, last: date
) -> FigureTable:
    """Connections made in the month per need their service meets (once per need), with the share
    attended of those with an outcome; the total counts each connection once."""
    rows = list(
        session.execute(
            select(Connection.id, Connection.status, ServiceNeed.need_code)
            .join(Referral, Referral.id == Connection.referral_id)
            .outerjoin(ServiceNeed, ServiceNeed.service_id == Connection.service_id)
            .where(
                scope,
                Connection.route.in_([route.value for route in ROUTES]),
                Connection.made_on >= first,
                Connection.made_on <= last,
            )
        )
    )
    per_need: dict[str, list[ConnectionStatus]] = defaultdict(list)
    statuses: dict[int, ConnectionStatus] = {}
    for connection_id, status, need_code in rows:
        statuses[connection_id] = ConnectionStatus(status)
        label = labels.get(need_code, need_code) if need_code else "No category recorded"
        per_need[label].append(ConnectionStatus(status))
    columns = ("Connections", "Attended (of those with an outcome)")

    def cells(made: Sequence[ConnectionStatus]) -> tuple[Figure, ...]:
        outcomes = [status for status in made if status in OUTCOMES]
        attended = sum(1 for status in outcomes if status is ConnectionStatus.ATTENDED)
        return count(columns[0], len(made)), share(columns[1], attended, len(outcomes))

    ordered = sorted(per_need.items(), key=lambda item: (-len(item[1]), item[0]))
    made, attended = cells(list(statuses.values()))
    return FigureTable(
        "Connections made by service category",
        columns,
        tuple((label, cells(made)) for label, made in ordered),
        # Counted again by quintile and distance (domain.equity): one quantity, shown alike.
        (replace(made, quantity=equity_rules.CONNECTIONS_MADE), attended),
    )


@dataclass(frozen=True)
class _Changes:
    """Each case's change from baseline to latest follow-up, by instrument."""

    ons4: dict[int, tuple[measures.Ons4Change, ...]]
    swemwbs: dict[int, measures.SwemwbsChange]


def _changes(session: Session, candidates: ColumnElement[bool], supported: set[int], last: date) -> _Changes:
    """Change from baseline to the latest follow-up by the month end, for the cases supported in
    the month that have both (domain.measures). ``candidates`` narrows the read to cases that may
    be among ``supported``, which decides."""
    taken: dict[tuple[int, Instrument], list[tuple[MeasureStage, list[int]]]] = defaultdict(list)
    for referral_id, instrument, stage, answers in session.execute(
        select(Measure.referral_id, Measure.instrument, Measure.stage, Measure.answers)
        .where(Measure.referral_id.in_(select(Referral.id).where(candidates)), Measure.taken_on <= last)
        .order_by(Measure.referral_id, Measure.taken_on, Measure.id)
    ):
        if referral_id in supported:
            taken[(referral_id, Instrument(instrument))].append((MeasureStage(stage), answers))
    found = _Changes({}, {})
    for (referral_id, instrument), rows in taken.items():
        pair = measures.baseline_and_latest([stage for stage, _answers in rows])
        if pair is None:
            continue
        baseline, latest = rows[pair[0]][1], rows[pair[1]][1]
        if instrument is Instrument.ONS4:
            found.ons4[referral_id] = measures.ons4_changes(baseline, latest)
        else:
            found.swemwbs[referral_id] = measures.swemwbs_change(baseline, latest)
    return found


def _wellbeing(found: _Changes, swemwbs_meaningful: float) -> tuple[FigureTable, FigureTable]:
    """ONS4 per question and SWEMWBS on its metric score, each person counted as improved, no
    meaningful change or worse (domain.measures; SWEMWBS by the PCN's threshold)."""
    ons4 = list(found.ons4.values())
    swemwbs = list(found.swemwbs.values())
    columns = ("People", "Mean change", *DIRECTION_LABELS.values())

    def cells(changes: Sequence[float], directions: Sequence[Direction], quantity: str) -> tuple[Figure, ...]:
        people = len(changes)
        return (
            # Counted again by quintile (domain.equity): one quantity, shown alike.
            count(columns[0], people, quantity),
            Figure(columns[1], Kind.MEAN, mean(changes), people),
            *(
                share(label, sum(1 for moved in directions if moved is direction), people)
                for direction, label in DIRECTION_LABELS.items()
            ),
        )

    ons4_rows = tuple(
        (
            question.label
            + (" (a fall is an improvement)" if question is measures.Ons4Question.ANXIOUS else ""),
            cells(
                [changes[index].change for changes in ons4],
                [measures.ons4_direction(changes[index]) for changes in ons4],
                equity_rules.ONS4_PEOPLE,
            ),
        )
        for index, question in enumerate(measures.Ons4Question)
    )
    swemwbs_row = (
        "Metric score",
        cells(
            [change.metric_change for change in swemwbs],
            [measures.swemwbs_direction(change, swemwbs_meaningful) for change in swemwbs],
            equity_rules.SWEMWBS_PEOPLE,
        ),
    )
    return (
        FigureTable("ONS4 wellbeing: change from baseline to latest follow-up", columns, ons4_rows),
        FigureTable("SWEMWBS wellbeing: change from baseline to latest follow-up", columns, (swemwbs_row,)),
    )
