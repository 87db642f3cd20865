"""Opening the demo database: as a new file, or, once its key is kept in slots, by signing in as
its administrator, whose password is published (the data is synthetic and the database apart)."""

from __future__ import annotations

from linkworker.demo.credentials import PASSWORDS, is_demo_username
from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.errors import SignInFailed
from linkworker.store.database import Database
from linkworker.store.errors import StoreError


def open_demo(access: DataAccess) -> Database:
    """The demo's database, open; ``StoreError`` if its administrator's password was changed."""
    database = access.open_unlocked()
    if database is not None:
        return database
    for name in sorted(n for n in access.slots.usernames() if is_demo_username(Role.ADMIN, n)):
        try:
            return access.sign_in(name, PASSWORDS[Role.ADMIN]).database
        except SignInFailed:
            continue
    raise StoreError(
        f"The demo database {access.sqlite_file} no longer opens with the demo administrator's "
        "password. Build a new demo in an empty folder (--data-dir)."
    )
