"""Time the monthly PCN summary on the ICB-scale database: building the figures for the largest
PCN, building and rendering its PDF, and building and rendering every PCN's one after another:
each in its own session (as separate runs would), then all in one (as ``--out-dir`` does).

Work on copies: opening a database of an older schema migrates it (the time that takes is
printed first).

    cp -a /tmp/ics-bench-copy /tmp/summary-ics
    .venv/bin/python benchmarks/summary.py --data-dir /tmp/summary-ics

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'create database summary_ics template ics_match'
    .venv/bin/python benchmarks/summary.py \\
        --database-url postgresql://postgres@127.0.0.1:55432/summary_ics

The month is the last whole calendar month before the newest referral on record. The actor is
the PCN's manager. Medians and 95th percentiles over ``--repeat`` runs after a warm-up; every
PCN's summary is built and rendered once each, and the totals and the slowest are given.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, timedelta

import ics_copies  # benchmarks/ics_copies.py, beside this file
from sqlalchemy import func, select

from linkworker.domain.disclosure import NHS_DIGITAL
from linkworker.domain.roles import Role
from linkworker.reports import summary_pdf
from linkworker.services.summary import summary
from linkworker.store.database import Database
from linkworker.store.models import Pcn, Referral

TABLE = ics_copies.Table(name_width=40, target_ms=5000.0, cpu=True)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = ics_copies.parser(__doc__, "timed runs of each piece of work").parse_args(argv)
    return ics_copies.run_on_copy(arguments, "summary", lambda database: run(database, arguments.repeat))


def run(database: Database, repeat: int) -> None:
    with database.read_session() as session:
        pcn_id, referrals = ics_copies.largest_pcn(session)
        manager = ics_copies.first_of_role(session, pcn_id, Role.MANAGER)
        newest = session.scalar(select(func.max(Referral.received_on)))
        pcn_ids = list(session.scalars(select(Pcn.id).order_by(Pcn.id)))
    assert newest is not None
    month = (newest.replace(day=1) - timedelta(days=1)).replace(day=1)
    with database.read_session() as session:
        built = summary.build(session, manager, month)
    key = ", ".join(
        f"{figure.label} {figure.exact:g}" for figure in built.key_figures if figure.exact is not None
    )
    print(f"PCN {pcn_id} ({referrals} referrals), {month:%B %Y}: {key}")
    print(TABLE.heading("work (ms)"))

    def build() -> None:
        with database.read_session() as session:
            summary.build(session, manager, month)

    def build_and_render() -> None:
        with database.read_session() as session:
            summary_pdf.render(summary.build(session, manager, month), NHS_DIGITAL)

    print(TABLE.line(ics_copies.timed("build the largest PCN's figures", build, repeat)))
    print(TABLE.line(ics_copies.timed("build and render its PDF", build_and_render, repeat)))
    print(_every_pcn(database, pcn_ids, month))
    print(_every_pcn_in_one_run(database, pcn_id, month))


def _every_pcn(database: Database, pcn_ids: list[int], month: date) -> str:
    """Each PCN's summary built and rendered once, by its manager: the totals and the slowest."""
    built, rendered = [], []
    for pcn_id in pcn_ids:
        with database.read_session() as session:
            manager = ics_copies.first_of_role(session, pcn_id, Role.MANAGER)
            began = time.perf_counter()
            made = summary.build(session, manager, month)
            built.append(time.perf_counter() - began)
        began = time.perf_counter()
        summary_pdf.render(made, NHS_DIGITAL)
        rendered.append(time.perf_counter() - began)
    whole = [build + render for build, render in zip(built, rendered, strict=True)]
    return (
        f"  every PCN ({len(pcn_ids)}) once: figures {sum(built):.1f} s, with their PDFs "
        f"{sum(whole):.1f} s in all; slowest {max(whole) * 1000:.0f} ms"
    )


def _every_pcn_in_one_run(database: Database, pcn_id: int, month: date) -> str:
    """Every PCN's figures and PDF as ``linkworker report --out-dir`` makes them: an administrator,
    one unit of work for all (files and audit events not included)."""
    with database.read_session() as session:
        admin = ics_copies.first_of_role(session, pcn_id, Role.ADMIN)
        began = time.perf_counter()
        scopes = summary.scopes(session, admin)
        for scope in scopes:
            made = summary.build(session, admin, month, pcn_id=scope.pcn.id)
            summary_pdf.render(made, NHS_DIGITAL)
        took = time.perf_counter() - began
    return f"  every PCN ({len(scopes)}) in one run, as --out-dir: figures and PDFs {took:.1f} s"


if __name__ == "__main__":
    raise SystemExit(main())
