"""Time importing a 20,000-service Open Referral UK feed over HTTP, through the directory screen.

    .venv/bin/python benchmarks/feed_import.py
    .venv/bin/python benchmarks/feed_import.py --services 2000 --no-refresh

Builds a fresh demo (``linkworker --data-dir TMP demo --no-open``, the real command), signs in as
its manager, and serves a synthetic feed in the ORUK shape from a local HTTP server in this
process: ``/services?page=N`` in pages of 100 (one-to-one fields only) and ``/services/{id}``
(each service's full record: organisation, a venue with a postcode, a weekly time, a taxonomy
term). The directory import screen (``ui.directory_import_view``, offscreen) then reads the feed
from its address and imports it, each in its background job, with the reader's default
politeness (two requests at a time, a short pause after each). A 10 ms timer on the window's
thread measures how long the window ever went without running its events (the longest gap);
peak memory is the process's largest resident set. With --refresh (the default) the same feed
is read and imported again: nothing changes, everything is counted unchanged.

Target: under 2 minutes for the first import, the window never held for more than 100 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from linkworker import config
from linkworker.services.access import DataAccess
from linkworker.services.directory.directory_feeds import FeedImportResult
from linkworker.services.workspace import Workspace
from linkworker.ui.directory.directory_import_view import DirectoryImportView
from linkworker.ui.widgets.jobs import Job

MANAGER, MANAGER_PASSWORD = "manager", "harbour kettle meadow"
LINKWORKER = Path(sys.executable).with_name("linkworker")
TOWNS = ("Ashford", "Canterbury", "Dover", "Folkestone", "Maidstone", "Margate", "Sevenoaks", "Tonbridge")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA")
TERMS = (("100", "Physical activity"), ("200", "Loneliness"), ("300", "Money advice"), ("400", "Housing"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--no-refresh", dest="refresh", action="store_false")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="feed-bench-") as folder:
        started = time.perf_counter()
        subprocess.run(
            [str(LINKWORKER), "--data-dir", folder, "demo", "--no-open"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"Built a fresh demo in {time.perf_counter() - started:.1f} s")
        feed = FeedServer(arguments.services, arguments.per_page)
        print(
            f"Serving {arguments.services:,} services in pages of {arguments.per_page} "
            f"({feed.bytes / 2**20:.1f} MiB of JSON) at {feed.address}"
        )
        try:
            run(Path(folder), feed, arguments.refresh)
        finally:
            feed.stop()
    return 0


def run(folder: Path, feed: FeedServer, refresh: bool) -> None:
    folders = config.folders(folder).demo()
    access = DataAccess(folders.database_file, folders.key_folder, None)
    signed_in = access.sign_in_for_command(MANAGER, MANAGER_PASSWORD)
    app = QApplication.instance() or QApplication([])
    view = DirectoryImportView(Workspace(signed_in.database, signed_in.actor))
    view.resize(1366, 700)
    view.show()
    watch = Responsiveness()
    memory_before = _peak_mib()
    try:
        rounds = ("first import", "refresh, nothing changed") if refresh else ("first import",)
        for label in rounds:
            requests_before = feed.requests
            watch.start()
            read_seconds, _preview = _wait(view.load_address(feed.address))
            read_gap = watch.stop()
            preview = view.preview
            assert preview is not None, view.status.text()
            watch.start()
            import_job = view.start_import()
            assert import_job is not None
            import_seconds, result = _wait(import_job)
            import_gap = watch.stop()
            assert isinstance(result, FeedImportResult), view.status.text()
            total = read_seconds + import_seconds
            print(f"\n{label.capitalize()}:")
            print(f"  read the feed:   {read_seconds:6.1f} s ({feed.requests - requests_before:,} requests)")
            print(f"  import:          {import_seconds:6.1f} s")
            print(f"  total:           {total:6.1f} s, {feed.services / total:,.0f} services/s")
            print(
                f"  window's longest wait: {read_gap * 1000:.0f} ms reading, "
                f"{import_gap * 1000:.0f} ms importing"
            )
            print(
                f"  result: {result.added:,} added, {result.updated:,} updated, "
                f"{result.unchanged:,} unchanged, {result.closed:,} closed, {result.skipped:,} skipped"
            )
        print(
            f"\nPeak memory: {_peak_mib():.0f} MiB resident (before the first read: {memory_before:.0f} MiB)"
        )
    finally:
        view.close()
        app.processEvents()
        access.release(signed_in)
        access.close()


def _wait(job: Job[Any]) -> tuple[float, Any]:
    """Run the window's event loop until ``job`` ends; the seconds it took, and its value."""
    started = time.perf_counter()
    values: list[Any] = [None]
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.succeeded.connect(lambda value: values.__setitem__(0, value))
    job.refused.connect(lambda text: print(f"  refused: {text}"))
    if job.running:
        loop.exec()
    for box in QApplication.topLevelWidgets():  # the result's message box, as a person closes it
        if box.isVisible() and box.metaObject().className() == "QMessageBox":
            box.close()
    return time.perf_counter() - started, values[0]


class Responsiveness:
    """The longest time the window's thread went without running a 10 ms timer."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last - 0.010)
        self.last = now


class FeedServer:
    """The feed, served from memory by a threaded HTTP/1.1 server on a free local port, in a
    process of its own (as a real server is: it takes no time from the app's threads)."""

    def __init__(self, services: int, per_page: int) -> None:
        self.services = services
        self._requests = multiprocessing.Value("l", 0)
        records = [_record(number) for number in range(1, services + 1)]
        self.details = {record["id"]: json.dumps(record).encode() for record in records}
        pages = [records[start : start + per_page] for start in range(0, len(records), per_page)]
        self.pages = [
            json.dumps(
                {
                    "total_items": services,
                    "total_pages": len(pages),
                    "page_number": number,
                    "size": len(items),
                    "first_page": number == 1,
                    "last_page": number == len(pages),
                    "empty": False,
                    "contents": [_summary(record) for record in items],
                }
            ).encode()
            for number, items in enumerate(pages, start=1)
        ]
        self.bytes = sum(map(len, self.details.values())) + sum(map(len, self.pages))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.process = multiprocessing.get_context("fork").Process(
            target=self.server.serve_forever, daemon=True
        )
        self.process.start()
        self.server.socket.close()  # the server process listens; this one only asks
        self.details, self.pages = {}, []

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self) -> int:
        return int(self._requests.value)

    def stop(self) -> None:
        self.process.terminate()
        self.process.join()

    def answer(self, target: str) -> bytes | None:
        with self._requests.get_lock():
            self._requests.value += 1
        parts = urlsplit(target)
        if parts.path == "/services":
            number = int(parse_qs(parts.query).get("page", ["1"])[0])
            return self.pages[number - 1] if 1 <= number <= len(self.pages) else None
        if parts.path.startswith("/services/"):
            return self.details.get(parts.path.removeprefix("/services/"))
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go in separate writes: without this, each answer waits for a
                # delayed acknowledgement (40 ms), which no real web server makes a client wait.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                body = feed.answer(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def _record(number: int) -> dict[str, Any]:
    """A full synthetic service record in the ORUK shape."""
    town = TOWNS[number % len(TOWNS)]
    term_id, term_name = TERMS[number % len(TERMS)]
    return {
        "id": f"bench-{number:06d}",
        "name": f"{town} community group {number}",
        "description": f"A friendly weekly group in {town} (number {number}).",
        "status": "active",
        "email": f"group{number}@example.org",
        "url": f"https://example.org/groups/{number}",
        "minimum_age": 18,
        "cost_options": [{"id": f"cost-{number}", "option": "Free", "amount": 0}],
        "organization": {"id": f"org-{number % 500}", "name": f"{town} Voluntary Action {number % 500}"},
        "service_at_locations": [
            {
                "id": f"sal-{number}",
                "location": {
                    "id": f"loc-{number}",
                    "name": f"{town} community hall",
                    "latitude": 51.1 + (number % 100) / 1000,
                    "longitude": 0.8 + (number % 100) / 1000,
                    "addresses": [
                        {
                            "address_1": f"{number % 200 + 1} High Street",
                            "city": town,
                            "postal_code": "TN23 1AA",
                        }
                    ],
                },
                "schedules": [
                    {
                        "id": f"sch-{number}",
                        "freq": "WEEKLY",
                        "byday": DAYS[number % len(DAYS)],
                        "opens_at": "10:00",
                        "closes_at": "12:00",
                    }
                ],
            }
        ],
        "taxonomy_terms": [
            {"id": f"term-{term_id}", "code": term_id, "name": term_name, "taxonomy": "esd-needs"}
        ],
    }


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if not isinstance(value, (list, dict))}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
