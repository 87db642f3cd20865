"""Recording many people at once (an import): each gets their own record and id, in the order
given, each is audited, and one refused person means nobody is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import islice

import pytest
from sqlalchemy import func, select

from linkworker.domain import nhs_number
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import PersonDetails
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import set_practice_active
from linkworker.services.cases.people import create_people, create_person, registered_practices
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, Pcn, Practice

# More than one slice of look-ups (500), so reading the ids back takes several queries.
COUNT = 620
NUMBERS = list(islice(nhs_number.synthetic_numbers(88_000), COUNT))


def people(count: int = COUNT) -> list[PersonDetails]:
    """Synthetic people: every seventh without an NHS number (not known yet), some with a phone,
    registered at either practice of the PCN or (every third) not known."""
    return [
        PersonDetails(
            None if index % 7 == 3 else NUMBERS[index],
            f"Given{index}",
            f"Testwell-{index}",
            date(1940, 1, 1) + timedelta(days=index * 17),
            phone="01632 960123" if index % 2 else None,
            registered_practice_ods=("G99001", "G99002", None)[index % 3],
        )
        for index in range(count)
    ]


def patients(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Patient)) or 0


def test_many_people_are_recorded_together_each_with_their_own_id_in_order(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    wanted = people()

    with database.session() as session:
        created = create_people(session, worker, wanted)

    assert [(p.nhs_number, p.given_name, p.date_of_birth) for p in created] == [
        (d.nhs_number, d.given_name, d.date_of_birth) for d in wanted
    ]
    assert [p.registered_practice for p in created[:3]] == ["Riverside Surgery", "Hilltop Practice", None]
    assert len({p.id for p in created}) == COUNT
    with database.session() as session:
        stored = {
            patient.id: patient
            for patient in session.scalars(select(Patient).where(Patient.id.in_([p.id for p in created])))
        }
        practices = {practice.id: practice.ods_code for practice in session.scalars(select(Practice))}
        audited = session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == "person_created", AuditEvent.entity == "patient"
            )
        ).all()
    for index, (person, details) in enumerate(zip(created, wanted, strict=True)):
        patient = stored[person.id]
        assert (patient.nhs_number, patient.given_name, patient.date_of_birth) == (
            details.nhs_number,
            details.given_name,
            details.date_of_birth,
        )
        # The same search key a Patient built one at a time gets from its model.
        assert patient.family_key == Patient(family_name=details.family_name).family_key == f"testwell{index}"
        assert patient.phone == details.phone and patient.version_id == 1
        assert practices.get(patient.registered_practice_id or 0) == details.registered_practice_ods
    assert sorted(audited) == sorted(p.id for p in created)


def test_one_person_creation_is_the_batch_of_one(database: Database, actors: dict[Role, Actor]) -> None:
    [first] = people(1)
    with database.session() as session:
        person = create_person(session, actors[Role.ADMIN], first)
    with database.session() as session:
        assert session.scalar(select(Patient.nhs_number).where(Patient.id == person.id)) == first.nhs_number
    with database.session() as session:
        assert create_people(session, actors[Role.ADMIN], []) == []


@pytest.mark.parametrize(
    ("spoil", "field", "message"),
    [
        (
            lambda batch: [*batch, replace(batch[5], given_name="Twin")],
            "nhs_number",
            "given for two new people",
        ),
        (
            lambda batch: [*batch[:-1], replace(batch[-1], registered_practice_ods="G77001")],
            "registered_practice_ods",
            "G77001 is not a practice of this PCN.",
        ),
    ],
    ids=["number twice", "practice elsewhere"],
)
def test_one_refused_person_means_nobody_is_written(
    database: Database, actors: dict[Role, Actor], spoil: object, field: str, message: str
) -> None:
    assert callable(spoil)
    with database.session() as session, pytest.raises(ValidationError) as raised:
        create_people(session, actors[Role.LINK_WORKER], spoil(people(40)))
    assert raised.value.field == field and message in raised.value.message
    assert patients(database) == 0


def test_a_batch_with_an_nhs_number_already_on_record_is_refused(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    batch = people(30)
    with database.session() as session:
        create_person(session, worker, batch[20])
    with database.session() as session, pytest.raises(ValidationError, match="already recorded"):
        create_people(session, worker, batch)
    assert patients(database) == 1


def test_a_person_may_be_registered_at_any_practice_of_this_pcn_even_one_that_left(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        session.add(
            Pcn(ods_code="U99903", name="Elsewhere PCN", practices=[Practice(ods_code="G77001", name="Away")])
        )
        hilltop = session.scalars(select(Practice).where(Practice.ods_code == "G99002")).one()
        set_practice_active(session, actors[Role.ADMIN], hilltop.id, hilltop.version_id, False)
    with database.session() as session:
        found = registered_practices(session, actors[Role.LINK_WORKER])
        ids = {
            ods: practice_id for ods, practice_id in session.execute(select(Practice.ods_code, Practice.id))
        }
    assert found == {"G99001": ids["G99001"], "G99002": ids["G99002"]}
