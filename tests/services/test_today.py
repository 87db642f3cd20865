"""The Today lists on both databases: follow-ups by day, unassigned referrals, first-contact waits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from linkworker.domain.casework import ContactKind, FollowUpKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, Urgency
from linkworker.domain.roles import Role
from linkworker.domain.working_days import add_working_days
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import today
from linkworker.services.errors import PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import Contact, FollowUp, Referral
from tests.services.casework_builder import new_case, past_status

WEDNESDAY = date(2026, 11, 25)  # "this week" is the next 7 days, to Wednesday 2 December


def follow_up(
    database: Database,
    referral_id: int,
    owner: Actor,
    due_on: date,
    kind: FollowUpKind = FollowUpKind.CALL,
    *,
    done: bool = False,
    cancelled: bool = False,
    note: str | None = None,
) -> int:
    moment = datetime(2026, 11, 20, 10, tzinfo=UTC)
    with database.session() as session:
        row = FollowUp(
            referral_id=referral_id,
            due_on=due_on,
            kind=kind.value,
            owner_id=owner.user_id,
            note=note,
            done_at=moment if done else None,
            cancelled_at=moment if cancelled else None,
            cancelled_reason="No longer needed" if cancelled else None,
        )
        session.add(row)
        session.flush()
        return row.id


def set_case(
    database: Database,
    referral_id: int,
    *,
    worker: Actor | None = None,
    received_on: date | None = None,
    urgency: Urgency | None = None,
) -> None:
    with database.session() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        referral.assigned_worker_id = None if worker is None else worker.user_id
        if received_on is not None:
            referral.received_on = received_on
        if urgency is not None:
            referral.urgency = urgency.value


def contact(database: Database, referral_id: int, kind: ContactKind, on: date) -> None:
    with database.session() as session:
        session.add(
            Contact(
                referral_id=referral_id,
                occurred_at=datetime.combine(on, datetime.min.time(), UTC),
                kind=kind.value,
            )
        )


def lists(database: Database, actor: Actor, on: date = WEDNESDAY, *, reread: bool = True) -> today.TodayLists:
    with database.session() as session:
        return today.today_lists(session, actor, on, reread=reread)


def test_the_worker_s_open_follow_ups_fall_into_overdue_today_and_this_week(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    referral_id = new_case(database, worker, given_name="Orla", family_name="Fenwick-Hale")
    set_case(database, referral_id, worker=worker, received_on=WEDNESDAY)
    overdue = follow_up(database, referral_id, worker, date(2026, 11, 20), FollowUpKind.CHECK_ATTENDANCE)
    due_today = follow_up(database, referral_id, worker, WEDNESDAY, note="Ask about the choir")
    thursday = follow_up(database, referral_id, worker, date(2026, 11, 26), FollowUpKind.MEETING)
    sunday = follow_up(database, referral_id, worker, date(2026, 11, 29))
    monday = follow_up(database, referral_id, worker, date(2026, 11, 30))
    eight_days_on = follow_up(database, referral_id, worker, date(2026, 12, 3))
    follow_up(database, referral_id, worker, date(2026, 11, 24), done=True)
    follow_up(database, referral_id, worker, date(2026, 11, 24), cancelled=True)
    follow_up(database, referral_id, admin, WEDNESDAY)  # someone else's

    found = lists(database, worker)
    assert [item.follow_up_id for item in found.overdue] == [overdue]
    assert [item.follow_up_id for item in found.due_today] == [due_today]
    assert [item.follow_up_id for item in found.due_this_week] == [thursday, sunday, monday]
    item = found.due_today[0]
    assert (item.referral_id, item.person_name, item.kind, item.due_on, item.note) == (
        referral_id,
        "Fenwick-Hale, Orla",
        FollowUpKind.CALL,
        WEDNESDAY,
        "Ask about the choir",
    )
    assert found.overdue[0].kind is FollowUpKind.CHECK_ATTENDANCE
    assert found.to_do_today == 2  # no one waiting for a first contact: the case is assigned and new

    # On the Sunday, "this week" is still the next 7 days: Monday's work shows, to Sunday 6 December.
    on_sunday = lists(database, worker, date(2026, 11, 29))
    assert [item.follow_up_id for item in on_sunday.due_today] == [sunday]
    assert [item.follow_up_id for item in on_sunday.due_this_week] == [monday, eight_days_on]


def test_new_referrals_no_one_has_taken_are_listed_urgent_first_then_longest_waiting(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    older = new_case(database, worker, given_name="Idris", family_name="Pennock")
    newer = new_case(database, worker, given_name="Maya", family_name="Quill")
    urgent = new_case(database, worker, given_name="Tobi", family_name="Ashdown")
    taken = new_case(database, worker, given_name="Nell", family_name="Garrow")
    ended = new_case(database, worker, given_name="Rhys", family_name="Oduya")
    set_case(database, older, received_on=date(2026, 11, 9), urgency=Urgency.ROUTINE)
    set_case(database, newer, received_on=date(2026, 11, 24), urgency=Urgency.ROUTINE)
    set_case(database, urgent, received_on=date(2026, 11, 23), urgency=Urgency.URGENT)
    set_case(database, taken, worker=worker)
    past_status(database, ended, worker, 3, CaseStatus.DECLINED)

    found = lists(database, worker)
    assert [row.referral_id for row in found.unassigned] == [urgent, older, newer]
    assert found.unassigned_total == 3
    first, second, third = found.unassigned
    assert (first.person_name, first.urgency, first.practice) == (
        "Ashdown, Tobi",
        Urgency.URGENT,
        "Riverside Surgery",
    )
    assert second.working_days_waiting == 12  # 10-13, 16-20, 23-25 November
    assert second.first_contact_overdue  # over the PCN's 5 working days and not yet reached
    assert third.working_days_waiting == 1 and not third.first_contact_overdue


def test_the_worker_s_people_waiting_longer_than_the_pcn_allows_for_a_first_contact(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker, manager, admin = actors[Role.LINK_WORKER], actors[Role.MANAGER], actors[Role.ADMIN]
    # Five working days before Wednesday 25 November is Wednesday 18: received then, the person
    # has waited exactly five (not longer); received the day before, six.
    assert add_working_days(date(2026, 11, 18), 5) == WEDNESDAY
    cases = {}
    for name, received in (
        ("exactly", date(2026, 11, 18)),
        ("over", date(2026, 11, 17)),
        ("tried", date(2026, 11, 2)),
        ("reached", date(2026, 11, 2)),
        ("contacted", date(2026, 11, 2)),
        ("colleague", date(2026, 11, 2)),
    ):
        cases[name] = new_case(database, worker, given_name=name.title(), family_name="Lark")
        set_case(database, cases[name], worker=admin if name == "colleague" else worker, received_on=received)
    contact(database, cases["tried"], ContactKind.UNABLE_TO_CONTACT, date(2026, 11, 3))
    contact(database, cases["reached"], ContactKind.PHONE, date(2026, 11, 3))
    past_status(database, cases["contacted"], worker, 20, CaseStatus.CONTACTED)

    found = lists(database, worker)
    assert found.first_contact_working_days == 5
    assert [row.referral_id for row in found.waiting] == [cases["tried"], cases["over"]]
    assert [row.working_days_waiting for row in found.waiting] == [17, 6]
    assert all(row.first_contact_overdue for row in found.waiting)
    assert found.waiting_total == 2 and found.to_do_today == 2

    with database.session() as session:
        assert today.set_first_contact_wait(session, manager, "10") == 10
    found = lists(database, worker)
    assert [row.referral_id for row in found.waiting] == [cases["tried"]]
    with database.session() as session:
        assert today.first_contact_wait(session, worker) == 10
        events = audit.recent(session, admin)
    assert [(event.action, event.detail) for event in events if event.action == "first_contact_wait_set"] == [
        ("first_contact_wait_set", "working_days=10")
    ]


def test_the_first_contact_wait_is_set_by_those_who_set_pcn_rules_only(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with pytest.raises(PermissionDenied), database.session() as session:
        today.set_first_contact_wait(session, actors[Role.LINK_WORKER], 3)
    with pytest.raises(ValidationError) as refused, database.session() as session:
        today.set_first_contact_wait(session, actors[Role.ADMIN], 0)
    assert refused.value.field == "first_contact_working_days"
    with database.session() as session:
        assert today.first_contact_wait(session, actors[Role.MANAGER]) == 5


def test_only_those_who_hold_cases_have_a_today_list(database: Database, actors: dict[Role, Actor]) -> None:
    with pytest.raises(PermissionDenied), database.session() as session:
        today.today_lists(session, actors[Role.MANAGER], WEDNESDAY)
    with pytest.raises(PermissionDenied), database.session() as session:
        today.due_now(session, actors[Role.MANAGER], WEDNESDAY)


def test_opening_the_screen_is_audited_and_reading_it_again_is_not(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    lists(database, worker, reread=False)
    lists(database, worker, reread=True)
    lists(database, worker, reread=True)
    with database.session() as session:
        events = audit.recent(session, actors[Role.ADMIN])
    assert [(event.username, event.entity_id) for event in events if event.action == "today_viewed"] == [
        ("worker", worker.pcn_id)
    ]


def test_what_has_come_due_names_no_one_and_counts_as_the_screen_does(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = new_case(database, worker)
    set_case(database, referral_id, worker=worker, received_on=date(2026, 11, 2))
    overdue = follow_up(database, referral_id, worker, date(2026, 11, 23), FollowUpKind.REVIEW_MEASURES)
    due_today = follow_up(database, referral_id, worker, WEDNESDAY)
    follow_up(database, referral_id, worker, date(2026, 11, 26))

    with database.session() as session:
        found = today.due_now(session, worker, WEDNESDAY)
    assert [(item.follow_up_id, item.due_on, item.kind) for item in found.items] == [
        (overdue, date(2026, 11, 23), FollowUpKind.REVIEW_MEASURES),
        (due_today, WEDNESDAY, FollowUpKind.CALL),
    ]
    assert {item.case_number for item in found.items} == {f"LW-{referral_id:06d}"}
    assert found.to_do_today == lists(database, worker).to_do_today == 3  # two follow-ups, one wait


def test_long_lists_show_the_first_rows_and_count_them_all(
    database: Database, actors: dict[Role, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(today, "LIST_LIMIT", 2)
    worker = actors[Role.LINK_WORKER]
    made = [
        new_case(database, worker, given_name=f"Person{number}", family_name="Wren") for number in range(3)
    ]
    for days, referral_id in zip((20, 30, 10), made, strict=True):
        set_case(database, referral_id, received_on=date(2026, 11, days))
    found = lists(database, worker)
    assert [row.referral_id for row in found.unassigned] == [made[2], made[0]]
    assert found.unassigned_total == 3
