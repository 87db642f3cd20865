"""The audit trail: who did what to which record, when. Never patient data in ``detail``.

Events are collected in the caller's unit of work and written when it commits, all at once and
sealed in order (domain.audit_chain): the newest seal (``audit_chain_head``) is locked first, so
on PostgreSQL two writers never fork the chain and on SQLite the writer already holds the file.
Ids are given here, consecutive in chain order, so a missing id is a deleted event. Events made
inside a savepoint that is rolled back are dropped with it, as the rows they describe are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter
from typing import Any

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from linkworker.domain.audit_chain import (
    GENESIS,
    ChainBreak,
    ChainedEvent,
    Head,
    SealedEvent,
    seal,
    verify,
)
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.store.models import AuditChainHead, AuditEvent, utc_now

_PENDING = "audit_pending"
_VERIFY_BATCH = 20_000
_STABLE_READS = 5  # a busy server's saves rarely land between two reads of a broken trail more often


@dataclass(frozen=True)
class AuditEntry:
    occurred_at: datetime
    username: str | None
    action: str
    entity: str | None
    entity_id: int | None
    detail: str | None


@dataclass(frozen=True)
class _Pending:
    """An event waiting for its unit of work to commit, and the savepoint it was made in."""

    values: dict[str, Any]
    savepoint: SessionTransaction | None


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
    detail: str | None = None,
    *,
    username: str | None = None,
    pcn_id: int | None = None,
) -> None:
    """Add one event to the caller's unit of work, so it commits or rolls back with the change.

    ``username`` and ``pcn_id`` name who acted when nobody is signed in (a failed sign-in)."""
    _add(
        session,
        [
            {
                "occurred_at": utc_now(),
                "user_id": actor.user_id if actor else None,
                "username": actor.username if actor else username,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "detail": detail,
                "pcn_id": actor.pcn_id if actor else pcn_id,
            }
        ],
    )


def record_each(
    session: Session, actor: Actor, action: str, entity: str, records: Sequence[tuple[int, str | None]]
) -> None:
    """One audit event per new record (its id and detail), written in one batch."""
    now = utc_now()
    _add(
        session,
        [
            {
                "occurred_at": now,
                "user_id": actor.user_id,
                "username": actor.username,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "detail": detail,
                "pcn_id": actor.pcn_id,
            }
            for entity_id, detail in records
        ],
    )


def _add(session: Session, rows: list[dict[str, Any]]) -> None:
    savepoint = session.get_nested_transaction()
    session.info.setdefault(_PENDING, []).extend(_Pending(row, savepoint) for row in rows)


def write_pending(session: Session) -> None:
    """Seal and insert the events collected so far: at commit, or before reading the trail.

    The next id is above the head and above any row put in outside the app (which would
    otherwise block every audited action with a duplicate id); the new event is sealed to the
    head, so ``audit verify`` names such a row as not the app's."""
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    head = session.execute(
        select(AuditChainHead.last_event_id, AuditChainHead.last_hash)
        .where(AuditChainHead.id == 1)
        .with_for_update()
    ).first()
    last_id, previous = (head.last_event_id, head.last_hash) if head else (0, GENESIS)
    last_id = max(last_id, session.scalar(select(func.max(AuditEvent.id))) or 0)
    rows = []
    for offset, item in enumerate(pending, start=1):
        values = {**item.values, "id": last_id + offset}
        previous = seal(previous, ChainedEvent(**values))
        rows.append({**values, "chain_hash": previous})
    session.execute(insert(AuditEvent), rows)
    new_head = {"last_event_id": rows[-1]["id"], "last_hash": previous}
    if head is None:
        session.execute(insert(AuditChainHead), [{"id": 1, **new_head}])
    else:
        session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(**new_head))


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    """Only at the commit of the whole unit of work: a savepoint's release also calls this, and
    writing then would keep events an enclosing savepoint's rollback should drop."""
    if not session.in_nested_transaction():
        write_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """A rolled-back savepoint drops the events made in it (or in savepoints inside it); a
    rolled-back unit of work drops them all."""
    pending: list[_Pending] | None = session.info.get(_PENDING)
    if not pending:
        return
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [item for item in pending if not _inside(item.savepoint, previous_transaction)]


def _inside(savepoint: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is rolled_back:
            return True
        savepoint = savepoint.parent
    return False


def recent(session: Session, actor: Actor, limit: int = 200) -> list[AuditEntry]:
    actor.require(Permission.ADMINISTER)
    write_pending(session)
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    return [
        AuditEntry(row.occurred_at, row.username, row.action, row.entity, row.entity_id, row.detail)
        for row in rows
    ]


@dataclass(frozen=True)
class ChainReport:
    """What ``audit verify`` found: every break, how many events it read, the newest seal."""

    events: int
    breaks: tuple[ChainBreak, ...]
    head: Head | None
    seconds: float

    @property
    def whole(self) -> bool:
        return not self.breaks


def verify_chain(database: Database, actor: Actor) -> ChainReport:
    """Walk the whole trail and say where the chain breaks. Administrators only, and audited.

    The walk reads in a unit of work that writes nothing (on SQLite it holds no write lock, so
    colleagues save on while a long trail is checked) and keeps one batch of events in memory:
    it reads the head first and the events up to it, so an event committed meanwhile is checked
    next time, not taken for one cut from the end. Only a broken trail is read whole, to name
    each break. The check is then recorded in a unit of work of its own."""
    actor.require(Permission.ADMINISTER)
    started = perf_counter()
    with database.read_session() as session:
        head = _read_head(session)
        counted, whole = _quick_walk(session, head)
        if whole and not _added_outside(session, head):
            breaks: tuple[ChainBreak, ...] = ()
        else:
            sealed, head = _whole_trail(session)
            counted, breaks = len(sealed), tuple(verify(sealed, head))
    if head is not None and head.last_event_id == 0:
        head = None
    report = ChainReport(counted, breaks, head, perf_counter() - started)
    outcome = "whole" if report.whole else f"{len(breaks)} break(s), first at event {breaks[0].event_id}"
    with database.session() as session:
        record(session, actor, "audit_verified", detail=f"{report.events} events, {outcome}")
    return report


def _read_head(session: Session) -> Head | None:
    stored = session.execute(
        select(AuditChainHead.last_event_id, AuditChainHead.last_hash).where(AuditChainHead.id == 1)
    ).first()
    return Head(stored.last_event_id, stored.last_hash) if stored else None


# What an event says, in the order domain.audit_chain.ChainedEvent takes it (the seal covers it).
EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.user_id,
    AuditEvent.username,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.detail,
    AuditEvent.pcn_id,
)
_COLUMNS = (*EVENT_COLUMNS, AuditEvent.chain_hash)


def _batches(session: Session, up_to: int | None) -> Iterator[list[SealedEvent]]:
    """The events in id order (up to ``up_to``), a batch at a time."""
    after = -1
    while True:
        query = select(*_COLUMNS).where(AuditEvent.id > after)
        if up_to is not None:
            query = query.where(AuditEvent.id <= up_to)
        rows = session.execute(query.order_by(AuditEvent.id).limit(_VERIFY_BATCH)).all()
        if not rows:
            return
        yield [SealedEvent(ChainedEvent(*row[:9]), row[9]) for row in rows]
        after = rows[-1][0]


def _quick_walk(session: Session, head: Head | None) -> tuple[int, bool]:
    """How many events there are up to the head, and whether the chain is whole: each id the
    next one, each seal following from the one before, the last being the head."""
    up_to = head.last_event_id if head else None
    previous_id, previous_hash, count = 0, GENESIS, 0
    whole = True
    for batch in _batches(session, up_to):
        for sealed in batch:
            count += 1
            if whole and (
                sealed.event.id != previous_id + 1 or seal(previous_hash, sealed.event) != sealed.chain_hash
            ):
                whole = False
            previous_id, previous_hash = sealed.event.id, sealed.chain_hash
    if head is None:
        return count, count == 0
    return count, whole and previous_id == head.last_event_id and previous_hash == head.last_hash


def _whole_trail(session: Session) -> tuple[list[SealedEvent], Head | None]:
    """Every event (those past the head too: renumbering moves them there) and the head, read
    again until no save landed between, so the head covers exactly the events read."""
    for _ in range(_STABLE_READS):
        before = _read_head(session)
        sealed = [event for batch in _batches(session, None) for event in batch]
        after = _read_head(session)
        if after == before:
            break
    return sealed, after


def _added_outside(session: Session, head: Head | None) -> bool:
    """Whether there are events above the head that no head written since covers: put in
    outside the app. (An event the app commits meanwhile is covered by the head read after it.)"""
    above = head.last_event_id if head else 0
    newest = session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.id > above))
    if newest is None:
        return False
    latest = _read_head(session)
    return newest > (latest.last_event_id if latest else 0)
