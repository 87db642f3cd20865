"""Fixtures for every layer: a fake keyring, real databases on SQLite and PostgreSQL, actors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import NewPractice, SetupRequest, set_up
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.signing_in import sign_in
from linkworker.store import key_slots
from linkworker.store.database import Database
from linkworker.store.models import UserAccount
from tests.helpers.databases import PostgresTemplate, SqliteTemplate, postgres_admin_url
from tests.helpers.fake_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ADMIN_PASSWORD = "correct horse battery"
WORKER_PASSWORD = "purple monkey dishwasher"
MANAGER_PASSWORD = "tangerine trampoline ok"


@pytest.fixture(autouse=True)
def fake_keyring() -> Iterator[MemoryKeyring]:
    """No test touches the machine's real keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session", autouse=True)
def quick_key_slots() -> Iterator[None]:
    """Key slots written in-process use Argon2id at its smallest cost (1 pass, 1 MiB), as test
    suites use a fast password hasher: the wrapping is the same, only slower to guess. The real
    cost is measured in benchmarks/sign_in.py, and the e2e tests run the real command with it."""
    real = key_slots.SLOT_KDF
    key_slots.SLOT_KDF = key_slots.KdfParameters(time_cost=1, memory_kib=1024, parallelism=1)
    yield
    key_slots.SLOT_KDF = real


@pytest.fixture(scope="session", autouse=True)
def session_keyring() -> Iterator[MemoryKeyring]:
    """Session-wide fixtures (templates) also keep their keys away from the real keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, session_keyring: MemoryKeyring
) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    template = PostgresTemplate(postgres_admin_url())
    yield template
    template.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: an encrypted SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        database = request.getfixturevalue("sqlite_template").copy_to(tmp_path / "data")
        yield database
        database.dispose()
    else:
        template: PostgresTemplate = request.getfixturevalue("postgres_template")
        database, name = template.copy()
        yield database
        database.dispose()
        template.drop(name)


@pytest.fixture
def sqlite_database(sqlite_template: SqliteTemplate, tmp_path: Path) -> Iterator[Database]:
    database = sqlite_template.copy_to(tmp_path / "data")
    yield database
    database.dispose()


def _set_up_pcn(database: Database) -> dict[Role, Actor]:
    with database.session() as session:
        set_up(
            session,
            SetupRequest(
                pcn_name="Test Valley PCN",
                pcn_ods_code="U99901",
                practices=[
                    NewPractice("G99001", "Riverside Surgery"),
                    NewPractice("G99002", "Hilltop Practice"),
                ],
                admin=NewUser("admin", "Ada Admin", Role.ADMIN, ADMIN_PASSWORD),
            ),
        )
    with database.session() as session:
        admin = sign_in(session, "admin", ADMIN_PASSWORD)
        create_user(session, admin, NewUser("worker", "Wren Worker", Role.LINK_WORKER, WORKER_PASSWORD))
        create_user(session, admin, NewUser("manager", "Max Manager", Role.MANAGER, MANAGER_PASSWORD))
        # As if each had since chosen their own password (the administrator set these).
        session.execute(update(UserAccount).values(must_change_password=False))
    with database.session() as session:
        return {
            Role.ADMIN: admin,
            Role.LINK_WORKER: sign_in(session, "worker", WORKER_PASSWORD),
            Role.MANAGER: sign_in(session, "manager", MANAGER_PASSWORD),
        }


@pytest.fixture
def actors(database: Database) -> dict[Role, Actor]:
    """A PCN of two practices with an admin, a link worker and a manager, signed in."""
    return _set_up_pcn(database)
