"""Small "Patients Registered at a GP Practice" by-LSOA files for tests, with the published
columns (practices, areas and counts made up; the practices are the test PCN's, G99001 and
G99002, and one elsewhere, A81001)."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path

HEADER = (
    "PUBLICATION",
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "LSOA_CODE",
    "SEX",
    "NUMBER_OF_PATIENTS",
)
NAMES = {"G99001": "RIVERSIDE SURGERY", "G99002": "HILLTOP PRACTICE", "A81001": "THE DENSHAM SURGERY"}


def row(
    practice: str, lsoa: str, patients: int | str, extract: str = "01OCT2026", sex: str = "ALL"
) -> list[str]:
    """A row as NHS Digital writes it."""
    return [
        "GP_PRAC_PAT_LIST",
        extract,
        practice,
        NAMES.get(practice, "A PRACTICE"),
        lsoa,
        sex,
        str(patients),
    ]


def write(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def zipped(path: Path, rows: Sequence[Sequence[str]], member: str = "gp-reg-pat-prac-lsoa-all.csv") -> Path:
    """The publication's ZIP, with the all-patients file and a male one beside it."""
    inner = write(path.with_suffix(".csv"), rows)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(inner, member)
        archive.writestr("gp-reg-pat-prac-lsoa-male.csv", ",".join(HEADER) + "\r\n")
    inner.unlink()
    return path


SAMPLE = [
    row("G99001", "E01016001", 812),
    row("G99001", "E01016002", 640),
    row("G99001", "E01024002", 75),
    row("G99002", "E01024001", 1203),
    row("G99002", "E01016001", 12),
    row("A81001", "E01011959", 7),  # a practice elsewhere
]
