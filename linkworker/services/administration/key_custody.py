"""Who holds the database key: each user's slot, the recovery key, and retiring the old clear copy.

Every change of a password writes the user's slot in the same unit of work (if the slot cannot
be written, the password is not changed); deactivating a user removes theirs. Only an
administrator makes a new recovery key or retires the key copy an older version kept, and both
are audited. A shared PostgreSQL database has no slots: the server holds the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain import passwords
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import ServiceError
from linkworker.store import database_key, recovery_code
from linkworker.store.database import Location
from linkworker.store.database_key import DatabaseKey
from linkworker.store.key_slots import KeySlots
from linkworker.store.models import UserAccount


def _location(session: Session) -> Location | None:
    location = session.info.get("location")
    return location if isinstance(location, Location) else None


def _slots(session: Session) -> tuple[KeySlots, DatabaseKey] | None:
    """The open file's slots and key; None on a shared server (or a session without them)."""
    location = _location(session)
    if location is None or location.slots is None or location.key is None:
        return None
    return location.slots, location.key


def write_user_slot(session: Session, username: str, password: str) -> None:
    """Wrap the key under ``username``'s new password (and clear their failed attempts), with
    the id of the account's stored hash, which the caller has just made from the same password."""
    held = _slots(session)
    if held is not None:
        slots, key = held
        slots.put_user(username, password, key.raw, hash_id=_stored_hash_id(session, username))


def slot_written_with(session: Session, username: str, password_hash: str) -> bool:
    """Whether ``username``'s slot is known to have the password ``password_hash`` was made
    from: if so, a password that opened the slot needs no second check against the hash."""
    held = _slots(session)
    if held is None:
        return False
    known = held[0].password_hash_id(username)
    return bool(known) and known == passwords.hash_id(password_hash)


def note_slot_hash(session: Session, username: str, password_hash: str) -> None:
    """Keep, beside ``username``'s slot, that ``password_hash`` is of the password that has
    just opened it (a sign-in with the slot checked it, or stored it anew)."""
    held = _slots(session)
    if held is not None and (identity := passwords.hash_id(password_hash)):
        held[0].note_password_hash_id(username, identity)


def _stored_hash_id(session: Session, username: str) -> str | None:
    stored = session.scalar(select(UserAccount.password_hash).where(UserAccount.username == username))
    return passwords.hash_id(stored or "") or None


def ensure_user_slot(session: Session, username: str, password: str) -> None:
    """After a sign-in checked against the database (an older installation's key copy still in
    use): write the user's slot unless it already opens with this password."""
    held = _slots(session)
    if held is None:
        return
    slots, key = held
    if slots.unlock_user(username, password) != key.raw:
        slots.put_user(username, password, key.raw, hash_id=_stored_hash_id(session, username))


def remove_user_slot(session: Session, username: str) -> None:
    held = _slots(session)
    if held is not None:
        held[0].remove_user(username)


def _require_file(session: Session, actor: Actor) -> tuple[KeySlots, DatabaseKey]:
    actor.require(Permission.ADMINISTER)
    held = _slots(session)
    if held is None:
        raise ServiceError(
            "A shared PostgreSQL database has no key slots or recovery key: the server holds the "
            "data, and IT keeps its accounts and backups (see docs/deployment.md)."
        )
    return held


def make_recovery_key(session: Session, actor: Actor, code: str | None = None) -> str:
    """A new recovery key, to be shown once; the previous one opens nothing any more.

    ``code`` is one made beforehand with ``recovery_code.new_code`` (so a command can write it
    to its file before the old key is retired)."""
    slots, key = _require_file(session, actor)
    code = code or recovery_code.new_code()
    slots.put_recovery(recovery_code.parse_code(code), key.raw)
    audit.record(session, actor, "recovery_key_made", "database", None)
    return code


def first_recovery_key(session: Session) -> str | None:
    """The recovery key of a database being set up (wizard or demo), before anyone has signed
    in; None on a shared server, which has none."""
    held = _slots(session)
    if held is None:
        return None
    slots, key = held
    code = recovery_code.new_code()
    slots.put_recovery(recovery_code.parse_code(code), key.raw)
    audit.record(session, None, "recovery_key_made", "database", None)
    return code


@dataclass(frozen=True)
class KeyCustody:
    """What is left before the database key is kept only wrapped, for the administrator."""

    shared_server: bool
    legacy_copy: str | None  # where an older version's clear copy still is, if anywhere
    users_without_slot: tuple[str, ...]  # active users who have not signed in since the upgrade
    recovery_key_made: bool

    @property
    def ready_to_retire(self) -> bool:
        return self.legacy_copy is not None and not self.users_without_slot and self.recovery_key_made

    def to_do(self) -> list[str]:
        """Plain steps still to take, in order; empty when nothing is left."""
        steps: list[str] = []
        if self.shared_server:
            return steps
        if not self.recovery_key_made:
            steps.append("Make a recovery key and keep it apart from this PC and its backups.")
        if self.legacy_copy is not None and self.users_without_slot:
            names = ", ".join(self.users_without_slot)
            steps.append(
                f"These users have not signed in since the upgrade: {names}. Each needs to sign in "
                "once (or have their password reset) before the old key copy can go."
            )
        if self.ready_to_retire:
            steps.append(f"Remove the old copy of the database key ({self.legacy_copy}).")
        return steps


def custody(session: Session, actor: Actor) -> KeyCustody:
    actor.require(Permission.ADMINISTER)
    held = _slots(session)
    if held is None:
        return KeyCustody(True, None, (), True)
    slots, key = held
    with_slots = slots.usernames()
    active = session.scalars(select(UserAccount.username).where(UserAccount.active.is_(True)))
    missing = tuple(sorted(name for name in active if name not in with_slots))
    location = _location(session)
    assert location is not None and location.sqlite_file is not None
    legacy = None
    if database_key.legacy_copy_left(location.sqlite_file, key):
        legacy = f"the file {key.key_file}" if key.key_file else f"the {key.origin.value}"
    return KeyCustody(False, legacy, missing, slots.has_recovery())


def retire_legacy_copy(session: Session, actor: Actor) -> None:
    """Delete an older version's clear copy of the key, once nobody would be locked out by it."""
    _slots, key = _require_file(session, actor)
    state = custody(session, actor)
    if not state.ready_to_retire:
        raise ServiceError(" ".join(state.to_do()) or "There is no old key copy to remove.")
    location = _location(session)
    assert location is not None and location.sqlite_file is not None
    database_key.remove_legacy(location.sqlite_file, key)
    audit.record(session, actor, "legacy_key_removed", "database", None, key.origin.value)
