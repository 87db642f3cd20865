"""The anonymised monthly PCN summary as CSV, for an ICB's spreadsheet: the same figures as the PDF.

One row per figure, in the columns section, label, column and value, each value as the disclosure
rule shows it (``shown``): a CSV is as public as the document, so it holds nothing the PDF would
not. The first rows say whose figures they are, for which month, and under which rule.

Names and notes are people's text (a PCN, practice, need or service name): a cell of theirs that
a spreadsheet would run as a formula is written with a leading apostrophe (``spreadsheet_cells``,
OWASP's CSV injection rule). A figure's value is the app's own ("12", "*", "-" withheld, "-1.4" a
change): never a formula, so it is written as it is and stays a number a spreadsheet adds up.
"""

from __future__ import annotations

import csv
from pathlib import Path

from linkworker.domain import equity
from linkworker.domain.disclosure import Rule, shown
from linkworker.domain.summary import Summary
from linkworker.interchange.spreadsheet_cells import neutralise, neutralise_row
from linkworker.whole_file import text_written_whole

HEADER = ["section", "label", "column", "value"]
ABOUT = "About"
KEY_FIGURES = "Key figures"
TREND = "Trend"
TOTAL = "Total"
CORE20 = "Core20"  # the sentence saying whether the most deprived are reached as their share


def rows(summary: Summary, rule: Rule) -> list[list[str]]:
    """The header, then the summary's details, key figures, tables (each total last) and trend."""
    table: list[list[str]] = [
        HEADER,
        [ABOUT, "Primary care network", "", f"{summary.pcn_name} ({summary.pcn_ods})"],
        [ABOUT, "Month", "", f"{summary.month:%Y-%m}"],
        [ABOUT, "Practices in scope", "", "; ".join(summary.practices)],
        [ABOUT, "Made", "", f"{summary.made_at:%Y-%m-%d %H:%M}"],
        [ABOUT, "Disclosure control", "", rule.describe()],
        *([ABOUT, "Note", "", note] for note in summary.notes),
        *([ABOUT, CORE20, "", said] for said in _core20_sentences(summary, rule)),
    ]
    table += [[KEY_FIGURES, figure.label, "", shown(figure, rule)] for figure in summary.key_figures]
    for figures in summary.tables:
        for label, cells in figures.rows:
            table += [
                [figures.title, label, column, shown(figure, rule)]
                for column, figure in zip(figures.columns, cells, strict=True)
            ]
        if figures.total is not None:
            table += [
                [figures.title, TOTAL, column, shown(figure, rule)]
                for column, figure in zip(figures.columns, figures.total, strict=True)
            ]
    for point in summary.trend:
        month = f"{point.month:%Y-%m}"
        table += [
            [TREND, month, figure.label, shown(figure, rule)]
            for figure in (point.referrals, point.first_contacts)
        ]
    return table


def _core20_sentences(summary: Summary, rule: Rule) -> list[str]:
    said = (equity.core20_said(table, rule) for table in summary.tables)
    return [sentence for sentence in said if sentence]


def write(summary: Summary, rule: Rule, path: Path) -> None:
    """Write the rows whole or not at all: into a temporary file beside ``path``, then put in its
    place. UTF-8 with a byte order mark, so Excel shows every character of a practice's name."""
    with text_written_whole(path, encoding="utf-8-sig") as stream:
        csv.writer(stream).writerows(_written(row) for row in rows(summary, rule))


def _written(row: list[str]) -> list[object]:
    """A row as written: its names made inert, and the value too when it is text (an About row)."""
    section, label, column, value = row
    return [*neutralise_row([section, label, column]), neutralise(value) if section == ABOUT else value]
