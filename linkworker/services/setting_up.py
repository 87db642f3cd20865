"""Setting up a new database, before anyone can sign in: the one use of the data with no actor.

The set-up wizard runs before the first account exists, so it cannot hold a ``Workspace`` (whose
units of work read the signed-in account again). It holds a ``NewDatabase``: where the data will
be kept, and the set-up in one unit of work, so the wizard, like every screen, needs no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkworker.services.administration import key_custody, organisation
from linkworker.services.administration.organisation import SetupRequest

if TYPE_CHECKING:
    from linkworker.store.database import Database


class NewDatabase:
    """A database that opened without a password and may not be set up yet."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @property
    def where(self) -> str:
        """Where the data will be kept, in words for the wizard ("Encrypted file ...")."""
        return self._database.location.description

    @property
    def key_warning(self) -> str | None:
        """The warning while an older version's clear copy of the key is still kept."""
        return self._database.location.key_warning

    def set_up(self, request: SetupRequest) -> tuple[str, str | None]:
        """Save the PCN, its practices and the first administrator in one unit of work; the
        administrator's user name, and the first recovery key (None on a shared server)."""
        with self._database.session() as session:
            admin = organisation.set_up(session, request)
            return admin.username, key_custody.first_recovery_key(session)
