"""Reading a live ORUK feed from a local HTTP server: every page and every full record, once
each; slow and failing answers tried again; the answers that are not a feed named plainly.

The helpers at the top (a feed in the ORUK shape, served page by page) are used by the service,
screen and command tests of feeds too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from linkworker.interchange.oruk import Severity
from linkworker.interchange.oruk_feed import (
    USER_AGENT,
    FeedCancelled,
    FeedUnavailable,
    Politeness,
    feed_address,
    read_feed,
    shown_address,
)

# Quick to give up and quick to try again: the tests wait for nothing real.
RECORD_PATH = re.compile(r"^/services/[^/]+$")
QUICK = Politeness(pause=0, timeout=0.5, tries=3, backoff=0.01)


def service_record(number: int, *, name: str | None = None, postcode: str = "TN23 1AA") -> dict[str, Any]:
    """A full ``/services/{id}`` record in the ORUK shape."""
    oruk_id = f"svc-{number:05d}"
    return {
        "id": oruk_id,
        "name": name or f"Community group {number}",
        "description": f"A friendly group meeting weekly ({number}).",
        "status": "active",
        "email": f"group{number}@example.org",
        "cost_options": [{"id": f"cost-{number:05d}", "option": "Free", "amount": 0}],
        "organization": {"id": f"org-{number:05d}", "name": f"Voluntary organisation {number % 50}"},
        "service_at_locations": [
            {
                "id": f"sal-{number:05d}",
                "location": {
                    "id": f"loc-{number:05d}",
                    "name": "Village hall",
                    "addresses": [{"address_1": "1 High Street", "city": "Ashford", "postal_code": postcode}],
                },
                "schedules": [
                    {
                        "id": f"sch-{number:05d}",
                        "freq": "WEEKLY",
                        "byday": "TU",
                        "opens_at": "10:00",
                        "closes_at": "12:00",
                    }
                ],
            }
        ],
    }


def summary_of(record: dict[str, Any]) -> dict[str, Any]:
    """What a ``/services`` page lists for a service: its one-to-one fields only."""
    return {key: value for key, value in record.items() if not isinstance(value, (list, dict))}


def page_document(items: Sequence[dict[str, Any]], number: int, pages: int, total: int) -> dict[str, Any]:
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not items,
        "contents": list(items),
    }


class OrukServer:
    """A feed served in the ORUK shape: ``/services?page=N`` and ``/services/{id}``. The records can
    be changed between reads; ``pages`` overrides what a page lists (to repeat a service)."""

    def __init__(self, httpserver: HTTPServer, records: Sequence[dict[str, Any]], per_page: int = 2) -> None:
        self.httpserver = httpserver
        self.records = {record["id"]: record for record in records}
        self.per_page = per_page
        self.pages: dict[int, list[str]] = {}
        self.gone: set[str] = set()  # listed, but their full records answer 404
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        httpserver.expect_request("/services").respond_with_handler(self._page)
        httpserver.expect_request(RECORD_PATH).respond_with_handler(self._record)

    @property
    def address(self) -> str:
        return self.httpserver.url_for("/").rstrip("/")

    def set_records(self, records: Sequence[dict[str, Any]]) -> None:
        self.records = {record["id"]: record for record in records}

    def _page_ids(self) -> list[list[str]]:
        ids = list(self.records)
        pages = [ids[start : start + self.per_page] for start in range(0, len(ids), self.per_page)] or [[]]
        for number, listed in self.pages.items():
            pages[number - 1] = listed
        return pages

    def _page(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        self.user_agents.add(request.headers.get("User-Agent", ""))
        pages = self._page_ids()
        number = int(request.args.get("page", "1"))
        ids = pages[number - 1] if 1 <= number <= len(pages) else []
        items = [summary_of(self.records[oruk_id]) for oruk_id in ids]
        document = page_document(items, number, len(pages), len(self.records))
        return Response(json.dumps(document), content_type="application/json")

    def _record(self, request: Request) -> Response:
        self.requests.append(request.path)
        oruk_id = request.path.rsplit("/", 1)[1]
        record = self.records.get(oruk_id)
        if record is None or oruk_id in self.gone:
            return Response("{}", status=404, content_type="application/json")
        return Response(json.dumps(record), content_type="application/json")


def records(count: int) -> list[dict[str, Any]]:
    return [service_record(number) for number in range(1, count + 1)]


@pytest.fixture
def oruk(httpserver: HTTPServer) -> OrukServer:
    return OrukServer(httpserver, records(5))


def test_every_page_and_every_full_record_is_read_with_progress(oruk: OrukServer) -> None:
    progress: list[tuple[int, int]] = []
    read = read_feed(
        oruk.address + "/services", politeness=QUICK, progress=lambda *step: progress.append(step)
    )

    assert [service.oruk_id for service in read.feed.services] == [f"svc-0000{n}" for n in range(1, 6)]
    walk = read.feed.services[0]
    assert walk.organisation_name == "Voluntary organisation 1" and walk.locations[0].postcode == "TN23 1AA"
    assert walk.schedules[0].byday == "TU"
    assert read.pages == 3 and read.listed == frozenset(oruk.records)
    assert read.full_records == 5 and read.feed.problems == ()
    assert progress[-1] == (5, 5)
    assert oruk.user_agents == {USER_AGENT} and USER_AGENT.startswith("Linkworker/")


def test_the_older_page_shape_is_followed_by_totalpages_and_last(httpserver: HTTPServer) -> None:
    all_records = records(3)

    def page(request: Request) -> Response:
        number = int(request.args["page"])
        items = [summary_of(record) for record in all_records[(number - 1) * 2 : number * 2]]
        document = {
            "totalElements": 3,
            "totalPages": 2,
            "number": number,
            "last": number == 2,
            "content": items,
        }
        return Response(json.dumps(document), content_type="application/json")

    httpserver.expect_request("/services").respond_with_handler(page)
    for record in all_records:
        httpserver.expect_request(f"/services/{record['id']}").respond_with_json(record)

    read = read_feed(httpserver.url_for("/"), politeness=QUICK)

    assert [service.oruk_id for service in read.feed.services] == ["svc-00001", "svc-00002", "svc-00003"]
    assert read.pages == 2


def test_a_service_repeated_on_a_later_page_is_read_once_and_noted(oruk: OrukServer) -> None:
    oruk.pages = {2: ["svc-00002", "svc-00003", "svc-00004"]}

    read = read_feed(oruk.address, politeness=QUICK)

    ids = [service.oruk_id for service in read.feed.services]
    assert ids == ["svc-00001", "svc-00002", "svc-00003", "svc-00004", "svc-00005"]
    assert oruk.requests.count("/services/svc-00002") == 1
    [note] = read.feed.problems
    assert note.severity is Severity.NOTE and note.record_id == "svc-00002"
    assert note.where == "page 2, $.contents[0]"
    assert note.message == "Listed again (first at page 1, $.contents[1]): read once."


def test_a_server_that_ignores_the_page_number_is_read_once(httpserver: HTTPServer) -> None:
    first = records(2)
    document = {"contents": [summary_of(record) for record in first]}  # no totals, no last page
    httpserver.expect_request("/services").respond_with_json(document)
    for record in first:
        httpserver.expect_request(f"/services/{record['id']}").respond_with_json(record)

    read = read_feed(httpserver.url_for("/"), politeness=QUICK)

    assert [service.oruk_id for service in read.feed.services] == ["svc-00001", "svc-00002"]
    assert read.pages == 2  # the second page repeated the first: the reading stopped there


def test_a_failed_page_is_tried_again_after_a_wait(oruk: OrukServer, httpserver: HTTPServer) -> None:
    oruk_page = oruk._page
    answers = iter([Response("Internal Server Error", status=500)])

    def failing_once(request: Request) -> Response:
        if request.args.get("page") == "2":
            failed = next(answers, None)
            if failed is not None:
                return failed
        return oruk_page(request)

    httpserver.clear_all_handlers()
    httpserver.expect_request("/services").respond_with_handler(failing_once)
    httpserver.expect_request(RECORD_PATH).respond_with_handler(oruk._record)

    read = read_feed(oruk.address, politeness=QUICK)

    assert len(read.feed.services) == 5 and read.retries == 1


def test_a_slow_page_times_out_and_is_read_on_the_next_try(oruk: OrukServer, httpserver: HTTPServer) -> None:
    slow = {"left": 1}

    def slow_once(request: Request) -> Response:
        if request.args.get("page") == "1" and slow["left"]:
            slow["left"] -= 1
            time.sleep(1.0)  # longer than the 0.5 s the reader waits
        return oruk._page(request)

    httpserver.clear_all_handlers()
    httpserver.expect_request("/services").respond_with_handler(slow_once)
    httpserver.expect_request(RECORD_PATH).respond_with_handler(oruk._record)

    read = read_feed(oruk.address, politeness=QUICK)

    assert len(read.feed.services) == 5 and read.retries == 1


def test_too_many_requests_waits_as_long_as_retry_after_says(
    oruk: OrukServer, httpserver: HTTPServer
) -> None:
    asked = {"left": 1}

    def busy_once(request: Request) -> Response:
        if asked["left"]:
            asked["left"] -= 1
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return oruk._record(request)

    httpserver.clear_all_handlers()
    httpserver.expect_request("/services").respond_with_handler(oruk._page)
    httpserver.expect_request(RECORD_PATH).respond_with_handler(busy_once)

    started = time.monotonic()
    read = read_feed(oruk.address, politeness=QUICK)

    assert time.monotonic() - started >= 1.0
    assert len(read.feed.services) == 5 and read.retries == 1


def test_a_page_failing_every_time_stops_the_reading_with_the_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/services").respond_with_data("down", status=503)

    with pytest.raises(FeedUnavailable) as refused:
        read_feed(httpserver.url_for("/"), politeness=QUICK)

    message = str(refused.value)
    assert message.startswith("localhost answered 503 SERVICE UNAVAILABLE for page 1 of the service list")
    assert message.endswith("try again later, or ask the feed's publisher.")


def test_a_server_answering_a_web_page_is_named_as_such(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/services").respond_with_data(
        "<!doctype html><html><body>Welcome to our directory</body></html>", content_type="text/html"
    )

    with pytest.raises(FeedUnavailable) as refused:
        read_feed(httpserver.url_for("/"), politeness=QUICK)

    assert "answered with a web page (HTML), not an Open Referral UK feed" in str(refused.value)


def test_no_feed_at_the_address_says_404_and_what_address_to_give(httpserver: HTTPServer) -> None:
    httpserver.no_handler_status_code = 404
    with pytest.raises(FeedUnavailable) as refused:
        read_feed(httpserver.url_for("/wrong"), politeness=QUICK)

    message = str(refused.value)
    assert "There is no Open Referral UK feed at" in message and "404 Not Found" in message
    assert "the one before /services" in message


def test_a_full_record_missing_is_reported_and_the_rest_read(oruk: OrukServer) -> None:
    oruk.gone = {"svc-00004"}

    read = read_feed(oruk.address, politeness=QUICK)

    assert "svc-00004" in read.listed
    assert "svc-00004" not in {service.oruk_id for service in read.feed.services}
    [missing] = [problem for problem in read.feed.problems if problem.record_id == "svc-00004"]
    assert missing.severity is Severity.SKIPPED and "404" in missing.message


def test_cancel_stops_the_reading(oruk: OrukServer) -> None:
    with pytest.raises(FeedCancelled):
        read_feed(oruk.address, politeness=QUICK, cancelled=lambda: True)


def test_an_address_that_is_not_a_web_address_is_refused_before_any_request() -> None:
    with pytest.raises(FeedUnavailable, match="is not a web address"):
        feed_address("C:/feeds/services.json")
    assert feed_address(" HTTPS://api.example.org/v3/services/ ") == "https://api.example.org/v3"
    assert shown_address("https://user:secret@api.example.org/v3?api_key=abc") == "https://api.example.org/v3"


def _self_signed(folder: Path) -> ssl.SSLContext:
    """A server context with a certificate for localhost that no certificate store trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.fixture
def untrusted_server(tmp_path: Path) -> Iterator[HTTPServer]:
    server = HTTPServer(ssl_context=_self_signed(tmp_path))
    server.start()
    yield server
    server.clear()
    server.stop()


def test_a_certificate_the_computer_does_not_trust_is_named_with_what_to_do(
    untrusted_server: HTTPServer,
) -> None:
    untrusted_server.expect_request("/services").respond_with_json({"contents": []})

    with pytest.raises(FeedUnavailable) as refused:
        read_feed(untrusted_server.url_for("/"), politeness=QUICK)

    message = str(refused.value)
    assert message.startswith("The secure connection to localhost could not be checked")
    assert "certificate store" in message


@pytest.fixture
def refusing_proxy() -> Iterator[str]:
    """A proxy on this machine that refuses every connection it is asked to make."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


def test_the_system_proxy_is_used_and_its_refusal_explained(
    refusing_proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", refusing_proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    with pytest.raises(FeedUnavailable) as refused:
        read_feed("https://directory.example.org/api", politeness=QUICK)

    message = str(refused.value)
    assert message.startswith("The proxy server refused the connection to directory.example.org")
    assert "HTTPS_PROXY" in message
