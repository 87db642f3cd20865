"""Two people saving the same case from two computers on one database, for each kind of case
change (status, link worker, support plan; a referral's details are not edited after intake):
the second save is refused, says who did what and when, and writes nothing; applied again over
the case as it now stands, it goes in. On PostgreSQL the saves also race inside one moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import CaseHeader, open_case
from linkworker.services.cases.casework import CaseChanged, PlanText
from linkworker.store.models import AuditEvent, Referral, StatusChange, SupportPlan
from tests.concurrency.conftest import Desk, at_the_same_moment
from tests.services.casework_builder import past_status

KEPT = (
    " Your change was not saved, so nothing of theirs was overwritten. Your edit is kept: look at "
    "their change, then save yours again or leave it."
)
MINE = PlanText("Getting back to the choir", "Sing weekly", "Ring the choir leader")
THEIRS = PlanText("Getting back to the choir", "Meet people", "Visit the community cafe")


def header(desk: Desk, case: int) -> CaseHeader:
    with desk.database.read_session() as session:
        return open_case(session, desk.actor, case, reopened=True).header


def refusal(desk: Desk, work: Callable[[Session], object]) -> CaseChanged:
    with pytest.raises(CaseChanged) as refused, desk.database.session() as session:
        work(session)
    return refused.value


def at(moment: datetime) -> str:
    return f"at {moment.astimezone():%H:%M}"


def moves(desk: Desk, case: int) -> list[tuple[str, int | None]]:
    with desk.database.read_session() as session:
        rows = session.execute(
            select(StatusChange.to_status, StatusChange.changed_by_id)
            .where(StatusChange.referral_id == case)
            .order_by(StatusChange.id)
        )
        return [(status, by) for status, by in rows]


def test_a_status_move_over_anothers_is_refused_with_what_they_did_then_applies_again(
    wren: Desk, ana: Desk, case: int
) -> None:
    seen = header(wren, case)
    with ana.database.session() as session:
        theirs = casework.move_status(
            session, ana.actor, case, header(ana, case).version, CaseStatus.ASSESSED
        )

    refused = refusal(
        wren, lambda s: casework.move_status(s, wren.actor, case, seen.version, CaseStatus.CONNECTED)
    )
    assert str(refused) == (
        "Someone else changed this case after you opened it: Ana Worker moved it to Assessed "
        f"{at(theirs.status_since)}." + KEPT
    )
    assert refused.header is not None and refused.header.status is CaseStatus.ASSESSED
    assert refused.header.version == theirs.version
    assert header(wren, case).status is CaseStatus.ASSESSED  # nothing of Wren's went in
    assert "Orla" not in str(refused) and "Fenwick" not in str(refused)  # staff and times, no patient

    with wren.database.session() as session:  # applied again, over the case as it now stands
        mine = casework.move_status(session, wren.actor, case, refused.header.version, CaseStatus.CONNECTED)
    assert mine.status is CaseStatus.CONNECTED
    assert moves(wren, case) == [
        ("referred", wren.actor.user_id),
        ("assessed", ana.actor.user_id),
        ("connected", wren.actor.user_id),
    ]


def test_an_assignment_over_anothers_is_refused_with_who_they_gave_it_to(
    wren: Desk, ana: Desk, case: int
) -> None:
    seen = header(wren, case)
    with ana.database.session() as session:
        theirs = casework.assign_worker(session, ana.actor, case, seen.version, ana.actor.user_id)
    refused = refusal(
        wren, lambda s: casework.assign_worker(s, wren.actor, case, seen.version, wren.actor.user_id)
    )
    with wren.database.read_session() as session:
        given_at = session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.action == "case_assigned"))
    assert given_at is not None
    assert refused.summary == (
        "Someone else changed this case after you opened it: "
        f"Ana Worker gave it to Ana Worker {at(given_at)}."
    )
    assert refused.header is not None and refused.header.assigned_worker == "Ana Worker"

    with wren.database.session() as session:
        mine = casework.assign_worker(session, wren.actor, case, refused.header.version, wren.actor.user_id)
    assert (mine.assigned_worker, mine.version) == ("Wren Worker", theirs.version + 1)


def test_several_changes_since_are_each_told_in_order(wren: Desk, ana: Desk, case: int) -> None:
    seen = header(wren, case)
    with ana.database.session() as session:
        contacted = casework.move_status(session, ana.actor, case, seen.version, CaseStatus.CONTACTED)
    with ana.database.session() as session:
        casework.assign_worker(session, ana.actor, case, contacted.version, None)  # already no one's
        given = casework.assign_worker(session, ana.actor, case, contacted.version, wren.actor.user_id)
    with ana.database.session() as session:
        unassigned = casework.assign_worker(session, ana.actor, case, given.version, None)
    with ana.database.session() as session:
        closed = casework.move_status(
            session, ana.actor, case, unassigned.version, CaseStatus.CLOSED, ClosingReason.MOVED_AWAY
        )

    refused = refusal(
        wren, lambda s: casework.move_status(s, wren.actor, case, seen.version, CaseStatus.ASSESSED)
    )
    # Four saves since Wren looked; the newest three are told, oldest first, each with its time.
    assert [(change.by, change.what) for change in refused.changes] == [
        ("Ana Worker", "gave it to Wren Worker"),
        ("Ana Worker", "unassigned it"),
        ("Ana Worker", "closed it (moved away)"),
    ]
    assert refused.changes[-1].at == closed.status_since
    gave, unassigned, ended = (at(change.at) for change in refused.changes)
    assert refused.summary == (
        f"Someone else changed this case after you opened it: Ana Worker gave it to Wren Worker {gave}; "
        f"Ana Worker unassigned it {unassigned}; Ana Worker closed it (moved away) {ended}."
    )


def test_a_plan_saved_over_anothers_is_refused_with_who_saved_it_then_applies_again(
    wren: Desk, ana: Desk, case: int
) -> None:
    with wren.database.session() as session:
        first = casework.save_support_plan(session, wren.actor, case, MINE, 0)
    with ana.database.session() as session:
        theirs = casework.save_support_plan(session, ana.actor, case, THEIRS, first.version)
    assert theirs.updated_at is not None
    edited = PlanText(MINE.what_matters, "Sing weekly and join the walking group", MINE.actions)

    refused = refusal(wren, lambda s: casework.save_support_plan(s, wren.actor, case, edited, first.version))
    assert str(refused) == (
        "Someone else changed this support plan after you opened it: "
        f"Ana Worker saved it {at(theirs.updated_at)}." + KEPT
    )
    with wren.database.read_session() as session:
        assert open_case(session, wren.actor, case, reopened=True).plan.goals == "Meet people"

    with wren.database.session() as session:
        mine = casework.save_support_plan(session, wren.actor, case, edited, theirs.version)
    assert (mine.goals, mine.version, mine.updated_by) == (edited.goals, 3, "Wren Worker")


def test_a_change_made_another_day_is_told_with_its_day(wren: Desk, ana: Desk, case: int) -> None:
    seen = header(wren, case)
    past_status(ana.database, case, ana.actor, 3, CaseStatus.CONTACTED)  # saved, dated three days ago
    refused = refusal(
        wren, lambda s: casework.move_status(s, wren.actor, case, seen.version, CaseStatus.ASSESSED)
    )
    then = refused.changes[0].at.astimezone()
    assert then.date() < datetime.now().astimezone().date()
    assert refused.summary == (
        "Someone else changed this case after you opened it: Ana Worker moved it to Contacted "
        f"on {then.day} {then:%b %Y} at {then:%H:%M}."
    )


def test_the_same_person_in_two_windows_is_told_it_was_them(wren: Desk, case: int) -> None:
    seen = header(wren, case)
    with wren.database.session() as session:
        done = casework.move_status(session, wren.actor, case, seen.version, CaseStatus.CONTACTED)
    refused = refusal(
        wren, lambda s: casework.move_status(s, wren.actor, case, seen.version, CaseStatus.ASSESSED)
    )
    assert refused.summary == (
        "This case was changed in another window after you opened it here: you moved it to Contacted "
        f"{at(done.status_since)}."
    )


Save = Callable[[Desk, Session, int], object]


def race(wren: Desk, ana: Desk, case: int, save: Save) -> dict[str, CaseChanged | None]:
    """Both save at the same moment, each from their own computer: what each got back."""

    def saving(desk: Desk) -> Callable[[], object]:
        def run() -> None:
            with desk.database.session() as session:
                save(desk, session, case)

        return run

    return at_the_same_moment({"wren": saving(wren), "ana": saving(ana)}, CaseChanged)


def test_saves_at_the_same_moment_one_goes_in_and_the_other_is_told_whose_did(
    wren: Desk, ana: Desk, case: int
) -> None:
    names = {"wren": "Wren Worker", "ana": "Ana Worker"}
    version = header(wren, case).version
    targets = {wren.actor.user_id: CaseStatus.CONTACTED, ana.actor.user_id: CaseStatus.ASSESSED}
    moved = race(
        wren,
        ana,
        case,
        lambda desk, s, c: casework.move_status(s, desk.actor, c, version, targets[desk.actor.user_id]),
    )
    [winner] = [name for name, refused in moved.items() if refused is None]
    [loser] = [refused for refused in moved.values() if refused is not None]
    status = header(wren, case).status
    assert status is (CaseStatus.CONTACTED if winner == "wren" else CaseStatus.ASSESSED)
    assert loser.summary.startswith(
        f"Someone else changed this case after you opened it: {names[winner]} moved it"
    )
    assert len(moves(wren, case)) == 2  # the first, and the winner's: nothing merged or doubled

    version = header(wren, case).version
    assigned = race(
        wren,
        ana,
        case,
        lambda desk, s, c: casework.assign_worker(s, desk.actor, c, version, desk.actor.user_id),
    )
    [winner] = [name for name, refused in assigned.items() if refused is None]
    assert header(wren, case).assigned_worker == names[winner]

    for plan_version in (0, 1):  # the first plan (both insert it), then one both read
        saved = race(
            wren,
            ana,
            case,
            lambda desk, s, c, seen=plan_version: casework.save_support_plan(
                s, desk.actor, c, PlanText(f"{desk.actor.full_name}'s plan {seen}", "", ""), seen
            ),
        )
        [winner] = [name for name, refused in saved.items() if refused is None]
        [loser] = [refused for refused in saved.values() if refused is not None]
        assert loser.summary.startswith(
            f"Someone else changed this support plan after you opened it: {names[winner]}"
        )
        with wren.database.read_session() as session:
            plan = session.get(SupportPlan, case)
            assert plan is not None and plan.version_id == plan_version + 1


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_save_whose_case_changes_between_its_read_and_its_write_is_refused_by_the_server(
    wren: Desk, ana: Desk, case: int
) -> None:
    """On a shared server another save can land between this save's check and its write; the
    version in the UPDATE catches it there. (On SQLite a save holds the write lock from its
    first read, so the other waits instead: this cannot happen.)"""
    with wren.database.session() as session:
        read = session.get(Referral, case)
        assert read is not None
        with ana.database.session() as other:
            theirs = casework.move_status(other, ana.actor, case, read.version_id, CaseStatus.CONTACTED)
        with pytest.raises(CaseChanged) as refused:
            casework.move_status(session, wren.actor, case, read.version_id, CaseStatus.ASSESSED)
        assert refused.value.summary == (
            f"Someone else changed this case after you opened it: Ana Worker moved it to Contacted "
            f"{at(theirs.status_since)}."
        )
        assert refused.value.header is not None and refused.value.header.version == theirs.version
        # The refusal undid only the save: the unit of work goes on, and can apply it again.
        casework.move_status(session, wren.actor, case, theirs.version, CaseStatus.ASSESSED)
    assert [status for status, _by in moves(wren, case)] == ["referred", "contacted", "assessed"]

    with ana.database.session() as other:
        first = casework.save_support_plan(other, ana.actor, case, THEIRS, 0)
    with wren.database.session() as session:
        plan = session.get(SupportPlan, case)
        assert plan is not None
        with ana.database.session() as other:
            casework.save_support_plan(other, ana.actor, case, MINE, first.version)
        with pytest.raises(CaseChanged, match="Ana Worker saved it"):
            casework.save_support_plan(session, wren.actor, case, PlanText("Mine", "", ""), plan.version_id)
    with wren.database.read_session() as session:
        assert open_case(session, wren.actor, case, reopened=True).plan.goals == MINE.goals
