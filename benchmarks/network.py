"""Time the Network area on the ICB-scale database: the PCN's figures and workload, its case
list, a worker's work listed for moving, and the move itself.

Work on copies: opening a database of an older schema migrates it (the time that takes is
printed first), and every run writes audit events (the move writes and moves back).

    cp -a /tmp/ics-bench-copy /tmp/network-ics
    .venv/bin/python benchmarks/network.py --data-dir /tmp/network-ics

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database network_ics template ics_match'
    .venv/bin/python benchmarks/network.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/network_ics

The PCN is the largest (the most referrals); its manager reads the figures and moves the whole
work of the link worker holding the most open cases to the next busiest and back again; its
administrator lists that work case by case.
Each figure is one unit of work as the screen runs it. Medians and 95th percentiles over
``--repeat`` runs, after one warm-up run of each.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import replace

import ics_copies  # benchmarks/ics_copies.py, beside this file
from ics_copies import Timing, timed

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.caseload import UNASSIGNED, CaseloadQuery, Scope, SortKey
from linkworker.services.network import network
from linkworker.store.database import Database

TABLE = ics_copies.Table(name_width=46, target_ms=100.0)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = ics_copies.parser(__doc__, "timed runs of each").parse_args(argv)

    def work(database: Database) -> None:
        for timing in run(database, arguments.repeat):
            print(TABLE.line(timing))

    return ics_copies.run_on_copy(arguments, "network", work)


def run(database: Database, repeat: int) -> list[Timing]:
    manager, admin, busiest, next_busiest, pcn_referrals = _people(database)
    print(
        f"PCN {manager.pcn_id}: {pcn_referrals:,} referrals; manager {manager.user_id}, "
        f"busiest link worker {busiest.user_id}, next {next_busiest.user_id}"
    )
    print(TABLE.heading("(ms)"))
    timings = []

    shown: list[network.NetworkFigures] = []

    def figures() -> None:
        with database.session() as session:
            shown.append(network.figures(session, manager))

    def figures_detail() -> str:
        counted = shown[-1]
        return (
            f"{counted.open_cases.text} open cases, {len(counted.workload)} people, "
            f"{counted.follow_ups.overdue.text} overdue follow-ups"
        )

    timings.append(timed("figures and workload (manager)", figures, repeat, figures_detail))

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
    timings += ics_copies.caseload_pages(database, busiest, queries, repeat, " cases")

    listed: list[network.WorkList] = []

    def work_of() -> None:
        with database.session() as session:
            listed.append(network.work_of(session, admin, busiest.user_id))

    timings.append(
        timed(
            "a worker's work listed to move (administrator)",
            work_of,
            repeat,
            lambda: f"{len(listed[-1].cases)} cases, {len(listed[-1].follow_ups)} other follow-ups",
        )
    )

    moves = [0]
    moved: list[network.ShareMoved] = []

    def move_all() -> None:
        """Everything the one holds, to the other, as a manager moves it; the next run moves it back."""
        source, target = (busiest, next_busiest) if moves[0] % 2 == 0 else (next_busiest, busiest)
        moves[0] += 1
        started = time.perf_counter()
        with database.session() as session:
            moved.append(network.move_share(session, manager, source.user_id, target.user_id, None))
        spent.append((time.perf_counter() - started) * 1000)

    spent: list[float] = []
    move_all()  # warm-up, and away
    spent.clear()
    runs = repeat if repeat % 2 == 0 else repeat + 1  # an even number: the work ends where it began
    for _ in range(runs):
        move_all()
    timings.append(
        Timing(
            "move a worker's whole work (manager, one unit of work)",
            statistics.median(spent),
            ics_copies.p95(spent),
            detail=f"{moved[0].cases.text} cases and {moved[0].follow_ups.text} follow-ups there, "
            f"{moved[1].cases.text} and {moved[1].follow_ups.text} back",
        )
    )
    move_all()  # back where it began
    return timings


def _people(database: Database) -> tuple[Actor, Actor, Actor, Actor, int]:
    """The largest PCN's manager and administrator, its two link workers holding the most open
    cases, and its referrals."""
    with database.session() as session:
        pcn_id, total = ics_copies.largest_pcn(session)
        manager = ics_copies.first_of_role(session, pcn_id, Role.MANAGER)
        admin = ics_copies.first_of_role(session, pcn_id, Role.ADMIN)
        busiest, next_busiest = ics_copies.busiest_link_workers(session, pcn_id, 2)
        return manager, admin, busiest, next_busiest, total


if __name__ == "__main__":
    raise SystemExit(main())
