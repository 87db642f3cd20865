"""A database set up by this version, its key kept only in key slots, with an administrator, a
link worker and a manager: shared by the backup, restore and key-custody tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.services import signing_in
from linkworker.services.actor import Actor
from linkworker.services.administration import key_custody, users
from linkworker.services.administration.organisation import NewPractice, SetupRequest, set_up
from linkworker.services.administration.users import NewUser
from linkworker.store.database import Database, open_sqlite
from linkworker.store.models import UserAccount
from tests.conftest import ADMIN_PASSWORD, MANAGER_PASSWORD, WORKER_PASSWORD


@dataclass(frozen=True)
class Slotted:
    """A database set up by this version (its key kept only in key slots), open, with its staff."""

    database: Database
    actors: dict[Role, Actor]
    recovery_code: str

    @property
    def file(self) -> Path:
        assert self.database.location.sqlite_file is not None
        return self.database.location.sqlite_file


def slotted_database(folder: Path, *, recovery: bool = True) -> Slotted:
    """An administrator, a link worker and a manager; the key is in no keyring, so once the
    database is disposed only a password or the recovery key opens it. Without ``recovery``,
    no recovery key is made (as in an installation from before key slots)."""
    database = open_sqlite(folder / "linkworker.db", folder / "keys")
    with database.session() as session:
        set_up(
            session,
            SetupRequest(
                pcn_name="Test Valley PCN",
                pcn_ods_code="U99901",
                practices=[NewPractice("G99001", "Riverside Surgery")],
                admin=NewUser("admin", "Ada Admin", Role.ADMIN, ADMIN_PASSWORD),
            ),
        )
        code = key_custody.first_recovery_key(session) if recovery else ""
    assert code is not None
    with database.session() as session:
        admin = signing_in.sign_in(session, "admin", ADMIN_PASSWORD)
        users.create_user(session, admin, NewUser("worker", "Wren Worker", Role.LINK_WORKER, WORKER_PASSWORD))
        users.create_user(session, admin, NewUser("manager", "Max Manager", Role.MANAGER, MANAGER_PASSWORD))
        # As if each had since chosen their own password (the administrator set these).
        session.execute(update(UserAccount).values(must_change_password=False))
    with database.session() as session:
        actors = {
            Role.ADMIN: admin,
            Role.LINK_WORKER: signing_in.sign_in(session, "worker", WORKER_PASSWORD),
            Role.MANAGER: signing_in.sign_in(session, "manager", MANAGER_PASSWORD),
        }
    return Slotted(database, actors, code)
