"""Back to the GP record: the SNOMED CT codes an episode puts there, and the letter to the GP.

The letter follows the PRSB Social Prescribing Information Standard (v1.1, January 2023), its
"Message back to GP and referrer" model (https://theprsb.org/standards/social-prescribing-standard/):
summary information for the person's GP record and for whoever referred them, once support
has been given. Its sections here: the person's identifiers and GP practice, the referral
(referrer, date, reasons), what matters to the person and their plan, the support the link
worker gave, the services they were connected or referred to, outcome measures with dates, the
status or closure of the episode, the codes for the GP record, and the link worker.

A code stays listed once it is marked entered, even when the episode no longer makes it due (a
person who declines after their referral code was entered: domain.gp_codes gives them only the
declined code). It is shown as entered and no longer due, so the GP record is never out of step
with what the case screen says, and nothing entered is dropped from view. A case closed as
opened in error was no episode, so it makes no code due (and none can be marked entered); one
entered before it was closed so stays listed, due no longer, for the practice to take out.

Codes and letter are identifiable: only roles that see records (link workers and admins) may
have them. The letter is made only while the person's consent to share with their GP stands:
one given later (recorded with Edit referral… on the case, ``services.corrections``) makes it,
one withdrawn stops it, and the refusal says the day it was withdrawn.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker import catalogues
from linkworker.domain import gp_codes, measures, nhs_number
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.corrections import Consent, day_words
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.gp_codes import ContactEvent, EpisodeHistory, StatusEvent
from linkworker.domain.intake import case_number
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, Urgency, counts_in_figures
from linkworker.domain.roles import Permission
from linkworker.reports.gp_letter_content import (
    ContactCount,
    EpisodeStatus,
    GpCode,
    GpLetter,
    LetterPerson,
    LetterPlan,
    LetterReferral,
    Ons4Answer,
    Ons4Result,
    PracticeName,
    ServiceLink,
    SupportGiven,
    SwemwbsResult,
)
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import gp_consent
from linkworker.services.errors import NotFound, ServiceError
from linkworker.store.models import (
    Connection,
    Contact,
    GpCodeEntry,
    LocalNeed,
    Measure,
    Patient,
    Pcn,
    Practice,
    Referral,
    Service,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
    UserAccount,
)


class NoConsentToShare(ServiceError):
    """The person has not agreed to share with their GP, or withdrew their consent on
    ``withdrawn_on``, so nothing identifiable goes there."""

    def __init__(self, withdrawn_on: date | None = None) -> None:
        self.withdrawn_on = withdrawn_on
        if withdrawn_on is None:
            said = "This person has not agreed to share information with their GP"
        else:
            said = f"This person withdrew their consent to share with their GP on {day_words(withdrawn_on)}"
        super().__init__(
            f"{said}, so no letter can be made. If they agree, record their consent to share with "
            "the GP on the referral: Edit referral… on the case, with the day they agreed."
        )


def codes_due(session: Session, actor: Actor, referral_id: int) -> list[GpCode]:
    """The codes this episode's history makes due, and any entered that are due no longer,
    earliest first, with what has been entered."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    referral = _referral(session, actor, referral_id)
    return _codes(session, referral)


def consent_to_share(session: Session, actor: Actor, referral_id: int) -> Consent:
    """The person's consent to share with their GP, with its days: whether a letter can be made."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    return gp_consent(_referral(session, actor, referral_id))


def mark_entered(
    session: Session,
    actor: Actor,
    referral_id: int,
    code: str,
    entered_on: date | None = None,
    *,
    today: date | None = None,
) -> GpCode:
    """Record that ``code`` is now in the GP record. Marking it again changes nothing."""
    actor.require(Permission.EDIT_CASES)
    referral = _referral(session, actor, referral_id)
    today = today or date.today()
    entered_on = entered_on or today
    if entered_on > today:
        raise ValidationError("entered_on", "The date entered in the GP record cannot be in the future.")
    listed = {item.code: item for item in _codes(session, referral)}
    if code in listed and listed[code].entered:
        return listed[code]
    due_on = listed[code].due_on if code in listed else None
    if due_on is None:
        catalogues.snomed_codes().get(code)  # an unknown code gets its own message
        if not _an_episode(referral):
            raise ValidationError(
                "code", "This case was closed as opened in error, so no code goes in the GP record."
            )
        if gp_codes.declined_on(_history(session, referral.id)) is not None:
            raise ValidationError(
                "code",
                "This code is not due: the person declined social prescribing, so only the "
                "declined code goes in the GP record.",
            )
        raise ValidationError("code", "This code is not due for this episode yet.")
    if entered_on < due_on:
        raise ValidationError(
            "entered_on", "The code cannot have been entered in the GP record before it became due."
        )
    session.add(
        GpCodeEntry(referral_id=referral.id, code=code, entered_on=entered_on, entered_by_id=actor.user_id)
    )
    session.flush()
    audit.record(session, actor, "gp_code_entered", "referral", referral.id, f"code={code}")
    return next(item for item in _codes(session, referral) if item.code == code)


def _referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.pcn_id != actor.pcn_id:
        raise NotFound("That case no longer exists.")
    return referral


def _local_date(moment: datetime) -> date:
    """The day a stored UTC moment fell on where the link worker works."""
    return moment.astimezone().date()


def _history(session: Session, referral_id: int) -> EpisodeHistory:
    contacts = session.execute(
        select(Contact.occurred_at, Contact.kind).where(Contact.referral_id == referral_id)
    )
    changes = session.execute(
        select(StatusChange.changed_at, StatusChange.to_status, StatusChange.reason).where(
            StatusChange.referral_id == referral_id
        )
    )
    return EpisodeHistory(
        contacts=tuple(ContactEvent(_local_date(at), ContactKind(kind)) for at, kind in contacts),
        status_changes=tuple(
            StatusEvent(_local_date(at), CaseStatus(status), ClosingReason(reason) if reason else None)
            for at, status, reason in changes
        ),
    )


def _an_episode(referral: Referral) -> bool:
    """Whether the case was an episode of social prescribing: not one closed as opened in error."""
    return counts_in_figures(ClosingReason(referral.closing_reason) if referral.closing_reason else None)


def _codes(session: Session, referral: Referral) -> list[GpCode]:
    catalogue = catalogues.snomed_codes()
    made = gp_codes.codes_due(_history(session, referral.id), catalogue) if _an_episode(referral) else []
    due = {item.code.code: item.due_on for item in made}
    entries = {
        entry.code: (entry.entered_on, name)
        for entry, name in session.execute(
            select(GpCodeEntry, UserAccount.full_name)
            .outerjoin(UserAccount, UserAccount.id == GpCodeEntry.entered_by_id)
            .where(GpCodeEntry.referral_id == referral.id)
        )
    }
    codes = [
        GpCode(
            code=known.code,
            term=known.term,
            guidance=known.guidance,
            due_on=due.get(known.code),
            entered_on=entries.get(known.code, (None, None))[0],
            entered_by=entries.get(known.code, (None, None))[1],
        )
        for known in catalogue
        if known.code in due or known.code in entries
    ]
    return sorted(codes, key=lambda item: item.due_on or item.entered_on or date.min)


# The letter's content ----------------------------------------------------------------------


class LetterExport(StrEnum):
    """How a letter left the case screen; each way is written to the audit trail."""

    PRINTED = "printed"
    SAVED = "saved"


def letter(session: Session, actor: Actor, referral_id: int, *, today: date | None = None) -> GpLetter:
    """The letter's content; refused without consent to share with the GP. Audited as viewed."""
    referral = _shareable(session, actor, referral_id)
    patient = session.get_one(Patient, referral.patient_id)
    referring = session.get_one(Practice, referral.referring_practice_id)
    registered = (
        session.get(Practice, patient.registered_practice_id) if patient.registered_practice_id else None
    )
    worker = session.get(UserAccount, referral.assigned_worker_id) if referral.assigned_worker_id else None
    result = GpLetter(
        referral_id=referral.id,
        case_number=case_number(referral.id),
        written_on=today or date.today(),
        written_by=actor.full_name,
        pcn_name=session.get_one(Pcn, referral.pcn_id).name,
        link_worker=worker.full_name if worker else None,
        gp_practice=_practice(registered or referring),
        person=LetterPerson(
            given_name=patient.given_name,
            family_name=patient.family_name,
            nhs_number=nhs_number.formatted(patient.nhs_number) if patient.nhs_number else None,
            date_of_birth=patient.date_of_birth,
        ),
        referral=LetterReferral(
            received_on=referral.received_on,
            source=ReferralSource(referral.source),
            referrer_name=referral.referrer_name,
            referring_practice=_practice(referring),
            urgency=Urgency(referral.urgency),
            needs=_need_labels(session, referral),
        ),
        plan=_plan(session, referral.id),
        support=_support(session, referral.id),
        connections=_connections(session, referral.id),
        ons4=tuple(_ons4(m) for m in _measures(session, referral.id, Instrument.ONS4)),
        swemwbs=tuple(_swemwbs(m) for m in _measures(session, referral.id, Instrument.SWEMWBS)),
        status=EpisodeStatus(
            CaseStatus(referral.status),
            _local_date(referral.status_changed_at),
            ClosingReason(referral.closing_reason) if referral.closing_reason else None,
        ),
        codes=tuple(_codes(session, referral)),
    )
    audit.record(session, actor, "gp_letter_viewed", "referral", referral.id)
    return result


def record_export(session: Session, actor: Actor, referral_id: int, how: LetterExport) -> None:
    """Write a printed or saved letter to the audit trail, checking role and consent again:
    either may have changed since the preview opened."""
    referral = _shareable(session, actor, referral_id)
    audit.record(session, actor, f"gp_letter_{LetterExport(how).value}", "referral", referral.id)


def _shareable(session: Session, actor: Actor, referral_id: int) -> Referral:
    actor.require(Permission.SEE_IDENTIFIABLE)
    referral = _referral(session, actor, referral_id)
    if not referral.consent_share_gp:
        raise NoConsentToShare(referral.consent_share_gp_withdrawn_on)
    return referral


def _practice(practice: Practice) -> PracticeName:
    return PracticeName(practice.name, practice.ods_code)


def _need_labels(session: Session, referral: Referral) -> tuple[str, ...]:
    """National needs by their label, then this PCN's own; a retired local code as itself."""
    national = {need.code: need.label for need in catalogues.needs()}
    codes = [need.need_code for need in referral.needs]
    local: dict[str, str] = {
        code: label
        for code, label in session.execute(
            select(LocalNeed.code, LocalNeed.label).where(
                LocalNeed.pcn_id == referral.pcn_id, LocalNeed.code.in_(codes)
            )
        )
    }
    order = {code: index for index, code in enumerate(national)}
    codes.sort(key=lambda code: (order.get(code, len(order)), local.get(code, code)))
    return tuple(national.get(code) or local.get(code) or code for code in codes)


def _plan(session: Session, referral_id: int) -> LetterPlan:
    plan = session.get(SupportPlan, referral_id)
    reviews = session.scalars(
        select(SupportPlanReview.reviewed_on)
        .where(SupportPlanReview.referral_id == referral_id)
        .order_by(SupportPlanReview.reviewed_on)
    )
    return LetterPlan(
        what_matters=plan.what_matters if plan else None,
        goals=plan.goals if plan else None,
        actions=plan.actions if plan else None,
        reviewed_on=tuple(reviews),
    )


def _support(session: Session, referral_id: int) -> SupportGiven:
    rows = session.execute(
        select(Contact.occurred_at, Contact.kind, Contact.duration_minutes).where(
            Contact.referral_id == referral_id
        )
    ).all()
    kinds = Counter(ContactKind(kind) for _at, kind, _minutes in rows)
    days = [_local_date(at) for at, _kind, _minutes in rows]
    return SupportGiven(
        contacts=tuple(ContactCount(kind, kinds[kind]) for kind in ContactKind if kinds[kind]),
        first_on=min(days, default=None),
        last_on=max(days, default=None),
        minutes=sum(minutes or 0 for _at, _kind, minutes in rows),
    )


def _connections(session: Session, referral_id: int) -> tuple[ServiceLink, ...]:
    rows = session.execute(
        select(Service.name, Service.organisation_name, Connection.status, Connection.status_on)
        .join(Service, Service.id == Connection.service_id)
        .where(Connection.referral_id == referral_id)
        .order_by(Connection.status_on, Connection.id)
    )
    return tuple(
        ServiceLink(name, organisation, ConnectionStatus(status), status_on)
        for name, organisation, status, status_on in rows
    )


def _measures(session: Session, referral_id: int, instrument: Instrument) -> list[Measure]:
    return list(
        session.scalars(
            select(Measure)
            .where(Measure.referral_id == referral_id, Measure.instrument == instrument.value)
            .order_by(Measure.taken_on, Measure.id)
        )
    )


def _ons4(measure: Measure) -> Ons4Result:
    answers = measures.parse_ons4(measure.answers)
    return Ons4Result(
        measure.taken_on,
        MeasureStage(measure.stage),
        tuple(
            Ons4Answer(question, value, band)
            for (question, band), value in zip(answers.bands().items(), answers.answers(), strict=True)
        ),
    )


def _swemwbs(measure: Measure) -> SwemwbsResult:
    answers = measures.parse_swemwbs(measure.answers)
    return SwemwbsResult(measure.taken_on, MeasureStage(measure.stage), answers.raw, answers.metric)
