"""The audit trail's hash chain: a whole chain verifies, and each way someone holding the database
key could tamper with it (change, delete, insert, reorder, cut, append) is found and named at the
right event, whether or not they renumbered the events after or sealed what they put in.

A tampered chain here is what an intruder leaves: the events in id order as the database would
return them, and the head as the app last wrote it (an intruder who also rewrites the head and
every later seal is caught only against a seal noted elsewhere; see ``audit verify``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker.domain.audit_chain import (
    GENESIS,
    BreakKind,
    ChainedEvent,
    Head,
    SealedEvent,
    seal,
    seal_all,
    verify,
)

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
Chain = list[SealedEvent]


def event(number: int, **changes: object) -> ChainedEvent:
    """The ``number``th event of a made-up trail: every event differs from every other."""
    made = ChainedEvent(
        id=number,
        occurred_at=START + timedelta(minutes=number, microseconds=number),
        user_id=1 + number % 3,
        username=("ada", "wren", "max")[number % 3],
        action=("sign_in", "case_opened", "note_added")[number % 3],
        entity="referral",
        entity_id=1000 + number,
        detail=f"detail {number}",
        pcn_id=1,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def sealed_after(previous: str, content: ChainedEvent) -> SealedEvent:
    return SealedEvent(content, seal(previous, content))


def chain(length: int) -> tuple[Chain, Head | None]:
    """A trail of ``length`` events as the app writes it, and its head."""
    contents = [event(number) for number in range(1, length + 1)]
    events = [
        SealedEvent(content, hash_)
        for content, hash_ in zip(contents, seal_all(GENESIS, contents), strict=True)
    ]
    return events, Head(length, events[-1].chain_hash) if events else None


def found(events: Chain, head: Head | None) -> list[tuple[BreakKind, int]]:
    return [(found.kind, found.event_id) for found in verify(events, head)]


def renumbered(events: Chain, start: int, by: int) -> Chain:
    """Events from index ``start`` on with their ids moved by ``by``, keeping their seals."""
    return events[:start] + [
        SealedEvent(replace(item.event, id=item.event.id + by), item.chain_hash) for item in events[start:]
    ]


def seal_before(events: Chain, index: int) -> str:
    return events[index - 1].chain_hash if index else GENESIS


# The tamperings: each takes the whole chain and an event id, and returns the chain left behind.


def changed(events: Chain, at: int) -> Chain:
    """One field of event ``at`` changed in SQL, its seal left as it was."""
    index = at - 1
    item = events[index]
    tampered = replace(item.event, detail=f"{item.event.detail} (edited)")
    return [*events[:index], SealedEvent(tampered, item.chain_hash), *events[index + 1 :]]


def changed_and_sealed(events: Chain, at: int) -> Chain:
    """Event ``at`` changed and given the seal its new content would have (the chain is not keyed)."""
    index = at - 1
    tampered = replace(events[index].event, action="case_closed")
    return [*events[:index], sealed_after(seal_before(events, index), tampered), *events[index + 1 :]]


def deleted(events: Chain, at: int) -> Chain:
    """Event ``at`` deleted, leaving a gap in the ids."""
    return events[: at - 1] + events[at:]


def deleted_and_renumbered(events: Chain, at: int) -> Chain:
    """Event ``at`` deleted and every later id moved down by one, so no gap shows."""
    return renumbered(deleted(events, at), at - 1, -1)


def inserted(events: Chain, at: int) -> Chain:
    """A made-up event put in at id ``at`` with a made-up seal, later ids moved up by one."""
    index = at - 1
    extra = SealedEvent(event(at, detail="made up", user_id=9), "f" * 64)
    return [*events[:index], extra, *renumbered(events, index, 1)[index:]]


def inserted_and_sealed(events: Chain, at: int) -> Chain:
    """As ``inserted``, but the new event sealed to the one before it as the app would."""
    index = at - 1
    extra = sealed_after(seal_before(events, index), event(at, detail="made up", user_id=9))
    return [*events[:index], extra, *renumbered(events, index, 1)[index:]]


def appended(events: Chain, at: int) -> Chain:
    """An event added after the newest, with a made-up seal (``at`` is not used)."""
    return [*events, SealedEvent(event(len(events) + 1, detail="added"), "e" * 64)]


def appended_and_sealed(events: Chain, at: int) -> Chain:
    """An event added after the newest and sealed to it, the head left alone (``at`` is not used)."""
    return [*events, sealed_after(events[-1].chain_hash, event(len(events) + 1, detail="added"))]


def cut(events: Chain, at: int) -> Chain:
    """Every event from ``at`` on deleted."""
    return events[: at - 1]


def swapped(events: Chain, first: int, second: int) -> Chain:
    """Two events trade places, each taking its content and seal to the other's id."""
    moved = list(events)
    a, b = events[first - 1], events[second - 1]
    moved[first - 1] = SealedEvent(replace(b.event, id=first), b.chain_hash)
    moved[second - 1] = SealedEvent(replace(a.event, id=second), a.chain_hash)
    return moved


# --- a whole chain ---


@pytest.mark.parametrize("length", [1, 2, 3, 50])
def test_a_whole_chain_has_no_breaks(length: int) -> None:
    assert verify(*chain(length)) == []


def test_an_empty_trail_is_whole_with_or_without_a_head() -> None:
    assert verify([], None) == []
    assert verify([], Head(0, GENESIS)) == []


def test_a_seal_covers_the_instant_not_the_zone_it_is_written_in() -> None:
    utc = event(1)
    elsewhere = replace(utc, occurred_at=utc.occurred_at.astimezone(timezone(timedelta(hours=5))))
    assert seal(GENESIS, elsewhere) == seal(GENESIS, utc)


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", 2),
        ("occurred_at", START + timedelta(microseconds=1)),
        ("user_id", None),
        ("username", "ada "),
        ("action", "sign_out"),
        ("entity", None),
        ("entity_id", 1002),
        ("detail", None),
        ("pcn_id", 2),
    ],
)
def test_the_seal_covers_every_field_and_the_seal_before(field: str, value: object) -> None:
    original = event(1)
    assert seal(GENESIS, replace(original, **{field: value})) != seal(GENESIS, original)  # type: ignore[arg-type]
    assert seal("1" * 64, original) != seal(GENESIS, original)


def test_a_field_cannot_leak_into_its_neighbour() -> None:
    """The content is a JSON array, so moving text from one field to the next changes the seal."""
    one = event(1, entity="ab", detail="c")
    two = event(1, entity="a", detail="bc")
    assert seal(GENESIS, one) != seal(GENESIS, two)


# --- each kind of tampering, at the first, a middle and the last event ---

N = 10
PLACES = [1, 2, 5, N - 1, N]


@pytest.mark.parametrize("at", PLACES)
def test_a_changed_field_is_found_at_that_event(at: int) -> None:
    events, head = chain(N)
    breaks = verify(changed(events, at), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.CHANGED, at)]
    also = f", or event {at - 1} was changed and sealed again" if at > 1 else ""
    assert breaks[0].explanation == f"Event {at} was changed after it was written{also}."


@pytest.mark.parametrize("at", PLACES)
def test_a_change_sealed_again_is_found_at_the_event_after_or_at_the_head(at: int) -> None:
    """The chain is not keyed, so the intruder can seal their change; the event after it then no
    longer follows (and the newest event no longer matches the head). Which of the two was
    changed cannot be told apart, and the explanation says so."""
    events, head = chain(N)
    breaks = verify(changed_and_sealed(events, at), head)
    where = min(at + 1, N)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.CHANGED, where)]
    if at < N:
        assert f"event {at}" in breaks[0].explanation


@pytest.mark.parametrize("at", PLACES[:-1])
def test_a_deleted_event_is_found_by_the_gap_it_leaves(at: int) -> None:
    events, head = chain(N)
    breaks = verify(deleted(events, at), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.DELETED, at)]
    assert breaks[0].explanation == f"Event {at} is missing."


def test_several_deleted_events_are_one_break_naming_them_all() -> None:
    events, head = chain(N)
    tampered = deleted(deleted(deleted(events, 6), 5), 4)
    breaks = verify(tampered, head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.DELETED, 4)]
    assert breaks[0].explanation == "Events 4 to 6 are missing."


@pytest.mark.parametrize("at", PLACES[:-1])
def test_a_deleted_event_is_found_when_the_later_ids_were_moved_down(at: int) -> None:
    events, head = chain(N)
    breaks = verify(deleted_and_renumbered(events, at), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.DELETED, at)]
    assert "renumbered" in breaks[0].explanation


def test_several_deleted_events_renumbered_are_one_break() -> None:
    events, head = chain(N)
    tampered = deleted_and_renumbered(deleted_and_renumbered(events, 5), 4)
    breaks = verify(tampered, head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.DELETED, 4)]
    assert breaks[0].explanation.startswith("Events 4 to 5 were deleted")


def test_a_renumbered_deletion_is_found_when_the_head_was_renumbered_too() -> None:
    events, _ = chain(N)
    tampered = deleted_and_renumbered(events, 4)
    assert found(tampered, Head(N - 1, tampered[-1].chain_hash)) == [(BreakKind.DELETED, 4)]


@pytest.mark.parametrize("tamper", [inserted, inserted_and_sealed])
@pytest.mark.parametrize("at", PLACES)
def test_an_inserted_event_is_found_at_its_id(tamper: Callable[[Chain, int], Chain], at: int) -> None:
    events, head = chain(N)
    breaks = verify(tamper(events, at), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.INSERTED, at)]
    assert breaks[0].explanation == (
        f"Event {at} was put into the trail afterwards, and the later events renumbered."
    )


def test_two_sealed_events_inserted_together_are_one_break() -> None:
    events, head = chain(N)
    tampered = inserted_and_sealed(inserted_and_sealed(events, 4), 5)
    breaks = verify(tampered, head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.INSERTED, 4)]
    assert breaks[0].explanation.startswith("Events 4 to 5 were put into the trail")


@pytest.mark.parametrize("first, second", [(1, 2), (4, 5), (N - 1, N), (1, N), (3, 7), (2, 4)])
def test_two_events_swapped_with_their_seals_are_both_found_as_moved(first: int, second: int) -> None:
    events, head = chain(N)
    breaks = verify(swapped(events, first, second), head)
    assert [(found.kind, found.event_id) for found in breaks] == [
        (BreakKind.REORDERED, first),
        (BreakKind.REORDERED, second),
    ]
    assert breaks[0].explanation == f"Event {first} was moved from another place in the trail."


@pytest.mark.parametrize("at", [1, 2, N])
def test_events_cut_from_the_end_are_found_against_the_head(at: int) -> None:
    events, head = chain(N)
    breaks = verify(cut(events, at), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.CUT_FROM_END, at)]
    missing = f"Event {N} is" if at == N else f"Events {at} to {N} are"
    assert breaks[0].explanation == f"{missing} missing from the end of the trail."


@pytest.mark.parametrize("tamper", [appended, appended_and_sealed])
def test_an_event_added_after_the_newest_seal_is_found(tamper: Callable[[Chain, int], Chain]) -> None:
    events, head = chain(N)
    breaks = verify(tamper(events, 0), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.APPENDED_OUTSIDE, N + 1)]
    assert breaks[0].explanation == (
        f"Event {N + 1} was added after the newest seal Linkworker wrote (event {N})."
    )


def test_several_unsealed_events_appended_are_one_break() -> None:
    events, head = chain(N)
    breaks = verify(appended(appended(events, 0), 0), head)
    assert [(found.kind, found.event_id) for found in breaks] == [(BreakKind.APPENDED_OUTSIDE, N + 1)]
    assert breaks[0].explanation.startswith(f"Events {N + 1} to {N + 2} were added")


def test_a_trail_with_events_but_no_head_is_broken() -> None:
    events, _ = chain(3)
    assert found(events, None) == [(BreakKind.APPENDED_OUTSIDE, 1)]


def test_a_trail_emptied_behind_its_head_is_cut_from_the_start() -> None:
    _events, head = chain(3)
    assert found([], head) == [(BreakKind.CUT_FROM_END, 1)]


def test_two_tamperings_far_apart_are_both_found() -> None:
    events, head = chain(30)
    tampered = changed(deleted(events, 20), 5)
    assert found(tampered, head) == [(BreakKind.CHANGED, 5), (BreakKind.DELETED, 20)]


def test_every_seal_zeroed_is_found_without_searching_for_ever() -> None:
    """A trail wrecked throughout is reported break by break, in linear-ish time."""
    events, head = chain(3000)
    wrecked = [SealedEvent(item.event, "0" * 64) for item in events]
    breaks = verify(wrecked, head)
    assert len(breaks) >= len(events)


# --- any chain, any single tampering ---

ONE_PLACE = (changed, changed_and_sealed, deleted, deleted_and_renumbered, inserted, inserted_and_sealed, cut)


def expected(tamper: Callable[[Chain, int], Chain], at: int, length: int) -> list[tuple[BreakKind, int]]:
    """What ``verify`` should name for ``tamper`` at event ``at`` of a chain of ``length``."""
    last = at == length
    if tamper is changed:
        return [(BreakKind.CHANGED, at)]
    if tamper is changed_and_sealed:
        return [(BreakKind.CHANGED, min(at + 1, length))]
    if tamper in (deleted, deleted_and_renumbered):
        return [(BreakKind.CUT_FROM_END, at)] if last else [(BreakKind.DELETED, at)]
    if tamper is cut:
        return [(BreakKind.CUT_FROM_END, at)]
    return [(BreakKind.INSERTED, at)]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), length=st.integers(min_value=1, max_value=25))
def test_any_single_tampering_of_any_chain_is_found_and_named(data: st.DataObject, length: int) -> None:
    events, head = chain(length)
    kind = data.draw(st.sampled_from(["one place", "swap", "append"]))
    if kind == "one place":
        tamper = data.draw(st.sampled_from(ONE_PLACE))
        at = data.draw(st.integers(min_value=1, max_value=length))
        tampered, wanted = tamper(events, at), expected(tamper, at, length)
    elif kind == "swap" and length > 1:
        places = st.lists(st.integers(1, length), min_size=2, max_size=2, unique=True)
        first, second = sorted(data.draw(places))
        tampered, wanted = (
            swapped(events, first, second),
            [
                (BreakKind.REORDERED, first),
                (BreakKind.REORDERED, second),
            ],
        )
    else:
        tamper = data.draw(st.sampled_from([appended, appended_and_sealed]))
        tampered, wanted = tamper(events, 0), [(BreakKind.APPENDED_OUTSIDE, length + 1)]
    assert found(tampered, head) == wanted


@st.composite
def random_tampering(draw: st.DrawFn) -> tuple[Chain, Chain, Head | None]:
    """A chain and the same chain after one random edit of the kinds an SQL prompt allows: a
    field of an event set to another value, a seal replaced, a row deleted, an id changed, or
    a row inserted with any id not taken."""
    events, head = chain(draw(st.integers(min_value=1, max_value=20)))
    index = draw(st.integers(min_value=0, max_value=len(events) - 1))
    item = events[index]
    edit = draw(st.sampled_from(["field", "seal", "delete", "id", "insert"]))
    tampered = list(events)
    if edit == "field":
        field = draw(st.sampled_from(["occurred_at", "user_id", "username", "action", "entity", "detail"]))
        values = {
            "occurred_at": st.datetimes(timezones=st.just(UTC)),
            "user_id": st.none() | st.integers(1, 5),
            "username": st.none() | st.text(max_size=8),
            "action": st.text(min_size=1, max_size=8),
            "entity": st.none() | st.text(max_size=8),
            "detail": st.none() | st.text(max_size=20),
        }
        value = draw(values[field].filter(lambda new: new != getattr(item.event, field)))
        tampered[index] = SealedEvent(replace(item.event, **{field: value}), item.chain_hash)
    elif edit == "seal":
        hashes = st.text("0123456789abcdef", min_size=64, max_size=64)
        new = draw(hashes.filter(lambda h: h != item.chain_hash))
        tampered[index] = SealedEvent(item.event, new)
    elif edit == "delete":
        del tampered[index]
    elif edit == "id":
        taken = {other.event.id for other in events}
        new_id = draw(st.integers(1, len(events) + 5).filter(lambda i: i not in taken))
        tampered[index] = SealedEvent(replace(item.event, id=new_id), item.chain_hash)
        tampered.sort(key=lambda other: other.event.id)
    else:
        taken = {other.event.id for other in events}
        new_id = draw(st.integers(1, len(events) + 5).filter(lambda i: i not in taken))
        extra = replace(item.event, id=new_id)
        hash_ = draw(st.sampled_from([item.chain_hash, seal(item.chain_hash, extra), "a" * 64]))
        tampered.append(SealedEvent(extra, hash_))
        tampered.sort(key=lambda other: other.event.id)
    return events, tampered, head


@settings(max_examples=500, deadline=None)
@given(random_tampering())
def test_a_tampered_chain_is_never_reported_whole(case: tuple[Chain, Chain, Head | None]) -> None:
    events, tampered, head = case
    assert verify(events, head) == []
    assert verify(tampered, head) != []
