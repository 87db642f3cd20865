"""Every CSV cell a spreadsheet would run is made inert, and reads back exactly (OWASP CSV injection)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.interchange.spreadsheet_cells import neutralise, restore


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","y")'],
)
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(cell: str) -> None:
    written = neutralise(cell)
    assert written == "'" + cell
    assert restore(written) == cell


@pytest.mark.parametrize("cell", ["Riverside Surgery", "O'Brien", "'quoted'", "", "42", "a=b"])
def test_ordinary_text_is_written_as_it_is(cell: str) -> None:
    assert neutralise(cell) == cell
    assert restore(cell) == cell


def test_text_that_already_began_with_an_apostrophe_before_a_formula_keeps_it() -> None:
    assert neutralise("'=1") == "''=1"
    assert restore("''=1") == "'=1"


def test_numbers_the_app_made_are_left_as_numbers() -> None:
    assert neutralise(-5) == -5
    assert neutralise(None) is None


@given(st.text())
def test_any_text_reads_back_as_it_was_and_never_starts_a_formula(cell: str) -> None:
    written = neutralise(cell)
    assert isinstance(written, str)
    assert written[:1] not in set("=+-@\t\r")
    assert restore(written) == cell
