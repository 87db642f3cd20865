"""The audit trail's hash chain: each event sealed to the one before, so tampering shows.

Each event's seal is SHA-256 over the previous event's seal and the event's own content (its id
included), as in Crosby and Wallach's tamper-evident logs and certificate transparency's
append-only logs (RFC 6962): changing, deleting, inserting or reordering one event breaks the
seal of that event or the next. The chain is not keyed: someone holding the database key who
rewrites the whole chain after an event is caught only against a seal noted earlier (``audit
verify`` prints the newest seal so an administrator can keep it apart from the PC). On
PostgreSQL the database also refuses UPDATE, DELETE and TRUNCATE of the trail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

# The seal before the first event: 64 zeros, so the first event is sealed like every other.
GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainedEvent:
    """What the seal covers: every column of the event except the seal itself."""

    id: int
    occurred_at: datetime
    user_id: int | None
    username: str | None
    action: str
    entity: str | None
    entity_id: int | None
    detail: str | None
    pcn_id: int | None


@dataclass(frozen=True)
class SealedEvent:
    event: ChainedEvent
    chain_hash: str


class BreakKind(StrEnum):
    DELETED = "deleted"
    CHANGED = "changed"
    INSERTED = "inserted"
    REORDERED = "reordered"
    CUT_FROM_END = "cut from the end"
    APPENDED_OUTSIDE = "added after the newest seal"


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain breaks: the event id at (or after) the break and what seems to have happened."""

    kind: BreakKind
    event_id: int
    explanation: str


@dataclass(frozen=True)
class Head:
    """The newest seal as the app last wrote it."""

    last_event_id: int
    last_hash: str


def _canonical(event: ChainedEvent) -> bytes:
    """One unambiguous byte string per event: a JSON array, time in UTC to the microsecond."""
    when = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        event.id,
        when,
        event.user_id,
        event.username,
        event.action,
        event.entity,
        event.entity_id,
        event.detail,
        event.pcn_id,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal(previous: str, event: ChainedEvent) -> str:
    """The seal of ``event`` following an event sealed ``previous`` (GENESIS for the first)."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + _canonical(event)).hexdigest()


def seal_all(previous: str, events: Sequence[ChainedEvent]) -> list[str]:
    """The seals of ``events`` appended in order after ``previous``."""
    seals = []
    for event in events:
        previous = seal(previous, event)
        seals.append(previous)
    return seals


def verify(events: Sequence[SealedEvent], head: Head | None) -> list[ChainBreak]:
    """Every break in ``events`` (in id order, the whole trail): empty when the chain is whole.

    A break is named by what best explains it, judged by whether the next event still fits: a
    gap in the ids, or later ids moved down by one, is a deletion; an event whose seal no longer
    fits its content while the next still fits that seal was changed; an event the next one
    skips over (later ids moved up by one) was inserted; an event carrying the seal of another
    broken place was moved there.
    """
    breaks: list[ChainBreak] = []
    shift = 0  # how far later ids were moved by an insertion (+) or a deletion (-) hidden by renumbering
    previous_hash = GENESIS  # the seal the next genuine event follows
    broken: list[int] = []
    for index, sealed in enumerate(events):
        first_expected = events[index - 1].event.id + 1 if index else 1
        if sealed.event.id > first_expected:
            breaks.append(
                ChainBreak(
                    BreakKind.DELETED,
                    sealed.event.id,
                    f"{_events(sealed.event.id - first_expected)} before event {sealed.event.id} "
                    f"(ids {first_expected} to {sealed.event.id - 1}) are missing.",
                )
            )
            shift = 0  # the seal after a gap cannot fit: the deletion explains it
        elif not _fits(previous_hash, sealed, shift):
            found, shift, skipped = _explain(events, index, previous_hash, shift)
            if found is None:
                broken.append(index)
            else:
                breaks.append(found)
            if skipped:
                continue  # an inserted event: the chain goes on from the seal before it
        previous_hash = sealed.chain_hash
    breaks.extend(_unexplained(events, broken))
    breaks.extend(_head_breaks(events, head))
    return sorted(breaks, key=lambda found: found.event_id)


def _events(count: int) -> str:
    return f"{count} event{'s' if count != 1 else ''}"


def _fits(previous_hash: str, sealed: SealedEvent, shift: int) -> bool:
    """Whether ``sealed`` follows a seal of ``previous_hash``, its id ``shift`` above the sealed one."""
    return seal(previous_hash, _with_id(sealed.event, sealed.event.id - shift)) == sealed.chain_hash


def _explain(
    events: Sequence[SealedEvent], index: int, before: str, shift: int
) -> tuple[ChainBreak | None, int, bool]:
    """Name the break at ``index`` by whether the next event fits: the break, the id shift after
    it, and whether the event at ``index`` is no part of the chain (inserted)."""
    event_id = events[index].event.id
    after = events[index + 1] if index + 1 < len(events) else None
    if after is None:
        return None, shift, False
    if _fits(events[index].chain_hash, after, shift):
        text = f"Event {event_id} was changed after it was written."
        return ChainBreak(BreakKind.CHANGED, event_id, text), shift, False
    if _fits(before, after, shift + 1):
        text = f"Event {event_id} was put into the trail afterwards, and the later events renumbered."
        return ChainBreak(BreakKind.INSERTED, event_id, text), shift + 1, True
    if _fits(events[index].chain_hash, after, shift - 1):
        text = f"An event just before event {event_id} was deleted, and the later events renumbered."
        return ChainBreak(BreakKind.DELETED, event_id, text), shift - 1, False
    return None, shift, False


def _unexplained(events: Sequence[SealedEvent], broken: list[int]) -> list[ChainBreak]:
    """Breaks the next event does not explain: moved from another broken place, or changed."""
    found = []
    for index in broken:
        event_id = events[index].event.id
        if _sealed_elsewhere(events, index, broken):
            found.append(
                ChainBreak(
                    BreakKind.REORDERED,
                    event_id,
                    f"Event {event_id} was moved from another place in the trail.",
                )
            )
        else:
            found.append(
                ChainBreak(
                    BreakKind.CHANGED, event_id, f"Event {event_id} does not follow the event before it."
                )
            )
    return found


def _with_id(event: ChainedEvent, new_id: int) -> ChainedEvent:
    return replace(event, id=new_id)


def _sealed_elsewhere(events: Sequence[SealedEvent], index: int, broken: list[int]) -> bool:
    """Whether the event at ``index`` carries the seal it had at another broken place: its
    content, given that place's id and predecessor, gives its own seal."""
    for other in broken:
        if other == index:
            continue
        before = events[other - 1].chain_hash if other else GENESIS
        if seal(before, _with_id(events[index].event, events[other].event.id)) == events[index].chain_hash:
            return True
    return False


def _head_breaks(events: Sequence[SealedEvent], head: Head | None) -> list[ChainBreak]:
    """Events cut from the end, or added after the last seal the app wrote."""
    if head is None:
        if events:
            return [
                ChainBreak(BreakKind.APPENDED_OUTSIDE, events[0].event.id, "The trail has no recorded head.")
            ]
        return []
    last_id = events[-1].event.id if events else 0
    if last_id < head.last_event_id:
        return [
            ChainBreak(
                BreakKind.CUT_FROM_END,
                last_id + 1,
                f"Events {last_id + 1} to {head.last_event_id} are missing from the end of the trail.",
            )
        ]
    if last_id > head.last_event_id:
        return [
            ChainBreak(
                BreakKind.APPENDED_OUTSIDE,
                head.last_event_id + 1,
                f"Events after {head.last_event_id} were added outside Linkworker.",
            )
        ]
    if events and events[-1].chain_hash != head.last_hash:
        return [
            ChainBreak(BreakKind.CHANGED, last_id, f"The newest event {last_id} does not match its seal.")
        ]
    return []
