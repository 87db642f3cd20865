"""The schema head known without Alembic, and the start that skips Alembic when at it."""

from __future__ import annotations

from sqlalchemy import text

from linkworker.store.database import Database
from linkworker.store.migrations import head_revision
from linkworker.store.schema_version import HEAD_REVISION, recorded_revision


def test_the_head_known_without_alembic_is_alembics_head() -> None:
    assert head_revision() == HEAD_REVISION, (
        "A migration was added: set linkworker/store/schema_version.HEAD_REVISION to its revision"
    )


def test_an_upgraded_database_records_the_head(database: Database) -> None:
    with database.engine.connect() as connection:
        assert recorded_revision(connection) == HEAD_REVISION


def test_a_database_without_a_version_table_records_none(database: Database) -> None:
    with database.engine.connect() as connection:
        connection.execute(text("ALTER TABLE alembic_version RENAME TO alembic_version_kept"))
        try:
            assert recorded_revision(connection) is None
        finally:
            connection.execute(text("ALTER TABLE alembic_version_kept RENAME TO alembic_version"))
        connection.commit()
