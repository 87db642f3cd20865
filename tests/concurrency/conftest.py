"""Two people at two computers on one database: each with their own copy of the app (its own
engine and connections), signed in as different link workers of the same PCN."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.users import NewUser, create_user, sign_in
from linkworker.store.database import Database, open_postgres, open_sqlite
from tests.services.casework_builder import new_case
from tests.ui.conftest import messages, styled  # noqa: F401  (the window tests' fixtures, for the screens here)

ANA_PASSWORD = "orange kettle lighthouse"


@dataclass(frozen=True)
class Desk:
    """One person at one computer: their copy of the app, and who they are signed in as."""

    database: Database
    actor: Actor


def second_copy(database: Database) -> Database:
    """Another copy of the app opened on the same database, as a second computer would."""
    if database.location.kind == "sqlite":
        file = database.location.sqlite_file
        assert file is not None
        return open_sqlite(file, file.parent / "keys", migrate=False)
    return open_postgres(database.engine.url.render_as_string(hide_password=False), migrate=False)


@pytest.fixture
def wren(database: Database, actors: dict[Role, Actor]) -> Desk:
    """Wren Worker, at the first computer."""
    return Desk(database, actors[Role.LINK_WORKER])


@pytest.fixture
def ana(database: Database, actors: dict[Role, Actor]) -> Iterator[Desk]:
    """Ana Worker, another link worker of the PCN, at a second computer on the same database."""
    other = second_copy(database)
    with other.session() as session:
        create_user(session, actors[Role.ADMIN], NewUser("ana", "Ana Worker", Role.LINK_WORKER, ANA_PASSWORD))
    with other.session() as session:
        actor = sign_in(session, "ana", ANA_PASSWORD)
    yield Desk(other, actor)
    other.dispose()


@pytest.fixture
def case(wren: Desk) -> int:
    return new_case(wren.database, wren.actor)
