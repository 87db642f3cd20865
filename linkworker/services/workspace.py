"""What a signed-in window works with: the open database and who signed in, as one unit of work
per user action.

The screens hold a ``Workspace``, never the database: they pass it the work (a service call,
or a few together) and the workspace opens the unit of work, commits it or rolls it back whole,
as Anki's ``CollectionOp`` does for its collection. So no module under ``ui/`` imports the store
or SQLAlchemy (the import contracts in ``.importlinter`` check it), and a screen's test may give
it a workspace over a real database or a fake one.

Each unit of work first reads the signed-in account again: an account an administrator has
deactivated, or whose role or PCN was changed, is refused at the user's next action
(``AccountChanged``), not left working with the rights it had at sign-in until it signs out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.audit import ChainReport
from linkworker.services.errors import ServiceError
from linkworker.store.models import UserAccount

if TYPE_CHECKING:
    from linkworker.store.database import Database

T = TypeVar("T")
# A unit of work, as the screens see it: handed to services, never queried by a screen itself.
Unit: TypeAlias = Session

ACCOUNT_CHANGED = (
    "An administrator has changed or deactivated your account since you signed in, so this was "
    "not done. Sign out and sign in again."
)


class AccountChanged(ServiceError):
    """The signed-in account is no longer what it was at sign-in (deactivated, another role or
    PCN): nothing more is done for it until its user signs in again."""

    def __init__(self) -> None:
        super().__init__(ACCOUNT_CHANGED)


class Workspace:
    """The database and the actor of one signed-in window."""

    def __init__(self, database: Database, actor: Actor) -> None:
        self._database = database
        self.actor = actor

    @property
    def database(self) -> Database:
        """For the services and commands that open their own units of work (a sign-out, a
        backup); screens go through ``run`` and ``read``."""
        return self._database

    @property
    def where(self) -> str:
        """Where the data is kept, in words for the window ("Encrypted file ...")."""
        return self._database.location.description

    @property
    def key_warning(self) -> str | None:
        """The warning while an older version's clear copy of the key is still kept."""
        return self._database.location.key_warning

    @property
    def data_folder(self) -> Path | None:
        """The folder that holds an encrypted file and its backups; None on a shared server."""
        file = self._database.location.sqlite_file
        return file.parent if file is not None else None

    @property
    def is_shared_server(self) -> bool:
        """Whether the data is on a shared PostgreSQL server (only there are PCNs side by side)."""
        return self._database.location.kind == "postgresql"

    def is_own_file(self, path: Path) -> bool:
        """Whether ``path`` is one of the database's own files, never to be written over."""
        return self._database.location.is_own_file(path)

    def record_for_the_session(self, work: Callable[[Unit], T]) -> T:
        """As ``run``, without reading the account again: for the session's own records (its
        sign-out, a screen lock and its unlocking), written whatever became of the account since
        the sign-in, or the end of a deactivated user's session would go unrecorded."""
        with self._database.session() as session:
            return work(session)

    def verify_audit_trail(self) -> ChainReport:
        """Check the whole audit trail's chain of seals (``services.audit.verify_chain``, which
        opens its own units of work: a read for the walk, a write for its record)."""
        return audit.verify_chain(self._database, self.actor)

    def run(self, work: Callable[[Unit], T]) -> T:
        """Do ``work`` in one unit of work: committed when it returns, rolled back if it raises."""
        with self.unit() as unit:
            return work(unit)

    def read(self, work: Callable[[Unit], T]) -> T:
        """As ``run``, for reads only: on SQLite it takes no write lock."""
        with self.unit(read_only=True) as unit:
            return work(unit)

    @contextmanager
    def unit(self, *, read_only: bool = False) -> Iterator[Unit]:
        """A unit of work whose account has been read again (``AccountChanged`` if it changed)."""
        opened = self._database.read_session() if read_only else self._database.session()
        with opened as session:
            _confirm(session, self.actor)
            yield session


def _confirm(session: Session, actor: Actor) -> None:
    """Refuse an actor whose account is deactivated, gone, or no longer of this role and PCN."""
    wanted = select(UserAccount.active, UserAccount.role, UserAccount.pcn_id)
    row = session.execute(wanted.where(UserAccount.id == actor.user_id)).first()
    if row is None or not row.active or row.role != actor.role.value or row.pcn_id != actor.pcn_id:
        raise AccountChanged()
