"""The audit trail: who did what to which record, when. Never patient data in ``detail``.

Events are collected in the caller's unit of work and written when it commits, all at once and
sealed in order (domain.audit_chain): the newest seal (``audit_chain_head``) is locked first, so
on PostgreSQL two writers never fork the chain and on SQLite the writer already holds the file.
Ids are given here, consecutive in chain order, so a missing id is a deleted event. Events made
inside a savepoint that is rolled back are dropped with it, as the rows they describe are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from linkworker.domain.audit_chain import GENESIS, ChainBreak, ChainedEvent, Head, SealedEvent, seal, verify
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.store.models import AuditChainHead, AuditEvent, utc_now

_PENDING = "audit_pending"
_VERIFY_BATCH = 20_000


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
    """Seal and insert the events collected so far: at commit, or before reading the trail."""
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    head = session.execute(
        select(AuditChainHead.last_event_id, AuditChainHead.last_hash)
        .where(AuditChainHead.id == 1)
        .with_for_update()
    ).first()
    last_id, previous = (head.last_event_id, head.last_hash) if head else (0, GENESIS)
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


def verify_chain(session: Session, actor: Actor) -> ChainReport:
    """Walk the whole trail and say where the chain breaks. Administrators only, and audited
    (after the walk, so the check's own event is not part of what it checked)."""
    actor.require(Permission.ADMINISTER)
    write_pending(session)
    started = perf_counter()
    sealed = _all_sealed(session)
    stored_head = session.execute(
        select(AuditChainHead.last_event_id, AuditChainHead.last_hash).where(AuditChainHead.id == 1)
    ).first()
    head = Head(stored_head.last_event_id, stored_head.last_hash) if stored_head else None
    if head is not None and head.last_event_id == 0 and not sealed:
        head = None
    breaks = tuple(verify(sealed, head))
    report = ChainReport(len(sealed), breaks, head, perf_counter() - started)
    outcome = "whole" if report.whole else f"{len(breaks)} break(s), first at event {breaks[0].event_id}"
    record(session, actor, "audit_verified", detail=f"{report.events} events, {outcome}")
    return report


def _all_sealed(session: Session) -> list[SealedEvent]:
    """Every event in id order, read in batches so a large trail is not held twice."""
    columns = (
        AuditEvent.id,
        AuditEvent.occurred_at,
        AuditEvent.user_id,
        AuditEvent.username,
        AuditEvent.action,
        AuditEvent.entity,
        AuditEvent.entity_id,
        AuditEvent.detail,
        AuditEvent.pcn_id,
        AuditEvent.chain_hash,
    )
    sealed: list[SealedEvent] = []
    after = -1
    while True:
        rows = session.execute(
            select(*columns).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(_VERIFY_BATCH)
        ).all()
        if not rows:
            return sealed
        sealed.extend(SealedEvent(ChainedEvent(*row[:9]), row[9]) for row in rows)
        after = rows[-1][0]
