"""Time the Network area on the ICB-scale database: the PCN's figures and workload, its case
list, a worker's work listed for moving, and the move itself.

Work on copies: opening a database of an older schema migrates it (the time that takes is
printed first), and every run writes audit events (the move writes and moves back).

    cp -a /tmp/ics-bench-copy /tmp/network-ics
    .venv/bin/python benchmarks/network.py --data-dir /tmp/network-ics

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database network_ics template ics_match'
    .venv/bin/python benchmarks/network.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/network_ics

The PCN is the largest (the most referrals); its manager reads the figures and lists and moves
the work of the link worker holding the most open cases, to the next busiest and back again.
Each figure is one unit of work as the screen runs it. Medians and 95th percentiles over
``--repeat`` runs, after one warm-up run of each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services import caseload, network
from linkworker.services.actor import Actor
from linkworker.services.caseload import UNASSIGNED, CaseloadQuery, Scope, SortKey
from linkworker.services.network import Chosen
from linkworker.store.database import Database, open_database
from linkworker.store.errors import StoreError
from linkworker.store.models import FollowUp, Referral, UserAccount

PAGE = 100
TARGET_MS = 100.0


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    detail: str = ""

    def line(self) -> str:
        flag = "" if self.p95_ms < TARGET_MS else "  <-- over target"
        return f"  {self.name:<46}{self.median_ms:>9.1f}{self.p95_ms:>9.1f}  {self.detail}{flag}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--data-dir", type=Path, help="folder with linkworker.db and keys/ (a copy)")
    target.add_argument("--database-url", help="a PostgreSQL database holding the ICB-scale demo")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each")
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if arguments.database_url:
            database = open_database(Path("unused"), Path("unused"), arguments.database_url)
        else:
            folder = arguments.data_dir
            database = open_database(folder / "linkworker.db", folder / "keys", None)
    except StoreError as error:
        print(f"network benchmark: {error}", file=sys.stderr)
        return 2
    print(f"Opened (and migrated if behind) {database.location.description}")
    print(f"  in {time.perf_counter() - started:.1f} s")
    try:
        for timing in run(database, arguments.repeat):
            print(timing.line())
    finally:
        database.dispose()
    return 0


def run(database: Database, repeat: int) -> list[Timing]:
    manager, busiest, next_busiest, pcn_referrals = _people(database)
    print(
        f"PCN {manager.pcn_id}: {pcn_referrals:,} referrals; manager {manager.user_id}, "
        f"busiest link worker {busiest.user_id}, next {next_busiest.user_id}"
    )
    print(f"  {'(ms)':<46}{'median':>9}{'p95':>9}")
    timings = []

    shown: list[network.NetworkFigures] = []

    def figures() -> None:
        with database.session() as session:
            shown.append(network.figures(session, manager))

    def figures_detail() -> str:
        counted = shown[-1]
        return (
            f"{counted.open_cases:,} open cases, {len(counted.workload)} people, "
            f"{counted.follow_ups.overdue:,} overdue follow-ups"
        )

    timings.append(_timed("figures and workload (manager)", figures, repeat, figures_detail))

    pcn = CaseloadQuery(scope=Scope.PCN)
    queries = {
        "PCN cases, open (first page and count)": pcn,
        "PCN cases, open, overdue only": replace(pcn, overdue=True),
        "PCN cases, one worker's": replace(pcn, worker_id=busiest.user_id),
        "PCN cases, unassigned": replace(pcn, worker_id=UNASSIGNED),
        "PCN cases, open, by link worker": replace(pcn, sort=SortKey.WORKER),
        "my cases, overdue only": CaseloadQuery(overdue=True),
        "my cases, most overdue first": CaseloadQuery(sort=SortKey.OVERDUE),
    }
    for name, query in queries.items():
        found: list[int] = []

        def first_page(query: CaseloadQuery = query, found: list[int] = found) -> None:
            with database.session() as session:
                found.append(caseload.first_page(session, busiest, query, PAGE).total)

        timings.append(_timed(name, first_page, repeat, lambda found=found: f"{found[-1]:,} cases"))

    listed: list[network.WorkList] = []

    def work_of() -> None:
        with database.session() as session:
            listed.append(network.work_of(session, manager, busiest.user_id))

    timings.append(
        _timed(
            "a worker's work listed to move",
            work_of,
            repeat,
            lambda: f"{len(listed[-1].cases)} cases, {len(listed[-1].follow_ups)} follow-ups",
        )
    )

    moves = [0]

    def move_all() -> None:
        """Everything the one holds, to the other; the next run moves it back."""
        source, target = (busiest, next_busiest) if moves[0] % 2 == 0 else (next_busiest, busiest)
        moves[0] += 1
        with database.session() as session:
            work = network.work_of(session, manager, source.user_id)
        chosen_cases = [
            Chosen(case.referral_id, case.version) for case in work.cases if case.referral_id in held
        ]
        chosen_follow_ups = [
            Chosen(f.follow_up_id, f.version) for f in work.follow_ups if f.follow_up_id in owned
        ]
        started = time.perf_counter()
        with database.session() as session:
            network.reassign(
                session, manager, source.user_id, target.user_id, chosen_cases, chosen_follow_ups
            )
        spent.append((time.perf_counter() - started) * 1000)

    with database.session() as session:
        held = set(
            session.scalars(
                select(Referral.id).where(
                    Referral.assigned_worker_id == busiest.user_id, Referral.status.in_(_open_values())
                )
            )
        )
        owned = set(
            session.scalars(
                select(FollowUp.id).where(
                    FollowUp.owner_id == busiest.user_id,
                    FollowUp.done_at.is_(None),
                    FollowUp.cancelled_at.is_(None),
                )
            )
        )
    spent: list[float] = []
    move_all()  # warm-up, and away
    spent.clear()
    runs = repeat if repeat % 2 == 0 else repeat + 1  # an even number: the work ends where it began
    for _ in range(runs):
        move_all()
    timings.append(
        Timing(
            "move a worker's work (one unit of work)",
            statistics.median(spent),
            _p95(spent),
            f"{len(held)} cases and {len(owned)} follow-ups each way",
        )
    )
    move_all()  # back where it began
    return timings


def _timed(name: str, work: Callable[[], None], repeat: int, detail: Callable[[], str]) -> Timing:
    work()  # warm-up: caches, prepared plans, the first connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return Timing(name, statistics.median(times), _p95(times), detail())


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]  # nearest rank


def _open_values() -> list[str]:
    return [status.value for status in CaseStatus if status.is_open]


def _people(database: Database) -> tuple[Actor, Actor, Actor, int]:
    """The largest PCN's manager, its two link workers holding the most open cases, and its referrals."""
    with database.session() as session:
        pcn_id, total = session.execute(
            select(Referral.pcn_id, func.count(Referral.id))
            .group_by(Referral.pcn_id)
            .order_by(func.count(Referral.id).desc(), Referral.pcn_id)
            .limit(1)
        ).one()
        manager = session.execute(
            select(UserAccount)
            .where(UserAccount.pcn_id == pcn_id, UserAccount.role == Role.MANAGER.value)
            .order_by(UserAccount.id)
            .limit(1)
        ).scalar_one()
        busiest, next_busiest = (
            session.execute(
                select(UserAccount)
                .join(Referral, Referral.assigned_worker_id == UserAccount.id)
                .where(
                    UserAccount.pcn_id == pcn_id,
                    UserAccount.role == Role.LINK_WORKER.value,
                    UserAccount.active.is_(True),
                    Referral.status.in_(_open_values()),
                )
                .group_by(UserAccount.id)
                .order_by(func.count(Referral.id).desc(), UserAccount.id)
                .limit(2)
            )
            .scalars()
            .all()
        )
        return _actor(manager), _actor(busiest), _actor(next_busiest), total


def _actor(user: UserAccount) -> Actor:
    return Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id)


if __name__ == "__main__":
    raise SystemExit(main())
