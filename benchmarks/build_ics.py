"""Build the ICB-scale demo data (Kent and Medway: 42 PCNs) and report time, size and rows.

    .venv/bin/python benchmarks/build_ics.py --data-dir /tmp/ics-sqlite
    .venv/bin/python benchmarks/build_ics.py --data-dir /tmp/ics-pg \\
        --database-url postgresql://postgres@127.0.0.1:55432/ics_bench

The data goes where ``linkworker --data-dir DIR demo --scale ics`` puts it (DIR/demo), so
the app can open it afterwards. The database must be empty: a finished build is left alone.
See benchmarks/README.md for the figures measured.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select, text

from linkworker import config
from linkworker.demo import build_demo, open_demo
from linkworker.services.access import DataAccess
from linkworker.store.database import Database
from linkworker.store.errors import StoreError
from linkworker.store.models import Base


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, required=True, help="folder for the encrypted file and its key"
    )
    parser.add_argument("--database-url", help="build on this PostgreSQL database instead")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)

    folders = config.folders(arguments.data_dir).demo()
    folders.create()
    started = time.perf_counter()
    try:
        # A new database opens without a password; once built, its key is in slots and the
        # demo administrator's published password opens it.
        database = open_demo(DataAccess(folders.database_file, folders.key_folder, arguments.database_url))
        print(f"Building the ICB scale in {database.location.description}")
        build_demo(
            database,
            scale="ics",
            seed=arguments.seed,
            progress=lambda message: print(
                f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True
            ),
        )
    except StoreError as error:
        print(f"build_ics: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"Build time: {elapsed:.0f} s ({elapsed / 60:.1f} min)")
    print(f"Storage: {_size(database)}")
    print(f"Peak memory of this process: {_peak_memory()}")
    for name, count in _row_counts(database):
        print(f"  {name:<18}{count:>12,}")
    database.dispose()
    return 0


def _size(database: Database) -> str:
    file = database.location.sqlite_file
    if file is not None:
        database.engine.dispose()  # closing the last connection checkpoints the WAL into the file
        total = sum(path.stat().st_size for path in file.parent.glob(f"{file.name}*"))
        return f"{total / 2**20:,.0f} MiB ({file})"
    with database.engine.connect() as connection:
        size = connection.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
    return f"{size} (PostgreSQL database, tables and indexes)"


def _row_counts(database: Database) -> list[tuple[str, int]]:
    with database.engine.connect() as connection:
        return [
            (table.name, connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        ]


def _peak_memory() -> str:
    try:
        import resource
    except ImportError:  # Windows
        return "not measured on this platform"
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"


if __name__ == "__main__":
    sys.exit(main())
