"""Cells a spreadsheet would run as a formula, made inert in every CSV the app writes.

OWASP's CSV injection guidance: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return may be run as a formula by Excel or LibreOffice (``=HYPERLINK(...)``,
``@SUM(...)``, DDE). Such a cell is written with a leading apostrophe, which spreadsheets show
as text; a cell that already began with apostrophes before such a character gets one more, so
reading the file back (``restore``) gives every value exactly as it was.
"""

from __future__ import annotations

FORMULA_STARTS = frozenset("=+-@\t\r")


def _needs_quote(value: str) -> bool:
    return value.lstrip("'")[:1] in FORMULA_STARTS and value.lstrip("'") != ""


def neutralise(value: object) -> object:
    """The cell as written: text that a spreadsheet would run gets a leading apostrophe;
    numbers and other values the app made itself are written as they are."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def neutralise_row(row: list[object] | tuple[object, ...]) -> list[object]:
    return [neutralise(cell) for cell in row]


def restore(value: str) -> str:
    """A cell read back from a file the app wrote: the apostrophe ``neutralise`` added removed."""
    if value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value
