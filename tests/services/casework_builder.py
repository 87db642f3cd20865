"""Cases for the case record's tests: a synthetic person with a referral, and events dated in the past.

The person is written through the ORM (their details are not what these tests are about); the
referral goes through ``services.referrals.create_referral``, as a referral form would make it.
Events in the past are written through the ORM too, since the services stamp changes with now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlalchemy import select

from linkworker.domain import nhs_number
from linkworker.domain.casework import ContactKind
from linkworker.domain.intake import ReferralDetails
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.referrals import ReferralSource, Urgency
from linkworker.services.actor import Actor
from linkworker.services.referrals import create_referral
from linkworker.store.database import Database
from linkworker.store.models import Contact, Patient, Practice

_serials = count(27_182)


def synthetic_nhs_number() -> str:
    """A fresh valid number of the 999 test range."""
    return next(nhs_number.synthetic_numbers(next(_serials)))


def new_case(
    database: Database,
    worker: Actor,
    *,
    given_name: str = "Orla",
    family_name: str = "Fenwick-Hale",
    received_days_ago: int = 30,
    needs: tuple[str, ...] = ("loneliness", "debt_money"),
) -> int:
    """A referral from the PCN's first practice for a new synthetic person; its id."""
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
