"""The ICO's motivated intruder against the monthly summaries (issue 14).

For generated PCNs of synthetic people, the summaries a manager can make of one month (the whole
PCN, each practice, each "all but one practice" selection the service allows) are written with the
real CSV writer and read back as text; tests/reports/intruder.py then works out every exact value
consistent with all of them together. A count shown as ``*`` or rounded, or a percentage's base,
with one possible value is a count an intruder has recovered, and the test fails naming it.

The plain examples show the attack on hand-made figures: the issue's "25 people, 54% and 69%
improved" fits only a base of 26 (percentages of exact counts); a practice removed from the PCN
differs from it by exactly 7; and, with no group of practices and no percentage at all, a table's
starred rows under a starred total can still leave one possible count, in one summary or in the
PCN's set against a practice's.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.disclosure import NHS_DIGITAL, Rule, shown, threshold_rule
from linkworker.domain.errors import ValidationError
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, ending_status
from linkworker.domain.roles import Role
from linkworker.domain.summary import Figure, Kind, Summary, count, share
from linkworker.interchange.summary_csv import write as write_csv
from linkworker.services.actor import Actor
from linkworker.services.errors import ServiceError
from linkworker.services.summary.disclosure import rule_for
from linkworker.services.summary.summary import build
from linkworker.store.database import Database
from linkworker.store.models import Pcn, Practice
from tests.reports.intruder import (
    ABOUT,
    BY_SOURCE,
    KEY_FIGURES,
    ONS4,
    TOTAL,
    TREND,
    WITHHELD,
    Cell,
    Finding,
    Intruder,
    Model,
    Published,
    build_model,
    missing_titles,
    read,
    rule_of,
    share_fits,
)
from tests.reports.summary_records import clear
from tests.services.test_summary import MONTH, NEEDS, NOT_REACHED, OUTCOMES, REACHED, Case, write

PRACTICES = {
    "G99001": "Riverside Surgery",
    "G99002": "Hilltop Practice",
    "G99003": "Meadow Lane Surgery",
    "G99004": "Castle Street Practice",
    "G99005": "Orchard Medical Centre",
}
TREND_START = date(2025, 11, 1)
LAST = date(2026, 10, 31)
SEX = "People supported by sex"
LIFE = "Life satisfaction"
WORTHWHILE = "Worthwhile"


# ---- what the intruder reads: the real CSV, or hand-made figures in its layout ----


def hand_made(folder: Path, practices: Sequence[str], figures: dict[Cell, str]) -> Published:
    """A summary's CSV as the app lays it out, with only the figures given."""
    path = folder / f"{' + '.join(practices)}.csv"
    about = [
        ["section", "label", "column", "value"],
        [ABOUT, "Primary care network", "", "Test Valley PCN (U99901)"],
        [ABOUT, "Month", "", "2026-10"],
        [ABOUT, "Practices in scope", "", "; ".join(practices)],
        [ABOUT, "Disclosure control", "", NHS_DIGITAL.describe()],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([*about, *([*cell, value] for cell, value in figures.items())])
    return read(path)


def ons4(people: str, life: str | None = None, worthwhile: str | None = None) -> dict[Cell, str]:
    """Two ONS4 questions' rows: people with two measures and the share improved."""
    figures = {(ONS4, LIFE, "People"): people, (ONS4, WORTHWHILE, "People"): people}
    figures[(ONS4, LIFE, "Improved")] = life or "-"
    figures[(ONS4, WORTHWHILE, "Improved")] = worthwhile or "-"
    return figures


# ---- plain examples: the intruder's reading and the attack, on hand-made figures ----


@pytest.mark.parametrize("rule", [NHS_DIGITAL, *(threshold_rule(t) for t in (1, 3, 10, 20))])
def test_the_intruder_reads_each_shown_count_as_exactly_the_counts_the_rule_shows_so(rule: Rule) -> None:
    reading = rule_of(rule.describe())
    for value in range(0, 300):
        published = shown(count("Number", value), rule)
        low, high = reading.counts(published)
        assert [n for n in range(300) if shown(count("Number", n), rule) == published] == list(
            range(low, min(high, 299) + 1)
        ), published


@pytest.mark.parametrize("rule", [NHS_DIGITAL, threshold_rule(3)])
def test_every_percentage_the_app_shows_fits_its_own_numerator_and_base(rule: Rule) -> None:
    """The intruder never rules out the truth: whichever method the app uses."""
    reading = rule_of(rule.describe())
    for base in range(1, 80):
        for part in range(base + 1):
            value = shown(share("Improved", part, base), rule)
            if value.endswith("%"):
                assert share_fits(int(value[:-1]), part, base, reading), (part, base, value)


def test_25_people_54_and_69_percent_improved_fit_only_a_base_of_26(tmp_path: Path) -> None:
    one = Intruder(build_model([hand_made(tmp_path, ["Riverside Surgery"], ons4("25", "54%"))]))
    base = one.target("the whole PCN", (ONS4, LIFE, "People"))
    # One percentage leaves the base open; the second percentage on the same people pins it.
    assert one.possible(base) == [24, 26]
    both = Intruder(build_model([hand_made(tmp_path, ["Riverside Surgery"], ons4("25", "54%", "69%"))]))
    assert both.possible(both.target("the whole PCN", (ONS4, LIFE, "People"))) == [26]
    assert [finding.value for finding in both.findings() if finding.target.shown] == [26]


def test_a_practice_removed_differs_from_the_pcn_by_exactly_7(tmp_path: Path) -> None:
    """The issue's case: the PCN's 26 people and Hilltop's 19 leave Riverside's starred 7."""
    both = ["Hilltop Practice", "Riverside Surgery"]
    published = [
        hand_made(tmp_path, both, ons4("25", "54%", "69%")),
        hand_made(tmp_path, ["Hilltop Practice"], ons4("20", "53%")),
        hand_made(tmp_path, ["Riverside Surgery"], ons4("*")),
    ]
    intruder = Intruder(build_model(published))
    riverside = intruder.target("Riverside Surgery", (ONS4, LIFE, "People"))
    assert intruder.possible(riverside) == [7]
    assert str(Finding(riverside, 7)) in map(str, intruder.findings())
    # The counts alone (percentages withheld) leave Riverside anywhere from 1 to 7.
    counts_only = [
        hand_made(tmp_path, both, ons4("25")),
        hand_made(tmp_path, ["Hilltop Practice"], ons4("20")),
        hand_made(tmp_path, ["Riverside Surgery"], ons4("*")),
    ]
    intruder = Intruder(build_model(counts_only))
    assert intruder.possible(intruder.target("Riverside Surgery", (ONS4, LIFE, "People"))) == list(
        range(1, 8)
    )
    assert intruder.findings() == []


def test_the_pcn_and_its_single_practices_alone_can_give_away_a_count_through_a_total(
    tmp_path: Path,
) -> None:
    """No group of practices needed: Riverside's starred women and men add up to its starred total
    (so at most 6 women), Hilltop has at most 7, and the PCN's "15" women are at least 13."""
    sex = {
        "Hilltop Practice": {"Female": "*", "Male": "0", TOTAL: "*"},
        "Riverside Surgery": {"Female": "*", "Male": "*", TOTAL: "*"},
        "PCN": {"Female": "15", "Male": "*", TOTAL: "15"},
    }
    published = [
        hand_made(
            tmp_path,
            ["Hilltop Practice", "Riverside Surgery"] if name == "PCN" else [name],
            {(SEX, label, "Number"): value for label, value in rows.items()},
        )
        for name, rows in sex.items()
    ]
    intruder = Intruder(build_model(published))
    assert intruder.possible(intruder.target("Riverside Surgery", (SEX, "Female", "Number"))) == [6]
    assert intruder.possible(intruder.target("Hilltop Practice", (SEX, "Female", "Number"))) == [7]
    assert intruder.possible(intruder.target("the whole PCN", (SEX, "Male", "Number"))) == [1]


def test_one_summary_gives_away_its_counts_when_as_many_rows_are_starred_as_the_total_allows(
    tmp_path: Path,
) -> None:
    """Seven sources each starred (at least 1 each) under a starred total (at most 7): every
    referral came from a different source, one each, and the whole PCN's summary alone says so."""
    sources = ["GP", "Practice nurse", "Pharmacist", "Other clinician", "Self-referral", "Social care"]
    rows = {label: "*" for label in [*sources, "Voluntary sector"]} | {"Other": "0", TOTAL: "*"}
    figures = {(BY_SOURCE, label, "Number"): value for label, value in rows.items()}
    intruder = Intruder(build_model([hand_made(tmp_path, ["Riverside Surgery"], figures)]))
    assert intruder.possible(intruder.target("the whole PCN", (BY_SOURCE, "GP", "Number"))) == [1]
    assert intruder.possible(intruder.target("the whole PCN", (BY_SOURCE, TOTAL, "Number"))) == [7]
    # With one starred row fewer, nothing is certain.
    figures[(BY_SOURCE, "Voluntary sector", "Number")] = "0"
    intruder = Intruder(build_model([hand_made(tmp_path, ["Riverside Surgery"], figures)]))
    assert intruder.findings() == []


# ---- the real app: summaries made, written and read back ----


def with_practices(database: Database, codes: Sequence[str]) -> None:
    """The PCN's practices become exactly ``codes`` (after ``clear``: no referral names one)."""
    with database.session() as session:
        pcn = session.scalars(select(Pcn).where(Pcn.ods_code == "U99901")).one()
        present = {practice.ods_code: practice for practice in pcn.practices}
        for code, practice in present.items():
            if code not in codes:
                session.delete(practice)
        for code in codes:
            if code not in present:
                session.add(Practice(pcn_id=pcn.id, ods_code=code, name=PRACTICES[code]))


def selections(ids: Sequence[int]) -> Iterator[list[int] | None]:
    """The whole PCN, each practice, and (for three practices or more) all but each practice."""
    yield None
    yield from ([one] for one in ids)
    if len(ids) > 2:
        yield from ([other for other in ids if other != left_out] for left_out in ids)


def publish(database: Database, manager: Actor, folder: Path) -> tuple[list[Published], dict[str, Summary]]:
    """Every selection's summary as the CSV a manager saves, read back; and each practice's
    own summary (the truth the intruder is after). A selection the service refuses publishes
    nothing."""
    published: list[Published] = []
    singles: dict[str, Summary] = {}
    with database.session() as session:
        rule = rule_for(session, manager)
        ids = list(session.scalars(select(Practice.id).where(Practice.pcn_id == manager.pcn_id)))
        for number, chosen in enumerate(selections(ids)):
            try:
                summary = build(session, manager, MONTH, practice_ids=chosen)
            except (ServiceError, ValidationError):
                if chosen is None or len(chosen) == 1:
                    raise
                continue
            if chosen is not None and len(chosen) == 1:
                singles[summary.practices[0]] = summary
            path = folder / f"selection {number}.csv"
            write_csv(summary, rule, path)
            published.append(read(path))
    return published, singles


def exact_cells(summary: Summary) -> Iterator[tuple[Cell, Figure, tuple[str, ...]]]:
    """Each figure under the CSV's (section, label, column), with its table's columns."""
    for figure in summary.key_figures:
        yield (KEY_FIGURES, figure.label, ""), figure, ()
    for table in summary.tables:
        for label, figures in [*table.rows, *([(TOTAL, table.total)] if table.total else [])]:
            for column, figure in zip(table.columns, figures, strict=True):
                yield (table.title, label, column), figure, table.columns
    for point in summary.trend:
        for figure in (point.referrals, point.first_contacts):
            yield (TREND, f"{point.month:%Y-%m}", figure.label), figure, ()


def truth(model: Model, singles: dict[str, Summary]) -> dict[tuple[Cell, str], int]:
    """Each practice's exact counts as the model's unknowns; two cells the model takes for one
    unknown must agree."""
    found: dict[tuple[Cell, str], int] = {}

    def note(quantity: Cell, practice: str, value: int) -> None:
        assert found.setdefault((quantity, practice), value) == value, (quantity, practice, value)

    for practice, summary in singles.items():
        for cell, figure, columns in exact_cells(summary):
            if figure.kind is Kind.COUNT:
                note(model.quantity(cell), practice, round(figure.exact or 0))
            elif figure.kind is Kind.SHARE:
                part = 0 if figure.exact is None else round(figure.exact * figure.base)
                note(model.part(cell), practice, part)
                note(model.base(cell, columns), practice, figure.base)
    return found


def recovered(database: Database, manager: Actor, folder: Path) -> list[Finding]:
    """What the intruder recovers from every summary of the month: each published count shown
    starred or rounded with one possible value, and each count not shown (a withheld total, a
    percentage's numerator or base) pinned to a count the rule stars."""
    published, singles = publish(database, manager, folder)
    whole = max(published, key=lambda summary: len(summary.practices))
    assert not missing_titles(whole), f"the summary's layout changed: {missing_titles(whole)}"
    model = build_model(published)
    broken = model.violated(model.values_of(truth(model, singles)))
    assert not broken, ("the intruder's model rules out the true counts: update intruder.py", broken[:5])
    starred = range(1, model.rule.starred_up_to + 1)
    return [
        finding
        for finding in Intruder(model).findings()
        if finding.target.shown not in ("", WITHHELD) or finding.value in starred
    ]


def report(findings: list[Finding], example: str) -> str:
    tables = sorted({finding.target.cell[0] for finding in findings})
    lines = [f"{len(findings)} counts recovered {example}, in {tables}:"]
    return "\n".join([*lines, *(f"  {finding}" for finding in findings[:12])])


def person(index: int, practice: str, better: tuple[bool, bool] | None = None) -> Case:
    """A woman referred from ``practice`` on 5 October; with ``better``, ONS4 at baseline and at
    follow-up, two points better on life satisfaction and on worthwhile as it says."""
    case = Case(
        patient=index,
        born=date(1960, 1, 1),
        sex=Sex.FEMALE,
        ethnic=EthnicCategory.A,
        practice=practice,
        source=ReferralSource.GP,
        received_on=date(2026, 10, 5),
        needs=[],
    )
    case.moves.append((case.received_on, CaseStatus.REFERRED, None))
    if better is not None:
        case.measures.append((date(2026, 10, 6), Instrument.ONS4, MeasureStage.BASELINE, (5, 5, 5, 5)))
        after = (7 if better[0] else 5, 7 if better[1] else 5, 5, 5)
        case.measures.append((date(2026, 10, 20), Instrument.ONS4, MeasureStage.FOLLOW_UP, after))
    return case


def test_the_issues_case_on_the_app_gives_away_no_count(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    """Riverside's 7 people (4 and 6 better) and Hilltop's 19 (10 and 12 better): the PCN shows
    "25" with 54% and 69% improved, Hilltop "20" with 53%, Riverside "*"."""
    riverside = [person(n, "G99001", (n < 4, n < 6)) for n in range(7)]
    hilltop = [person(7 + n, "G99002", (n < 10, n < 12)) for n in range(19)]
    write(database, actors[Role.LINK_WORKER], riverside + hilltop, 7)
    findings = recovered(database, actors[Role.MANAGER], tmp_path)
    assert not findings, report(findings, "from the issue's case")


# ---- generated PCNs ----


def dates_from(start: date) -> st.SearchStrategy[date]:
    """Mostly the summary's month and the one before it, sometimes any month of the trend."""
    return st.one_of(st.dates(max(start, date(2026, 9, 1)), LAST), st.dates(start, LAST))


@st.composite
def episodes(draw: st.DrawFn, practices: Sequence[str]) -> Case:
    """One referral with the contacts, moves, measures and connections that fill each table."""
    received = draw(dates_from(TREND_START))
    case = Case(
        patient=0,
        born=draw(st.dates(date(1930, 1, 1), date(2008, 12, 31))),
        sex=draw(st.sampled_from(Sex)),
        ethnic=draw(st.sampled_from(EthnicCategory)),
        practice=draw(st.sampled_from(practices)),
        source=draw(st.sampled_from(ReferralSource)),
        received_on=received,
        needs=draw(st.lists(st.sampled_from(NEEDS), unique=True, max_size=3)),
    )
    case.moves.append((received, CaseStatus.REFERRED, None))
    day = received
    for gap, kind in draw(
        st.lists(st.tuples(st.integers(0, 20), st.sampled_from(REACHED + NOT_REACHED)), max_size=3)
    ):
        day += timedelta(days=gap)
        case.contacts.append((day, kind))
    if draw(st.booleans()):
        day += timedelta(days=draw(st.integers(0, 10)))
        case.moves.append((day, CaseStatus.CONTACTED, None))
    closing = draw(st.none() | st.tuples(st.integers(0, 40), st.sampled_from(ClosingReason)))
    if closing is not None:
        day += timedelta(days=closing[0])
        case.moves.append((day, ending_status(closing[1]), closing[1]))
    for instrument, items, low, high in ((Instrument.ONS4, 4, 0, 10), (Instrument.SWEMWBS, 7, 1, 5)):
        answers = st.tuples(*[st.integers(low, high)] * items)
        if draw(st.booleans()):
            taken = received + timedelta(days=draw(st.integers(0, 20)))
            case.measures.append((taken, instrument, MeasureStage.BASELINE, draw(answers)))
            if draw(st.booleans()):
                taken += timedelta(days=draw(st.integers(1, 40)))
                case.measures.append((taken, instrument, MeasureStage.FOLLOW_UP, draw(answers)))
    made = st.tuples(
        st.integers(0, 30),
        st.sampled_from([ConnectionStatus.REFERRED, ConnectionStatus.SIGNPOSTED, *OUTCOMES]),
        st.lists(st.sampled_from(NEEDS), unique=True, max_size=2).map(tuple),
    )
    for gap, status, needs in draw(st.lists(made, max_size=2)):
        case.connections.append((received + timedelta(days=gap), status, needs))
    return case


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[str], list[Case]]:
    """A PCN of two to five practices and up to forty referrals over them, one person each."""
    practices = list(PRACTICES)[: draw(st.integers(2, 5))]
    cases = draw(st.lists(episodes(practices), max_size=40))
    for index, case in enumerate(cases):
        case.patient = index
    return practices, cases


# Riverside 6 referrals, Hilltop 1, Meadow Lane 6: every count is one of these or their sums, so
# the PCN's "15" set against "all but" selections shown "*", "10" and "*" leaves each practice's
# count exact; the PCN and its single practices alone leave each anywhere from 1 to 7.
THREE_PRACTICES = (
    list(PRACTICES)[:3],
    [person(n, code) for n, code in enumerate(["G99001"] * 6 + ["G99002"] + ["G99003"] * 6)],
)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.xfail(
    raises=RuntimeError,
    strict=False,
    reason="since a contact that reached the person moves a referred case to contacted (issue 15), "
    "some generated months give the intruder's search more ties than its node limit; that is "
    "inconclusive, not a count recovered (a recovered count still fails this test as an "
    "AssertionError). The search needs to get smarter: open problem noted on issue 15.",
)
def test_no_count_can_be_recovered_from_every_summary_of_a_month(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    """One database for every example, emptied before each PCN is written. Shrinking is left out:
    a failure already names the selection, cell and value, and each example is a database's
    worth of work."""
    examples: list[int] = []

    @settings(
        max_examples=40,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(world=worlds())
    @example(world=THREE_PRACTICES)
    def check(world: tuple[list[str], list[Case]]) -> None:
        practices, cases = world
        examples.append(len(cases))
        clear(database)
        with_practices(database, practices)
        write(database, actors[Role.LINK_WORKER], cases, len(examples))
        findings = recovered(database, actors[Role.MANAGER], tmp_path)
        example = f"in example {len(examples)} ({len(practices)} practices, {len(cases)} referrals)"
        assert not findings, report(findings, example)

    check()
