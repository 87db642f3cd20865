"""Time matching a person to the ICB-scale directory (20,000 services); target under 50 ms.

Work on copies: opening a database of an older schema migrates it (the time that takes is
printed first), and ``--shared`` rewrites the directory.

    cp -a /tmp/ics-sqlite/demo /tmp/ics-match-copy
    .venv/bin/python benchmarks/matching.py --data-dir /tmp/ics-match-copy

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database ics_match template ics_bench'
    .venv/bin/python benchmarks/matching.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/ics_match

Each figure is one read-only unit of work as the match screen runs it: opening the screen
(``matching.start``: the person's criteria and the PCN's attendance record), a first search
(``matching.match`` reading that record itself), and searching again from the open screen (the
record passed in, as the screen does). Searches use the directory as held in memory
(``services.directory_table``); the last line times the search that follows a change to the
directory (one service renamed before each run, not timed), which reads the PCN's directory again.
Each shows the wall-clock median and 95th percentile,
and the median CPU time of this process (the whole match on SQLite, the client's share on
PostgreSQL), which on a busy machine tells the work apart from the wait for a core. Each run is
for a different open case of the largest PCN (the same cases for every run of a seed), under
criteria of increasing reach: the person's own (prefilled by ``matching.start``: their needs,
age, language and access needs), within 5 km, then evenings only and free as well, and every
need the PCN records (every active service the PCN sees is then a candidate, and the best
``matching.MAX_MATCHES`` are returned).

In the demo most services belong to one PCN and a tenth are shared by all, so a PCN's link
worker sees about 2,200 of the 18,000 active services. ``--shared`` first makes every service
shared (an ICB that keeps one directory for all its PCNs), so every match weighs them all.
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

from sqlalchemy import func, or_, select, update

from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.matching import MatchCriteria
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.domain.schedule import TimeSlot
from linkworker.services import matching, needs
from linkworker.services.actor import Actor
from linkworker.store.database import Database, open_database
from linkworker.store.errors import StoreError
from linkworker.store.models import Referral, ReferralNeed, Service, UserAccount

TARGET_MS = 50.0


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    cpu_ms: float
    detail: str

    def line(self) -> str:
        flag = "" if self.p95_ms < TARGET_MS else "  <-- over target"
        figures = f"{self.median_ms:>9.1f}{self.p95_ms:>9.1f}{self.cpu_ms:>9.1f}"
        return f"  {self.name:<40}{figures}  {self.detail}{flag}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--data-dir", type=Path, help="folder with linkworker.db and keys/ (a copy)")
    target.add_argument("--database-url", help="a PostgreSQL database holding the ICB-scale demo (a copy)")
    parser.add_argument("--repeat", type=int, default=30, help="timed matches under each criteria")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--shared", action="store_true", help="make every service shared first")
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if arguments.database_url:
            database = open_database(Path("unused"), Path("unused"), arguments.database_url)
        else:
            folder = arguments.data_dir
            database = open_database(folder / "linkworker.db", folder / "keys", None)
    except StoreError as error:
        print(f"matching benchmark: {error}", file=sys.stderr)
        return 2
    print(f"Opened (and migrated if behind) {database.location.description}")
    print(f"  in {time.perf_counter() - started:.1f} s")
    try:
        if arguments.shared:
            _share_everything(database)
        run(database, arguments.repeat, random.Random(arguments.seed))
    finally:
        database.dispose()
    return 0


def run(database: Database, repeat: int, chosen: random.Random) -> list[Timing]:
    worker = _worker_of_largest_pcn(database)
    visible, total = _directory_size(database, worker)
    print(
        f"Link worker {worker.user_id} of PCN {worker.pcn_id}: "
        f"{visible:,} of {total:,} active services visible"
    )
    cases = _open_cases(database, worker, chosen, repeat + 1)
    starts: list[matching.MatchStart] = []

    def open_screen() -> None:
        with database.read_session() as session:
            starts.append(matching.start(session, worker, cases[len(starts) % len(cases)]))

    opening = _timed("open the match screen (start)", open_screen, repeat, lambda: "")
    located = sum(start.located for start in starts)
    print(f"{len(starts)} openings of {len(cases)} open cases, {located} with a home the lookup places")
    with database.read_session() as session:
        every_need = frozenset(need.code for need in needs.needs_for(session, worker))

    def own(criteria: MatchCriteria) -> MatchCriteria:
        return criteria

    def nearby(criteria: MatchCriteria) -> MatchCriteria:
        return replace(criteria, max_distance_km=5.0)

    def nearby_evenings_free(criteria: MatchCriteria) -> MatchCriteria:
        return replace(nearby(criteria), times=frozenset({TimeSlot.EVENING}), max_cost=CostKind.FREE)

    def every(criteria: MatchCriteria) -> MatchCriteria:
        return replace(criteria, needs=every_need, access_needs=frozenset())

    def change_one_service() -> None:
        with database.session() as session:
            service = session.scalars(select(Service).order_by(Service.id).limit(1)).one()
            renamed = service.name.endswith(" (renamed)")
            service.name = service.name.removesuffix(" (renamed)") if renamed else f"{service.name} (renamed)"

    scenarios: list[tuple[str, Callable[[MatchCriteria], MatchCriteria], bool, Callable[[], None] | None]] = [
        ("first search, the person's own criteria", own, False, None),
        ("again, the person's own criteria", own, True, None),
        ("again, within 5 km", nearby, True, None),
        ("again, within 5 km, evenings, free", nearby_evenings_free, True, None),
        ("first search, every need", every, False, None),
        ("again, every need", every, True, None),
        ("again, after a change to the directory", own, True, change_one_service),
    ]
    print(f"  {'one unit of work (ms)':<40}{'median':>9}{'p95':>9}{'cpu':>9}  matches (median)")
    print(opening.line())
    timings = []
    for name, criteria_for, again, prepare in scenarios:
        found: list[int] = []

        def one_match(
            criteria_for: Callable[[MatchCriteria], MatchCriteria] = criteria_for,
            again: bool = again,
            found: list[int] = found,
        ) -> None:
            start = starts[len(found) % len(starts)]
            known = start.history if again else None
            with database.read_session() as session:
                matches = matching.match(
                    session, worker, start.referral_id, criteria_for(start.criteria), known=known
                )
            found.append(len(matches))

        timing = _timed(
            name, one_match, repeat, lambda found=found: f"{statistics.median(found):,.0f}", prepare
        )
        print(timing.line())
        timings.append(timing)
    return timings


def _timed(
    name: str,
    work: Callable[[], None],
    repeat: int,
    detail: Callable[[], str],
    prepare: Callable[[], None] | None = None,
) -> Timing:
    work()  # warm-up: caches, the first connection
    times = []
    cpu = []
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        began, began_cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]  # nearest rank
    return Timing(name, statistics.median(times), p95, statistics.median(cpu), detail())


def _worker_of_largest_pcn(database: Database) -> Actor:
    with database.read_session() as session:
        pcn_id = session.execute(
            select(Referral.pcn_id)
            .group_by(Referral.pcn_id)
            .order_by(func.count(Referral.id).desc(), Referral.pcn_id)
            .limit(1)
        ).scalar_one()
        user = session.scalars(
            select(UserAccount)
            .where(UserAccount.pcn_id == pcn_id, UserAccount.role == Role.LINK_WORKER.value)
            .order_by(UserAccount.id)
            .limit(1)
        ).one()
        return Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id)


def _directory_size(database: Database, actor: Actor) -> tuple[int, int]:
    active = Service.status == ServiceStatus.ACTIVE.value
    with database.read_session() as session:
        visible = session.scalar(
            select(func.count())
            .select_from(Service)
            .where(active, or_(Service.pcn_id.is_(None), Service.pcn_id == actor.pcn_id))
        )
        total = session.scalar(select(func.count()).select_from(Service).where(active))
    return visible or 0, total or 0


def _open_cases(database: Database, actor: Actor, chosen: random.Random, count: int) -> list[int]:
    """Open cases of the PCN that record at least one need, drawn at random."""
    open_statuses = [status.value for status in CaseStatus if status.is_open]
    with database.read_session() as session:
        ids = sorted(
            set(
                session.scalars(
                    select(Referral.id)
                    .join(ReferralNeed, ReferralNeed.referral_id == Referral.id)
                    .where(Referral.pcn_id == actor.pcn_id, Referral.status.in_(open_statuses))
                )
            )
        )
    return chosen.sample(ids, min(count, len(ids)))


def _share_everything(database: Database) -> None:
    started = time.perf_counter()
    with database.session() as session:
        session.execute(update(Service).values(pcn_id=None))
    print(f"Made every service shared by all PCNs in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
