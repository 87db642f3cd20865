"""Recording a new referral: one episode of support for a person, from a practice of this PCN;
the person's open cases, so a second referral is not made by mistake; and which referrals count
in the figures (not one closed as opened in error)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import ReferralDetails, case_number, check_referral_for
from linkworker.domain.referrals import CaseStatus, ClosingReason, counts_in_figures
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.batch import SLICE, insert_all, insert_with_ids
from linkworker.services.cases.needs import need_labels
from linkworker.services.cases.people import NOT_ON_LIST, on_pcn_list
from linkworker.services.errors import NotFound, ServiceError
from linkworker.store.models import (
    Patient,
    Practice,
    Referral,
    ReferralNeed,
    StatusChange,
    UserAccount,
    utc_now,
)


class AlreadyImported(ServiceError):
    """A row of a referral file that was imported before; importing it again would add it twice."""


@dataclass(frozen=True)
class ReferralSummary:
    id: int
    person_id: int
    status: CaseStatus
    received_on: date
    case_number: str


@dataclass(frozen=True)
class OpenCase:
    """A case of the person still open in this PCN: what the warning before a second referral
    says of it."""

    id: int
    case_number: str
    status: CaseStatus
    received_on: date
    worker: str | None  # who holds it; None: no one yet


@dataclass(frozen=True)
class NewReferral:
    """One referral to record: whose it is, its checked details and, for a row of a referral
    file, the row's import key."""

    person_id: int
    details: ReferralDetails
    import_key: str | None = None


def create_referral(
    session: Session,
    actor: Actor,
    person_id: int,
    details: ReferralDetails,
    *,
    import_key: str | None = None,
) -> ReferralSummary:
    """Record the referral, its needs, its first status (referred) and the audit event, together:
    ``create_referrals`` for one.

    ``details`` comes from ``domain.intake.parse_referral``; the practice and the needs are checked
    again here against the database, since the lists may have changed since the form was filled.
    ``import_key`` marks a row of a referral file, so the same referral is never imported twice.
    """
    [summary] = create_referrals(session, actor, [NewReferral(person_id, details, import_key)])
    return summary


def create_referrals(session: Session, actor: Actor, items: Sequence[NewReferral]) -> list[ReferralSummary]:
    """Record referrals together, in the order given, with their needs, first status changes
    and audit events.

    The people, practices, needs and import keys are looked up once for all of them, and each
    table is written in one batch, so an import of thousands costs a few statements, not
    several per referral. Refused whole, writing nothing, if any one is refused: a person not on
    this PCN's list (``people.on_pcn_list``: another PCN's, or no longer on record), a practice
    or need no longer on this PCN's lists, a referral received before its person was born
    (``domain.intake.check_referral_for``), an import key on record.
    """
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    if not items:
        return []
    born = _dates_of_birth(session, [item.person_id for item in items])
    listed = on_pcn_list(session, actor, born, referring=True)
    practices = set(referring_practices(session, actor).values())
    allowed = need_labels(session, actor)
    for item in items:
        if item.person_id not in listed:
            raise NotFound(NOT_ON_LIST)
        details = item.details
        if details.referring_practice_id not in practices:
            raise ValidationError("referring_practice_ods", "Choose a current practice of this PCN.")
        if not details.needs or any(code not in allowed for code in details.needs):
            raise ValidationError("needs", "Choose the needs from the PCN's current list.")
        check_referral_for(born[item.person_id], details)
    keys = [item.import_key for item in items if item.import_key is not None]
    if len(set(keys)) < len(keys) or imported_keys(session, actor, keys):
        raise AlreadyImported("This referral was imported before.")
    now = utc_now()
    ids = insert_with_ids(
        session, Referral.id, Referral.import_key, [_referral_row(item, actor.pcn_id, now) for item in items]
    )
    insert_all(
        session,
        ReferralNeed,
        [
            {"referral_id": referral_id, "need_code": code}
            for referral_id, item in zip(ids, items, strict=True)
            for code in item.details.needs
        ],
    )
    insert_all(
        session,
        StatusChange,
        [
            {
                "referral_id": referral_id,
                "from_status": None,
                "to_status": CaseStatus.REFERRED.value,
                "changed_at": now,
                "changed_by_id": actor.user_id,
            }
            for referral_id in ids
        ],
    )
    audit.record_each(
        session,
        actor,
        "referral_created",
        "referral",
        [
            (referral_id, "imported" if item.import_key else None)
            for referral_id, item in zip(ids, items, strict=True)
        ],
    )
    return [
        ReferralSummary(
            referral_id,
            item.person_id,
            CaseStatus.REFERRED,
            item.details.received_on,
            case_number(referral_id),
        )
        for referral_id, item in zip(ids, items, strict=True)
    ]


def open_cases_of(session: Session, actor: Actor, person_id: int) -> list[OpenCase]:
    """The person's open cases in this PCN, newest first: a second referral for someone already
    supported is most often the same episode told twice, so the form warns and offers to open
    the case. Refused as for someone never recorded unless the person is on the PCN's list;
    another PCN's cases are never told of. Audited as a viewing of the person."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    if person_id not in on_pcn_list(session, actor, [person_id]):
        raise NotFound(NOT_ON_LIST)
    rows = session.execute(
        select(Referral.id, Referral.status, Referral.received_on, UserAccount.full_name)
        .outerjoin(UserAccount, UserAccount.id == Referral.assigned_worker_id)
        .where(
            Referral.patient_id == person_id,
            Referral.pcn_id == actor.pcn_id,
            Referral.status.in_([status.value for status in CaseStatus if status.is_open]),
        )
        .order_by(Referral.received_on.desc(), Referral.id.desc())
    )
    audit.record(session, actor, "person_viewed", "patient", person_id, "open cases")
    return [
        OpenCase(referral_id, case_number(referral_id), CaseStatus(status), received_on, worker)
        for referral_id, status, received_on, worker in rows
    ]


def counted_in_figures() -> ColumnElement[bool]:
    """A referral that counts in the figures (``domain.referrals.counts_in_figures``), as SQL:
    every one but those closed as opened in error. Every count of referrals, cases or what was
    done in them (the summary, the Overview) takes it."""
    left_out = [reason.value for reason in ClosingReason if not counts_in_figures(reason)]
    return Referral.closing_reason.is_(None) | Referral.closing_reason.not_in(left_out)


def _referral_row(item: NewReferral, pcn_id: int, now: datetime) -> dict[str, Any]:
    """The columns of a new referral: every row names the same ones, so the inserts go as one batch.
    The practice was checked to be this PCN's, so its PCN is the actor's."""
    details = item.details
    return {
        "patient_id": item.person_id,
        "pcn_id": pcn_id,
        "referring_practice_id": details.referring_practice_id,
        "source": details.source.value,
        "referrer_name": details.referrer_name,
        "received_on": details.received_on,
        "urgency": details.urgency.value,
        "consent_share_gp": details.consent_share_gp,
        "consent_share_services": details.consent_share_services,
        "status": CaseStatus.REFERRED.value,
        "status_changed_at": now,
        "notes": details.notes,
        "import_key": item.import_key,
    }


def _dates_of_birth(session: Session, person_ids: Sequence[int]) -> dict[int, date]:
    """Person id to date of birth of those on record, looked up in slices."""
    wanted = sorted(set(person_ids))
    born: dict[int, date] = {}
    for start in range(0, len(wanted), SLICE):
        rows = session.execute(
            select(Patient.id, Patient.date_of_birth).where(Patient.id.in_(wanted[start : start + SLICE]))
        )
        born.update({person_id: day for person_id, day in rows})
    return born


def imported_keys(session: Session, actor: Actor, keys: Iterable[str]) -> set[str]:
    """Which of these import keys are on record already in this PCN: the rows of a file imported
    before. Another PCN's referrals are not told of (a key is made from a person's NHS number)."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    # In slices, so a 10,000-row file stays within every database's limit on bound parameters.
    for start in range(0, len(wanted), SLICE):
        chunk = wanted[start : start + SLICE]
        found.update(
            session.scalars(
                select(Referral.import_key).where(
                    Referral.import_key.in_(chunk), Referral.pcn_id == actor.pcn_id
                )
            )
        )
    return found


def referring_practices(session: Session, actor: Actor) -> dict[str, int]:
    """ODS code to id of this PCN's current practices: the ``practices`` of ``parse_referral``."""
    rows = session.execute(
        select(Practice.ods_code, Practice.id).where(
            Practice.pcn_id == actor.pcn_id, Practice.active.is_(True)
        )
    )
    return {ods: practice_id for ods, practice_id in rows}
