"""Signing in and out: the password checked (or proved by the key slot it opened), failed
attempts counted and audited, the signed-in user's actor. Account management is services.users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from linkworker.domain import accounts, passwords
from linkworker.domain.roles import Role
from linkworker.services import audit, key_custody
from linkworker.services.actor import Actor
from linkworker.services.errors import SignInFailed
from linkworker.store.models import UserAccount, utc_now

# Verifying against this when the user does not exist keeps the time the same either way,
# so timing does not reveal which user names exist.
_DUMMY_HASH = passwords.hash_password("not a real password, only for timing")


def _actor(user: UserAccount) -> Actor:
    return Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id)


def sign_in(session: Session, username: str, password: str) -> Actor:
    """The actor for a correct user name and password; ``SignInFailed`` with a plain reason if not.

    For a database opened without a password (a shared server, or a file whose older key copy
    is still kept): the password is checked here, and the user's key slot written if missing.
    """
    name = (username or "").strip().lower()
    user = session.scalar(select(UserAccount).where(UserAccount.username == name))
    now = utc_now()
    if user is None:
        passwords.verify(_DUMMY_HASH, password)
        audit.record(session, None, "sign_in_failed", "user_account", None)
        raise _failed_attempt(session)
    _refuse_locked(user, now)
    if not passwords.verify(user.password_hash, password):
        if user.failed_sign_ins + 1 >= accounts.MAX_FAILED_SIGN_INS:
            _keep_books(session, user, failed_sign_ins=0, locked_until=now + accounts.LOCKOUT)
        else:
            _keep_books(session, user, failed_sign_ins=user.failed_sign_ins + 1)
        audit.record(session, None, "sign_in_failed", "user_account", user.id, username=user.username)
        raise _failed_attempt(session)
    _refuse_inactive(user)
    key_custody.ensure_user_slot(session, user.username, password)
    return _signed_in(session, user, password, now)


def sign_in_with_slot(session: Session, username: str, password: str) -> Actor:
    """The actor for a user whose password has just opened their key slot (and so the
    database): it proves the password. The database's copy of the hash is brought in line if
    it differs (after a restore, a password changed since the backup)."""
    name = (username or "").strip().lower()
    user = session.scalar(select(UserAccount).where(UserAccount.username == name))
    if user is None or not user.active:
        key_custody.remove_user_slot(session, name)  # a slot left behind must not open the data
        if user is None:
            raise SignInFailed("The user name or password is not right.")
        _refuse_inactive(user)
    assert user is not None
    now = utc_now()
    _refuse_locked(user, now)
    if not passwords.verify(user.password_hash, password):
        _keep_books(session, user, password_hash=passwords.hash_password(password))
        audit.record(
            session, None, "password_hash_realigned", "user_account", user.id, username=user.username
        )
    return _signed_in(session, user, password, now)


def _refuse_locked(user: UserAccount, now: datetime) -> None:
    if user.locked_until is not None and user.locked_until > now:
        raise SignInFailed(accounts.locked_message(user.locked_until, now))


def _refuse_inactive(user: UserAccount) -> None:
    if not user.active:
        raise SignInFailed("This account has been deactivated. Ask your PCN's administrator.")


def _signed_in(session: Session, user: UserAccount, password: str, now: datetime) -> Actor:
    if passwords.needs_rehash(user.password_hash):
        _keep_books(session, user, password_hash=passwords.hash_password(password))
    _keep_books(session, user, failed_sign_ins=0, locked_until=None, last_sign_in_at=now)
    actor = _actor(user)
    audit.record(session, actor, "sign_in", "user_account", user.id)
    return actor


def _keep_books(session: Session, user: UserAccount, **values: object) -> None:
    """Sign-in bookkeeping, written without a new version: it is not an edit, so it must not
    make an administrator's open copy of the account stale."""
    session.execute(update(UserAccount).where(UserAccount.id == user.id).values(**values))


def _failed_attempt(session: Session) -> SignInFailed:
    """Commit the failed attempt (its count towards a lockout, its audit event) before raising:
    the caller's unit of work rolls back on the error, which would otherwise undo both."""
    session.commit()
    return SignInFailed("The user name or password is not right.")


def sign_out(session: Session, actor: Actor) -> None:
    """Closing the window or signing out ends the session in the audit trail too."""
    audit.record(session, actor, "sign_out", "user_account", actor.user_id)
