"""Bringing a database's schema up to this version's head with Alembic (scripts in db/).

Runs only when the database is behind. A SQLite file with data is copied aside first (online
backup, same key) so a failed upgrade can be undone by hand. A schema newer than this version
knows is refused: an older app must not write to a newer database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from linkworker.config import migrations_dir
from linkworker.store.database import Database, translate_errors
from linkworker.store.errors import CorruptDatabase, NotLinkworkerDatabase, SchemaTooNew
from linkworker.store.sqlite_backup import backup

POSTGRES_MIGRATION_LOCK = 7_146_120  # any constant shared by every Linkworker process


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def built_on(dialect: str) -> Callable[..., bool]:
    """An autogenerate filter that leaves out what the models build only on another dialect
    (an index marked ``ddl_if(dialect="postgresql")`` does not exist on SQLite)."""

    def include(item: object, _name: str | None, _kind: str, _reflected: bool, _other: object) -> bool:
        condition = getattr(item, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect)

    return include


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "db/versions holds no migration"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    copy_aside: Path | None


def upgrade_to_head(database: Database) -> UpgradeResult | None:
    """Upgrade if behind; None if already at head."""
    head = head_revision()
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    with translate_errors(database.location), database.engine.connect() as connection:
        current = current_revision(connection)
        tables = set(inspect(connection).get_table_names())
    if current == head:
        return None
    if current is not None and current not in known:
        raise SchemaTooNew(
            "This database was last used by a newer version of Linkworker (schema "
            f"{current}). Install that version or newer; this one will not change the data."
        )
    if current is None and tables - {"alembic_version"}:
        raise NotLinkworkerDatabase(
            f"The {database.location.description} holds tables that are not Linkworker's. "
            "Point Linkworker at an empty database or at its own."
        )
    copy_aside = _copy_aside(database, current)
    with translate_errors(database.location), database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild SQLite tables (copy, drop, rename); with foreign keys on,
            # dropping a referenced table fails. The pragma only works outside a transaction,
            # and this connection is thrown away afterwards (NullPool).
            raw = connection.connection.driver_connection
            assert raw is not None  # None only once the connection is closed or invalidated
            raw.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            if not sqlite:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_MIGRATION_LOCK}
                )
                if current_revision(connection) == head:  # another process upgraded while we waited
                    return None
            command.upgrade(alembic_config(connection), "head")
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise CorruptDatabase(
                    f"Upgrading {database.location.description} would break links between records, "
                    "so nothing was changed. Please report this to Linkworker's support."
                )
    if current is not None and database.engine.dialect.name == "postgresql":
        # Upgrades rewrite whole tables; without fresh statistics PostgreSQL's planner may scan
        # them rather than use their indexes until autovacuum gets round to them (a match's
        # attendance query: 70 ms against 13 ms on the ICB-scale database).
        with translate_errors(database.location), database.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return UpgradeResult(current, head, copy_aside)


def _copy_aside(database: Database, current: str | None) -> Path | None:
    location = database.location
    if location.sqlite_file is None or location.key is None or current is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = location.sqlite_file.with_name(
        f"{location.sqlite_file.stem}.before-upgrade-{current}-{stamp}.db"
    )
    backup(location.sqlite_file, location.key.hex, target)
    return target
