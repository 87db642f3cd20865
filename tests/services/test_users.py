"""Managing accounts: creating, deactivating, resetting and changing passwords, stale edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed, StaleEdit
from linkworker.services.signing_in import sign_in
from linkworker.services.users import (
    NewUser,
    UserSummary,
    change_own_password,
    create_user,
    list_users,
    reset_password,
    set_active,
)
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, UserAccount
from tests.conftest import WORKER_PASSWORD

NEW_PASSWORD = "seven silver spoons"


def users(database: Database, admin: Actor) -> dict[str, UserSummary]:
    with database.session() as session:
        return {user.username: user for user in list_users(session, admin)}


def signs_in(database: Database, username: str, password: str) -> bool:
    try:
        with database.session() as session:
            sign_in(session, username, password)
    except SignInFailed:
        return False
    return True


def test_list_users_shows_the_pcn_accounts_in_order(database: Database, actors: dict[Role, Actor]) -> None:
    listed = users(database, actors[Role.ADMIN])
    assert list(listed) == ["admin", "manager", "worker"]
    assert [(u.full_name, u.role, u.active) for u in listed.values()] == [
        ("Ada Admin", Role.ADMIN, True),
        ("Max Manager", Role.MANAGER, True),
        ("Wren Worker", Role.LINK_WORKER, True),
    ]


def test_create_user_normalises_and_audits(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        created = create_user(
            session, admin, NewUser(" L.Link ", "  Lee   Link ", Role.LINK_WORKER, NEW_PASSWORD)
        )
    assert (created.username, created.full_name, created.role, created.active) == (
        "l.link",
        "Lee Link",
        Role.LINK_WORKER,
        True,
    )
    assert signs_in(database, "l.link", NEW_PASSWORD)
    with database.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user_created").order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None
    assert (event.user_id, event.entity_id, event.detail) == (admin.user_id, created.id, "role=link_worker")


REFUSED = [
    (NewUser("WORKER", "Another Worker", Role.LINK_WORKER, NEW_PASSWORD), "username", "already taken"),
    (NewUser("x", "Short Name", Role.LINK_WORKER, NEW_PASSWORD), "username", "3 to 64"),
    (NewUser("new.person", " ", Role.LINK_WORKER, NEW_PASSWORD), "full_name", "full name"),
    (NewUser("new.person", "New Person", Role.MANAGER, "short"), "password", "at least 10"),
    (NewUser("new.person.1", "New Person", Role.MANAGER, "new.person.1"), "password", "not be the username"),
]


def test_create_user_refuses_bad_details_and_writes_nothing(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for new, field, message in REFUSED:
        with database.session() as session, pytest.raises(ValidationError, match=message) as raised:
            create_user(session, actors[Role.ADMIN], new)
        assert raised.value.field == field
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(UserAccount)) == 3


def test_an_admin_cannot_deactivate_their_own_account(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    me = users(database, admin)["admin"]
    with pytest.raises(ValidationError, match="your own account"), database.session() as session:
        set_active(session, admin, me.id, me.version, False)
    assert users(database, admin)["admin"].active


def test_the_last_active_admin_cannot_be_deactivated(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        create_user(session, admin, NewUser("second.admin", "Sam Second", Role.ADMIN, NEW_PASSWORD))
    with database.session() as session:
        second = sign_in(session, "second.admin", NEW_PASSWORD)
    listed = users(database, admin)
    with database.session() as session:  # two admins: one may deactivate the other
        set_active(session, admin, listed["second.admin"].id, listed["second.admin"].version, False)

    first = users(database, admin)["admin"]
    with pytest.raises(ValidationError, match="last active administrator"), database.session() as session:
        set_active(session, second, first.id, first.version, False)
    assert users(database, admin)["admin"].active


def test_deactivating_and_reactivating_a_user(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    with database.session() as session:
        off = set_active(session, admin, worker.id, worker.version, False)
    assert not off.active and off.version == worker.version + 1
    assert not signs_in(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        on = set_active(session, admin, worker.id, off.version, True)
    assert on.active
    assert signs_in(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_id == worker.id, AuditEvent.user_id == admin.user_id
            )
        ).all()
    assert actions[-2:] == ["user_deactivated", "user_activated"]


def test_a_stale_version_is_refused_and_nothing_changes(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    opened = users(database, admin)["worker"]  # the admin screen shows this version
    with database.session() as session:  # meanwhile, another admin resets the password
        reset_password(session, admin, opened.id, opened.version, NEW_PASSWORD)

    stale = pytest.raises(StaleEdit, match="Someone else changed this user account")
    with stale as raised, database.session() as session:
        set_active(session, admin, opened.id, opened.version, False)
    assert "Your edit is kept" in str(raised.value)
    assert users(database, admin)["worker"].active


def test_reset_password_checks_the_new_password(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    with pytest.raises(ValidationError, match="not be the username"), database.session() as session:
        reset_password(session, admin, worker.id, worker.version, "worker    ")
    assert signs_in(database, "worker", WORKER_PASSWORD)


def test_change_own_password(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    refused = pytest.raises(ValidationError, match="current password is not right")
    with refused as wrong, database.session() as session:
        change_own_password(session, worker, "a guess at it", NEW_PASSWORD)
    assert wrong.value.field == "current_password"
    with pytest.raises(ValidationError, match="at least 10") as short, database.session() as session:
        change_own_password(session, worker, WORKER_PASSWORD, "short")
    assert short.value.field == "new_password"

    with database.session() as session:
        change_own_password(session, worker, WORKER_PASSWORD, NEW_PASSWORD)
    assert not signs_in(database, "worker", WORKER_PASSWORD)
    assert signs_in(database, "worker", NEW_PASSWORD)
    with database.session() as session:
        assert (
            session.scalar(
                select(func.count()).where(
                    AuditEvent.action == "password_changed", AuditEvent.user_id == worker.user_id
                )
            )
            == 1
        )


def test_signing_in_is_not_an_edit_that_makes_the_admin_screen_stale(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    opened = users(database, admin)["worker"]
    assert not signs_in(database, "worker", "a mistyped password")
    assert signs_in(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        deactivated = set_active(session, admin, opened.id, opened.version, False)
    assert not deactivated.active
