"""Cases for the case record's tests: a synthetic person with a referral, and events dated in the past.

The person is written through the ORM (their details are not what these tests are about); the
referral goes through ``services.referrals.create_referral``, as a referral form would make it.
Events in the past are written through the ORM too, since the services stamp changes with now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from linkworker.domain import measures, nhs_number
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.intake import ReferralDetails
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.referrals import CaseStatus, ReferralSource, Urgency
from linkworker.services.actor import Actor
from linkworker.services.cases.referrals import create_referral
from linkworker.store.database import Database
from linkworker.store.models import (
    CaseNote,
    Connection,
    Contact,
    Measure,
    Patient,
    Practice,
    Referral,
    Service,
    StatusChange,
)

# One stream of numbers: restarting it from the next serial can repeat a number, since a serial
# without a check digit gives the next one's.
_numbers = nhs_number.synthetic_numbers(27_182)


def synthetic_nhs_number() -> str:
    """A fresh valid number of the 999 test range."""
    return next(_numbers)


def new_case(
    database: Database,
    worker: Actor,
    *,
    given_name: str = "Orla",
    family_name: str = "Fenwick-Hale",
    received_days_ago: int = 30,
    needs: tuple[str, ...] = ("loneliness", "debt_money"),
) -> int:
    """A referral from the PCN's first practice for a new synthetic person, recorded the day it
    was received; its id."""
    with database.session() as session:
        practice = session.scalars(
            select(Practice).where(Practice.pcn_id == worker.pcn_id).order_by(Practice.ods_code)
        ).first()
        assert practice is not None
        patient = Patient(
            nhs_number=synthetic_nhs_number(),
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date(1948, 11, 2),
            sex=Sex.FEMALE.value,
            ethnic_category=EthnicCategory.B.value,
            address_line_1="12 Orchard Row",
            town="Maidstone",
            postcode="ME15 6AA",
            phone="01632 960123",
            preferred_contact_method=ContactMethod.PHONE.value,
            preferred_contact_times="Mornings",
            language="English",
            accessibility_needs="Hard of hearing: speak clearly",
            registered_practice_id=practice.id,
        )
        session.add(patient)
        session.flush()
        summary = create_referral(
            session,
            worker,
            patient.id,
            ReferralDetails(
                referring_practice_id=practice.id,
                referring_practice_ods=practice.ods_code,
                source=ReferralSource.GP,
                referrer_name="Dr Amara Osei",
                received_on=date.today() - timedelta(days=received_days_ago),
                needs=needs,
                consent_share_gp=True,
                consent_share_services=True,
                urgency=Urgency.SOON,
                notes="Lives alone since her husband died.",
            ),
        )
        # Recorded as received, so waits count from then, as they would had it been typed that day.
        received_at = datetime.combine(summary.received_on, datetime.min.time(), UTC) + timedelta(hours=9)
        referral = session.get(Referral, summary.id)
        assert referral is not None
        referral.status_changed_at = received_at
        for change in referral.status_changes:
            change.changed_at = received_at
        return summary.id


def past_contact(
    database: Database, referral_id: int, worker: Actor, days_ago: int, kind: ContactKind = ContactKind.PHONE
) -> int:
    """A contact already on record from ``days_ago`` days back, at 10:00 UTC."""
    moment = datetime.combine(date.today() - timedelta(days=days_ago), datetime.min.time(), UTC)
    with database.session() as session:
        contact = Contact(
            referral_id=referral_id,
            occurred_at=moment + timedelta(hours=10),
            kind=kind.value,
            duration_minutes=20,
            notes="Earlier call.",
            recorded_by_id=worker.user_id,
        )
        session.add(contact)
        session.flush()
        return contact.id


def past_measure(
    database: Database,
    referral_id: int,
    worker: Actor,
    days_ago: int,
    instrument: Instrument,
    stage: MeasureStage,
    answers: tuple[int, ...],
) -> int:
    """A measure already on record, taken ``days_ago`` days back; its score as the service stores it."""
    with database.session() as session:
        row = Measure(
            referral_id=referral_id,
            instrument=instrument.value,
            stage=stage.value,
            taken_on=date.today() - timedelta(days=days_ago),
            answers=list(answers),
            score=measures.score(instrument, answers),
            recorded_by_id=worker.user_id,
        )
        session.add(row)
        session.flush()
        return row.id


def past_note(database: Database, referral_id: int, worker: Actor, days_ago: int, text: str) -> int:
    """A note written ``days_ago`` days back, at 15:00 UTC."""
    moment = datetime.combine(date.today() - timedelta(days=days_ago), datetime.min.time(), UTC)
    with database.session() as session:
        note = CaseNote(
            referral_id=referral_id,
            written_at=moment + timedelta(hours=15),
            author_id=worker.user_id,
            text=text,
        )
        session.add(note)
        session.flush()
        return note.id


def past_status(
    database: Database, referral_id: int, worker: Actor, days_ago: int, to_status: CaseStatus
) -> int:
    """A status move made ``days_ago`` days back at 09:00 UTC, from the case's status then."""
    moment = datetime.combine(date.today() - timedelta(days=days_ago), datetime.min.time(), UTC)
    moment += timedelta(hours=9)
    with database.session() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        change = StatusChange(
            referral_id=referral_id,
            from_status=referral.status,
            to_status=to_status.value,
            changed_at=moment,
            changed_by_id=worker.user_id,
        )
        session.add(change)
        referral.status = to_status.value
        referral.status_changed_at = moment
        session.flush()
        return change.id


def connection(
    database: Database,
    referral_id: int,
    worker: Actor,
    days_ago: int,
    service_name: str = "Men in Sheds",
    status: ConnectionStatus = ConnectionStatus.REFERRED,
    made_days_ago: int | None = None,
) -> int:
    """A connection to a new directory service, at ``status`` since ``days_ago`` days back; made
    (referred, unless ``status`` is signposted) ``made_days_ago`` days back, by default the same day."""
    with database.session() as session:
        service = Service(
            pcn_id=worker.pcn_id,
            organisation_name="Maidstone Community Trust",
            name=service_name,
            cost_kind=CostKind.FREE.value,
            status=ServiceStatus.ACTIVE.value,
        )
        session.add(service)
        session.flush()
        row = Connection(
            referral_id=referral_id,
            service_id=service.id,
            route=(status if status is ConnectionStatus.SIGNPOSTED else ConnectionStatus.REFERRED).value,
            made_on=date.today() - timedelta(days=days_ago if made_days_ago is None else made_days_ago),
            status=status.value,
            status_on=date.today() - timedelta(days=days_ago),
            feedback="Enjoyed the first session." if status is ConnectionStatus.ATTENDED else None,
            recorded_by_id=worker.user_id,
        )
        session.add(row)
        session.flush()
        return row.id
