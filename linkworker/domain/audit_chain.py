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
# One encoder for every event (json.dumps with options makes a new one each call).
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


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
    return _JSON.encode(fields).encode("utf-8")


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


# How far apart the ids of a renumbering are looked for at a break: up to this many events
# deleted or inserted at one place (with the later ids moved) are named as such.
_MOST_RENUMBERED = 8
# A moved event is looked for among the events that fit no neighbour; a trail with more of them
# than this is wrecked throughout, and its breaks are named without that search (which would
# take time growing with the square of their number).
_MOST_SEARCHED = 200


def verify(events: Sequence[SealedEvent], head: Head | None) -> list[ChainBreak]:
    """Every break in ``events`` (in id order, the whole trail), in id order: empty when whole.

    The events are walked in order, each checked against the seal of the genuine event before
    it. An event that does not fit is named by what explains the events around it: the next
    event still follows its seal (it was changed; or, if the ids on from it were moved, events
    were deleted or inserted before it); another event belongs in its place (it was moved); the
    next event follows the one before it (it was put in). The head, the newest seal the app
    wrote, then shows events cut from the end or added after it.
    """
    walk = _Walk(events, head)
    for index in range(len(events)):
        walk.step(index)
    return walk.finish()


def _ids(first: int, last: int) -> str:
    return f"Event {first}" if first == last else f"Events {first} to {last}"


def _were(first: int, last: int) -> str:
    return "was" if first == last else "were"


def _are(first: int, last: int) -> str:
    return "is" if first == last else "are"


def _fits(previous: str, sealed: SealedEvent, event_id: int) -> bool:
    """Whether ``sealed`` is the event sealed after ``previous`` with id ``event_id``."""
    content = sealed.event if sealed.event.id == event_id else replace(sealed.event, id=event_id)
    return seal(previous, content) == sealed.chain_hash


class _Walk:
    """The walk along the trail: the seal the next genuine event follows (``previous``), how far
    ids were moved by a renumbering so far (``shift``: an event's id now less its id when sealed),
    the breaks found by the event id they name, and where the head's seal was reached."""

    def __init__(self, events: Sequence[SealedEvent], head: Head | None) -> None:
        self.events = events
        self.head = head
        self.previous = GENESIS
        self.shift = 0
        self.breaks: dict[int, ChainBreak] = {}
        self.head_reached_at: int | None = None
        self._suspects: list[int] | None = None

    def step(self, index: int) -> None:
        sealed = self.events[index]
        event_id = sealed.event.id
        expected_id = self.events[index - 1].event.id + 1 if index else 1
        if event_id > expected_id:  # a gap: its seal cannot fit, the deletion explains it
            self._add(
                BreakKind.DELETED,
                expected_id,
                f"{_ids(expected_id, event_id - 1)} {_are(expected_id, event_id - 1)} missing.",
            )
            self._accept(index, sealed.chain_hash)
        elif _fits(self.previous, sealed, event_id - self.shift):
            self._accept(index, sealed.chain_hash)
        else:
            self._explain(index)

    def _add(self, kind: BreakKind, event_id: int, explanation: str) -> None:
        self.breaks.setdefault(event_id, ChainBreak(kind, event_id, explanation))

    def _accept(self, index: int, seal_here: str) -> None:
        """Go on from ``seal_here``, the genuine seal of this place in the chain."""
        self.previous = seal_here
        if self.head is not None and seal_here == self.head.last_hash:
            self.head_reached_at = index

    def _explain(self, index: int) -> None:
        sealed = self.events[index]
        event_id = sealed.event.id
        shift_here = self._shift_after(index)
        if shift_here is not None:
            self._sealed_in_place(event_id, shift_here)
            self.shift = shift_here
            self._accept(index, sealed.chain_hash)
            return
        belongs_here = self._moved_here(index)
        if belongs_here is not None:
            self._add(
                BreakKind.REORDERED, event_id, f"Event {event_id} was moved from another place in the trail."
            )
            self._accept(index, belongs_here)
            return
        following = self._following(index)
        if following is not None and _fits(self.previous, following, following.event.id - self.shift):
            # The app numbers its next event above any row put in after its newest seal, and
            # seals it to that seal: the row is in the trail but not in the chain.
            text = (
                f"Event {event_id} was added outside Linkworker after its seal of the event before; "
                "the app's later events go on from that seal."
            )
            self._add(BreakKind.APPENDED_OUTSIDE, event_id, text)
            return
        if following is not None and _fits(self.previous, following, following.event.id - self.shift - 1):
            text = f"Event {event_id} was put into the trail afterwards, and the later events renumbered."
            self._add(BreakKind.INSERTED, event_id, text)
            self.shift += 1  # the chain goes on from the seal before the inserted event
            return
        self._add(BreakKind.CHANGED, event_id, f"Event {event_id} does not follow the event before it.")
        self.previous = sealed.chain_hash

    def _sealed_in_place(self, event_id: int, shift_here: int) -> None:
        """Name a break at an event whose own seal is genuine (what follows it fits it)."""
        if shift_here == self.shift:
            text = f"Event {event_id} was changed after it was written"
            if event_id > 1:
                text += f", or event {event_id - 1} was changed and sealed again"
            self._add(BreakKind.CHANGED, event_id, text + ".")
        elif shift_here < self.shift:  # ids from here on were moved down over deleted events
            first, last = event_id - self.shift, event_id - shift_here - 1
            self._add(
                BreakKind.DELETED,
                event_id,
                f"{_ids(first, last)} {_were(first, last)} deleted, and the later events renumbered.",
            )
        else:  # ids from here on were moved up past events put in before this one
            first, last = event_id - (shift_here - self.shift), event_id - 1
            self._add(
                BreakKind.INSERTED,
                first,
                f"{_ids(first, last)} {_were(first, last)} put into the trail afterwards, "
                "and the later events renumbered.",
            )

    def _following(self, index: int) -> SealedEvent | None:
        """The next event, when its id follows on (a gap is a break of its own)."""
        if index + 1 < len(self.events):
            following = self.events[index + 1]
            if following.event.id == self.events[index].event.id + 1:
                return following
        return None

    def _shift_after(self, index: int) -> int | None:
        """The renumbering shift at which what follows the event at ``index`` fits its seal (so
        the seal is genuine); None when nothing does. What follows the newest event is the head."""
        sealed = self.events[index]
        following = self._following(index)
        if following is None:
            if (
                index + 1 == len(self.events)
                and self.head is not None
                and self.head.last_hash == sealed.chain_hash
            ):
                return sealed.event.id - self.head.last_event_id
            return None
        for distance in range(_MOST_RENUMBERED + 1):
            for shift in {self.shift - distance, self.shift + distance}:
                if _fits(sealed.chain_hash, following, following.event.id - shift):
                    return shift
        return None

    def _moved_here(self, index: int) -> str | None:
        """When the event at ``index`` belongs at another place in the trail: the seal of the event
        that belongs here (its own when none is found). None when it belongs nowhere else."""
        suspects = [other for other in self._find_suspects() if other != index]
        sealed = self.events[index]
        genuine_id = sealed.event.id - self.shift
        here = next(
            (other for other in suspects if _fits(self.previous, self.events[other], genuine_id)), None
        )
        belongs_elsewhere = any(
            _fits(
                self.events[other - 1].chain_hash if other else GENESIS,
                sealed,
                self.events[other].event.id - self.shift,
            )
            for other in suspects
        )
        if here is not None and _fits(self.events[here].chain_hash, sealed, genuine_id + 1):
            belongs_elsewhere = True  # two neighbours swapped: it follows the one that belongs here
        if not belongs_elsewhere:
            return None
        return self.events[here].chain_hash if here is not None else sealed.chain_hash

    def _find_suspects(self) -> list[int]:
        """The events that fit the seal stored before them at no id near their own: the places
        a moved event left or went to. Found once, on the first break that needs them."""
        if self._suspects is None:
            suspects = []
            for index, sealed in enumerate(self.events):
                before = self.events[index - 1].chain_hash if index else GENESIS
                if not any(_fits(before, sealed, sealed.event.id + moved) for moved in (0, -1, 1)):
                    suspects.append(index)
            self._suspects = suspects if len(suspects) <= _MOST_SEARCHED else []
        return self._suspects

    def finish(self) -> list[ChainBreak]:
        """The breaks found, with those the head shows: events cut from the end or added after it."""
        self._compare_with_head()
        return [self.breaks[event_id] for event_id in sorted(self.breaks)]

    def _compare_with_head(self) -> None:
        events, head = self.events, self.head
        if head is None:
            if events:
                text = "The record of the trail's newest seal is missing: it was removed outside Linkworker."
                self._add(BreakKind.APPENDED_OUTSIDE, events[0].event.id, text)
            return
        if self.previous == head.last_hash:
            return
        if self.head_reached_at is not None:  # events after the head's seal: added outside the app
            newest = events[self.head_reached_at].event.id
            self.breaks = {event_id: found for event_id, found in self.breaks.items() if event_id <= newest}
            first, last = newest + 1, events[-1].event.id
            self._add(
                BreakKind.APPENDED_OUTSIDE,
                first,
                f"{_ids(first, last)} {_were(first, last)} added after the newest seal Linkworker wrote "
                f"(event {newest}).",
            )
            return
        last_id = events[-1].event.id if events else 0
        if last_id - self.shift < head.last_event_id:
            first, last = last_id + 1, head.last_event_id + self.shift
            self._add(
                BreakKind.CUT_FROM_END,
                first,
                f"{_ids(first, last)} {_are(first, last)} missing from the end of the trail.",
            )
        elif last_id - self.shift > head.last_event_id:
            first = head.last_event_id + self.shift + 1
            self._add(
                BreakKind.APPENDED_OUTSIDE,
                first,
                f"{_ids(first, last_id)} {_were(first, last_id)} added after the newest seal Linkworker "
                f"wrote (event {head.last_event_id}).",
            )
        elif last_id not in self.breaks:
            self._add(
                BreakKind.CHANGED,
                last_id,
                f"Event {last_id} no longer matches the newest seal Linkworker wrote: it was changed "
                "and sealed again after it was written.",
            )
