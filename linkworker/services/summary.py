"""The monthly PCN summary's figures, as exact values (domain.summary).

A handful of grouped queries fetch small results (counts per day and category, the earliest
event of each kind per case, the cases active in the twelve months); the month's rules are then
applied in Python, so each lives once in domain. Nothing here decides what a reader may see:
the disclosure rule is applied when the summary is shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from linkworker.domain import measures
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.connections import OUTCOMES, ROUTES
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.gp_codes import (
    ContactEvent,
    EpisodeHistory,
    StatusEvent,
    declined_on,
    first_interaction,
)
from linkworker.domain.intake import SEX_LABELS, SOURCE_LABELS
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import ENDED, CaseStatus, ClosingReason, ReferralSource
from linkworker.domain.roles import Permission
from linkworker.domain.summary import (
    AGE_BANDS,
    ENDING_LABELS,
    ETHNIC_GROUPS,
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
from linkworker.services.actor import Actor
from linkworker.services.errors import NotFound
from linkworker.services.needs import need_labels
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
COUNT_COLUMN = ("Number",)


@dataclass(frozen=True)
class _Case:
    """One case active in the twelve months, with what the month's rules need of it."""

    id: int
    patient_id: int
    received_on: date
    ended_on: date | None
    ending: ClosingReason | None
    born: date
    sex: Sex
    ethnic: EthnicCategory

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
) -> Summary:
    """The summary of ``month`` for the actor's PCN, or for the chosen practices of it."""
    actor.require(Permission.SEE_AGGREGATES)
    first, last = month_start(month), month_end(month)
    months = trend_months(first)
    pcn = session.get(Pcn, actor.pcn_id)
    if pcn is None:
        raise NotFound("Your primary care network was not found.")
    practices = list(
        session.execute(
            select(Practice.id, Practice.name)
            .where(Practice.pcn_id == pcn.id)
            .order_by(Practice.name, Practice.id)
        )
    )
    if practice_ids is not None:
        chosen = set(practice_ids)
        if not chosen or not chosen <= {row.id for row in practices}:
            raise NotFound("Choose one or more practices of your primary care network.")
        practices = [row for row in practices if row.id in chosen]
    scope = Referral.pcn_id == pcn.id
    if practice_ids is not None:
        scope = scope & Referral.referring_practice_id.in_([row.id for row in practices])

    def step(done: int) -> None:
        if progress is not None:
            progress(done, STEPS)

    received = _received(session, scope, months[0], last)
    step(1)
    needs = _needs(session, actor, scope, first, last)
    step(2)
    # Cases that may have been open in the twelve months: open now, or ended in them (a day's
    # slack for the time zone; the exact dates are read in Python).
    active = scope & (Referral.received_on <= last)
    active = active & (
        Referral.status.not_in([status.value for status in ENDED])
        | (Referral.status_changed_at >= _utc_midnight(months[0] - timedelta(days=1)))
    )
    cases = _cases(session, active)
    step(3)
    histories, contact_counts = _histories(session, active)
    step(4)
    connections = _connections(session, actor, scope, first, last)
    step(5)
    wellbeing = _wellbeing(session, active, {case.id for case in cases if case.supported_in(first)}, last)
    step(6)

    firsts = {case.id: first_interaction(histories.get(case.id, EpisodeHistory())) for case in cases}
    key = _key_figures(first, last, received, cases, histories, firsts, contact_counts)
    tables = (
        _table(
            "New referrals by referring practice",
            [(row.name, received.by_practice[row.id]) for row in practices],
        ),
        _table(
            "New referrals by source",
            [(SOURCE_LABELS[source], received.by_source[source]) for source in ReferralSource],
        ),
        needs,
        *_people_tables(first, cases),
        _table(
            "Cases ended by reason",
            [
                (label, sum(1 for case in cases if in_month(case.ended_on, first) and case.ending is reason))
                for reason, label in ENDING_LABELS.items()
            ],
        ),
        connections,
        *wellbeing,
    )
    trend = tuple(
        TrendPoint(
            start,
            count("New referrals", received.by_month[start]),
            count("First contacts", sum(1 for day in firsts.values() if in_month(day, start))),
        )
        for start in months
    )
    step(STEPS)
    return Summary(
        pcn_name=pcn.name,
        pcn_ods=pcn.ods_code,
        month=first,
        practices=tuple(row.name for row in practices),
        made_at=datetime.now(UTC),
        key_figures=key,
        tables=tables,
        trend=trend,
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
    session: Session, actor: Actor, scope: ColumnElement[bool], first: date, last: date
) -> FigureTable:
    """The month's new referrals per need recorded; a referral counts once for each of its needs,
    so the rows add up to more than the referrals and the table has no total."""
    rows = session.execute(
        select(ReferralNeed.need_code, func.count())
        .join(Referral, Referral.id == ReferralNeed.referral_id)
        .where(scope, Referral.received_on >= first, Referral.received_on <= last)
        .group_by(ReferralNeed.need_code)
    )
    labels = need_labels(session, actor)
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
            )
        )
    return cases


def _ending(status: CaseStatus, reason: str | None) -> ClosingReason:
    """How an ended case ended: its closing reason, or what its status says where none was kept."""
    if reason:
        return ClosingReason(reason)
    return ClosingReason.DECLINED if status is CaseStatus.DECLINED else ClosingReason.NOT_CONTACTABLE


def _histories(
    session: Session, active: ColumnElement[bool]
) -> tuple[dict[int, EpisodeHistory], Counter[int]]:
    """Each active case's earliest contact of each kind and earliest move of each kind (all the
    first-interaction and declining rules need), and its number of contacts."""
    cases = select(Referral.id).where(active)
    contacts: dict[int, list[ContactEvent]] = defaultdict(list)
    counts: Counter[int] = Counter()
    for referral_id, kind, earliest, number in session.execute(
        select(Contact.referral_id, Contact.kind, func.min(Contact.occurred_at), func.count())
        .where(Contact.referral_id.in_(cases))
        .group_by(Contact.referral_id, Contact.kind)
    ):
        contacts[referral_id].append(ContactEvent(_local_date(earliest), ContactKind(kind)))
        counts[referral_id] += number
    moves: dict[int, list[StatusEvent]] = defaultdict(list)
    for referral_id, to_status, reason, earliest in session.execute(
        select(
            StatusChange.referral_id,
            StatusChange.to_status,
            StatusChange.reason,
            func.min(StatusChange.changed_at),
        )
        .where(StatusChange.referral_id.in_(cases))
        .group_by(StatusChange.referral_id, StatusChange.to_status, StatusChange.reason)
    ):
        moves[referral_id].append(
            StatusEvent(
                _local_date(earliest),
                CaseStatus(to_status),
                ClosingReason(reason) if reason else None,
            )
        )
    histories = {
        referral_id: EpisodeHistory(tuple(contacts.get(referral_id, ())), tuple(moves.get(referral_id, ())))
        for referral_id in contacts.keys() | moves.keys()
    }
    return histories, counts


def _key_figures(
    first: date,
    last: date,
    received: _Received,
    cases: list[_Case],
    histories: dict[int, EpisodeHistory],
    firsts: dict[int, date | None],
    contact_counts: Counter[int],
) -> tuple[Figure, ...]:
    by_id = {case.id: case for case in cases}
    waits = [
        (day - by_id[case_id].received_on).days for case_id, day in firsts.items() if in_month(day, first)
    ]
    ended = [case for case in cases if in_month(case.ended_on, first)]
    declines = sum(
        1 for case in cases if in_month(declined_on(histories.get(case.id, EpisodeHistory())), first)
    )
    supported = {case.patient_id for case in cases if case.supported_in(first)}
    return (
        count("New referrals", received.by_month[first]),
        count("People supported", len(supported)),
        count("First contacts", len(waits)),
        Figure("Median days from referral to first contact", Kind.MEDIAN, median(waits), len(waits)),
        count("Open caseload at month end", sum(1 for case in cases if case.open_on(last))),
        count("Cases ended", len(ended)),
        Figure(
            "Median contacts per ended case",
            Kind.MEDIAN,
            median(contact_counts[case.id] for case in ended),
            len(ended),
        ),
        count("Declines", declines),
    )


def _table(title: str, rows: Iterable[tuple[str, int]]) -> FigureTable:
    """A one-column table of counts, with its total."""
    listed = list(rows)
    return FigureTable(
        title,
        COUNT_COLUMN,
        tuple((label, (count(COUNT_COLUMN[0], number),)) for label, number in listed),
        (count(COUNT_COLUMN[0], sum(number for _label, number in listed)),),
    )


def _people_tables(first: date, cases: list[_Case]) -> tuple[FigureTable, ...]:
    """The people supported in the month (each once) by age band on the 1st, sex and ethnic group."""
    people = {case.patient_id: case for case in cases if case.supported_in(first)}.values()
    bands = Counter(age_band(case.born, first) for case in people)
    sexes = Counter(case.sex for case in people)
    groups = Counter(ethnic_group(case.ethnic) for case in people)
    return (
        _table("People supported by age band", [(band, bands[band]) for band in AGE_BANDS]),
        _table("People supported by sex", [(SEX_LABELS[sex], sexes[sex]) for sex in Sex]),
        _table("People supported by ethnic group", [(group, groups[group]) for group in ETHNIC_GROUPS]),
    )


def _connections(
    session: Session, actor: Actor, scope: ColumnElement[bool], first: date, last: date
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
    labels = need_labels(session, actor)
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
    return FigureTable(
        "Connections made by service category",
        columns,
        tuple((label, cells(made)) for label, made in ordered),
        cells(list(statuses.values())),
    )


def _wellbeing(
    session: Session, active: ColumnElement[bool], supported: set[int], last: date
) -> tuple[FigureTable, FigureTable]:
    """Change from baseline to the latest follow-up by the month end, for the cases supported in
    the month that have both: ONS4 per question, SWEMWBS on its metric score."""
    taken: dict[tuple[int, Instrument], list[tuple[MeasureStage, list[int]]]] = defaultdict(list)
    for referral_id, instrument, stage, answers in session.execute(
        select(Measure.referral_id, Measure.instrument, Measure.stage, Measure.answers)
        .where(Measure.referral_id.in_(select(Referral.id).where(active)), Measure.taken_on <= last)
        .order_by(Measure.referral_id, Measure.taken_on, Measure.id)
    ):
        if referral_id in supported:
            taken[(referral_id, Instrument(instrument))].append((MeasureStage(stage), answers))
    ons4: list[tuple[measures.Ons4Change, ...]] = []
    swemwbs: list[measures.SwemwbsChange] = []
    for (_referral_id, instrument), rows in taken.items():
        pair = measures.baseline_and_latest([stage for stage, _answers in rows])
        if pair is None:
            continue
        baseline, latest = rows[pair[0]][1], rows[pair[1]][1]
        if instrument is Instrument.ONS4:
            ons4.append(measures.ons4_changes(baseline, latest))
        else:
            swemwbs.append(measures.swemwbs_change(baseline, latest))
    columns = ("People", "Mean change", "Improved")

    def cells(changes: Sequence[float], improved: int) -> tuple[Figure, ...]:
        people = len(changes)
        return (
            count(columns[0], people),
            Figure(columns[1], Kind.MEAN, mean(changes), people),
            share(columns[2], improved, people),
        )

    ons4_rows = tuple(
        (
            question.label
            + (" (a fall is an improvement)" if question is measures.Ons4Question.ANXIOUS else ""),
            cells(
                [changes[index].change for changes in ons4],
                sum(1 for changes in ons4 if changes[index].improved),
            ),
        )
        for index, question in enumerate(measures.Ons4Question)
    )
    swemwbs_row = (
        "Metric score",
        cells(
            [change.metric_change for change in swemwbs],
            sum(1 for change in swemwbs if change.metric_change > 0),
        ),
    )
    return (
        FigureTable("ONS4 wellbeing: change from baseline to latest follow-up", columns, ons4_rows),
        FigureTable("SWEMWBS wellbeing: change from baseline to latest follow-up", columns, (swemwbs_row,)),
    )
