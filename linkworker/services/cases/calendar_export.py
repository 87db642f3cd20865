"""Exporting open follow-ups as an iCalendar file, for Outlook and other calendars.

A calendar leaves the case tool and may sync to a phone or be shared, so by default an event
names no one: "Call - LW-000123 (J.S.)", the case number and the person's initials. Names go
in only when the user asks. Each follow-up is an all-day event on its due date, under a UID
made from its id and the PCN, so importing a later export updates the events rather than
adding them twice. The audit trail records each export and each follow-up in it, by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from linkworker import __version__
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import case_number
from linkworker.domain.roles import Permission
from linkworker.interchange.ics import AllDayEvent, Calendar, CalendarFileError, write_calendar
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.caseload import follow_up_open
from linkworker.services.errors import ServiceError
from linkworker.store.models import FollowUp, Patient, Pcn, Referral, UserAccount

DEFAULT_WEEKS: Final = 8
CALENDAR_NAME: Final = "Linkworker follow-ups"
PRODUCT: Final = f"-//Linkworker//Linkworker {__version__}//EN"


class CalendarNotSaved(ServiceError):
    """The file could not be written; nothing was saved and nothing recorded."""


@dataclass(frozen=True)
class CalendarRequest:
    """Which open follow-ups go in, and how they read. Dates are inclusive."""

    start: date
    end: date
    all_workers: bool = False
    names: bool = False


@dataclass(frozen=True)
class CalendarExport:
    path: Path
    events: int
    request: CalendarRequest


def default_request(today: date) -> CalendarRequest:
    """The actor's own open follow-ups from today for the next eight weeks, without names."""
    return CalendarRequest(today, default_end(today))


def default_end(start: date) -> date:
    return start + timedelta(weeks=DEFAULT_WEEKS)


def calendar_for(session: Session, actor: Actor, request: CalendarRequest) -> tuple[Calendar, list[int]]:
    """The calendar of the follow-ups the request picks, by due date; and their ids."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    if request.end < request.start:
        raise ValidationError("end", "The last day is before the first day: choose a later one.")
    ods_code = session.scalar(select(Pcn.ods_code).where(Pcn.id == actor.pcn_id)) or str(actor.pcn_id)
    owner = aliased(UserAccount)
    query = (
        select(
            FollowUp.id,
            FollowUp.due_on,
            FollowUp.kind,
            FollowUp.version_id,
            FollowUp.referral_id,
            Patient.given_name,
            Patient.family_name,
            owner.full_name,
        )
        .join(Referral, Referral.id == FollowUp.referral_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .outerjoin(owner, owner.id == FollowUp.owner_id)
        .where(
            Referral.pcn_id == actor.pcn_id,
            follow_up_open(),
            FollowUp.due_on >= request.start,
            FollowUp.due_on <= request.end,
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if not request.all_workers:
        query = query.where(FollowUp.owner_id == actor.user_id)
    events: list[AllDayEvent] = []
    ids: list[int] = []
    for row in session.execute(query):
        person = (
            f"{row.given_name} {row.family_name}"
            if request.names
            else initials(row.given_name, row.family_name)
        )
        what = kind_words(row.kind)
        summary = f"{what} - {case_number(row.referral_id)} ({person})"
        if request.all_workers:
            summary += f" - {row.full_name or 'no owner'}"
        events.append(
            AllDayEvent(
                uid=f"follow-up-{row.id}@{ods_code.casefold()}.linkworker",
                day=row.due_on,
                summary=summary,
                description=(
                    f"Linkworker follow-up: {what.lower()} for case {case_number(row.referral_id)}. "
                    f"Owner: {row.full_name or 'no one yet'}. Open the case in Linkworker for the details."
                ),
                # version_id starts at 1 and grows with each edit, so a moved date is a newer version.
                sequence=row.version_id - 1,
            )
        )
        ids.append(row.id)
    name = CALENDAR_NAME if request.all_workers else f"{CALENDAR_NAME}: {actor.full_name}"
    return Calendar(name, PRODUCT, tuple(events)), ids


def export_calendar(
    session: Session, actor: Actor, request: CalendarRequest, path: Path, now: datetime | None = None
) -> CalendarExport:
    """Write the calendar to ``path`` whole or not at all; the export is recorded first, in the
    caller's unit of work, so a file that cannot be written leaves no record of it either."""
    calendar, ids = calendar_for(session, actor, request)
    scope = "all workers" if request.all_workers else "own"
    audit.record(
        session,
        actor,
        "calendar_exported",
        detail=(
            f"follow_ups={len(ids)}; from={request.start.isoformat()}; to={request.end.isoformat()}; "
            f"scope={scope}; names={'yes' if request.names else 'no'}"
        ),
    )
    audit.record_each(
        session,
        actor,
        "follow_up_exported",
        "follow_up",
        [(follow_up_id, "with names" if request.names else "initials only") for follow_up_id in ids],
    )
    session.flush()
    try:
        write_calendar(path, calendar, now or datetime.now(UTC))
    except CalendarFileError as error:
        raise CalendarNotSaved(str(error)) from None
    return CalendarExport(path, len(ids), request)


def initials(given_name: str, family_name: str) -> str:
    """ "J.S." for Jane Smith: the first letter of each name that has one."""
    letters = [next((c for c in name if c.isalpha()), "") for name in (given_name, family_name)]
    return "".join(f"{letter.upper()}." for letter in letters if letter) or "?"


def kind_words(kind: str) -> str:
    """``check_attendance`` as "Check attendance"."""
    words = FollowUpKind(kind).value.replace("_", " ")
    return words[:1].upper() + words[1:]
