"""The monthly summary from records in a real database to the published PDF and CSV.

The figures read back from the documents are compared with the plain-Python count of
tests/services/test_summary.py on the same generated records; and for generated datasets of
synthetic people, nothing a reader gets holds a count from 1 to 7 or anything that identifies one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, shown
from linkworker.domain.roles import Role
from linkworker.domain.summary import Figure, Kind, Summary
from linkworker.interchange.summary_csv import TOTAL
from linkworker.interchange.summary_csv import write as write_csv
from linkworker.services.actor import Actor
from linkworker.services.summary.summary import build
from linkworker.store.database import Database
from tests.reports.summary_records import (
    KEY_FIGURES,
    PRACTICE_NAMES,
    Identity,
    clear,
    expected_rows,
    identify,
    identities,
)
from tests.reports.test_summary_pdf import pieces, read, text
from tests.services.test_summary import MONTH, generate, write

WHOLE_NUMBER = re.compile(r"\d+")


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_the_published_figures_match_an_independent_count(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    cases = generate(5, list(PRACTICE_NAMES))
    write(database, actors[Role.LINK_WORKER], cases, 5)
    with database.session() as session:
        summary = build(session, actors[Role.MANAGER], MONTH)
    words = text(read(summary, NHS_DIGITAL))
    write_csv(summary, NHS_DIGITAL, tmp_path / "summary.csv")
    cells = csv_cells(tmp_path / "summary.csv")
    columns = {table.title: table.columns for table in summary.tables}

    expected = expected_rows(cases)
    sections = {row.section for row in expected}
    assert sections - {KEY_FIGURES} <= set(columns)
    # Which totals the app rounded coarsely or withheld (domain.differencing decides, from the
    # parts as shown); the counts themselves are the independent ones.
    protection = {
        (section, label, figure.label): (figure.coarse, figure.withheld)
        for section, label, figure in _placed(summary)
    }
    expected_cells: set[tuple[str, ...]] = set()
    for row in expected:
        values = [
            shown(_as_protected(figure, protection.get((row.section, row.label, figure.label))), NHS_DIGITAL)
            for figure in row.figures
        ]
        assert " ".join([row.label, *values]) in words, row
        for column, value in zip(columns.get(row.section, ("",)), values, strict=True):
            expected_cells.add((row.section, row.label, column, value))
    # The CSV holds these rows of these sections and no others.
    assert {tuple(cell) for cell in cells[1:] if cell[0] in sections} == expected_cells
    # The records make some counts starred and others rounded, so both paths are read back.
    counts = [(figure.exact, shown(figure, NHS_DIGITAL)) for row in expected for figure in row.figures[:1]]
    assert any(value == STARRED for _exact, value in counts)
    assert any(value.isdigit() and int(value) not in (0, exact) for exact, value in counts)


def _placed(summary: Summary) -> list[tuple[str, str, Figure]]:
    placed = [(KEY_FIGURES, figure.label, figure) for figure in summary.key_figures]
    for table in summary.tables:
        for label, figures in [*table.rows, *([(TOTAL, table.total)] if table.total else [])]:
            placed += [(table.title, label, figure) for figure in figures]
    return placed


def _as_protected(figure: Figure, flags: tuple[bool, bool] | None) -> Figure:
    if flags is None or figure.kind is not Kind.COUNT:
        return figure
    return replace(figure, coarse=flags[0], withheld=flags[1])


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_no_small_count_and_no_identifier_for_generated_people(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    """One database for every example, emptied before each dataset is written."""
    small_counts: list[int] = []

    @settings(max_examples=12, deadline=None)
    @given(
        seed=st.integers(0, 4_000),
        episodes=st.integers(1, 80),
        people=st.lists(identities, min_size=1, max_size=6),
    )
    def check(seed: int, episodes: int, people: list[Identity]) -> None:
        clear(database)
        write(database, actors[Role.LINK_WORKER], generate(seed, list(PRACTICE_NAMES))[:episodes], seed)
        identifiers = identify(database, people)
        with database.session() as session:
            summary = build(session, actors[Role.MANAGER], MONTH)
        reader = read(summary, NHS_DIGITAL)
        write_csv(summary, NHS_DIGITAL, tmp_path / "summary.csv")
        cells = csv_cells(tmp_path / "summary.csv")
        small_counts.extend(
            int(figure.exact)
            for table in summary.tables
            for _label, figures in table.rows
            for figure in figures
            if figure.kind is Kind.COUNT and figure.exact is not None and 1 <= figure.exact <= 7
        )

        # (a) A whole number from 1 to 7 standing alone (a cell, a chart's tick) may only be a
        # median, which is not a count.
        # The tables of who is reached have medians (distance, days to first contact) too.
        tabled = [figure for table in summary.tables for _label, cells in table.rows for figure in cells]
        medians = {
            shown(figure, NHS_DIGITAL)
            for figure in [*summary.key_figures, *tabled]
            if figure.kind is Kind.MEDIAN
        }
        for piece in pieces(reader):
            if WHOLE_NUMBER.fullmatch(piece) and 1 <= int(piece) <= 7:
                assert piece in medians, piece
        for section, label, column, value in cells[1:]:
            if section != "About" and WHOLE_NUMBER.fullmatch(value) and 1 <= int(value) <= 7:
                median = (label if section == KEY_FIGURES else column).startswith("Median")
                assert median, (section, label, value)

        # (b) No identifier of any person, in any form the app writes it.
        metadata = [str(value) for value in (reader.metadata or {}).values()]
        published = " ".join([text(reader), *metadata, *(cell for row in cells for cell in row)]).lower()
        assert identifiers
        for identifier in identifiers:
            assert identifier.lower() not in published, identifier

    check()
    # The datasets held counts the rule had to star.
    assert small_counts
