"""Finding a person by NHS number: only for roles that see identifiable records, always audited,
and the audit trail records which record was seen, never what was in it."""

from __future__ import annotations

from datetime import date
from itertools import islice

import pytest
from sqlalchemy import func, select

from linkworker.domain import nhs_number
from linkworker.domain.errors import ValidationError
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.roles import Permission, Role
from linkworker.services.actor import Actor
from linkworker.services.cases.people import PersonSummary, find_by_nhs_number
from linkworker.services.errors import PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, Practice

NUMBER, OTHER_NUMBER = islice(nhs_number.synthetic_numbers(31_415), 2)


def add_patient(database: Database) -> int:
    with database.session() as session:
        practice_id = session.scalar(select(Practice.id).where(Practice.ods_code == "G99002"))
        patient = Patient(
            nhs_number=NUMBER,
            given_name="Orla",
            family_name="Fenwick-Hale",
            date_of_birth=date(1948, 11, 2),
            sex=Sex.FEMALE.value,
            ethnic_category=EthnicCategory.B.value,
            postcode="ME15 6AA",
            registered_practice_id=practice_id,
        )
        session.add(patient)
        session.flush()
        return patient.id


def audit_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_a_link_worker_finds_a_person_and_the_look_up_is_audited(
    database: Database, actors: dict[Role, Actor]
) -> None:
    patient_id = add_patient(database)
    worker = actors[Role.LINK_WORKER]

    with database.session() as session:
        found = find_by_nhs_number(session, worker, nhs_number.formatted(NUMBER))

    assert found == PersonSummary(
        patient_id, NUMBER, "Orla", "Fenwick-Hale", date(1948, 11, 2), "ME15 6AA", "Hilltop Practice"
    )
    with database.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.entity, event.entity_id) == ("person_viewed", "patient", patient_id)
    assert (event.user_id, event.username) == (worker.user_id, "worker")
    recorded = " ".join(str(value) for value in (event.detail, event.username, event.entity))
    for personal in (NUMBER, "Orla", "Fenwick", "1948", "ME15"):
        assert personal not in recorded


def test_an_admin_may_also_look_up_a_person(database: Database, actors: dict[Role, Actor]) -> None:
    add_patient(database)
    with database.session() as session:
        found = find_by_nhs_number(session, actors[Role.ADMIN], NUMBER)
    assert found is not None and found.family_name == "Fenwick-Hale"


def test_a_manager_is_refused_and_nothing_is_recorded(database: Database, actors: dict[Role, Actor]) -> None:
    add_patient(database)
    manager = actors[Role.MANAGER]
    before = audit_count(database)
    # The window catches the refusal inside its unit of work, which then commits: the service
    # itself must have added nothing.
    with database.session() as session, pytest.raises(PermissionDenied) as raised:
        find_by_nhs_number(session, manager, NUMBER)
    assert raised.value.role is Role.MANAGER
    assert raised.value.permission is Permission.SEE_IDENTIFIABLE
    assert str(raised.value) == "Your role (PCN manager) does not allow you to see identifiable records."
    assert audit_count(database) == before


def test_no_match_is_none(database: Database, actors: dict[Role, Actor]) -> None:
    add_patient(database)
    with database.session() as session:
        assert find_by_nhs_number(session, actors[Role.LINK_WORKER], OTHER_NUMBER) is None


def test_a_mistyped_number_is_refused_before_any_search(
    database: Database, actors: dict[Role, Actor]
) -> None:
    wrong_digit = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)
    with database.session() as session, pytest.raises(ValidationError, match="not a valid NHS number"):
        find_by_nhs_number(session, actors[Role.LINK_WORKER], wrong_digit)
