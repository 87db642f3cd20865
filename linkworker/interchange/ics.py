"""Writing an iCalendar file (RFC 5545) of all-day events, for Outlook and other calendars.

Only what a calendar of reminders needs: a ``VCALENDAR`` published as a whole (``METHOD:PUBLISH``)
holding all-day ``VEVENT``s. Every line ends in CRLF and is folded at 75 octets without cutting
a UTF-8 character in two; text is escaped as TEXT values must be. Each event keeps the UID its
caller gives it, so importing a later export again updates the events rather than adding them
twice, and a ``SEQUENCE`` that grows as the record behind it is edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

from linkworker.whole_file import not_written, write_whole

CRLF: Final = "\r\n"
MAX_OCTETS: Final = 75
# Line breaks of any kind become one "\n" in a TEXT value; every other control character
# (TEXT allows none but the tab) is left out.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ESCAPES: Final = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


class CalendarFileError(ValueError):
    """The calendar file could not be written; nothing was left half-written."""


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    day: date
    summary: str
    description: str = ""
    sequence: int = 0


@dataclass(frozen=True)
class Calendar:
    name: str
    product: str  # PRODID: "-//Organisation//Product version//EN"
    events: tuple[AllDayEvent, ...]


def plain_text(value: str) -> str:
    """What a TEXT value can carry of ``value``: line breaks as "\\n", no other control characters.
    A calendar reading the file back gets exactly this."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", value))


def escape_text(value: str) -> str:
    """``value`` as a TEXT property value: backslash, semicolon, comma and line breaks escaped."""
    return plain_text(value).translate(_ESCAPES)


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets (the CRLF not counted), each
    continuation starting with a space; a UTF-8 character is never split across lines."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_OCTETS
    for character in line:
        octets = len(character.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [" "], 1, MAX_OCTETS
        current.append(character)
        size += octets
    parts.append("".join(current))
    return CRLF.join(parts) + CRLF


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC form (``20261123T141500Z``); ``moment`` must carry a time zone."""
    if moment.tzinfo is None:
        raise ValueError("the time stamp must carry a time zone")
    moment = moment.astimezone(UTC)
    return f"{_date_value(moment.date())}T{moment:%H%M%S}Z"


def calendar_text(calendar: Calendar, stamp: datetime) -> str:
    """The whole file; ``stamp`` (when it was made, in any zone) is every event's DTSTAMP."""
    return "".join(fold(line) for line in _lines(calendar, utc_stamp(stamp)))


def write_calendar(path: Path, calendar: Calendar, stamp: datetime) -> None:
    """Write the file whole or not at all: into a temporary file beside it (readable by this
    user only), then put in its place."""
    try:
        write_whole(path, calendar_text(calendar, stamp).encode("utf-8"))
    except OSError as error:
        raise CalendarFileError(not_written(path.expanduser(), error)) from None


def _lines(calendar: Calendar, stamp: str) -> Iterator[str]:
    yield "BEGIN:VCALENDAR"
    yield "VERSION:2.0"
    yield f"PRODID:{escape_text(calendar.product)}"
    yield "CALSCALE:GREGORIAN"
    yield "METHOD:PUBLISH"
    yield f"X-WR-CALNAME:{escape_text(calendar.name)}"
    for event in calendar.events:
        yield from _event_lines(event, stamp)
    yield "END:VCALENDAR"


def _event_lines(event: AllDayEvent, stamp: str) -> Iterable[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date_value(event.day)}",
        f"DTEND;VALUE=DATE:{_date_value(event.day + timedelta(days=1))}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    # A reminder for the day, not time taken out of it.
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def _date_value(day: date) -> str:
    """A DATE value, ``20261123``; written out by hand, as strftime drops the zeros of early years."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
