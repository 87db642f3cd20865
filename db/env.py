"""Alembic environment: the app passes an open connection; models give the target schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from linkworker.store.migrations import built_on
from linkworker.store.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
        compare_type=True,
        include_object=built_on(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    # Developer use from the command line (alembic -c db/alembic.ini revision --autogenerate):
    # compare against a scratch SQLite database brought to head.
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///db/scratch.sqlite"
    with create_engine(url).begin() as scratch:
        _run(scratch)
