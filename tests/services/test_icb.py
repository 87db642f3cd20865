"""The ICB's view across its PCNs (issue 18) against each PCN's own summary and the records.

Five PCNs share the database (the fixture's and four more), with generated episodes placed as in
tests/services/test_summary_equity.py. Each PCN's row must show exactly what that PCN's monthly
summary shows (new referrals as protected there, its rate and Core20 share, the median wait, the
share attended, the SWEMWBS change), and the share connected is counted here from the records.
A manager sees their own PCN and the ICB's pooled figures, never another PCN named.
"""

from __future__ import annotations

import csv
import io
from argparse import Namespace
from datetime import date
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from linkworker.cli import icb as icb_commands
from linkworker.domain import icb as icb_figures
from linkworker.domain.disclosure import shown, threshold_rule
from linkworker.domain.roles import Role
from linkworker.domain.summary import Summary
from linkworker.interchange import icb_csv
from linkworker.reports import icb_pdf
from linkworker.services.actor import Actor
from linkworker.services.summary import icb, summary
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Practice, PracticePopulation, UserAccount
from tests.reports.summary_records import clear
from tests.services.test_summary import LAST, MONTH, Case, counted, generate, write
from tests.services.test_summary_equity import place_the_world

OTHERS = {
    "U99902": ("Second Bank PCN", "G99201"),
    "U99903": ("Third Hill PCN", "G99301"),
    "U99904": ("Fourth Vale PCN", "G99401"),
    "U99905": ("Fifth Marsh PCN", "G99501"),
}
CODES = ["G99001", "G99002", *(practice for _name, practice in OTHERS.values())]


def add_pcns(database: Database, how_many: int = len(OTHERS)) -> None:
    with database.session() as session:
        for ods, (name, practice) in list(OTHERS.items())[:how_many]:
            pcn = Pcn(name=name, ods_code=ods)
            pcn.practices.append(Practice(ods_code=practice, name=f"{name.split()[0]} Surgery"))
            session.add(pcn)
            for lsoa in range(10):
                session.add(
                    PracticePopulation(
                        extract_date=date(2026, 10, 1),
                        practice_code=practice,
                        lsoa_code=f"E0199{lsoa:04d}",
                        patients=200 + 10 * lsoa,
                    )
                )
        session.execute(
            update(UserAccount).where(UserAccount.username == "admin").values(administers_server=True)
        )


def world(database: Database, actors: dict[Role, Actor], seed: int, pcns: int = len(OTHERS)) -> list[Case]:
    add_pcns(database, pcns)
    cases = generate(seed, CODES[: 2 + pcns]) + generate(seed + 100, CODES[: 2 + pcns])
    for number, case in enumerate(cases):
        case.patient = number  # one person each: two generated lists would reuse numbers
    write(database, actors[Role.LINK_WORKER], cases, seed)
    place_the_world(database, cases)
    return cases


def connected_share(cases: list[Case], practices: set[str]) -> tuple[int, int]:
    """Of the cases ended in the month, how many had a connection made by the month's end."""
    ended = [c for c in counted(cases) if c.practice in practices and c.ended and MONTH <= c.ended[0] <= LAST]
    linked = [c for c in ended if any(day <= LAST for day, _status, _needs in c.connections)]
    return len(linked), len(ended)


def _figure(made: Summary, title: str, label: str, column: int) -> str:
    table = next(table for table in made.tables if table.title == title)
    cells = table.total if label == "Total" else dict(table.rows)[label]
    assert cells is not None
    return shown(cells[column], threshold_rule(7))


def test_each_pcns_row_is_what_its_own_summary_shows(database: Database, actors: dict[Role, Actor]) -> None:
    cases = world(database, actors, 11)
    admin = actors[Role.ADMIN]
    with database.session() as session:
        view = icb.build(session, admin, MONTH)
        pcns = {pcn.ods_code: pcn.id for pcn in session.scalars(select(Pcn))}
        own = {ods: summary.build(session, admin, MONTH, pcn_id=pcn_id) for ods, pcn_id in pcns.items()}
        practices = {
            ods: {p.ods_code for p in session.scalars(select(Practice).where(Practice.pcn_id == pcn_id))}
            for ods, pcn_id in pcns.items()
        }
    assert view.every_pcn and [row.ods_code for row in view.pcns] == sorted(
        pcns, key=lambda ods: next(r.name for r in view.pcns if r.ods_code == ods)
    )
    assert {row.ods_code for row in view.pcns} == set(pcns)
    rule = threshold_rule(7)
    for row in view.pcns:
        made = own[row.ods_code]
        key = {figure.label: shown(figure, rule) for figure in made.key_figures}
        figures = dict(zip(icb_figures.COLUMNS, row.shown, strict=True))
        assert figures[icb_figures.NEW_REFERRALS] == key["New referrals"], row.name
        assert figures[icb_figures.PER_THOUSAND] == _figure(
            made, "New referrals by deprivation quintile", "Total", 2
        )
        core20 = "Core20: referrals from the most deprived 20% of areas"
        assert figures[icb_figures.CORE20_REFERRALS] == _figure(
            made, core20, "Most deprived 20% (quintile 1)", 0
        )
        assert figures[icb_figures.CORE20_POPULATION] == _figure(
            made, core20, "Most deprived 20% (quintile 1)", 1
        )
        assert figures[icb_figures.MEDIAN_WAIT] == key["Median days from referral to first contact"]
        assert figures[icb_figures.ATTENDED] == _figure(
            made, "Connections made by service category", "Total", 1
        )
        swemwbs = "SWEMWBS wellbeing: change from baseline to latest follow-up"
        assert figures[icb_figures.SWEMWBS_CHANGE] == _figure(made, swemwbs, "Metric score", 1)
        linked, ended = connected_share(cases, practices[row.ods_code])
        connected = row.figures[icb_figures.COLUMNS.index(icb_figures.CONNECTED)]
        assert connected.base == ended and (connected.exact or 0) * ended == pytest.approx(linked)
    assert view.icb is not None and view.icb.figures[0].exact == sum(
        row.figures[0].exact or 0 for row in view.pcns
    )
    assert any("English Index of Multiple Deprivation 2019" in note for note in view.notes)


def test_a_manager_sees_their_own_pcn_against_the_icb_and_no_other_pcn_named(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    world(database, actors, 12)
    with database.session() as session:
        view = icb.build(session, actors[Role.MANAGER], MONTH)
    assert not view.every_pcn
    assert [row.ods_code for row in view.pcns] == ["U99901"] and view.icb is not None
    pdf = icb_pdf.render(view)
    icb_csv.write(view, tmp_path / "icb.csv")
    words = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    written = (tmp_path / "icb.csv").read_text(encoding="utf-8-sig")
    for name, _practice in OTHERS.values():
        assert name not in words and name not in written
    rows = list(csv.reader(io.StringIO(written)))
    assert rows[-2] == [view.pcns[0].name, "U99901", *view.pcns[0].shown]
    assert rows[-1] == [icb_figures.ICB_ROW, "", *view.icb.shown]
    assert all(text in " ".join(words.split()) for text in view.pcns[0].shown)


def test_with_too_few_other_pcns_a_manager_gets_no_icb_figures(
    database: Database, actors: dict[Role, Actor]
) -> None:
    world(database, actors, 13, pcns=2)
    with database.session() as session:
        view = icb.build(session, actors[Role.MANAGER], MONTH)
        every = icb.build(session, actors[Role.ADMIN], MONTH)
    assert view.icb is None and any("fewer than 3 other PCNs" in note for note in view.notes)
    assert len(every.pcns) == 3 and every.icb is not None


def test_only_an_administrator_of_the_server_sees_every_pcn(
    database: Database, actors: dict[Role, Actor]
) -> None:
    world(database, actors, 16)
    with database.session() as session:
        session.execute(update(UserAccount).values(administers_server=False))
    with database.session() as session:
        for role in Role:
            view = icb.build(session, actors[role], MONTH)
            assert [row.ods_code for row in view.pcns] == ["U99901"] and not view.every_pcn, role


def test_sorting_puts_withheld_figures_last_either_way(database: Database, actors: dict[Role, Actor]) -> None:
    world(database, actors, 14)
    with database.session() as session:
        view = icb.build(session, actors[Role.ADMIN], MONTH)
    for column in range(len(icb_figures.COLUMNS)):
        for descending in (False, True):
            listed = icb_figures.sorted_rows(view.pcns, column, descending)
            values = [icb_figures.shown_value(row.shown[column]) for row in listed]
            shown_values = [value for value in values if value is not None]
            assert values[: len(shown_values)] == shown_values
            assert shown_values == sorted(shown_values, reverse=descending)


class _Batch:
    """What the command's handler needs of a signed-in batch run."""

    def __init__(self, database: Database, actor: Actor) -> None:
        self.database, self.actor = database, actor

    def sign_in(self) -> Actor:
        return self.actor


def test_the_command_writes_the_pdf_and_csv_and_audits_each(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    world(database, actors, 15)
    arguments = Namespace(
        month=date(2026, 10, 1), out=tmp_path / "ICB.pdf", csv=tmp_path / "ICB.csv", sort="rate"
    )
    assert icb_commands.report_icb(arguments, _Batch(database, actors[Role.ADMIN])) == 0
    assert (tmp_path / "ICB.pdf").read_bytes().startswith(b"%PDF-")
    rows = list(csv.reader(io.StringIO((tmp_path / "ICB.csv").read_text(encoding="utf-8-sig"))))
    named = [row for row in rows[1:] if row[0] not in ("About", icb_figures.ICB_ROW)]
    assert len(named) == 5
    rates = [icb_figures.shown_value(row[3]) for row in named]
    shown_rates = [rate for rate in rates if rate is not None]
    assert shown_rates == sorted(shown_rates, reverse=True)
    with database.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("icb_view_%"))))
    assert sorted(actions) == ["icb_view_saved_csv", "icb_view_saved_pdf"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_no_figure_of_the_view_reveals_a_small_count(database: Database, actors: dict[Role, Actor]) -> None:
    """For generated months and thresholds: no count shown from 1 to the PCN's threshold; every
    rate is a shown count per 1,000 registered; every share rests on counts of more than it."""
    add_pcns(database)
    examples: list[int] = []

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 3000), size=st.integers(1, 60), threshold=st.sampled_from([7, 10]))
    def check(seed: int, size: int, threshold: int) -> None:
        examples.append(seed)
        clear(database)
        cases = generate(seed, CODES)[:size]
        write(database, actors[Role.LINK_WORKER], cases, len(examples))
        with database.session() as session:
            session.execute(update(Pcn).values(suppress_up_to=threshold))
        with database.session() as session:
            view = icb.build(session, actors[Role.ADMIN], MONTH)
        rule = threshold_rule(threshold)
        for row in [*view.pcns, *([view.icb] if view.icb else [])]:
            new = row.shown[0].removesuffix("†")
            if new.isdigit():  # "10†" (coarse) stands for more than the starred counts too
                assert row.figures[0].exact == 0 or (row.figures[0].exact or 0) > rule.starred_up_to, row
                assert row.shown[0].endswith("†") or not 1 <= int(new) <= rule.starred_up_to, row
            for figure, text in zip(row.figures, row.shown, strict=True):
                if text.endswith("%"):
                    assert figure.base > rule.starred_up_to
            rate = row.figures[1]
            if rate.exact is not None:  # worked out from the count as shown, and public figures
                assert new.isdigit() and rate.exact == pytest.approx(int(new) * 1000 / rate.base)

    check()
