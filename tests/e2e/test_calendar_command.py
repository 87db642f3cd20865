"""``linkworker export calendar`` as a link worker runs it: the file Outlook imports, read back
with the ``icalendar`` package event by event; the options; and refusals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import func, select

from linkworker.domain.intake import case_number
from linkworker.store import secrets
from linkworker.store.database import open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.models import AuditEvent
from tests.conftest import MANAGER_PASSWORD, WORKER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.services.calendar_cases import CalendarCases, calendar_cases

pytestmark = pytest.mark.e2e


@pytest.fixture
def cases(command: Command, encrypted_template: EncryptedTemplate) -> CalendarCases:
    file = command.install(encrypted_template)
    secrets.put(keyring_name(file), encrypted_template.key_hex)
    database = open_sqlite(file, command.key_folder)
    try:
        return calendar_cases(database, _set_up_pcn(database))
    finally:
        database.dispose()


def events_in(path: Path) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_by_default_the_workers_own_follow_ups_go_out_with_initials_only(
    command: Command, cases: CalendarCases, tmp_path: Path
) -> None:
    command.env["LINKWORKER_PASSWORD"] = WORKER_PASSWORD
    out = tmp_path / "my follow-ups.ics"
    result = command.run("export", "calendar", str(out), "--user", "worker")
    assert result.returncode == 0, result.stderr
    end = cases.today + timedelta(weeks=8)
    assert result.stdout.splitlines() == [
        f"Exported 2 of your open follow-ups due {cases.today:%d %b %Y} to {end:%d %b %Y} "
        f"(initials only) to {out}."
    ]
    events = events_in(out)
    assert [str(event["UID"]) for event in events] == [
        f"follow-up-{n}@u99901.linkworker" for n in cases.mine_by_default
    ]
    assert [str(event["SUMMARY"]) for event in events] == [
        f"Call - {case_number(cases.orla_case)} (O.F.)",
        f"Check attendance - {case_number(cases.zoe_case)} (Z.O.)",
    ]
    assert [event.decoded("DTSTART") for event in events] == [
        cases.today + timedelta(days=3),
        cases.today + timedelta(days=20),
    ]
    assert all(event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1) for event in events)
    data = out.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")
    assert b"Orla" not in data and b"Fenwick" not in data


def test_options_choose_the_days_every_worker_and_names(
    command: Command, cases: CalendarCases, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    command.env["LINKWORKER_PASSWORD"] = WORKER_PASSWORD
    out = tmp_path / "pcn.ics"
    first, last = cases.today - timedelta(days=2), cases.today + timedelta(days=7)
    result = command.run(
        "export", "calendar", str(out), "--user", "worker",
        "--from", first.isoformat(), "--to", last.isoformat(), "--all-workers", "--names",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "of every link worker's open follow-ups" in result.stdout
    assert "(with names)" in result.stdout
    summaries = [str(event["SUMMARY"]) for event in events_in(out)]
    assert summaries == [
        f"Call - {case_number(cases.orla_case)} (Orla Fenwick-Hale) - Wren Worker",
        f"Call - {case_number(cases.orla_case)} (Orla Fenwick-Hale) - Wren Worker",
        f"Review measures - {case_number(cases.zoe_case)} (Zoë O'Brien, Jr) - Sol Second",
    ]
    secrets.put(keyring_name(command.database_file), encrypted_template.key_hex)
    database = open_sqlite(command.database_file, command.key_folder)
    try:
        with database.session() as session:
            exported = session.scalar(
                select(func.count()).where(
                    AuditEvent.action == "follow_up_exported", AuditEvent.detail == "with names"
                )
            )
    finally:
        database.dispose()
    assert exported == 3


def test_refusals_are_one_line_with_status_2_and_write_nothing(
    command: Command, cases: CalendarCases, tmp_path: Path
) -> None:
    out = tmp_path / "refused.ics"
    command.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    manager = command.run("export", "calendar", str(out), "--user", "manager")
    assert manager.returncode == 2
    assert manager.error_lines == [
        "linkworker: Your role (PCN manager) does not allow you to see identifiable records."
    ]
    command.env["LINKWORKER_PASSWORD"] = WORKER_PASSWORD
    backwards = command.run(
        "export", "calendar", str(out), "--user", "worker", "--from", "2027-02-01", "--to", "2027-01-31"
    )
    assert backwards.returncode == 2
    assert backwards.error_lines == ["linkworker: The last day is before the first day: choose a later one."]
    not_a_date = command.run("export", "calendar", str(out), "--user", "worker", "--from", "31/01/2027")
    assert not_a_date.returncode == 2
    assert "'31/01/2027' is not a date written as YYYY-MM-DD" in not_a_date.stderr
    assert not out.exists()
