"""Time the Today screen's reads on the ICB-scale database: the whole screen, reading it again,
and the check behind the notice of what has come due.

Work on copies: opening a database of an older schema migrates it (the time that takes is
printed first), and opening the screen writes an audit event.

    cp -a /tmp/ics-bench-copy /tmp/today-ics
    .venv/bin/python benchmarks/today.py --data-dir /tmp/today-ics

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database today_ics template ics_match'
    .venv/bin/python benchmarks/today.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/today_ics

``--data-dir`` is a folder holding linkworker.db and its keys folder. The link worker is the
one with the most open follow-ups in the largest PCN (so the longest lists), and a second run
takes the one with the most cases waiting for a first contact. Each figure is one unit of work
as the window runs it; medians and 95th percentiles over ``--repeat`` runs after a warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select

from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services import today
from linkworker.services.actor import Actor
from linkworker.store.database import Database, open_database
from linkworker.store.errors import StoreError
from linkworker.store.models import FollowUp, Referral, UserAccount

TARGET_MS = 100.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--data-dir", type=Path, help="folder with linkworker.db and keys/ (a copy)")
    target.add_argument("--database-url", help="a PostgreSQL database holding the ICB-scale demo")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each read")
    arguments = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if arguments.database_url:
            database = open_database(Path("unused"), Path("unused"), arguments.database_url)
        else:
            folder = arguments.data_dir
            database = open_database(folder / "linkworker.db", folder / "keys", None)
    except StoreError as error:
        print(f"today benchmark: {error}", file=sys.stderr)
        return 2
    print(f"Opened (and migrated if behind) {database.location.description}")
    print(f"  in {time.perf_counter() - started:.1f} s")
    try:
        for worker, why in _workers(database):
            run(database, worker, why, arguments.repeat)
    finally:
        database.dispose()
    return 0


def run(database: Database, worker: Actor, why: str, repeat: int) -> None:
    with database.read_session() as session:
        lists = today.today_lists(session, worker, reread=True)
    print(
        f"Link worker {worker.user_id} of PCN {worker.pcn_id} ({why}): {len(lists.overdue)} overdue, "
        f"{len(lists.due_today)} due today, {len(lists.due_this_week)} later this week, "
        f"{lists.unassigned_total} not assigned, {lists.waiting_total} waiting over "
        f"{lists.first_contact_working_days} working days"
    )
    print(f"  {'read (ms)':<40}{'median':>9}{'p95':>9}")

    def open_screen() -> None:
        with database.session() as session:
            today.today_lists(session, worker)

    def read_again() -> None:
        with database.read_session() as session:
            today.today_lists(session, worker, reread=True)

    def check_due() -> None:
        with database.read_session() as session:
            today.due_now(session, worker)

    for name, work in (
        ("open the Today screen (audited)", open_screen),
        ("read it again (focus, timer)", read_again),
        ("check what has come due (notice)", check_due),
    ):
        median, p95 = _timed(work, repeat)
        flag = "" if p95 < TARGET_MS else "  <-- over target"
        print(f"  {name:<40}{median:>9.1f}{p95:>9.1f}{flag}")


def _timed(work: Callable[[], None], repeat: int) -> tuple[float, float]:
    work()  # warm-up: caches, the first connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]


def _workers(database: Database) -> list[tuple[Actor, str]]:
    """In the largest PCN: the link worker with the most open follow-ups, and the one with the
    most open cases still at "referred" (the first-contact list's candidates)."""
    with database.read_session() as session:
        pcn_id = session.execute(
            select(Referral.pcn_id)
            .group_by(Referral.pcn_id)
            .order_by(func.count(Referral.id).desc(), Referral.pcn_id)
            .limit(1)
        ).scalar_one()
        in_pcn = (UserAccount.pcn_id == pcn_id, UserAccount.role == Role.LINK_WORKER.value)
        most_follow_ups = session.execute(
            select(UserAccount)
            .join(FollowUp, FollowUp.owner_id == UserAccount.id)
            .where(*in_pcn, FollowUp.done_at.is_(None), FollowUp.cancelled_at.is_(None))
            .group_by(UserAccount.id)
            .order_by(func.count(FollowUp.id).desc(), UserAccount.id)
            .limit(1)
        ).scalar_one()
        most_waiting = session.execute(
            select(UserAccount)
            .join(Referral, Referral.assigned_worker_id == UserAccount.id)
            .where(*in_pcn, Referral.status == CaseStatus.REFERRED.value)
            .group_by(UserAccount.id)
            .order_by(func.count(Referral.id).desc(), UserAccount.id)
            .limit(1)
        ).scalar_one()
        return [
            (Actor(user.id, user.username, user.full_name, Role(user.role), user.pcn_id), why)
            for user, why in (
                (most_follow_ups, "most open follow-ups"),
                (most_waiting, "most cases not yet contacted"),
            )
        ]


if __name__ == "__main__":
    raise SystemExit(main())
