"""Backups of the local encrypted database and putting one back, by administrators only.

A backup is made with SQLite's online backup API (a consistent copy even of a live WAL
database), checked before and after, encrypted with the same key, and written with a copy of
the key slots beside it: it opens with the same passwords and recovery key, and nothing else.

A restore needs an administrator's sign-in or the recovery key. It checks the backup whole
before touching anything, keeps the current file aside as a safety copy, puts the backup in
through SQLite under an exclusive lock, brings its schema up to this version and its key slots
in line with its users. On a new PC (no current database) the backup's own key slots say who
may restore it.

A shared PostgreSQL database is backed up and restored on the server with pg_dump instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.roles import Permission, Role
from linkworker.services import audit
from linkworker.services.access import WRONG, DataAccess
from linkworker.services.actor import Actor
from linkworker.services.errors import PermissionDenied, ServiceError, SignInFailed
from linkworker.store import migrations, recovery_code, sqlite_backup
from linkworker.store.database import Database, open_sqlite_with_key
from linkworker.store.database_key import DatabaseKey
from linkworker.store.errors import CorruptDatabase, SchemaTooNew
from linkworker.store.key_slots import KeySlots, Refusal, path_for
from linkworker.store.models import AuditEvent, UserAccount, utc_now
from linkworker.store.private_files import is_new_file

STAMP = "%Y%m%dT%H%M%SZ"
_STAMP_PATTERN = r"\d{8}T\d{6}Z"
SERVER_BACKUPS = (
    "A shared PostgreSQL database is backed up and restored on the server with pg_dump "
    "(see docs/deployment.md), not by Linkworker."
)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    key_slots: Path | None  # the slot file copied beside it; None for a database without slots yet
    size_bytes: int
    schema_revision: str
    removed: int  # older backups of this database deleted to keep the number asked for


@dataclass(frozen=True)
class RestoreResult:
    backup_file: Path
    safety_copy: Path | None  # the database as it was before, None where there was none
    records_as_of: datetime  # the latest change in the backup (or when it was made)
    schema_before: str  # the backup's schema revision
    schema_after: str  # after the upgrade to this version
    slots_removed: tuple[str, ...]  # users not active in the restored records: their slots went
    users_without_slot: tuple[str, ...]  # active users whose password needs resetting


# Backing up


def back_up(
    database: Database, actor: Actor, folder: Path, *, keep: int | None = None, now: datetime | None = None
) -> BackupResult:
    """Copy the database into ``folder`` as <name>-<UTC time>.db with its key slots beside it;
    with ``keep``, then delete this database's oldest backups there beyond that many."""
    actor.require(Permission.ADMINISTER)
    source, key, slots = _local_file(database)
    if keep is not None and keep < 1:
        raise ServiceError("Keep at least one backup.")
    target = folder.expanduser() / f"{source.stem}-{(now or datetime.now(UTC)).strftime(STAMP)}.db"
    slots_copy = path_for(target)
    if target.exists() or slots_copy.exists():
        raise ServiceError(f"{target} already exists; wait a second and try again.")
    _check_before_backup(source, key)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    sqlite_backup.backup(source, key.hex, target)
    try:
        revision = _checked_copy(target, key)
        if slots.exists():
            slots.copy_to(slots_copy)
        with database.session() as session:
            audit.record(session, actor, "backup_made", "database", None, target.name)
    except BaseException:
        target.unlink(missing_ok=True)
        slots_copy.unlink(missing_ok=True)
        raise
    removed = _remove_oldest(target.parent, source.stem, keep) if keep else 0
    return BackupResult(
        target, slots_copy if slots.exists() else None, target.stat().st_size, revision, removed
    )


def _local_file(database: Database) -> tuple[Path, DatabaseKey, KeySlots]:
    location = database.location
    if location.sqlite_file is None or location.key is None or location.slots is None:
        raise ServiceError(SERVER_BACKUPS)
    return location.sqlite_file, location.key, location.slots


def _check_before_backup(source: Path, key: DatabaseKey) -> None:
    try:
        sqlite_backup.check(source, key.hex)
    except CorruptDatabase:
        raise CorruptDatabase(
            f"The database {source} is damaged (SQLite's check found faults in it), so no backup was "
            "made: a copy would carry the damage. Restore the latest good backup, and keep the "
            "damaged file until the restore is done."
        ) from None


def _checked_copy(target: Path, key: DatabaseKey) -> str:
    try:
        sqlite_backup.check(target, key.hex)
    except CorruptDatabase:
        raise CorruptDatabase(
            f"The backup written to {target} failed its check, so it was deleted. The disk may be "
            "failing: try another folder or disk."
        ) from None
    return sqlite_backup.schema_revision(target, key.hex)


def backups_of(folder: Path, stem: str) -> list[Path]:
    """This database's backups in ``folder`` (named <stem>-<UTC time>.db), oldest first."""
    pattern = re.compile(rf"{re.escape(stem)}-{_STAMP_PATTERN}\.db")
    return sorted(path for path in folder.iterdir() if pattern.fullmatch(path.name) and path.is_file())


def _remove_oldest(folder: Path, stem: str, keep: int) -> int:
    old = backups_of(folder, stem)[:-keep]
    for backup_file in old:
        backup_file.unlink()
        path_for(backup_file).unlink(missing_ok=True)
    return len(old)


# Restoring


@dataclass(frozen=True)
class _Authority:
    """The key a sign-in or the recovery key gave, and whose it is."""

    key: DatabaseKey
    username: str | None  # None: the recovery key
    admin_in_backup_needed: bool  # the current records could not say the user is an administrator


@dataclass(frozen=True)
class _Secret:
    """What was typed: a user's password or the recovery key."""

    username: str | None
    password: str | None
    recovery: bytes | None

    def unlock(self, slots: KeySlots) -> bytes | None:
        if self.recovery is not None:
            return slots.unlock_recovery(self.recovery)
        assert self.username is not None and self.password is not None
        return slots.unlock_user(self.username, self.password)


def restore(
    access: DataAccess,
    backup_file: Path,
    *,
    username: str | None = None,
    password: str | None = None,
    recovery_code: str | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Put ``backup_file`` back as this installation's database, signed in as an administrator
    or with the recovery key. Nothing changes unless the backup is whole and of this database."""
    if access.database_url:
        raise ServiceError(SERVER_BACKUPS)
    database_file = access.sqlite_file.expanduser()
    backup_file = backup_file.expanduser()
    _refuse_not_a_file(backup_file, database_file)
    secret = _secret(username, password, recovery_code)
    had_database = not is_new_file(database_file)
    authority = _authority(access, backup_file, secret, had_database)
    schema_before = sqlite_backup.open_copy(backup_file, authority.key.hex)
    _refuse_unknown_schema(backup_file, schema_before)
    records_as_of = _read_backup(backup_file, authority)
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    safety = None
    if had_database:
        safety = database_file.with_name(f"{database_file.stem}.before-restore-{stamp}.db")
        _swap_in(access, backup_file, authority.key, safety)
    else:
        sqlite_backup.put_in_place(backup_file, authority.key.hex, database_file)
    _bring_slots(access.slots, KeySlots(path_for(backup_file)), secret, authority.key, had_database, stamp)
    restored = open_sqlite_with_key(database_file, authority.key)
    try:
        with restored.session() as session:
            removed, without = _align_slots(session, access.slots)
            _record_restore(session, authority.username, backup_file.name)
            schema_after = migrations.current_revision(session.connection()) or ""
    finally:
        restored.dispose()
    return RestoreResult(backup_file, safety, records_as_of, schema_before, schema_after, removed, without)


def _refuse_not_a_file(backup_file: Path, database_file: Path) -> None:
    if not backup_file.is_file():
        raise ServiceError(f"There is no backup file {backup_file}.")
    if database_file.exists() and backup_file.resolve() == database_file.resolve():
        raise ServiceError(f"{backup_file} is the database itself, not a backup of it.")


def _secret(username: str | None, password: str | None, code: str | None) -> _Secret:
    if code is not None:
        try:
            return _Secret(None, None, recovery_code.parse_code(code))
        except recovery_code.NotARecoveryCode as error:
            raise SignInFailed(str(error)) from None
    if not username or password is None:
        raise SignInFailed("Sign in as an administrator, or give the recovery key, to restore a backup.")
    return _Secret(username.strip().lower(), password, None)


def _authority(access: DataAccess, backup_file: Path, secret: _Secret, had_database: bool) -> _Authority:
    """A password is checked by signing in to the current database; where there is none, or it
    is too damaged to open, the password must open a slot and the backup must know its owner as
    an active administrator. The recovery key opens the current slots, or on a new PC the
    backup's own."""
    if secret.recovery is None and had_database:
        assert secret.username is not None and secret.password is not None
        try:
            signed_in = access.sign_in(secret.username, secret.password)
        except CorruptDatabase:
            pass  # the current records cannot be read: the backup's say who is an administrator
        else:
            try:
                signed_in.actor.require(Permission.ADMINISTER)
                key = signed_in.database.location.key
            finally:
                access.release(signed_in)
            if key is None:
                raise ServiceError(SERVER_BACKUPS)
            return _Authority(key, signed_in.actor.username, admin_in_backup_needed=False)
    current = had_database and access.slots.exists()
    slots = access.slots if current else KeySlots(path_for(backup_file))
    if not slots.exists():
        raise ServiceError(
            f"The key slots of the backup ({slots.file.name}) are not beside it: copy them there "
            "from the same backup folder."
        )
    raw = _unlock_throttled(access, secret) if current else secret.unlock(slots)
    if raw is None:
        if secret.recovery is not None:
            raise SignInFailed("That recovery key does not open this database or this backup.")
        raise SignInFailed(WRONG)
    return _Authority(
        DatabaseKey.from_slot(raw), secret.username, admin_in_backup_needed=secret.recovery is None
    )


def _unlock_throttled(access: DataAccess, secret: _Secret) -> bytes | None:
    """The current slots keep their throttling and their record of refusals: a restore is no
    way round either. A password goes through the sign-in's own gate; a wrong recovery key is
    kept for the audit trail as the sign-in window's are."""
    if secret.recovery is not None:
        raw = access.slots.unlock_recovery(secret.recovery)
        if raw is None:
            access.slots.note_refusal(Refusal.WRONG_RECOVERY_KEY, utc_now())
        return raw
    assert secret.username is not None and secret.password is not None
    return access.unlock_with_password(secret.username, secret.password)


def _refuse_unknown_schema(backup_file: Path, revision: str) -> None:
    scripts = ScriptDirectory.from_config(migrations.alembic_config())
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise SchemaTooNew(
            f"{backup_file} was made by a newer version of Linkworker (schema {revision}): install "
            "that version or newer to restore it. Nothing was changed."
        )


def _read_backup(backup_file: Path, authority: _Authority) -> datetime:
    """When the backup's records were last changed; refuses a user who is not an active
    administrator in it, where the current records could not say so."""
    engine = sqlite_backup.read_only_engine(backup_file, authority.key.hex)
    try:
        with Session(engine) as session:
            if authority.admin_in_backup_needed:
                _require_admin(session, authority.username)
            latest = session.scalar(select(func.max(AuditEvent.occurred_at)))
    finally:
        engine.dispose()
    return latest or _stamp_of(backup_file)


def _require_admin(session: Session, username: str | None) -> None:
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if user is None or not user.active:
        raise SignInFailed(f"{username} is not an active user in this backup, so cannot restore it.")
    if Role(user.role) is not Role.ADMIN:
        raise PermissionDenied(Role(user.role), Permission.ADMINISTER)


def _stamp_of(backup_file: Path) -> datetime:
    """When a backup was made, from its name, or failing that its file's time."""
    found = re.search(_STAMP_PATTERN, backup_file.name)
    if found:
        return datetime.strptime(found.group(), STAMP).replace(tzinfo=UTC)
    return datetime.fromtimestamp(backup_file.stat().st_mtime, UTC)


def _swap_in(access: DataAccess, backup_file: Path, key: DatabaseKey, safety: Path) -> None:
    """Keep the current file and its key slots as the safety copy, then put the backup in."""
    slots_copy = path_for(safety)
    if access.slots.exists():
        access.slots.copy_to(slots_copy)
    try:
        sqlite_backup.restore(backup_file, key.hex, access.sqlite_file.expanduser(), safety)
    except BaseException:
        slots_copy.unlink(missing_ok=True)
        raise


def _bring_slots(
    current: KeySlots, backups: KeySlots, secret: _Secret, key: DatabaseKey, had_database: bool, stamp: str
) -> None:
    """The current key slots stay where they hold this key. Where there are none, or they are
    another database's (left behind when their database was lost), the backup's come in; the
    other file is kept aside."""
    if current.exists() and (had_database or secret.unlock(current) == key.raw):
        return
    if current.exists():
        current.file.rename(current.file.with_name(f"{current.file.name}.before-restore-{stamp}"))
    if backups.exists():
        backups.copy_to(current.file)


def _align_slots(session: Session, slots: KeySlots) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Remove the slots of users not active in the restored records (deactivated since, or
    created after the backup); name the active users who have no slot."""
    active = set(session.scalars(select(UserAccount.username).where(UserAccount.active.is_(True))))
    if not slots.exists():
        return (), tuple(sorted(active))
    removed = slots.keep_only_users(active)
    return tuple(removed), tuple(sorted(active - slots.usernames()))


def _record_restore(session: Session, username: str | None, backup_name: str) -> None:
    user = session.scalar(select(UserAccount).where(UserAccount.username == username)) if username else None
    actor = Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id) if user else None
    audit.record(session, actor, "database_restored", "database", None, backup_name, username=username)
