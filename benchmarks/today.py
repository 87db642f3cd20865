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

from collections.abc import Sequence

import ics_copies  # benchmarks/ics_copies.py, beside this file
from sqlalchemy import func, select

from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import today
from linkworker.store.database import Database
from linkworker.store.models import FollowUp, Referral, UserAccount

TABLE = ics_copies.Table(name_width=40, target_ms=100.0)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = ics_copies.parser(__doc__, "timed runs of each read").parse_args(argv)

    def work(database: Database) -> None:
        for worker, why in _workers(database):
            run(database, worker, why, arguments.repeat)

    return ics_copies.run_on_copy(arguments, "today", work)


def run(database: Database, worker: Actor, why: str, repeat: int) -> None:
    with database.read_session() as session:
        lists = today.today_lists(session, worker, reread=True)
    print(
        f"Link worker {worker.user_id} of PCN {worker.pcn_id} ({why}): {len(lists.overdue)} overdue, "
        f"{len(lists.due_today)} due today, {len(lists.due_this_week)} later this week, "
        f"{lists.unassigned_total} not assigned, {lists.waiting_total} waiting over "
        f"{lists.first_contact_working_days} working days"
    )
    print(TABLE.heading("read (ms)"))

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
        print(TABLE.line(ics_copies.timed(name, work, repeat)))


def _workers(database: Database) -> list[tuple[Actor, str]]:
    """In the largest PCN: the link worker with the most open follow-ups, and the one with the
    most open cases still at "referred" (the first-contact list's candidates)."""
    with database.read_session() as session:
        pcn_id, _ = ics_copies.largest_pcn(session)
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
            (ics_copies.actor(most_follow_ups), "most open follow-ups"),
            (ics_copies.actor(most_waiting), "most cases not yet contacted"),
        ]


if __name__ == "__main__":
    raise SystemExit(main())
