"""Managing user accounts: create, deactivate, reset and change passwords. Passwords are hashed
with Argon2id, never kept in clear; signing in is services.signing_in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain import accounts, passwords
from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Permission, Role
from linkworker.services import audit, key_custody
from linkworker.services.actor import Actor
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import UserAccount


@dataclass(frozen=True)
class UserSummary:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    last_sign_in_at: datetime | None
    version: int


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    role: Role
    password: str


def _summary(user: UserAccount) -> UserSummary:
    return UserSummary(
        user.id,
        user.username,
        user.full_name,
        Role(user.role),
        user.active,
        user.last_sign_in_at,
        user.version_id,
    )


def list_users(session: Session, actor: Actor) -> list[UserSummary]:
    actor.require(Permission.ADMINISTER)
    users = session.scalars(
        select(UserAccount).where(UserAccount.pcn_id == actor.pcn_id).order_by(UserAccount.username)
    )
    return [_summary(user) for user in users]


def create_user(session: Session, actor: Actor, new: NewUser) -> UserSummary:
    actor.require(Permission.ADMINISTER)
    return _insert_user(session, actor, actor.pcn_id, new)


def _checked_new_user(new: NewUser) -> NewUser:
    """The new user's details as they will be stored, or the first rule they break."""
    username = accounts.parse_username(new.username)
    full_name = accounts.parse_full_name(new.full_name)
    passwords.check_new(new.password, username)
    return NewUser(username, full_name, Role(new.role), new.password)


def _insert_user(
    session: Session, actor: Actor | None, pcn_id: int, new: NewUser, *, administers_server: bool = False
) -> UserSummary:
    """Add the account, its key slot and its audit event; ``administers_server`` for the
    set-up wizard's first administrator, who sees every PCN's trail on a shared server."""
    new = _checked_new_user(new)
    taken = session.scalar(select(func.count()).where(UserAccount.username == new.username))
    if taken:
        raise ValidationError("username", f"The user name {new.username} is already taken.")
    user = UserAccount(
        pcn_id=pcn_id,
        username=new.username,
        full_name=new.full_name,
        role=new.role.value,
        password_hash=passwords.hash_password(new.password),
        administers_server=administers_server,
    )
    session.add(user)
    session.flush()
    key_custody.write_user_slot(session, new.username, new.password)
    audit.record(
        session,
        actor,
        "user_created",
        "user_account",
        user.id,
        f"role={user.role}",
        username=new.username,
        pcn_id=pcn_id,
    )
    return _summary(user)


def _editable(session: Session, actor: Actor, user_id: int, version: int) -> UserAccount:
    actor.require(Permission.ADMINISTER)
    user = session.get(UserAccount, user_id)
    if user is None or user.pcn_id != actor.pcn_id:
        raise NotFound("That user no longer exists.")
    if user.version_id != version:
        raise StaleEdit("user account")
    return user


def set_active(session: Session, actor: Actor, user_id: int, version: int, active: bool) -> UserSummary:
    user = _editable(session, actor, user_id, version)
    if not active and user.id == actor.user_id:
        raise ValidationError("active", "You cannot deactivate your own account.")
    if not active and Role(user.role) is Role.ADMIN and _active_admins(session, actor.pcn_id) <= 1:
        raise ValidationError("active", "This is the last active administrator; add another first.")
    user.active = active
    session.flush()
    if not active:
        key_custody.remove_user_slot(session, user.username)
    audit.record(session, actor, "user_activated" if active else "user_deactivated", "user_account", user.id)
    return _summary(user)


def reset_password(session: Session, actor: Actor, user_id: int, version: int, password: str) -> UserSummary:
    user = _editable(session, actor, user_id, version)
    passwords.check_new(password, user.username)
    user.password_hash = passwords.hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    session.flush()
    key_custody.write_user_slot(session, user.username, password)
    audit.record(session, actor, "password_reset", "user_account", user.id)
    return _summary(user)


def reset_with_recovery_key(session: Session, username: str, password: str) -> str:
    """Set ``username``'s password after the recovery key opened the database (no one is
    signed in: the key holder is); their lockout is lifted and the reset audited."""
    name = (username or "").strip().lower()
    user = session.scalar(select(UserAccount).where(UserAccount.username == name))
    if user is None:
        raise ValidationError("username", "No account has that user name.")
    passwords.check_new(password, user.username)
    user.password_hash = passwords.hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    session.flush()
    key_custody.write_user_slot(session, user.username, password)
    audit.record(
        session, None, "password_reset_with_recovery_key", "user_account", user.id, username=user.username
    )
    return user.username


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> None:
    user = session.get(UserAccount, actor.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    if not passwords.verify(user.password_hash, current):
        raise ValidationError("current_password", "Your current password is not right.")
    passwords.check_new(new, user.username, field="new_password")
    user.password_hash = passwords.hash_password(new)
    key_custody.write_user_slot(session, user.username, new)
    audit.record(session, actor, "password_changed", "user_account", user.id)


def _active_admins(session: Session, pcn_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                UserAccount.pcn_id == pcn_id,
                UserAccount.role == Role.ADMIN.value,
                UserAccount.active.is_(True),
            )
        )
        or 0
    )
