"""Alembic under db/: one chain, upgrade from empty gives exactly the models, newer schemas refused,
older ones upgraded (a SQLite file copied aside first)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url

from linkworker import config
from linkworker.store import database as database_module
from linkworker.store import migrations, secrets
from linkworker.store.database import Database, open_postgres, open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.errors import NotLinkworkerDatabase, SchemaTooNew
from linkworker.store.models import Base, Pcn
from tests.helpers.databases import PostgresTemplate

EXTRA_REVISION = '''"""A revision that exists only in a test, to make a database "older" than head."""

import sqlalchemy as sa
from alembic import op

revision = "9000"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("upgrade_probe", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("upgrade_probe")
'''


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": migrations.built_on(connection.dialect.name)},
        )
        return list(compare_metadata(context, Base.metadata))


def revision_of(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrations.current_revision(connection)


@pytest.fixture
def empty_postgres_url(postgres_template: PostgresTemplate) -> Iterator[str]:
    url = postgres_template.create_empty()
    yield url
    postgres_template.drop(make_url(url).database or "")


@pytest.fixture
def newer_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This version's db/ plus a test revision 9000 after head, used in place of db/."""
    head = migrations.head_revision()
    folder = tmp_path / "db"
    shutil.copytree(config.migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite"))
    (folder / "versions" / "9000_test_probe.py").write_text(
        EXTRA_REVISION.format(head=head), encoding="utf-8"
    )
    monkeypatch.setattr(migrations, "migrations_dir", lambda: folder)
    monkeypatch.setattr(database_module, "HEAD_REVISION", "9000")  # the head the opening checks
    return "9000"


def test_the_revision_chain_has_one_head_and_one_base() -> None:
    scripts = ScriptDirectory.from_config(migrations.alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    assert len(scripts.get_heads()) == 1
    assert scripts.get_heads() == [migrations.head_revision()]
    assert len(scripts.get_bases()) == 1
    for script in scripts.walk_revisions():
        parents = script.down_revision
        parents = () if parents is None else (parents,) if isinstance(parents, str) else parents
        assert set(parents) <= known, f"{script.revision} revises a revision that does not exist"


def test_upgrading_an_empty_sqlite_file_gives_exactly_the_models(tmp_path: Path) -> None:
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    try:
        assert schema_differences(database.engine) == []
        assert revision_of(database.engine) == migrations.head_revision()
    finally:
        database.dispose()


@pytest.mark.postgres
def test_upgrading_an_empty_postgres_database_gives_exactly_the_models(empty_postgres_url: str) -> None:
    database = open_postgres(empty_postgres_url)
    try:
        assert schema_differences(database.engine) == []
        assert revision_of(database.engine) == migrations.head_revision()
    finally:
        database.dispose()


def test_a_database_at_head_is_left_alone(database: Database) -> None:
    assert migrations.upgrade_to_head(database) is None


def _reopen(database: Database, tmp_path: Path) -> Database:
    """Open the fixture's database again, as the app would on its next start."""
    if database.location.sqlite_file is not None:
        return open_sqlite(database.location.sqlite_file, tmp_path / "data" / "keys")
    return open_postgres(database.engine.url.render_as_string(hide_password=False))


def _sqlite_file_hash(database: Database) -> str | None:
    file = database.location.sqlite_file
    return hashlib.sha256(file.read_bytes()).hexdigest() if file is not None else None


def test_a_newer_schema_is_refused_and_left_unchanged(database: Database, tmp_path: Path) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    before = _sqlite_file_hash(database)

    with pytest.raises(SchemaTooNew, match="newer version of Linkworker"):
        _reopen(database, tmp_path)

    assert _sqlite_file_hash(database) == before
    assert revision_of(database.engine) == "9999"
    with database.engine.connect() as connection:
        assert "upgrade_probe" not in inspect(connection).get_table_names()
    if database.location.sqlite_file is not None:
        assert not list(database.location.sqlite_file.parent.glob("*before-upgrade*"))


def test_an_older_schema_is_upgraded_and_a_sqlite_file_copied_aside_first(
    database: Database, tmp_path: Path, newer_migrations: str
) -> None:
    old_head = revision_of(database.engine)
    with database.session() as session:
        session.add(Pcn(name="Old Town PCN", ods_code="U11111"))

    result = migrations.upgrade_to_head(database)

    assert result is not None
    assert (result.from_revision, result.to_revision) == (old_head, newer_migrations)
    assert revision_of(database.engine) == newer_migrations
    with database.engine.connect() as connection:
        assert "upgrade_probe" in inspect(connection).get_table_names()
    with database.session() as session:
        assert session.scalars(select(Pcn.name)).all() == ["Old Town PCN"]
    if database.location.sqlite_file is None:
        assert result.copy_aside is None
        return

    copy = result.copy_aside
    assert copy is not None and copy.exists()
    assert copy.parent == database.location.sqlite_file.parent
    assert copy.name.startswith(f"linkworker.before-upgrade-{old_head}-")
    assert database.location.key is not None
    secrets.put(keyring_name(copy), database.location.key.hex)  # the same key opens the copy
    aside = open_sqlite(copy, tmp_path / "other-keys", migrate=False)
    try:
        assert revision_of(aside.engine) == old_head
        with aside.session() as session:
            assert session.scalars(select(Pcn.name)).all() == ["Old Town PCN"]
        with aside.engine.connect() as connection:
            assert "upgrade_probe" not in inspect(connection).get_table_names()
    finally:
        aside.dispose()


def test_opening_upgrades_a_file_that_is_behind(
    sqlite_database: Database, tmp_path: Path, newer_migrations: str
) -> None:
    sqlite_database.dispose()
    assert sqlite_database.location.sqlite_file is not None
    reopened = open_sqlite(sqlite_database.location.sqlite_file, tmp_path / "data" / "keys")
    try:
        assert revision_of(reopened.engine) == newer_migrations
        assert (
            len(list(sqlite_database.location.sqlite_file.parent.glob("linkworker.before-upgrade-*.db"))) == 1
        )
    finally:
        reopened.dispose()


@pytest.mark.postgres
def test_a_postgres_database_with_other_tables_is_not_taken_over(empty_postgres_url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(empty_postgres_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer primary key)"))
    with pytest.raises(NotLinkworkerDatabase, match="tables that are not Linkworker's"):
        open_postgres(empty_postgres_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["invoices"]
    engine.dispose()
