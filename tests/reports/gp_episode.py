"""Synthetic episodes for the GP codes and letter tests, written straight through the ORM.

The referral and case services are built alongside this work, so these tests set up their data
with the models themselves: a person, a referral, its dated history, plan, measures and services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.measures import score
from linkworker.domain.nhs_number import synthetic_numbers
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, Urgency
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.store.models import (
    Connection,
    Contact,
    Measure,
    Patient,
    Practice,
    Referral,
    ReferralNeed,
    Service,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
)


def noon(day: date) -> datetime:
    """Midday UTC: the same calendar day in the UK whatever the season."""
    return datetime.combine(day, time(12), tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    on: date
    to_status: CaseStatus
    reason: ClosingReason | None = None


@dataclass(frozen=True)
class Reached:
    on: date
    kind: ContactKind = ContactKind.PHONE
    minutes: int | None = 20


@dataclass(frozen=True)
class Link:
    service: str
    organisation: str
    status: ConnectionStatus
    on: date


@dataclass(frozen=True)
class Taken:
    instrument: Instrument
    stage: MeasureStage
    on: date
    answers: tuple[int, ...]


@dataclass(frozen=True)
class Episode:
    """What one synthetic episode holds; defaults give a referral received and nothing more."""

    given_name: str = "Alys"
    family_name: str = "Testwood"
    date_of_birth: date = date(1958, 4, 9)
    serial: int = 0  # which synthetic NHS number of the 999 range
    received_on: date = date(2026, 2, 2)
    referrer_name: str | None = "Dr Rhiannon Test"
    source: ReferralSource = ReferralSource.GP
    consent_share_gp: bool = True
    needs: tuple[str, ...] = ("loneliness", "debt_money")
    referring_ods: str = "G99002"
    registered_ods: str | None = "G99001"
    steps: tuple[Step, ...] = ()
    contacts: tuple[Reached, ...] = ()
    what_matters: str | None = None
    goals: str | None = None
    actions: str | None = None
    reviews: tuple[date, ...] = ()
    links: tuple[Link, ...] = ()
    measures: tuple[Taken, ...] = ()
    assigned: bool = True
    nhs_number_known: bool = True
    extra: dict[str, object] = field(default_factory=dict)


def nhs_number_for(serial: int) -> str:
    return next(iter(synthetic_numbers(70_000 + serial)))


def add_episode(database: Database, worker: Actor, episode: Episode) -> int:
    """Write the episode and return its referral id. Status moves follow the steps in order."""
    with database.session() as session:
        practices = {p.ods_code: p for p in session.scalars(select(Practice))}
        referring = practices[episode.referring_ods]
        patient = Patient(
            nhs_number=nhs_number_for(episode.serial) if episode.nhs_number_known else None,
            given_name=episode.given_name,
            family_name=episode.family_name,
            date_of_birth=episode.date_of_birth,
            sex=Sex.FEMALE.value,
            ethnic_category=EthnicCategory.Z.value,
            postcode="ZZ99 3VZ",
            registered_practice_id=practices[episode.registered_ods].id if episode.registered_ods else None,
        )
        session.add(patient)
        session.flush()
        last = episode.steps[-1] if episode.steps else None
        referral = Referral(
            patient_id=patient.id,
            pcn_id=referring.pcn_id,
            referring_practice_id=referring.id,
            source=episode.source.value,
            referrer_name=episode.referrer_name,
            received_on=episode.received_on,
            urgency=Urgency.ROUTINE.value,
            consent_share_gp=episode.consent_share_gp,
            consent_share_services=True,
            status=(last.to_status if last else CaseStatus.REFERRED).value,
            status_changed_at=noon(last.on if last else episode.received_on),
            closing_reason=last.reason.value if last and last.reason else None,
            assigned_worker_id=worker.user_id if episode.assigned else None,
            notes="Free-text referral note that must never reach the letter.",
        )
        referral.needs = [ReferralNeed(need_code=code) for code in episode.needs]
        session.add(referral)
        session.flush()
        current: CaseStatus | None = None
        for step in (Step(episode.received_on, CaseStatus.REFERRED), *episode.steps):
            session.add(
                StatusChange(
                    referral_id=referral.id,
                    from_status=current.value if current else None,
                    to_status=step.to_status.value,
                    changed_at=noon(step.on),
                    changed_by_id=worker.user_id,
                    reason=step.reason.value if step.reason else None,
                )
            )
            current = step.to_status
        for contact in episode.contacts:
            session.add(
                Contact(
                    referral_id=referral.id,
                    occurred_at=noon(contact.on),
                    kind=contact.kind.value,
                    duration_minutes=contact.minutes,
                    notes="Private contact note, not for the letter.",
                    recorded_by_id=worker.user_id,
                )
            )
        if episode.what_matters or episode.goals or episode.actions:
            session.add(
                SupportPlan(
                    referral_id=referral.id,
                    what_matters=episode.what_matters,
                    goals=episode.goals,
                    actions=episode.actions,
                    updated_by_id=worker.user_id,
                )
            )
        for reviewed in episode.reviews:
            session.add(SupportPlanReview(referral_id=referral.id, reviewed_on=reviewed, note="Private."))
        for link in episode.links:
            service = _service(session, referring.pcn_id, link)
            session.add(
                Connection(
                    referral_id=referral.id,
                    service_id=service.id,
                    status=link.status.value,
                    status_on=link.on,
                    route=ConnectionStatus.SIGNPOSTED.value
                    if link.status is ConnectionStatus.SIGNPOSTED
                    else ConnectionStatus.REFERRED.value,
                    made_on=link.on,
                    feedback="Private feedback.",
                )
            )
        for taken in episode.measures:
            session.add(
                Measure(
                    referral_id=referral.id,
                    instrument=taken.instrument.value,
                    stage=taken.stage.value,
                    taken_on=taken.on,
                    answers=list(taken.answers),
                    score=score(taken.instrument, taken.answers),
                )
            )
        session.flush()
        return referral.id


def _service(session, pcn_id: int, link: Link) -> Service:  # type: ignore[no-untyped-def]
    existing = session.scalar(select(Service).where(Service.name == link.service))
    if existing is not None:
        return existing
    service = Service(
        pcn_id=pcn_id,
        organisation_name=link.organisation,
        name=link.service,
        cost_kind=CostKind.FREE.value,
        status=ServiceStatus.ACTIVE.value,
    )
    session.add(service)
    session.flush()
    return service


D = date
FULL = Episode(
    given_name="Łucja",
    family_name="O'Testley-Smith",
    date_of_birth=D(1949, 11, 23),
    serial=1,
    received_on=D(2026, 1, 12),
    referrer_name="Dr Priya Example",
    steps=(
        Step(D(2026, 1, 15), CaseStatus.CONTACTED),
        Step(D(2026, 1, 22), CaseStatus.ASSESSED),
        Step(D(2026, 2, 3), CaseStatus.CONNECTED),
        Step(D(2026, 4, 20), CaseStatus.CLOSED, ClosingReason.GOALS_MET),
    ),
    contacts=(
        Reached(D(2026, 1, 14), ContactKind.UNABLE_TO_CONTACT, 3),
        Reached(D(2026, 1, 15), ContactKind.PHONE, 20),
        Reached(D(2026, 1, 22), ContactKind.HOME_VISIT, 75),
        Reached(D(2026, 2, 10), ContactKind.PHONE, 15),
        Reached(D(2026, 3, 2), ContactKind.DID_NOT_ATTEND, None),
        Reached(D(2026, 3, 9), ContactKind.FACE_TO_FACE, 40),
        Reached(D(2026, 4, 20), ContactKind.PHONE, 25),
    ),
    what_matters=(
        "Getting out of the house more since her husband died, and feeling less on edge about money.\n"
        "She loved singing in a choir when she was younger & would like to try again <if it's friendly>."
    ),
    goals="Join a group that meets weekly.\nHave a plan for the energy debt.",
    actions="Try the community choir on Tuesdays.\nBook an appointment with the debt advice service.",
    reviews=(D(2026, 2, 24), D(2026, 4, 20)),
    links=(
        Link("Tuesday Community Choir", "Valley Arts Trust", ConnectionStatus.ATTENDED, D(2026, 2, 3)),
        Link(
            "Debt and Money Advice", "Citizens Advice Test Valley", ConnectionStatus.REFERRED, D(2026, 2, 3)
        ),
        Link("Walk and Talk", "Test Valley Ramblers", ConnectionStatus.DECLINED, D(2026, 2, 10)),
    ),
    measures=(
        Taken(Instrument.ONS4, MeasureStage.BASELINE, D(2026, 1, 22), (4, 5, 3, 7)),
        Taken(Instrument.SWEMWBS, MeasureStage.BASELINE, D(2026, 1, 22), (2, 2, 3, 2, 3, 2, 3)),
        Taken(Instrument.ONS4, MeasureStage.FOLLOW_UP, D(2026, 4, 20), (7, 8, 9, 1)),
        Taken(Instrument.SWEMWBS, MeasureStage.FOLLOW_UP, D(2026, 4, 20), (4, 4, 3, 4, 4, 4, 4)),
    ),
)


def steps(*pairs: tuple[date, CaseStatus]) -> tuple[Step, ...]:
    return tuple(Step(on, status) for on, status in pairs)


def kinds(items: Sequence[tuple[date, ContactKind]]) -> tuple[Reached, ...]:
    return tuple(Reached(on, kind) for on, kind in items)
