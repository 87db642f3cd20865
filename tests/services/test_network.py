"""The network's caseload: figures worked out again in Python from the records made, and moving
a worker's work to another in one unit of work, audited, or not at all."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from linkworker.domain.breakdowns import Count, alone, exact, reading, together
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, WITHHELD, threshold_rule
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Permission, Role
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import casework
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.services.network import network
from linkworker.services.network.network import OPEN_STATUSES, Chosen, FollowUpLoad, WorkChanged
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, FollowUp, Pcn, Practice, Referral
from tests.conftest import WORKER_PASSWORD
from tests.services.network_builder import TODAY, FollowUpMade, Network, build_network


@pytest.fixture
def world(database: Database, actors: dict) -> Network:
    return build_network(database, actors)


def _due(follow_ups: list[FollowUpMade]) -> tuple[int, int, int]:
    """Open follow-ups overdue, due today and due in the next 7 days, counted from the records made."""
    week_on = TODAY + timedelta(days=7)
    open_ones = [made for made in follow_ups if made.state == "open"]
    return (
        sum(made.due_on < TODAY for made in open_ones),
        sum(made.due_on == TODAY for made in open_ones),
        sum(TODAY < made.due_on <= week_on for made in open_ones),
    )


def _exactly(load: FollowUpLoad | None) -> tuple[int | None, ...] | None:
    return None if load is None else tuple(count.exact for count in _counts(load))


def _counts(load: FollowUpLoad) -> tuple[Count, Count, Count]:
    return (load.overdue, load.due_today, load.due_this_week)


def test_figures_count_the_pcns_open_work_by_practice_status_and_worker(
    database: Database, world: Network
) -> None:
    with database.session() as session:
        figures = network.figures(session, world.actors[Role.LINK_WORKER], TODAY)
    open_cases = [case for case in world.cases if case.status.is_open]

    assert figures.counted_on == TODAY and figures.note is None  # a link worker's counts are exact
    assert [count.exact for count in figures.open_by_status] == [
        sum(case.status is status for case in open_cases) for status in OPEN_STATUSES
    ]
    assert [load.name for load in figures.by_practice] == ["Hilltop Practice", "Riverside Surgery"]
    for load in figures.by_practice:
        here = [case for case in open_cases if case.practice_id == load.practice_id]
        assert load.open_by_status is not None
        assert [count.exact for count in load.open_by_status] == [
            sum(c.status is s for c in here) for s in OPEN_STATUSES
        ]
        assert load.open_cases.exact == len(here)
        assert _exactly(load.follow_ups) == _due(
            [f for f in world.follow_ups if f.practice_id == load.practice_id]
        )

    actors = world.actors
    # Active holders (even with nothing), anyone else with work (the leaver, a manager owning a
    # follow-up), then no one; never the other PCN's worker.
    holding = {case.worker_id for case in open_cases} | {
        f.owner_id for f in world.follow_ups if f.state == "open"
    }
    expected_people = {actors[Role.LINK_WORKER].user_id, world.second_id, actors[Role.ADMIN].user_id} | (
        holding - {None}
    )
    assert {load.worker_id for load in figures.workload} == expected_people | {None}
    assert figures.workload[-1].worker_id is None
    for load in figures.workload:
        assert load.open_cases.exact == sum(case.worker_id == load.worker_id for case in open_cases)
        assert _exactly(load.follow_ups) == _due(
            [f for f in world.follow_ups if f.owner_id == load.worker_id]
        )
        assert load.active is (load.worker_id != world.leaver_id)
    assert figures.unassigned_cases.exact == sum(case.worker_id is None for case in open_cases)
    assert figures.open_cases.exact == len(open_cases)
    # Every open follow-up counts once, by practice and by worker alike (the other PCN's never).
    assert _exactly(figures.follow_ups) == _due(list(world.follow_ups))
    assert figures.follow_ups.overdue.exact and figures.follow_ups.due_this_week.exact


def test_a_manager_sees_the_same_figures_under_the_pcns_rule_protected_together(
    database: Database, world: Network
) -> None:
    """Each count that adds up with others (the open cases in all, by practice, status and worker;
    each kind of follow-up in all and by worker) is protected with them, as domain.breakdowns says."""
    with database.session() as session:
        exact = network.figures(session, world.actors[Role.LINK_WORKER], TODAY)
        figures = network.figures(session, world.actors[Role.MANAGER], TODAY)

    assert figures.note == reading(NHS_DIGITAL)
    assert [load.name for load in figures.by_practice] == [load.name for load in exact.by_practice]
    assert [load.worker_id for load in figures.workload] == [load.worker_id for load in exact.workload]
    open_cases = together(
        _number(exact.open_cases),
        [
            [_number(load.open_cases) for load in exact.by_practice],
            [_number(count) for count in exact.open_by_status],
            [_number(load.open_cases) for load in exact.workload],
        ],
        NHS_DIGITAL,
    )
    assert figures.open_cases == open_cases.total
    assert [load.open_cases for load in figures.by_practice] == list(open_cases.lines[0])
    assert list(figures.open_by_status) == list(open_cases.lines[1])
    assert [load.open_cases for load in figures.workload] == list(open_cases.lines[2])
    assert figures.unassigned_cases == open_cases.lines[2][-1]
    for kind in range(3):
        due = together(
            _number(_counts(exact.follow_ups)[kind]),
            [[_number(_counts(load.follow_ups)[kind]) for load in exact.workload]],
            NHS_DIGITAL,
        )
        assert _counts(figures.follow_ups)[kind] == due.total
        assert [_counts(load.follow_ups)[kind] for load in figures.workload] == list(due.lines[0])
    # A manager gets no breakdown by practice and status, nor follow-ups by practice: those would
    # be more sums to subtract (and they are read where the cases can be opened).
    assert all(load.open_by_status is None and load.follow_ups is None for load in figures.by_practice)
    assert STARRED in repr(figures) and WITHHELD in repr(figures)  # the world has small counts


def _number(count: Count) -> int:
    assert count.exact is not None
    return count.exact


def _every_count(figures: network.NetworkFigures) -> list[Count]:
    counts = [
        figures.open_cases,
        figures.unassigned_cases,
        *figures.open_by_status,
        *_counts(figures.follow_ups),
    ]
    for practice in figures.by_practice:
        counts += [
            practice.open_cases,
            *(practice.open_by_status or ()),
            *_counts(practice.follow_ups or figures.follow_ups),
        ]
    for load in figures.workload:
        counts += [load.open_cases, *_counts(load.follow_ups)]
    return counts


def test_a_manager_sees_a_star_where_a_worker_holds_one_case_and_a_link_worker_sees_1(
    database: Database, world: Network
) -> None:
    admin = world.actors[Role.ADMIN]
    with database.session() as session:
        newcomer = create_user(
            session, admin, NewUser("newcomer", "Nia Newcomer", Role.LINK_WORKER, WORKER_PASSWORD)
        )
        case = next(case for case in world.cases if case.worker_id is None and case.status.is_open)
        session.get(Referral, case.id).assigned_worker_id = newcomer.id  # type: ignore[union-attr]
    with database.session() as session:
        seen = {role: network.figures(session, world.actors[role], TODAY) for role in Role}

    def newcomers(figures: network.NetworkFigures) -> Count:
        return next(load.open_cases for load in figures.workload if load.worker_id == newcomer.id)

    assert newcomers(seen[Role.LINK_WORKER]) == newcomers(seen[Role.ADMIN]) == Count("1", 1)
    assert newcomers(seen[Role.MANAGER]) == Count(STARRED)
    assert seen[Role.MANAGER].open_cases == Count(WITHHELD)  # so the star is not its total less the rest
    assert all(count.exact is None for count in _every_count(seen[Role.MANAGER]))

    with database.session() as session:  # the PCN's own threshold: 1 (so 1 and 2 are starred)
        session.get(Pcn, admin.pcn_id).suppress_up_to = 1  # type: ignore[union-attr]
        figures = network.figures(session, world.actors[Role.MANAGER], TODAY)
    assert newcomers(figures) == Count(STARRED) and figures.note == reading(threshold_rule(1))


def test_figures_hold_no_one_supported(database: Database, world: Network) -> None:
    with database.session() as session:
        shown = repr(network.figures(session, world.actors[Role.MANAGER], TODAY))
    for person in world.people():
        assert person.split(", ")[0] not in shown
    assert "Wren Worker" in shown  # staff are named: the workload is theirs


def test_link_workers_may_not_list_work_to_move(database: Database, world: Network) -> None:
    with database.session() as session, pytest.raises(PermissionDenied):
        network.work_of(session, world.actors[Role.LINK_WORKER], world.leaver_id, TODAY)


def test_a_manager_is_given_no_list_of_a_workers_cases(database: Database, world: Network) -> None:
    """A list of cases one by one is as long as the worker's load: a manager, who sees counts
    under the PCN's rule, moves work by count instead (``move_share``)."""
    manager = world.actors[Role.MANAGER]
    with database.session() as session, pytest.raises(PermissionDenied) as refused:
        network.work_of(session, manager, world.leaver_id, TODAY)
    assert refused.value.permission is Permission.SEE_IDENTIFIABLE
    with database.session() as session, pytest.raises(PermissionDenied):
        network.reassign(
            session, manager, world.leaver_id, world.second_id, [Chosen(world.cases[0].id, 1)], []
        )


def test_the_work_list_gives_each_case_with_its_follow_ups(database: Database, world: Network) -> None:
    with database.session() as session:
        work = network.work_of(session, world.actors[Role.ADMIN], world.leaver_id, TODAY)
    held = sorted(
        (case for case in world.cases if case.worker_id == world.leaver_id and case.status.is_open),
        key=lambda case: case.id,
    )
    owned = [f for f in world.follow_ups if f.owner_id == world.leaver_id and f.state == "open"]
    assert (work.worker_name, work.worker_active) == ("Lee Leaver", False)
    assert [case.referral_id for case in work.cases] == [case.id for case in held]
    assert [case.case_number for case in work.cases] == [f"LW-{case.id:06d}" for case in held]
    assert [case.person for case in work.cases] == [case.person for case in held]
    # Each case carries the worker's open follow-ups on it; the rest (on others' cases) stand alone.
    soonest = sorted(owned, key=lambda made: (made.due_on, made.id))
    for case in work.cases:
        assert [f.follow_up_id for f in case.follow_ups] == [
            f.id for f in soonest if f.referral_id == case.referral_id
        ]
    held_ids = {case.id for case in held}
    assert [f.follow_up_id for f in work.follow_ups] == [
        f.id for f in soonest if f.referral_id not in held_ids
    ]
    assert work.follow_ups, "the world has follow-ups the leaver owns on others' cases"
    every = [*work.follow_ups, *(f for case in work.cases for f in case.follow_ups)]
    assert all(f.overdue == (f.due_on < TODAY) for f in every)
    # Only active people who take cases: link workers, and the administrator, who holds some.
    assert [target.full_name for target in work.targets] == ["Ada Admin", "Bea Second", "Wren Worker"]


def test_an_unticked_case_keeps_its_follow_ups_and_a_moved_one_takes_them(
    database: Database, world: Network
) -> None:
    """Moving a case moves the follow-ups its worker owns on it; a case left behind keeps its own,
    and a colleague's follow-up on a moved case stays that colleague's."""
    admin = world.actors[Role.ADMIN]
    target = world.actors[Role.LINK_WORKER].user_id
    moving_id, staying_id = [
        case.id for case in world.cases if case.worker_id == world.leaver_id and case.status.is_open
    ][:2]
    with database.session() as session:
        made = {
            name: FollowUp(
                referral_id=case_id, due_on=TODAY + timedelta(days=days), kind="call", owner_id=owner
            )
            for name, case_id, days, owner in (
                ("moving", moving_id, 3, world.leaver_id),
                ("moving overdue", moving_id, -2, world.leaver_id),
                ("colleague's", moving_id, 1, world.second_id),
                ("staying", staying_id, 2, world.leaver_id),
            )
        }
        session.add_all(made.values())
        session.flush()
        ids = {name: follow_up.id for name, follow_up in made.items()}
    with database.session() as session:
        work = network.work_of(session, admin, world.leaver_id, TODAY)
    moving = next(case for case in work.cases if case.referral_id == moving_id)
    staying = next(case for case in work.cases if case.referral_id == staying_id)
    assert {ids["moving"], ids["moving overdue"]} <= {f.follow_up_id for f in moving.follow_ups}
    assert ids["colleague's"] not in {f.follow_up_id for f in moving.follow_ups}
    assert ids["staying"] in {f.follow_up_id for f in staying.follow_ups}

    with database.session() as session:
        moved = network.reassign(
            session, admin, world.leaver_id, target, [Chosen(moving.referral_id, moving.version)], []
        )
    assert moved == network.Moved("Wren Worker", 1, len(moving.follow_ups))
    with database.session() as session:
        owners = dict(session.execute(select(FollowUp.id, FollowUp.owner_id)).all())
    assert all(owners[f.follow_up_id] == target for f in moving.follow_ups)
    assert owners[ids["colleague's"]] == world.second_id
    assert all(owners[f.follow_up_id] == world.leaver_id for f in staying.follow_ups)

    # A follow-up of a case that stays cannot be moved without it.
    with database.session() as session:
        work = network.work_of(session, admin, world.leaver_id, TODAY)
    staying = next(case for case in work.cases if case.referral_id == staying_id)
    alone = [Chosen(f.follow_up_id, f.version) for f in staying.follow_ups]
    with database.session() as session, pytest.raises(WorkChanged):
        network.reassign(session, admin, world.leaver_id, target, [], alone)
    with database.session() as session:
        assert session.get_one(FollowUp, ids["staying"]).owner_id == world.leaver_id


def test_an_administrator_who_is_not_a_link_worker_is_given_no_work(
    database: Database, world: Network
) -> None:
    """An administrator holding no cases or follow-ups is not a link worker: not a line of the
    workload, not someone to move work to or assign a case to. One who holds work is, while they do."""
    admin = world.actors[Role.ADMIN]
    with database.session() as session:
        office = create_user(session, admin, NewUser("office", "Olly Office", Role.ADMIN, WORKER_PASSWORD))
    with database.session() as session:
        figures = network.figures(session, admin, TODAY)
        work = network.work_of(session, admin, world.leaver_id, TODAY)
        choices = network.assign_choices(session, world.actors[Role.LINK_WORKER], TODAY)
    assert office.id not in {load.worker_id for load in figures.workload}
    assert office.id not in {target.id for target in work.targets}
    assert office.id not in {choice.id for choice in choices}
    assert admin.user_id in {target.id for target in work.targets}  # Ada Admin holds cases

    with database.session() as session:  # the administrator gives all their work away
        for referral in session.scalars(select(Referral).where(Referral.assigned_worker_id == admin.user_id)):
            referral.assigned_worker_id = world.second_id
        for follow_up in session.scalars(select(FollowUp).where(FollowUp.owner_id == admin.user_id)):
            follow_up.owner_id = world.second_id
    with database.session() as session:
        figures = network.figures(session, world.actors[Role.MANAGER], TODAY)
        work = network.work_of(session, admin, world.leaver_id, TODAY)
        targets = [target.full_name for target in work.targets]
        own = network.assign_choices(session, admin, TODAY)
    assert admin.user_id not in {load.worker_id for load in figures.workload}
    assert targets == ["Bea Second", "Wren Worker"]
    # On a case's own screen an administrator may still take the case themselves.
    assert [(choice.full_name, choice.you) for choice in own] == [
        ("Ada Admin", True),
        ("Bea Second", False),
        ("Wren Worker", False),
    ]


def test_the_assign_choices_give_each_workers_open_cases_and_overdue_follow_ups(
    database: Database, world: Network
) -> None:
    worker = world.actors[Role.LINK_WORKER]
    with database.session() as session:
        choices = network.assign_choices(session, worker, TODAY)
    assert [choice.full_name for choice in choices] == ["Ada Admin", "Bea Second", "Wren Worker"]
    for choice in choices:
        assert choice.open_cases == sum(
            case.worker_id == choice.id and case.status.is_open for case in world.cases
        )
        assert choice.overdue == sum(
            f.owner_id == choice.id and f.state == "open" and f.due_on < TODAY for f in world.follow_ups
        )
        assert choice.you is (choice.id == worker.user_id)
    assert any(choice.open_cases for choice in choices) and any(choice.overdue for choice in choices)
    with database.session() as session, pytest.raises(PermissionDenied):
        network.assign_choices(session, world.actors[Role.MANAGER], TODAY)


def test_moving_chosen_work_moves_it_all_in_one_go_and_records_each_case(
    database: Database, world: Network
) -> None:
    admin = world.actors[Role.ADMIN]
    target = world.actors[Role.LINK_WORKER].user_id
    with database.session() as session:  # a follow-up of the leaver's on each of their cases
        for case_id in _open_held(world, world.leaver_id):
            session.add(FollowUp(referral_id=case_id, due_on=TODAY, kind="call", owner_id=world.leaver_id))
    with database.session() as session:
        work = network.work_of(session, admin, world.leaver_id, TODAY)
        audit_before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert len(work.cases) >= 2 and len(work.follow_ups) >= 2
    cases, kept_case = work.cases[:-1], work.cases[-1]
    loose, kept_follow_up = work.follow_ups[1:], work.follow_ups[0]
    follow_ups = [*loose, *(f for case in cases for f in case.follow_ups)]
    assert len(follow_ups) > len(loose), "some moved case has follow-ups of its own"

    with database.session() as session:
        moved = network.reassign(
            session,
            admin,
            world.leaver_id,
            target,
            [Chosen(case.referral_id, case.version) for case in cases],
            [Chosen(f.follow_up_id, f.version) for f in loose],
        )
    assert moved == network.Moved("Wren Worker", len(cases), len(follow_ups))

    with database.session() as session:
        holders = dict(session.execute(select(Referral.id, Referral.assigned_worker_id)).all())
        versions = dict(session.execute(select(Referral.id, Referral.version_id)).all())
        owners = dict(session.execute(select(FollowUp.id, FollowUp.owner_id)).all())
        events = session.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.detail).where(
                AuditEvent.id > audit_before
            )
        ).all()
    assert all(holders[case.referral_id] == target for case in cases)
    assert all(versions[case.referral_id] == case.version + 1 for case in cases)  # a stale screen sees it
    assert holders[kept_case.referral_id] == world.leaver_id
    assert all(owners[f.follow_up_id] == target for f in follow_ups)
    assert owners[kept_follow_up.follow_up_id] == world.leaver_id
    assert all(owners[f.follow_up_id] == world.leaver_id for f in kept_case.follow_ups)

    assigned = sorted(
        (entity_id, detail) for action, _e, entity_id, detail in events if action == "case_assigned"
    )
    assert assigned == sorted((case.referral_id, f"worker {target}") for case in cases)
    assert sorted(
        (entity_id, detail) for action, _e, entity_id, detail in events if action == "follow_up_reassigned"
    ) == sorted((f.referral_id, f"follow-up {f.follow_up_id}, worker {target}") for f in follow_ups)
    assert [row for row in events if row[0] == "work_reassigned"] == [
        (
            "work_reassigned",
            "user_account",
            world.leaver_id,
            f"{len(cases)} cases, {len(follow_ups)} follow-ups to worker {target}",
        )
    ]


def test_a_moved_case_is_recorded_as_assigning_it_on_its_screen_is(
    database: Database, world: Network
) -> None:
    """The bulk move and the case screen's assignment leave the same event on the case."""
    worker = world.actors[Role.LINK_WORKER]
    case_id, other_id = [
        case.id for case in world.cases if case.worker_id == world.second_id and case.status.is_open
    ][:2]
    with database.session() as session:
        version = session.get(Referral, case_id).version_id  # type: ignore[union-attr]
        casework.assign_worker(session, worker, case_id, version, worker.user_id)
    with database.session() as session:
        version = session.get(Referral, other_id).version_id  # type: ignore[union-attr]
        network.reassign(
            session,
            world.actors[Role.ADMIN],
            world.second_id,
            worker.user_id,
            [Chosen(other_id, version)],
            [],
        )
    with database.session() as session:
        events = session.execute(
            select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.entity, AuditEvent.detail).where(
                AuditEvent.entity_id.in_([case_id, other_id]), AuditEvent.action == "case_assigned"
            )
        ).all()
    by_case = {entity_id: (action, entity, detail) for entity_id, action, entity, detail in events}
    assert by_case[case_id] == by_case[other_id] == ("case_assigned", "referral", f"worker {worker.user_id}")


def test_a_case_screen_open_before_the_move_is_told_of_it(database: Database, world: Network) -> None:
    """Someone with the case open from before a bulk move cannot assign it over the move, and
    is told who moved it, as for any assignment made on the case's own screen."""
    case = next(case for case in world.cases if case.worker_id == world.second_id and case.status.is_open)
    with database.session() as session:
        seen = session.get(Referral, case.id).version_id  # type: ignore[union-attr]
        network.reassign(
            session,
            world.actors[Role.ADMIN],
            world.second_id,
            world.actors[Role.LINK_WORKER].user_id,
            [Chosen(case.id, seen)],
            [],
        )
    with database.session() as session, pytest.raises(StaleEdit) as refused:
        casework.assign_worker(session, world.actors[Role.LINK_WORKER], case.id, seen, world.second_id)
    assert "Ada Admin" in str(refused.value) and "Wren Worker" in str(refused.value)


def test_work_changed_since_the_list_moves_nothing(database: Database, world: Network) -> None:
    manager = world.actors[Role.ADMIN]
    worker = world.actors[Role.LINK_WORKER]
    with database.session() as session:
        work = network.work_of(session, manager, world.leaver_id, TODAY)
    changed = work.cases[0]
    with database.session() as session:  # someone finishes with one case meanwhile
        casework.move_status(
            session,
            world.actors[Role.ADMIN],
            changed.referral_id,
            changed.version,
            CaseStatus.CLOSED,
            ClosingReason.GOALS_MET,
        )
    with database.session() as session:  # audit events are written as their unit of work commits
        audits = session.query(AuditEvent).count()

    with database.session() as session, pytest.raises(WorkChanged) as refused:
        network.reassign(
            session,
            manager,
            world.leaver_id,
            worker.user_id,
            [Chosen(case.referral_id, case.version) for case in work.cases],
            [Chosen(f.follow_up_id, f.version) for f in work.follow_ups],
        )
    assert refused.value.changed == (changed.case_number,)
    assert changed.case_number in str(refused.value)
    with database.session() as session:
        assert session.query(AuditEvent).count() == audits
        assert all(
            session.get(Referral, case.referral_id).assigned_worker_id == world.leaver_id  # type: ignore[union-attr]
            for case in work.cases
        )
        assert all(
            session.get(FollowUp, f.follow_up_id).owner_id == world.leaver_id  # type: ignore[union-attr]
            for f in [*work.follow_ups, *(f for case in work.cases[1:] for f in case.follow_ups)]
        )


def test_a_follow_up_done_or_owned_elsewhere_since_the_list_is_refused(
    database: Database, world: Network
) -> None:
    manager = world.actors[Role.ADMIN]
    with database.session() as session:
        work = network.work_of(session, manager, world.leaver_id, TODAY)
    first = work.follow_ups[0]
    with database.session() as session:
        session.get(FollowUp, first.follow_up_id).owner_id = world.second_id  # type: ignore[union-attr]
    chosen = [Chosen(first.follow_up_id, first.version)]
    with database.session() as session, pytest.raises(WorkChanged) as refused:
        network.reassign(session, manager, world.leaver_id, world.second_id, [], chosen)
    assert refused.value.changed == (f"follow-up {first.follow_up_id}",)
    # Another PCN's follow-up, even one our worker owns, is never ours to move.
    foreign = [Chosen(world.other_follow_up_id, 1)]
    with database.session() as session, pytest.raises(WorkChanged):
        network.reassign(
            session, manager, world.actors[Role.LINK_WORKER].user_id, world.second_id, [], foreign
        )
    with database.session() as session, pytest.raises(WorkChanged):
        network.reassign(
            session, manager, world.leaver_id, world.second_id, [Chosen(world.other_case_id, 1)], []
        )


def test_moving_work_needs_the_right_role_and_a_real_destination(database: Database, world: Network) -> None:
    admin, manager = world.actors[Role.ADMIN], world.actors[Role.MANAGER]
    with database.session() as session:
        work = network.work_of(session, admin, world.leaver_id, TODAY)
    chosen = [Chosen(case.referral_id, case.version) for case in work.cases]

    def refusal(actor_role: Role, to_worker: int, cases: list[Chosen]) -> Exception:
        with (
            database.session() as session,
            pytest.raises((ValidationError, PermissionDenied, NotFound)) as raised,
        ):
            network.reassign(session, world.actors[actor_role], world.leaver_id, to_worker, cases, [])
        return raised.value

    denied = refusal(Role.LINK_WORKER, world.second_id, chosen)
    assert isinstance(denied, PermissionDenied) and denied.permission is Permission.REASSIGN_WORK
    for to_worker in (world.leaver_id, manager.user_id, 999_999):  # themselves, not a holder, no one
        refused = refusal(Role.ADMIN, to_worker, chosen)
        assert isinstance(refused, ValidationError) and refused.field == "to_worker"
    nothing = refusal(Role.ADMIN, world.second_id, [])
    assert isinstance(nothing, ValidationError) and nothing.field == "chosen"
    with database.session() as session, pytest.raises(NotFound):
        network.work_of(session, admin, 999_999, TODAY)
    with database.session() as session:
        assert Counter(session.scalars(select(Referral.assigned_worker_id))).get(world.leaver_id) == len(
            [case for case in world.cases if case.worker_id == world.leaver_id]
        )


def test_a_closed_practice_shows_while_it_has_open_work(database: Database, world: Network) -> None:
    pcn_id = world.actors[Role.ADMIN].pcn_id
    with database.session() as session:
        busy = session.get(Practice, world.practice_ids[0])
        assert busy is not None
        busy.active = False
        session.add(Practice(pcn_id=pcn_id, ods_code="G99003", name="Abbey Closed Surgery", active=False))
        # Its cases all end, but one of them still has a follow-up open.
        sunday = TODAY + timedelta(days=4)
        assert any(
            f.practice_id == busy.id and f.state == "open" and f.due_on <= sunday for f in world.follow_ups
        )
        for referral in session.scalars(select(Referral).where(Referral.referring_practice_id == busy.id)):
            referral.status = CaseStatus.CLOSED.value
    with database.session() as session:
        figures = network.figures(session, world.actors[Role.LINK_WORKER], TODAY)
    shown = {load.name: load for load in figures.by_practice}
    assert "Abbey Closed Surgery" not in shown  # closed, and nothing open there
    closed = shown[busy.name]
    assert not closed.active and closed.open_cases.is_zero
    assert closed.follow_ups is not None and _exactly(closed.follow_ups) != (0, 0, 0)
    assert [
        sum(_number(_counts(load.follow_ups)[kind]) for load in figures.by_practice if load.follow_ups)
        for kind in range(3)
    ] == [_number(count) for count in _counts(figures.follow_ups)]
    with database.session() as session:  # a manager is shown the open cases only, by practice
        managers = network.figures(session, world.actors[Role.MANAGER], TODAY)
    assert busy.name not in {load.name for load in managers.by_practice}


def _open_held(world: Network, worker_id: int | None) -> list[int]:
    """The open cases ``worker_id`` holds (None: no one), oldest referral first (all were
    received the same day, so by id)."""
    return sorted(case.id for case in world.cases if case.worker_id == worker_id and case.status.is_open)


def _owners(database: Database) -> dict[int, int | None]:
    with database.session() as session:
        return dict(session.execute(select(FollowUp.id, FollowUp.owner_id)).all())


def _holders(database: Database) -> dict[int, int | None]:
    with database.session() as session:
        return dict(session.execute(select(Referral.id, Referral.assigned_worker_id)).all())


def test_a_manager_moves_a_leavers_whole_work_without_seeing_how_much_it_is(
    database: Database, world: Network
) -> None:
    manager = world.actors[Role.MANAGER]
    target = world.actors[Role.LINK_WORKER].user_id
    held = _open_held(world, world.leaver_id)
    owned = [f.id for f in world.follow_ups if f.owner_id == world.leaver_id and f.state == "open"]
    with database.session() as session:
        moved = network.move_share(session, manager, world.leaver_id, target, None)

    # Counted under the PCN's rule, as the Network screen counts.
    assert moved == network.ShareMoved(
        "Wren Worker", alone(len(held), NHS_DIGITAL), alone(len(owned), NHS_DIGITAL)
    )
    assert moved.cases.exact is None and moved.follow_ups.exact is None
    holders, owners = _holders(database), _owners(database)
    assert all(holders[case_id] == target for case_id in held)
    assert all(owners[follow_up_id] == target for follow_up_id in owned)
    with database.session() as session:
        figures = network.figures(session, manager, TODAY)
    assert world.leaver_id not in {load.worker_id for load in figures.workload}  # gone, holding nothing


def test_a_share_is_the_oldest_cases_each_with_its_follow_ups(database: Database, world: Network) -> None:
    admin = world.actors[Role.ADMIN]
    held = _open_held(world, world.second_id)
    assert len(held) >= 3
    owned = {
        f.id: f.referral_id for f in world.follow_ups if f.owner_id == world.second_id and f.state == "open"
    }
    with database.session() as session:
        moved = network.move_share(session, admin, world.second_id, admin.user_id, 2)
    going = set(held[:2])
    follow_ups = [follow_up_id for follow_up_id, case_id in owned.items() if case_id in going]
    assert moved == network.ShareMoved("Ada Admin", exact(2), exact(len(follow_ups)))
    holders, owners = _holders(database), _owners(database)
    assert [case_id for case_id in held if holders[case_id] == admin.user_id] == held[:2]
    assert {follow_up_id for follow_up_id, owner in owners.items() if owner == admin.user_id} >= set(
        follow_ups
    )
    assert all(
        owners[follow_up_id] == world.second_id
        for follow_up_id, case_id in owned.items()
        if case_id not in going
    )


def test_a_manager_allocates_unassigned_referrals_oldest_first(database: Database, world: Network) -> None:
    manager = world.actors[Role.MANAGER]
    second = world.second_id
    waiting = _open_held(world, None)
    assert len(waiting) >= 3
    with database.session() as session:
        audit_before = session.scalar(select(func.max(AuditEvent.id)))
        moved = network.move_share(session, manager, None, second, 3)
    assert moved.to_worker == "Bea Second" and moved.cases == Count(STARRED)
    holders = _holders(database)
    assert [case_id for case_id in waiting if holders[case_id] == second] == waiting[:3]
    assert all(holders[case_id] is None for case_id in waiting[3:])
    ownerless = [
        f.id
        for f in world.follow_ups
        if f.owner_id is None and f.state == "open" and f.referral_id in waiting[:3]
    ]
    owners = _owners(database)
    assert all(owners[follow_up_id] == second for follow_up_id in ownerless)
    with database.session() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.detail).where(
                AuditEvent.id > audit_before
            )
        ).all()
    assert sorted(e[2] for e in events if e[0] == "case_assigned") == waiting[:3]
    assert [e for e in events if e[0] == "work_allocated"] == [
        ("work_allocated", "pcn", manager.pcn_id, f"3 cases, {len(ownerless)} follow-ups to worker {second}")
    ]


def test_an_administrator_lists_the_unassigned_referrals_to_allocate(
    database: Database, world: Network
) -> None:
    admin = world.actors[Role.ADMIN]
    with database.session() as session:
        work = network.work_of(session, admin, None, TODAY)
    assert (work.worker_id, work.worker_name) == (None, None)
    assert [case.referral_id for case in work.cases] == _open_held(world, None)
    assert work.follow_ups == ()  # follow-ups without an owner go with their case, if anywhere
    first = work.cases[0]
    with database.session() as session:
        moved = network.reassign(
            session, admin, None, world.second_id, [Chosen(first.referral_id, first.version)], []
        )
    assert moved.cases == 1 and _holders(database)[first.referral_id] == world.second_id


def test_moving_a_share_is_refused_plainly(database: Database, world: Network) -> None:
    manager = world.actors[Role.MANAGER]
    with database.session() as session, pytest.raises(PermissionDenied):
        network.move_share(session, world.actors[Role.LINK_WORKER], world.leaver_id, world.second_id, None)
    for to_worker, how_many, field in (
        (world.leaver_id, None, "to_worker"),  # themselves
        (manager.user_id, None, "to_worker"),  # takes no cases
        (world.second_id, 0, "how_many"),
        (world.second_id, -3, "how_many"),
    ):
        with database.session() as session, pytest.raises(ValidationError) as refused:
            network.move_share(session, manager, world.leaver_id, to_worker, how_many)
        assert refused.value.field == field
    with database.session() as session, pytest.raises(NotFound):
        network.move_share(session, manager, 999_999, world.second_id, None)
    with database.session() as session:
        network.move_share(session, manager, world.leaver_id, world.second_id, None)
    with database.session() as session, pytest.raises(ValidationError) as refused:
        network.move_share(session, manager, world.leaver_id, world.second_id, None)
    assert refused.value.field == "chosen" and "nothing" in refused.value.message.lower()
