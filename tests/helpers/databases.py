"""Real databases for tests: encrypted SQLite files and databases on the real PostgreSQL server.

Each test gets its own database, copied from a template migrated once per session, so tests
are isolated without paying for the migrations every time.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from linkworker.store import migrations, secrets
from linkworker.store.database import Database, open_postgres, open_sqlite, open_sqlite_with_key
from linkworker.store.database_key import DatabaseKey, keyring_name

POSTGRES_URL_ENV = "LINKWORKER_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The test server's URL; a missing server fails in CI and skips elsewhere."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{POSTGRES_URL_ENV} is not set: run the suite with bash tests/run", pytrace=False)
    pytest.skip("no PostgreSQL server: run the suite with bash tests/run")


class SqliteTemplate:
    """A migrated encrypted file; each copy gets the same key, put in the test's fake keyring."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "template.db"
        database = open_sqlite(self.file, folder / "keys")
        assert database.location.key is not None
        self.key_hex = database.location.key.hex
        database.dispose()

    def copy_to(self, folder: Path) -> Database:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "linkworker.db"
        shutil.copyfile(self.file, target)  # the template is closed, so a file copy is whole
        # The key also goes to the fake keyring, so a test may open the file again by itself;
        # this opening holds it as a sign-in would, from a key slot (no older-copy warning).
        secrets.put(keyring_name(target), self.key_hex)
        return open_sqlite_with_key(target, DatabaseKey.from_slot(bytes.fromhex(self.key_hex)))


class PostgresTemplate:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.name = f"lw_template_{uuid.uuid4().hex[:8]}"
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        database = open_postgres(self.url(self.name).render_as_string(hide_password=False))
        database.dispose()

    def url(self, name: str):  # type: ignore[no-untyped-def]
        return self.admin_url.set(database=name)

    def create_empty(self) -> str:
        name = f"lw_test_{uuid.uuid4().hex[:10]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url(name).render_as_string(hide_password=False)

    def copy(self) -> tuple[Database, str]:
        name = f"lw_test_{uuid.uuid4().hex[:10]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))
        return open_postgres(self.url(name).render_as_string(hide_password=False)), name

    def drop(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self.name)
        self._admin.dispose()


BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def database_at(
    request: pytest.FixtureRequest, tmp_path: Path, revision: str, fill: Callable[[Connection], None]
) -> Iterator[Database]:
    """A database brought only to ``revision`` by the real migrations, then ``fill``ed, on the
    kind ``request.param`` names (use ``BOTH_DATABASES`` as the fixture's params); for
    testing an upgrade from there with data in it."""
    if request.param == "sqlite":
        database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys", migrate=False)
    else:
        template: PostgresTemplate = request.getfixturevalue("postgres_template")
        url = template.create_empty()
        database = open_postgres(url, migrate=False)
    with database.engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), revision)
        fill(connection)
    try:
        yield database
    finally:
        database.dispose()
        if request.param == "postgresql":
            template.drop(make_url(url).database or "")
