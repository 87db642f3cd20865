"""Dates as people type them in a form or a spreadsheet writes them in a CSV: day first, as in
the UK (02/11/1948, 2/11/1948, 02-11-1948, 02.11.1948), or year first (1948-11-02), with any
midnight a spreadsheet adds ("02/11/1948 00:00:00") left off.

Kept apart from domain.intake so the sign-in window's date fields load without the rest of the
referral rules (start time: docs/architecture.md).
"""

from __future__ import annotations

import re
from datetime import date

from linkworker.domain.errors import ValidationError

EXAMPLE_DATE = "02/11/1948"

_DAY_FIRST = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2,4})$")
_YEAR_FIRST = re.compile(r"^([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})$")
# Spreadsheets often add midnight to a date: "02/11/1948 00:00:00".
_MIDNIGHT = re.compile(r"(?:[ T]00:00(?::00(?:\.0+)?)?)$")


def parse_date(text: str, field: str, what: str = "date") -> date:
    """A date written day first (02/11/1948, 2/11/1948, 02-11-1948) or as yyyy-mm-dd (1948-11-02)."""
    typed = _MIDNIGHT.sub("", (text or "").strip())
    if not typed:
        raise ValidationError(field, f"Enter the {what}.")
    day_first = _DAY_FIRST.match(typed)
    year_first = _YEAR_FIRST.match(typed)
    if day_first:
        day, month, year = day_first.groups()
        if len(year) != 4:
            raise ValidationError(field, f"Write the year in full, like {EXAMPLE_DATE}.")
    elif year_first:
        year, month, day = year_first.groups()
    else:
        raise ValidationError(field, f"Write the {what} as day/month/year, like {EXAMPLE_DATE}.")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            field, f"There is no such date: check the day and month of the {what}."
        ) from None
