"""Scratch databases for the benchmarks that start empty: made new for one run, gone after it.

An encrypted SQLite file in the run's temporary folder, and (with ``--postgres-server``) a new
database on that PostgreSQL server, dropped at the end: never one that was there before. Each
gets a PCN set up by ``set_up_pcn``, signed in as its administrator.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import NewPractice, SetupRequest, set_up
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database, open_postgres, open_sqlite

PASSWORD = "benchmark batteries included"


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--postgres-server`` and ``--skip-sqlite``, which ``databases`` reads."""
    parser.add_argument(
        "--postgres-server",
        help="also run on a new database on this PostgreSQL server (URL of a database to connect to first)",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL run")


def databases(arguments: argparse.Namespace, folder: Path, label: str) -> Iterator[Database]:
    """Each scratch database the options ask for in turn, closed (and dropped) before the next.

    ``label`` goes into the PostgreSQL database's name, to tell whose it is if a run is killed.
    """
    if not arguments.skip_sqlite:
        with _sqlite(folder) as database:
            yield database
    if arguments.postgres_server:
        with _postgres(arguments.postgres_server, label) as database:
            yield database


@contextmanager
def _sqlite(folder: Path) -> Iterator[Database]:
    database = open_sqlite(folder / "data" / "linkworker.db", folder / "data" / "keys")
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def _postgres(server: str, label: str) -> Iterator[Database]:
    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"lw_{label}_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = open_postgres(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def set_up_pcn(database: Database, practices: Sequence[tuple[str, str]]) -> Actor:
    """The benchmark PCN with these practices (ODS code, name), signed in as its administrator."""
    with database.session() as session:
        set_up(
            session,
            SetupRequest(
                pcn_name="Benchmark PCN",
                pcn_ods_code="U99100",
                practices=[NewPractice(ods, name) for ods, name in practices],
                admin=NewUser("admin", "Bench Admin", Role.ADMIN, PASSWORD),
            ),
        )
    with database.session() as session:
        return sign_in(session, "admin", PASSWORD)


def new_link_worker(database: Database, admin: Actor) -> Actor:
    """A link worker of the administrator's PCN, signed in."""
    with database.session() as session:
        create_user(session, admin, NewUser("worker", "Bench Worker", Role.LINK_WORKER, PASSWORD))
    with database.session() as session:
        return sign_in(session, "worker", PASSWORD)
