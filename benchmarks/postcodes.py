"""Time importing a 2.7-million-row ONS postcode directory file, with the window kept responsive.

    .venv/bin/python benchmarks/postcodes.py
    .venv/bin/python benchmarks/postcodes.py --postgres-server postgresql://postgres@127.0.0.1:55432/postgres

Writes a synthetic file in the ONSPD's format (its real column names, quoted values, CRLF; only
the columns the import reads and a few others: pcd, pcd2, pcds, dointr, doterm, usertype,
oseast1m, osnrth1m, osgrdind, ctry, lat, long, icb), sorted by pcd as the ONS sorts it: 2.7
million postcodes over 120 areas, a third of them terminated, one in 200 without a grid
reference. Then, for each database (a new encrypted SQLite file; a new PostgreSQL database on
the server, dropped at the end), imports it as the app does: ``services.postcodes.import_file``
in a background job (``ui.jobs.run_job``) under a Qt event loop, with a progress bar fed by the
job's progress signal. A 10 ms QTimer on the window's thread measures the longest gap between
its ticks: the longest the window could not repaint. The process's resident memory is sampled
throughout, and lookups (full postcode, district fallback) are timed after the import. The file
is deleted at the end. Targets: progress throughout, no stall over 100 ms, flat memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import scratch  # benchmarks/scratch.py, beside this file
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QProgressBar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.services.directory import postcodes
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import PostcodePoint
from linkworker.ui.widgets.jobs import JobControl, run_job

COLUMNS = (
    "pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m", "osgrdind", "ctry",
    "lat", "long", "icb",
)  # fmt: skip
# 120 postcode areas (real area letters), each with districts 1..n spread over Great Britain.
# fmt: off
AREAS = (
    "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM",
    "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH",
    "EN", "EX", "FK", "FY", "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IP",
    "IV", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML",
    "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH",
    "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA",
    "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV",
    "YO", "ZE"
)
# fmt: on
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TICK_MS = 10


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--seed", type=int, default=2026)
    scratch.add_options(parser)
    arguments = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="postcode-bench-") as folder:
        csv_file = Path(folder) / "ONSPD_BENCH_UK.csv"
        started = time.perf_counter()
        write_file(csv_file, arguments.rows, arguments.seed)
        size = csv_file.stat().st_size / 2**20
        print(
            f"Wrote {arguments.rows:,} rows ({size:,.0f} MiB) in {time.perf_counter() - started:.1f} s: "
            f"{csv_file.name}"
        )
        for database in scratch.databases(arguments, Path(folder), "postcode"):
            run(app, database, csv_file)


def postcodes_in_order(rows: int) -> Iterator[str]:
    """``rows`` distinct, well-formed postcodes: every area, its districts, sectors 0-9, units."""
    per_area = -(-rows // len(AREAS))
    districts = max(1, -(-per_area // (10 * 200)))  # about 200 units per sector, as in towns
    units = -(-per_area // (districts * 10))
    made = 0
    for area in AREAS:
        for district in range(1, districts + 1):
            for sector in range(10):
                for unit in range(units):
                    if made == rows:
                        return
                    first, second = divmod(unit, len(UNIT_LETTERS))
                    yield f"{area}{district} {sector}{UNIT_LETTERS[first % 20]}{UNIT_LETTERS[second]}"
                    made += 1


def write_file(path: Path, rows: int, seed: int) -> None:
    """The file, written as it is generated (never held in memory), sorted by pcd."""
    rng = random.Random(seed)
    centres = {area: (rng.uniform(50.4, 57.5), rng.uniform(-5.0, 1.4)) for area in AREAS}
    with path.open("w", encoding="ascii", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for canonical in postcodes_in_order(rows):
            outward, inward = canonical.split(" ")
            area = outward.rstrip("0123456789")
            latitude, longitude = centres[area]
            district = int(outward[len(area) :])
            terminated = f"{rng.randint(1990, 2025)}{rng.randint(1, 12):02d}" if rng.random() < 1 / 3 else ""
            if rng.random() < 1 / 200:
                point = ("99.999999", "0.000000")
            else:
                point = (
                    f"{latitude + district * 0.01 + rng.uniform(-0.02, 0.02):.6f}",
                    f"{longitude + district * 0.01 + rng.uniform(-0.03, 0.03):.6f}",
                )
            writer.writerow(
                (
                    f"{outward:<4}{inward}",
                    f"{outward:<5}{inward}",
                    canonical,
                    f"{rng.randint(1980, 2024)}{rng.randint(1, 12):02d}",
                    terminated,
                    str(rng.randint(0, 1)),
                    str(rng.randint(100_000, 650_000)),
                    str(rng.randint(10_000, 1_200_000)),
                    "1",
                    "E92000001",
                    *point,
                    "E54000032",
                )
            )


class MemorySampler:
    """The process's resident memory, sampled every 50 ms on a thread of its own."""

    def __init__(self) -> None:
        self.peak = self.start = _resident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _resident())


def _resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(app: QApplication, database: Database, csv_file: Path) -> None:
    print(f"\n{database.location.description}")
    actor = scratch.set_up_pcn(database, [("G99101", "Benchmark Surgery")])
    bar = QProgressBar()
    bar.show()
    loop = QEventLoop()
    clock = QElapsedTimer()
    stall = {"longest": 0, "last": 0, "reports": 0}

    def tick() -> None:
        now = clock.elapsed()
        stall["longest"] = max(stall["longest"], now - stall["last"] - TICK_MS)
        stall["last"] = now

    def progressed(done: int, total: int) -> None:
        stall["reports"] += 1
        bar.setRange(0, total)
        bar.setValue(done)

    def work(session: Session, control: JobControl) -> postcodes.PostcodeImport:
        return postcodes.import_file(
            session, actor, csv_file, progress=control.progress, cancelled=control.cancelled
        )

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    outcome: list[object] = []
    with MemorySampler() as memory:
        started = time.perf_counter()
        clock.start()
        timer.start()
        job = run_job(None, Workspace(database, actor), work, action="Import postcodes")
        job.progressed.connect(progressed)
        job.succeeded.connect(outcome.append)
        job.refused.connect(outcome.append)
        job.finished.connect(loop.quit)
        loop.exec()
        seconds = time.perf_counter() - started
        timer.stop()
    bar.close()
    result = outcome[0]
    if not isinstance(result, postcodes.PostcodeImport):
        print(f"  refused: {result}")
        return
    print(
        f"  import                 {seconds:7.1f} s  ({result.rows / seconds:,.0f} rows read/s, "
        f"{result.imported / seconds:,.0f} postcodes written/s)"
    )
    for line in postcodes.summary(result):
        print(f"    {line}")
    print(f"  progress reports       {stall['reports']:7,}")
    verdict = "within" if stall["longest"] <= 100 else "OVER"
    print(f"  longest window stall   {stall['longest']:7,} ms  ({verdict} the 100 ms target)")
    print(
        f"  memory                 {memory.start / 2**20:7.0f} MiB before, "
        f"peak {memory.peak / 2**20:.0f} MiB (+{(memory.peak - memory.start) / 2**20:.0f} MiB)"
    )
    _time_lookups(database)


def _time_lookups(database: Database) -> None:
    with database.read_session() as session:
        sample = list(
            session.scalars(
                select(PostcodePoint.postcode).where(PostcodePoint.postcode.like("% %")).limit(1000)
            )
        )
        stored = session.scalar(select(func.count()).select_from(PostcodePoint)) or 0
        for label, typed in (
            ("full postcode", sample),
            ("district fallback", [f"{code.split(' ')[0]} 9ZZ" for code in sample]),
        ):
            started = time.perf_counter()
            found = [postcodes.locate(session, code) for code in typed]
            each = (time.perf_counter() - started) / len(typed) * 1000
            precisions = {place.precision for place in found if place is not None}
            print(f"  locate, {label:<17} {each:6.2f} ms each ({', '.join(sorted(precisions))})")
    print(f"  in the lookup: {stored:,} rows")


if __name__ == "__main__":
    main()
