"""Signing in: right and wrong passwords, lockout, deactivated accounts; each attempt is its own
unit of work, as the sign-in window makes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from linkworker.domain import passwords
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed
from linkworker.services.signing_in import sign_in
from linkworker.services.users import list_users, reset_password, set_active
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, UserAccount, utc_now
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD

WRONG = "not the right password"
SAME_FAILURE = "The user name or password is not right."


def attempt(database: Database, username: str, password: str) -> Actor:
    with database.session() as session:
        return sign_in(session, username, password)


def failure(database: Database, username: str, password: str) -> str:
    with pytest.raises(SignInFailed) as raised:
        attempt(database, username, password)
    return str(raised.value)


def audit_actions(database: Database) -> list[tuple[str, str | None, int | None]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.username, AuditEvent.user_id).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def user_id(database: Database, username: str) -> int:
    with database.session() as session:
        found = session.scalar(select(UserAccount.id).where(UserAccount.username == username))
    assert found is not None
    return found


def version_of(database: Database, admin: Actor, username: str) -> int:
    with database.session() as session:
        return next(user.version for user in list_users(session, admin) if user.username == username)


def test_the_right_password_signs_in_and_is_audited(database: Database, actors: dict[Role, Actor]) -> None:
    actor = attempt(database, "worker", WORKER_PASSWORD)
    assert (actor.username, actor.full_name, actor.role) == ("worker", "Wren Worker", Role.LINK_WORKER)
    assert actor.pcn_id == actors[Role.ADMIN].pcn_id
    assert audit_actions(database)[-1] == ("sign_in", "worker", actor.user_id)
    with database.session() as session:
        summary = next(u for u in list_users(session, actors[Role.ADMIN]) if u.username == "worker")
    assert summary.last_sign_in_at is not None
    assert utc_now() - summary.last_sign_in_at < timedelta(minutes=1)


def test_the_username_is_not_case_sensitive_but_the_password_is(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for typed in ("WORKER", " Worker ", "wOrKeR"):
        assert attempt(database, typed, WORKER_PASSWORD).username == "worker"
    assert failure(database, "worker", WORKER_PASSWORD.upper()) == SAME_FAILURE


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(
    database: Database, actors: dict[Role, Actor]
) -> None:
    assert failure(database, "nobody", WRONG) == failure(database, "worker", WRONG) == SAME_FAILURE
    actions = audit_actions(database)
    # A name that matches no account is not kept as typed: it may be a password typed in the
    # wrong box.
    assert actions[-2] == ("sign_in_failed", None, None)
    assert actions[-1] == ("sign_in_failed", "worker", None)


def test_five_failures_lock_the_account_and_a_reset_unlocks_it(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for _ in range(5):
        assert failure(database, "worker", WRONG) == SAME_FAILURE
    locked = failure(database, "worker", WORKER_PASSWORD)
    assert "locked after too many failed sign-ins" in locked
    assert "Try again in 15 minutes" in locked
    assert "ask an administrator to reset the password" in locked
    failed = [row for row in audit_actions(database) if row[0] == "sign_in_failed"]
    assert len(failed) == 5

    admin = actors[Role.ADMIN]
    new_password = "a brand new passphrase"
    with database.session() as session:
        reset_password(
            session, admin, user_id(database, "worker"), version_of(database, admin, "worker"), new_password
        )
    assert failure(database, "worker", WORKER_PASSWORD) == SAME_FAILURE
    assert attempt(database, "worker", new_password).username == "worker"
    assert audit_actions(database)[-1][0] == "sign_in"


def test_four_failures_then_the_right_password_start_the_count_again(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for _ in range(4):
        failure(database, "worker", WRONG)
    attempt(database, "worker", WORKER_PASSWORD)
    for _ in range(4):
        failure(database, "worker", WRONG)
    assert attempt(database, "worker", WORKER_PASSWORD).username == "worker"


def test_a_lock_ends_after_its_time(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.username == "worker")).one()
        user.locked_until = utc_now() + timedelta(minutes=3)
    assert "Try again in 3 minutes" in failure(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.username == "worker")).one()
        user.locked_until = utc_now() - timedelta(seconds=1)
    assert attempt(database, "worker", WORKER_PASSWORD).username == "worker"


def test_a_deactivated_user_cannot_sign_in(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        set_active(session, admin, user_id(database, "worker"), version_of(database, admin, "worker"), False)
    assert "deactivated" in failure(database, "worker", WORKER_PASSWORD)
    assert failure(database, "worker", WRONG) == SAME_FAILURE  # a wrong password reveals nothing more


def test_passwords_are_never_kept_or_logged_in_clear(database: Database, actors: dict[Role, Actor]) -> None:
    failure(database, "admin", WRONG)
    attempt(database, "admin", ADMIN_PASSWORD)
    with database.session() as session:
        hashes = session.scalars(select(UserAccount.password_hash)).all()
        details = session.execute(select(AuditEvent.username, AuditEvent.detail)).all()
    assert all(stored.startswith("$argon2id$") for stored in hashes)
    for password in (ADMIN_PASSWORD, WORKER_PASSWORD, WRONG):
        assert not any(password in stored for stored in hashes)
        assert not any(password in str(row) for row in details)


def test_a_hash_made_with_weaker_settings_is_upgraded_at_sign_in(
    database: Database, actors: dict[Role, Actor]
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(WORKER_PASSWORD)
    with database.session() as session:
        session.execute(
            update(UserAccount).where(UserAccount.username == "worker").values(password_hash=weak)
        )
    attempt(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        stored = session.scalar(select(UserAccount.password_hash).where(UserAccount.username == "worker"))
    assert stored is not None and stored != weak
    assert not passwords.needs_rehash(stored)
    assert attempt(database, "worker", WORKER_PASSWORD).username == "worker"
