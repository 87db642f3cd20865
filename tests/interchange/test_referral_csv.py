"""Reading referral CSV files as spreadsheets and clinical systems write them, and writing back the
rejected rows so they can be fixed and imported again."""

from __future__ import annotations

import codecs
import csv
import re
import stat
import sys
from pathlib import Path

import pytest

from linkworker.domain.intake import PersonEntry
from linkworker.interchange.referral_csv import (
    HEADINGS,
    CsvFileError,
    CsvRow,
    decode,
    field_for,
    parse_referral_csv,
    person_entry,
    read_referral_file,
    referral_entry,
    required_fields,
    split_needs,
    template_header,
    write_rejected,
    write_template,
)
from linkworker.interchange.spreadsheet_cells import neutralise
from tests.interchange.files import HEADER, NUMBERS, csv_bytes, csv_text, row

# Characters that differ between UTF-8 and Windows-1252: a diaeresis, a curly apostrophe, a pound sign.
ACCENTED = {"Forename": "Zoë", "Surname": "O\u2019Testley", "Notes": "Costs £5 a week"}
WITH_NOTES = (*HEADER, "Notes")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + csv_bytes([ACCENTED], WITH_NOTES), "UTF-8 with byte order mark"),
        (csv_bytes([ACCENTED], WITH_NOTES), "UTF-8"),
        (csv_bytes([ACCENTED], WITH_NOTES, encoding="cp1252"), "Windows-1252"),
    ],
    ids=["utf-8 with BOM", "utf-8", "windows-1252"],
)
def test_each_encoding_excel_saves_reads_the_same_text(data: bytes, encoding: str) -> None:
    file = parse_referral_csv(data)

    assert file.encoding == encoding
    assert file.header[0] == "NHS number", "no byte order mark left on the first heading"
    [record] = file.rows
    assert (record.value("given_name"), record.value("family_name")) == ("Zoë", "O\u2019Testley")
    assert record.value("notes") == "Costs £5 a week"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (codecs.BOM_UTF16_LE + csv_text([row(0)]).encode("utf-16-le"), "Unicode (UTF-16) text"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "Excel workbook"),
        (csv_bytes([row(0, Surname="Te\x81st")], encoding="latin-1"), "neither UTF-8 nor Windows-1252"),
        (codecs.BOM_UTF8 + csv_bytes([row(0, Surname="Zoë")], encoding="cp1252"), "says it is UTF-8"),
        (b"NHS number,Forename\x00\x01\x02,Surname\r\n", "not a text file"),
        (b"", "empty"),
        (b"\r\n  \r\n", "empty"),
    ],
    ids=["utf-16", "xlsx", "neither encoding", "bom but not utf-8", "binary", "empty", "blank lines"],
)
def test_a_file_in_no_known_encoding_is_refused_in_plain_words(data: bytes, says: str) -> None:
    with pytest.raises(CsvFileError, match=re.escape(says)) as refused:
        parse_referral_csv(data)

    assert "Traceback" not in str(refused.value)


def test_decode_prefers_utf8_when_the_bytes_are_valid_utf8() -> None:
    assert decode("Zoë".encode()) == ("Zoë", "UTF-8")
    assert decode("Zoë".encode("cp1252")) == ("Zoë", "Windows-1252")


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("NHS Number", "nhs_number"),
        ("NHS No.", "nhs_number"),
        ("nhs_number", "nhs_number"),
        ("Patient NHS No", "nhs_number"),
        ("Forename", "given_name"),
        ("First Name", "given_name"),
        ("given_name", "given_name"),
        ("Surname", "family_name"),
        ("Last name", "family_name"),
        ("Patient's Surname", "family_name"),
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Date of Birth (dd/mm/yyyy)", "date_of_birth"),
        ("Gender", "sex"),
        ("Person stated gender code", "sex"),
        ("Gender code", "sex"),
        ("Sex code", "sex"),
        ("Ethnicity", "ethnic_category"),
        ("Ethnic category code", "ethnic_category"),
        ("Ethnicity code", "ethnic_category"),
        ("Post Code", "postcode"),
        ("Home Telephone", "phone"),
        ("Mobile Telephone", "mobile"),
        ("E-mail address", "email"),
        ("Main Language", "language"),
        ("Practice code", "referring_practice_ods"),
        ("Practice", "referring_practice_ods"),
        ("Registered GP practice", "registered_practice_ods"),
        ("Referral Source", "source"),
        ("Referred by", "referrer_name"),
        ("Referral date", "received_on"),
        ("Date received", "received_on"),
        ("Reason for referral", "needs"),
        ("Referral Urgency", "urgency"),
        ("  Notes  ", "notes"),
    ],
)
def test_headings_are_matched_in_the_ways_exports_write_them(heading: str, field: str) -> None:
    assert field_for(heading) == field


@pytest.mark.parametrize("heading", ["Usual GP", "Age", "Problem", "", "Patient"])
def test_headings_the_import_does_not_use_match_nothing(heading: str) -> None:
    assert field_for(heading) is None


def test_required_fields_come_from_the_intake_rules() -> None:
    assert set(required_fields()) == {
        "given_name",
        "family_name",
        "date_of_birth",
        "referring_practice_ods",
        "source",
        "received_on",
        "needs",
    }


def test_a_systmone_style_export_with_other_headings_and_extra_columns_is_read() -> None:
    header = (
        "NHS No.",
        "First Name",
        "Surname",
        "DOB",
        "Gender",
        "Usual GP",
        "Practice",
        "Referral Source",
        "Date Received",
        "Reason for Referral",
    )
    values = {
        "NHS No.": NUMBERS[3],
        "First Name": "Cleo",
        "Surname": "Samplewood",
        "DOB": "1950-07-04",
        "Gender": "F",
        "Usual GP": "Dr Made-Up",
        "Practice": "G99002",
        "Referral Source": "Practice nurse",
        "Date Received": "03/02/2026",
        "Reason for Referral": "Housing | Benefits",
    }

    file = parse_referral_csv(csv_bytes([values], header))

    assert file.ignored == ("Usual GP",)
    [record] = file.rows
    assert person_entry(record) == PersonEntry(
        nhs_number=NUMBERS[3],
        given_name="Cleo",
        family_name="Samplewood",
        date_of_birth="1950-07-04",
        sex="F",
    )
    entry = referral_entry(record)
    assert (entry.referring_practice_ods, entry.source, entry.received_on) == (
        "G99002",
        "Practice nurse",
        "03/02/2026",
    )
    assert entry.needs == ("Housing", "Benefits")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_recognised(delimiter: str) -> None:
    file = parse_referral_csv(csv_bytes([row(0), row(1)], delimiter=delimiter))

    assert file.delimiter == delimiter
    assert [record.value("family_name") for record in file.rows] == ["Testwell", "Mockford"]
    assert file.rows[0].value("needs") == "Loneliness and isolation; debt_money"


def test_excels_separator_line_is_obeyed_and_counted_as_a_line() -> None:
    data = b"sep=;\r\n" + csv_bytes([row(0)], delimiter=";")

    file = parse_referral_csv(data)

    assert file.delimiter == ";"
    assert (file.header_line, file.rows[0].line) == (2, 3)


def test_line_numbers_are_physical_lines_with_the_header_as_line_1() -> None:
    text = csv_text([row(0, Notes="first line\nsecond line"), row(1), row(2)], WITH_NOTES)
    lines = text.split("\r\n")
    # A blank line before the last record, as people leave in spreadsheets.
    text = "\r\n".join([*lines[:3], "", *lines[3:]])

    file = parse_referral_csv(text.encode())

    assert file.header_line == 1
    assert [record.line for record in file.rows] == [2, 4, 6]
    assert file.rows[0].value("notes") == "first line\nsecond line"


def test_title_lines_above_the_header_are_skipped_but_keep_their_line_numbers() -> None:
    text = "Social prescribing referrals\r\nRun on 01/02/2026,,\r\n\r\n" + csv_text([row(0)])

    file = parse_referral_csv(text.encode())

    assert file.header_line == 4
    assert file.rows[0].line == 5


def test_a_file_without_a_header_line_is_refused() -> None:
    text = csv_text([row(0), row(1)]).split("\r\n", 1)[1]

    with pytest.raises(CsvFileError, match="No header line"):
        parse_referral_csv(text.encode())


def test_a_missing_required_column_is_named() -> None:
    header = tuple(heading for heading in HEADER if heading not in {"Referral date", "Source"})

    with pytest.raises(CsvFileError, match=r"no column for: Source, Referral date\."):
        parse_referral_csv(csv_bytes([row(0)], header))


def test_two_columns_for_the_same_field_are_refused() -> None:
    header = (*HEADER, "DOB")

    with pytest.raises(CsvFileError, match='"Date of birth" and "DOB" both give the date of birth'):
        parse_referral_csv(csv_bytes([row(0, DOB="01/01/1950")], header))


def test_an_unclosed_quote_stops_the_file_at_its_line() -> None:
    text = csv_text([row(0), row(1)]) + '"9990000000,Broken,Row\r\n' + csv_text([row(2)]).split("\r\n", 1)[1]

    with pytest.raises(CsvFileError, match="Line 4 cannot be read"):
        parse_referral_csv(text.encode())


def test_a_row_with_more_values_than_columns_is_marked_and_a_short_row_is_padded() -> None:
    text = csv_text([row(0)]) + "9990000018,Ada,Test,01/01/1950,ME14 1XX,G99001,GP,2026-01-15,Food,extra\r\n"
    text += "9990000018,Bram,Short\r\n"

    file = parse_referral_csv(text.encode())

    assert file.rows[0].shape_problem is None
    assert file.rows[1].shape_problem is not None
    assert "10 values but the header has 9 columns" in file.rows[1].shape_problem
    assert file.rows[2].shape_problem is None
    assert file.rows[2].value("received_on") == ""


def test_values_are_trimmed_and_excel_text_formulas_unwrapped() -> None:
    file = parse_referral_csv(
        csv_bytes([row(0, **{"NHS number": f'="{NUMBERS[0]}"', "Surname": "  Testwell "})])
    )

    assert file.rows[0].value("nhs_number") == NUMBERS[0]
    assert file.rows[0].value("family_name") == "Testwell"
    assert file.rows[0].cells[0] == f'="{NUMBERS[0]}"', "the cells keep what the file had"


def test_needs_are_split_on_semicolons_bars_and_line_breaks() -> None:
    assert split_needs("Loneliness; Housing|food\nTransport ;; ") == (
        "Loneliness",
        "Housing",
        "food",
        "Transport",
    )
    assert split_needs("") == ()


def test_reading_a_path_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="There is no file"):
        read_referral_file(tmp_path / "missing.csv")
    with pytest.raises(CsvFileError, match="is a folder"):
        read_referral_file(tmp_path)


def test_rejected_rows_are_written_with_their_problem_and_read_back_the_same(tmp_path: Path) -> None:
    source = parse_referral_csv(
        csv_bytes([row(0), row(1, Forename="Zoë"), row(2, Notes="two\nlines")], WITH_NOTES, encoding="cp1252")
    )
    target = tmp_path / "rejected.csv"

    written = write_rejected(
        target, source, [(source.rows[1], "Date of birth: bad"), (source.rows[2], "NHS number: bad")]
    )

    assert written == 2
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8), "Excel shows every character of a UTF-8 file with a BOM"
    again = parse_referral_csv(data)
    assert again.header == ("Problem", *WITH_NOTES)
    assert again.ignored == ("Problem",)
    assert [record.cells for record in again.rows] == [
        ("Date of birth: bad", *source.rows[1].cells),
        ("NHS number: bad", *source.rows[2].cells),
    ]
    assert again.rows[0].value("given_name") == "Zoë"
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, "people's details: readable by the user only"


def test_saving_rejected_rows_of_a_rejected_file_reuses_its_problem_column(tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    source = parse_referral_csv(csv_bytes([row(0)]))
    write_rejected(first, source, [(source.rows[0], "old problem")])
    again = read_referral_file(first)

    write_rejected(first, again, [(again.rows[0], "new problem")])

    final = read_referral_file(first)
    assert final.header == ("Problem", *HEADER)
    assert final.rows[0].cells[0] == "new problem"


def test_a_short_rejected_row_is_padded_to_the_header(tmp_path: Path) -> None:
    source = parse_referral_csv((csv_text([row(0)]) + "x,y\r\n").encode())
    short = source.rows[1]
    target = tmp_path / "rejected.csv"

    write_rejected(target, source, [(short, "too short")])

    assert read_referral_file(target).rows[0].cells == ("too short", "x", "y", *[""] * (len(HEADER) - 2))


def test_a_rejected_file_that_cannot_be_written_is_a_plain_error(tmp_path: Path) -> None:
    source = parse_referral_csv(csv_bytes([row(0)]))
    record: CsvRow = source.rows[0]

    with pytest.raises(CsvFileError, match="cannot be written"):
        write_rejected(tmp_path / "no such folder" / "rejected.csv", source, [(record, "x")])
    assert list(tmp_path.iterdir()) == []


# Cells a spreadsheet would run (OWASP CSV injection): each kind, written inert, read back as it was

FORMULA_CELLS = {
    "equals": '=HYPERLINK("http://example.org","Click")',
    "plus": "+44 1632 960123",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}


@pytest.mark.parametrize("cell", FORMULA_CELLS.values(), ids=FORMULA_CELLS.keys())
def test_a_rejected_cell_a_spreadsheet_would_run_is_written_inert_and_read_back_as_it_was(
    tmp_path: Path, cell: str
) -> None:
    header = (*HEADER, cell)  # a heading is a cell too
    source = parse_referral_csv(
        csv_bytes([row(0, Notes=cell, Forename=cell, **{cell: cell})], (*header, "Notes"))
    )
    target = tmp_path / "rejected.csv"

    write_rejected(target, source, [(source.rows[0], cell)])

    with target.open(encoding="utf-8-sig", newline="") as stream:
        written = [cells for cells in csv.reader(stream)]
    assert all(not text or text[0] not in "=+-@\t\r" for cells in written for text in cells)
    assert written[1].count("'" + cell) == 4, "the problem, the forename, the notes and the odd column"
    back = read_referral_file(target)
    assert back.header == ("Problem", *header, "Notes")
    assert back.rows[0].cells == (cell, *source.rows[0].cells)


def test_a_file_from_elsewhere_with_an_apostrophe_before_a_formula_reads_as_a_spreadsheet_shows_it() -> None:
    """Excel shows '=1+1 as =1+1: what a person saw in the spreadsheet is what is imported."""
    source = parse_referral_csv(csv_bytes([row(0, Notes="'-lives alone")], WITH_NOTES))

    assert source.rows[0].value("notes") == "-lives alone"


# The template: one heading for each field the import reads ------------------------------------------

REQUIRED = ("nhs_number", *required_fields())


def test_the_template_has_one_heading_for_each_field_the_import_reads(tmp_path: Path) -> None:
    target = tmp_path / "template.csv"

    write_template(target, REQUIRED)

    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8), "Excel shows every character of a UTF-8 file with a BOM"
    read = parse_referral_csv(data)
    assert [column.field for column in read.columns] == list(HEADINGS)
    assert read.ignored == () and read.rows == ()
    assert read.header == template_header(REQUIRED)


def test_the_templates_headings_say_what_is_required_and_how_to_write_dates_and_answers() -> None:
    headings = dict(zip(HEADINGS, template_header(REQUIRED), strict=True))
    assert headings["nhs_number"] == "NHS number (required)"
    assert headings["given_name"] == "Given name (required)"
    assert headings["date_of_birth"] == "Date of birth (required, dd/mm/yyyy)"
    assert headings["received_on"] == "Referral date (required, dd/mm/yyyy)"
    assert headings["needs"] == "Needs (required, separated by ; or |)"
    assert headings["consent_share_gp"] == "Consent to share with GP (yes or no)"
    assert headings["interpreter_needed"] == "Interpreter needed (yes or no)"
    assert headings["postcode"] == "Postcode"
    assert all(field_for(heading) == field for field, heading in headings.items())


def test_the_template_is_written_through_the_spreadsheet_cell_rule(tmp_path: Path) -> None:
    target = tmp_path / "template.csv"
    write_template(target, REQUIRED)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        [written] = list(csv.reader(stream))
    assert written == [neutralise(heading) for heading in template_header(REQUIRED)]


def test_a_template_that_cannot_be_written_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="cannot be written"):
        write_template(tmp_path / "no such folder" / "template.csv", REQUIRED)
    assert list(tmp_path.iterdir()) == []
