"""Managing user accounts: create, edit, deactivate and reactivate them, reset and change
passwords. Passwords are hashed with Argon2id, never kept in clear, and every one set here meets
the NCSC-style rule of domain.passwords (with the user's names and their PCN's name). A password
an administrator chose must be changed at the next sign-in; one the user chose need not.
Signing in is services.signing_in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain import accounts, passwords
from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Permission, Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import key_custody
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import Pcn, UserAccount


@dataclass(frozen=True)
class UserSummary:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    last_sign_in_at: datetime | None
    version: int
    must_change_password: bool


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    role: Role
    password: str


@dataclass(frozen=True)
class AccountChange:
    """An administrator's edit of an account.

    A new user name comes with a temporary password (for an active account). The user's key
    slot, which wraps the database key under their password, has the user name bound in as
    AES-GCM associated data (store/key_slots.py), so it cannot be renamed, and without the
    password no new slot can be written: the administrator gives the person their new name and
    a new password together, and the person chooses their own at the next sign-in. The rule is
    the same on a shared server, which has no slots, so an administrator learns only one.
    """

    username: str
    full_name: str
    role: Role
    temporary_password: str = ""


def _summary(user: UserAccount) -> UserSummary:
    return UserSummary(
        user.id,
        user.username,
        user.full_name,
        Role(user.role),
        user.active,
        user.last_sign_in_at,
        user.version_id,
        user.must_change_password,
    )


def list_users(session: Session, actor: Actor) -> list[UserSummary]:
    actor.require(Permission.ADMINISTER)
    users = session.scalars(
        select(UserAccount).where(UserAccount.pcn_id == actor.pcn_id).order_by(UserAccount.username)
    )
    return [_summary(user) for user in users]


def create_user(session: Session, actor: Actor, new: NewUser) -> UserSummary:
    """Add an account whose password the administrator chose: it must be changed at first sign-in."""
    actor.require(Permission.ADMINISTER)
    return _insert_user(session, actor, actor.pcn_id, new, must_change_password=True)


def _checked_new_user(new: NewUser, pcn_name: str = "") -> NewUser:
    """The new user's details as they will be stored, or the first rule they break."""
    username = accounts.parse_username(new.username)
    full_name = accounts.parse_full_name(new.full_name)
    passwords.check_new(new.password, username, full_name=full_name, pcn_name=pcn_name)
    return NewUser(username, full_name, Role(new.role), new.password)


def _pcn_name(session: Session, pcn_id: int) -> str:
    pcn = session.get(Pcn, pcn_id)
    return pcn.name if pcn is not None else ""


def _insert_user(
    session: Session,
    actor: Actor | None,
    pcn_id: int,
    new: NewUser,
    *,
    administers_server: bool = False,
    must_change_password: bool = False,
) -> UserSummary:
    """Add the account, its key slot and its audit event; ``administers_server`` for the
    set-up wizard's first administrator, who sees every PCN's trail on a shared server and,
    having chosen their own password, need not change it."""
    new = _checked_new_user(new, _pcn_name(session, pcn_id))
    _refuse_taken(session, new.username)
    user = UserAccount(
        pcn_id=pcn_id,
        username=new.username,
        full_name=new.full_name,
        role=new.role.value,
        password_hash=passwords.hash_password(new.password),
        administers_server=administers_server,
        must_change_password=must_change_password,
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


def _refuse_taken(session: Session, username: str) -> None:
    if session.scalar(select(func.count()).where(UserAccount.username == username)):
        raise ValidationError("username", f"The user name {username} is already taken.")


def _editable(session: Session, actor: Actor, user_id: int, version: int) -> UserAccount:
    actor.require(Permission.ADMINISTER)
    user = session.get(UserAccount, user_id)
    if user is None or user.pcn_id != actor.pcn_id:
        raise NotFound("That user no longer exists.")
    if user.version_id != version:
        raise StaleEdit("user account")
    return user


def _set_password(
    session: Session, user: UserAccount, password: str, *, by_owner: bool, field: str = "password"
) -> None:
    """Check ``password`` against the rule and the account's names, then store its hash and
    (for an active account) its key slot; ends any wait after wrong passwords. A deactivated
    account keeps no slot: a slot would let its password unwrap the database key from a copy
    of the files."""
    pcn_name = _pcn_name(session, user.pcn_id)
    passwords.check_new(password, user.username, field, full_name=user.full_name, pcn_name=pcn_name)
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = not by_owner
    user.failed_sign_ins = 0
    user.locked_until = None
    session.flush()
    if user.active:
        key_custody.write_user_slot(session, user.username, password)
    else:
        key_custody.remove_user_slot(session, user.username)


def update_account(
    session: Session, actor: Actor, user_id: int, version: int, change: AccountChange
) -> UserSummary:
    """Change an account's user name, full name and role (and set a temporary password, which a
    new user name needs; see ``AccountChange``). Nobody changes their own role or user name,
    and the last active administrator stays one. Audited with the before and after of the user
    name and role (not patient data); a full name is said to have changed, not shown."""
    user = _editable(session, actor, user_id, version)
    username = accounts.parse_username(change.username)
    full_name = accounts.parse_full_name(change.full_name)
    role = Role(change.role)
    renamed = username != user.username
    _refuse_unsafe_edit(session, actor, user, renamed, role)
    if renamed:
        _refuse_taken(session, username)
        if user.active and not change.temporary_password:
            raise ValidationError(
                "password",
                "A new user name needs a new temporary password: the old password was tied to the "
                "old name. Give both to the person; they choose their own at their next sign-in.",
            )
    changes = _changes(user, username, full_name, role)
    if not changes and not change.temporary_password:
        return _summary(user)
    old_username = user.username
    user.username, user.full_name, user.role = username, full_name, role.value
    if change.temporary_password:
        _set_password(session, user, change.temporary_password, by_owner=False)
    session.flush()
    if renamed:
        key_custody.remove_user_slot(session, old_username)
    if changes:
        audit.record(session, actor, "user_updated", "user_account", user.id, "; ".join(changes))
    if change.temporary_password:
        audit.record(session, actor, "password_reset", "user_account", user.id)
    return _summary(user)


def _refuse_unsafe_edit(session: Session, actor: Actor, user: UserAccount, renamed: bool, role: Role) -> None:
    """Nobody changes their own role or user name (their signed-in session holds both), and
    the last active administrator of the PCN is never demoted."""
    if user.id == actor.user_id and role is not Role(user.role):
        raise ValidationError("role", "You cannot change your own role; another administrator can.")
    if user.id == actor.user_id and renamed:
        raise ValidationError("username", "You cannot change your own user name; another administrator can.")
    demoted = Role(user.role) is Role.ADMIN and role is not Role.ADMIN
    if demoted and user.active and _active_admins(session, user.pcn_id) <= 1:
        raise ValidationError(
            "role", "This is the last active administrator; make someone else an administrator first."
        )


def _changes(user: UserAccount, username: str, full_name: str, role: Role) -> list[str]:
    """What an edit changes, as the audit trail says it."""
    changes = []
    if username != user.username:
        changes.append(f"username {user.username} → {username}")
    if role.value != user.role:
        changes.append(f"role {user.role} → {role.value}")
    if full_name != user.full_name:
        changes.append("full name changed")
    return changes


def set_active(
    session: Session, actor: Actor, user_id: int, version: int, active: bool, *, temporary_password: str = ""
) -> UserSummary:
    """Deactivate an account (its key slot goes), or reactivate one with a temporary password:
    its slot went at deactivation, and someone back after a time away starts afresh."""
    user = _editable(session, actor, user_id, version)
    if not active and user.id == actor.user_id:
        raise ValidationError("active", "You cannot deactivate your own account.")
    if not active and Role(user.role) is Role.ADMIN and _active_admins(session, actor.pcn_id) <= 1:
        raise ValidationError("active", "This is the last active administrator; add another first.")
    if active and not temporary_password:
        raise ValidationError(
            "password",
            "Set a temporary password to reactivate this account; the person chooses their own "
            "at their next sign-in.",
        )
    user.active = active
    if active:
        _set_password(session, user, temporary_password, by_owner=False)
    session.flush()
    if not active:
        key_custody.remove_user_slot(session, user.username)
    audit.record(session, actor, "user_activated" if active else "user_deactivated", "user_account", user.id)
    if active:
        audit.record(session, actor, "password_reset", "user_account", user.id)
    return _summary(user)


def reset_password(session: Session, actor: Actor, user_id: int, version: int, password: str) -> UserSummary:
    """An administrator's new password for someone: it ends any wait after wrong passwords, and
    the person must change it at their next sign-in."""
    user = _editable(session, actor, user_id, version)
    _set_password(session, user, password, by_owner=False)
    audit.record(session, actor, "password_reset", "user_account", user.id)
    return _summary(user)


def reset_with_recovery_key(session: Session, username: str, password: str) -> str:
    """Set ``username``'s password after the recovery key opened the database (no one is
    signed in: the key holder is, usually the person themself, so it need not be changed
    again); any wait after wrong passwords ends and the reset is audited."""
    name = (username or "").strip().lower()
    user = session.scalar(select(UserAccount).where(UserAccount.username == name))
    if user is None:
        raise ValidationError("username", "No account has that user name.")
    _set_password(session, user, password, by_owner=True)
    audit.record(
        session, None, "password_reset_with_recovery_key", "user_account", user.id, username=user.username
    )
    return user.username


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> None:
    """The user's own new password: it must differ from the current one, so a password an
    administrator gave cannot be kept by typing it again."""
    user = session.get(UserAccount, actor.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    if not passwords.verify(user.password_hash, current):
        raise ValidationError("current_password", "Your current password is not right.")
    if passwords.verify(user.password_hash, new):
        raise ValidationError("new_password", "Choose a password different from your current one.")
    _set_password(session, user, new, by_owner=True, field="new_password")
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
