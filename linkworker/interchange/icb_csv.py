"""The ICB's view across its PCNs (services.icb) as CSV: one row per PCN (and the ICB's pooled
figures last), each figure as that PCN's rule shows it; the About rows say the month, the rules
and the deprivation index. Names go through ``spreadsheet_cells`` (OWASP's CSV injection rule);
figures are the app's own text and stay numbers a spreadsheet can sort.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from linkworker.domain.icb import COLUMNS, IcbView, PcnFigures
from linkworker.interchange.spreadsheet_cells import neutralise, neutralise_row
from linkworker.whole_file import text_written_whole

ABOUT = "About"


def rows(view: IcbView, listed: Sequence[PcnFigures] | None = None) -> list[list[str]]:
    """The header, the About rows, then one row per PCN in ``listed``'s order, then the ICB's."""
    table: list[list[str]] = [["PCN", "ODS code", *COLUMNS]]
    table.append([ABOUT, "Month", f"{view.month:%Y-%m}", *[""] * (len(COLUMNS) - 1)])
    table += [[ABOUT, "Note", note, *[""] * (len(COLUMNS) - 1)] for note in view.notes]
    for row in [*(listed if listed is not None else view.pcns), *([view.icb] if view.icb else [])]:
        table.append([row.name, row.ods_code, *row.shown])
    return table


def write(view: IcbView, path: Path, listed: Sequence[PcnFigures] | None = None) -> None:
    """Write whole or not at all, UTF-8 with a byte order mark (Excel shows every name)."""
    with text_written_whole(path, encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        for row in rows(view, listed):
            names = neutralise_row(list[object](row[:2]))
            rest = [neutralise(cell) for cell in row[2:]] if row[0] == ABOUT else row[2:]
            writer.writerow([*names, *rest])
