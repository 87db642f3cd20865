"""Exporting open follow-ups as a calendar: which ones, how they read (no names unless asked),
stable UIDs across exports, the audit trail by id, and refusals. Every file is read back with
the ``icalendar`` package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select

from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.calendar_export import (
    CalendarNotSaved,
    CalendarRequest,
    default_request,
    export_calendar,
    initials,
)
from linkworker.services.errors import PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, FollowUp
from tests.services.calendar_cases import CalendarCases, calendar_cases

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def cases(database: Database, actors: dict[Role, Actor]) -> CalendarCases:
    return calendar_cases(database, actors)


def export(database: Database, actor: Actor, request: CalendarRequest, path: Path) -> list[icalendar.Event]:
    with database.session() as session:
        result = export_calendar(session, actor, request, path, now=NOW)
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert result.events == len(events)
    return events


def uid(follow_up_id: int) -> str:
    return f"follow-up-{follow_up_id}@u99901.linkworker"


def test_by_default_my_open_follow_ups_of_the_next_eight_weeks_go_out_without_names(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    path = tmp_path / "mine.ics"
    events = export(database, cases.worker, default_request(cases.today), path)
    assert [str(event["UID"]) for event in events] == [uid(n) for n in cases.mine_by_default]
    soon, attendance = events
    assert str(soon["SUMMARY"]) == f"Call - {case_number(cases.orla_case)} (O.F.)"
    assert str(attendance["SUMMARY"]) == f"Check attendance - {case_number(cases.zoe_case)} (Z.O.)"
    assert soon.decoded("DTSTART") == cases.today + timedelta(days=3)
    assert soon.decoded("DTEND") == cases.today + timedelta(days=4)
    assert attendance.decoded("DTSTART") == cases.today + timedelta(days=20)
    assert soon.decoded("DTSTAMP") == NOW
    assert str(soon["DESCRIPTION"]) == (
        f"Linkworker follow-up: call for case {case_number(cases.orla_case)}. "
        "Owner: Wren Worker. Open the case in Linkworker for the details."
    )
    text = path.read_text(encoding="utf-8")
    for private in ("Orla", "Fenwick", "Zoë", "O'Brien", "lunch club", "Jane Smith"):
        assert private not in text
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"]).startswith("-//Linkworker//Linkworker ")


def test_names_go_in_only_when_asked_for_and_are_escaped(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    request = CalendarRequest(cases.today, cases.today + timedelta(days=30), names=True)
    events = export(database, cases.worker, request, tmp_path / "named.ics")
    assert [str(event["SUMMARY"]) for event in events] == [
        f"Call - {case_number(cases.orla_case)} (Orla Fenwick-Hale)",
        f"Check attendance - {case_number(cases.zoe_case)} (Zoë O'Brien, Jr)",
    ]
    assert "Zoë O'Brien\\, Jr" in (tmp_path / "named.ics").read_text(encoding="utf-8")
    assert "lunch club" not in (tmp_path / "named.ics").read_text(encoding="utf-8")


def test_all_workers_takes_every_open_follow_up_of_the_pcn_with_its_owner(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    request = CalendarRequest(cases.today, cases.today + timedelta(weeks=8), all_workers=True)
    events = export(database, cases.worker, request, tmp_path / "pcn.ics")
    assert [str(event["UID"]) for event in events] == [uid(n) for n in cases.all_by_default]
    summaries = [str(event["SUMMARY"]) for event in events]
    assert summaries[1] == f"Review measures - {case_number(cases.zoe_case)} (Z.O.) - Sol Second"
    assert summaries[2] == f"Call - {case_number(cases.orla_case)} (O.F.) - no owner"
    assert "Owner: no one yet." in str(events[2]["DESCRIPTION"])


def test_the_range_is_inclusive_and_reaches_overdue_and_far_ones_when_widened(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    exactly = CalendarRequest(cases.today + timedelta(days=3), cases.today + timedelta(days=3))
    assert [str(e["UID"]) for e in export(database, cases.worker, exactly, tmp_path / "a.ics")] == [
        uid(cases.call_soon)
    ]
    wide = CalendarRequest(cases.today - timedelta(days=30), cases.today + timedelta(days=365))
    assert [str(e["UID"]) for e in export(database, cases.worker, wide, tmp_path / "b.ics")] == [
        uid(n) for n in (cases.overdue, cases.call_soon, cases.attendance, cases.far)
    ]


def test_a_later_export_keeps_each_uid_with_the_new_date_and_a_higher_sequence(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    request = default_request(cases.today)
    before = export(database, cases.worker, request, tmp_path / "first.ics")[0]
    with database.session() as session:
        follow_up = session.get(FollowUp, cases.call_soon)
        assert follow_up is not None
        follow_up.due_on = cases.today + timedelta(days=4)
    after = export(database, cases.worker, request, tmp_path / "second.ics")[0]
    assert str(before["UID"]) == str(after["UID"]) == uid(cases.call_soon)
    assert after.decoded("DTSTART") == cases.today + timedelta(days=4)
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_each_export_is_audited_by_id_without_names(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    export(database, cases.worker, default_request(cases.today), tmp_path / "mine.ics")
    with database.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["calendar_exported", "follow_up_exported"]))
        ).all()
    summary = [row for row in rows if row.action == "calendar_exported"]
    assert len(summary) == 1
    assert summary[0].user_id == cases.worker.user_id
    assert summary[0].detail == (
        f"follow_ups=2; from={cases.today.isoformat()}; "
        f"to={(cases.today + timedelta(weeks=8)).isoformat()}; scope=own; names=no"
    )
    each = sorted(
        (row.entity, row.entity_id, row.detail) for row in rows if row.action == "follow_up_exported"
    )
    assert each == [("follow_up", n, "initials only") for n in sorted(cases.mine_by_default)]


def test_a_manager_may_not_export_and_a_backwards_range_is_refused(
    database: Database, cases: CalendarCases, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    with database.session() as session, pytest.raises(PermissionDenied):
        export_calendar(session, actors[Role.MANAGER], default_request(cases.today), tmp_path / "x.ics")
    backwards = CalendarRequest(cases.today, cases.today - timedelta(days=1))
    with database.session() as session, pytest.raises(ValidationError) as refused:
        export_calendar(session, cases.worker, backwards, tmp_path / "x.ics")
    assert refused.value.field == "end"
    assert not (tmp_path / "x.ics").exists()


def test_a_file_that_cannot_be_written_leaves_no_file_and_no_audit(
    database: Database, cases: CalendarCases, tmp_path: Path
) -> None:
    with pytest.raises(CalendarNotSaved, match="cannot be written"), database.session() as session:
        export_calendar(session, cases.worker, default_request(cases.today), tmp_path / "no folder" / "x.ics")
    with database.session() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar_exported")).all() == []


def test_initials_take_the_first_letter_of_each_name() -> None:
    assert initials("Jane", "Smith") == "J.S."
    assert initials("zoë", "O'Brien") == "Z.O."
    assert initials("Ana", "'t Hooft") == "A.T."
    assert initials("", "") == "?"
