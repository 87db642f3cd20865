"""An ICB's view across its PCNs (issue 18): a month's figures of who is reached, PCN by PCN.

On a shared server, an administrator of the server (``user_account.administers_server``) sees
every PCN side by side; anyone else who may see figures (a PCN manager, a PCN's administrator)
sees their own PCN against the ICB's figures pooled over every PCN, never another PCN named, and
only when the server holds at least ``FEWEST_OTHERS`` other PCNs (with fewer, the ICB's figures
less their own would be another PCN's).

Each PCN's figures are the ones its own monthly summary shows, under its own disclosure rule: the
new referrals are protected as the summary protects them (domain.differencing, over the tables
the count of new referrals totals, for the PCN and each practice), the rate per 1,000 and the
Core20 share are worked out from the counts as shown (domain.equity), and the median wait, the
share attended and the SWEMWBS change are the summary's own. So the view tells a reader nothing
the PCN's summary does not. The figures are read for all PCNs at once, a handful of grouped
queries, and shared out by PCN in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from linkworker.domain import equity as equity_rules
from linkworker.domain import measures
from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.connections import OUTCOMES, ROUTES
from linkworker.domain.deprivation import CORE20_QUINTILE, DeprivationIndex
from linkworker.domain.differencing import Protection, protect, reader_bounds, total_protection
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.disclosure import threshold_rule
from linkworker.domain.icb import (
    ATTENDED,
    CONNECTED,
    CORE20_POPULATION,
    CORE20_REFERRALS,
    ICB_ROW,
    MEDIAN_WAIT,
    NEW_REFERRALS,
    PER_THOUSAND,
    SWEMWBS_CHANGE,
    IcbView,
    PcnFigures,
)
from linkworker.domain.intake import SOURCE_LABELS
from linkworker.domain.referrals import ENDED, CaseStatus, ReferralSource
from linkworker.domain.roles import Permission
from linkworker.domain.summary import (
    BY_PRACTICE,
    REFERRALS,
    Figure,
    Kind,
    Summary,
    count,
    in_month,
    mean,
    median,
    month_end,
    month_start,
    share,
)
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.referrals import counted_in_figures
from linkworker.services.errors import PermissionDenied
from linkworker.services.summary import equity
from linkworker.services.summary import summary as monthly
from linkworker.store.models import (
    Connection,
    Measure,
    Patient,
    Pcn,
    Practice,
    Referral,
    UserAccount,
)

FEWEST_OTHERS = 3
_CHUNK = 2000  # case ids to one IN list, well under either database's limit


def administers_server(session: Session, actor: Actor) -> bool:
    """Whether the actor is an administrator of the whole server (an ICB's)."""
    if not actor.may(Permission.ADMINISTER):
        return False
    return bool(session.scalar(select(UserAccount.administers_server).where(UserAccount.id == actor.user_id)))


def build(session: Session, actor: Actor, month: date) -> IcbView:
    """The view for ``month``: every PCN for an administrator of the server, else the actor's
    own PCN against the ICB's pooled figures."""
    actor.require(Permission.SEE_AGGREGATES)
    every = administers_server(session, actor)
    pcns = list(session.scalars(select(Pcn).order_by(Pcn.name, Pcn.id)))
    first, last = month_start(month), month_end(month)
    data = _read(session, [pcn.id for pcn in pcns], first, last)
    looked_up = equity.areas_of_groups(
        session,
        {
            pcn.id: (
                [code for _id, _name, code in data.practices[pcn.id]],
                [postcode for *_rest, postcode in data.referred[pcn.id]],
            )
            for pcn in pcns
        },
        last,
    )
    rows = {pcn.id: _pcn_row(pcn, data, first, looked_up[pcn.id]) for pcn in pcns}
    others = len(pcns) - 1
    pooled = _pooled(pcns, rows, data) if every or others >= FEWEST_OTHERS else None
    shown_rows = tuple(rows[pcn.id][0] for pcn in pcns if every or pcn.id == actor.pcn_id)
    if not shown_rows:
        raise PermissionDenied(actor.role, Permission.SEE_AGGREGATES)
    notes = sorted({rows[pcn.id][1] for pcn in pcns if every or pcn.id == actor.pcn_id})
    notes += [_about_columns(), *({row.rule.describe() for row in shown_rows})]
    if pooled is None:
        notes.append(
            f"The ICB's figures are not shown: fewer than {FEWEST_OTHERS} other PCNs share this "
            "server, so they would give away another PCN's."
        )
    return IcbView(first, datetime.now(UTC), shown_rows, pooled, tuple(notes), every)


def record_export(session: Session, actor: Actor, view: IcbView, how: str) -> None:
    """Write to the audit trail that the actor printed or saved the view (``how``: "saved_pdf",
    "saved_csv", "printed")."""
    detail = f"month={view.month:%Y-%m} pcns={len(view.pcns)} every_pcn={view.every_pcn}"
    audit.record(session, actor, f"icb_view_{how}", "pcn", actor.pcn_id, detail)


def _about_columns() -> str:
    return (
        "Per 1,000: new referrals per 1,000 registered patients. Core20: the most deprived 20% of "
        "areas. Connected: of the cases ended in the month, those connected to at least one service. "
        "SWEMWBS change: mean change in metric score from baseline to latest follow-up."
    )


@dataclass
class _Data:
    """What the month's queries found, for every PCN at once."""

    referred: dict[int, list[tuple[int, str, str | None]]]  # pcn: (practice id, source, postcode)
    practices: dict[int, list[tuple[int, str, str]]]  # pcn: (id, name, ods code)
    waits: dict[int, list[int]]
    ended: dict[int, list[bool]]  # pcn: for each case ended in the month, whether connected
    outcomes: dict[int, list[ConnectionStatus]]
    swemwbs: dict[int, list[float]]


def _read(session: Session, pcn_ids: Sequence[int], first: date, last: date) -> _Data:
    scope = Referral.pcn_id.in_(pcn_ids) & counted_in_figures()
    data = _Data(
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
    )
    for practice_id, name, code, pcn_id in session.execute(
        select(Practice.id, Practice.name, Practice.ods_code, Practice.pcn_id)
        .where(Practice.pcn_id.in_(pcn_ids))
        .order_by(Practice.name, Practice.id)
    ):
        data.practices[pcn_id].append((practice_id, name, code))
    for pcn_id, practice_id, source, postcode in session.execute(
        select(Referral.pcn_id, Referral.referring_practice_id, Referral.source, Patient.postcode)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(scope, Referral.received_on >= first, Referral.received_on <= last)
    ):
        data.referred[pcn_id].append((practice_id, source, postcode))
    in_the_month = monthly._open_between(scope, first, last)
    pcn_of: dict[int, int] = {}
    supported: set[int] = set()
    ended: list[int] = []
    for case_id, pcn_id, received_on, status, changed_at in session.execute(
        select(
            Referral.id, Referral.pcn_id, Referral.received_on, Referral.status, Referral.status_changed_at
        ).where(in_the_month)
    ):
        pcn_of[case_id] = pcn_id
        ended_on = monthly._local_date(changed_at) if CaseStatus(status) in ENDED else None
        if received_on <= last and (ended_on is None or ended_on >= first):
            supported.add(case_id)
        if in_month(ended_on, first):
            ended.append(case_id)
    firsts = monthly._first_interactions(session, in_the_month, first)
    waits = monthly._waits(session, {case: day for case, day in firsts.items() if in_month(day, first)})
    for case_id, days in waits.items():
        data.waits[pcn_of[case_id]].append(days)
    connected: set[int] = set()
    for start in range(0, len(ended), _CHUNK):
        connected.update(
            session.scalars(
                select(Connection.referral_id).where(
                    Connection.referral_id.in_(ended[start : start + _CHUNK]),
                    Connection.route.in_([route.value for route in ROUTES]),
                    Connection.made_on <= last,
                )
            )
        )
    for case_id in ended:
        data.ended[pcn_of[case_id]].append(case_id in connected)
    for pcn_id, status in session.execute(
        select(Referral.pcn_id, Connection.status)
        .join(Referral, Referral.id == Connection.referral_id)
        .where(
            scope,
            Connection.route.in_([route.value for route in ROUTES]),
            Connection.made_on >= first,
            Connection.made_on <= last,
        )
    ):
        data.outcomes[pcn_id].append(ConnectionStatus(status))
    for case_id, change in _swemwbs_changes(session, in_the_month, supported, last).items():
        data.swemwbs[pcn_of[case_id]].append(change)
    return data


def _swemwbs_changes(
    session: Session, candidates: ColumnElement[bool], supported: set[int], last: date
) -> dict[int, float]:
    """Each supported case's SWEMWBS metric change from its first baseline to its latest follow-up
    by ``last`` (domain.measures), from the metric score kept beside the answers (as the summary's
    ``metric_change``: to two decimals); the answers are read only where no score was kept."""
    taken: dict[int, list[tuple[MeasureStage, float | None, int]]] = defaultdict(list)
    for referral_id, stage, score, measure_id in session.execute(
        select(Measure.referral_id, Measure.stage, Measure.score, Measure.id)
        .where(
            Measure.referral_id.in_(select(Referral.id).where(candidates)),
            Measure.instrument == Instrument.SWEMWBS.value,
            Measure.taken_on <= last,
        )
        .order_by(Measure.referral_id, Measure.taken_on, Measure.id)
    ):
        if referral_id in supported:
            taken[referral_id].append((MeasureStage(stage), score, measure_id))
    missing = [measure_id for rows in taken.values() for _stage, score, measure_id in rows if score is None]
    scores = {
        measure_id: measures.score(Instrument.SWEMWBS, answers)
        for measure_id, answers in session.execute(
            select(Measure.id, Measure.answers).where(Measure.id.in_(missing))
        )
    }
    changes: dict[int, float] = {}
    for referral_id, rows in taken.items():
        pair = measures.baseline_and_latest([stage for stage, _score, _id in rows])
        if pair is None:
            continue
        before, after = (rows[index][1] or scores[rows[index][2]] or 0.0 for index in pair)
        changes[referral_id] = round(after - before, 2)
    return changes


def _pcn_row(
    pcn: Pcn, data: _Data, first: date, areas: equity.Areas
) -> tuple[PcnFigures, str, Summary, equity.Areas]:
    """A PCN's row as its summary would show its figures; with its index note, its protected
    referral figures and its look-ups (for the pooled row)."""
    rule = threshold_rule(pcn.suppress_up_to)
    practices = data.practices[pcn.id]
    referred = data.referred[pcn.id]
    theirs = [
        equity_rules.derived(
            protect(_referral_figures(pcn, first, [practice], referred, areas, False), rule), rule
        )
        for practice in practices
    ]
    whole = equity_rules.derived(
        protect(_referral_figures(pcn, first, practices, referred, areas, True), rule, theirs), rule, theirs
    )
    tables = {table.title: table for table in whole.tables}
    by_quintile, core20 = tables[equity_rules.REFERRALS_BY_QUINTILE], tables[equity_rules.CORE20]
    (_label, (core20_referrals, core20_population)), *_rest = core20.rows
    outcomes = [status for status in data.outcomes[pcn.id] if status in OUTCOMES]
    ended = data.ended[pcn.id]
    waits = data.waits[pcn.id]
    changes = data.swemwbs[pcn.id]
    figures = (
        _named(whole.key_figures[0], NEW_REFERRALS),
        _named(by_quintile.total[2] if by_quintile.total else Figure("", Kind.MEAN, None, 0), PER_THOUSAND),
        _named(core20_referrals, CORE20_REFERRALS),
        _named(core20_population, CORE20_POPULATION),
        Figure(MEDIAN_WAIT, Kind.MEDIAN, median(waits), len(waits)),
        share(CONNECTED, sum(ended), len(ended)),
        share(ATTENDED, sum(1 for status in outcomes if status is ConnectionStatus.ATTENDED), len(outcomes)),
        Figure(SWEMWBS_CHANGE, Kind.MEAN, mean(changes), len(changes)),
    )
    return PcnFigures(pcn.name, pcn.ods_code, figures, rule), areas.note(), whole, areas


def _named(figure: Figure, label: str) -> Figure:
    return replace(figure, label=label)


def _referral_figures(
    pcn: Pcn,
    first: date,
    practices: Sequence[tuple[int, str, str]],
    referred: Sequence[tuple[int, str, str | None]],
    areas: equity.Areas,
    whole: bool,
) -> Summary:
    """The parts of the PCN's (or one practice's) summary that the count of new referrals totals,
    built as services.summary builds them, so protecting them decides as the summary does."""
    ids = {practice_id for practice_id, _name, _code in practices}
    mine = [
        (practice_id, source, postcode) for practice_id, source, postcode in referred if practice_id in ids
    ]
    by_practice = Counter(practice_id for practice_id, _source, _postcode in mine)
    by_source = Counter(ReferralSource(source) for _practice, source, _postcode in mine)
    tables = (
        monthly._table(
            BY_PRACTICE,
            [(name, by_practice[practice_id]) for practice_id, name, _code in practices],
            REFERRALS,
            row_quantity="" if whole else REFERRALS,
        ),
        monthly._table(
            "New referrals by source",
            [(SOURCE_LABELS[source], by_source[source]) for source in ReferralSource],
            REFERRALS,
        ),
        *equity.referral_tables(
            areas,
            [code for _id, _name, code in practices],
            [areas.quintile_of(postcode) for _practice, _source, postcode in mine],
            whole=False,
        ),
    )
    return Summary(
        pcn_name=pcn.name,
        pcn_ods=pcn.ods_code,
        month=first,
        practices=tuple(name for _id, name, _code in practices),
        made_at=datetime.now(UTC),
        key_figures=(count(NEW_REFERRALS, len(mine), REFERRALS),),
        tables=tables,
        trend=(),
        practice_ods=None if whole else practices[0][2],
    )


def _pooled(
    pcns: Sequence[Pcn], rows: dict[int, tuple[PcnFigures, str, Summary, equity.Areas]], data: _Data
) -> PcnFigures:
    """The ICB's figures over every PCN, under the strictest of their rules. The Core20 shares
    pool only the PCNs whose figures use the most common index (indices are never mixed)."""
    rule = threshold_rule(max((pcn.suppress_up_to for pcn in pcns), default=7))
    indices = Counter(rows[pcn.id][3].index for pcn in pcns if rows[pcn.id][3].index is not None)
    index: DeprivationIndex | None = indices.most_common(1)[0][0] if indices else None
    referrals = sum(len(data.referred[pcn.id]) for pcn in pcns)
    population = sum(
        sum(rows[pcn.id][3].registered(code for *_r, code in data.practices[pcn.id]).values()) for pcn in pcns
    )
    core20, referred_there, core20_people, people = 0, 0, 0, 0
    for pcn in pcns:
        areas = rows[pcn.id][3]
        if areas.index is None or areas.index != index:
            continue
        quintiles = [areas.quintile_of(postcode) for *_r, postcode in data.referred[pcn.id]]
        core20 += sum(1 for number in quintiles if number == CORE20_QUINTILE)
        referred_there += len(quintiles)
        patients = areas.registered(code for *_r, code in data.practices[pcn.id])
        core20_people += patients[CORE20_QUINTILE]
        people += sum(patients.values())
    waits = [days for pcn in pcns for days in data.waits[pcn.id]]
    ended = [connected for pcn in pcns for connected in data.ended[pcn.id]]
    outcomes = [status for pcn in pcns for status in data.outcomes[pcn.id] if status in OUTCOMES]
    changes = [change for pcn in pcns for change in data.swemwbs[pcn.id]]
    # The ICB's count is a total of the PCNs' as shown: protected as a summary's totals are.
    parts = [reader_bounds(rows[pcn.id][0].shown[0], rows[pcn.id][0].rule) for pcn in pcns]
    protection = total_protection(parts, rule)
    new = replace(
        count(NEW_REFERRALS, referrals),
        coarse=protection is Protection.COARSE,
        withheld=protection is Protection.WITHHELD,
    )
    figures = (
        new,
        equity_rules.per_thousand(PER_THOUSAND, new, population, rule),
        equity_rules.share_of_shown(CORE20_REFERRALS, count("", core20), count("", referred_there), rule),
        equity_rules.population_share(CORE20_POPULATION, core20_people, people),
        Figure(MEDIAN_WAIT, Kind.MEDIAN, median(waits), len(waits)),
        share(CONNECTED, sum(ended), len(ended)),
        share(ATTENDED, sum(1 for status in outcomes if status is ConnectionStatus.ATTENDED), len(outcomes)),
        Figure(SWEMWBS_CHANGE, Kind.MEAN, mean(changes), len(changes)),
    )
    return PcnFigures(ICB_ROW, "", figures, rule)
