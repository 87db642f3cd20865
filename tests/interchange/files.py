"""Referral CSV files for tests: synthetic people only (NHS numbers from the 999 test range)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from itertools import islice

from linkworker.domain.nhs_number import formatted, synthetic_numbers

HEADER = (
    "NHS number",
    "Forename",
    "Surname",
    "Date of birth",
    "Postcode",
    "Practice code",
    "Source",
    "Referral date",
    "Needs",
)
NUMBERS = list(islice(synthetic_numbers(271_828), 50))
GIVEN = ("Ada", "Bram", "Cleo", "Dev", "Esme", "Finn", "Gwen", "Hari", "Isla", "Jory")
FAMILY = ("Testwell", "Mockford", "Samplewood", "Dummerton", "Fakenham-Lee")


def row(index: int, **changes: str) -> dict[str, str]:
    """A valid row for person ``index``: the NHS number shown with spaces, as letters print it."""
    values = {
        "NHS number": formatted(NUMBERS[index]),
        "Forename": GIVEN[index % len(GIVEN)],
        "Surname": FAMILY[index % len(FAMILY)],
        "Date of birth": f"{1 + index % 28:02d}/{1 + index % 12:02d}/19{40 + index % 50}",
        "Postcode": "ME14 1XX",
        "Practice code": "G99001",
        "Source": "GP",
        "Referral date": "2026-01-15",
        "Needs": "Loneliness and isolation; debt_money",
    }
    values.update(changes)
    return values


def csv_text(rows: Sequence[dict[str, str]], header: Sequence[str] = HEADER, delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(heading, "") for heading in header])
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[dict[str, str]],
    header: Sequence[str] = HEADER,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    return csv_text(rows, header, delimiter).encode(encoding)
