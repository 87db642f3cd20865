"""Services enforce roles themselves, not only the window: non-admins cannot administer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.roles import Permission, Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import (
    NewPractice,
    add_practice,
    list_practices,
    set_practice_active,
)
from linkworker.services.administration.users import (
    NewUser,
    create_user,
    list_users,
    reset_password,
    set_active,
)
from linkworker.services.errors import PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Practice, UserAccount

AdminCall = Callable[[Session, Actor, int, int], object]

ADMIN_ONLY: dict[str, AdminCall] = {
    "list users": lambda session, actor, _user, _practice: list_users(session, actor),
    "create a user": lambda session, actor, _user, _practice: create_user(
        session, actor, NewUser("sneaky", "Sid Sneaky", Role.ADMIN, "let me in please")
    ),
    "deactivate a user": lambda session, actor, user, _practice: set_active(session, actor, user, 1, False),
    "reset a password": lambda session, actor, user, _practice: reset_password(
        session, actor, user, 1, "let me in please"
    ),
    "add a practice": lambda session, actor, _user, _practice: add_practice(
        session, actor, NewPractice("G99009", "Sneaky Surgery")
    ),
    "close a practice": lambda session, actor, _user, practice: set_practice_active(
        session, actor, practice, 1, False
    ),
    "read the audit trail": lambda session, actor, _user, _practice: audit.recent(session, actor),
}


def snapshot(database: Database) -> tuple[object, ...]:
    with database.session() as session:
        return (
            session.execute(select(UserAccount.username, UserAccount.active, UserAccount.version_id)).all(),
            session.execute(select(Practice.ods_code, Practice.active, Practice.version_id)).all(),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )


def test_only_admins_administer(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        worker_id = session.scalar(select(UserAccount.id).where(UserAccount.username == "worker"))
        practice_id = list_practices(session, actors[Role.ADMIN])[0].id
    assert worker_id is not None
    before = snapshot(database)

    for role in (Role.LINK_WORKER, Role.MANAGER):
        for what, call in ADMIN_ONLY.items():
            # Refused inside a unit of work that then commits: the service itself wrote nothing.
            with database.session() as session, pytest.raises(PermissionDenied) as raised:
                call(session, actors[role], worker_id, practice_id)
            assert raised.value.permission is Permission.ADMINISTER, what
            assert (
                str(raised.value) == f"Your role ({role.label}) does not allow you to administer Linkworker "
                "(users, practices, the audit trail, backups)."
            )

    assert snapshot(database) == before


def test_an_admin_reads_the_audit_trail_newest_first(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        entries = audit.recent(session, actors[Role.ADMIN], limit=3)
    assert [(entry.action, entry.username) for entry in entries] == [
        ("sign_in", "manager"),
        ("sign_in", "worker"),
        ("user_created", "admin"),  # who did it; the new account is the entity
    ]
    assert all(entry.occurred_at.tzinfo is not None for entry in entries)
