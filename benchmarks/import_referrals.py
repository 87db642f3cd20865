"""Time importing a 10,000-row referral CSV: the preview, then the import in one transaction.

    .venv/bin/python benchmarks/import_referrals.py
    .venv/bin/python benchmarks/import_referrals.py --postgres-server postgresql://postgres@127.0.0.1:55432/postgres

Each run makes a new empty database (an encrypted SQLite file in a temporary folder, or a new
database on the PostgreSQL server, dropped at the end), sets up one PCN of five practices with a
link worker, and writes a file of synthetic referrals: NHS numbers from the 999 test range,
names from the demo's name lists, one person in ten referred twice. It then times reading the
file, the preview, the import, importing the same file again, and importing a re-export of it
in which every mobile number changed (both must add nothing: a referral is known by its NHS
number, referring practice, date received and source). Target: under 10 s for the import.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import scratch  # benchmarks/scratch.py, beside this file
from sqlalchemy import func, select

from linkworker import catalogues
from linkworker.demo.names import NamePools, landline, mobile, street_address
from linkworker.domain.nhs_number import formatted, synthetic_numbers
from linkworker.domain.people import Sex
from linkworker.services.actor import Actor
from linkworker.services.cases import referral_import
from linkworker.store.database import Database
from linkworker.store.models import Patient, Referral

T = TypeVar("T")
PRACTICES = [(f"G9{9100 + n}", f"Benchmark Surgery {n}") for n in range(1, 6)]
TODAY = date(2026, 6, 30)
HEADER = (
    "NHS No",
    "Forename",
    "Surname",
    "DOB",
    "Gender",
    "Address 1",
    "Address 2",
    "Town",
    "Postcode",
    "Home telephone",
    "Mobile",
    "Practice code",
    "Referral source",
    "Referred by",
    "Referral date",
    "Reason for referral",
    "Consent to share with GP",
    "Notes",
)
SOURCES = ("GP", "Practice nurse", "Pharmacist", "Self-referral", "Social care", "Voluntary sector")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    scratch.add_options(parser)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        csv_file = Path(folder) / "referrals.csv"
        seconds, _ = _timed(lambda: write_file(csv_file, arguments.rows, arguments.seed))
        size = csv_file.stat().st_size / 2**20
        print(f"Wrote {arguments.rows:,} rows ({size:.1f} MiB) in {seconds:.1f} s: {csv_file.name}")
        re_exported = Path(folder) / "re-exported.csv"
        re_export(csv_file, re_exported, arguments.seed)
        for database in scratch.databases(arguments, Path(folder), "import"):
            run(database, csv_file, re_exported)
    return 0


def write_file(path: Path, rows: int, seed: int) -> None:
    """Synthetic referrals; one person in ten has a second referral later in the file."""
    rng = random.Random(seed)
    pools = NamePools.from_faker()
    needs = [need.label for need in catalogues.needs()]
    numbers = synthetic_numbers(rng.randrange(100_000))
    people: list[list[str]] = []
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for _ in range(rows):
            if people and rng.random() < 0.1:
                person = rng.choice(people)
            else:
                person = _person(rng, pools, next(numbers))
                people.append(person)
            received = TODAY - timedelta(days=rng.randrange(1, 700))
            writer.writerow(
                [
                    *person,
                    rng.choice(PRACTICES)[0],
                    rng.choice(SOURCES),
                    f"Dr {pools.family_name(rng)}",
                    received.strftime("%d/%m/%Y"),
                    "; ".join(rng.sample(needs, rng.randint(1, 3))),
                    rng.choice(("Yes", "No")),
                    "Synthetic referral for a benchmark." if rng.random() < 0.3 else "",
                ]
            )


def re_export(source: Path, target: Path, seed: int) -> None:
    """The same referrals exported again after every person's mobile number changed."""
    rng = random.Random(seed + 1)
    with source.open(encoding="utf-8-sig", newline="") as reading:
        rows = list(csv.reader(reading))
    column = rows[0].index("Mobile")
    with target.open("w", encoding="utf-8-sig", newline="") as writing:
        writer = csv.writer(writing)
        writer.writerow(rows[0])
        for row in rows[1:]:
            row[column] = mobile(rng)
            writer.writerow(row)


def _person(rng: random.Random, pools: NamePools, number: str) -> list[str]:
    sex = Sex.FEMALE if rng.random() < 0.55 else Sex.MALE
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 75))
    line_1, line_2 = street_address(pools, rng)
    return [
        formatted(number),
        pools.given_name(rng, sex),
        pools.family_name(rng),
        born.strftime("%d/%m/%Y"),
        "Female" if sex is Sex.FEMALE else "Male",
        line_1,
        line_2 or "",
        "Maidstone",
        f"ME{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        landline(rng) if rng.random() < 0.5 else "",
        mobile(rng),
    ]


def run(database: Database, csv_file: Path, re_exported: Path) -> None:
    print(f"\n{database.location.description}")
    worker = scratch.new_link_worker(database, scratch.set_up_pcn(database, PRACTICES))
    seconds, file = _timed(lambda: referral_import.read_file(csv_file))
    print(f"  read the file          {seconds:6.2f} s  ({len(file.rows):,} rows, {file.encoding})")
    seconds, checked = _timed(lambda: _preview(database, worker, file))
    print(
        f"  preview                {seconds:6.2f} s  ({len(checked.accepted):,} accepted, "
        f"{len(checked.rejected):,} rejected, {checked.new_people:,} new people)"
    )
    seconds, result = _timed(lambda: _commit(database, worker, file))
    verdict = "within" if seconds < 10 else "OVER"
    print(
        f"  import                 {seconds:6.2f} s  "
        f"({result.imported:,} referrals; {verdict} the 10 s target)"
    )
    seconds, again = _timed(lambda: _commit(database, worker, file))
    print(
        f"  same file again        {seconds:6.2f} s  "
        f"({again.imported:,} added, {again.already_imported:,} left out)"
    )
    changed = referral_import.read_file(re_exported)
    seconds, again = _timed(lambda: _commit(database, worker, changed))
    print(
        f"  re-export, new mobiles {seconds:6.2f} s  "
        f"({again.imported:,} added, {again.already_imported:,} left out)"
    )
    with database.read_session() as session:
        referrals = session.scalar(select(func.count()).select_from(Referral))
        people = session.scalar(select(func.count()).select_from(Patient))
    print(f"  in the database: {referrals:,} referrals, {people:,} people")


def _preview(
    database: Database, actor: Actor, file: referral_import.ReferralFile
) -> referral_import.ImportPreview:
    with database.read_session() as session:
        return referral_import.preview(session, actor, file, TODAY)


def _commit(
    database: Database, actor: Actor, file: referral_import.ReferralFile
) -> referral_import.ImportResult:
    with database.session() as session:
        return referral_import.commit(session, actor, file, TODAY)


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


if __name__ == "__main__":
    sys.exit(main())
