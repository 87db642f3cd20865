"""The home screen's figures, against a hand-made set of referrals with known answers."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

from sqlalchemy import select

from linkworker.domain import nhs_number
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.overview import PracticeCount, overview
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


def build(database: Database, worker: Actor) -> None:
    numbers = nhs_number.synthetic_numbers(50_000)
    with database.session() as session:
        practices = {p.ods_code: p for p in session.scalars(select(Practice))}
        elsewhere = Pcn(name="Other Side PCN", ods_code="U99902")
        elsewhere.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
        session.add(elsewhere)
        session.flush()
        cases = [(practices[code], status, days, assigned) for code, status, days, assigned in REFERRALS] + [
            (elsewhere.practices[0], S.REFERRED, 2, False)
        ]  # another PCN's: never counted
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


def test_overview_counts_match_the_referrals_for_every_role(
    database: Database, actors: dict[Role, Actor]
) -> None:
    build(database, actors[Role.LINK_WORKER])
    for role in Role:  # counts only: every role may see them
        with database.session() as session:
            figures = overview(session, actors[role], today=TODAY)

        assert figures.open_by_status == {S.REFERRED: 2, S.CONTACTED: 1, S.ASSESSED: 1, S.CONNECTED: 1}
        assert figures.open_cases == 5
        assert figures.open_by_practice == [
            PracticeCount("Hilltop Practice", 2),
            PracticeCount("Riverside Surgery", 3),
        ]
        assert figures.received_last_30_days == 5
        assert figures.unassigned == 2
        assert figures.active_services == 2


def test_an_empty_pcn_has_zero_everywhere(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        figures = overview(session, actors[Role.MANAGER], today=TODAY)
    assert figures.open_by_status == {}
    assert figures.open_by_practice == []
    assert (
        figures.open_cases,
        figures.received_last_30_days,
        figures.unassigned,
        figures.active_services,
    ) == (
        0,
        0,
        0,
        0,
    )
