"""The iCalendar writer, read back with the ``icalendar`` package: structure, folding, escaping,
all-day dates, and any text a follow-up could carry."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import unescape_backslash

from linkworker.interchange.ics import (
    AllDayEvent,
    Calendar,
    CalendarFileError,
    calendar_text,
    escape_text,
    fold,
    plain_text,
    write_calendar,
)

STAMP = datetime(2026, 11, 23, 15, 4, 5, tzinfo=timezone(timedelta(hours=1)))
PRODUCT = "-//Linkworker//Linkworker 0.5//EN"


def one_event(
    summary: str = "Call - LW-000123 (J.S.)",
    description: str = "",
    *,
    day: date = date(2026, 12, 31),
    sequence: int = 0,
) -> Calendar:
    event = AllDayEvent("follow-up-7@u99901.linkworker", day, summary, description, sequence)
    return Calendar("Linkworker follow-ups", PRODUCT, (event,))


def parsed(calendar: Calendar) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(calendar_text(calendar, STAMP).encode("utf-8"))


def test_the_calendar_says_what_it_is_and_every_line_ends_in_crlf() -> None:
    text = calendar_text(one_event(), STAMP)
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert "\n" not in "".join(lines) and "\r" not in "".join(lines)
    assert lines[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Linkworker follow-ups",
    ]
    assert lines[-2] == "END:VCALENDAR"


def test_an_event_is_all_day_on_its_date_stamped_in_utc_with_its_uid() -> None:
    text = calendar_text(one_event(sequence=3), STAMP)
    assert "DTSTART;VALUE=DATE:20261231\r\n" in text
    assert "DTEND;VALUE=DATE:20270101\r\n" in text
    assert "DTSTAMP:20261123T140405Z\r\n" in text
    event = parsed(one_event(sequence=3)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == date(2026, 12, 31)
    assert event.decoded("DTEND") == date(2027, 1, 1)
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 23, 14, 4, 5, tzinfo=UTC)
    assert str(event["UID"]) == "follow-up-7@u99901.linkworker"
    assert event["SEQUENCE"] == 3
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert "DESCRIPTION" not in event


def test_a_stamp_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        calendar_text(one_event(), datetime(2026, 11, 23, 12, 0))


def test_text_is_escaped_as_rfc_5545_says() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert escape_text("one\r\ntwo\rthree") == "one\\ntwo\\nthree"
    assert escape_text("tab\tkept, bell\x07 gone") == "tab\tkept\\, bell gone"
    assert "SUMMARY:Call\\; then\\, maybe\\nmeet\r\n" in calendar_text(
        one_event("Call; then, maybe\nmeet"), STAMP
    )


def test_a_long_line_is_folded_at_75_octets_and_unfolds_to_itself() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    assert len(physical) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == line
    assert fold("SHORT:line") == "SHORT:line\r\n"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_folding_never_splits_a_character_and_keeps_every_line_within_75_octets(text: str) -> None:
    line = "SUMMARY:" + escape_text(text)
    data = fold(line).encode("utf-8")
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    for part in physical[:-1]:
        assert len(part) <= 75
        part.decode("utf-8")  # a character cut in two would not decode
    assert data.decode("utf-8").replace("\r\n ", "").removesuffix("\r\n") == line


@settings(max_examples=300, deadline=None)
@given(summary=st.text(max_size=300), description=st.text(min_size=1, max_size=300))
def test_any_text_reads_back_from_icalendar_as_it_was_written(summary: str, description: str) -> None:
    calendar = one_event(summary, "Note: " + description)
    event = parsed(calendar).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == plain_text(summary)
    assert str(event["DESCRIPTION"]) == "Note: " + plain_text(description)


@settings(max_examples=100, deadline=None)
@given(name=st.text(max_size=120))
def test_any_calendar_name_reads_back(name: str) -> None:
    calendar = Calendar(name, PRODUCT, ())
    # icalendar keeps X- properties as written; the calendars that show this name read it as TEXT.
    raw = parsed(calendar)["X-WR-CALNAME"].to_ical().decode("utf-8")
    assert unescape_backslash(raw) == plain_text(name)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 30)))
def test_every_date_is_an_all_day_event_ending_the_next_day(day: date) -> None:
    event = parsed(one_event(day=day)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == day
    assert event.decoded("DTEND") == day + timedelta(days=1)


def test_many_events_keep_their_order_uids_and_dates() -> None:
    events = tuple(
        AllDayEvent(f"follow-up-{n}@u99901.linkworker", date(2027, 1, 1) + timedelta(days=n), f"Event {n}")
        for n in range(30)
    )
    read = parsed(Calendar("Mine", PRODUCT, events)).walk("VEVENT")
    assert [str(event["UID"]) for event in read] == [event.uid for event in events]
    assert [event.decoded("DTSTART") for event in read] == [event.day for event in events]


def test_the_file_is_written_whole_for_this_user_only(tmp_path: Path) -> None:
    path = tmp_path / "follow-ups.ics"
    path.write_text("an older export", encoding="utf-8")
    write_calendar(path, one_event(), STAMP)
    assert path.read_bytes() == calendar_text(one_event(), STAMP).encode("utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [entry.name for entry in tmp_path.iterdir()] == ["follow-ups.ics"]


def test_a_file_that_cannot_be_written_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match="cannot be written"):
        write_calendar(tmp_path / "missing folder" / "follow-ups.ics", one_event(), STAMP)
    target = tmp_path / "a folder.ics"
    target.mkdir()
    with pytest.raises(CalendarFileError, match="cannot be written"):
        write_calendar(target, one_event(), STAMP)
    assert [entry.name for entry in tmp_path.iterdir()] == ["a folder.ics"]
