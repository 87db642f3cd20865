"""What the benchmarks run on a copy of the ICB-scale demo share: the options naming the copy,
opening it, timing one unit of work, printing the timings, the people of its largest PCN, and
timing caseload pages.

The copy is an SQLite folder (``--data-dir``: linkworker.db and its keys folder, as build_ics.py
leaves DIR/demo) or a PostgreSQL database (``--database-url``). Opening one of an older schema
migrates it, so the time opening took is printed first. Each timing is taken over ``--repeat``
runs after one warm-up run, and gives the median, the 95th percentile (nearest rank) and the
median CPU time of this process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.demo import open_demo
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.services.cases import caseload
from linkworker.services.cases.caseload import CaseloadQuery
from linkworker.store.database import Database, open_database
from linkworker.store.errors import StoreError
from linkworker.store.models import Referral, UserAccount

PAGE = 100


def parser(doc: str | None, repeat_help: str) -> argparse.ArgumentParser:
    """A benchmark's options: the copy to run on (one of the two) and ``--repeat``."""
    made = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    target = made.add_mutually_exclusive_group(required=True)
    target.add_argument("--data-dir", type=Path, help="folder with linkworker.db and keys/ (a copy)")
    target.add_argument("--database-url", help="a PostgreSQL database holding the ICB-scale demo (a copy)")
    made.add_argument("--repeat", type=int, default=30, help=repeat_help)
    return made


def run_on_copy(arguments: argparse.Namespace, benchmark: str, work: Callable[[Database], None]) -> int:
    """Open the copy the options name, say how long that took, and run ``work`` on it.

    The exit status: 0, or 2 when the copy cannot be opened (the reason goes to stderr,
    prefixed with the benchmark's name).
    """
    wanted = None if arguments.database_url else arguments.data_dir / "linkworker.db"
    if wanted is not None and not wanted.is_file():
        # open_database would make a new, empty database there: nothing to measure.
        print(f"{benchmark} benchmark: no database at {wanted}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        if arguments.database_url:
            database = open_database(Path("unused"), Path("unused"), arguments.database_url)
        else:
            folder = arguments.data_dir  # the demo's key is in slots: its administrator opens it
            database = open_demo(DataAccess(folder / "linkworker.db", folder / "keys", None))
    except StoreError as error:
        print(f"{benchmark} benchmark: {error}", file=sys.stderr)
        return 2
    print(f"Opened (and migrated if behind) {database.location.description}")
    print(f"  in {time.perf_counter() - started:.1f} s")
    try:
        work(database)
    finally:
        database.dispose()
    return 0


@dataclass(frozen=True)
class Timing:
    """One line of figures, in milliseconds: ``cpu_ms`` None where it was not measured, and
    ``detail`` None leaves the detail column out."""

    name: str
    median_ms: float
    p95_ms: float
    cpu_ms: float | None = None
    detail: str | None = None


def timed(
    name: str,
    work: Callable[[], None],
    repeat: int,
    detail: Callable[[], str] | None = None,
    prepare: Callable[[], None] | None = None,
) -> Timing:
    """``work`` run once to warm up, then ``repeat`` times timed, each after ``prepare`` (untimed).

    ``detail`` is asked after the runs, to describe what the last one found.
    """
    work()  # warm-up: caches, prepared plans, the first connection
    times = []
    cpu = []
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        began, began_cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return Timing(
        name,
        statistics.median(times),
        p95(times),
        statistics.median(cpu),
        None if detail is None else detail(),
    )


def p95(times: Sequence[float]) -> float:
    """The 95th percentile by nearest rank: always one of the times measured."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]


@dataclass(frozen=True)
class Table:
    """How a benchmark prints its timings: the name column's width, the target the 95th
    percentile is held to (a line over it is flagged), and whether the CPU column shows."""

    name_width: int
    target_ms: float
    cpu: bool = False

    def heading(self, label: str, detail: str | None = None) -> str:
        columns = ("median", "p95", "cpu") if self.cpu else ("median", "p95")
        return self._row(label, "".join(f"{column:>9}" for column in columns), detail)

    def line(self, timing: Timing) -> str:
        figures = f"{timing.median_ms:>9.1f}{timing.p95_ms:>9.1f}"
        if self.cpu:
            figures += f"{'':>9}" if timing.cpu_ms is None else f"{timing.cpu_ms:>9.1f}"
        flag = "" if timing.p95_ms < self.target_ms else "  <-- over target"
        return self._row(timing.name, figures, timing.detail) + flag

    def _row(self, name: str, figures: str, detail: str | None) -> str:
        end = "" if detail is None else f"  {detail}"
        return f"  {name:<{self.name_width}}{figures}{end}"


def open_statuses() -> list[str]:
    """The stored values of the statuses of an open case."""
    return [status.value for status in CaseStatus if status.is_open]


def largest_pcn(session: Session) -> tuple[int, int]:
    """The PCN with the most referrals (the lowest id of equals), and how many it has."""
    pcn_id, total = session.execute(
        select(Referral.pcn_id, func.count(Referral.id))
        .group_by(Referral.pcn_id)
        .order_by(func.count(Referral.id).desc(), Referral.pcn_id)
        .limit(1)
    ).one()
    return pcn_id, total


def first_of_role(session: Session, pcn_id: int, role: Role) -> Actor:
    """The PCN's account of this role with the lowest id."""
    user = session.scalars(
        select(UserAccount)
        .where(UserAccount.pcn_id == pcn_id, UserAccount.role == role.value)
        .order_by(UserAccount.id)
        .limit(1)
    ).one()
    return actor(user)


def actor(user: UserAccount) -> Actor:
    """The account as the services take it, signed in without a password (the copy is ours)."""
    return Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id)


def busiest_link_workers(session: Session, pcn_id: int, count: int) -> list[Actor]:
    """The PCN's active link workers holding the most open cases, busiest first (lowest id of equals)."""
    users = session.scalars(
        select(UserAccount)
        .join(Referral, Referral.assigned_worker_id == UserAccount.id)
        .where(
            UserAccount.pcn_id == pcn_id,
            UserAccount.role == Role.LINK_WORKER.value,
            UserAccount.active.is_(True),
            Referral.status.in_(open_statuses()),
        )
        .group_by(UserAccount.id)
        .order_by(func.count(Referral.id).desc(), UserAccount.id)
        .limit(count)
    )
    return [actor(user) for user in users]


def caseload_pages(
    database: Database, viewer: Actor, queries: dict[str, CaseloadQuery], repeat: int, unit: str
) -> list[Timing]:
    """Each query's first page of ``PAGE`` rows and the count, as the case list runs it (in one
    session, which also writes the audit event); the detail is the count, then ``unit``."""
    timings = []
    for name, query in queries.items():
        found: list[int] = []

        def first_page(query: CaseloadQuery = query, found: list[int] = found) -> None:
            with database.session() as session:
                found.append(caseload.first_page(session, viewer, query, PAGE).total)

        timings.append(timed(name, first_page, repeat, lambda found=found: f"{found[-1]:,}{unit}"))
    return timings
