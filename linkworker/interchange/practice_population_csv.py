"""NHS Digital's "Patients Registered at a GP Practice": the file of patients by practice and LSOA.

Each quarterly publication (January, April, July, October) has a ZIP holding
``gp-reg-pat-prac-lsoa-all.csv`` (all patients) beside files for male and female patients. Its
columns: ``PUBLICATION`` ("GP_PRAC_PAT_LIST"), ``EXTRACT_DATE`` (the day the lists were taken,
written "01JUL2026"; other spellings such as "2026-07-01" are read too), ``PRACTICE_CODE``,
``PRACTICE_NAME``, ``LSOA_CODE`` (the LSOA the patients live in), ``SEX`` ("ALL") and
``NUMBER_OF_PATIENTS``. Header names are read in any case, with spaces or underscores ("Number of
Patients" in some copies). The ZIP may be chosen as it is: its all-patients file is read.

Reading checks every line and lists each problem with its line number; the service imports
nothing if there is any. A row whose LSOA is not an area code (patients whose postcode placed
them in no LSOA) is counted, not kept. The national file has about a million rows, so it is
read as a stream, with how far the reading has got for a progress bar.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, NamedTuple, Self

from linkworker.domain import organisations
from linkworker.domain.errors import ValidationError

EXTRACT_DATE = "EXTRACT_DATE"
PRACTICE_CODE = "PRACTICE_CODE"
LSOA_CODE = "LSOA_CODE"
PATIENTS = "NUMBER_OF_PATIENTS"
SEX = "SEX"
REQUIRED = (EXTRACT_DATE, PRACTICE_CODE, LSOA_CODE, PATIENTS)
ALL_PATIENTS = "ALL"
ALL_PATIENTS_FILE = "gp-reg-pat-prac-lsoa-all.csv"
PROBLEMS_KEPT = 50  # problems listed in full; the rest are counted
_AREA_CODE = re.compile(r"^[A-Z][0-9]{8}$")  # a GSS code: E01012345, W01000001
_DATE_FORMATS = ("%d%b%Y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d/%m/%Y")
_ZIP_SIGNATURE = b"PK\x03\x04"


class PopulationFileError(Exception):
    """The file cannot be read as the patients-by-LSOA file at all; the message says why."""


class PopulationRow(NamedTuple):
    """One practice's patients living in one LSOA, and the line of the file it is on."""

    practice_code: str
    lsoa_code: str
    patients: int
    line: int


class Problem(NamedTuple):
    line: int
    message: str


@dataclass
class Tally:
    """What reading found so far: every data row is kept, without an area, or a problem."""

    rows: int = 0
    kept: int = 0
    without_area: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(line, message))


class PopulationFile:
    """The patients-by-LSOA CSV (or the publication's ZIP), its header checked. Use it in a
    ``with`` block, iterate ``rows()`` once, then read ``extract_date`` and ``tally``."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.extract_date: date | None = None
        self.tally = Tally()
        try:
            self._binary: IO[bytes] = path.open("rb")
        except OSError as error:
            raise PopulationFileError(f"{path} cannot be opened: {error.strerror or error}.") from None
        self._archive: zipfile.ZipFile | None = None
        try:
            self.size = max(path.stat().st_size, 1)
            self._source = self._open_csv()
            self._text = io.TextIOWrapper(self._source, encoding="utf-8-sig", errors="replace", newline="")
            self._reader = csv.reader(self._text)
            self._columns = self._read_header()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
        self._binary.close()

    @property
    def position(self) -> int:
        """Bytes of the chosen file read so far (to the nearest buffer), out of ``size``."""
        return self._binary.tell() if not self._binary.closed else self.size

    def rows(self) -> Iterator[PopulationRow]:
        """Every good row with an area, in file order; the others are counted (and each problem
        listed) in ``tally``. Raises ``PopulationFileError`` where the file stops being CSV."""
        reader = self._reader
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise PopulationFileError(
                    f"{self.name} cannot be read past line {reader.line_num} ({error}): it may be "
                    "damaged; download it again."
                ) from None
            if not values or not any(value.strip() for value in values):
                continue
            self.tally.rows += 1
            row = self._row(values, reader.line_num)
            if row is not None:
                self.tally.kept += 1
                yield row

    def _row(self, values: list[str], line: int) -> PopulationRow | None:
        """The row, or None with the reason counted: a problem, or no area."""
        extract_at, practice_at, lsoa_at, patients_at, sex_at = self._columns
        if len(values) <= max(extract_at, practice_at, lsoa_at, patients_at, sex_at or 0):
            self.tally.problem(line, "The row is cut short: it has fewer columns than the header.")
            return None
        problems = [
            message
            for message in (
                self._check_extract(values[extract_at]),
                _check_sex(values[sex_at] if sex_at is not None else ALL_PATIENTS),
            )
            if message
        ]
        try:
            practice = organisations.parse_practice_code(values[practice_at], PRACTICE_CODE)
        except ValidationError as error:
            problems.append(f"Practice code {values[practice_at].strip()!r}: {error.message}")
            practice = ""
        patients = _patients(values[patients_at])
        if patients is None:
            problems.append(
                f"Number of patients {values[patients_at].strip()!r} is not a whole number of 0 or more."
            )
        if problems:
            self.tally.problem(line, " ".join(problems))
            return None
        lsoa = values[lsoa_at].strip().upper()
        if not _AREA_CODE.match(lsoa):
            self.tally.without_area += 1
            return None
        assert patients is not None
        return PopulationRow(practice, lsoa, patients, line)

    def _check_extract(self, written: str) -> str | None:
        """None if the row's extract date is the file's (the first row sets it), else why not."""
        found = _extract_date(written)
        if found is None:
            return f"Extract date {written.strip()!r} is not a date (it is written like 01JUL2026)."
        if self.extract_date is None:
            self.extract_date = found
        elif found != self.extract_date:
            return (
                f"Extract date {found:%d %B %Y} is not the file's ({self.extract_date:%d %B %Y}): "
                "a file holds one extract."
            )
        return None

    def _open_csv(self) -> IO[bytes]:
        """The CSV to read: the file itself, or the all-patients file inside the ZIP."""
        if self._binary.read(len(_ZIP_SIGNATURE)) != _ZIP_SIGNATURE:
            self._binary.seek(0)
            return self._binary
        self._binary.seek(0)
        try:
            self._archive = zipfile.ZipFile(self._binary)
        except zipfile.BadZipFile:
            raise PopulationFileError(f"{self.name} is a damaged ZIP file: download it again.") from None
        member = next(
            (name for name in self._archive.namelist() if name.lower().endswith(ALL_PATIENTS_FILE)), None
        )
        if member is None:
            raise PopulationFileError(
                f"{self.name} has no {ALL_PATIENTS_FILE} in it: choose the ZIP of the publication's "
                "patients by LSOA, or that CSV file itself."
            )
        return self._archive.open(member)

    def _read_header(self) -> tuple[int, int, int, int, int | None]:
        try:
            header = next(self._reader, None)
        except csv.Error:
            header = None
        names = {_column_name(name): index for index, name in enumerate(header or [])}
        missing = [name for name in REQUIRED if name not in names]
        if missing:
            raise PopulationFileError(
                f"{self.name} is not NHS Digital's file of patients registered at a GP practice by "
                f"LSOA ({ALL_PATIENTS_FILE}): its first line should name the columns EXTRACT_DATE, "
                "PRACTICE_CODE, LSOA_CODE and NUMBER_OF_PATIENTS."
            )
        return names[EXTRACT_DATE], names[PRACTICE_CODE], names[LSOA_CODE], names[PATIENTS], names.get(SEX)


def _column_name(written: str) -> str:
    """A header name as the constants here spell it: "Number of Patients" -> NUMBER_OF_PATIENTS."""
    return "_".join(written.strip().upper().replace("_", " ").split())


def _extract_date(written: str) -> date | None:
    text = written.strip().upper()
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _check_sex(written: str) -> str | None:
    if written.strip().upper() == ALL_PATIENTS:
        return None
    return (
        f"Sex is {written.strip()!r}: only the file of all patients (SEX ALL, {ALL_PATIENTS_FILE}) "
        "is read, not the male or female one."
    )


def _patients(written: str) -> int | None:
    text = written.strip().replace(",", "")
    return int(text) if text.isascii() and text.isdigit() else None
