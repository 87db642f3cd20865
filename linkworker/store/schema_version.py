"""The schema revision this version of Linkworker writes, known without loading Alembic.

Every start opens the database and checks its schema. Alembic's script directory loads every
revision file to find the head, which costs more than the rest of opening; a database already
at this version's head (the usual case) needs only its recorded revision read and compared
with ``HEAD_REVISION``. A test keeps the constant equal to Alembic's head, so a new migration
that forgets to move it fails the suite rather than a user's upgrade.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

HEAD_REVISION = "0017"


def recorded_revision(connection: Connection) -> str | None:
    """The revision the database says it is at; None for a new database (no version table) or
    one that records none."""
    try:
        with connection.begin_nested() if connection.in_transaction() else connection.begin():
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return None
    return rows[0] if len(rows) == 1 else None
