"""Finding a person. Identifiable: only roles allowed to see records may call it, and every
look-up is written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain import nhs_number
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.store.models import Patient, Practice


@dataclass(frozen=True)
class PersonSummary:
    id: int
    nhs_number: str | None
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str | None
    registered_practice: str | None


def find_by_nhs_number(session: Session, actor: Actor, typed: str) -> PersonSummary | None:
    actor.require(Permission.SEE_IDENTIFIABLE)
    digits = nhs_number.parse(typed)
    row = session.execute(
        select(Patient, Practice.name)
        .outerjoin(Practice, Practice.id == Patient.registered_practice_id)
        .where(Patient.nhs_number == digits)
    ).first()
    if row is None:
        return None
    patient, practice_name = row
    audit.record(session, actor, "person_viewed", "patient", patient.id)
    return PersonSummary(
        patient.id,
        patient.nhs_number,
        patient.given_name,
        patient.family_name,
        patient.date_of_birth,
        patient.postcode,
        practice_name,
    )
