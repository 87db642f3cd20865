"""The demo's practice populations: NHS Digital's patients-by-LSOA file for the demo practices.

Every demo person is registered at a practice and lives at a postcode in a small area, so the
file counts them: how many of each practice's patients live in each LSOA, the denominators of
the deprivation figures. It is written as NHS Digital writes ``gp-reg-pat-prac-lsoa-all.csv``
and imported through the ordinary service (``services.practice_populations``), as a manager
would import the real one, under the latest quarterly extract date on or before the demo's day.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from linkworker.interchange.practice_population_csv import ALL_PATIENTS, ALL_PATIENTS_FILE
from linkworker.interchange.spreadsheet_cells import neutralise_row

PUBLICATION = "GP_PRAC_PAT_LIST"
HEADER = (
    "PUBLICATION",
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "LSOA_CODE",
    "SEX",
    "NUMBER_OF_PATIENTS",
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def extract_date(today: date) -> date:
    """The latest quarterly extract (1 January, April, July or October) on or before ``today``."""
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def written(day: date) -> str:
    """A date as the file writes it, "01OCT2026", whatever the machine's language."""
    return f"{day.day:02d}{_MONTHS[day.month - 1]}{day.year}"


def write_file(
    folder: Path, extract: date, registered: Counter[tuple[str, str]], names: Mapping[str, str]
) -> Path:
    """Write the counts (practice code, LSOA code) -> patients as the publication's all-patients
    file in ``folder``, sorted by practice and LSOA as NHS Digital sorts it."""
    path = folder / ALL_PATIENTS_FILE
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(HEADER)
        for (practice, lsoa), patients in sorted(registered.items()):
            writer.writerow(
                neutralise_row(
                    [
                        PUBLICATION,
                        written(extract),
                        practice,
                        names[practice].upper(),
                        lsoa,
                        ALL_PATIENTS,
                        patients,
                    ]
                )
            )
    return path
