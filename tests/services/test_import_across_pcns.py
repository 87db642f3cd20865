"""A referral import on a server shared by two PCNs (issue 13): a row for someone another PCN
recorded reads, in the preview, exactly as one for someone never recorded (no name, no change of
name, a new person); importing it takes the person on through ``people.create_people`` (their NHS
number and date of birth, as the New referral form does) and the rest of the file goes in with it.
A row giving their NHS number with another date of birth is rejected alone, in the words the form
uses, and nothing of their record is shown or changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import ReferralFile, parse_referral_csv
from linkworker.services.actor import Actor
from linkworker.services.cases import people, referral_import
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, Pcn, Practice, Referral, UserAccount
from tests.interchange.files import csv_bytes, row
from tests.services.casework_builder import new_case, synthetic_nhs_number

TODAY = date.today()
B_PRACTICE = "G88001"


@dataclass(frozen=True)
class Shared:
    """PCN A's two people (each with a referral), and PCN B's link worker beside them."""

    database: Database
    a_pcn: int
    b_worker: Actor
    first: Patient
    second: Patient


def _person(database: Database, case: int) -> Patient:
    with database.session() as session:
        patient = session.get_one(Patient, session.get_one(Referral, case).patient_id)
        session.expunge(patient)
        return patient


@pytest.fixture
def shared(database: Database, actors: dict[Role, Actor]) -> Shared:
    a_worker = actors[Role.LINK_WORKER]
    first = _person(database, new_case(database, a_worker, given_name="Orla", family_name="Quennell"))
    second = _person(database, new_case(database, a_worker, given_name="Peregrine", family_name="Stroud"))
    with database.session() as session:
        pcn_b = Pcn(ods_code="U99902", name="Other Valley PCN")
        pcn_b.practices.append(Practice(ods_code=B_PRACTICE, name="Far Surgery"))
        session.add(pcn_b)
        session.flush()
        user = UserAccount(
            pcn_id=pcn_b.id,
            username="b-worker",
            full_name="Bea Worker",
            role="link_worker",
            password_hash="-",
        )
        session.add(user)
        session.flush()
        b_worker = Actor(user.id, user.username, user.full_name, Role.LINK_WORKER, pcn_b.id)
    return Shared(database, a_worker.pcn_id, b_worker, first, second)


def _row(
    index: int, number: str, born: date, given: str = "Olive", family: str = "Newname"
) -> dict[str, str]:
    return row(
        index,
        **{
            "NHS number": number,
            "Forename": given,
            "Surname": family,
            "Date of birth": born.strftime("%d/%m/%Y"),
            "Practice code": B_PRACTICE,
            "Referral date": TODAY.isoformat(),
            "Needs": "loneliness",
        },
    )


def _file(*rows: dict[str, str]) -> ReferralFile:
    return parse_referral_csv(csv_bytes(list(rows)))


def _private(person: Patient) -> tuple[str, ...]:
    assert person.nhs_number is not None
    return (person.given_name.casefold(), person.family_name.casefold())


def test_a_preview_of_another_pcns_person_reads_as_one_of_someone_never_recorded(shared: Shared) -> None:
    person = shared.first
    assert person.nhs_number is not None
    theirs = _file(_row(0, person.nhs_number, person.date_of_birth))
    nobodys = _file(_row(0, synthetic_nhs_number(), person.date_of_birth))
    with shared.database.session() as session:
        seen = referral_import.preview(session, shared.b_worker, theirs, TODAY)
        never = referral_import.preview(session, shared.b_worker, nobodys, TODAY)
    assert referral_import.report(seen) == referral_import.report(never)
    assert [row.recorded_person_id for row in seen.accepted] == [None]
    assert seen.name_changes == () and seen.rejected == ()
    shown = repr(seen).casefold()
    assert not any(private in shown for private in _private(person))


def test_an_import_takes_another_pcns_person_on_and_rejects_only_the_row_with_another_birthday(
    shared: Shared,
) -> None:
    first, second = shared.first, shared.second
    assert first.nhs_number is not None and second.nhs_number is not None
    file = _file(
        _row(0, first.nhs_number, first.date_of_birth),
        _row(1, synthetic_nhs_number(), date(1961, 3, 4), "Ivy", "Ashdown"),
        _row(2, second.nhs_number, date(1990, 1, 1)),
    )
    with shared.database.session() as session:
        checked = referral_import.preview(session, shared.b_worker, file, TODAY)
    [rejected] = checked.rejected
    assert (rejected.line, rejected.reason) == (4, people.OTHER_BIRTHDAY)
    assert not any(private in repr(checked).casefold() for private in _private(second))

    with shared.database.session() as session:
        result = referral_import.commit(session, shared.b_worker, file, TODAY)
    assert (result.imported, result.new_people, result.rejected) == (2, 2, 1)
    with shared.database.session() as session:
        taken = people.find_by_nhs_number(session, shared.b_worker, first.nhs_number)
        assert taken is not None and taken.id == first.id
        stored = session.get_one(Patient, first.id)
        assert (stored.given_name, stored.family_name) == (first.given_name, first.family_name)
        assert people.find_by_nhs_number(session, shared.b_worker, second.nhs_number) is None
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "patient", AuditEvent.entity_id == first.id)
        ).all()[-1:] == ["person_taken_on"]
        referred = session.scalars(select(Referral.pcn_id).where(Referral.patient_id == first.id)).all()
    assert sorted(referred) == sorted([shared.a_pcn, shared.b_worker.pcn_id])


def test_the_person_taken_on_is_then_one_of_the_pcns_own_and_a_new_name_is_a_change_of_name(
    shared: Shared,
) -> None:
    """Once the import's referral has put them on PCN B's list, B sees them as A does: a later
    file under another name asks whether it is a change of name, showing the name on record."""
    person = shared.first
    assert person.nhs_number is not None
    with shared.database.session() as session:
        referral_import.commit(
            session, shared.b_worker, _file(_row(0, person.nhs_number, person.date_of_birth)), TODAY
        )
    later = _file(
        _row(0, person.nhs_number, person.date_of_birth)
        | {"Referral date": (TODAY - timedelta(days=1)).isoformat()}
    )
    with shared.database.session() as session:
        checked = referral_import.preview(session, shared.b_worker, later, TODAY)
    [change] = checked.name_changes
    assert change.person_id == person.id
    assert (change.recorded.given_name, change.recorded.family_name) == (
        person.given_name,
        person.family_name,
    )
