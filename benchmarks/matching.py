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
directory (one service renamed before each run, not timed), which reads that one service again
and builds the table's columns anew from those held.
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

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import ics_copies  # benchmarks/ics_copies.py, beside this file
from ics_copies import Timing, timed
from sqlalchemy import func, or_, select, update

from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.matching import MatchCriteria
from linkworker.domain.roles import Role
from linkworker.domain.schedule import TimeSlot
from linkworker.services.actor import Actor
from linkworker.services.cases import matching, needs
from linkworker.store.database import Database
from linkworker.store.models import Referral, ReferralNeed, Service

TABLE = ics_copies.Table(name_width=40, target_ms=50.0, cpu=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = ics_copies.parser(__doc__, "timed matches under each criteria")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--shared", action="store_true", help="make every service shared first")
    arguments = parser.parse_args(argv)

    def work(database: Database) -> None:
        if arguments.shared:
            _share_everything(database)
        run(database, arguments.repeat, random.Random(arguments.seed))

    return ics_copies.run_on_copy(arguments, "matching", work)


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

    opening = timed("open the match screen (start)", open_screen, repeat, lambda: "")
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
    print(TABLE.heading("one unit of work (ms)", "matches (median)"))
    print(TABLE.line(opening))
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

        timing = timed(
            name, one_match, repeat, lambda found=found: f"{statistics.median(found):,.0f}", prepare
        )
        print(TABLE.line(timing))
        timings.append(timing)
    return timings


def _worker_of_largest_pcn(database: Database) -> Actor:
    with database.read_session() as session:
        pcn_id, _ = ics_copies.largest_pcn(session)
        return ics_copies.first_of_role(session, pcn_id, Role.LINK_WORKER)


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
    with database.read_session() as session:
        ids = sorted(
            set(
                session.scalars(
                    select(Referral.id)
                    .join(ReferralNeed, ReferralNeed.referral_id == Referral.id)
                    .where(Referral.pcn_id == actor.pcn_id, Referral.status.in_(ics_copies.open_statuses()))
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
