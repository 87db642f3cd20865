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

import random
import statistics
from collections.abc import Sequence
from dataclasses import replace

import ics_copies  # benchmarks/ics_copies.py, beside this file
from ics_copies import Timing, timed
from sqlalchemy import func, select

from linkworker.domain.referrals import CaseStatus
from linkworker.services.actor import Actor
from linkworker.services.cases import case_record
from linkworker.services.cases.caseload import CaseloadQuery, Scope, SortKey, StatusGroup
from linkworker.store.database import Database
from linkworker.store.models import Patient, Referral, ReferralNeed

TABLE = ics_copies.Table(name_width=48, target_ms=100.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = ics_copies.parser(__doc__, "timed runs of each query")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)

    def work(database: Database) -> None:
        for timing in run(database, arguments.repeat, random.Random(arguments.seed)):
            print(TABLE.line(timing))

    return ics_copies.run_on_copy(arguments, "casework", work)


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
    print(TABLE.heading(f"first page of {ics_copies.PAGE} and the count (ms)", "cases found"))
    timings = ics_copies.caseload_pages(database, worker, queries, repeat, "")

    sizes: list[int] = []

    def open_one() -> None:
        with database.session() as session:
            record = case_record.open_case(session, worker, case_ids[len(sizes) % len(case_ids)])
            sizes.append(len(record.timeline))

    timings.append(
        timed(
            "open a case record",
            open_one,
            repeat,
            lambda: f"{statistics.median(sizes):.0f} timeline entries (median)",
        )
    )
    return timings


def _busiest_worker(database: Database) -> tuple[Actor, int]:
    """The link worker holding the most open cases in the largest PCN, and that PCN's referrals."""
    with database.session() as session:
        pcn_id, total = ics_copies.largest_pcn(session)
        (worker,) = ics_copies.busiest_link_workers(session, pcn_id, 1)
    return worker, total


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
