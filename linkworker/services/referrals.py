"""Recording a new referral: one episode of support for a person, from a practice of this PCN."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import ReferralDetails, case_number
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import NotFound, ServiceError
from linkworker.services.needs import need_labels
from linkworker.store.models import Patient, Practice, Referral, ReferralNeed, StatusChange


class AlreadyImported(ServiceError):
    """A row of a referral file that was imported before; importing it again would add it twice."""


@dataclass(frozen=True)
class ReferralSummary:
    id: int
    person_id: int
    status: CaseStatus
    received_on: date
    case_number: str


def create_referral(
    session: Session,
    actor: Actor,
    person_id: int,
    details: ReferralDetails,
    *,
    import_key: str | None = None,
) -> ReferralSummary:
    """Record the referral, its needs, its first status (referred) and the audit event, together.

    ``details`` comes from ``domain.intake.parse_referral``; the practice and the needs are checked
    again here against the database, since the lists may have changed since the form was filled.
    ``import_key`` marks a row of a referral file, so the same row is never imported twice.
    """
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    patient = session.get(Patient, person_id)
    if patient is None:
        raise NotFound("That person is no longer on record.")
    practice = session.get(Practice, details.referring_practice_id)
    if practice is None or practice.pcn_id != actor.pcn_id or not practice.active:
        raise ValidationError("referring_practice_ods", "Choose a current practice of this PCN.")
    allowed = need_labels(session, actor)
    if not details.needs or any(code not in allowed for code in details.needs):
        raise ValidationError("needs", "Choose the needs from the PCN's current list.")
    if details.received_on < patient.date_of_birth:
        raise ValidationError("received_on", "The referral cannot be received before the person was born.")
    if import_key is not None and session.scalar(
        select(Referral.id).where(Referral.import_key == import_key)
    ):
        raise AlreadyImported("This referral was imported before.")
    referral = Referral(
        patient_id=patient.id,
        pcn_id=practice.pcn_id,
        referring_practice_id=practice.id,
        source=details.source.value,
        referrer_name=details.referrer_name,
        received_on=details.received_on,
        urgency=details.urgency.value,
        consent_share_gp=details.consent_share_gp,
        consent_share_services=details.consent_share_services,
        status=CaseStatus.REFERRED.value,
        notes=details.notes,
        import_key=import_key,
        needs=[ReferralNeed(need_code=code) for code in details.needs],
    )
    session.add(referral)
    session.flush()
    session.add(
        StatusChange(
            referral_id=referral.id,
            from_status=None,
            to_status=CaseStatus.REFERRED.value,
            changed_at=referral.status_changed_at,
            changed_by_id=actor.user_id,
        )
    )
    audit.record(
        session, actor, "referral_created", "referral", referral.id, "imported" if import_key else None
    )
    return ReferralSummary(
        referral.id, patient.id, CaseStatus.REFERRED, referral.received_on, case_number(referral.id)
    )


def imported_keys(session: Session, actor: Actor, keys: Iterable[str]) -> set[str]:
    """Which of these import keys are on record already: the rows of a file imported before."""
    actor.require(Permission.EDIT_CASES)
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    # In slices, so a 10,000-row file stays within every database's limit on bound parameters.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(Referral.import_key).where(Referral.import_key.in_(chunk))))
    return found


def referring_practices(session: Session, actor: Actor) -> dict[str, int]:
    """ODS code to id of this PCN's current practices: the ``practices`` of ``parse_referral``."""
    rows = session.execute(
        select(Practice.ods_code, Practice.id).where(
            Practice.pcn_id == actor.pcn_id, Practice.active.is_(True)
        )
    )
    return {ods: practice_id for ods, practice_id in rows}
