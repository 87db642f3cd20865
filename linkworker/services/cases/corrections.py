"""Correcting a case after it was saved: the person's details and the referral's.

People move, change numbers, give consent later: what was typed at intake is corrected from the
case record. Each correction is checked by the new referral form's own rules (the details are
checked again here with ``domain.intake``'s parsers, whoever made them), against the case (a date
of birth after a referral was received, a referral received after something recorded on it), and
against the PCN's lists (a practice or need the PCN no longer offers is kept only where it is
already on record).

The edit form starts from a *sheet* (``person_sheet``, ``referral_sheet``): the details as the
form shows them, what it may offer, and the version. A correction is saved over the sheet the
user saw: if someone saved the person or the case since, nothing is written and
``DetailsChanged`` says who did what and when, with the details as they now stand, so the form
can keep the user's edit and show theirs. A new name goes through the change-of-name record
(``people.change_name``), not around it.

Each save is audited with the names of the fields it changed, never their values; the values,
before and after, in the words the case shows, go in the case's own history (``CaseChange``),
which the case record shows to those who may see records. A person's details are one record
for all their cases: their corrections show on each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain.corrections import (
    Consent,
    Described,
    FieldChange,
    changes_between,
    consent_after,
    consent_words,
    day_words,
    field_label,
)
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    CONTACT_METHOD_LABELS,
    ETHNIC_LABELS,
    SEX_LABELS,
    SOURCE_LABELS,
    URGENCY_LABELS,
    PersonDetails,
    PersonEntry,
    ReferralDetails,
    ReferralEntry,
    check_referral_for,
    parse_person,
    parse_referral,
)
from linkworker.domain.name_change import PersonName
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.referrals import ReferralSource, Urgency
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import needs, people, referrals
from linkworker.services.cases.case_record import (
    CorrectionRecord,
    Names,
    case_corrections,
    case_in_pcn,
    gp_consent,
    services_consent,
)
from linkworker.services.cases.casework import CaseChange, CaseChanged
from linkworker.services.errors import StaleEdit
from linkworker.store.models import CaseChange as CaseChangeRow
from linkworker.store.models import (
    Connection,
    Contact,
    LocalNeed,
    Measure,
    Patient,
    Practice,
    Referral,
    ReferralNeed,
    SupportPlanReview,
    utc_now,
)

T = TypeVar("T")
NHS_NUMBER_KEPT = "The NHS number is not changed here: it stays as recorded."
# The columns of the person a correction may change; the name goes through people.change_name.
_PERSON_COLUMNS = (
    "date_of_birth",
    "sex",
    "ethnic_category",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "mobile",
    "email",
    "preferred_contact_method",
    "preferred_contact_times",
    "language",
    "interpreter_needed",
    "accessibility_needs",
)
# A form's field, by the name the history and the audit trail give it.
_ENTRY_FIELDS = {
    "given_name": "name",
    "family_name": "name",
    "registered_practice_ods": "registered_practice",
    "referring_practice_ods": "referring_practice",
}


@dataclass(frozen=True)
class PracticeChoice:
    """A practice the form offers."""

    ods_code: str
    name: str
    id: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.ods_code})"


@dataclass(frozen=True)
class NeedChoice:
    code: str
    label: str


@dataclass(frozen=True)
class PersonSheet:
    """The person as the edit form starts from: each field as it is typed (``entry``), the
    practices they may be registered at (this PCN's, and theirs as recorded), the version the
    correction is saved over and the last correction of their details."""

    referral_id: int
    person_id: int
    version: int
    nhs_number: str | None
    entry: PersonEntry
    practices: tuple[PracticeChoice, ...]
    last_change: CorrectionRecord | None

    @property
    def practice_ids(self) -> dict[str, int]:
        """The ``practices`` of ``domain.intake.parse_person``."""
        return {practice.ods_code: practice.id for practice in self.practices}


@dataclass(frozen=True)
class ConsentDays:
    """The day given beside each consent: when it was given (ticked) or withdrawn (not ticked)."""

    gp: date | None
    services: date | None


@dataclass(frozen=True)
class ReferralSheet:
    """The referral as the edit form starts from: each field as typed (``entry``), the consents
    with their days, what the form may offer (the PCN's current practices and needs, and those on
    record), the person's date of birth, the first day anything is recorded on the case (the
    referral was received by then), the version and the last correction."""

    referral_id: int
    version: int
    born: date
    entry: ReferralEntry
    gp: Consent
    services: Consent
    practices: tuple[PracticeChoice, ...]
    needs: tuple[NeedChoice, ...]
    first_recorded_on: date | None
    last_change: CorrectionRecord | None

    @property
    def practice_ids(self) -> dict[str, int]:
        """The ``practices`` of ``domain.intake.parse_referral``."""
        return {practice.ods_code: practice.id for practice in self.practices}

    @property
    def need_labels(self) -> dict[str, str]:
        """The ``needs`` of ``domain.intake.parse_referral``."""
        return {need.code: need.label for need in self.needs}

    @property
    def consent_days(self) -> ConsentDays:
        """The days the form shows beside the consents, as recorded."""
        return ConsentDays(_shown_day(self.gp), _shown_day(self.services))


def _shown_day(consent: Consent) -> date | None:
    return consent.given_on if consent.given else consent.withdrawn_on


class DetailsChanged(CaseChanged):
    """A correction over a sheet someone else has saved over since: ``sheet`` is the details as
    they now stand, for the form to show theirs and keep the user's edit."""

    def __init__(self, what: str, changes: Sequence[CaseChange], sheet: PersonSheet | ReferralSheet) -> None:
        super().__init__(what, changes)
        self.sheet = sheet


# The person


def person_sheet(session: Session, actor: Actor, referral_id: int) -> PersonSheet:
    """The person of a case of the actor's PCN, for the form that corrects them. Read for a case
    the user has open (its opening is audited), so not audited again."""
    _require(actor)
    return _person_sheet(session, actor, case_in_pcn(session, actor, referral_id))


def correct_person(
    session: Session, actor: Actor, seen: PersonSheet, details: PersonDetails, *, today: date | None = None
) -> PersonSheet:
    """Save the person's details as corrected, over the sheet the user saw; the person as now saved.

    ``details`` are checked again by the new referral form's rules, the date of birth against
    every referral of theirs and the practice against this PCN's (or theirs as recorded). The NHS
    number is not changed here. Nothing changed, nothing is written.
    """
    _require(actor)
    today = today or date.today()
    referral = case_in_pcn(session, actor, seen.referral_id)
    patient = referral.patient
    if patient.id != seen.person_id or patient.version_id != seen.version:
        raise _person_changed(session, actor, referral, seen)
    current = _person_sheet(session, actor, referral)
    checked = _checked(lambda: parse_person(_person_entry(details), today, current.practice_ids))
    if checked.nhs_number != patient.nhs_number:
        raise ValidationError("nhs_number", NHS_NUMBER_KEPT)
    _born_before_referrals(session, patient.id, checked.date_of_birth)
    values = _person_values(checked, current.practice_ids)
    words = _practice_words(current.practices)
    changes = changes_between(_person_described(_columns(patient), words), _person_described(values, words))
    renamed = (checked.given_name, checked.family_name) != (patient.given_name, patient.family_name)
    if not changes and not renamed:
        return current
    try:
        # A savepoint: a lost race undoes only this, so what won can be read. No autoflush: the
        # change of name's look-ups do not write the rest ahead of it, so one save is one version.
        with session.begin_nested(), session.no_autoflush:
            for column, value in values.items():
                setattr(patient, column, value)
            if renamed:
                recorded = PersonName(patient.given_name, patient.family_name)
                people.change_name(
                    session, actor, patient.id, recorded, checked.given_name, checked.family_name
                )
            _keep_history(session, actor, referral.id, patient.id, changes)
            session.flush()
    except (StaleDataError, StaleEdit):  # another user's save of the person landed first
        raise _person_changed(session, actor, referral, seen) from None
    if changes:
        audit.record(session, actor, "person_corrected", "patient", patient.id, _fields(changes))
    return _person_sheet(session, actor, referral)


def _person_sheet(session: Session, actor: Actor, referral: Referral) -> PersonSheet:
    patient = referral.patient
    practices = _practices(
        session, people.registered_practices(session, actor), patient.registered_practice_id
    )
    ods = {practice.id: practice.ods_code for practice in practices}
    return PersonSheet(
        referral.id,
        patient.id,
        patient.version_id,
        patient.nhs_number,
        PersonEntry(
            nhs_number=patient.nhs_number or "",
            given_name=patient.given_name,
            family_name=patient.family_name,
            date_of_birth=_typed_day(patient.date_of_birth),
            sex=patient.sex,
            ethnic_category=patient.ethnic_category,
            address_line_1=patient.address_line_1 or "",
            address_line_2=patient.address_line_2 or "",
            town=patient.town or "",
            postcode=patient.postcode or "",
            phone=patient.phone or "",
            mobile=patient.mobile or "",
            email=patient.email or "",
            preferred_contact_method=patient.preferred_contact_method or "",
            preferred_contact_times=patient.preferred_contact_times or "",
            language=patient.language or "",
            interpreter_needed=patient.interpreter_needed,
            accessibility_needs=patient.accessibility_needs or "",
            registered_practice_ods=ods.get(patient.registered_practice_id or 0, ""),
        ),
        practices,
        _last(case_corrections(session, referral, Names(session)), "person"),
    )


def _person_entry(details: PersonDetails) -> PersonEntry:
    """Checked details as the form would type them, to be checked again by the same rules."""
    return PersonEntry(
        nhs_number=details.nhs_number or "",
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth.isoformat(),
        sex=Sex(details.sex).value,
        ethnic_category=EthnicCategory(details.ethnic_category).value,
        address_line_1=details.address_line_1 or "",
        address_line_2=details.address_line_2 or "",
        town=details.town or "",
        postcode=details.postcode or "",
        phone=details.phone or "",
        mobile=details.mobile or "",
        email=details.email or "",
        preferred_contact_method=(
            ContactMethod(details.preferred_contact_method).value if details.preferred_contact_method else ""
        ),
        preferred_contact_times=details.preferred_contact_times or "",
        language=details.language or "",
        interpreter_needed=details.interpreter_needed,
        accessibility_needs=details.accessibility_needs or "",
        registered_practice_ods=details.registered_practice_ods or "",
    )


def _person_values(details: PersonDetails, practices: Mapping[str, int]) -> dict[str, object]:
    """The person's columns a correction writes, from checked details."""
    values: dict[str, object] = {column: getattr(details, column) for column in _PERSON_COLUMNS}
    values["sex"] = details.sex.value
    values["ethnic_category"] = details.ethnic_category.value
    method = details.preferred_contact_method
    values["preferred_contact_method"] = method.value if method else None
    ods = details.registered_practice_ods
    values["registered_practice_id"] = practices[ods] if ods else None
    return values


def _columns(patient: Patient) -> dict[str, object]:
    return {column: getattr(patient, column) for column in (*_PERSON_COLUMNS, "registered_practice_id")}


def _person_described(values: Mapping[str, object], practice_words: Mapping[int, str]) -> Described:
    """Each field a person's correction may change: its stored value and its words on the case."""
    described: dict[str, tuple[object, str | None]] = {
        column: (values[column], _text(values[column])) for column in _PERSON_COLUMNS
    }
    born = values["date_of_birth"]
    assert isinstance(born, date)
    method = values["preferred_contact_method"]
    practice = values["registered_practice_id"]
    described |= {
        "date_of_birth": (born, day_words(born)),
        "sex": (values["sex"], SEX_LABELS[Sex(str(values["sex"]))]),
        "ethnic_category": (
            values["ethnic_category"],
            ETHNIC_LABELS[EthnicCategory(str(values["ethnic_category"]))],
        ),
        "preferred_contact_method": (
            method,
            CONTACT_METHOD_LABELS[ContactMethod(str(method))] if method else None,
        ),
        "interpreter_needed": (
            bool(values["interpreter_needed"]),
            _yes_no(bool(values["interpreter_needed"])),
        ),
        "registered_practice": (
            practice,
            practice_words.get(practice) if isinstance(practice, int) else None,
        ),
    }
    return described


def _born_before_referrals(session: Session, person_id: int, born: date) -> None:
    """A date of birth after any referral of theirs was received cannot be right."""
    first = session.scalar(select(func.min(Referral.received_on)).where(Referral.patient_id == person_id))
    if first is not None and born > first:
        raise ValidationError(
            "date_of_birth",
            f"That date of birth is after a referral for them was received ({day_words(first)}): "
            "please check it.",
        )


def _person_changed(session: Session, actor: Actor, referral: Referral, seen: PersonSheet) -> DetailsChanged:
    """The refusal of a correction over a person saved since the user's sheet, saying who did what."""
    session.refresh(referral.patient)
    now = _person_sheet(session, actor, referral)
    told = _told(
        session, actor, seen.entry, now.entry, seen.last_change, now.last_change, referral.patient.updated_at
    )
    return DetailsChanged("person's details", told, now)


# The referral


def referral_sheet(session: Session, actor: Actor, referral_id: int) -> ReferralSheet:
    """The referral of a case of the actor's PCN, for the form that corrects it (not audited: read
    for a case the user has open)."""
    _require(actor)
    return _referral_sheet(session, actor, case_in_pcn(session, actor, referral_id))


def correct_referral(
    session: Session,
    actor: Actor,
    seen: ReferralSheet,
    details: ReferralDetails,
    days: ConsentDays,
    *,
    today: date | None = None,
) -> ReferralSheet:
    """Save the referral's details as corrected, over the sheet the user saw; the referral as now
    saved. ``details.consent_share_gp`` and ``_services`` say whether each consent stands, and
    ``days`` the day typed beside each (``domain.corrections.consent_after``). Checked again by
    the new referral form's rules, against the person's date of birth and the first day anything
    is recorded on the case; a practice or need the PCN no longer offers only where already on
    record. Nothing changed, nothing is written."""
    _require(actor)
    today = today or date.today()
    referral = case_in_pcn(session, actor, seen.referral_id)
    if referral.version_id != seen.version:
        raise _referral_changed(session, actor, referral, seen)
    current = _referral_sheet(session, actor, referral)
    checked = _checked(
        lambda: parse_referral(_referral_entry(details), today, current.need_labels, current.practice_ids)
    )
    check_referral_for(current.born, checked)
    if current.first_recorded_on is not None and checked.received_on > current.first_recorded_on:
        raise ValidationError(
            "received_on",
            f"Something is recorded on this case on {day_words(current.first_recorded_on)} (a contact, "
            "a measure, a connection or a review), before that date: the referral was received by then.",
        )
    consents = {
        "consent_share_gp": consent_after(
            current.gp,
            checked.consent_share_gp,
            days.gp,
            born=current.born,
            today=today,
            field="consent_share_gp",
        ),
        "consent_share_services": consent_after(
            current.services,
            checked.consent_share_services,
            days.services,
            born=current.born,
            today=today,
            field="consent_share_services",
        ),
    }
    practice_words = _practice_words(current.practices)
    before = _referral_described(_referral_values(referral, current), practice_words, current.need_labels)
    after_values = _referral_values_of(checked, consents)
    changes = changes_between(before, _referral_described(after_values, practice_words, current.need_labels))
    if not changes:
        return current
    try:
        with session.begin_nested():  # a lost race undoes only this, so what won can be read
            _write_referral(referral, after_values)
            _keep_history(session, actor, referral.id, None, changes)
            session.flush()
    except StaleDataError:  # another user's save of the case landed first
        raise _referral_changed(session, actor, referral, seen) from None
    audit.record(session, actor, "referral_corrected", "referral", referral.id, _fields(changes))
    return _referral_sheet(session, actor, referral)


def _referral_sheet(session: Session, actor: Actor, referral: Referral) -> ReferralSheet:
    practices = _practices(
        session, referrals.referring_practices(session, actor), referral.referring_practice_id
    )
    codes = {need.need_code for need in referral.needs}
    offered = [NeedChoice(need.code, need.label) for need in needs.needs_for(session, actor)]
    listed = {need.code for need in offered}
    retired = codes - listed
    if retired:
        offered += [
            NeedChoice(code, label)
            for code, label in session.execute(
                select(LocalNeed.code, LocalNeed.label)
                .where(LocalNeed.pcn_id == actor.pcn_id, LocalNeed.code.in_(retired))
                .order_by(LocalNeed.label)
            )
        ]
    ods = {practice.id: practice.ods_code for practice in practices}
    return ReferralSheet(
        referral.id,
        referral.version_id,
        referral.patient.date_of_birth,
        ReferralEntry(
            referring_practice_ods=ods[referral.referring_practice_id],
            source=referral.source,
            referrer_name=referral.referrer_name or "",
            received_on=_typed_day(referral.received_on),
            needs=tuple(need.code for need in offered if need.code in codes),
            consent_share_gp=referral.consent_share_gp,
            consent_share_services=referral.consent_share_services,
            urgency=referral.urgency,
            notes=referral.notes or "",
        ),
        gp_consent(referral),
        services_consent(referral),
        practices,
        tuple(offered),
        _first_recorded_on(session, referral.id),
        _last(case_corrections(session, referral, Names(session)), "referral"),
    )


def _referral_entry(details: ReferralDetails) -> ReferralEntry:
    """Checked details as the form would type them, to be checked again by the same rules."""
    return ReferralEntry(
        referring_practice_ods=details.referring_practice_ods,
        source=ReferralSource(details.source).value,
        referrer_name=details.referrer_name or "",
        received_on=details.received_on.isoformat(),
        needs=details.needs,
        consent_share_gp=details.consent_share_gp,
        consent_share_services=details.consent_share_services,
        urgency=Urgency(details.urgency).value,
        notes=details.notes or "",
    )


def _referral_values(referral: Referral, sheet: ReferralSheet) -> dict[str, object]:
    return {
        "referring_practice_id": referral.referring_practice_id,
        "source": referral.source,
        "referrer_name": referral.referrer_name,
        "received_on": referral.received_on,
        "needs": sheet.entry.needs,
        "urgency": referral.urgency,
        "consent_share_gp": sheet.gp,
        "consent_share_services": sheet.services,
        "notes": referral.notes,
    }


def _referral_values_of(details: ReferralDetails, consents: Mapping[str, Consent]) -> dict[str, object]:
    return {
        "referring_practice_id": details.referring_practice_id,
        "source": details.source.value,
        "referrer_name": details.referrer_name,
        "received_on": details.received_on,
        "needs": details.needs,
        "urgency": details.urgency.value,
        **consents,
        "notes": details.notes,
    }


def _referral_described(
    values: Mapping[str, object], practice_words: Mapping[int, str], need_labels: Mapping[str, str]
) -> Described:
    """Each field a referral's correction may change: its stored value and its words on the case.
    Needs are compared as a set and told in the PCN's list order."""
    received = values["received_on"]
    assert isinstance(received, date)
    practice = values["referring_practice_id"]
    codes = tuple(str(code) for code in values["needs"])  # type: ignore[attr-defined]
    gp, services = values["consent_share_gp"], values["consent_share_services"]
    assert isinstance(gp, Consent) and isinstance(services, Consent)
    return {
        "referring_practice": (practice, practice_words.get(practice) if isinstance(practice, int) else None),
        "source": (values["source"], SOURCE_LABELS[ReferralSource(str(values["source"]))]),
        "referrer_name": (values["referrer_name"], _text(values["referrer_name"])),
        "received_on": (received, day_words(received)),
        "needs": (frozenset(codes), "; ".join(label for code, label in need_labels.items() if code in codes)),
        "urgency": (values["urgency"], URGENCY_LABELS[Urgency(str(values["urgency"]))]),
        "consent_share_gp": (gp, consent_words(gp)),
        "consent_share_services": (services, consent_words(services)),
        "notes": (values["notes"], _text(values["notes"])),
    }


def _write_referral(referral: Referral, values: Mapping[str, object]) -> None:
    """Put the corrected values on the referral. Its row is always written, so even a change of
    needs alone moves its version on, and a colleague's save over the old one is refused."""
    for column in ("referring_practice_id", "source", "referrer_name", "received_on", "urgency", "notes"):
        setattr(referral, column, values[column])
    for name in ("consent_share_gp", "consent_share_services"):
        consent = values[name]
        assert isinstance(consent, Consent)
        setattr(referral, name, consent.given)
        setattr(referral, f"{name}_given_on", consent.given_on)
        setattr(referral, f"{name}_withdrawn_on", consent.withdrawn_on)
    wanted = [str(code) for code in values["needs"]]  # type: ignore[attr-defined]
    kept = {need.need_code: need for need in referral.needs}
    referral.needs = [kept.get(code) or ReferralNeed(need_code=code) for code in wanted]
    referral.updated_at = utc_now()


def _first_recorded_on(session: Session, referral_id: int) -> date | None:
    """The first day anything that happened with the person is recorded on the case."""
    days = [
        session.scalar(select(func.min(Measure.taken_on)).where(Measure.referral_id == referral_id)),
        session.scalar(select(func.min(Connection.made_on)).where(Connection.referral_id == referral_id)),
        session.scalar(
            select(func.min(SupportPlanReview.reviewed_on)).where(
                SupportPlanReview.referral_id == referral_id
            )
        ),
    ]
    first_contact = session.scalar(
        select(func.min(Contact.occurred_at)).where(Contact.referral_id == referral_id)
    )
    if first_contact is not None:
        days.append(first_contact.astimezone().date())
    return min((day for day in days if day is not None), default=None)


def _referral_changed(
    session: Session, actor: Actor, referral: Referral, seen: ReferralSheet
) -> DetailsChanged:
    """The refusal of a correction over a case saved since the user's sheet: who corrected what,
    or when it was saved (a status move or an assignment moves its version on too)."""
    session.refresh(referral)
    now = _referral_sheet(session, actor, referral)
    told = _told(
        session, actor, seen.entry, now.entry, seen.last_change, now.last_change, referral.updated_at
    )
    return DetailsChanged("case", told, now)


# Shared by both


def _require(actor: Actor) -> None:
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)


def _checked(parse: Callable[[], T]) -> T:
    """Details checked by the form's rules; the first problem refused, as every service does."""
    try:
        return parse()
    except FormErrors as errors:
        raise errors.errors[0] from None


def _practices(
    session: Session, offered: Mapping[str, int], recorded: int | None
) -> tuple[PracticeChoice, ...]:
    """The practices the form offers, by name: the PCN's, and the one on record if it is not."""
    ids = set(offered.values()) | ({recorded} if recorded is not None else set())
    rows = session.execute(
        select(Practice.ods_code, Practice.name, Practice.id)
        .where(Practice.id.in_(ids))
        .order_by(Practice.name)
    )
    return tuple(PracticeChoice(ods, name, practice_id) for ods, name, practice_id in rows)


def _practice_words(practices: Sequence[PracticeChoice]) -> dict[int, str]:
    return {practice.id: practice.label for practice in practices}


def _keep_history(
    session: Session, actor: Actor, referral_id: int, person_id: int | None, changes: Sequence[FieldChange]
) -> None:
    now = utc_now()
    session.add_all(
        CaseChangeRow(
            referral_id=referral_id,
            patient_id=person_id,
            field=change.field,
            before=change.before,
            after=change.after,
            changed_at=now,
            changed_by_id=actor.user_id,
        )
        for change in changes
    )


def _fields(changes: Sequence[FieldChange]) -> str:
    """The audit detail: the fields' names, never their values."""
    return "fields=" + ",".join(change.field for change in changes)


def _last(corrections: Sequence[CorrectionRecord], part: str) -> CorrectionRecord | None:
    return next((item for item in reversed(corrections) if item.part == part), None)


def _told(
    session: Session,
    actor: Actor,
    seen: PersonEntry | ReferralEntry,
    now: PersonEntry | ReferralEntry,
    last_seen: CorrectionRecord | None,
    last_now: CorrectionRecord | None,
    saved_at: datetime,
) -> list[CaseChange]:
    """What the refusal says happened since the user's sheet: who corrected which fields, when;
    or, with no correction since, when it was saved."""
    changed = [field_label(field).lower() for field in _entry_changes(seen, now)]
    if last_now is not None and last_now != last_seen:
        what = f"corrected the {_listed(changed)}" if changed else "corrected it"
        return [CaseChange.made(actor, last_now.by_id, what, last_now.at, Names(session))]
    return [CaseChange("it", "was saved", saved_at)]


def _entry_changes(seen: PersonEntry | ReferralEntry, now: PersonEntry | ReferralEntry) -> list[str]:
    """The fields whose entry differs, by their history names, each once."""
    names: list[str] = []
    for item in fields(seen):
        if getattr(seen, item.name) != getattr(now, item.name):
            name = _ENTRY_FIELDS.get(item.name, item.name)
            if name not in names:
                names.append(name)
    return names


def _listed(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _typed_day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
