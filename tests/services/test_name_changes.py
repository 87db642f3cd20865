"""The same person under another name: a referral whose NHS number and date of birth match a
recorded person with a different name is never attached silently. The search says so and asks;
a change of name is recorded with the name before kept in the person's history, checked by the
name rules, audited by field and never by value, and shown in the case record."""

from __future__ import annotations

from datetime import date, datetime
from itertools import islice

import pytest
from sqlalchemy import func, select

from linkworker.domain import nhs_number
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import PersonDetails, ReferralDetails
from linkworker.domain.name_change import PersonName
from linkworker.domain.referrals import ReferralSource
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import TimelineKind, open_case
from linkworker.services.cases.people import (
    NO_CHANGE_OF_NAME,
    PersonSummary,
    change_name,
    create_person,
    find_people,
)
from linkworker.services.cases.referrals import create_referral, referring_practices
from linkworker.services.errors import PermissionDenied, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, PersonNameChange

FIRST, SECOND = islice(nhs_number.synthetic_numbers(61_000), 2)
BORN = date(1951, 3, 14)
ORLA = PersonName("Orla", "Fenwick")
QUESTION = "same NHS number and date of birth, recorded as Orla Fenwick: a change of name?"


def orla(database: Database, actor: Actor) -> PersonSummary:
    with database.session() as session:
        return create_person(
            session, actor, PersonDetails(FIRST, "Orla", "Fenwick", BORN, registered_practice_ods="G99002")
        )


def search(database: Database, actor: Actor, **typed: object) -> list[tuple[int, str, PersonName | None]]:
    with database.session() as session:
        matches = find_people(session, actor, **typed)  # type: ignore[arg-type]
    return [(m.person.id, m.reason, m.new_name) for m in matches]


def rename(database: Database, actor: Actor, person_id: int, given: str, family: str) -> PersonSummary:
    with database.session() as session:
        return change_name(session, actor, person_id, ORLA, given, family)


def referral_for(database: Database, actor: Actor, person_id: int) -> int:
    with database.session() as session:
        practice_id = referring_practices(session, actor)["G99001"]
        details = ReferralDetails(
            practice_id, "G99001", ReferralSource.GP, None, date(2024, 5, 1), ("loneliness",)
        )
        return create_referral(session, actor, person_id, details).id


def name_changes(database: Database) -> list[tuple[object, ...]]:
    with database.session() as session:
        rows = session.execute(
            select(
                PersonNameChange.patient_id,
                PersonNameChange.old_given_name,
                PersonNameChange.old_family_name,
                PersonNameChange.new_given_name,
                PersonNameChange.new_family_name,
                PersonNameChange.changed_by_id,
            ).order_by(PersonNameChange.id)
        )
        return [tuple(row) for row in rows]


def test_the_same_nhs_number_and_date_of_birth_under_another_name_is_asked_about(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)

    found = search(
        database, worker, nhs_number=FIRST, given_name="Orla", family_name="Hale", date_of_birth=BORN
    )

    assert found == [(person.id, QUESTION, PersonName("Orla", "Hale"))]


@pytest.mark.parametrize(
    "typed",
    [
        {"given_name": "ORLA", "family_name": "fenwick", "date_of_birth": BORN},  # the same name
        {"given_name": "Fenwick", "family_name": "Orla", "date_of_birth": BORN},  # boxes swapped
        {"given_name": "Orla", "family_name": "Hale", "date_of_birth": date(1951, 3, 15)},  # another day
        {"given_name": "Orla", "family_name": "Hale"},  # no date of birth to compare
        {},  # the number alone
    ],
)
def test_only_another_name_with_the_same_date_of_birth_is_a_question(
    database: Database, actors: dict[Role, Actor], typed: dict[str, object]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)

    assert search(database, worker, nhs_number=FIRST, **typed) == [(person.id, "same NHS number", None)]


def test_a_change_of_name_keeps_the_name_before_and_is_audited_by_field(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)
    before = datetime.now().astimezone()

    renamed = rename(database, worker, person.id, "", " Hale ")

    assert (renamed.id, renamed.given_name, renamed.family_name) == (person.id, "Orla", "Hale")
    assert name_changes(database) == [(person.id, "Orla", "Fenwick", "Orla", "Hale", worker.user_id)]
    with database.session() as session:
        patient = session.get(Patient, person.id)
        assert patient is not None
        assert (patient.given_name, patient.family_name, patient.family_key) == ("Orla", "Hale", "hale")
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "person_renamed"))
        changed_at = session.scalar(select(PersonNameChange.changed_at))
    assert (event.entity, event.entity_id, event.detail) == ("patient", person.id, "fields=family_name")
    assert event.username == worker.username
    assert changed_at is not None and changed_at >= before
    found = search(database, worker, given_name="Orla", family_name="Hale", date_of_birth=BORN)
    assert [person_id for person_id, _reason, _name in found] == [person.id], "found by the new name"


def test_the_case_record_shows_the_earlier_names_newest_first_with_who_and_when(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)
    case = referral_for(database, worker, person.id)
    rename(database, worker, person.id, "Orla", "Hale")
    with database.session() as session:
        change_name(session, actors[Role.ADMIN], person.id, PersonName("Orla", "Hale"), "Aoife", "")

    with database.session() as session:
        record = open_case(session, worker, case)

    assert record.header.person_name == "Aoife Hale"
    assert [(str(earlier.name), earlier.changed_by) for earlier in record.person.earlier_names] == [
        ("Orla Hale", "Ada Admin"),
        ("Orla Fenwick", "Wren Worker"),
    ]
    newest, oldest = record.person.earlier_names
    assert newest.until >= oldest.until


def test_a_case_without_a_change_of_name_has_no_earlier_names(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    case = referral_for(database, worker, orla(database, worker).id)
    with database.session() as session:
        assert open_case(session, worker, case).person.earlier_names == ()


@pytest.mark.parametrize(
    ("given", "family", "field", "message"),
    [
        ("Orla", "Hale2", "family_name", "The family name can have letters, spaces, hyphens and apostrophes"),
        ("O" * 101, "Hale", "given_name", "The given name is too long (100 characters at most)."),
        ("Orla", "Fenwick", "family_name", NO_CHANGE_OF_NAME),
        (" Orla ", "  ", "family_name", NO_CHANGE_OF_NAME),
        ("", "", "family_name", NO_CHANGE_OF_NAME),
    ],
)
def test_a_name_the_rules_refuse_or_no_change_at_all_is_refused_and_nothing_written(
    database: Database, actors: dict[Role, Actor], given: str, family: str, field: str, message: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)

    with pytest.raises(ValidationError) as refused:
        rename(database, worker, person.id, given, family)

    assert refused.value.field == field and refused.value.message.startswith(message)
    assert name_changes(database) == []


def test_a_name_changed_since_it_was_shown_is_not_changed_over(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)
    rename(database, worker, person.id, "Orla", "Hale")

    with pytest.raises(StaleEdit, match="Someone else changed this person's record"):
        rename(database, worker, person.id, "Orla", "Quinn")

    assert [change[4] for change in name_changes(database)] == ["Hale"]


def test_a_manager_may_not_change_a_name_and_nothing_is_written(
    database: Database, actors: dict[Role, Actor]
) -> None:
    person = orla(database, actors[Role.LINK_WORKER])
    with database.session() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))

    with pytest.raises(PermissionDenied):
        rename(database, actors[Role.MANAGER], person.id, "Orla", "Hale")

    assert name_changes(database) == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_name_respelt_or_its_parts_swapped_back_is_corrected_as_typed_and_is_no_earlier_name(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """Correcting the record from the case (issue 15): the same name written another way (its
    capitals, a hyphen) or given and family names typed into each other's boxes at intake and
    put back is written as typed, with the before and after on the case's history; it is the
    same name, so no earlier name."""
    worker = actors[Role.LINK_WORKER]
    person = orla(database, worker)
    case = referral_for(database, worker, person.id)
    with database.session() as session:
        respelt = change_name(session, worker, person.id, ORLA, "Orla", "FenWick")
        swapped = change_name(session, worker, person.id, PersonName("Orla", "FenWick"), "FenWick", "Orla")
    assert (respelt.given_name, respelt.family_name) == ("Orla", "FenWick")
    assert (swapped.given_name, swapped.family_name) == ("FenWick", "Orla")
    assert name_changes(database) == [
        (person.id, "Orla", "Fenwick", "Orla", "FenWick", worker.user_id),
        (person.id, "Orla", "FenWick", "FenWick", "Orla", worker.user_id),
    ]
    with database.session() as session:
        record = open_case(session, worker, case)
        details = [
            event.detail
            for event in session.scalars(select(AuditEvent).where(AuditEvent.action == "person_renamed"))
        ]
    assert details == ["fields=family_name", "fields=given_name,family_name"]
    assert record.header.person_name == "FenWick Orla"
    assert record.person.earlier_names == ()
    assert sorted(
        (change.before, change.after)
        for entry in record.timeline
        if entry.kind is TimelineKind.CORRECTION
        for change in entry.item.changes
    ) == [
        ("Orla FenWick", "FenWick Orla"),
        ("Orla Fenwick", "Orla FenWick"),
    ]
