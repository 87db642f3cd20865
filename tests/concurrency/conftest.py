"""Two people at two computers on one database: each with their own copy of the app (its own
engine and connections), signed in as different link workers of the same PCN."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database, open_postgres, open_sqlite
from tests.services.casework_builder import new_case
from tests.ui.conftest import messages, styled  # noqa: F401  (the window tests' fixtures, for the screens here)

ANA_PASSWORD = "orange kettle lighthouse"


@dataclass(frozen=True)
class Desk:
    """One person at one computer: their copy of the app, and who they are signed in as."""

    database: Database
    actor: Actor


Refusal = TypeVar("Refusal", bound=BaseException)


def at_the_same_moment(
    saves: dict[str, Callable[[], object]], refusal: type[Refusal]
) -> dict[str, Refusal | None]:
    """Each save on its own thread, released together (two people pressing Save at once): what
    each got back, None when it went in. Anything but ``refusal`` is raised again here."""
    start = threading.Barrier(len(saves), timeout=30)
    outcome: dict[str, Refusal | None] = {}
    failures: list[BaseException] = []

    def run(name: str, save: Callable[[], object]) -> None:
        try:
            start.wait()
            save()
            outcome[name] = None
        except refusal as refused:
            outcome[name] = refused
        except BaseException as error:  # re-raised below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=item) for item in saves.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]
    assert sorted(outcome) == sorted(saves)
    return outcome


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
