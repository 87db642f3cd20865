"""Time ``audit verify`` (services.audit.verify_chain) on a copy of the ICB-scale database.

    cp -a /tmp/ics-sqlite/demo /tmp/ics-audit-copy
    .venv/bin/python benchmarks/audit_verify.py --data-dir /tmp/ics-audit-copy --add-events 1000000

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database ics_audit_copy template ics_bench'
    .venv/bin/python benchmarks/audit_verify.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/ics_audit_copy --add-events 1000000

Work on copies: every check is audited, ``--add-events`` writes to the copy, and opening one of
an older schema migrates it (0012 seals its trail; the time opening took is printed first).

The demo's build writes only a few dozen audit events (counts per stage, not one per row), so
``--add-events N`` first appends N events through ``services.audit.record_each`` in units of
work of 10,000, sealed as the app seals them, to give the trail the size of a shared server's
(each of 150 link workers opening, listing and saving cases writes a few hundred a day: about
7 million a year). Then each of ``--repeat`` checks runs as ``linkworker audit verify`` does: a
read-only walk, then the check's own event in a unit of work of its own. Printed for each: the
events checked, the seconds of the walk (reading and verifying) and of the whole check, events
per second, and, at the end, the peak memory of this process (the walk keeps one batch of
events; only a broken trail is read whole).
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Sequence

import ics_copies  # benchmarks/ics_copies.py, beside this file
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn

BATCH = 10_000


def main(argv: Sequence[str] | None = None) -> int:
    parser = ics_copies.parser(__doc__, "checks of the whole trail (default 3)")
    parser.set_defaults(repeat=3)
    parser.add_argument(
        "--add-events", type=int, default=0, metavar="N", help="first append N audit events (default 0)"
    )
    arguments = parser.parse_args(argv)

    def work(database: Database) -> None:
        admin = _first_administrator(database)
        if arguments.add_events:
            _add_events(database, admin, arguments.add_events)
        _check(database, admin, arguments.repeat)

    return ics_copies.run_on_copy(arguments, "audit verify", work)


def _first_administrator(database: Database) -> Actor:
    """The administrator of the first PCN set up, who administers the server."""
    with database.read_session() as session:
        first_pcn = session.scalar(select(func.min(Pcn.id)))
        assert first_pcn is not None, "the copy has no PCN: build the demo first"
        return ics_copies.first_of_role(session, first_pcn, Role.ADMIN)


def _add_events(database: Database, admin: Actor, count: int) -> None:
    started = time.perf_counter()
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        with database.session() as session:
            records = [(1 + (written + n) % 1000, f"benchmark event {written + n}") for n in range(size)]
            audit.record_each(session, admin, "benchmark_event", "referral", records)
        written += size
    seconds = time.perf_counter() - started
    print(f"Added {count:,} events in {seconds:.1f} s ({count / seconds:,.0f} events/s)")


def _check(database: Database, admin: Actor, repeat: int) -> None:
    with database.read_session() as session:
        print(f"Audit trail: {session.scalar(select(func.count(AuditEvent.id))):,} events")
    print(f"  {'run':<5}{'events':>12}{'walk s':>9}{'total s':>9}{'events/s':>12}  outcome")
    walks = []
    for run in range(1, repeat + 1):
        started = time.perf_counter()
        report = audit.verify_chain(database, admin)
        total = time.perf_counter() - started
        walks.append(report.seconds)
        outcome = "whole" if report.whole else f"{len(report.breaks)} breaks, first {report.breaks[0]}"
        rate = report.events / report.seconds if report.seconds else 0.0
        print(f"  {run:<5}{report.events:>12,}{report.seconds:>9.2f}{total:>9.2f}{rate:>12,.0f}  {outcome}")
    print(f"Median walk: {statistics.median(walks):.2f} s")
    print(f"Peak memory of this process: {_peak_mib():,.0f} MiB")


def _peak_mib() -> float:
    """The process's peak resident memory (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


if __name__ == "__main__":
    sys.exit(main())
