"""Time the figures of who is reached (issue 18) on the ICB-scale database: the ICB's view across
every PCN (target under 5 s for 42 PCNs) and the largest PCN's monthly summary with its new
sections (target under 2 s), each built and each rendered as its PDF.

Work on a copy: opening a database of an older schema migrates it.

    cp -r /tmp/ics/demo /tmp/ics-equity/
    .venv/bin/python benchmarks/equity.py --data-dir /tmp/ics-equity/demo

A copy built before issue 18 has no deprivation data: its postcodes have no LSOA or rank and no
practice population is imported. Then (``--fill``, on by default) each full postcode of the
lookup is put in an invented LSOA (twelve postcodes of a district to an area, in postcode
order) ranked in the English IMD 2019 (a decile drawn per area, seeded, as the demo does), and
each practice's patients (``patient.registered_practice_id``) are counted by their postcode's
LSOA into a practice population extract on the 1st of the month: the same shape of data the
demo makes, written straight into the copy's tables (a benchmark's set-up, not an import).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

import ics_copies  # benchmarks/ics_copies.py, beside this file
from sqlalchemy import bindparam, func, insert, select, update

from linkworker.domain import deprivation
from linkworker.domain.disclosure import NHS_DIGITAL
from linkworker.domain.roles import Role
from linkworker.reports import icb_pdf, summary_pdf
from linkworker.services.summary import icb, summary
from linkworker.store.database import Database
from linkworker.store.models import (
    Patient,
    Pcn,
    PostcodePoint,
    Practice,
    PracticePopulation,
    Referral,
    UserAccount,
)

TABLE = ics_copies.Table(name_width=44, target_ms=5000.0, cpu=True)
AREA_SIZE = 12  # postcodes to an invented LSOA


def main(argv: Sequence[str] | None = None) -> int:
    arguments = ics_copies.parser(__doc__, "timed runs of each piece of work").parse_args(argv)
    return ics_copies.run_on_copy(arguments, "equity", lambda database: run(database, arguments.repeat))


def fill(database: Database, month: date) -> str:
    """Invent LSOAs, ranks and a practice population where the copy has none (see the module)."""
    with database.session() as session:
        if session.scalar(select(func.count()).select_from(PracticePopulation)):
            return "deprivation data already there"
        began = time.perf_counter()
        rng = random.Random(18)
        codes = list(
            session.scalars(
                select(PostcodePoint.postcode)
                .where(PostcodePoint.postcode.like("% %"))
                .order_by(PostcodePoint.postcode)
            )
        )
        lsoa_of: dict[str, str] = {}
        rows = []
        for start in range(0, len(codes), AREA_SIZE):
            lsoa = f"E01{start // AREA_SIZE:06d}"
            rank = rng.randint(*deprivation.decile_ranks(rng.randint(1, 10), deprivation.IMD_2019))
            for code in codes[start : start + AREA_SIZE]:
                lsoa_of[code] = lsoa
                rows.append({"p": code, "l": lsoa, "r": rank})
        table = PostcodePoint.__table__
        statement = (
            update(table)
            .where(table.c.postcode == bindparam("p"))
            .values(
                lsoa_code=bindparam("l"),
                imd_rank=bindparam("r"),
                imd_index=deprivation.IMD_2019.code,
                country=deprivation.Nation.ENGLAND.value,
            )
        )
        for start in range(0, len(rows), 5000):
            session.execute(statement, rows[start : start + 5000])
        practices = {pid: code for pid, code in session.execute(select(Practice.id, Practice.ods_code))}
        counted: Counter[tuple[str, str]] = Counter()
        for practice_id, typed in session.execute(
            select(Patient.registered_practice_id, Patient.postcode).where(
                Patient.registered_practice_id.is_not(None)
            )
        ):
            if typed in lsoa_of:
                counted[(practices[practice_id], lsoa_of[typed])] += 1
        extract = month.replace(day=1)
        population = [
            {"extract_date": extract, "practice_code": code, "lsoa_code": lsoa, "patients": patients}
            for (code, lsoa), patients in counted.items()
        ]
        for start in range(0, len(population), 5000):
            session.execute(insert(PracticePopulation), population[start : start + 5000])
        return (
            f"filled: {len(codes):,} postcodes in {len(codes) // AREA_SIZE + 1:,} LSOAs, "
            f"{sum(counted.values()):,} registered patients in {len(population):,} rows "
            f"({time.perf_counter() - began:.1f} s)"
        )


def run(database: Database, repeat: int) -> None:
    with database.read_session() as session:
        pcn_id, referrals = ics_copies.largest_pcn(session)
        manager = ics_copies.first_of_role(session, pcn_id, Role.MANAGER)
        newest = session.scalar(select(func.max(Referral.received_on)))
        admin_user = session.scalars(
            select(UserAccount).where(UserAccount.administers_server.is_(True)).order_by(UserAccount.id)
        ).first()
        pcns = session.scalar(select(func.count()).select_from(Pcn))
    assert newest is not None and admin_user is not None
    admin = ics_copies.actor(admin_user)
    month = (newest.replace(day=1) - timedelta(days=1)).replace(day=1)
    print(fill(database, month))
    print(f"{pcns} PCNs; the largest, PCN {pcn_id}, has {referrals} referrals; {month:%B %Y}")
    print(TABLE.heading("work (ms)"))

    def view() -> None:
        with database.read_session() as session:
            icb.build(session, admin, month)

    def view_and_pdf() -> None:
        with database.read_session() as session:
            icb_pdf.render(icb.build(session, admin, month))

    def manager_view() -> None:
        with database.read_session() as session:
            icb.build(session, manager, month)

    def build() -> None:
        with database.read_session() as session:
            summary.build(session, manager, month)

    def build_and_render() -> None:
        with database.read_session() as session:
            summary_pdf.render(summary.build(session, manager, month), NHS_DIGITAL)

    print(TABLE.line(ics_copies.timed(f"ICB view, every PCN ({pcns})", view, repeat)))
    print(TABLE.line(ics_copies.timed("ICB view and its PDF", view_and_pdf, repeat)))
    print(TABLE.line(ics_copies.timed("a manager's view (own PCN against ICB)", manager_view, repeat)))
    print(TABLE.line(ics_copies.timed("largest PCN's summary (new sections)", build, repeat)))
    print(TABLE.line(ics_copies.timed("largest PCN's summary and its PDF", build_and_render, repeat)))
    with database.read_session() as session:
        made = icb.build(session, admin, month)
    for row in [*made.pcns[:3], *([made.icb] if made.icb else [])]:
        print(f"  {row.name[:36]:36} " + " | ".join(row.shown))


if __name__ == "__main__":
    raise SystemExit(main())
