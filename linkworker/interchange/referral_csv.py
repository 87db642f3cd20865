"""Referral CSV files: read what spreadsheets and GP clinical systems export, and write back the
rows that could not be imported so they can be fixed and imported again, and a template with
one heading for each field the import reads.

Exports differ: EMIS Web, SystmOne and hand-kept spreadsheets each name the columns their own
way ("Forename", "First Name", "Given name"), Excel saves "CSV UTF-8" with a byte order mark or
plain "CSV" in Windows-1252, and some locales separate values with ";". This module turns any of
them into one ``CsvRow`` per record, keeping the physical line number a text editor shows (the
header is line 1), and leaves every rule about the values to ``linkworker.domain.intake``.

Every cell is written and read through ``spreadsheet_cells`` (OWASP's CSV injection rule): a
rejected row's cell that a spreadsheet would run as a formula goes out with a leading apostrophe,
and comes back without it when the file is imported again. A file from elsewhere is read the same
way, so a cell written '=1+1 imports as =1+1, which is also what a spreadsheet shows for it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from linkworker.domain.errors import FormErrors
from linkworker.domain.intake import PersonEntry, ReferralEntry, parse_person, parse_referral
from linkworker.domain.text_checks import CONTROL_CHARACTERS
from linkworker.interchange.spreadsheet_cells import neutralise_row, restore
from linkworker.whole_file import not_written, text_written_whole

# The headings each field is known by, as people and systems write them. Matching ignores case,
# spaces, punctuation and anything in brackets, so "NHS No." and "nhs_number" are the same, and
# "Date of birth (dd/mm/yyyy)" is "Date of birth".
HEADINGS: dict[str, tuple[str, ...]] = {
    # The person
    "nhs_number": ("NHS number", "NHS No", "NHS", "NHS num", "NHS ID", "New NHS number"),
    "given_name": ("Given name", "Forename", "Forenames", "First name", "First names", "Given names"),
    "family_name": ("Family name", "Surname", "Last name"),
    "date_of_birth": ("Date of birth", "DOB", "Birth date", "Birthdate", "D.O.B."),
    "sex": (
        "Sex",
        "Gender",
        "Stated sex",
        "Person stated sex",
        "Stated gender",
        "Person stated gender",
        "Person stated gender code",
        "Gender code",
        "Sex code",
    ),
    "ethnic_category": (
        "Ethnic category",
        "Ethnicity",
        "Ethnic group",
        "Ethnic origin",
        "Ethnic code",
        "Ethnic category code",
        "Ethnicity code",
    ),
    "address_line_1": (
        "Address line 1",
        "Address",
        "Address 1",
        "First line of address",
        "Street",
        "Number and street",
        "Number & street",
        "House and street",
        "Road",
    ),
    "address_line_2": ("Address line 2", "Address 2", "Second line of address", "Locality", "Village"),
    "town": ("Town", "City", "Post town", "Town or city", "Town/city"),
    "postcode": ("Postcode", "Post code", "Postal code"),
    "phone": (
        "Phone",
        "Telephone",
        "Phone number",
        "Telephone number",
        "Tel",
        "Tel no",
        "Home phone",
        "Home telephone",
        "Landline",
    ),
    "mobile": ("Mobile", "Mobile number", "Mobile phone", "Mobile telephone", "Mobile no"),
    "email": ("Email", "Email address", "E-mail", "E-mail address"),
    "preferred_contact_method": (
        "Preferred contact method",
        "Contact method",
        "Preferred contact",
        "How to contact",
    ),
    "preferred_contact_times": (
        "Preferred contact times",
        "Preferred contact time",
        "Contact times",
        "Best time to contact",
        "Best time to call",
    ),
    "language": ("Language", "Main language", "Preferred language", "First language", "Spoken language"),
    "interpreter_needed": ("Interpreter needed", "Interpreter", "Interpreter required", "Needs interpreter"),
    "accessibility_needs": (
        "Accessibility needs",
        "Accessibility",
        "Reasonable adjustments",
        "Communication needs",
        "Accessible information needs",
    ),
    "registered_practice_ods": (
        "Registered practice",
        "Registered practice code",
        "Registered practice ODS code",
        "Registered GP practice",
        "GP practice",
        "GP practice code",
    ),
    # The referral
    "referring_practice_ods": (
        "Referring practice",
        "Referring practice code",
        "Referring practice ODS code",
        "Practice",
        "Practice code",
        "Practice ODS code",
        "ODS code",
        "Organisation code",
    ),
    "source": ("Source", "Referral source", "Source of referral", "Referrer type", "Referrer role"),
    "referrer_name": ("Referrer", "Referrer name", "Referred by", "Referring clinician", "Referring GP"),
    "received_on": (
        "Referral date",
        "Date received",
        "Received",
        "Received on",
        "Date referred",
        "Referral received",
        "Date of referral",
        "Referral received date",
    ),
    "needs": ("Needs", "Need", "Reason for referral", "Reasons for referral", "Referral reason"),
    "consent_share_gp": (
        "Consent to share with GP",
        "Consent share GP",
        "Consent GP",
        "GP consent",
        "Share with GP",
    ),
    "consent_share_services": (
        "Consent to share with services",
        "Consent share services",
        "Consent services",
        "Services consent",
        "Share with services",
    ),
    "urgency": ("Urgency", "Priority"),
    "notes": ("Notes", "Note", "Comments", "Comment", "Additional information", "Referral notes"),
}

# A heading may carry a word for whose it is: "Patient surname", "Referral urgency".
_PREFIXES = ("patients", "patient", "clients", "client", "person", "serviceuser", "referral")
_DELIMITERS = (",", ";", "\t")
_HEADER_SEARCH_ROWS = 15  # title lines some exports put above the header
_MIN_HEADER_FIELDS = 3
_NEEDS_SEPARATORS = re.compile(r"[;|\n]")
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)  # ="0123": how some exports keep text as text
PROBLEM_HEADING = "Problem"
# What the template's headings say in brackets (which matching ignores) about how to fill a field.
_HOW_TO_FILL = {
    "date_of_birth": "dd/mm/yyyy",
    "received_on": "dd/mm/yyyy",
    "needs": "separated by ; or |",
    "interpreter_needed": "yes or no",
    "consent_share_gp": "yes or no",
    "consent_share_services": "yes or no",
}


class CsvFileError(ValueError):
    """The file as a whole cannot be read as a list of referrals; the message says why and what
    to do. Never carries the file's contents."""


def _key(heading: str) -> str:
    """A heading without case, spaces, punctuation or bracketed notes: "NHS No." -> "nhsno"."""
    without_notes = re.sub(r"\(.*?\)|\[.*?\]", "", heading)
    return re.sub(r"[^0-9a-z]", "", without_notes.casefold())


_FIELD_BY_KEY: dict[str, str] = {_key(h): field for field, headings in HEADINGS.items() for h in headings}


def field_for(heading: str) -> str | None:
    """The field a column heading names, or None for a column the import does not use."""
    key = _key(heading)
    if key in _FIELD_BY_KEY:
        return _FIELD_BY_KEY[key]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _FIELD_BY_KEY:
            return _FIELD_BY_KEY[key[len(prefix) :]]
    return None


@cache
def required_fields() -> tuple[str, ...]:
    """The fields no referral can do without, as the intake rules say: those they refuse blank.

    A file without a column for one of them is refused whole, rather than every row one by one.
    """
    refused: list[str] = []
    for parse in (
        lambda: parse_person(PersonEntry(), date.today()),
        lambda: parse_referral(ReferralEntry(), date.today(), {}, {}),
    ):
        try:
            parse()
        except FormErrors as errors:
            refused.extend(error.field for error in errors.errors)
    return tuple(field for field in HEADINGS if field in refused)


def label(field: str) -> str:
    """The usual heading of a field, as messages name it."""
    return HEADINGS[field][0]


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    index: int


@dataclass(frozen=True)
class CsvRow:
    """One record of the file: where it starts, its cells as written, and the used values.

    ``shape_problem`` says why the row cannot be trusted as a whole (more values than columns).
    """

    line: int
    cells: tuple[str, ...]
    values: Mapping[str, str]
    shape_problem: str | None = None

    def value(self, field: str) -> str:
        return self.values.get(field, "")


@dataclass(frozen=True)
class ReferralFile:
    """A whole file as read; ``name`` is the file's name (without its folder) and ``path`` where
    it is, when read from disk."""

    encoding: str
    delimiter: str
    header_line: int
    header: tuple[str, ...]
    columns: tuple[Column, ...]
    ignored: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    name: str = ""
    path: Path | None = None


def read_referral_file(path: Path) -> ReferralFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsvFileError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise CsvFileError(f"{path} is a folder, not a CSV file.") from None
    except OSError as error:
        raise CsvFileError(f"{path} cannot be read: {error.strerror or error}.") from None
    return replace(parse_referral_csv(data), name=path.name, path=path)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding: UTF-8 (with or without a byte order
    mark) or Windows-1252, which Excel's plain "CSV" uses on English Windows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvFileError(_SAVE_AS_CSV.format(what="saved as Unicode (UTF-16) text"))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(_SAVE_AS_CSV.format(what="an Excel workbook"))
    if data.startswith(codecs.BOM_UTF8):
        try:
            return _text(data[len(codecs.BOM_UTF8) :].decode("utf-8")), "UTF-8 with byte order mark"
        except UnicodeDecodeError as error:
            raise CsvFileError(
                "The file says it is UTF-8 but has characters that are not "
                f"(at byte {error.start + len(codecs.BOM_UTF8)}). Save it again as CSV UTF-8."
            ) from None
    for encoding, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return _text(data.decode(encoding)), name
        except UnicodeDecodeError:
            continue
    raise CsvFileError(
        "The file's characters are neither UTF-8 nor Windows-1252. Open it in a spreadsheet "
        "and save it as CSV UTF-8."
    )


_SAVE_AS_CSV = "This file is {what}, not a CSV file. Open it in Excel and save it as CSV UTF-8."


def _text(text: str) -> str:
    if CONTROL_CHARACTERS.search(text):
        raise CsvFileError(
            "This is not a text file (it holds control characters). Choose a CSV file, or open it "
            "in a spreadsheet and save it as CSV UTF-8."
        )
    return text


def parse_referral_csv(data: bytes) -> ReferralFile:
    """Every record of a referral CSV file; ``CsvFileError`` if the file as a whole is unusable."""
    text, encoding = decode(data)
    if not text.strip():
        raise CsvFileError("The file is empty.")
    delimiter = _excel_separator(text) or _best_delimiter(text)
    records = _records(text, delimiter)
    header_line, header = _find_header(records)
    columns, ignored = _columns(header)
    rows = tuple(_row(line, cells, header, columns) for line, cells in records if _has_values(cells))
    return ReferralFile(encoding, delimiter, header_line, tuple(header), columns, ignored, rows)


def _excel_separator(text: str) -> str | None:
    """Excel's own hint on the first line: "sep=;"."""
    match = re.match(r"sep=(.)\r?\n", text)
    return match.group(1) if match else None


def _best_delimiter(text: str) -> str:
    """The separator that makes the most headings recognisable in the first lines."""
    scores = {}
    for delimiter in _DELIMITERS:
        try:
            scores[delimiter] = max(
                (_recognised(cells) for _line, cells in _first_records(text, delimiter)), default=0
            )
        except CsvFileError:
            scores[delimiter] = -1
    return max(_DELIMITERS, key=lambda d: scores[d])  # ties go to the comma


def _first_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    for count, record in enumerate(_records(text, delimiter)):
        if count >= _HEADER_SEARCH_ROWS:
            return
        yield record


def _recognised(cells: list[str]) -> int:
    return len({field for cell in cells if (field := field_for(cell)) is not None})


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the physical line it starts on, its cells restored (``spreadsheet_cells``);
    quoted values may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise CsvFileError(
                f"Line {start} cannot be read: a value in quotes is not closed, or a closing quote "
                'is followed by more text. Check the quote marks (") on that line.'
            ) from None
        yield start, [restore(cell) for cell in cells]


def _find_header(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    for count, (line, cells) in enumerate(records):
        if count >= _HEADER_SEARCH_ROWS:
            break
        if _recognised(cells) >= _MIN_HEADER_FIELDS:
            return line, cells
    examples = ", ".join(label(field) for field in required_fields())
    raise CsvFileError(
        "No header line naming the columns was found at the top of the file. The first line "
        f"should name the columns, for example: {examples}."
    )


def _columns(header: list[str]) -> tuple[tuple[Column, ...], tuple[str, ...]]:
    columns: dict[str, Column] = {}
    ignored = []
    for index, heading in enumerate(header):
        field = field_for(heading)
        if field is None:
            if heading.strip():
                ignored.append(heading.strip())
            continue
        if field in columns:
            raise CsvFileError(
                f'The columns "{columns[field].heading}" and "{heading.strip()}" both give the '
                f"{label(field).lower()}: keep one of them."
            )
        columns[field] = Column(field, heading.strip(), index)
    missing = [label(field) for field in required_fields() if field not in columns]
    if missing:
        raise CsvFileError(
            f"The file has no column for: {', '.join(missing)}. Add the column (any usual name "
            "works, like Forename or First name) and import again."
        )
    return tuple(columns.values()), tuple(ignored)


def _has_values(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _row(line: int, cells: list[str], header: list[str], columns: tuple[Column, ...]) -> CsvRow:
    values = {column.field: _clean(cells[column.index]) for column in columns if column.index < len(cells)}
    shape_problem = None
    if len(cells) > len(header) and _has_values(cells[len(header) :]):
        shape_problem = (
            f"This line has {len(cells)} values but the header has {len(header)} columns: "
            "a value may hold the separator without quotes around it."
        )
    return CsvRow(line, tuple(cells), values, shape_problem)


def _clean(cell: str) -> str:
    excel_text = _EXCEL_TEXT.match(cell.strip())
    return (excel_text.group(1) if excel_text else cell).strip()


def split_needs(text: str) -> tuple[str, ...]:
    """The needs of one cell, separated by ";", "|" or line breaks within the cell."""
    return tuple(part.strip() for part in _NEEDS_SEPARATORS.split(text) if part.strip())


def person_entry(row: CsvRow) -> PersonEntry:
    return PersonEntry(
        nhs_number=row.value("nhs_number"),
        given_name=row.value("given_name"),
        family_name=row.value("family_name"),
        date_of_birth=row.value("date_of_birth"),
        sex=row.value("sex"),
        ethnic_category=row.value("ethnic_category"),
        address_line_1=row.value("address_line_1"),
        address_line_2=row.value("address_line_2"),
        town=row.value("town"),
        postcode=row.value("postcode"),
        phone=row.value("phone"),
        mobile=row.value("mobile"),
        email=row.value("email"),
        preferred_contact_method=row.value("preferred_contact_method"),
        preferred_contact_times=row.value("preferred_contact_times"),
        language=row.value("language"),
        interpreter_needed=row.value("interpreter_needed"),
        accessibility_needs=row.value("accessibility_needs"),
        registered_practice_ods=row.value("registered_practice_ods"),
    )


def referral_entry(row: CsvRow) -> ReferralEntry:
    return ReferralEntry(
        referring_practice_ods=row.value("referring_practice_ods"),
        source=row.value("source"),
        referrer_name=row.value("referrer_name"),
        received_on=row.value("received_on"),
        needs=split_needs(row.value("needs")),
        consent_share_gp=row.value("consent_share_gp"),
        consent_share_services=row.value("consent_share_services"),
        urgency=row.value("urgency"),
        notes=row.value("notes"),
    )


def holds_rejected_rows(path: Path) -> bool:
    """Whether the file at ``path`` is a list of rejected rows (its first line has a "Problem"
    column, as ``write_rejected`` writes it and a spreadsheet saves it again): one that a new list
    may replace. Any other file, or one that cannot be read, is not."""
    try:
        text, _encoding = decode(path.read_bytes())
    except (OSError, CsvFileError):
        return False
    first_line = text.split("\n", 1)[0]
    for delimiter in _DELIMITERS:
        try:
            headings = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        if any(_key(restore(heading)) == _key(PROBLEM_HEADING) for heading in headings):
            return True
    return False


def write_rejected(path: Path, source: ReferralFile, rejected: Iterable[tuple[CsvRow, str]]) -> int:
    """Write the rejected rows as they were, with the problem beside each, to fix and import again.

    The columns are the file's own, with a "Problem" column first (or the file's "Problem" column
    reused, when it is itself a saved list of rejected rows). UTF-8 with a byte order mark, so
    Excel shows every character; a cell a spreadsheet would run made inert; written whole or not
    at all. Returns the number of rows written.
    """
    header = list(source.header)
    problem_at = next((i for i, heading in enumerate(header) if _key(heading) == _key(PROBLEM_HEADING)), None)
    if problem_at is None:
        header.insert(0, PROBLEM_HEADING)
    written = 0
    try:
        # Readable by this user only: the rows hold people's details.
        with text_written_whole(path, encoding="utf-8-sig") as stream:
            writer = csv.writer(stream)
            # Tuples: neutralise_row takes a list[object] (a list[str] is not one) or a tuple.
            writer.writerow(neutralise_row(tuple(header)))
            for row, problem in rejected:
                cells = list(row.cells) + [""] * (len(source.header) - len(row.cells))
                if problem_at is None:
                    cells.insert(0, problem)
                else:
                    cells[problem_at] = problem
                writer.writerow(neutralise_row(tuple(cells)))
                written += 1
    except OSError as error:
        raise CsvFileError(not_written(path.expanduser(), error)) from None
    return written


def template_header(required: Iterable[str]) -> tuple[str, ...]:
    """Each field's usual heading, in the order the import lists them, with a note in brackets
    on the ``required`` ones and on how to write dates, needs and yes-or-no answers. Matching
    ignores bracketed notes, so a filled template imports as it is."""
    needed = set(required)
    headings = []
    for field in HEADINGS:
        notes = [
            note for note in ("required" if field in needed else "", _HOW_TO_FILL.get(field, "")) if note
        ]
        headings.append(f"{label(field)} ({', '.join(notes)})" if notes else label(field))
    return tuple(headings)


def write_template(path: Path, required: Iterable[str]) -> None:
    """A file holding only the header line of ``template_header``, to fill in a spreadsheet: UTF-8
    with a byte order mark, each cell through the spreadsheet rule, written whole or not at all."""
    try:
        with text_written_whole(path, encoding="utf-8-sig") as stream:
            csv.writer(stream).writerow(neutralise_row(list(template_header(required))))
    except OSError as error:
        raise CsvFileError(not_written(path.expanduser(), error)) from None
