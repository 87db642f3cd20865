"""The audit trail as an administrator reads it: filtered, paged, with names, and exported.

Events come newest first, a page at a time over the whole trail, each with names rather than ids:
the user's full name and user name, "Case LW-000999", the service's or practice's name. A person
is never named, though administrators may see identifiable records: the case number is enough to
find the record, and the trail (and any export of it) then holds nobody's name.

On a shared server an administrator reads the events of their own PCN only; one who administers
the server (``user_account.administers_server``) reads every PCN's, events of no PCN included.
Reading is not audited (it would fill the trail with itself); exporting is.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import ColumnElement, Row, and_, func, or_, select
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import case_number
from linkworker.domain.roles import Permission
from linkworker.interchange.spreadsheet_cells import neutralise_row
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import Cancelled, NotFound, ServiceError
from linkworker.services.files_out import refuse_own_files
from linkworker.store.models import (
    AuditEvent,
    FollowUp,
    LocalNeed,
    Pcn,
    Practice,
    Referral,
    Service,
    TaxonomyMapping,
    UserAccount,
)
from linkworker.whole_file import not_written, text_written_whole

PAGE_SIZE: Final = 200
MAX_PAGE_SIZE: Final = 1000
EXPORTED: Final = "audit_exported"
EXPORT_HEADER: Final = ("Event", "When", "User", "Action", "Record", "Detail", "PCN")
_EXPORT_BATCH: Final = 5000
_LARGEST_ID: Final = 2_147_483_647
_CASE_TYPED = re.compile(r"(?:LW)?[\s-]*(\d{1,10})", re.IGNORECASE)
_ACRONYMS: Final = {
    "gp": "GP",
    "pcn": "PCN",
    "swemwbs": "SWEMWBS",
    "ons4": "ONS4",
    "csv": "CSV",
    "pdf": "PDF",
    "oruk": "ORUK",
}
_COLUMNS = audit.EVENT_COLUMNS
# A row of _COLUMNS: id, occurred_at, user_id, username, action, entity, entity_id, detail, pcn_id.
_EventRow = Row[int, datetime, int | None, str | None, str, str | None, int | None, str | None, int | None]

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]


class ExportRefused(ServiceError):
    """The export file could not be written; any older file of that name is as it was."""


@dataclass(frozen=True)
class TrailFilter:
    """What the administrator asked for; empty fields match everything. ``case`` is as typed
    ("LW-000999", "999"); ``since`` and ``until`` are days on this computer's calendar, inclusive."""

    user_id: int | None = None
    case: str = ""
    action: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TrailEvent:
    """One event as an administrator reads it: names, not ids, and no person's name."""

    id: int
    occurred_at: datetime
    user: str
    action: str
    action_label: str
    record: str
    detail: str
    pcn: str


@dataclass(frozen=True)
class TrailPage:
    """One page of the events that match, and how many match in all."""

    events: tuple[TrailEvent, ...]
    offset: int
    size: int
    total: int
    every_pcn: bool = False  # the reader sees every PCN's events, so the PCN is worth showing

    @property
    def first_number(self) -> int:
        """The 1-based place of the page's first event in the whole list (0 for an empty page)."""
        return self.offset + 1 if self.events else 0

    @property
    def last_number(self) -> int:
        return self.offset + len(self.events)

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.events) < self.total


@dataclass(frozen=True)
class Choice:
    """An entry of a filter's drop-down: the value it filters on and the words shown."""

    value: Any
    label: str


@dataclass(frozen=True)
class Exported:
    path: Path
    events: int
    wanted: TrailFilter


@dataclass(frozen=True)
class _Scope:
    """Whose events the reader may see: their PCN's, or every PCN's for a server administrator."""

    pcn_id: int
    every_pcn: bool
    several_pcns: bool = True  # a shared server's: then the PCN of each event is worth showing

    def condition(self) -> ColumnElement[bool] | None:
        return None if self.every_pcn else AuditEvent.pcn_id == self.pcn_id


def action_label(code: str) -> str:
    """``gp_letter_viewed`` as "GP letter viewed": the stored action as plain words."""
    text = " ".join(_ACRONYMS.get(word, word) for word in code.split("_") if word)
    return text[:1].upper() + text[1:]


def parse_case_number(text: str) -> int | None:
    """The referral id in a case number as people type it ("LW-000999", "lw 999", "999"), or
    None when nothing is typed."""
    typed = text.strip()
    if not typed:
        return None
    match = _CASE_TYPED.fullmatch(typed)
    number = int(match.group(1)) if match else 0
    if not 0 < number <= _LARGEST_ID:
        raise ValidationError("case", "Type a case number such as LW-000123, or just 123.")
    return number


def page(
    session: Session,
    actor: Actor,
    wanted: TrailFilter | None = None,
    *,
    offset: int = 0,
    size: int = PAGE_SIZE,
    known_total: int | None = None,
) -> TrailPage:
    """The events that match ``wanted``, newest first, from ``offset``; administrators only.

    ``known_total`` (the total of the page before, when only paging) saves counting again: on a
    large trail the count takes longer than the page."""
    scope = _scope(session, actor)
    conditions = _conditions(session, scope, wanted or TrailFilter())
    return _page(session, scope, conditions, offset, size, known_total)


def check_filter(wanted: TrailFilter) -> None:
    """Refuse a case number that is none, or a last day before the first, before reading."""
    parse_case_number(wanted.case)
    if wanted.since is not None and wanted.until is not None and wanted.until < wanted.since:
        raise ValidationError("until", "The last day is before the first day: choose the days again.")


def case_history(
    session: Session, actor: Actor, referral_id: int, *, offset: int = 0, size: int = PAGE_SIZE
) -> TrailPage:
    """Who opened or changed this case, newest first: its own events, its follow-ups' and its
    person's. Administrators only, for a case of their PCN (any PCN's for a server administrator)."""
    scope = _scope(session, actor)
    referral_pcn = session.scalar(select(Referral.pcn_id).where(Referral.id == referral_id))
    if referral_pcn is None or not (scope.every_pcn or referral_pcn == scope.pcn_id):
        raise NotFound("That case is not in your PCN's records.")
    conditions = [_tied_to_case(session, referral_id), *_optional(scope.condition())]
    return _page(session, scope, conditions, offset, size)


def user_choices(session: Session, actor: Actor) -> list[Choice]:
    """The accounts the user filter offers: the PCN's, or every PCN's for a server administrator."""
    scope = _scope(session, actor)
    query = select(UserAccount.id, UserAccount.full_name, UserAccount.username)
    if not scope.every_pcn:
        query = query.where(UserAccount.pcn_id == scope.pcn_id)
    rows = session.execute(query.order_by(UserAccount.full_name, UserAccount.username))
    return [Choice(user_id, f"{full_name} ({username})") for user_id, full_name, username in rows]


def action_choices(session: Session, actor: Actor) -> list[Choice]:
    """The actions present in the events the reader may see, with plain labels, by label."""
    scope = _scope(session, actor)
    query = select(AuditEvent.action).distinct().where(*_optional(scope.condition()))
    return sorted((Choice(code, action_label(code)) for code in session.scalars(query)), key=_by_label)


def export_csv(
    session: Session,
    actor: Actor,
    wanted: TrailFilter,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> Exported:
    """Write the export and record it in the trail, in one unit of work."""
    exported = write_csv(session, actor, wanted, path, progress=progress, cancelled=cancelled)
    record_export(session, actor, exported)
    return exported


def write_csv(
    session: Session,
    actor: Actor,
    wanted: TrailFilter,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> Exported:
    """Every event that matches ``wanted``, newest first, as a CSV file readable by its owner
    only, written whole or not at all. The caller then records it (``record_export``), in a short
    unit of work of its own: reading a large trail must not hold SQLite's write lock."""
    scope = _scope(session, actor)
    conditions = _conditions(session, scope, wanted)
    refuse_own_files(session, [path], "the export", refusal=ExportRefused)
    total = _count(session, conditions)
    names = _Names(session, scope)
    written = 0
    try:
        with text_written_whole(path, encoding="utf-8-sig") as stream:
            writer = csv.writer(stream)
            writer.writerow(EXPORT_HEADER)
            for batch in _batches(session, conditions):
                writer.writerows(neutralise_row(_cells(event)) for event in names.events(batch))
                written += len(batch)
                if progress is not None:
                    progress(written, total)
                if cancelled is not None and cancelled():
                    raise Cancelled("The export was stopped: no file was written.")
    except OSError as error:
        raise ExportRefused(not_written(path, error)) from None
    return Exported(path, written, wanted)


def record_export(session: Session, actor: Actor, exported: Exported) -> None:
    """Put the export in the trail: how many events, and the filter (no names of people)."""
    actor.require(Permission.ADMINISTER)
    detail = f"events={exported.events}; {describe(session, exported.wanted)}"
    audit.record(session, actor, EXPORTED, detail=detail)


def describe(session: Session, wanted: TrailFilter) -> str:
    """The filter in a few words for the trail: user name, case number, action code, days."""
    parts = []
    if wanted.user_id is not None:
        username = session.scalar(select(UserAccount.username).where(UserAccount.id == wanted.user_id))
        parts.append(f"user={username or wanted.user_id}")
    referral_id = parse_case_number(wanted.case)
    if referral_id is not None:
        parts.append(f"case={case_number(referral_id)}")
    if wanted.action:
        parts.append(f"action={wanted.action[:40]}")
    if wanted.since is not None:
        parts.append(f"from={wanted.since.isoformat()}")
    if wanted.until is not None:
        parts.append(f"to={wanted.until.isoformat()}")
    return "; ".join(parts) or "whole trail"


def _scope(session: Session, actor: Actor) -> _Scope:
    """Refuse anyone but an administrator; then whose events they may read."""
    actor.require(Permission.ADMINISTER)
    audit.write_pending(session)  # the reader's own unit of work shows its events too
    every = session.scalar(select(UserAccount.administers_server).where(UserAccount.id == actor.user_id))
    # A database of one PCN (every file) is all that PCN's: its events of no PCN (a sign-in
    # under a name that matches no account) are its administrators' to read.
    only_pcn = session.scalar(select(func.count()).select_from(Pcn)) == 1
    return _Scope(actor.pcn_id, bool(every) or only_pcn, several_pcns=not only_pcn)


def _conditions(session: Session, scope: _Scope, wanted: TrailFilter) -> list[ColumnElement[bool]]:
    check_filter(wanted)
    conditions = list(_optional(scope.condition()))
    if wanted.user_id is not None:
        conditions.append(_by_user(wanted.user_id))
    referral_id = parse_case_number(wanted.case)
    if referral_id is not None:
        conditions.append(_tied_to_case(session, referral_id))
    if wanted.action:
        conditions.append(AuditEvent.action == wanted.action)
    if wanted.since is not None:
        conditions.append(AuditEvent.occurred_at >= _start_of(wanted.since))
    if wanted.until is not None:
        conditions.append(AuditEvent.occurred_at < _start_of(wanted.until + timedelta(days=1)))
    return conditions


def _by_user(user_id: int) -> ColumnElement[bool]:
    """What the user did, and what was done to their account by nobody signed in: attempts to
    sign in as them, a password set with the recovery key."""
    return or_(
        AuditEvent.user_id == user_id,
        and_(
            AuditEvent.user_id.is_(None),
            AuditEvent.entity == "user_account",
            AuditEvent.entity_id == user_id,
        ),
    )


def _tied_to_case(session: Session, referral_id: int) -> ColumnElement[bool]:
    """The case's own events, its follow-ups' and its person's (a search that showed them)."""
    tied = [
        and_(AuditEvent.entity == "referral", AuditEvent.entity_id == referral_id),
        and_(
            AuditEvent.entity == "follow_up",
            AuditEvent.entity_id.in_(select(FollowUp.id).where(FollowUp.referral_id == referral_id)),
        ),
    ]
    patient_id = session.scalar(select(Referral.patient_id).where(Referral.id == referral_id))
    if patient_id is not None:
        tied.append(and_(AuditEvent.entity == "patient", AuditEvent.entity_id == patient_id))
    return or_(*tied)


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` on this computer's clock, as an aware time."""
    return datetime.combine(day, time.min).astimezone()


def _optional(condition: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [] if condition is None else [condition]


def _page(
    session: Session,
    scope: _Scope,
    conditions: list[ColumnElement[bool]],
    offset: int,
    size: int,
    known_total: int | None = None,
) -> TrailPage:
    if offset < 0 or not 0 < size <= MAX_PAGE_SIZE:
        raise ValidationError("page", f"A page holds 1 to {MAX_PAGE_SIZE} events, from the first on.")
    rows = session.execute(
        select(*_COLUMNS).where(*conditions).order_by(AuditEvent.id.desc()).offset(offset).limit(size)
    ).all()
    events = _Names(session, scope).events(rows)
    total = _count(session, conditions) if known_total is None else max(known_total, offset + len(events))
    return TrailPage(tuple(events), offset, size, total, scope.every_pcn and scope.several_pcns)


def _count(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0


def _batches(session: Session, conditions: list[ColumnElement[bool]]) -> Iterable[Sequence[_EventRow]]:
    """The matching events newest first, a batch at a time (by id, so none is read twice)."""
    before: int | None = None
    while True:
        query = select(*_COLUMNS).where(*conditions)
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = session.execute(query.order_by(AuditEvent.id.desc()).limit(_EXPORT_BATCH)).all()
        if not rows:
            return
        yield rows
        before = rows[-1].id


def _cells(event: TrailEvent) -> tuple[object, ...]:
    when = event.occurred_at.astimezone().isoformat(timespec="seconds")
    return (event.id, when, event.user, event.action_label, event.record, event.detail, event.pcn)


def _by_label(choice: Choice) -> str:
    return choice.label.casefold()


class _Names:
    """Names for the users, records and PCNs of a page of events, each kind read in one query."""

    def __init__(self, session: Session, scope: _Scope) -> None:
        self._session = session
        self._scope = scope

    def events(self, rows: Sequence[_EventRow]) -> list[TrailEvent]:
        ids: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            if row.entity is not None and row.entity_id is not None:
                ids[row.entity].add(row.entity_id)
        users = self._users({row.user_id for row in rows if row.user_id is not None} | ids["user_account"])
        records = {entity: self._records(entity, found, users) for entity, found in ids.items() if found}
        pcns = self._names(Pcn.id, Pcn.name, {row.pcn_id for row in rows if row.pcn_id is not None})
        return [
            TrailEvent(
                id=row.id,
                occurred_at=row.occurred_at,
                user=_user_words(row, users),
                action=row.action,
                action_label=action_label(row.action),
                record=_record_words(row, records),
                detail=row.detail or "",
                pcn=pcns.get(row.pcn_id, "") if row.pcn_id is not None else "No PCN",
            )
            for row in rows
        ]

    def _users(self, user_ids: Collection[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = self._session.execute(
            select(UserAccount.id, UserAccount.full_name, UserAccount.username).where(
                UserAccount.id.in_(user_ids)
            )
        )
        return {user_id: f"{full_name} ({username})" for user_id, full_name, username in rows}

    def _records(self, entity: str, ids: set[int], users: dict[int, str]) -> dict[int, str]:
        if entity == "referral":
            return {referral_id: f"Case {case_number(referral_id)}" for referral_id in ids}
        if entity == "user_account":
            return {user_id: f"User: {name}" for user_id, name in users.items() if user_id in ids}
        if entity == "follow_up":
            cases = self._names(FollowUp.id, FollowUp.referral_id, ids)
            return {key: f"Follow-up on case {case_number(case)}" for key, case in cases.items()}
        if entity == "patient":
            return self._people(ids)
        named = _NAMED.get(entity)
        if named is None:
            return {}
        prefix, key, name = named
        return {record_id: f"{prefix}: {text}" for record_id, text in self._names(key, name, ids).items()}

    def _people(self, ids: set[int]) -> dict[int, str]:
        """A person by their newest case the reader may see, never by name."""
        query = (
            select(Referral.patient_id, func.max(Referral.id))
            .where(Referral.patient_id.in_(ids))
            .group_by(Referral.patient_id)
        )
        if not self._scope.every_pcn:
            query = query.where(Referral.pcn_id == self._scope.pcn_id)
        return {
            patient_id: f"Person on case {case_number(referral_id)}"
            for patient_id, referral_id in self._session.execute(query)
        }

    def _names(self, key: Any, name: Any, ids: Collection[int]) -> dict[int, Any]:
        if not ids:
            return {}
        return {row[0]: row[1] for row in self._session.execute(select(key, name).where(key.in_(ids)))}


# Records named by one column of their own table: the words before the name, the key, the name.
_NAMED: Final[dict[str, tuple[str, Any, Any]]] = {
    "service": ("Service", Service.id, Service.name),
    "practice": ("Practice", Practice.id, Practice.name),
    "pcn": ("PCN", Pcn.id, Pcn.name),
    "local_need": ("Local need", LocalNeed.id, LocalNeed.label),
    "taxonomy_mapping": ("Taxonomy term", TaxonomyMapping.id, TaxonomyMapping.term_name),
}

# Records without an id: what the event was about as a whole.
_WHOLE: Final = {"database": "The database", "user_account": "A user name that matches no account"}


def _user_words(row: _EventRow, users: dict[int, str]) -> str:
    """Who acted: the account's names, or the name given by someone not signed in."""
    if row.user_id is not None:
        return users.get(row.user_id) or row.username or f"Account {row.user_id}"
    return f"{row.username} (not signed in)" if row.username else "Nobody signed in"


def _record_words(row: _EventRow, records: dict[str, dict[int, str]]) -> str:
    if row.entity is None:
        return ""
    if row.entity_id is None:
        return _WHOLE.get(row.entity, action_label(row.entity))
    fallback = _FALLBACK.get(row.entity, action_label(row.entity))
    return records.get(row.entity, {}).get(row.entity_id) or f"{fallback} {row.entity_id}"


# A record whose name could not be read (gone, or a person with no case the reader may see).
_FALLBACK: Final = {"patient": "Person record", "user_account": "User account", "follow_up": "Follow-up"}
