"""The home screen's figures, against a hand-made set of referrals with known answers."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

import pytest
from sqlalchemy import select

from linkworker.domain import nhs_number
from linkworker.domain.breakdowns import Count, exact, reading
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, WITHHELD
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import PATH, CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.network import network
from linkworker.services.network.overview import PracticeCount, overview
from linkworker.store.database import Database
from linkworker.store.models import Patient, Pcn, Practice, Referral, Service

TODAY = date(2026, 6, 15)
S = CaseStatus

# (practice, status, days before TODAY it was received, assigned to the link worker)
REFERRALS = [
    ("G99001", S.REFERRED, 5, False),
    ("G99001", S.REFERRED, 0, True),
    ("G99001", S.CONTACTED, 40, True),
    ("G99001", S.CLOSED, 10, True),
    ("G99002", S.ASSESSED, 30, False),  # exactly 30 days ago: outside "the last 30 days"
    ("G99002", S.CONNECTED, 29, True),
    ("G99002", S.DECLINED, 100, False),
    ("G99002", S.NOT_CONTACTABLE, 1, False),
]


def build(database: Database, worker: Actor, copies: int = 1) -> None:
    """``REFERRALS`` (each ``copies`` times) in the PCN, one open in another PCN, and services."""
    numbers = nhs_number.synthetic_numbers(50_000)
    with database.session() as session:
        practices = {p.ods_code: p for p in session.scalars(select(Practice))}
        elsewhere = Pcn(name="Other Side PCN", ods_code="U99902")
        elsewhere.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
        session.add(elsewhere)
        session.flush()
        cases = [
            (practices[code], status, days, assigned) for code, status, days, assigned in REFERRALS * copies
        ] + [(elsewhere.practices[0], S.REFERRED, 2, False)]  # another PCN's: never counted
        for (practice, status, days, assigned), number in zip(
            cases, islice(numbers, len(cases)), strict=True
        ):
            patient = Patient(
                nhs_number=number,
                given_name="Test",
                family_name=f"Person {number[-4:]}",
                date_of_birth=date(1960, 1, 1),
                sex=Sex.NOT_KNOWN.value,
                ethnic_category=EthnicCategory.Z.value,
                registered_practice_id=practice.id,
            )
            session.add(patient)
            session.flush()
            session.add(
                Referral(
                    patient_id=patient.id,
                    pcn_id=practice.pcn_id,
                    referring_practice_id=practice.id,
                    source=ReferralSource.GP.value,
                    received_on=TODAY - timedelta(days=days),
                    urgency=Urgency.ROUTINE.value,
                    status=status.value,
                    assigned_worker_id=worker.user_id if assigned else None,
                )
            )
        pcn_id = practices["G99001"].pcn_id
        for pcn, status in [
            (pcn_id, ServiceStatus.ACTIVE),
            (None, ServiceStatus.ACTIVE),  # shared across the ICB: counted
            (pcn_id, ServiceStatus.TEMPORARILY_CLOSED),
            (pcn_id, ServiceStatus.DEFUNCT),
            (elsewhere.id, ServiceStatus.ACTIVE),
        ]:
            session.add(
                Service(
                    pcn_id=pcn,
                    organisation_name="Kent Community Groups",
                    name=f"Group {status.value}",
                    cost_kind=CostKind.FREE.value,
                    status=status.value,
                )
            )


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.ADMIN])
def test_overview_counts_match_the_referrals_for_readers_of_records(
    database: Database, actors: dict[Role, Actor], role: Role
) -> None:
    build(database, actors[Role.LINK_WORKER])
    with database.session() as session:
        figures = overview(session, actors[role], today=TODAY)

    assert [(status, count.exact) for status, count in figures.open_by_status] == [
        (S.REFERRED, 2),
        (S.CONTACTED, 1),
        (S.ASSESSED, 1),
        (S.CONNECTED, 1),
    ]
    assert figures.open_cases == exact(5)
    assert figures.open_by_practice == (
        PracticeCount("Hilltop Practice", exact(2)),
        PracticeCount("Riverside Surgery", exact(3)),
    )
    assert figures.received_last_30_days == exact(5)
    assert figures.unassigned == exact(2)
    assert figures.active_services == 2
    assert figures.note is None


def test_a_manager_sees_no_count_from_1_to_7(database: Database, actors: dict[Role, Actor]) -> None:
    """Every count here is from 1 to 7: each is starred, and the total and the largest line of each
    breakdown of it are withheld, so no star is the total less the others."""
    build(database, actors[Role.LINK_WORKER])
    manager = actors[Role.MANAGER]
    with database.session() as session:
        figures = overview(session, manager, today=TODAY)
        cases = network.open_cases(session, manager)

    assert figures.open_cases == Count(WITHHELD)
    assert [(status, count.text) for status, count in figures.open_by_status] == [
        (S.REFERRED, WITHHELD),  # the largest: 2, before the three with 1
        (S.CONTACTED, STARRED),
        (S.ASSESSED, STARRED),
        (S.CONNECTED, STARRED),
    ]
    assert figures.open_by_practice == (
        PracticeCount("Hilltop Practice", Count(STARRED)),
        PracticeCount("Riverside Surgery", Count(WITHHELD)),  # 3 against Hilltop's 2
    )
    assert figures.unassigned == Count(STARRED)  # 2, against the link worker's 3
    assert figures.received_last_30_days == Count(STARRED)  # adds up with nothing else shown
    assert figures.active_services == 2  # services, not people
    assert figures.note == reading(NHS_DIGITAL)
    # The Network shows the same set of open cases, so the two screens cannot be set against each other.
    assert (figures.open_cases, figures.unassigned) == (cases.total, cases.unassigned)
    assert [count for _status, count in figures.open_by_status] == list(cases.by_status)
    assert [line.open_cases for line in figures.open_by_practice] == [
        line.open_cases for line in cases.by_practice
    ]


def test_a_manager_sees_larger_counts_rounded(database: Database, actors: dict[Role, Actor]) -> None:
    build(database, actors[Role.LINK_WORKER], copies=4)  # 20 open: 8 referred, 12 at Riverside
    with database.session() as session:
        figures = overview(session, actors[Role.MANAGER], today=TODAY)
    assert figures.open_cases == Count(WITHHELD)  # the unassigned 8 is not starred, but 4 contacted are
    assert figures.open_by_practice == (
        PracticeCount("Hilltop Practice", Count("10")),
        PracticeCount("Riverside Surgery", Count(WITHHELD)),
    )
    assert figures.unassigned == Count("10") and figures.received_last_30_days == Count("20")


def test_an_empty_pcn_has_zero_everywhere(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        figures = overview(session, actors[Role.MANAGER], today=TODAY)
    zero = Count("0")
    assert figures.open_by_status == tuple((status, zero) for status in PATH)
    assert figures.open_by_practice == (
        PracticeCount("Hilltop Practice", zero),
        PracticeCount("Riverside Surgery", zero),
    )
    assert (figures.open_cases, figures.received_last_30_days, figures.unassigned) == (zero, zero, zero)
    assert figures.active_services == 0
