"""Hidden characters never reach a person's record, on SQLite and PostgreSQL: the form's path
(the intake rules, then ``create_person``, ``change_name`` and ``create_referral``), the services
called with details made any other way, and the referral import all refuse a NUL byte, a
text-direction mark or a zero-width space with the same plain message, and write nothing.

(On PostgreSQL a NUL byte that got through would not be stored but fail the whole save.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import islice

import pytest
from sqlalchemy import func, select

from linkworker.domain import nhs_number
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    PersonDetails,
    PersonEntry,
    ReferralDetails,
    ReferralEntry,
    parse_person,
    parse_referral,
)
from linkworker.domain.name_change import PersonName
from linkworker.domain.referrals import ReferralSource
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.people import change_name, create_people, create_person, registered_practices
from linkworker.services.cases.referrals import create_referral, referring_practices
from linkworker.store.database import Database
from linkworker.store.models import Patient, PersonNameChange, Referral

FIRST, SECOND = islice(nhs_number.synthetic_numbers(62_000), 2)
BORN = date(1951, 3, 14)
ORLA = {"nhs_number": FIRST, "given_name": "Orla", "family_name": "Fenwick", "date_of_birth": BORN}
HIDDEN = {"NUL": "\x00", "right-to-left override": "\u202e", "zero-width space": "\u200b"}
MESSAGE_END = (
    "(character 5), such as a text-direction mark or a zero-width space, often copied in with the "
    "text: delete it and type that part again."
)


def counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Patient, PersonNameChange, Referral)
        )


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_forms_path_refuses_a_name_and_saves_nothing(
    database: Database, actors: dict[Role, Actor], character: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        practices = registered_practices(session, worker)
    typed = PersonEntry(FIRST, f"Orla{character}", "Fenwick", "14/03/1951")

    with pytest.raises(FormErrors) as refused:
        parse_person(typed, date.today(), practices)

    assert (
        refused.value.for_field("given_name")
        == f"There is a hidden character in the given name {MESSAGE_END}"
    )
    assert counts(database) == (0, 0, 0)


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
@pytest.mark.parametrize(
    "field", ["given_name", "family_name", "address_line_1", "town", "accessibility_needs"]
)
def test_create_person_cannot_be_given_details_with_a_hidden_character(
    database: Database, actors: dict[Role, Actor], character: str, field: str
) -> None:
    """Details made without the intake rules (a script or a later screen calling the service)."""
    worker = actors[Role.LINK_WORKER]

    with pytest.raises(ValidationError) as refused, database.session() as session:
        create_person(
            session,
            worker,
            PersonDetails(**{**ORLA, field: f"Abcd{character}"}),  # type: ignore[arg-type]
        )

    assert refused.value.field == field
    assert refused.value.message.endswith(MESSAGE_END)
    assert counts(database) == (0, 0, 0)


def test_one_hidden_character_refuses_a_whole_batch(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    good = PersonDetails(FIRST, "Orla", "Fenwick", BORN)

    with pytest.raises(ValidationError), database.session() as session:
        create_people(session, worker, [good, replace(good, nhs_number=SECOND, family_name="Fenw\u200bick")])

    assert counts(database) == (0, 0, 0)


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_change_name_refuses_a_hidden_character_and_keeps_the_name(
    database: Database, actors: dict[Role, Actor], character: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        orla = create_person(session, worker, PersonDetails(FIRST, "Orla", "Fenwick", BORN))

    with pytest.raises(ValidationError) as refused, database.session() as session:
        change_name(session, worker, orla.id, PersonName("Orla", "Fenwick"), "", f"Hale{character}x")

    assert refused.value.field == "family_name"
    assert refused.value.message == f"There is a hidden character in the family name {MESSAGE_END}"
    with database.session() as session:
        assert session.execute(select(Patient.given_name, Patient.family_name)).one() == ("Orla", "Fenwick")
    assert counts(database) == (1, 0, 0)


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_referrals_notes_with_a_hidden_character_are_refused_on_each_path(
    database: Database, actors: dict[Role, Actor], character: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        orla = create_person(session, worker, PersonDetails(FIRST, "Orla", "Fenwick", BORN))
        referring = referring_practices(session, worker)
    typed = ReferralEntry("G99001", "GP", "Dr Test", "01/05/2024", ("loneliness",), notes=f"Line{character}")

    with pytest.raises(FormErrors) as on_the_form:
        parse_referral(typed, date.today(), {"loneliness": "Loneliness"}, referring)
    with pytest.raises(ValidationError) as in_the_service, database.session() as session:
        details = ReferralDetails(
            referring["G99001"], "G99001", ReferralSource.GP, None, date(2024, 5, 1), ("loneliness",)
        )
        create_referral(session, worker, orla.id, replace(details, notes=f"Note{character}"))

    assert on_the_form.value.for_field("notes") == f"There is a hidden character in the notes {MESSAGE_END}"
    assert in_the_service.value.field == "notes"
    assert counts(database) == (1, 0, 0)


def test_a_persian_name_with_its_zero_width_non_joiner_is_recorded(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    name = "\u0645\u06cc\u200c\u0646\u0627"  # the joiner keeps the two halves of the word apart
    details = parse_person(PersonEntry(FIRST, name, "Fenwick", "14/03/1951"), date.today())

    with database.session() as session:
        create_person(session, worker, details)

    with database.session() as session:
        assert session.scalar(select(Patient.given_name)) == name
