"""Correcting a case after it was saved: the person's details and the referral's, checked as the
new referral form checks them, saved over the version the user saw (a colleague's change in
between is told and nothing of theirs is lost), audited by field name only, and kept with the
words before and after in the case's own history. A consent given later unlocks the letter to the
GP; withdrawn, it stops it, with the day said. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from linkworker.domain.corrections import Consent, FieldChange
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import PersonDetails, ReferralDetails, parse_person, parse_referral
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.referrals import ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import corrections, gp_record, people, referrals
from linkworker.services.cases.case_record import CorrectionRecord, TimelineKind, open_case
from linkworker.services.cases.corrections import ConsentDays, DetailsChanged, PersonSheet, ReferralSheet
from linkworker.services.cases.needs import add_local_need, set_local_need_active
from linkworker.services.errors import PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import (
    AuditEvent,
    CaseChange,
    Patient,
    Pcn,
    PersonNameChange,
    Practice,
    Referral,
    ReferralNeed,
)
from tests.services.casework_builder import new_case, past_contact, synthetic_nhs_number

TODAY = date.today()
RECEIVED = TODAY - timedelta(days=30)


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture
def admin(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.ADMIN]


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    return new_case(database, worker, received_days_ago=30)


def words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def person_sheet(database: Database, actor: Actor, case: int) -> PersonSheet:
    with database.session() as session:
        return corrections.person_sheet(session, actor, case)


def referral_sheet(database: Database, actor: Actor, case: int) -> ReferralSheet:
    with database.session() as session:
        return corrections.referral_sheet(session, actor, case)


def person_as(sheet: PersonSheet, **typed: object) -> PersonDetails:
    """The person as the form would send them: the sheet's entry with ``typed`` changed, checked
    by the new referral form's rules."""
    return parse_person(replace(sheet.entry, **typed), TODAY, sheet.practice_ids)  # type: ignore[arg-type]


def referral_as(sheet: ReferralSheet, **typed: object) -> ReferralDetails:
    return parse_referral(replace(sheet.entry, **typed), TODAY, sheet.need_labels, sheet.practice_ids)  # type: ignore[arg-type]


def correct_person(
    database: Database, actor: Actor, seen: PersonSheet, details: PersonDetails
) -> PersonSheet:
    with database.session() as session:
        return corrections.correct_person(session, actor, seen, details)


def correct_referral(
    database: Database,
    actor: Actor,
    seen: ReferralSheet,
    details: ReferralDetails,
    days: ConsentDays | None = None,
) -> ReferralSheet:
    with database.session() as session:
        return corrections.correct_referral(session, actor, seen, details, days or seen.consent_days)


def trail(database: Database, *actions: str) -> list[tuple[str, str | None, int | None, str | None]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.detail)
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def history(database: Database) -> list[tuple[str, str | None, str | None, bool]]:
    with database.session() as session:
        rows = session.execute(
            select(CaseChange.field, CaseChange.before, CaseChange.after, CaseChange.patient_id).order_by(
                CaseChange.id
            )
        )
        return [(field, before, after, patient is not None) for field, before, after, patient in rows]


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# The person


def test_the_sheet_holds_the_person_as_the_form_shows_them(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    entry = sheet.entry
    assert (entry.given_name, entry.family_name, entry.date_of_birth) == (
        "Orla",
        "Fenwick-Hale",
        "02/11/1948",
    )
    assert (entry.sex, entry.ethnic_category, entry.registered_practice_ods) == ("female", "B", "G99001")
    assert (entry.phone, entry.postcode, entry.preferred_contact_method) == (
        "01632 960123",
        "ME15 6AA",
        "phone",
    )
    assert entry.interpreter_needed is False
    assert [(p.ods_code, p.name) for p in sheet.practices] == [
        ("G99002", "Hilltop Practice"),
        ("G99001", "Riverside Surgery"),
    ]
    assert sheet.version == 1 and sheet.last_change is None


def test_a_person_is_corrected_and_the_history_keeps_the_words_before_and_after(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    details = person_as(
        sheet,
        phone="01632 960999",
        postcode="me16 8aa",
        sex="male",
        ethnic_category="A",
        language="Polish",
        interpreter_needed=True,
        registered_practice_ods="G99002",
        preferred_contact_method="text",
        mobile="07700 900123",
    )
    saved = correct_person(database, worker, sheet, details)

    assert saved.version == 2
    assert (saved.entry.phone, saved.entry.postcode, saved.entry.sex) == ("01632 960999", "ME16 8AA", "male")
    assert saved.last_change is not None and saved.last_change.by == "Wren Worker"
    assert history(database) == [
        ("sex", "Female", "Male", True),
        ("ethnic_category", "White: Irish", "White: British", True),
        ("postcode", "ME15 6AA", "ME16 8AA", True),
        ("phone", "01632 960123", "01632 960999", True),
        ("mobile", None, "07700 900123", True),
        ("preferred_contact_method", "Phone call", "Text message", True),
        ("language", "English", "Polish", True),
        ("interpreter_needed", "No", "Yes", True),
        ("registered_practice", "Riverside Surgery (G99001)", "Hilltop Practice (G99002)", True),
    ]
    fields = (
        "fields=sex,ethnic_category,postcode,phone,mobile,preferred_contact_method,language,"
        "interpreter_needed,registered_practice"
    )
    assert trail(database, "person_corrected") == [("person_corrected", "patient", sheet.person_id, fields)]
    with database.session() as session:
        patient = session.get_one(Patient, sheet.person_id)
        assert (patient.sex, patient.ethnic_category) == (Sex.MALE.value, EthnicCategory.A.value)
        assert patient.preferred_contact_method == ContactMethod.TEXT.value
        stored = [
            value
            for row in session.scalars(select(AuditEvent).where(AuditEvent.action == "person_corrected"))
            for value in (row.detail or "",)
        ]
    for word in ("960999", "ME16", "Polish", "Hilltop", "Male"):
        assert all(word not in detail for detail in stored)  # field names only in the trail


def test_the_same_rules_as_the_new_referral_form_refuse_a_bad_entry(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    with pytest.raises(FormErrors) as refused:
        person_as(sheet, phone="12345", email="not an address")
    assert refused.value.for_field("phone") and refused.value.for_field("email")
    # A script that skips the form still meets the rules the service keeps.
    born_later = replace(person_as(sheet), date_of_birth=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError) as refused, database.session() as session:
        corrections.correct_person(session, worker, sheet, born_later)
    assert refused.value.field == "date_of_birth"
    assert count(database, CaseChange) == 0


def test_a_date_of_birth_after_a_referral_was_received_is_refused(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    details = person_as(sheet, date_of_birth=f"{RECEIVED + timedelta(days=1):%d/%m/%Y}")
    with pytest.raises(ValidationError) as refused, database.session() as session:
        corrections.correct_person(session, worker, sheet, details)
    assert refused.value.field == "date_of_birth"
    assert "after a referral for them was received" in refused.value.message


def test_a_date_of_birth_is_corrected(database: Database, worker: Actor, case: int) -> None:
    sheet = person_sheet(database, worker, case)
    saved = correct_person(database, worker, sheet, person_as(sheet, date_of_birth="03/11/1948"))
    assert saved.entry.date_of_birth == "03/11/1948"
    assert history(database) == [("date_of_birth", "2 Nov 1948", "3 Nov 1948", True)]
    with database.session() as session:
        assert open_case(session, worker, case).header.date_of_birth == date(1948, 11, 3)


def test_a_practice_of_another_pcn_is_refused(database: Database, worker: Actor, case: int) -> None:
    sheet = person_sheet(database, worker, case)
    details = replace(person_as(sheet), registered_practice_ods="G88001")
    with pytest.raises(ValidationError) as refused, database.session() as session:
        corrections.correct_person(session, worker, sheet, details)
    assert refused.value.field == "registered_practice_ods"


def test_a_new_name_goes_through_the_change_of_name_record(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    saved = correct_person(
        database, worker, sheet, person_as(sheet, family_name="Quennell", phone="01632 960555")
    )

    assert (saved.entry.given_name, saved.entry.family_name) == ("Orla", "Quennell")
    with database.session() as session:
        [change] = session.scalars(select(PersonNameChange)).all()
        assert (change.old_family_name, change.new_family_name) == ("Fenwick-Hale", "Quennell")
        record = open_case(session, worker, case, reopened=True)
    assert [str(earlier.name) for earlier in record.person.earlier_names] == ["Orla Fenwick-Hale"]
    assert record.header.person_name == "Orla Quennell"
    assert trail(database, "person_renamed", "person_corrected") == [
        ("person_renamed", "patient", sheet.person_id, "fields=family_name"),
        ("person_corrected", "patient", sheet.person_id, "fields=phone"),
    ]
    assert [row[0] for row in history(database)] == ["phone"]  # the name is in its own record
    assert saved.version == 2  # one save of the person, for the name and the phone together


def test_the_name_written_another_way_is_corrected_and_is_no_earlier_name(
    database: Database, worker: Actor, case: int
) -> None:
    """A name typed in the wrong case or without its hyphen at intake can be put right (issue 15)."""
    sheet = person_sheet(database, worker, case)
    saved = correct_person(database, worker, sheet, person_as(sheet, family_name="Fenwick Hale"))
    assert (saved.entry.given_name, saved.entry.family_name) == ("Orla", "Fenwick Hale")
    with database.session() as session:
        record = open_case(session, worker, case)
    assert record.header.person_name == "Orla Fenwick Hale" and record.person.earlier_names == ()
    assert trail(database, "person_renamed") == [
        ("person_renamed", "patient", sheet.person_id, "fields=family_name")
    ]


def test_saving_what_is_on_record_changes_nothing(database: Database, worker: Actor, case: int) -> None:
    sheet = person_sheet(database, worker, case)
    again = correct_person(database, worker, sheet, person_as(sheet))
    assert again == sheet
    assert count(database, CaseChange) == 0 and trail(database, "person_corrected") == []


def test_a_person_of_another_pcn_kept_at_their_practice_outside_this_pcn(
    database: Database, worker: Actor, case: int
) -> None:
    """On a shared server a person may be registered at another PCN's practice: their practice is
    offered as recorded, and saving other corrections keeps it."""
    with database.session() as session:
        other = Pcn(ods_code="U99902", name="Other Valley PCN")
        other.practices.append(Practice(ods_code="G88001", name="Far Surgery"))
        session.add(other)
        session.flush()
        patient_id = session.get_one(Referral, case).patient_id
        session.get_one(Patient, patient_id).registered_practice_id = other.practices[0].id
    sheet = person_sheet(database, worker, case)
    assert sheet.entry.registered_practice_ods == "G88001"
    assert "G88001" in sheet.practice_ids
    saved = correct_person(database, worker, sheet, person_as(sheet, phone="01632 960777"))
    assert saved.entry.registered_practice_ods == "G88001"
    assert [row[0] for row in history(database)] == ["phone"]


def test_a_colleagues_correction_in_between_is_told_and_kept(
    database: Database, worker: Actor, admin: Actor, case: int
) -> None:
    mine = person_sheet(database, worker, case)
    theirs = person_sheet(database, admin, case)
    correct_person(database, admin, theirs, person_as(theirs, postcode="ME16 8AA"))

    with pytest.raises(DetailsChanged) as refused, database.session() as session:
        corrections.correct_person(session, worker, mine, person_as(mine, phone="01632 960999"))
    refusal = refused.value
    assert "Ada Admin corrected the postcode" in str(refusal)
    assert "Your edit is kept" in str(refusal)
    assert refusal.sheet.entry.postcode == "ME16 8AA" and refusal.sheet.version == 2
    assert [row[0] for row in history(database)] == ["postcode"]  # nothing of mine written

    # Saved again over their version (the form kept my phone and took their postcode), mine goes in.
    saved = correct_person(database, worker, refusal.sheet, person_as(refusal.sheet, phone="01632 960999"))
    assert (saved.entry.phone, saved.entry.postcode, saved.version) == ("01632 960999", "ME16 8AA", 3)


def test_a_save_that_loses_a_race_is_refused_and_writes_nothing(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    with database.session() as session:
        patient = session.get_one(Patient, sheet.person_id)
        # Another user's save lands between this read and this write.
        session.execute(
            update(Patient).where(Patient.id == patient.id).values(version_id=patient.version_id + 1)
        )
        with pytest.raises(DetailsChanged):
            corrections.correct_person(session, worker, sheet, person_as(sheet, phone="01632 960999"))
    assert count(database, CaseChange) == 0


def test_a_manager_may_not_correct_a_person(database: Database, actors: dict[Role, Actor], case: int) -> None:
    sheet = person_sheet(database, actors[Role.LINK_WORKER], case)
    with pytest.raises(PermissionDenied), database.session() as session:
        corrections.person_sheet(session, actors[Role.MANAGER], case)
    with pytest.raises(PermissionDenied), database.session() as session:
        corrections.correct_person(session, actors[Role.MANAGER], sheet, person_as(sheet))


# The referral


def test_the_sheet_holds_the_referral_as_the_form_shows_it(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = referral_sheet(database, worker, case)
    entry = sheet.entry
    assert (entry.referring_practice_ods, entry.source, entry.referrer_name) == (
        "G99001",
        "gp",
        "Dr Amara Osei",
    )
    assert entry.received_on == f"{RECEIVED:%d/%m/%Y}"
    assert entry.needs == ("loneliness", "debt_money")
    assert (entry.urgency, entry.consent_share_gp, entry.consent_share_services) == ("soon", True, True)
    assert sheet.gp == Consent(True, RECEIVED, None)  # given with the referral
    assert sheet.services == Consent(True, RECEIVED, None)
    assert sheet.consent_days == ConsentDays(RECEIVED, RECEIVED)
    assert {"loneliness", "debt_money", "housing"} <= set(sheet.need_labels)
    assert set(sheet.practice_ids) == {"G99001", "G99002"}


def test_a_referral_is_corrected_and_the_history_keeps_the_words_before_and_after(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = referral_sheet(database, worker, case)
    details = referral_as(
        sheet,
        referring_practice_ods="G99002",
        source="practice_nurse",
        referrer_name="Nurse Bea Quill",
        received_on=f"{RECEIVED - timedelta(days=2):%d/%m/%Y}",
        needs=("loneliness", "housing"),
        urgency="urgent",
        notes="Moved in with her daughter.",
    )
    saved = correct_referral(database, worker, sheet, details)

    assert saved.version == sheet.version + 1
    assert saved.entry.needs == ("loneliness", "housing")  # in the order of the PCN's list
    assert history(database) == [
        ("referring_practice", "Riverside Surgery (G99001)", "Hilltop Practice (G99002)", False),
        ("source", "GP", "Practice nurse", False),
        ("referrer_name", "Dr Amara Osei", "Nurse Bea Quill", False),
        ("received_on", words(RECEIVED), words(RECEIVED - timedelta(days=2)), False),
        ("needs", "Loneliness and isolation; Debt and money", "Loneliness and isolation; Housing", False),
        ("urgency", "Soon", "Urgent", False),
        ("notes", "Lives alone since her husband died.", "Moved in with her daughter.", False),
    ]
    fields = "fields=referring_practice,source,referrer_name,received_on,needs,urgency,notes"
    assert trail(database, "referral_corrected") == [("referral_corrected", "referral", case, fields)]
    with database.session() as session:
        codes = set(session.scalars(select(ReferralNeed.need_code).where(ReferralNeed.referral_id == case)))
        referral = session.get_one(Referral, case)
        assert codes == {"loneliness", "housing"}
        assert (referral.source, referral.urgency) == (
            ReferralSource.PRACTICE_NURSE.value,
            Urgency.URGENT.value,
        )


def test_changing_only_the_needs_is_saved_over_the_version_seen(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = referral_sheet(database, worker, case)
    saved = correct_referral(database, worker, sheet, referral_as(sheet, needs=("loneliness",)))
    assert saved.version == sheet.version + 1  # a change of needs alone still moves the version on
    with pytest.raises(DetailsChanged), database.session() as session:
        corrections.correct_referral(
            session, worker, sheet, referral_as(sheet, needs=("housing",)), sheet.consent_days
        )


def test_a_date_received_after_the_first_contact_is_refused(
    database: Database, worker: Actor, case: int
) -> None:
    past_contact(database, case, worker, 20)
    sheet = referral_sheet(database, worker, case)
    details = referral_as(sheet, received_on=f"{TODAY - timedelta(days=10):%d/%m/%Y}")
    with pytest.raises(ValidationError) as refused, database.session() as session:
        corrections.correct_referral(session, worker, sheet, details, sheet.consent_days)
    assert refused.value.field == "received_on"
    assert words(TODAY - timedelta(days=20)) in refused.value.message


def test_a_retired_need_stays_when_kept_and_cannot_be_added(
    database: Database, worker: Actor, admin: Actor
) -> None:
    with database.session() as session:
        need = add_local_need(session, admin, "Gardening")
    code = need.code
    case = new_case(database, worker, needs=("loneliness", code))
    other = new_case(database, worker, needs=("loneliness",))
    with database.session() as session:
        set_local_need_active(session, admin, need.id, need.version, False)
    sheet = referral_sheet(database, worker, case)
    assert code in sheet.need_labels
    correct_referral(database, worker, sheet, referral_as(sheet, urgency="urgent"))  # kept as it was

    other_sheet = referral_sheet(database, worker, other)
    assert code not in other_sheet.need_labels
    details = replace(referral_as(other_sheet), needs=("loneliness", code))
    with pytest.raises(ValidationError) as refused, database.session() as session:
        corrections.correct_referral(session, worker, other_sheet, details, other_sheet.consent_days)
    assert refused.value.field == "needs"


def test_a_referral_corrected_over_a_colleagues_is_told_and_kept(
    database: Database, worker: Actor, admin: Actor, case: int
) -> None:
    mine = referral_sheet(database, worker, case)
    theirs = referral_sheet(database, admin, case)
    correct_referral(database, admin, theirs, referral_as(theirs, urgency="urgent"))
    with pytest.raises(DetailsChanged) as refused, database.session() as session:
        corrections.correct_referral(
            session, worker, mine, referral_as(mine, notes="Mine."), mine.consent_days
        )
    assert "Ada Admin corrected the urgency" in str(refused.value)
    assert refused.value.sheet.entry.urgency == "urgent"


# Consents and the letter to the GP


def test_consent_given_later_unlocks_the_letter_to_the_gp(database: Database, worker: Actor) -> None:
    case = new_case(database, worker)
    with database.session() as session:
        referral = session.get_one(Referral, case)
        referral.consent_share_gp, referral.consent_share_gp_given_on = False, None
    with pytest.raises(gp_record.NoConsentToShare) as refused, database.session() as session:
        gp_record.letter(session, worker, case)
    assert "Edit referral" in str(refused.value)

    sheet = referral_sheet(database, worker, case)
    assert sheet.gp == Consent(False, None, None)
    agreed = TODAY - timedelta(days=2)
    saved = correct_referral(
        database,
        worker,
        sheet,
        referral_as(sheet, consent_share_gp=True),
        replace(sheet.consent_days, gp=agreed),
    )
    assert saved.gp == Consent(True, agreed, None)
    assert history(database) == [("consent_share_gp", "Not given", f"Given on {words(agreed)}", False)]
    assert trail(database, "referral_corrected")[0][3] == "fields=consent_share_gp"
    with database.session() as session:
        assert gp_record.letter(session, worker, case).referral_id == case
        assert gp_record.consent_to_share(session, worker, case) == Consent(True, agreed, None)


def test_consent_withdrawn_stops_the_letter_and_says_when(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = referral_sheet(database, worker, case)
    withdrawn = TODAY - timedelta(days=1)
    saved = correct_referral(
        database,
        worker,
        sheet,
        referral_as(sheet, consent_share_gp=False),
        replace(sheet.consent_days, gp=withdrawn),
    )
    assert saved.gp == Consent(False, RECEIVED, withdrawn)
    with pytest.raises(gp_record.NoConsentToShare) as refused, database.session() as session:
        gp_record.letter(session, worker, case)
    assert f"withdrew their consent to share with their GP on {words(withdrawn)}" in str(refused.value)
    with pytest.raises(gp_record.NoConsentToShare), database.session() as session:
        gp_record.record_export(session, worker, case, gp_record.LetterExport.PRINTED)


def test_a_consent_day_that_cannot_be_is_refused_beside_its_tick(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = referral_sheet(database, worker, case)
    details = referral_as(sheet, consent_share_services=False)
    for day, words in (
        (None, "Enter the day they withdrew"),
        (RECEIVED - timedelta(days=1), "before it was given"),
    ):
        with pytest.raises(ValidationError) as refused, database.session() as session:
            corrections.correct_referral(
                session, worker, sheet, details, replace(sheet.consent_days, services=day)
            )
        assert refused.value.field == "consent_share_services"
        assert words in refused.value.message


def test_a_new_referral_dates_its_consents_the_day_it_was_received(database: Database, worker: Actor) -> None:
    """One by one or in a batch, as an import writes them: the model's default, not the form's."""
    with database.session() as session:
        practice = session.scalars(select(Practice).where(Practice.ods_code == "G99001")).one()
        made = people.create_people(
            session,
            worker,
            [
                PersonDetails(synthetic_nhs_number(), "Ivy", f"Ashdown{n}", date(1950, 1, n + 1))
                for n in range(2)
            ],
        )
        summaries = referrals.create_referrals(
            session,
            worker,
            [
                referrals.NewReferral(
                    person.id,
                    ReferralDetails(
                        practice.id, "G99001", ReferralSource.GP, None, RECEIVED, ("loneliness",), gp, not gp
                    ),
                )
                for person, gp in zip(made, (True, False), strict=True)
            ],
        )
    with database.session() as session:
        rows = [session.get_one(Referral, summary.id) for summary in summaries]
        assert [(r.consent_share_gp_given_on, r.consent_share_services_given_on) for r in rows] == [
            (RECEIVED, None),
            (None, RECEIVED),
        ]


# The case's history


def test_the_case_record_shows_each_correction_with_who_when_and_the_words(
    database: Database, worker: Actor, case: int
) -> None:
    sheet = person_sheet(database, worker, case)
    correct_person(database, worker, sheet, person_as(sheet, given_name="Olive", phone="01632 960999"))
    rsheet = referral_sheet(database, worker, case)
    correct_referral(database, worker, rsheet, referral_as(rsheet, urgency="urgent"))

    with database.session() as session:
        record = open_case(session, worker, case, reopened=True)
    corrected = [entry.item for entry in record.timeline if entry.kind is TimelineKind.CORRECTION]
    assert all(isinstance(item, CorrectionRecord) for item in corrected)
    assert [(item.part, item.changes, item.by) for item in corrected] == [
        ("referral", (FieldChange("urgency", "Soon", "Urgent"),), "Wren Worker"),
        ("person", (FieldChange("phone", "01632 960123", "01632 960999"),), "Wren Worker"),
        ("person", (FieldChange("name", "Orla Fenwick-Hale", "Olive Fenwick-Hale"),), "Wren Worker"),
    ]
    assert record.person.sex is Sex.FEMALE and record.person.ethnic_category is EthnicCategory.B
    assert record.referral.consent_gp == Consent(True, RECEIVED, None)
