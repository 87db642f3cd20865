"""Words the app writes around numbers, kept once for the screens, the commands and the reports."""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """A count with its noun agreeing: "1 practice", "2 practices", "1,204 follow-ups"."""
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def verb(number: int, one: str = "was", many: str = "were") -> str:
    """The verb agreeing with a count, after ``counted``: "1 row was", "2 rows were"."""
    return one if number == 1 else many
