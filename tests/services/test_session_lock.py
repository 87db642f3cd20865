"""The lock over an idle session: locking and unlocking audited, wrong passwords counted until only
signing out is left, and an account deactivated or changed while locked cannot unlock."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import ServiceError
from linkworker.services.session_lock import MAX_WRONG_TRIES, LockReason, SessionLock, UnlockRefused
from linkworker.store.database import Database
from linkworker.store.models import UserAccount
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD

LOCK_ACTIONS = {"screen_locked", "screen_unlocked", "unlock_failed", "signed_out_while_locked", "sign_out"}


def lock_events(database: Database, admin: Actor) -> list[tuple[str | None, str, str | None]]:
    """(who, what, detail) of the lock's events, oldest first, read as an administrator would."""
    with database.read_session() as session:
        entries = audit.recent(session, admin)
    return [(e.username, e.action, e.detail) for e in reversed(entries) if e.action in LOCK_ACTIONS]


def locked(database: Database, actor: Actor, reason: LockReason = LockReason.IDLE) -> SessionLock:
    lock = SessionLock(actor)
    with database.session() as session:
        lock.lock(session, reason, idle_minutes=10)
    return lock


def try_unlock(database: Database, lock: SessionLock, password: str) -> None:
    """As the window does: one unit of work, rolled back if the unlock is refused."""
    with database.session() as session:
        lock.unlock(session, password)


def test_locking_then_unlocking_with_the_password_is_audited(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    lock = locked(database, worker)
    assert lock.locked
    try_unlock(database, lock, WORKER_PASSWORD)
    assert not lock.locked
    by_user = locked(database, worker, LockReason.BY_USER)
    try_unlock(database, by_user, WORKER_PASSWORD)
    assert lock_events(database, actors[Role.ADMIN]) == [
        ("worker", "screen_locked", "idle_minutes=10"),
        ("worker", "screen_unlocked", None),
        ("worker", "screen_locked", "by_user"),
        ("worker", "screen_unlocked", None),
    ]


def test_a_wrong_password_is_refused_counted_and_audited_though_the_unit_of_work_rolls_back(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    lock = locked(database, worker)
    with pytest.raises(UnlockRefused) as refused:
        try_unlock(database, lock, "not my password at all")
    assert isinstance(refused.value, ServiceError)
    assert not refused.value.final
    assert str(refused.value) == f"That password is not right. {MAX_WRONG_TRIES - 1} tries are left."
    assert lock.locked and lock.wrong_tries == 1
    for other in (ADMIN_PASSWORD, "", WORKER_PASSWORD.upper()):  # someone else's, none, near misses
        with pytest.raises(UnlockRefused):
            try_unlock(database, lock, other)
    events = lock_events(database, actors[Role.ADMIN])
    assert events[1:] == [("worker", "unlock_failed", f"wrong_password try={n}") for n in range(1, 5)]
    assert all("monkey" not in (detail or "").lower() for _who, _what, detail in events)


def test_after_too_many_wrong_tries_only_signing_out_is_left(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    lock = locked(database, worker)
    for _ in range(MAX_WRONG_TRIES - 1):
        with pytest.raises(UnlockRefused):
            try_unlock(database, lock, "guess guess guess")
    with pytest.raises(UnlockRefused) as last:
        try_unlock(database, lock, "guess guess guess")
    assert last.value.final and lock.closed
    assert "Sign in as someone else" in str(last.value)
    with pytest.raises(UnlockRefused) as after:  # even the right password, now
        try_unlock(database, lock, WORKER_PASSWORD)
    assert after.value.final and lock.locked
    assert "not right" not in str(after.value) and "Sign in as someone else" in str(after.value)

    with database.session() as session:
        lock.sign_out(session)
    assert not lock.locked
    events = lock_events(database, actors[Role.ADMIN])
    assert events[-3:] == [
        ("worker", "unlock_failed", "closed_after_wrong_tries"),
        ("worker", "signed_out_while_locked", None),
        ("worker", "sign_out", None),
    ]
    assert [what for _who, what, _detail in events].count("unlock_failed") == MAX_WRONG_TRIES + 1


def test_an_account_deactivated_while_locked_cannot_unlock(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    lock = locked(database, worker)
    with database.session() as session:
        session.execute(update(UserAccount).where(UserAccount.id == worker.user_id).values(active=False))
    with pytest.raises(UnlockRefused) as refused:
        try_unlock(database, lock, WORKER_PASSWORD)
    assert refused.value.final and lock.locked
    assert "deactivated" in str(refused.value)
    assert lock_events(database, actors[Role.ADMIN])[-1] == ("worker", "unlock_failed", "account_deactivated")


@pytest.mark.parametrize("change", [{"role": Role.MANAGER.value}, {"username": "wren.w"}])
def test_an_account_changed_while_locked_signs_in_again_to_take_up_its_new_rights(
    database: Database, actors: dict[Role, Actor], change: dict[str, str]
) -> None:
    """The window was built for the role it had: a demoted worker must not go on with the old one."""
    worker = actors[Role.LINK_WORKER]
    lock = locked(database, worker)
    with database.session() as session:
        session.execute(update(UserAccount).where(UserAccount.id == worker.user_id).values(**change))
    with pytest.raises(UnlockRefused) as refused:
        try_unlock(database, lock, WORKER_PASSWORD)
    assert refused.value.final and lock.locked
    assert "changed" in str(refused.value)


def test_the_password_is_wanted_even_when_no_lock_was_recorded(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """The window covers itself before it records the lock, which a lost database may refuse."""
    lock = SessionLock(actors[Role.LINK_WORKER])
    with pytest.raises(UnlockRefused):
        try_unlock(database, lock, "anything at all")
    try_unlock(database, lock, WORKER_PASSWORD)
    assert [what for _who, what, _detail in lock_events(database, actors[Role.ADMIN])] == [
        "unlock_failed",
        "screen_unlocked",
    ]


def test_locking_twice_records_one_lock(database: Database, actors: dict[Role, Actor]) -> None:
    lock = locked(database, actors[Role.MANAGER], LockReason.BY_USER)
    with database.session() as session:
        lock.lock(session, LockReason.IDLE, idle_minutes=10)
    assert [what for _who, what, _detail in lock_events(database, actors[Role.ADMIN])] == ["screen_locked"]
