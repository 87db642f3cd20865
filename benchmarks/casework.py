"""Time a link worker's everyday reads on the ICB-scale database: caseload pages and case records.

Work on copies: opening a database of an older schema migrates it (the time that takes is
printed first), and every run writes audit events.

    cp -a /tmp/ics-sqlite/demo /tmp/ics-bench-copy
    .venv/bin/python benchmarks/casework.py --data-dir /tmp/ics-bench-copy

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database ics_bench_copy template ics_bench'
    .venv/bin/python benchmarks/casework.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/ics_bench_copy

``--data-dir`` is a folder holding linkworker.db and its keys folder, as build_ics.py leaves
DIR/demo. The link worker is the one holding the most open cases in the largest PCN. Each
caseload figure is one unit of work as the list runs it (``caseload.first_page``): the first
page of 100 rows and the count, in one session, which also writes the audit event. Each case
record is ``case_record.open_case`` on a different case of that PCN. Medians and 95th
percentiles over ``--repeat`` runs, after one warm-up run of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services import case_record, caseload
from linkworker.services.actor import Actor
from linkworker.services.caseload import CaseloadQuery, Scope, SortKey, StatusGroup
from linkworker.store.database import Database, open_database
from linkworker.store.errors import StoreError
from linkworker.store.models import Patient, Referral, ReferralNeed, UserAccount

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
        return f"  {self.name:<48}{self.median_ms:>9.1f}{self.p95_ms:>9.1f}  {self.detail}{flag}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--data-dir", type=Path, help="folder with linkworker.db and keys/ (a copy)")
    target.add_argument("--database-url", help="a PostgreSQL database holding the ICB-scale demo")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if arguments.database_url:
            database = open_database(Path("unused"), Path("unused"), arguments.database_url)
        else:
            folder = arguments.data_dir
            database = open_database(folder / "linkworker.db", folder / "keys", None)
    except StoreError as error:
        print(f"casework benchmark: {error}", file=sys.stderr)
        return 2
    print(f"Opened (and migrated if behind) {database.location.description}")
    print(f"  in {time.perf_counter() - started:.1f} s")
    try:
        for timing in run(database, arguments.repeat, random.Random(arguments.seed)):
            print(timing.line())
    finally:
        database.dispose()
    return 0


def run(database: Database, repeat: int, chosen: random.Random) -> list[Timing]:
    worker, referral_count = _busiest_worker(database)
    print(f"Link worker {worker.user_id} of PCN {worker.pcn_id} ({referral_count:,} referrals in the PCN)")
    need, name_prefix, number, case_ids = _samples(database, worker, chosen, repeat + 1)
    pcn = CaseloadQuery(scope=Scope.PCN)
    queries = {
        "my open cases, newest first": CaseloadQuery(),
        "PCN, status contacted": replace(pcn, status=CaseStatus.CONTACTED),
        "PCN, all statuses": replace(pcn, status=StatusGroup.ANY),
        f"PCN, need {need}": replace(pcn, need=need),
        "PCN, name search (1 letter)": replace(pcn, search=name_prefix[:1], status=StatusGroup.ANY),
        "PCN, name search (3 letters)": replace(pcn, search=name_prefix, status=StatusGroup.ANY),
        "PCN, NHS number search": replace(pcn, search=number, status=StatusGroup.ANY),
        "PCN, all statuses, by person": replace(pcn, status=StatusGroup.ANY, sort=SortKey.PERSON),
        "PCN, all statuses, by age": replace(pcn, status=StatusGroup.ANY, sort=SortKey.AGE),
        "PCN, all statuses, by needs": replace(pcn, status=StatusGroup.ANY, sort=SortKey.NEEDS),
        "PCN, open, by link worker": replace(pcn, sort=SortKey.WORKER),
    }
    print(f"  {'first page of ' + str(PAGE) + ' and the count (ms)':<48}{'median':>9}{'p95':>9}  cases found")
    timings = []
    for name, query in queries.items():
        found: list[int] = []

        def first_page(query: CaseloadQuery = query, found: list[int] = found) -> None:
            with database.session() as session:
                found.append(caseload.first_page(session, worker, query, PAGE).total)

        timings.append(_timed(name, first_page, repeat, lambda found=found: f"{found[-1]:,}"))

    sizes: list[int] = []

    def open_one() -> None:
        with database.session() as session:
            record = case_record.open_case(session, worker, case_ids[len(sizes) % len(case_ids)])
            sizes.append(len(record.timeline))

    timings.append(
        _timed(
            "open a case record",
            open_one,
            repeat,
            lambda: f"{statistics.median(sizes):.0f} timeline entries (median)",
        )
    )
    return timings


def _timed(name: str, work: Callable[[], None], repeat: int, detail: Callable[[], str]) -> Timing:
    work()  # warm-up: caches, prepared plans, the first connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]  # nearest rank
    return Timing(name, statistics.median(times), p95, detail())


def _busiest_worker(database: Database) -> tuple[Actor, int]:
    """The link worker holding the most open cases in the largest PCN, and that PCN's referrals."""
    open_statuses = [status.value for status in CaseStatus if status.is_open]
    with database.session() as session:
        pcn_id, total = session.execute(
            select(Referral.pcn_id, func.count(Referral.id))
            .group_by(Referral.pcn_id)
            .order_by(func.count(Referral.id).desc(), Referral.pcn_id)
            .limit(1)
        ).one()
        user = session.execute(
            select(UserAccount)
            .join(Referral, Referral.assigned_worker_id == UserAccount.id)
            .where(
                UserAccount.pcn_id == pcn_id,
                UserAccount.role == Role.LINK_WORKER.value,
                Referral.status.in_(open_statuses),
            )
            .group_by(UserAccount.id)
            .order_by(func.count(Referral.id).desc(), UserAccount.id)
            .limit(1)
        ).scalar_one()
        actor = Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id)
    return actor, total


def _samples(
    database: Database, actor: Actor, chosen: random.Random, cases: int
) -> tuple[str, str, str, list[int]]:
    """The PCN's most used need, a family-name start and an NHS number of one of its people,
    and cases of the PCN to open (drawn at random, the same ones for every run of a seed)."""
    with database.session() as session:
        need = session.execute(
            select(ReferralNeed.need_code)
            .join(Referral, Referral.id == ReferralNeed.referral_id)
            .where(Referral.pcn_id == actor.pcn_id)
            .group_by(ReferralNeed.need_code)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        ids = list(session.scalars(select(Referral.id).where(Referral.pcn_id == actor.pcn_id)))
        picked = chosen.sample(ids, cases)
        family, number = session.execute(
            select(Patient.family_name, Patient.nhs_number)
            .join(Referral, Referral.patient_id == Patient.id)
            .where(Referral.id.in_(picked), Patient.nhs_number.is_not(None))
            .order_by(Referral.id)
            .limit(1)
        ).one()
    return need, family[:3], number, picked


if __name__ == "__main__":
    raise SystemExit(main())
