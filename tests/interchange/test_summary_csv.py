"""The monthly summary as CSV: the same figures as the PDF, each as the rule shows it, written whole."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings

from linkworker.domain.disclosure import NHS_DIGITAL, Rule, shown
from linkworker.domain.summary import Figure, Kind, Summary
from linkworker.interchange.spreadsheet_cells import restore
from linkworker.interchange.summary_csv import HEADER, rows, write
from tests.reports.summaries import SUMMARY, summaries


def cells(summary: Summary) -> dict[tuple[str, str, str], list[Figure]]:
    """The figures of the summary by the section, label and column the CSV should file them under
    (generated titles and labels may repeat, so a place may hold more than one)."""
    found: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for figure in summary.key_figures:
        found[("Key figures", figure.label, "")].append(figure)
    for table in summary.tables:
        for label, row in table.rows:
            for column, figure in zip(table.columns, row, strict=True):
                found[(table.title, label, column)].append(figure)
        for column, figure in zip(table.columns, table.total or (), strict=False):
            found[(table.title, "Total", column)].append(figure)
    for point in summary.trend:
        for figure in (point.referrals, point.first_contacts):
            found[("Trend", f"{point.month:%Y-%m}", figure.label)].append(figure)
    return found


def test_the_figures_as_the_rule_shows_them() -> None:
    table = rows(SUMMARY, NHS_DIGITAL)
    assert table[0] == HEADER
    assert ["About", "Primary care network", "", "Riverside Central PCN (U12345)"] in table
    assert ["About", "Month", "", "2026-10"] in table
    assert ["About", "Disclosure control", "", NHS_DIGITAL.describe()] in table
    assert ["Key figures", "New referrals", "", "40"] in table
    assert ["Key figures", "Declines", "", "*"] in table
    assert ["Referrals by practice", "Total", "Referrals", "40"] in table
    assert ["Connections by service category", "Housing", "Share attended", "-"] in table
    assert ["Trend", "2026-02", "New referrals", "*"] in table


def test_write_puts_the_rows_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "summary.csv"
    write(SUMMARY, NHS_DIGITAL, path)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream)) == rows(SUMMARY, NHS_DIGITAL)


class _BrokenRule(Rule):
    def describe(self) -> str:
        raise RuntimeError("describe failed")


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "summary.csv"
    path.write_text("before", encoding="utf-8")
    with pytest.raises(RuntimeError):
        write(SUMMARY, _BrokenRule(), path)
    assert path.read_text(encoding="utf-8") == "before"
    assert [item.name for item in tmp_path.iterdir()] == ["summary.csv"]


@settings(max_examples=40, deadline=None)
@given(summaries())
def test_every_cell_is_a_shown_figure_and_no_count_is_small(summary: Summary) -> None:
    rule = NHS_DIGITAL
    expected = cells(summary)
    table = rows(summary, rule)
    figures = [row for row in table[1:] if row[0] != "About"]
    assert len(figures) == sum(len(places) for places in expected.values())
    for section, label, column, value in figures:
        candidates = expected[(section, label, column)]
        assert value in {shown(figure, rule) for figure in candidates}
        if all(figure.kind is Kind.COUNT for figure in candidates):
            assert not (value.isdigit() and 1 <= int(value) <= 7)


# Cells a spreadsheet would run (OWASP CSV injection)

FORMULA_CELLS = ("=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1")


def test_text_a_spreadsheet_would_run_is_written_inert_and_the_figures_as_they_are(tmp_path: Path) -> None:
    """PCN, practice, need and service names and notes are people's text: each kind of formula
    start is made inert. The figures are the app's own ("-" withheld, "-1.5" a change) and stay
    numbers a spreadsheet can add up."""
    equals, plus, minus, at, tab, carriage_return = FORMULA_CELLS
    table = replace(
        SUMMARY.tables[0],
        title=tab,
        columns=(carriage_return, *SUMMARY.tables[0].columns[1:]),
        rows=((at, SUMMARY.tables[0].rows[0][1]), *SUMMARY.tables[0].rows[1:]),
    )
    summary = replace(
        SUMMARY, pcn_name=equals, practices=(plus, minus), notes=(at,), tables=(table, *SUMMARY.tables[1:])
    )
    path = tmp_path / "summary.csv"

    write(summary, NHS_DIGITAL, path)

    with path.open(encoding="utf-8-sig", newline="") as stream:
        written = list(csv.reader(stream))
    logical = rows(summary, NHS_DIGITAL)
    assert [[restore(cell) for cell in line] for line in written] == logical
    figures = {line[3] for line in logical[1:] if line[0] != "About"}
    for line in written:
        for cell in line:
            assert cell in figures or not cell or cell[0] not in "=+-@\t\r", cell
    assert ["About", "Primary care network", "", "'=1+1 (U12345)"] in written
    assert ["About", "Practices in scope", "", "'+1+1; -1+1"] in written
    assert ["About", "Note", "", "'@SUM(1)"] in written
    assert "-" in figures and any(value.startswith("-") and value != "-" for value in figures)
