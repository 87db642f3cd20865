"""The network's caseload: figures worked out again in Python from the records made, and moving
a worker's work to another in one unit of work, audited, or not at all."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from linkworker.domain.breakdowns import Count, reading, together
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, WITHHELD, threshold_rule
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Permission, Role
from linkworker.services import casework, network
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.services.network import OPEN_STATUSES, Chosen, FollowUpLoad, WorkChanged
from linkworker.services.users import NewUser, create_user
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


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_the_work_list_shows_names_only_to_roles_that_see_records(
    database: Database, world: Network, role: Role
) -> None:
    with database.session() as session:
        work = network.work_of(session, world.actors[role], world.leaver_id, TODAY)
    held = sorted(
        (case for case in world.cases if case.worker_id == world.leaver_id and case.status.is_open),
        key=lambda case: case.id,
    )
    owned = [f for f in world.follow_ups if f.owner_id == world.leaver_id and f.state == "open"]
    assert (work.worker_name, work.worker_active) == ("Lee Leaver", False)
    assert [case.referral_id for case in work.cases] == [case.id for case in held]
    assert [case.case_number for case in work.cases] == [f"LW-{case.id:06d}" for case in held]
    assert [f.follow_up_id for f in work.follow_ups] == [
        f.id for f in sorted(owned, key=lambda made: (made.due_on, made.id))
    ]
    assert [f.overdue for f in work.follow_ups] == [f.due_on < TODAY for f in work.follow_ups]
    if role is Role.MANAGER:
        assert all(item.person is None for item in (*work.cases, *work.follow_ups))
    else:
        assert [case.person for case in work.cases] == [case.person for case in held]
    # Only active people who may hold cases, never the leaver or the manager.
    assert [target.full_name for target in work.targets] == ["Ada Admin", "Bea Second", "Wren Worker"]


def test_moving_chosen_work_moves_it_all_in_one_go_and_records_each_case(
    database: Database, world: Network
) -> None:
    manager = world.actors[Role.MANAGER]
    target = world.actors[Role.LINK_WORKER].user_id
    with database.session() as session:
        work = network.work_of(session, manager, world.leaver_id, TODAY)
        audit_before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert len(work.cases) >= 2 and len(work.follow_ups) >= 2
    cases, kept_case = work.cases[:-1], work.cases[-1]
    follow_ups, kept_follow_up = work.follow_ups[1:], work.follow_ups[0]

    with database.session() as session:
        moved = network.reassign(
            session,
            manager,
            world.leaver_id,
            target,
            [Chosen(case.referral_id, case.version) for case in cases],
            [Chosen(f.follow_up_id, f.version) for f in follow_ups],
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
            world.actors[Role.MANAGER],
            world.second_id,
            world.actors[Role.LINK_WORKER].user_id,
            [Chosen(case.id, seen)],
            [],
        )
    with database.session() as session, pytest.raises(StaleEdit) as refused:
        casework.assign_worker(
            session, world.actors[Role.ADMIN], case.id, seen, world.actors[Role.ADMIN].user_id
        )
    assert "Max Manager" in str(refused.value) and "Wren Worker" in str(refused.value)


def test_work_changed_since_the_list_moves_nothing(database: Database, world: Network) -> None:
    manager = world.actors[Role.MANAGER]
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
            for f in work.follow_ups
        )


def test_a_follow_up_done_or_owned_elsewhere_since_the_list_is_refused(
    database: Database, world: Network
) -> None:
    manager = world.actors[Role.MANAGER]
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
    manager = world.actors[Role.MANAGER]
    with database.session() as session:
        work = network.work_of(session, manager, world.leaver_id, TODAY)
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
        refused = refusal(Role.MANAGER, to_worker, chosen)
        assert isinstance(refused, ValidationError) and refused.field == "to_worker"
    nothing = refusal(Role.MANAGER, world.second_id, [])
    assert isinstance(nothing, ValidationError) and nothing.field == "chosen"
    with database.session() as session, pytest.raises(NotFound):
        network.work_of(session, manager, 999_999, TODAY)
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
