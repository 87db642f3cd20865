"""Signing in and out: the password checked (or proved by the key slot it opened), tries throttled,
every attempt audited, the signed-in user's actor. Account management is services.users.

Throttling (domain.accounts) works the same for a user name that exists and one that does not,
so neither the words nor the waits say which names exist. Here, for a database opened without a
password (a shared server, or a file whose older key copy is still kept), an account's tries are
counted in its own row (``failed_sign_ins``, and ``locked_until`` as the time before which no try
is taken); a name that matches no account is counted from the audit trail, where its failures
are kept under a tag of the name (key_slots.name_tag), never the text typed. A database kept in
key slots is throttled in its slot file before it opens (services.access).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from linkworker.domain import accounts, passwords
from linkworker.domain.accounts import Attempts
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import key_custody
from linkworker.services.errors import WRONG, SignInFailed, SignInThrottled
from linkworker.store.key_slots import name_tag, normalised_name
from linkworker.store.models import AuditEvent, UserAccount, utc_now

DEACTIVATED = "This account has been deactivated. Ask your PCN's administrator."

# Verifying against this when the user does not exist keeps the time the same either way,
# so timing does not reveal which user names exist.
_DUMMY_HASH = passwords.hash_password("not a real password, only for timing")


def wrong_password(after: Attempts, now: datetime) -> SignInFailed:
    """The refusal of a wrong password (or a name that matches no account), saying when the next
    try is allowed once a wait has begun: the same words for a name that exists and one that
    does not."""
    waiting = after.waiting_until(now)
    if waiting is None:
        return SignInFailed(WRONG)
    return SignInThrottled(waiting, f"{WRONG} {accounts.try_again_after(waiting)}")


def unknown_name_detail(tag: str) -> str:
    """The audit detail of a failure with a name that matches no account: its tag, so repeated
    tries with one name show as one, and never the text typed (it may be a password)."""
    return f"user name not recognised (tag {tag})"


def throttled_detail(not_before: datetime) -> str:
    return f"next try allowed at {not_before.astimezone(UTC):%H:%M:%S} UTC; the password was not checked"


def _actor(user: UserAccount) -> Actor:
    return Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id)


def sign_in(session: Session, username: str, password: str) -> Actor:
    """The actor for a correct user name and password; ``SignInFailed`` with a plain reason if not,
    ``SignInThrottled`` for a try made too soon after earlier failures.

    For a database opened without a password (a shared server, or a file whose older key copy
    is still kept): the password is checked here, and the user's key slot written if missing.
    """
    name = normalised_name(username)
    tag = name_tag(name, _name_salt(session))  # for every name, so the time taken is the same
    user = _account_named(session, name)
    now = utc_now()
    attempts = _attempts_of(session, user, tag, now)
    waiting = attempts.waiting_until(now)
    if waiting is not None:
        _record_refusal(session, user, tag, "sign_in_throttled", throttled_detail(waiting))
        raise _refused(session, SignInThrottled(waiting))
    if user is None:
        passwords.verify(_DUMMY_HASH, password)
        _record_refusal(session, None, tag, "sign_in_failed", None)
        raise _refused(session, wrong_password(attempts.after_failure(now), now))
    if not passwords.verify(user.password_hash, password):
        after = attempts.after_failure(now)
        _keep_books(session, user, failed_sign_ins=after.failures, locked_until=after.not_before)
        _record_refusal(session, user, tag, "sign_in_failed", "wrong password")
        raise _refused(session, wrong_password(after, now))
    _refuse_inactive(session, user)
    key_custody.ensure_user_slot(session, user.username, password)
    return _signed_in(session, user, password, now)


def sign_in_with_slot(session: Session, username: str, password: str) -> Actor:
    """The actor for a user whose password has just opened their key slot (and so the
    database): it proves the password, and the slot file has already throttled the try. The
    database's copy of the hash is brought in line if it differs (after a restore, a password
    changed since the backup). It is checked only when the slot file does not already know it
    was made with the slot's password: each check is one more Argon2id derivation, and 19 MiB
    the process keeps (benchmarks/start.py)."""
    name = normalised_name(username)
    user = _account_named(session, name)
    if user is None or not user.active:
        key_custody.remove_user_slot(session, name)  # a slot left behind must not open the data
    if user is None:
        audit.record(session, None, "sign_in_failed", "user_account", None, "a key slot with no account")
        raise _refused(session, SignInFailed(WRONG))
    _refuse_inactive(session, user)
    stored = user.password_hash
    if not key_custody.slot_written_with(session, name, stored):
        if not passwords.verify(stored, password):
            stored = passwords.hash_password(password)
            _keep_books(session, user, password_hash=stored)
            audit.record(
                session,
                None,
                "password_hash_realigned",
                "user_account",
                user.id,
                username=user.username,
                pcn_id=user.pcn_id,
            )
        key_custody.note_slot_hash(session, name, stored)
    if passwords.needs_rehash(stored):  # here, not in _signed_in, so the slot learns the new id
        stored = passwords.hash_password(password)
        _keep_books(session, user, password_hash=stored)
        key_custody.note_slot_hash(session, name, stored)
    return _signed_in(session, user, password, utc_now())


def must_change_password(session: Session, actor: Actor) -> bool:
    """Whether the signed-in user must choose their own password before reaching the records
    (an administrator set the one they signed in with)."""
    return bool(
        session.scalar(select(UserAccount.must_change_password).where(UserAccount.id == actor.user_id))
    )


def _account_named(session: Session, name: str) -> UserAccount | None:
    """The account a name typed is, if any; text no user name could be (a NUL byte, a page of
    text) is not sent to the database."""
    if not accounts.could_be_username(name):
        return None
    return session.scalar(select(UserAccount).where(UserAccount.username == name))


def _name_salt(session: Session) -> bytes:
    """This database's salt for name tags: the seal of its first audit event, random to an
    outsider, the same for as long as the trail (which only grows) exists."""
    first = session.scalar(select(AuditEvent.chain_hash).order_by(AuditEvent.id).limit(1))
    return f"linkworker name tags {first or ''}".encode()


def _attempts_of(session: Session, user: UserAccount | None, tag: str, now: datetime) -> Attempts:
    """An account's failed tries in a row are kept on its row; those with a name that matches no
    account are the failures under its tag in the audit trail of the last day."""
    if user is not None:
        return Attempts(user.failed_sign_ins, user.locked_until).in_force(now)
    times = session.scalars(
        select(AuditEvent.occurred_at)
        .where(
            AuditEvent.action == "sign_in_failed",
            AuditEvent.occurred_at >= now - accounts.FORGOTTEN_AFTER - max(accounts.WAITS),
            AuditEvent.user_id.is_(None),
            AuditEvent.detail == unknown_name_detail(tag),
        )
        .order_by(AuditEvent.occurred_at)
    )
    return accounts.attempts_from(times).in_force(now)


def _record_refusal(
    session: Session, user: UserAccount | None, tag: str, action: str, detail: str | None
) -> None:
    """Audit a refused attempt: under the account when the name matches one, else under the
    name's tag."""
    if user is None:
        tagged = unknown_name_detail(tag)
        audit.record(session, None, action, "user_account", None, f"{detail}; {tagged}" if detail else tagged)
        return
    audit.record(
        session, None, action, "user_account", user.id, detail, username=user.username, pcn_id=user.pcn_id
    )


def _refuse_inactive(session: Session, user: UserAccount) -> None:
    """Said only to someone who typed the right password, so it tells a guesser nothing."""
    if not user.active:
        audit.record(
            session,
            None,
            "sign_in_failed",
            "user_account",
            user.id,
            "account deactivated",
            username=user.username,
            pcn_id=user.pcn_id,
        )
        raise _refused(session, SignInFailed(DEACTIVATED))


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


def _refused(session: Session, refusal: SignInFailed) -> SignInFailed:
    """Commit the refused attempt (its count, its audit event) before raising: the caller's unit
    of work rolls back on the error, which would otherwise undo both."""
    session.commit()
    return refusal


def sign_out(session: Session, actor: Actor, reason: str | None = None) -> None:
    """Closing the window or signing out ends the session in the audit trail too; ``reason``
    when it was not the user's choice."""
    audit.record(session, actor, "sign_out", "user_account", actor.user_id, reason)
