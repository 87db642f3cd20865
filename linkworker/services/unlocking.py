"""The work behind ``services.access.DataAccess``: opening the database, signing in with a
password or a key slot, the recovery key, and the audit of attempts refused while it was closed.

Kept apart from ``DataAccess`` so the sign-in window is drawn before SQLAlchemy, the models and
the key-slot cryptography load: ``DataAccess`` imports this module when it is first used.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, configure_mappers

from linkworker.domain.working_days import bank_holidays
from linkworker.services import audit, signing_in
from linkworker.services.access import (
    MUST_CHOOSE_FIRST,
    NOT_THE_RECOVERY_KEY,
    DataAccess,
    SignedIn,
)
from linkworker.services.actor import Actor
from linkworker.services.administration import users
from linkworker.services.administration.organisation import needs_setup
from linkworker.services.errors import SignInFailed, SignInThrottled
from linkworker.store import recovery_code, secrets
from linkworker.store.database import Database, open_database, open_sqlite_with_key
from linkworker.store.database_key import DatabaseKey, KeyOrigin
from linkworker.store.errors import PasswordNeeded
from linkworker.store.key_slots import PendingFailure, Refusal, normalised_name
from linkworker.store.models import UserAccount, utc_now

T = TypeVar("T")


def warm_up() -> None:
    """The one-off work a first sign-in and its Today view would otherwise wait for: the
    modules they use, SQLAlchemy's mapping of the models, the keyring's choice of backend (an
    older version's key copy is looked for at each sign-in), and the bank holidays of this year
    and last (Today's waits count working days)."""
    from linkworker.services import workspace  # noqa: F401
    from linkworker.services.cases import today  # noqa: F401

    configure_mappers()
    secrets.backend_name()
    this_year = date.today().year
    for year in (this_year - 1, this_year):
        bank_holidays(year)


def open_unlocked(access: DataAccess, *, migrate: bool = True) -> Database | None:
    """The database if it opens without a password (a shared server, a new file, a file
    whose older key copy is still kept); None when a password must unwrap its key."""
    if access.opened is None:
        try:
            access.opened = open_database(
                access.sqlite_file, access.key_folder, access.database_url, migrate=migrate
            )
        except PasswordNeeded:
            return None
    return access.opened


def sign_in(access: DataAccess, username: str, password: str) -> SignedIn:
    """Open the database as ``username``; ``SignInFailed`` with a plain reason if not
    (``SignInThrottled`` for a try made too soon after earlier failures)."""
    database = access.open_unlocked()
    if database is None:
        return sign_in_with_slot(access, username, password)

    def work(session: Session) -> tuple[Actor, bool]:
        actor = signing_in.sign_in(session, username, password)
        return actor, signing_in.must_change_password(session, actor)

    actor, must_change = _in_session(database, work)
    return SignedIn(database, actor, must_change)


def sign_in_for_command(access: DataAccess, username: str, password: str) -> SignedIn:
    """As ``sign_in``, for the batch commands: refused, and signed out again, while the user
    must still choose their own password, which only the window asks for."""
    signed_in = access.sign_in(username, password)
    if signed_in.must_change_password:
        reason = "a command was refused: the password set by an administrator is still to be changed"
        _in_session(signed_in.database, lambda s: signing_in.sign_out(s, signed_in.actor, reason))
        access.release(signed_in)
        raise SignInFailed(MUST_CHOOSE_FIRST)
    return signed_in


def unlock_with_password(access: DataAccess, username: str, password: str) -> bytes:
    """The database key from ``username``'s key slot, the try throttled and any refusal kept
    for the audit trail as a sign-in's are: ``SignInThrottled`` or ``SignInFailed`` if not.
    Whatever opens the data with a password (a sign-in, a restore) comes through here."""
    slots, now = access.slots, utc_now()
    name = normalised_name(username)
    tag = slots.name_tag(name)  # for every name, so the time taken is the same
    known = name in slots.usernames()
    who = {"username": name} if known else {"name_tag": tag}
    waiting = slots.claim_try(tag, now)
    if waiting is not None:
        slots.note_refusal(Refusal.THROTTLED, now, **who)
        raise SignInThrottled(waiting)
    raw_key = slots.unlock_user(name, password)
    if raw_key is None:
        slots.note_refusal(Refusal.WRONG_PASSWORD if known else Refusal.UNKNOWN_NAME, now, **who)
        raise signing_in.wrong_password(slots.attempts(tag), now)
    slots.clear_attempts(tag)
    return raw_key


def sign_in_with_slot(access: DataAccess, username: str, password: str) -> SignedIn:
    raw_key = access.unlock_with_password(username, password)
    database = open_sqlite_with_key(access.sqlite_file, DatabaseKey.from_slot(raw_key))
    pending = access.slots.pending_failures()
    written = [attempt.id for attempt in pending]
    try:
        actor, must_change = _in_session(
            database, lambda s: _signed_in_with_slot(s, pending, username, password)
        )
    except SignInFailed:
        access.slots.forget_failures(written)  # committed with the refusal's own event
        database.dispose()
        raise
    except BaseException:
        database.dispose()
        raise
    access.slots.forget_failures(written)  # now in the audit trail
    return SignedIn(database, actor, must_change)


def sign_out(access: DataAccess, signed_in: SignedIn, reason: str | None = None) -> None:
    """Record the sign-out (with ``reason`` when it was not the user's choice); a database
    opened with a password is closed, so its key is no longer held by the app."""
    try:
        _in_session(signed_in.database, lambda s: signing_in.sign_out(s, signed_in.actor, reason))
    finally:
        access.release(signed_in)


def recover(access: DataAccess, code: str, username: str, new_password: str) -> str:
    """Open the database with the recovery key and set ``username``'s new password (their
    slot too, which ends any wait for their next try); the user's name as stored.
    ``SignInFailed`` if the key does not open it. Never throttled: the key is 160 random
    bits, and it must always let an administrator in."""
    try:
        secret = recovery_code.parse_code(code)
    except recovery_code.NotARecoveryCode as error:
        raise SignInFailed(str(error)) from None
    database = access.open_unlocked()
    opened_here = database is None
    if database is None:
        raw_key = access.slots.unlock_recovery(secret)
        if raw_key is None:
            access.slots.note_refusal(Refusal.WRONG_RECOVERY_KEY, utc_now())
            raise SignInFailed(NOT_THE_RECOVERY_KEY)
        database = open_sqlite_with_key(access.sqlite_file, DatabaseKey.from_slot(raw_key))
    elif access.slots.unlock_recovery(secret) is None:
        _in_session(database, _record_wrong_recovery_key)
        raise SignInFailed(NOT_THE_RECOVERY_KEY)
    try:
        return _in_session(database, lambda s: users.reset_with_recovery_key(s, username, new_password))
    finally:
        if opened_here:
            database.dispose()


def discard_if_never_set_up(access: DataAccess) -> None:
    """Delete a new file whose set-up was abandoned: its key was only in memory, so left
    behind it could never be opened, and the next start should offer the set-up again."""
    database = access.opened
    if database is None or database.location.key is None or database.location.key.origin is not KeyOrigin.NEW:
        return
    with database.session() as session:
        if not needs_setup(session):
            return
    access.close()
    for suffix in ("", "-wal", "-shm"):
        access.sqlite_file.with_name(access.sqlite_file.name + suffix).unlink(missing_ok=True)


def _in_session(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


def _signed_in_with_slot(
    session: Session, pending: list[PendingFailure], username: str, password: str
) -> tuple[Actor, bool]:
    """Write the attempts refused while the database was closed to the audit trail, then sign in."""
    accounts_named = {
        name: (user_id, pcn_id)
        for name, user_id, pcn_id in session.execute(
            select(UserAccount.username, UserAccount.id, UserAccount.pcn_id).where(
                UserAccount.username.in_({p.username for p in pending if p.username})
            )
        )
    }
    for attempt in pending:
        user_id, pcn_id = accounts_named.get(attempt.username or "", (None, None))
        action, detail = _pending_event(attempt)
        entity = "database" if attempt.refusal is Refusal.WRONG_RECOVERY_KEY else "user_account"
        audit.record(session, None, action, entity, user_id, detail, username=attempt.username, pcn_id=pcn_id)
    actor = signing_in.sign_in_with_slot(session, username, password)
    return actor, signing_in.must_change_password(session, actor)


def _pending_event(attempt: PendingFailure) -> tuple[str, str]:
    """The audit action and detail of an attempt refused while the database was closed."""
    when = f"attempted {attempt.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    unknown = f"; {signing_in.unknown_name_detail(attempt.name_tag)}" if attempt.name_tag else ""
    if attempt.refusal is Refusal.WRONG_RECOVERY_KEY:
        return "recovery_key_refused", when
    if attempt.refusal is Refusal.THROTTLED:
        return (
            "sign_in_throttled",
            f"{when}: too soon after earlier failures; the password was not checked{unknown}",
        )
    if attempt.refusal is Refusal.UNKNOWN_NAME:
        name = (
            signing_in.unknown_name_detail(attempt.name_tag)
            if attempt.name_tag
            else "user name not recognised"
        )
        return "sign_in_failed", f"{when}: {name}"
    return "sign_in_failed", f"{when}: wrong password"


def _record_wrong_recovery_key(session: Session) -> None:
    audit.record(session, None, "recovery_key_refused", "database", None)
