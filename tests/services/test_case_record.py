"""Opening a case record on a real database: the header, the person and referral, the timeline
newest first, the support plan, the measures with their change since baseline, the connections;
only for roles that see identifiable records, and every opening audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.measures import Ons4Band, Ons4Question
from linkworker.domain.people import ContactMethod
from linkworker.domain.referrals import CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import AssignmentRecord, CaseRecord, TimelineKind, open_case
from linkworker.services.cases.casework import PlanText, add_plan_review, assign_worker, save_support_plan
from linkworker.services.errors import PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent
from tests.services.casework_builder import (
    connection,
    new_case,
    past_contact,
    past_measure,
    past_note,
    past_status,
)

K = TimelineKind
B, F = MeasureStage.BASELINE, MeasureStage.FOLLOW_UP


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


def open_it(database: Database, actor: Actor, case: int, today: date | None = None) -> CaseRecord:
    with database.session() as session:
        return open_case(session, actor, case, today)


def viewed(database: Database) -> list[tuple[int | None, int | None]]:
    with database.session() as session:
        return [
            (event.user_id, event.entity_id)
            for event in session.scalars(select(AuditEvent).where(AuditEvent.action == "case_viewed"))
        ]


def test_a_new_case_shows_who_it_is_for_and_where_it_stands(database: Database, worker: Actor) -> None:
    case = new_case(database, worker, received_days_ago=30)
    record = open_it(database, worker, case)
    head = record.header
    assert (head.referral_id, head.case_number) == (case, f"LW-{case:06d}")
    assert (head.person_name, head.date_of_birth) == ("Orla Fenwick-Hale", date(1948, 11, 2))
    assert head.nhs_number is not None and head.nhs_number.startswith("999")
    assert head.referring_practice == "Riverside Surgery"
    assert (head.status, head.closing_reason) == (CaseStatus.REFERRED, None)
    assert (head.assigned_worker_id, head.assigned_worker) == (None, None)
    assert (head.received_on, head.days_since_referral) == (date.today() - timedelta(days=30), 30)
    assert record.person.address_lines == ("12 Orchard Row", "Maidstone")
    assert (record.person.postcode, record.person.phone) == ("ME15 6AA", "01632 960123")
    assert record.person.preferred_contact_method is ContactMethod.PHONE
    assert (record.person.registered_practice, record.person.interpreter_needed) == (
        "Riverside Surgery",
        False,
    )
    assert record.referral.source is ReferralSource.GP
    assert (record.referral.referrer_name, record.referral.urgency) == ("Dr Amara Osei", Urgency.SOON)
    assert record.referral.needs == ("Loneliness and isolation", "Debt and money")
    assert (record.referral.consent_share_gp, record.referral.consent_share_services) == (True, True)
    assert record.plan.version == 0 and record.plan.what_matters == ""
    assert (record.contacts, record.measures, record.connections, record.notes, record.reviews) == (
        (),
        (),
        (),
        (),
        (),
    )
    assert (record.ons4, record.swemwbs) == (None, None)
    [first] = record.timeline
    assert first.kind is K.STATUS and first.on == head.received_on
    assert first.item.to_status is CaseStatus.REFERRED and first.item.by == "Wren Worker"


def test_age_and_days_since_referral_are_counted_to_the_day_asked(database: Database, worker: Actor) -> None:
    case = new_case(database, worker, received_days_ago=12)
    received = date.today() - timedelta(days=12)
    on_birthday_eve = date(2030, 11, 1)
    head = open_it(database, worker, case, on_birthday_eve).header
    assert head.age == 81
    assert head.days_since_referral == (on_birthday_eve - received).days
    assert open_it(database, worker, case, date(2030, 11, 2)).header.age == 82


def test_the_assigned_worker_is_named(database: Database, worker: Actor) -> None:
    case = new_case(database, worker)
    version = open_it(database, worker, case).header.version
    with database.session() as session:
        assign_worker(session, worker, case, version, worker.user_id)
    record = open_it(database, worker, case)
    head = record.header
    assert (head.assigned_worker_id, head.assigned_worker) == (worker.user_id, "Wren Worker")
    assert head.version == version + 1
    # The assignment is on the timeline, and so is taking the case off them again.
    with database.session() as session:
        assign_worker(session, worker, case, head.version, None)
    timeline = open_it(database, worker, case).timeline
    given = [entry.item for entry in timeline if entry.kind is TimelineKind.ASSIGNMENT]
    assert all(isinstance(item, AssignmentRecord) for item in given)
    steps = [(item.worker, item.by) for item in given]
    assert steps == [(None, "Wren Worker"), ("Wren Worker", "Wren Worker")]


def test_the_timeline_holds_every_event_newest_first(database: Database, worker: Actor) -> None:
    case = new_case(database, worker, received_days_ago=30)
    contacted = past_status(database, case, worker, 25, CaseStatus.CONTACTED)
    call = past_contact(database, case, worker, 25)
    ons4_base = past_measure(database, case, worker, 24, Instrument.ONS4, B, (4, 5, 3, 8))
    swemwbs_base = past_measure(database, case, worker, 24, Instrument.SWEMWBS, B, (2,) * 7)
    assessed = past_status(database, case, worker, 20, CaseStatus.ASSESSED)
    linked = connection(database, case, worker, 10, status=ConnectionStatus.ATTENDED, made_days_ago=12)
    note = past_note(database, case, worker, 5, "Going to the garden club on Tuesdays.")
    with database.session() as session:
        save_support_plan(session, worker, case, PlanText("Being outdoors", "Make friends", "Garden club"), 0)
        review = add_plan_review(session, worker, case, date.today() - timedelta(days=2), "On track").id
    ons4_now = past_measure(database, case, worker, 1, Instrument.ONS4, F, (7, 7, 6, 3))
    swemwbs_now = past_measure(database, case, worker, 1, Instrument.SWEMWBS, F, (4, 3, 4, 3, 4, 3, 3))

    record = open_it(database, worker, case)
    assert [(entry.kind, entry.item.id) for entry in record.timeline] == [
        (K.MEASURE, swemwbs_now),  # recorded after the ONS4 of the same day
        (K.MEASURE, ons4_now),
        (K.PLAN_REVIEW, review),
        (K.NOTE, note),
        (K.CONNECTION, linked),  # attended, ten days ago
        (K.CONNECTION, linked),  # referred, twelve days ago
        (K.STATUS, assessed),
        (K.MEASURE, swemwbs_base),
        (K.MEASURE, ons4_base),
        (K.CONTACT, call),  # 10:00, after the 09:00 status move of that day
        (K.STATUS, contacted),
        (K.STATUS, record.timeline[-1].item.id),  # referred, the day it was received
    ]
    days = [entry.on for entry in record.timeline]
    assert days == sorted(days, reverse=True)
    assert record.timeline[-1].on == date.today() - timedelta(days=30)
    # An event known by its time keeps it; one known by its day alone has none.
    assert record.timeline[9].at is not None and record.timeline[0].at is None
    attended, referred = record.timeline[4].item, record.timeline[5].item
    assert (attended.status, attended.on, attended.feedback, attended.by) == (
        ConnectionStatus.ATTENDED,
        date.today() - timedelta(days=10),
        "Enjoyed the first session.",
        "Wren Worker",
    )
    assert (referred.status, referred.on, referred.service_name) == (
        ConnectionStatus.REFERRED,
        date.today() - timedelta(days=12),
        "Men in Sheds",
    )

    assert [contact.id for contact in record.contacts] == [call]
    assert record.contacts[0].kind is ContactKind.PHONE
    assert [row.id for row in record.measures] == [swemwbs_now, ons4_now, swemwbs_base, ons4_base]
    assert [row.id for row in record.notes] == [note]
    assert [row.id for row in record.reviews] == [review]
    [service] = record.connections
    assert (service.service_name, service.organisation_name, service.status) == (
        "Men in Sheds",
        "Maidstone Community Trust",
        ConnectionStatus.ATTENDED,
    )
    assert service.feedback == "Enjoyed the first session."
    assert (service.route, service.made_on) == (ConnectionStatus.REFERRED, date.today() - timedelta(days=12))
    assert (record.plan.what_matters, record.plan.version, record.plan.updated_by) == (
        "Being outdoors",
        1,
        "Wren Worker",
    )


def test_the_measures_show_their_change_from_baseline_to_the_latest_follow_up(
    database: Database, worker: Actor
) -> None:
    case = new_case(database, worker, received_days_ago=60)
    past_measure(database, case, worker, 50, Instrument.ONS4, B, (4, 5, 3, 8))
    past_measure(database, case, worker, 50, Instrument.SWEMWBS, B, (2,) * 7)
    record = open_it(database, worker, case)
    assert (record.ons4, record.swemwbs) == (None, None)  # a baseline alone has no change yet

    past_measure(database, case, worker, 30, Instrument.ONS4, F, (5, 5, 5, 6))
    latest = past_measure(database, case, worker, 3, Instrument.ONS4, F, (7, 5, 9, 1))
    past_measure(database, case, worker, 3, Instrument.SWEMWBS, F, (3, 3, 4, 3, 3, 4, 3))
    record = open_it(database, worker, case)
    ons4 = record.ons4
    assert ons4 is not None
    assert (ons4.baseline.answers, ons4.latest.id) == ((4, 5, 3, 8), latest)
    assert [(change.question, change.change, change.improved) for change in ons4.changes] == [
        (Ons4Question.SATISFIED, 3, True),
        (Ons4Question.WORTHWHILE, 0, None),
        (Ons4Question.HAPPY, 6, True),
        (Ons4Question.ANXIOUS, -7, True),
    ]
    assert [(change.baseline_band, change.latest_band) for change in ons4.changes] == [
        (Ons4Band.LOW, Ons4Band.HIGH),
        (Ons4Band.MEDIUM, Ons4Band.MEDIUM),
        (Ons4Band.LOW, Ons4Band.VERY_HIGH),
        (Ons4Band.HIGH, Ons4Band.VERY_LOW),
    ]
    assert ons4.baseline.score is None and ons4.latest.score is None  # never summed
    swemwbs = record.swemwbs
    assert swemwbs is not None
    assert (swemwbs.baseline.score, swemwbs.latest.score) == (15.32, 20.73)
    assert (swemwbs.change.raw_change, swemwbs.change.metric_change) == (9, 5.41)


def test_opening_a_case_is_audited_every_time(database: Database, actors: dict[Role, Actor]) -> None:
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    case = new_case(database, worker)
    open_it(database, worker, case)
    open_it(database, admin, case)
    open_it(database, worker, case)
    assert viewed(database) == [(worker.user_id, case), (admin.user_id, case), (worker.user_id, case)]
    with database.session() as session:  # read again on the open screen after the user's change
        again = open_case(session, worker, case, reopened=True)
    assert again.header.referral_id == case
    assert len(viewed(database)) == 3


def test_a_manager_cannot_open_a_case_and_nothing_is_audited_as_seen(
    database: Database, actors: dict[Role, Actor]
) -> None:
    case = new_case(database, actors[Role.LINK_WORKER])
    with pytest.raises(PermissionDenied) as refused:
        open_it(database, actors[Role.MANAGER], case)
    assert "see identifiable records" in str(refused.value)
    assert viewed(database) == []
