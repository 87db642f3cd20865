"""Finding and recording people. Identifiable: only roles allowed to see records may call these,
and every look-up and every new record is written to the audit trail (which record, never what
was in it).

On a server shared by several PCNs, a PCN's list holds the people registered at one of its
practices, with a referral in it, or recorded by it (its own audit event of recording them:
someone recorded before their referral was saved) (``_on_list``). A search finds only them: for
anyone else, recorded by another PCN or never recorded, it answers alike (nothing found), so it
neither shows another PCN's people nor tells that they exist. A person is changed or referred
by id only when ``on_pcn_list`` says so.

The NHS number is unique on the server, so a person another PCN recorded cannot be recorded
again. A worker who types their NHS number and date of birth (as a referral gives them) takes
them on instead (``create_people``): the record is kept as it is, nothing of it is shown, and
the referral that follows in the same unit of work puts them on this PCN's list. A different
date of birth is refused (the number is likely mistyped), which tells only that the number is
recorded somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain import nhs_number
from linkworker.domain.duplicates import (
    SAME_NHS_NUMBER,
    family_name_similarity,
    is_similar_name,
    name_similarity,
    similar_name_reason,
)
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import PersonDetails, registered_practice
from linkworker.domain.name_change import PersonName, change_of_name_question, changed_fields, new_name
from linkworker.domain.person import parse_name, search_key
from linkworker.domain.referrals import ENDED
from linkworker.domain.roles import Permission
from linkworker.domain.search_text import parse_search
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.batch import SLICE, insert_with_ids
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import AuditEvent, Patient, PersonNameChange, Practice, Referral

NO_CHANGE_OF_NAME = "This is the name on record: there is no change of name to record."
# The same answer for a person of another PCN and for one never recorded.
NOT_ON_LIST = "That person is not on this PCN's list."
RECORDED_ALREADY = "Someone with this NHS number is already recorded: find them and use their record."
OTHER_BIRTHDAY = (
    "This NHS number is recorded for someone with a different date of birth: "
    "check the NHS number and the date of birth."
)
# session.info keys: the people recorded, and those taken on, in this unit of work (``create_people``).
_RECORDED: Final = "linkworker.people.recorded"
_TAKEN_ON: Final = "linkworker.people.taken_on"


@dataclass(frozen=True)
class PersonSummary:
    id: int
    nhs_number: str | None
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str | None
    registered_practice: str | None


@dataclass(frozen=True)
class PersonMatch:
    """A recorded person who may be the one being looked for, and why they are shown.
    ``new_name`` is the name searched for when it is another name for them (a change of name?)."""

    person: PersonSummary
    reason: str
    same_nhs_number: bool
    similarity: int | None
    open_referrals: int
    new_name: PersonName | None = None


def find_by_nhs_number(session: Session, actor: Actor, typed: str) -> PersonSummary | None:
    """The person of this PCN's list with the NHS number; None for anyone else."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    digits = nhs_number.parse(parse_search(typed, "nhs_number", "NHS number"))
    row = session.execute(
        _summary_query().where(Patient.nhs_number == digits, _on_list(actor.pcn_id))
    ).first()
    if row is None:
        return None
    summary = _summary(*row)
    audit.record(session, actor, "person_viewed", "patient", summary.id)
    return summary


def find_people(
    session: Session,
    actor: Actor,
    *,
    nhs_number: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: date | None = None,
) -> list[PersonMatch]:
    """People who may be the one being referred: the same NHS number first, then people born the
    same day whose name is similar (see domain.duplicates), most similar first; a family name
    typed without a given name finds it one slip away ("Sing" finds Singh). The same NHS
    number and date of birth under another name is asked about (``domain.name_change``).

    Only people on this PCN's list are found, by number as by name, so a search never shows
    strangers from other PCNs sharing the server nor tells that they are recorded there.
    """
    _require_intake(actor)
    digits = _typed_nhs_number(parse_search(nhs_number or "", "nhs_number", "NHS number"))
    given_name = parse_search(given_name or "", "given_name", "given name")
    family_name = parse_search(family_name or "", "family_name", "family name")
    by_name = bool(given_name or family_name)
    if digits is None and not (by_name and date_of_birth):
        raise ValidationError("nhs_number", "Enter an NHS number, or a name and date of birth, to search.")
    matches: dict[int, PersonMatch] = {}
    if digits is not None:
        row = session.execute(
            _summary_query().where(Patient.nhs_number == digits, _on_list(actor.pcn_id))
        ).first()
        if row is not None:
            person = _summary(*row)
            recorded = PersonName(person.given_name, person.family_name)
            renamed = (
                new_name(recorded, given_name or "", family_name or "")
                if by_name and date_of_birth == person.date_of_birth
                else None
            )
            reason = change_of_name_question(recorded) if renamed else SAME_NHS_NUMBER
            matches[person.id] = PersonMatch(person, reason, True, None, 0, renamed)
    if by_name and date_of_birth is not None:
        for row in session.execute(
            _summary_query().where(Patient.date_of_birth == date_of_birth, _on_list(actor.pcn_id))
        ):
            person = _summary(*row)
            if person.id in matches:
                continue
            similarity, family_only = _name_likeness(given_name, family_name, person)
            if similarity is not None:
                differs = digits is not None and person.nhs_number is not None and person.nhs_number != digits
                matches[person.id] = PersonMatch(
                    person,
                    similar_name_reason(similarity, differs, family_only=family_only),
                    False,
                    similarity,
                    0,
                )
    found = sorted(matches.values(), key=lambda m: (not m.same_nhs_number, -(m.similarity or 0), m.person.id))
    open_counts = _open_referrals(session, actor.pcn_id, [match.person.id for match in found])
    audit.record(session, actor, "people_searched", detail=f"matches={len(found)}")
    for match in found:
        audit.record(session, actor, "person_viewed", "patient", match.person.id)
    return [replace(m, open_referrals=open_counts.get(m.person.id, 0)) for m in found]


def _name_likeness(given_name: str, family_name: str, person: PersonSummary) -> tuple[int | None, bool]:
    """How alike the name typed is to the person's, or None if not alike enough to show, and
    whether a family name was typed alone (which forgives one slip: ``domain.duplicates``)."""
    if family_name and not given_name:
        return family_name_similarity(family_name, person.given_name, person.family_name), True
    similarity = name_similarity(given_name, family_name, person.given_name, person.family_name)
    return (similarity if is_similar_name(similarity) else None), False


def change_name(
    session: Session,
    actor: Actor,
    person_id: int,
    recorded: PersonName,
    given_name: str,
    family_name: str,
) -> PersonSummary:
    """Give a recorded person a new name, keeping the one before in their history.

    ``recorded`` is the name the user was shown: if the record has been renamed since, the change
    is refused rather than recorded over a name they did not see. The name is checked by the
    name rules (``domain.person.parse_name``); a part left blank keeps the recorded one
    (``domain.name_change.new_name``). The recorded name written another way (its capitals,
    accents or hyphens), or with given and family names swapped back, is a correction of the
    record from the case (issue 15) and is written as typed; only the name exactly as recorded
    is refused, as there is nothing to change. Audited with the fields changed, never the names.
    """
    _require_intake(actor)
    given = parse_name(given_name, "given_name", "given name") if given_name.strip() else ""
    family = parse_name(family_name, "family_name", "family name") if family_name.strip() else ""
    patient = session.get(Patient, person_id) if on_pcn_list(session, actor, [person_id]) else None
    if patient is None:
        raise NotFound(NOT_ON_LIST)
    if PersonName(patient.given_name, patient.family_name) != recorded:
        raise StaleEdit("person's record")
    changed = new_name(recorded, given, family) or _respelt(recorded, given, family)
    if changed is None:
        raise ValidationError("family_name", NO_CHANGE_OF_NAME)
    session.add(
        PersonNameChange(
            patient_id=person_id,
            old_given_name=recorded.given_name,
            old_family_name=recorded.family_name,
            new_given_name=changed.given_name,
            new_family_name=changed.family_name,
            changed_by_id=actor.user_id,
        )
    )
    patient.given_name, patient.family_name = changed.given_name, changed.family_name
    try:
        session.flush()
    except StaleDataError:  # someone else saved the person between our read and this write
        raise StaleEdit("person's record") from None
    fields = ",".join(changed_fields(recorded, changed))
    audit.record(session, actor, "person_renamed", "patient", person_id, f"fields={fields}")
    row = session.execute(_summary_query().where(Patient.id == person_id)).one()
    return _summary(*row)


def _respelt(recorded: PersonName, given_name: str, family_name: str) -> PersonName | None:
    """The recorded name as typed, a part left blank kept, when it is written otherwise: the same
    name respelt or its parts swapped back (``new_name`` takes either for no change)."""
    typed = PersonName(
        " ".join(given_name.split()) or recorded.given_name,
        " ".join(family_name.split()) or recorded.family_name,
    )
    return typed if typed != recorded else None


def create_person(session: Session, actor: Actor, details: PersonDetails) -> PersonSummary:
    """Record a new person: ``create_people`` for one."""
    [person] = create_people(session, actor, [details])
    return person


def create_people(
    session: Session, actor: Actor, details_list: Sequence[PersonDetails]
) -> list[PersonSummary]:
    """Record new people together, in the order given, each audited; someone another PCN
    recorded, with the same NHS number and date of birth, is taken on instead (see the module).

    The practices and the NHS numbers already on record are looked up once for all of them and
    the people are written in one batch of inserts, so an import of thousands costs a few
    statements, not several per person. Refused whole, writing nothing, when an NHS number is
    given twice, is on this PCN's list already (find them and use their record), or is recorded
    with another date of birth, or a registered practice is not one of this PCN's
    (``domain.intake.registered_practice``). A person taken on keeps their record as it is: the
    summary returned repeats what was typed, never what another PCN recorded.
    """
    _require_intake(actor)
    if not details_list:
        return []
    practices = {
        ods: (practice_id, name)
        for ods, practice_id, name in session.execute(
            select(Practice.ods_code, Practice.id, Practice.name).where(Practice.pcn_id == actor.pcn_id)
        )
    }
    practice_ids = {ods: practice_id for ods, (practice_id, _name) in practices.items()}
    names = dict(practices.values())
    numbers = [details.nhs_number for details in details_list if details.nhs_number is not None]
    if len(set(numbers)) < len(numbers):
        raise ValidationError(
            "nhs_number", "The same NHS number is given for two new people: record them once."
        )
    recorded = _recorded(session, actor, numbers)
    for details in details_list:
        found = recorded.get(details.nhs_number or "")
        if found is not None and found.listed:
            raise ValidationError("nhs_number", RECORDED_ALREADY)
        if found is not None and found.born != details.date_of_birth:
            raise ValidationError("nhs_number", OTHER_BIRTHDAY)
    rows = [
        _patient_row(details, registered_practice(details.registered_practice_ods, practice_ids))
        for details in details_list
    ]
    new_rows = [row for row in rows if row["nhs_number"] not in recorded]
    new_ids = iter(insert_with_ids(session, Patient.id, Patient.nhs_number, new_rows))
    ids = [recorded[row["nhs_number"]].id if row["nhs_number"] in recorded else next(new_ids) for row in rows]
    taken_on = {found.id for found in recorded.values()}
    audit.record_each(
        session, actor, "person_created", "patient", [(i, None) for i in ids if i not in taken_on]
    )
    audit.record_each(session, actor, "person_taken_on", "patient", [(i, None) for i in ids if i in taken_on])
    session.info.setdefault(_RECORDED, set()).update(set(ids) - taken_on)
    session.info.setdefault(_TAKEN_ON, set()).update(taken_on)
    return [
        PersonSummary(
            person_id,
            details.nhs_number,
            details.given_name,
            details.family_name,
            details.date_of_birth,
            details.postcode,
            names.get(row["registered_practice_id"]),
        )
        for person_id, details, row in zip(ids, details_list, rows, strict=True)
    ]


def on_pcn_list(
    session: Session, actor: Actor, person_ids: Iterable[int], *, referring: bool = False
) -> set[int]:
    """Which of these people the actor's PCN may act on by id: those on its list and those
    recorded in this unit of work; when ``referring``, those taken on in it too (by their NHS
    number and date of birth, ``create_people``), whom the referral puts on the list. Anyone
    else is refused alike, whether another PCN's or never recorded."""
    wanted = set(person_ids)
    here: set[int] = session.info.get(_RECORDED, set()) | (
        session.info.get(_TAKEN_ON, set()) if referring else set()
    )
    found = wanted & here
    rest = sorted(wanted - found)
    for start in range(0, len(rest), SLICE):
        found.update(
            session.scalars(
                select(Patient.id)
                .outerjoin(Practice, Practice.id == Patient.registered_practice_id)
                .where(Patient.id.in_(rest[start : start + SLICE]), _on_list(actor.pcn_id))
            )
        )
    return found


def registered_practices(session: Session, actor: Actor) -> dict[str, int]:
    """ODS code to id of every practice of this PCN, where a person may be registered: the
    ``practices`` of ``domain.intake.parse_person``."""
    rows = session.execute(select(Practice.ods_code, Practice.id).where(Practice.pcn_id == actor.pcn_id))
    return {ods: practice_id for ods, practice_id in rows}


@dataclass(frozen=True)
class _Recorded:
    """A person on record under an NHS number: their id, date of birth, and whether they are on
    the actor's PCN's list."""

    id: int
    born: date
    listed: bool


def _recorded(session: Session, actor: Actor, numbers: Sequence[str]) -> dict[str, _Recorded]:
    """The people on record under these NHS numbers, anywhere on the server, looked up in slices
    within every database's limit on bound parameters; those recorded or taken on in this unit of
    work count as on the list. For checking new people only: never shown."""
    listed = case((_on_list(actor.pcn_id), True), else_=False)
    taken = session.info.get(_RECORDED, set()) | session.info.get(_TAKEN_ON, set())
    found: dict[str, _Recorded] = {}
    for start in range(0, len(numbers), SLICE):
        rows = session.execute(
            select(Patient.nhs_number, Patient.id, Patient.date_of_birth, listed)
            .outerjoin(Practice, Practice.id == Patient.registered_practice_id)
            .where(Patient.nhs_number.in_(numbers[start : start + SLICE]))
        )
        found.update(
            {number: _Recorded(i, born, bool(on) or i in taken) for number, i, born, on in rows if number}
        )
    return found


def _patient_row(details: PersonDetails, practice_id: int | None) -> dict[str, Any]:
    """The columns of a new person: every row names the same ones, so the inserts go as one batch."""
    return {
        "nhs_number": details.nhs_number,
        "given_name": details.given_name,
        "family_name": details.family_name,
        # Set by the model when a Patient object is built; a batch insert bypasses it.
        "family_key": search_key(details.family_name),
        "date_of_birth": details.date_of_birth,
        "sex": details.sex.value,
        "ethnic_category": details.ethnic_category.value,
        "address_line_1": details.address_line_1,
        "address_line_2": details.address_line_2,
        "town": details.town,
        "postcode": details.postcode,
        "phone": details.phone,
        "mobile": details.mobile,
        "email": details.email,
        "preferred_contact_method": (
            details.preferred_contact_method.value if details.preferred_contact_method else None
        ),
        "preferred_contact_times": details.preferred_contact_times,
        "language": details.language,
        "interpreter_needed": details.interpreter_needed,
        "accessibility_needs": details.accessibility_needs,
        "registered_practice_id": practice_id,
    }


def _require_intake(actor: Actor) -> None:
    """Finding and recording people means seeing identifiable records and changing cases."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)


def _typed_nhs_number(typed: str | None) -> str | None:
    return nhs_number.parse(typed) if typed is not None and typed.strip() else None


def _summary_query() -> Select[Patient, str]:
    # The practice's name is None for a person registered nowhere (the outer join).
    return select(Patient, Practice.name).outerjoin(Practice, Practice.id == Patient.registered_practice_id)


def _on_list(pcn_id: int) -> ColumnElement[bool]:
    """The person (a query joined to their registered practice) is on the PCN's list."""
    referred_here = exists().where(Referral.patient_id == Patient.id, Referral.pcn_id == pcn_id)
    recorded_here = exists().where(
        AuditEvent.entity == "patient",
        AuditEvent.entity_id == Patient.id,
        AuditEvent.action == "person_created",
        AuditEvent.pcn_id == pcn_id,
    )
    return or_(Practice.pcn_id == pcn_id, referred_here, recorded_here)


def _open_referrals(session: Session, pcn_id: int, person_ids: list[int]) -> dict[int, int]:
    """Open referrals in this PCN, so a worker sees a person is already being supported."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(Referral.patient_id, func.count())
        .where(
            Referral.patient_id.in_(person_ids),
            Referral.pcn_id == pcn_id,
            Referral.status.not_in([s.value for s in ENDED]),
        )
        .group_by(Referral.patient_id)
    )
    return {patient_id: count for patient_id, count in rows}


def _summary(patient: Patient, practice_name: str | None) -> PersonSummary:
    return PersonSummary(
        patient.id,
        patient.nhs_number,
        patient.given_name,
        patient.family_name,
        patient.date_of_birth,
        patient.postcode,
        practice_name,
    )
