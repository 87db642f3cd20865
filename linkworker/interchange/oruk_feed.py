"""Reading a live Open Referral UK feed over HTTP: ``/services`` page by page, then each service's
full record (``/services/{id}``), into the same ``Feed`` a file gives.

Pages are followed as the API says: ORUK's ``total_pages`` and ``last_page`` (or the older
``totalPages`` and ``last``), stopping at an empty page or a page that lists nothing new. A
service listed twice is read once. The reading is polite (at most two requests at a time, a short
pause after each) and patient: a timeout, a dropped connection, a 5xx answer or a 429 is tried
again after a growing wait (a server's Retry-After is honoured). What cannot be read at all is a
``FeedUnavailable`` saying why in plain words: a web page instead of JSON, no feed at the address,
a certificate the computer does not trust, a proxy that refuses.

The system's proxy settings (``HTTPS_PROXY``, ``NO_PROXY``) and certificate store (``truststore``)
are used, as NHS networks need; each request names Linkworker in its User-Agent.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import truststore

from linkworker import __version__
from linkworker.interchange.oruk import Feed, FeedError, FeedProblem, FeedReader, Severity, shown_name

USER_AGENT: Final = f"Linkworker/{__version__} (social prescribing directory; Open Referral UK feed reader)"
FEED_FORM: Final = "ORUK web feed"
_RETRIED_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
_WAIT_STEP: Final = 0.1  # how often a wait looks at Cancel, in seconds
_DETAIL_BATCH: Final = 20  # full records asked for between looks at Cancel and progress

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]


class FeedUnavailable(FeedError):
    """The feed cannot be read at all (the address, the server, the network); nothing was read."""


class FeedCancelled(Exception):
    """The person reading the feed pressed Cancel."""


@dataclass(frozen=True)
class Politeness:
    """How hard a feed is read: ``connections`` at a time, ``pause`` seconds after each request,
    ``tries`` per request with waits from ``backoff`` seconds doubling, and a Retry-After longer
    than ``longest_wait`` taken as a refusal."""

    connections: int = 2
    pause: float = 0.002
    timeout: float = 30.0
    tries: int = 4
    backoff: float = 1.0
    longest_wait: float = 120.0
    per_page: int | None = None  # ask for pages of this size; None leaves it to the server


@dataclass(frozen=True)
class FeedRead:
    """A feed read from the web: the services (as a file import gives them), the ids every page
    listed (a service listed but unreadable is still in the feed), and how many full records,
    pages and requests it took."""

    address: str
    feed: Feed
    listed: frozenset[str]
    full_records: int
    pages: int
    requests: int
    retries: int


def feed_address(text: str) -> str:
    """The base address of a feed, from what a person typed or pasted: an http(s) address, with
    a trailing ``/services`` (or ``/services?page=2``) taken off."""
    typed = text.strip()
    parts = urlsplit(typed)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedUnavailable(
            f"“{typed[:200]}” is not a web address: give the feed's address starting with https://, "
            "such as https://directory.example.org/api (the one before /services)."
        )
    path = parts.path.rstrip("/")
    if path.lower().endswith("/services"):
        path = path[: -len("/services")]
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def shown_address(address: str) -> str:
    """The address as an audit event or a message keeps it: no user name, password or query
    (where API keys travel)."""
    parts = urlsplit(address)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def make_client(politeness: Politeness) -> httpx.Client:
    """An HTTP client that goes through the system's proxy and trusts the system's certificates."""
    return httpx.Client(
        verify=truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
        trust_env=True,
        timeout=httpx.Timeout(politeness.timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=True,
        limits=httpx.Limits(max_connections=politeness.connections),
    )


def read_feed(
    address: str,
    *,
    politeness: Politeness | None = None,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> FeedRead:
    """Read every service of the feed at ``address`` (as ``feed_address`` gives it)."""
    rules = politeness or Politeness()
    with _Reader(address, rules, progress, cancelled, make_client(rules)) as reader:
        return reader.read()


@dataclass(frozen=True)
class _Listed:
    """A service a page listed, to be read in full."""

    oruk_id: str
    name: str | None
    page: int
    where: str


class _Reader:
    def __init__(
        self,
        address: str,
        politeness: Politeness,
        progress: Progress | None,
        cancelled: ShouldStop | None,
        client: httpx.Client,
    ) -> None:
        self.address = feed_address(address)
        self.politeness = politeness
        self.progress = progress
        self.cancelled = cancelled or (lambda: False)
        self.client = client
        self.name = shown_address(self.address)
        self.reader = FeedReader(self.name)
        self.listed: dict[str, _Listed] = {}
        self.full_records = 0
        self.extra: list[FeedProblem] = []
        self.requests = 0
        self.retries = 0
        self._lock = threading.Lock()

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.close()

    def read(self) -> FeedRead:
        pool = ThreadPoolExecutor(max_workers=max(1, self.politeness.connections))
        try:
            pages = self._read_pages(pool)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        feed = self.reader.feed(FEED_FORM)
        feed = replace(
            feed, problems=feed.problems + tuple(self.extra), records=feed.records + len(self.extra)
        )
        return FeedRead(
            self.address, feed, frozenset(self.listed), self.full_records, pages, self.requests, self.retries
        )

    def _read_pages(self, pool: ThreadPoolExecutor) -> int:
        """Read page after page, and the full records each lists; the number of pages read."""
        number, read = 1, 0
        while True:
            items, expected, last = self._page(number)
            fresh, repeats = self._list(number, items)
            for start in range(0, len(fresh), _DETAIL_BATCH):
                batch = fresh[start : start + _DETAIL_BATCH]
                for listed, raw in zip(batch, pool.map(self._detail, batch), strict=True):
                    self._take(listed, raw)
                read += len(batch)
                self._report(read, max(expected, len(self.listed)))
            # A server that ignores ``page`` sends the same page again and again: stop there.
            if not items or last or repeats == len(items):
                return number
            number += 1

    # Pages of /services

    def _page(self, number: int) -> tuple[list[object], int, bool]:
        """A page's items, how many services the feed says it has, and whether it is the last."""
        params: dict[str, int] = {"page": number}
        if self.politeness.per_page:
            params["per_page"] = self.politeness.per_page
        document = self._get(f"{self.address}/services", params, f"page {number} of the service list")
        items = document.get("contents", document.get("content")) if isinstance(document, Mapping) else None
        if not isinstance(items, list):
            raise FeedUnavailable(self._not_a_page(number))
        total_items = _whole(document.get("total_items", document.get("totalElements")))
        return items, total_items or 0, _is_last(document, number)

    def _list(self, number: int, items: list[object]) -> tuple[list[_Listed], int]:
        """The page's services not listed before, and how many it repeated; a repeat is noted,
        an item without an id is given to the reader to be reported."""
        fresh: list[_Listed] = []
        repeats = 0
        for index, item in enumerate(items):
            where = f"page {number}, $.contents[{index}]"
            record_id = _text(item.get("id")) if isinstance(item, Mapping) else ""
            name = shown_name(_text(item.get("name"))) if isinstance(item, Mapping) else None
            if not record_id:
                self.reader.read(item, where)
                continue
            earlier = self.listed.get(record_id)
            if earlier is not None:
                repeats += 1
                self.reader.note(
                    where, f"Listed again (first at {earlier.where}): read once.", record_id, name
                )
                continue
            listed = _Listed(record_id, name, number, where)
            self.listed[record_id] = listed
            fresh.append(listed)
        return fresh, repeats

    # Full records: /services/{id}

    def _detail(self, listed: _Listed) -> object:
        """The service's full record, or None when the server has no record for it (404)."""
        url = f"{self.address}/services/{quote(listed.oruk_id, safe='')}"
        return self._get(url, None, f"the record of service {listed.oruk_id}", missing_ok=True)

    def _take(self, listed: _Listed, raw: object) -> None:
        where = f"/services/{listed.oruk_id} $"
        if raw is None:
            self.extra.append(
                FeedProblem(
                    self.name,
                    where,
                    listed.oruk_id,
                    Severity.SKIPPED,
                    "The list names this service but its full record is not there (404): left as it was.",
                    listed.name,
                )
            )
            return
        if isinstance(raw, Mapping) and _text(raw.get("id")) not in ("", listed.oruk_id):
            self.extra.append(
                FeedProblem(
                    self.name,
                    where,
                    listed.oruk_id,
                    Severity.SKIPPED,
                    f"The record here is of another service (id {_text(raw.get('id'))[:40]}): skipped.",
                    listed.name,
                )
            )
            return
        self.full_records += 1
        self.reader.read(raw, where)

    # One request, tried again on failures worth trying again

    def _get(self, url: str, params: Mapping[str, int] | None, what: str, *, missing_ok: bool = False) -> Any:
        shown = shown_address(url)
        wait = self.politeness.backoff
        tries = max(1, self.politeness.tries)
        for attempt in range(1, tries + 1):
            self._stop_if_cancelled()
            last_try = attempt == tries
            try:
                with self._lock:
                    self.requests += 1
                response = self.client.get(url, params=params)
            except httpx.ProxyError as error:
                raise FeedUnavailable(_proxy_refused(shown, str(error))) from None
            except httpx.TimeoutException:
                if last_try:
                    raise FeedUnavailable(
                        f"{_host(url)} did not answer {what} within {self.politeness.timeout:g} seconds, "
                        f"{self.politeness.tries} times: try again later."
                    ) from None
            except httpx.TransportError as error:
                tls = _tls_problem(error)
                if tls is not None:
                    raise FeedUnavailable(_untrusted(url, tls)) from None
                if last_try:
                    raise FeedUnavailable(
                        f"Linkworker could not connect to {_host(url)} for {what} "
                        f"({error or type(error).__name__}), "
                        f"{self.politeness.tries} times: check the address and this computer's network "
                        "connection."
                    ) from None
            else:
                if response.status_code in _RETRIED_STATUSES and not last_try:
                    wait = self._wait_for(response, wait, shown)
                    self._retried(wait)
                    wait *= 2
                    continue
                self._pause()
                return self._answer(response, shown, what, missing_ok)
            self._retried(wait)
            wait *= 2
        raise AssertionError("the last try returns or raises")

    def _answer(self, response: httpx.Response, shown: str, what: str, missing_ok: bool) -> Any:
        status = response.status_code
        if status == 404 and missing_ok:
            return None
        if status == 404:
            raise FeedUnavailable(
                f"There is no Open Referral UK feed at {self.name}: {shown} answered 404 Not Found. "
                "Check the address: it is the API's address, the one before /services."
            )
        if status == 407:
            raise FeedUnavailable(_proxy_refused(shown, "407 Proxy Authentication Required"))
        if status in (401, 403):
            raise FeedUnavailable(
                f"{_host(shown)} refused to give {what} ({status} {response.reason_phrase}): the feed may "
                "need a key or an account; ask its publisher."
            )
        if status >= 400:
            raise FeedUnavailable(
                f"{_host(shown)} answered {status} {response.reason_phrase} for {what} ({shown}): "
                "try again later, or ask the feed's publisher."
            )
        body = response.content
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml") or body.lstrip()[:1] == b"<":
            raise FeedUnavailable(
                f"{shown} answered with a web page (HTML), not an Open Referral UK feed: use the "
                "address of the feed's API (its /services gives JSON), not of the website."
            )
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise FeedUnavailable(
                f"{shown} did not answer with JSON, so it is not an Open Referral UK feed."
            ) from None

    def _wait_for(self, response: httpx.Response, wait: float, shown: str) -> float:
        """How long to wait before asking again: the server's Retry-After, else ``wait``."""
        asked = _retry_after(response.headers.get("retry-after"))
        if asked is None:
            return wait
        if asked > self.politeness.longest_wait:
            raise FeedUnavailable(
                f"{_host(shown)} asked Linkworker to wait {asked:.0f} seconds before reading more "
                f"({response.status_code} {response.reason_phrase}): try again later."
            )
        return asked

    def _retried(self, wait: float) -> None:
        with self._lock:
            self.retries += 1
        self._sleep(wait)

    def _pause(self) -> None:
        if self.politeness.pause > 0:
            time.sleep(self.politeness.pause)

    def _sleep(self, seconds: float) -> None:
        """Wait, looking at Cancel every tenth of a second."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._stop_if_cancelled()
            time.sleep(min(left, _WAIT_STEP))

    def _stop_if_cancelled(self) -> None:
        if self.cancelled():
            raise FeedCancelled()

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, max(total, done, 1))

    def _not_a_page(self, number: int) -> str:
        return (
            f"{self.name}/services (page {number}) answered JSON that is not a page of services "
            '({"contents": [...]}): check the address is an Open Referral UK API.'
        )


def _is_last(document: Mapping[str, Any], number: int) -> bool:
    last = document.get("last_page", document.get("last"))
    if isinstance(last, bool):
        return last
    total = _whole(document.get("total_pages", document.get("totalPages")))
    return total is not None and number >= total


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _tls_problem(error: BaseException) -> str | None:
    """The certificate or TLS failure behind a connection error, if that is what it was."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or str(seen)
        if isinstance(seen, ssl.SSLError):
            return seen.reason or str(seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _untrusted(url: str, reason: str) -> str:
    return (
        f"The secure connection to {_host(url)} could not be checked ({reason}). If the address is "
        "right, this computer does not trust the server's certificate: a network that inspects secure "
        "traffic needs its certificate in this computer's certificate store; ask IT."
    )


def _proxy_refused(shown: str, reason: str) -> str:
    return (
        f"The proxy server refused the connection to {_host(shown)} ({reason}). Linkworker uses this "
        "computer's proxy settings (HTTPS_PROXY, NO_PROXY): ask IT to allow the address, or check "
        "the settings."
    )
