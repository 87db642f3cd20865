"""The audit trail: who did what to which record, when. Never patient data in ``detail``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.batch import insert_all
from linkworker.store.models import AuditEvent


@dataclass(frozen=True)
class AuditEntry:
    occurred_at: datetime
    username: str | None
    action: str
    entity: str | None
    entity_id: int | None
    detail: str | None


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
    detail: str | None = None,
    *,
    username: str | None = None,
) -> None:
    """Add one event to the caller's unit of work, so it commits or rolls back with the change."""
    session.add(
        AuditEvent(
            user_id=actor.user_id if actor else None,
            username=actor.username if actor else username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )
    )


def record_each(
    session: Session, actor: Actor, action: str, entity: str, records: Sequence[tuple[int, str | None]]
) -> None:
    """One audit event per new record (its id and detail), written in one batch: what
    ``record`` adds for one, without building an object per event."""
    insert_all(
        session,
        AuditEvent,
        [
            {
                "user_id": actor.user_id,
                "username": actor.username,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "detail": detail,
            }
            for entity_id, detail in records
        ],
    )


def recent(session: Session, actor: Actor, limit: int = 200) -> list[AuditEntry]:
    actor.require(Permission.ADMINISTER)
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    return [
        AuditEntry(row.occurred_at, row.username, row.action, row.entity, row.entity_id, row.detail)
        for row in rows
    ]
