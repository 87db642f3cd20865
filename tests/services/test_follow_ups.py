"""Follow-ups on a real database: booked, completed, moved and cancelled; each dated, signed, on
the case's timeline and in the audit trail (without the note or the reason); a change over a
version someone else has changed since is refused with what they did."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.follow_ups import Due, FollowUpState, attendance_check_day
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases.case_record import (
    FollowUpEvent,
    FollowUpRecord,
    FollowUpStep,
    TimelineKind,
    open_case,
)
from linkworker.services.cases.casework import CASE_ENDED, move_status
from linkworker.services.cases.follow_ups import (
    FollowUpChanged,
    NewFollowUp,
    attendance_check,
    cancel,
    complete,
    reschedule,
    schedule,
)
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, FollowUp, Pcn, Referral, UserAccount
from tests.services.casework_builder import new_case

T = TypeVar("T")
TODAY = date.today()
NEXT_WEEK = TODAY + timedelta(days=7)


def run(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


def refusal(database: Database, work: Callable[[Session], object]) -> Exception:
    with pytest.raises(Exception) as raised, database.session() as session:
        work(session)
    return raised.value


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture
def colleague(database: Database, actors: dict[Role, Actor]) -> Actor:
    """A second link worker of the PCN, as an actor."""
    user = run(
        database,
        lambda session: create_user(
            session, actors[Role.ADMIN], NewUser("lee", "Lee Linker", Role.LINK_WORKER, "kettle orbit lamp")
        ),
    )
    return Actor(user.id, "lee", "Lee Linker", Role.LINK_WORKER, actors[Role.ADMIN].pcn_id)


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    return new_case(database, worker)


def book(database: Database, actor: Actor, case: int, **changes: object) -> FollowUpRecord:
    entry = NewFollowUp(NEXT_WEEK, FollowUpKind.CALL, actor.user_id, "Ask about the lunch club")
    values = {**entry.__dict__, **changes}
    return run(database, lambda session: schedule(session, actor, case, NewFollowUp(**values)))  # type: ignore[arg-type]


def audit_details(database: Database, case: int) -> list[tuple[str, str | None, int | None]]:
    return run(
        database,
        lambda session: [
            (row.action, row.detail, row.user_id)
            for row in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_id == case, AuditEvent.action.like("follow_up_%"))
                .order_by(AuditEvent.id)
            )
        ],
    )


def test_a_booked_follow_up_is_open_due_signed_and_on_the_timeline(
    database: Database, worker: Actor, case: int
) -> None:
    booked = book(database, worker, case)
    assert (booked.due_on, booked.kind, booked.owner, booked.by, booked.state) == (
        NEXT_WEEK,
        FollowUpKind.CALL,
        "Wren Worker",
        "Wren Worker",
        FollowUpState.OPEN,
    )
    assert booked.note == "Ask about the lunch club"
    assert booked.due(TODAY) in (Due.THIS_WEEK, Due.LATER)
    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    assert record.follow_ups == (booked,)
    newest = record.timeline[0]
    assert newest.kind is TimelineKind.FOLLOW_UP
    assert newest.item == FollowUpEvent(
        booked.id, FollowUpStep.SCHEDULED, FollowUpKind.CALL, NEXT_WEEK, None, "Wren Worker",
        "Ask about the lunch club", "Wren Worker",
    )  # fmt: skip
    assert audit_details(database, case) == [
        (
            "follow_up_scheduled",
            f"follow-up {booked.id}, call due {NEXT_WEEK.isoformat()}, owner {worker.user_id}",
            worker.user_id,
        )
    ]


def test_a_follow_up_may_be_booked_for_a_colleague_but_not_for_anyone_else(
    database: Database, worker: Actor, colleague: Actor, actors: dict[Role, Actor], case: int
) -> None:
    theirs = book(database, worker, case, owner_id=colleague.user_id)
    assert (theirs.owner, theirs.by) == ("Lee Linker", "Wren Worker")
    for owner in (actors[Role.MANAGER].user_id, 999_999):
        error = refusal(database, lambda session, o=owner: book(database, worker, case, owner_id=o))
        assert isinstance(error, ValidationError) and error.field == "owner"


@pytest.mark.parametrize(
    ("due_on", "field"), [(TODAY - timedelta(days=1), "due_on"), (TODAY + timedelta(days=400), "due_on")]
)
def test_a_follow_up_is_booked_from_today_to_a_year_ahead(
    database: Database, worker: Actor, case: int, due_on: date, field: str
) -> None:
    error = refusal(database, lambda session: book(database, worker, case, due_on=due_on))
    assert isinstance(error, ValidationError) and error.field == field
    assert book(database, worker, case, due_on=TODAY).due(TODAY) is Due.TODAY


def test_only_those_who_edit_cases_of_the_pcn_book_follow_ups(
    database: Database, worker: Actor, actors: dict[Role, Actor], case: int
) -> None:
    error = refusal(database, lambda session: book(database, actors[Role.MANAGER], case))
    assert isinstance(error, PermissionDenied)

    def elsewhere(session: Session) -> None:
        other = Pcn(name="Elsewhere PCN", ods_code="U99902")
        session.add(other)
        session.flush()
        referral = session.get(Referral, case)
        assert referral is not None
        referral.pcn_id = other.id

    booked = book(database, worker, case)
    run(database, elsewhere)
    assert isinstance(refusal(database, lambda session: book(database, worker, case)), NotFound)
    error = refusal(database, lambda session: complete(session, worker, booked.id, booked.version))
    assert isinstance(error, NotFound) and "follow-up" in str(error)


def test_completing_signs_and_dates_it_and_puts_it_on_the_timeline(
    database: Database, worker: Actor, colleague: Actor, case: int
) -> None:
    booked = book(database, worker, case)
    done = run(database, lambda session: complete(session, colleague, booked.id, booked.version))
    assert (done.state, done.done_by, done.is_open, done.due(TODAY)) == (
        FollowUpState.DONE,
        "Lee Linker",
        False,
        None,
    )
    assert done.done_at is not None and done.version == booked.version + 1
    timeline = run(database, lambda session: open_case(session, worker, case, reopened=True)).timeline
    steps = [entry.item for entry in timeline if entry.kind is TimelineKind.FOLLOW_UP]
    assert [(step.step, step.by) for step in steps] == [  # type: ignore[union-attr]
        (FollowUpStep.DONE, "Lee Linker"),
        (FollowUpStep.SCHEDULED, "Wren Worker"),
    ]
    assert audit_details(database, case)[-1] == (
        "follow_up_completed",
        f"follow-up {booked.id}",
        colleague.user_id,
    )


def test_rescheduling_keeps_every_move_with_its_reason(database: Database, worker: Actor, case: int) -> None:
    booked = book(database, worker, case)
    later = NEXT_WEEK + timedelta(days=3)
    moved = run(
        database,
        lambda session: reschedule(session, worker, booked.id, booked.version, later, " Away that week "),
    )
    again = run(
        database,
        lambda session: reschedule(session, worker, booked.id, moved.version, TODAY, "She rang early"),
    )
    assert again.due_on == TODAY and again.is_open
    assert [(m.from_due_on, m.to_due_on, m.reason, m.by) for m in again.reschedules] == [
        (NEXT_WEEK, later, "Away that week", "Wren Worker"),
        (later, TODAY, "She rang early", "Wren Worker"),
    ]
    timeline = run(database, lambda session: open_case(session, worker, case, reopened=True)).timeline
    steps = [entry.item for entry in timeline if isinstance(entry.item, FollowUpEvent)]
    assert [(s.step, s.from_due_on, s.due_on, s.detail) for s in steps] == [
        (FollowUpStep.RESCHEDULED, later, TODAY, "She rang early"),
        (FollowUpStep.RESCHEDULED, NEXT_WEEK, later, "Away that week"),
        (FollowUpStep.SCHEDULED, None, NEXT_WEEK, "Ask about the lunch club"),
    ]
    assert [detail for _action, detail, _user in audit_details(database, case)][1:] == [
        f"follow-up {booked.id}, {NEXT_WEEK.isoformat()} -> {later.isoformat()}",
        f"follow-up {booked.id}, {later.isoformat()} -> {TODAY.isoformat()}",
    ]
    for day, reason, field in ((TODAY, "Same day", "due_on"), (NEXT_WEEK, "  ", "reason")):
        error = refusal(
            database,
            lambda session, d=day, r=reason: reschedule(session, worker, booked.id, again.version, d, r),
        )
        assert isinstance(error, ValidationError) and error.field == field


def test_cancelling_needs_a_reason_and_ends_the_follow_up(
    database: Database, worker: Actor, case: int
) -> None:
    booked = book(database, worker, case)
    error = refusal(database, lambda session: cancel(session, worker, booked.id, booked.version, ""))
    assert isinstance(error, ValidationError) and error.field == "reason"
    cancelled = run(
        database, lambda session: cancel(session, worker, booked.id, booked.version, "Moved out of the area")
    )
    assert (cancelled.state, cancelled.cancelled_reason, cancelled.cancelled_by) == (
        FollowUpState.CANCELLED,
        "Moved out of the area",
        "Wren Worker",
    )
    for change in (
        lambda session: complete(session, worker, booked.id, cancelled.version),
        lambda session: reschedule(session, worker, booked.id, cancelled.version, NEXT_WEEK, "Why not"),
        lambda session: cancel(session, worker, booked.id, cancelled.version, "Again"),
    ):
        error = refusal(database, change)
        assert isinstance(error, ValidationError) and "already cancelled" in error.message
    record = run(database, lambda session: open_case(session, worker, case, reopened=True))
    assert record.timeline[0].item == FollowUpEvent(
        booked.id, FollowUpStep.CANCELLED, FollowUpKind.CALL, NEXT_WEEK, None, "Wren Worker",
        "Moved out of the area", "Wren Worker",
    )  # fmt: skip


def test_a_change_over_a_version_someone_else_changed_says_what_they_did(
    database: Database, worker: Actor, colleague: Actor, case: int
) -> None:
    booked = book(database, worker, case)
    run(database, lambda session: complete(session, colleague, booked.id, booked.version))
    error = refusal(
        database, lambda session: reschedule(session, worker, booked.id, booked.version, TODAY, "Earlier")
    )
    assert isinstance(error, FollowUpChanged) and isinstance(error, StaleEdit)
    assert str(error).startswith("Lee Linker completed this follow-up at ")
    other = book(database, worker, case)
    run(database, lambda session: reschedule(session, colleague, other.id, other.version, TODAY, "Sooner"))
    error = refusal(database, lambda session: cancel(session, worker, other.id, other.version, "Not needed"))
    assert str(error).startswith(f"Lee Linker moved this follow-up to {TODAY:%d/%m/%Y} at ")
    rows = run(database, lambda session: session.scalars(select(FollowUp.cancelled_at)).all())
    assert rows == [None, None]  # nothing of the refused change was written


def test_two_sessions_saving_the_same_follow_up_the_second_is_refused(
    database: Database, worker: Actor, colleague: Actor, case: int
) -> None:
    """Both read the same version; the first commits; the second's write finds it changed. On a
    shared PostgreSQL server (SQLite lets one writer in at a time: tests/concurrency)."""
    if database.location.kind == "sqlite":
        pytest.skip("interleaved writers are a shared server's case")
    booked = book(database, worker, case)
    with database.session() as first, pytest.raises(StaleEdit), database.session() as second:
        assert second.get(FollowUp, booked.id) is not None  # read before the first one saves
        complete(first, colleague, booked.id, booked.version)
        first.commit()
        cancel(second, worker, booked.id, booked.version, "Not needed")
    row = run(database, lambda session: session.get(FollowUp, booked.id))
    assert row is not None and row.done_at is not None and row.cancelled_at is None


def test_on_an_ended_case_follow_ups_are_completed_or_cancelled_not_booked_or_moved(
    database: Database, worker: Actor, case: int
) -> None:
    first, second = book(database, worker, case), book(database, worker, case)
    version = run(database, lambda session: open_case(session, worker, case, reopened=True).header.version)
    run(
        database,
        lambda session: move_status(
            session, worker, case, version, CaseStatus.CLOSED, ClosingReason.GOALS_MET
        ),
    )
    # Ending the case cancelled both. Follow-ups left open by a case ended before that rule
    # (older data) can still be completed or cancelled, never moved, and none can be booked.
    versions = {}
    with database.session() as session:
        for left in session.scalars(select(FollowUp).where(FollowUp.referral_id == case)):
            assert left.cancelled_reason == CASE_ENDED
            left.cancelled_at = left.cancelled_by_id = left.cancelled_reason = None
            session.flush()
            versions[left.id] = left.version_id
    for change in (
        lambda session: book(database, worker, case),
        lambda session: reschedule(session, worker, first.id, versions[first.id], TODAY, "Sooner"),
    ):
        error = refusal(database, change)
        assert isinstance(error, ValidationError) and "has ended" in error.message
    run(database, lambda session: complete(session, worker, first.id, versions[first.id]))
    run(database, lambda session: cancel(session, worker, second.id, versions[second.id], "Case closed"))


def test_the_case_lists_open_follow_ups_by_day_then_the_rest_latest_first(
    database: Database, worker: Actor, case: int
) -> None:
    later = book(database, worker, case, due_on=NEXT_WEEK + timedelta(days=7))
    sooner = book(database, worker, case, due_on=TODAY)
    done = book(database, worker, case)
    gone = book(database, worker, case)
    run(database, lambda session: complete(session, worker, done.id, done.version))
    run(database, lambda session: cancel(session, worker, gone.id, gone.version, "Not needed"))
    listed = run(database, lambda session: open_case(session, worker, case, reopened=True).follow_ups)
    assert [row.id for row in listed] == [sooner.id, later.id, gone.id, done.id]


def test_no_audit_detail_holds_the_note_or_a_reason(database: Database, worker: Actor, case: int) -> None:
    booked = book(database, worker, case, note="Orla's daughter visits Tuesdays")
    moved = run(
        database,
        lambda session: reschedule(session, worker, booked.id, booked.version, TODAY, "Orla in hospital"),
    )
    run(database, lambda session: cancel(session, worker, booked.id, moved.version, "Orla moved away"))
    for _action, detail, _user in audit_details(database, case):
        assert detail is not None and "Orla" not in detail


def test_the_follow_up_offered_after_a_connection_checks_attendance_two_weeks_on(worker: Actor) -> None:
    offered = attendance_check(worker, TODAY, "Men in Sheds")
    assert offered == NewFollowUp(
        attendance_check_day(TODAY, TODAY),
        FollowUpKind.CHECK_ATTENDANCE,
        worker.user_id,
        "Did they go to Men in Sheds?",
    )
    assert offered.due_on >= TODAY + timedelta(days=14)
    assert attendance_check(worker, TODAY - timedelta(days=30), "Men in Sheds").due_on == TODAY


def test_a_follow_up_of_an_inactive_owner_can_still_be_completed(
    database: Database, worker: Actor, colleague: Actor, case: int
) -> None:
    theirs = book(database, worker, case, owner_id=colleague.user_id)

    def leave(session: Session) -> None:
        user = session.get(UserAccount, colleague.user_id)
        assert user is not None
        user.active = False

    run(database, leave)
    done = run(database, lambda session: complete(session, worker, theirs.id, theirs.version))
    assert (done.owner, done.done_by) == ("Lee Linker", "Wren Worker")
