"""Working a case on a real database: status moves, assignment, contacts, notes, the support plan,
its reviews and the outcome measures; each checked, refused in words, and audited without the
words written or the answers given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.casework import ContactKind, FollowUpKind, Instrument, MeasureStage
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import PATH, CaseStatus, ClosingReason, can_move
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases.case_record import CaseHeader, open_case
from linkworker.services.cases.casework import (
    CASE_ENDED,
    CaseEnded,
    ContactEntry,
    MeasureEntry,
    PlanText,
    add_contact,
    add_note,
    add_plan_review,
    assign_worker,
    case_workers,
    move_status,
    record_measure,
    save_support_plan,
)
from linkworker.services.cases.follow_ups import NewFollowUp, complete, schedule
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import (
    AuditEvent,
    CaseNote,
    Contact,
    FollowUp,
    Measure,
    Pcn,
    Referral,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
    UserAccount,
)
from tests.services.casework_builder import new_case

T = TypeVar("T")
S = CaseStatus
PLAN = PlanText("Getting out to the allotment again", "Meet people weekly", "Call the garden club")


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    return new_case(database, worker)


def run(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


class _Undo(Exception):
    pass


def attempt(database: Database, work: Callable[[Session], object]) -> Exception | None:
    """Run ``work`` and roll it back whatever happens: the refusal it raised, or None."""
    try:
        with database.session() as session:
            work(session)
            raise _Undo
    except _Undo:
        return None
    except Exception as error:
        return error


def header(database: Database, actor: Actor, case: int) -> CaseHeader:
    return run(database, lambda session: open_case(session, actor, case).header)


def audit_events(database: Database, action: str) -> list[AuditEvent]:
    return run(
        database,
        lambda session: list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        ),
    )


def count(database: Database, model: type) -> int:
    return run(database, lambda session: session.scalar(select(func.count()).select_from(model)))


def move(
    database: Database, actor: Actor, case: int, target: CaseStatus, reason: ClosingReason | None = None
):
    version = header(database, actor, case).version
    return run(database, lambda session: move_status(session, actor, case, version, target, reason))


# Status moves


def test_every_move_from_each_open_status_is_allowed_or_refused_as_the_rules_say(
    database: Database, worker: Actor, case: int
) -> None:
    for current in PATH:
        if current is not S.REFERRED:
            move(database, worker, case, current)
        version = header(database, worker, case).version
        for target in CaseStatus:
            reason = ClosingReason.GOALS_MET if target is S.CLOSED else None
            refusal = attempt(
                database,
                lambda session, t=target, r=reason, v=version: move_status(session, worker, case, v, t, r),
            )
            if can_move(current, target):
                assert refusal is None, (current, target)
            else:
                assert isinstance(refusal, ValidationError), (current, target)
                assert refusal.field == "status"
    assert header(database, worker, case).status is S.CONNECTED
    move(database, worker, case, S.CLOSED, ClosingReason.GOALS_MET)
    version = header(database, worker, case).version
    for target in CaseStatus:
        refusal = attempt(database, lambda session, t=target: move_status(session, worker, case, version, t))
        assert isinstance(refusal, ValidationError) and "has ended" in refusal.message


def test_a_move_is_dated_kept_in_the_history_and_audited(
    database: Database, worker: Actor, case: int
) -> None:
    before = header(database, worker, case)
    start = datetime.now(UTC)
    moved = move(database, worker, case, S.CONTACTED)
    assert moved.status is S.CONTACTED
    assert moved.version == before.version + 1
    assert moved.closing_reason is None
    assert start <= moved.status_since <= datetime.now(UTC)
    changes = run(
        database,
        lambda session: [
            (row.from_status, row.to_status, row.changed_by_id, row.reason, row.changed_at)
            for row in session.scalars(
                select(StatusChange).where(StatusChange.referral_id == case).order_by(StatusChange.id)
            )
        ],
    )
    assert [change[:4] for change in changes] == [
        (None, "referred", worker.user_id, None),
        ("referred", "contacted", worker.user_id, None),
    ]
    assert changes[-1][4] == moved.status_since
    [event] = audit_events(database, "case_status_changed")
    assert (event.user_id, event.entity, event.entity_id, event.detail) == (
        worker.user_id,
        "referral",
        case,
        "referred -> contacted",
    )


def test_closing_asks_for_the_reason_and_keeps_it(database: Database, worker: Actor, case: int) -> None:
    version = header(database, worker, case).version
    refusal = attempt(database, lambda session: move_status(session, worker, case, version, S.CLOSED))
    assert isinstance(refusal, ValidationError)
    assert (refusal.field, refusal.message) == ("reason", "Choose why the case is closing.")
    assert header(database, worker, case).status is S.REFERRED
    assert count(database, StatusChange) == 1

    closed = move(database, worker, case, S.CLOSED, ClosingReason.MOVED_AWAY)
    assert (closed.status, closed.closing_reason) == (S.CLOSED, ClosingReason.MOVED_AWAY)
    last = run(
        database,
        lambda session: session.scalars(select(StatusChange).order_by(StatusChange.id.desc())).first(),
    )
    assert (last.to_status, last.reason) == ("closed", "moved_away")
    assert audit_events(database, "case_status_changed")[-1].detail == "referred -> closed (moved_away)"


@pytest.mark.parametrize(
    ("target", "reason"),
    [(S.DECLINED, ClosingReason.DECLINED), (S.NOT_CONTACTABLE, ClosingReason.NOT_CONTACTABLE)],
)
def test_declined_and_not_contactable_end_the_case_as_their_own_reason(
    database: Database, worker: Actor, case: int, target: CaseStatus, reason: ClosingReason
) -> None:
    move(database, worker, case, S.CONTACTED)
    ended = move(database, worker, case, target)
    assert (ended.status, ended.closing_reason) == (target, reason)
    assert not ended.status.is_open


def test_a_reason_that_does_not_match_the_ending_is_refused(
    database: Database, worker: Actor, case: int
) -> None:
    version = header(database, worker, case).version
    refusal = attempt(
        database,
        lambda session: move_status(session, worker, case, version, S.CLOSED, ClosingReason.DECLINED),
    )
    assert isinstance(refusal, ValidationError) and refusal.field == "reason"
    refusal = attempt(
        database,
        lambda session: move_status(session, worker, case, version, S.CONTACTED, ClosingReason.GOALS_MET),
    )
    assert isinstance(refusal, ValidationError) and refusal.field == "reason"


def test_a_move_over_a_case_someone_else_changed_is_refused(
    database: Database, worker: Actor, case: int
) -> None:
    seen = header(database, worker, case).version
    move(database, worker, case, S.CONTACTED)
    refusal = attempt(database, lambda session: move_status(session, worker, case, seen, S.ASSESSED))
    assert isinstance(refusal, StaleEdit)
    assert str(refusal).startswith(
        "This case was changed in another window after you opened it here: you moved it to Contacted at "
    )
    assert header(database, worker, case).status is S.CONTACTED


# Assigning the link worker


def test_case_workers_are_the_link_workers_and_those_holding_work(
    database: Database, actors: dict[Role, Actor], case: int
) -> None:
    """An administrator holding no work is offered to no one but themselves (issue 15); once they
    hold a case they are offered as the workload lists them, and a manager never is."""
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    workers = run(database, lambda session: case_workers(session, worker))
    assert [(option.id, option.full_name) for option in workers] == [(worker.user_id, "Wren Worker")]
    version = header(database, worker, case).version
    refusal = attempt(database, lambda session: assign_worker(session, worker, case, version, admin.user_id))
    assert isinstance(refusal, ValidationError)
    mine = run(database, lambda session: case_workers(session, admin))
    assert [option.full_name for option in mine] == ["Ada Admin", "Wren Worker"]

    run(database, lambda session: assign_worker(session, admin, case, version, admin.user_id))
    workers = run(database, lambda session: case_workers(session, worker))
    assert [option.full_name for option in workers] == ["Ada Admin", "Wren Worker"]


def test_assign_reassign_and_unassign(database: Database, actors: dict[Role, Actor], case: int) -> None:
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    version = header(database, worker, case).version
    assigned = run(database, lambda session: assign_worker(session, worker, case, version, worker.user_id))
    assert (assigned.assigned_worker_id, assigned.assigned_worker) == (worker.user_id, "Wren Worker")
    again = run(
        database, lambda session: assign_worker(session, worker, case, assigned.version, worker.user_id)
    )
    assert again.version == assigned.version  # nothing changed, nothing written
    moved = run(database, lambda session: assign_worker(session, admin, case, again.version, admin.user_id))
    assert moved.assigned_worker == "Ada Admin"
    cleared = run(database, lambda session: assign_worker(session, worker, case, moved.version, None))
    assert (cleared.assigned_worker_id, cleared.assigned_worker) == (None, None)
    assert [event.detail for event in audit_events(database, "case_assigned")] == [
        f"worker {worker.user_id}",
        f"worker {admin.user_id}",
        "unassigned",
    ]
    refusal = attempt(database, lambda session: assign_worker(session, worker, case, version, worker.user_id))
    assert isinstance(refusal, StaleEdit)


def test_a_case_goes_only_to_an_active_link_worker_of_the_pcn(
    database: Database, actors: dict[Role, Actor], case: int
) -> None:
    worker, admin, manager = actors[Role.LINK_WORKER], actors[Role.ADMIN], actors[Role.MANAGER]
    leaver = run(
        database,
        lambda session: create_user(
            session, admin, NewUser("leaver", "Lou Leaver", Role.LINK_WORKER, "kettle orbit lantern")
        ),
    )
    run(database, lambda session: casework_set_inactive(session, leaver.id))
    version = header(database, worker, case).version
    for user_id in (manager.user_id, leaver.id, 999_999):
        refusal = attempt(
            database, lambda session, u=user_id: assign_worker(session, worker, case, version, u)
        )
        assert isinstance(refusal, ValidationError)
        assert (refusal.field, refusal.message) == ("worker", "Choose an active link worker of this PCN.")


def casework_set_inactive(session: Session, user_id: int) -> None:
    user = session.get(UserAccount, user_id)
    assert user is not None
    user.active = False


def test_an_ended_case_keeps_its_worker(database: Database, worker: Actor, case: int) -> None:
    ended = move(database, worker, case, S.DECLINED)
    refusal = attempt(
        database, lambda session: assign_worker(session, worker, case, ended.version, worker.user_id)
    )
    assert isinstance(refusal, ValidationError) and "has ended" in refusal.message


# Contacts


def contact(
    kind: ContactKind = ContactKind.PHONE, ago: timedelta = timedelta(hours=2), **changes
) -> ContactEntry:
    values = {"duration_minutes": 25, "notes": "  Talked about the walking group.  "} | changes
    return ContactEntry(kind, datetime.now(UTC) - ago, **values)


def test_a_contact_is_recorded_with_its_time_duration_and_notes(
    database: Database, worker: Actor, case: int
) -> None:
    entry = contact()
    saved = run(database, lambda session: add_contact(session, worker, case, entry))
    assert (saved.kind, saved.occurred_at, saved.duration_minutes) == (
        ContactKind.PHONE,
        entry.occurred_at,
        25,
    )
    assert (saved.notes, saved.by) == ("Talked about the walking group.", "Wren Worker")
    row = run(database, lambda session: session.get(Contact, saved.id))
    assert (row.referral_id, row.occurred_at, row.recorded_by_id) == (case, entry.occurred_at, worker.user_id)
    [event] = audit_events(database, "contact_added")
    assert (event.entity_id, event.detail) == (case, f"contact {saved.id}, phone")


def test_a_text_or_a_missed_contact_needs_no_minutes_or_notes(
    database: Database, worker: Actor, case: int
) -> None:
    for kind in (ContactKind.TEXT, ContactKind.DID_NOT_ATTEND, ContactKind.UNABLE_TO_CONTACT):
        entry = contact(kind, duration_minutes=None, notes="")
        saved = run(database, lambda session, e=entry: add_contact(session, worker, case, e))
        assert (saved.kind, saved.duration_minutes, saved.notes) == (kind, None, None)


def test_a_contact_that_breaks_a_rule_is_refused_and_not_written(
    database: Database, worker: Actor, case: int
) -> None:
    for entry, field, words in (
        (contact(ago=-timedelta(hours=1)), "occurred_at", "cannot be in the future"),
        (contact(ago=timedelta(days=45)), "occurred_at", "before the referral was received"),
        (contact(duration_minutes=None), "duration_minutes", "Enter how many minutes"),
        (contact(ContactKind.HOME_VISIT, duration_minutes=600), "duration_minutes", "from 1 to 480 minutes"),
        (contact(notes="x" * 10_001), "notes", "too long"),
    ):
        refusal = attempt(database, lambda session, e=entry: add_contact(session, worker, case, e))
        assert isinstance(refusal, ValidationError)
        assert refusal.field == field and words in refusal.message
    assert count(database, Contact) == 0
    assert audit_events(database, "contact_added") == []


# Notes


def test_a_note_is_added_and_audited_without_its_words(database: Database, worker: Actor, case: int) -> None:
    note = run(database, lambda session: add_note(session, worker, case, "  Daughter visits on Sundays. "))
    assert (note.text, note.by) == ("Daughter visits on Sundays.", "Wren Worker")
    assert datetime.now(UTC) - note.written_at < timedelta(minutes=1)
    [event] = audit_events(database, "note_added")
    assert event.detail == f"note {note.id}"
    refusal = attempt(database, lambda session: add_note(session, worker, case, "   "))
    assert isinstance(refusal, ValidationError) and (refusal.field, refusal.message) == (
        "text",
        "Write the note.",
    )
    assert count(database, CaseNote) == 1


# The support plan


def test_the_support_plan_is_saved_version_by_version(database: Database, worker: Actor, case: int) -> None:
    first = run(database, lambda session: save_support_plan(session, worker, case, PLAN, 0))
    assert (first.what_matters, first.goals, first.actions) == (PLAN.what_matters, PLAN.goals, PLAN.actions)
    assert (first.version, first.updated_by) == (1, "Wren Worker")
    changed = PlanText(PLAN.what_matters, "Meet people twice a week", "")
    second = run(database, lambda session: save_support_plan(session, worker, case, changed, first.version))
    assert (second.goals, second.actions, second.version) == ("Meet people twice a week", "", 2)
    same = run(database, lambda session: save_support_plan(session, worker, case, changed, second.version))
    assert same.version == 2  # an unchanged plan is not saved again
    assert [event.detail for event in audit_events(database, "support_plan_saved")] == [
        "version 1",
        "version 2",
    ]


def test_a_blank_first_plan_writes_nothing(database: Database, worker: Actor, case: int) -> None:
    saved = run(
        database, lambda session: save_support_plan(session, worker, case, PlanText(" ", "", "\n"), 0)
    )
    assert saved.version == 0
    assert count(database, SupportPlan) == 0


def test_a_stale_plan_save_is_refused_and_the_other_persons_plan_kept(
    database: Database, actors: dict[Role, Actor], case: int
) -> None:
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    first = run(database, lambda session: save_support_plan(session, worker, case, PLAN, 0))
    theirs = PlanText(PLAN.what_matters, "Their goals", PLAN.actions)
    run(database, lambda session: save_support_plan(session, admin, case, theirs, first.version))
    mine = PlanText("My words", "My goals", "My actions")
    refusal = attempt(database, lambda session: save_support_plan(session, worker, case, mine, first.version))
    assert isinstance(refusal, StaleEdit)
    assert "Your edit is kept" in str(refusal)
    refusal = attempt(database, lambda session: save_support_plan(session, worker, case, mine, 0))
    assert isinstance(refusal, StaleEdit)  # a "new" plan over one someone has written meanwhile
    plan = run(database, lambda session: open_case(session, worker, case).plan)
    assert (plan.goals, plan.version, plan.updated_by) == ("Their goals", 2, "Ada Admin")
    # Applied again over the version now saved, the user's text goes in.
    saved = run(database, lambda session: save_support_plan(session, worker, case, mine, plan.version))
    assert (saved.what_matters, saved.version) == ("My words", 3)


def test_a_plan_save_that_loses_a_race_is_refused(database: Database, worker: Actor, case: int) -> None:
    run(database, lambda session: save_support_plan(session, worker, case, PLAN, 0))
    with database.session() as session:
        row = session.get(SupportPlan, case)
        assert row is not None
        # Another user's save lands between this read and this write.
        session.execute(SupportPlan.__table__.update().values(version_id=row.version_id + 1))
        with pytest.raises(StaleEdit):
            save_support_plan(session, worker, case, PlanText("Mine", "", ""), row.version_id)


def test_the_plan_of_an_ended_case_is_kept_as_it_was(database: Database, worker: Actor, case: int) -> None:
    first = run(database, lambda session: save_support_plan(session, worker, case, PLAN, 0))
    move(database, worker, case, S.CLOSED, ClosingReason.GOALS_MET)
    refusal = attempt(database, lambda session: save_support_plan(session, worker, case, PLAN, first.version))
    assert isinstance(refusal, CaseEnded)
    refusal = attempt(database, lambda session: add_plan_review(session, worker, case, date.today()))
    assert isinstance(refusal, CaseEnded)


def test_each_part_of_the_plan_has_a_length_limit(database: Database, worker: Actor, case: int) -> None:
    for field in ("what_matters", "goals", "actions"):
        text = PlanText(**({"what_matters": "", "goals": "", "actions": ""} | {field: "y" * 10_001}))
        refusal = attempt(database, lambda session, t=text: save_support_plan(session, worker, case, t, 0))
        assert isinstance(refusal, ValidationError) and refusal.field == field


# Reviews of the plan


def test_a_review_needs_a_plan_and_a_day_in_the_episode(database: Database, worker: Actor, case: int) -> None:
    refusal = attempt(database, lambda session: add_plan_review(session, worker, case, date.today()))
    assert isinstance(refusal, ValidationError)
    assert refusal.message == "Write the support plan before recording a review of it."
    run(database, lambda session: save_support_plan(session, worker, case, PLAN, 0))
    for day, words in (
        (date.today() + timedelta(days=1), "future"),
        (date.today() - timedelta(days=31), "before the referral"),
    ):
        refusal = attempt(database, lambda session, d=day: add_plan_review(session, worker, case, d))
        assert isinstance(refusal, ValidationError) and refusal.field == "reviewed_on"
        assert words in refusal.message
    day = date.today() - timedelta(days=3)
    review = run(database, lambda session: add_plan_review(session, worker, case, day, " Going well "))
    assert (review.reviewed_on, review.note, review.by) == (day, "Going well", "Wren Worker")
    assert count(database, SupportPlanReview) == 1
    assert [event.detail for event in audit_events(database, "plan_reviewed")] == [f"review {review.id}"]


# Outcome measures


def measure(
    instrument: Instrument, stage: MeasureStage, answers: tuple[int, ...], days_ago: int = 0
) -> MeasureEntry:
    return MeasureEntry(instrument, stage, date.today() - timedelta(days=days_ago), answers)


def test_measures_are_recorded_with_their_scores(database: Database, worker: Actor, case: int) -> None:
    ons4 = run(
        database,
        lambda session: record_measure(
            session, worker, case, measure(Instrument.ONS4, MeasureStage.BASELINE, (4, 5, 3, 8), 20)
        ),
    )
    assert (ons4.answers, ons4.score, ons4.by) == ((4, 5, 3, 8), None, "Wren Worker")  # never summed
    swemwbs = run(
        database,
        lambda session: record_measure(
            session,
            worker,
            case,
            measure(Instrument.SWEMWBS, MeasureStage.BASELINE, (2, 2, 3, 2, 3, 2, 2), 20),
        ),
    )
    assert swemwbs.score == 16.36  # raw 16
    follow_up = run(
        database,
        lambda session: record_measure(
            session, worker, case, measure(Instrument.ONS4, MeasureStage.FOLLOW_UP, (6, 7, 6, 4))
        ),
    )
    assert (follow_up.stage, follow_up.taken_on) == (MeasureStage.FOLLOW_UP, date.today())
    stored = run(database, lambda session: session.get(Measure, swemwbs.id))
    assert (stored.answers, stored.score, stored.instrument) == ([2, 2, 3, 2, 3, 2, 2], 16.36, "swemwbs")
    assert [event.detail for event in audit_events(database, "measure_recorded")] == [
        f"measure {ons4.id}, ons4 baseline",
        f"measure {swemwbs.id}, swemwbs baseline",
        f"measure {follow_up.id}, ons4 follow_up",
    ]


def test_a_measure_that_breaks_a_rule_is_refused(database: Database, worker: Actor, case: int) -> None:
    for entry, field in (
        (measure(Instrument.ONS4, MeasureStage.BASELINE, (4, 5, 11, 8)), "answers.happy"),
        (measure(Instrument.ONS4, MeasureStage.BASELINE, (4, 5, 3)), "answers"),
        (measure(Instrument.SWEMWBS, MeasureStage.BASELINE, (2, 2, 3, 6, 3, 2, 2)), "answers[3]"),
        (measure(Instrument.SWEMWBS, MeasureStage.BASELINE, (3,) * 6), "answers"),
        (measure(Instrument.ONS4, MeasureStage.BASELINE, (4, 5, 3, 8), -1), "taken_on"),
        (measure(Instrument.ONS4, MeasureStage.BASELINE, (4, 5, 3, 8), 40), "taken_on"),
    ):
        refusal = attempt(database, lambda session, e=entry: record_measure(session, worker, case, e))
        assert isinstance(refusal, ValidationError) and refusal.field == field
    assert count(database, Measure) == 0


def test_one_baseline_per_measure_and_follow_ups_after_it(
    database: Database, worker: Actor, case: int
) -> None:
    run(
        database,
        lambda session: record_measure(
            session, worker, case, measure(Instrument.ONS4, MeasureStage.BASELINE, (5, 5, 5, 5), 10)
        ),
    )
    again = measure(Instrument.ONS4, MeasureStage.BASELINE, (6, 6, 6, 6), 2)
    refusal = attempt(database, lambda session: record_measure(session, worker, case, again))
    assert isinstance(refusal, ValidationError) and refusal.field == "stage"
    early = measure(Instrument.ONS4, MeasureStage.FOLLOW_UP, (6, 6, 6, 6), 11)
    refusal = attempt(database, lambda session: record_measure(session, worker, case, early))
    assert isinstance(refusal, ValidationError) and refusal.field == "taken_on"
    # SWEMWBS has its own baseline.
    other = measure(Instrument.SWEMWBS, MeasureStage.BASELINE, (3,) * 7, 2)
    assert run(database, lambda session: record_measure(session, worker, case, other)).score == 19.25


# Who may work a case, and which


def test_a_manager_may_change_nothing_on_a_case(
    database: Database, actors: dict[Role, Actor], case: int
) -> None:
    manager = actors[Role.MANAGER]
    version = header(database, actors[Role.LINK_WORKER], case).version
    changes: list[Callable[[Session], object]] = [
        lambda session: move_status(session, manager, case, version, S.CONTACTED),
        lambda session: assign_worker(session, manager, case, version, manager.user_id),
        lambda session: case_workers(session, manager),
        lambda session: add_contact(session, manager, case, contact()),
        lambda session: add_note(session, manager, case, "A note"),
        lambda session: save_support_plan(session, manager, case, PLAN, 0),
        lambda session: add_plan_review(session, manager, case, date.today()),
        lambda session: record_measure(
            session, manager, case, measure(Instrument.ONS4, MeasureStage.BASELINE, (5, 5, 5, 5))
        ),
    ]
    before = count(database, AuditEvent)
    for change in changes:
        refusal = attempt(database, change)
        assert isinstance(refusal, PermissionDenied)
        assert "PCN manager" in str(refusal)
    assert count(database, AuditEvent) == before


def test_a_case_that_is_not_there_is_not_found(database: Database, worker: Actor, case: int) -> None:
    refusal = attempt(database, lambda session: add_note(session, worker, case + 1000, "A note"))
    assert isinstance(refusal, NotFound)


def test_a_case_of_another_pcn_is_not_found(database: Database, worker: Actor, case: int) -> None:
    run(database, lambda session: _move_to_new_pcn(session, case))
    for change in (
        lambda session: add_note(session, worker, case, "A note"),
        lambda session: open_case(session, worker, case),
    ):
        refusal = attempt(database, change)
        assert isinstance(refusal, NotFound) and "not in your PCN" in str(refusal)


def _move_to_new_pcn(session: Session, case: int) -> None:
    other = Pcn(name="Elsewhere PCN", ods_code="U99902")
    session.add(other)
    session.flush()
    referral = session.get(Referral, case)
    assert referral is not None
    referral.pcn_id = other.id


def test_no_audit_detail_holds_what_was_written(database: Database, worker: Actor, case: int) -> None:
    run(database, lambda session: add_note(session, worker, case, "Secret words about Orla"))
    run(database, lambda session: add_contact(session, worker, case, contact(notes="Orla's private notes")))
    run(database, lambda session: save_support_plan(session, worker, case, PLAN, 0))
    details = run(database, lambda session: list(session.scalars(select(AuditEvent.detail))))
    for detail in filter(None, details):
        assert "Orla" not in detail and "allotment" not in detail and "Secret" not in detail


def test_ending_a_case_cancels_its_open_follow_ups(database: Database, worker: Actor, case: int) -> None:
    def book(days: int) -> int:
        entry = NewFollowUp(date.today() + timedelta(days=days), FollowUpKind.CALL, worker.user_id)
        return run(database, lambda session: schedule(session, worker, case, entry)).id

    done, waiting, later = book(7), book(14), book(21)
    run(database, lambda session: complete(session, worker, done, 1))
    move(database, worker, case, S.CLOSED, ClosingReason.GOALS_MET)

    rows = run(database, lambda session: {row.id: row for row in session.scalars(select(FollowUp))})
    assert rows[done].done_at is not None and rows[done].cancelled_at is None
    for cancelled in (rows[waiting], rows[later]):
        assert cancelled.cancelled_at is not None
        assert (cancelled.cancelled_by_id, cancelled.cancelled_reason) == (worker.user_id, CASE_ENDED)
    assert [event.detail for event in audit_events(database, "follow_up_cancelled")] == [
        f"follow-up {waiting}",
        f"follow-up {later}",
    ]
