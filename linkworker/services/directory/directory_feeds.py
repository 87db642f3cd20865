"""Live Open Referral UK feeds: import a directory from a web address, save the address, and
refresh it on demand, seeing what each import changed.

Reading a feed (``read``) fetches it over HTTP (``interchange.oruk_feed``) and gives the same
preview a file import gives (``services.directory_import.preview``), with the services that
would be closed; nothing is written but the audit event of the read. Importing it (``commit``)
runs ``directory_import.commit`` (the same idempotent update) and, in the same transaction,
keeps the feed's record: when it was read, by whom, and how many services were added, updated,
unchanged, closed and skipped. A service the feed carried before and no longer lists is closed
(its status set to defunct) and flagged for checking, never deleted; if it comes back, the next
import opens it again.

Only roles that may edit the directory may read, save or import feeds. Audit events carry the
address without its user name, password or query (where API keys travel), never a service's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from linkworker.domain.directory import ServiceStatus
from linkworker.domain.roles import Permission
from linkworker.interchange.oruk import FeedError, FeedProblem, Severity, export_id, shown_name
from linkworker.interchange.oruk_feed import (
    FeedCancelled,
    FeedRead,
    Politeness,
    feed_address,
    read_feed,
    shown_address,
)
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.batch import SLICE, insert_all
from linkworker.services.directory import directory_import
from linkworker.services.directory.directory_import import (
    DirectoryImportPreview,
    ImportRefused,
    Progress,
    ShouldStop,
)
from linkworker.services.errors import Cancelled, NotFound
from linkworker.store.models import DirectoryFeed, DirectoryFeedService, Service, UserAccount
from linkworker.wording import counted

ADDRESS_MAX: Final = 500
READ_CANCELLED: Final = "Reading the feed was cancelled: nothing was imported."
_CLOSED_WHERE: Final = "no longer in the feed"


@dataclass(frozen=True)
class SavedFeed:
    """A saved feed as the screen lists it; the counts are its last import's (None before one)."""

    feed_id: int
    address: str
    last_read_at: datetime | None
    last_read_by: str | None
    added: int | None
    updated: int | None
    unchanged: int | None
    closed: int | None
    skipped: int | None
    services: int


@dataclass(frozen=True)
class ClosingService:
    """A service the feed carried when last imported and lists no more."""

    service_id: int
    oruk_id: str
    name: str


@dataclass(frozen=True)
class FeedPreview(DirectoryImportPreview):
    """What importing a feed read from the web would do: the file import's preview, plus the
    feed's address, what was read, and the services that would be closed."""

    address: str = ""
    fetched: FeedRead | None = None
    closing: tuple[ClosingService, ...] = ()


@dataclass(frozen=True)
class FeedImportResult:
    """What importing a feed did: ``updated`` the services it changed, ``unchanged`` those it
    described as they already were, ``closed`` those that had left it."""

    address: str
    added: int
    updated: int
    unchanged: int
    closed: int
    flagged: int
    skipped: int
    unmapped_terms: int


def saved_feeds(session: Session, actor: Actor) -> list[SavedFeed]:
    """The PCN's saved feeds, by address."""
    actor.require(Permission.EDIT_DIRECTORY)
    feeds = session.scalars(
        select(DirectoryFeed).where(DirectoryFeed.pcn_id == actor.pcn_id).order_by(DirectoryFeed.address)
    ).all()
    counts = _service_counts(session, [feed.id for feed in feeds])
    readers = _user_names(session, {feed.last_read_by_id for feed in feeds if feed.last_read_by_id})
    return [
        SavedFeed(
            feed.id,
            feed.address,
            feed.last_read_at,
            readers.get(feed.last_read_by_id) if feed.last_read_by_id else None,
            feed.last_added,
            feed.last_updated,
            feed.last_unchanged,
            feed.last_closed,
            feed.last_skipped,
            counts.get(feed.id, 0),
        )
        for feed in feeds
    ]


def save(session: Session, actor: Actor, address: str) -> int:
    """Save a feed address for the PCN (the same address saved twice is one feed); its id."""
    actor.require(Permission.EDIT_DIRECTORY)
    base = check_address(address)
    feed = _feed_at(session, actor, base)
    if feed is None:
        feed = _new_feed(session, actor, base)
        audit.record(
            session,
            actor,
            "directory_feed_saved",
            "directory_feed",
            feed.id,
            f"address={shown_address(base)}",
        )
    return feed.id


def forget(session: Session, actor: Actor, feed_id: int) -> None:
    """Stop keeping a feed: its address and what it carried go; its services stay as they are."""
    actor.require(Permission.EDIT_DIRECTORY)
    feed = session.get(DirectoryFeed, feed_id)
    if feed is None or feed.pcn_id != actor.pcn_id:
        raise NotFound("That feed is not saved (someone may have removed it).")
    audit.record(
        session,
        actor,
        "directory_feed_forgotten",
        "directory_feed",
        feed.id,
        f"address={shown_address(feed.address)}",
    )
    session.execute(delete(DirectoryFeedService).where(DirectoryFeedService.feed_id == feed.id))
    session.delete(feed)
    session.flush()


def read(
    session: Session,
    actor: Actor,
    address: str,
    *,
    politeness: Politeness | None = None,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> FeedPreview:
    """Read the feed at ``address`` from the web and say what importing it would do; only the
    read is audited. ``ImportRefused`` says why a feed cannot be read, ``Cancelled`` that the
    user stopped it."""
    actor.require(Permission.EDIT_DIRECTORY)
    base = check_address(address)
    try:
        fetched = read_feed(base, politeness=politeness, progress=progress, cancelled=cancelled)
    except FeedCancelled:
        raise Cancelled(READ_CANCELLED) from None
    except FeedError as error:
        raise ImportRefused(str(error)) from None
    if not fetched.listed:
        # An empty answer is more often a fault than a directory closing down: closing every
        # service on its word would empty the directory.
        raise ImportRefused(
            f"The feed at {shown_address(base)} lists no services, so nothing was imported and nothing "
            "closed. If it is really empty, forget the saved feed."
        )
    checked = directory_import.preview(session, actor, fetched.feed)
    feed = _feed_at(session, actor, base)
    closing = _closing(session, feed, fetched.listed) if feed is not None else ()
    preview = FeedPreview(
        **{field.name: getattr(checked, field.name) for field in fields(DirectoryImportPreview)},
        address=base,
        fetched=fetched,
        closing=closing,
    )
    audit.record(
        session,
        actor,
        "directory_feed_read",
        "directory_feed",
        feed.id if feed is not None else None,
        f"address={shown_address(base)}; pages={fetched.pages}; services={len(fetched.listed)}; "
        f"requests={fetched.requests}; retries={fetched.retries}; would_add={len(checked.new)}; "
        f"would_update={len(checked.updated)}; would_close={len(closing)}; skipped={checked.skipped}",
    )
    return preview


def commit(
    session: Session,
    actor: Actor,
    checked: FeedPreview,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> FeedImportResult:
    """Import the feed ``read`` gave, in the caller's transaction: the services as a file import
    does, then the feed's own record (saved if it was not), closing what vanished."""
    actor.require(Permission.EDIT_DIRECTORY)
    fetched = checked.fetched
    if fetched is None:
        raise ImportRefused("This feed has not been read: read it again, then import it.")
    feed = _feed_at(session, actor, checked.address) or _new_feed(session, actor, checked.address)
    before: dict[str, int] = {
        oruk_id: service_id
        for oruk_id, service_id in session.execute(
            select(DirectoryFeedService.oruk_id, DirectoryFeedService.service_id).where(
                DirectoryFeedService.feed_id == feed.id
            )
        )
    }
    imported = directory_import.commit(session, actor, fetched.feed, progress=progress, cancelled=cancelled)
    closing = _closing(session, feed, fetched.listed)
    _close(session, actor, feed.address, closing)
    carried = _carried(session, actor, fetched)
    # Still listed but not read this time (its record was missing): kept, so it can still be closed.
    carried.update(
        (oruk_id, service_id)
        for oruk_id, service_id in before.items()
        if oruk_id in fetched.listed and oruk_id not in carried
    )
    session.execute(delete(DirectoryFeedService).where(DirectoryFeedService.feed_id == feed.id))
    insert_all(
        session,
        DirectoryFeedService,
        [
            {"feed_id": feed.id, "service_id": service_id, "oruk_id": oruk_id}
            for oruk_id, service_id in carried.items()
        ],
    )
    result = FeedImportResult(
        address=feed.address,
        added=imported.added,
        updated=imported.updated,
        unchanged=imported.unchanged,
        closed=len(closing),
        flagged=imported.flagged,
        skipped=imported.skipped,
        unmapped_terms=imported.unmapped_terms,
    )
    feed.last_read_at = datetime.now(UTC)
    feed.last_read_by_id = actor.user_id
    feed.last_added, feed.last_updated, feed.last_unchanged = result.added, result.updated, result.unchanged
    feed.last_closed, feed.last_skipped = result.closed, result.skipped
    session.flush()
    audit.record(
        session,
        actor,
        "directory_feed_imported",
        "directory_feed",
        feed.id,
        f"address={shown_address(feed.address)}; added={result.added}; updated={result.updated}; "
        f"unchanged={result.unchanged}; closed={result.closed}; flagged={result.flagged}; "
        f"skipped={result.skipped}",
    )
    return result


def summary(checked: FeedPreview) -> list[str]:
    """The file import's summary, with what the feed's pages held and what would be closed."""
    lines = directory_import.summary(checked)
    if checked.fetched is not None:
        read = checked.fetched
        lines.insert(
            1,
            f"Read {counted(read.pages, 'page')} of the service list and "
            f"{counted(read.full_records, 'full record')}"
            + (f" ({read.retries:,} tried again)." if read.retries else "."),
        )
    if checked.closing:
        lines.append(
            f"No longer in the feed: {counted(len(checked.closing), 'service')} "
            "imported from it before would be marked closed and flagged for checking (not deleted)."
        )
    return lines


def problem_list(checked: FeedPreview) -> list[FeedProblem]:
    """The file import's problems, then each service that would be closed."""
    name = checked.feed.name
    return directory_import.problem_list(checked) + [
        FeedProblem(
            name,
            _CLOSED_WHERE,
            service.oruk_id,
            Severity.FLAGGED,
            "No longer in the feed: will be marked closed and flagged for checking.",
            shown_name(service.name),
        )
        for service in checked.closing
    ]


def report(checked: FeedPreview) -> list[str]:
    """The summary, then every problem: what the command prints."""
    words = {Severity.SKIPPED: "Skipped", Severity.FLAGGED: "Flagged", Severity.NOTE: "Note"}
    return summary(checked) + [
        f"  {words[problem.severity]}: {problem.text()}" for problem in problem_list(checked)
    ]


def describe(result: FeedImportResult) -> str:
    """What an import of a feed did, in a sentence."""
    text = (
        f"Imported {shown_address(result.address)}: {result.added:,} added, {result.updated:,} updated, "
        f"{result.unchanged:,} unchanged, {result.closed:,} closed; {result.flagged:,} flagged for checking, "
        f"{result.skipped:,} skipped."
    )
    if result.unmapped_terms:
        text += f" {result.unmapped_terms:,} taxonomy terms are waiting to be mapped to needs."
    return text


def check_address(address: str) -> str:
    """The feed's base address (``oruk_feed.feed_address``), or ``ImportRefused`` saying why not."""
    try:
        base = feed_address(address)
    except FeedError as error:
        raise ImportRefused(str(error)) from None
    if len(base) > ADDRESS_MAX:
        raise ImportRefused(f"The address is longer than {ADDRESS_MAX} characters: it cannot be saved.")
    return base


def _feed_at(session: Session, actor: Actor, address: str) -> DirectoryFeed | None:
    return session.scalar(
        select(DirectoryFeed).where(DirectoryFeed.pcn_id == actor.pcn_id, DirectoryFeed.address == address)
    )


def _new_feed(session: Session, actor: Actor, address: str) -> DirectoryFeed:
    feed = DirectoryFeed(pcn_id=actor.pcn_id, address=address, created_by_id=actor.user_id)
    session.add(feed)
    session.flush()
    return feed


def _closing(session: Session, feed: DirectoryFeed, listed: frozenset[str]) -> tuple[ClosingService, ...]:
    """The services the feed carried when last imported that it no longer lists."""
    rows = session.execute(
        select(DirectoryFeedService.service_id, DirectoryFeedService.oruk_id, Service.name)
        .join(Service, Service.id == DirectoryFeedService.service_id)
        .where(DirectoryFeedService.feed_id == feed.id)
        .order_by(Service.name, Service.id)
    )
    return tuple(
        ClosingService(row.service_id, row.oruk_id, row.name) for row in rows if row.oruk_id not in listed
    )


def _close(session: Session, actor: Actor, address: str, closing: Sequence[ClosingService]) -> None:
    """Mark each vanished service closed and flagged, saying which feed dropped it and when."""
    if not closing:
        return
    flag = (
        f"No longer in the feed {shown_address(address)} (read {datetime.now(UTC):%d %b %Y}): "
        "marked closed; check whether it still runs."
    )
    for start in range(0, len(closing), SLICE):
        ids = [service.service_id for service in closing[start : start + SLICE]]
        for model in session.scalars(select(Service).where(Service.id.in_(ids))):
            model.status = ServiceStatus.DEFUNCT.value
            model.import_problems = [*model.import_problems, flag]
            model.updated_by_id = actor.user_id
    session.flush()
    audit.record_each(
        session,
        actor,
        "service_closed_by_feed",
        "service",
        [(service.service_id, None) for service in closing],
    )


def _carried(session: Session, actor: Actor, fetched: FeedRead) -> dict[str, int]:
    """The feed's services as now in this PCN's directory: the feed's id to the service's, the
    way ``directory_import`` matches them (the ORUK id, or the id Linkworker exported it under)."""
    wanted = {service.oruk_id for service in fetched.feed.services}
    found: dict[str, int] = {}
    for service_id, oruk_id, pcn_id in session.execute(select(Service.id, Service.oruk_id, Service.pcn_id)):
        if pcn_id not in (None, actor.pcn_id):
            continue
        for key in (oruk_id, export_id("service", directory_import.local_key(service_id, oruk_id))):
            if key in wanted:
                found.setdefault(key, service_id)
    return found


def _service_counts(session: Session, feed_ids: Iterable[int]) -> dict[int, int]:
    ids = list(feed_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(DirectoryFeedService.feed_id, func.count())
        .where(DirectoryFeedService.feed_id.in_(ids))
        .group_by(DirectoryFeedService.feed_id)
    )
    return {feed_id: count for feed_id, count in rows}


def _user_names(session: Session, user_ids: set[int | None]) -> dict[int | None, str]:
    ids = [user_id for user_id in user_ids if user_id is not None]
    if not ids:
        return {}
    return {
        row.id: row.full_name
        for row in session.execute(
            select(UserAccount.id, UserAccount.full_name).where(UserAccount.id.in_(ids))
        )
    }
