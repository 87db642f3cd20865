"""Before a person is referred again: their open cases in this PCN, so the form can warn and offer
to open the case instead (issue 15). Only the PCN's own cases, only open ones, newest first; a
person not on the PCN's list is refused as for someone never recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import referrals
from linkworker.services.cases.casework import assign_worker, move_status
from linkworker.services.errors import NotFound, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Practice, Referral
from tests.services.casework_builder import new_case


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


def _person_of(database: Database, case: int) -> int:
    with database.session() as session:
        return session.scalars(select(Referral.patient_id).where(Referral.id == case)).one()


def _refer_again(database: Database, worker: Actor, case: int, days_ago: int) -> int:
    """Another referral of the same person, received ``days_ago`` days back."""
    with database.session() as session:
        first = session.get(Referral, case)
        assert first is not None
        again = Referral(
            patient_id=first.patient_id,
            pcn_id=first.pcn_id,
            referring_practice_id=first.referring_practice_id,
            source=first.source,
            received_on=date.today() - timedelta(days=days_ago),
            urgency=first.urgency,
            status=CaseStatus.REFERRED.value,
        )
        session.add(again)
        session.flush()
        return again.id


def _version(database: Database, case: int) -> int:
    with database.session() as session:
        return session.scalars(select(Referral.version_id).where(Referral.id == case)).one()


def _open_cases(database: Database, actor: Actor, person: int) -> list[referrals.OpenCase]:
    with database.session() as session:
        return referrals.open_cases_of(session, actor, person)


def test_a_persons_open_cases_are_listed_newest_first_with_who_holds_them(
    database: Database, worker: Actor
) -> None:
    case = new_case(database, worker, received_days_ago=40)
    person = _person_of(database, case)
    newer = _refer_again(database, worker, case, 3)
    ended = _refer_again(database, worker, case, 10)
    with database.session() as session:
        assign_worker(session, worker, case, _version(database, case), worker.user_id)
    with database.session() as session:
        move_status(
            session, worker, ended, _version(database, ended), CaseStatus.CLOSED, ClosingReason.GOALS_MET
        )
    assert _open_cases(database, worker, person) == [
        referrals.OpenCase(
            newer, f"LW-{newer:06d}", CaseStatus.REFERRED, date.today() - timedelta(days=3), None
        ),
        referrals.OpenCase(
            case, f"LW-{case:06d}", CaseStatus.REFERRED, date.today() - timedelta(days=40), "Wren Worker"
        ),
    ]


def test_a_person_with_no_open_case_has_none_and_the_look_up_is_audited_without_details(
    database: Database, worker: Actor
) -> None:
    case = new_case(database, worker)
    person = _person_of(database, case)
    with database.session() as session:
        move_status(
            session, worker, case, _version(database, case), CaseStatus.CLOSED, ClosingReason.OPENED_IN_ERROR
        )
    assert _open_cases(database, worker, person) == []
    with database.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.action, last.entity, last.entity_id, last.detail) == (
        "person_viewed",
        "patient",
        person,
        "open cases",
    )


def test_another_pcns_case_of_the_same_person_is_not_told(
    database: Database, actors: dict[Role, Actor], worker: Actor
) -> None:
    """Their case elsewhere on a shared server is not this PCN's to know of (they are still on
    this PCN's list: registered at one of its practices)."""
    case = new_case(database, worker)
    person = _person_of(database, case)
    with database.session() as session:
        elsewhere = Pcn(name="Other Side PCN", ods_code="U99902")
        elsewhere.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
        session.add(elsewhere)
        session.flush()
        moved = session.get(Referral, case)
        assert moved is not None
        moved.pcn_id, moved.referring_practice_id = elsewhere.id, elsewhere.practices[0].id
    assert _open_cases(database, worker, person) == []


def test_a_person_not_on_the_list_or_a_role_that_sees_no_records_is_refused(
    database: Database, actors: dict[Role, Actor], worker: Actor
) -> None:
    person = _person_of(database, new_case(database, worker))
    with pytest.raises(NotFound):
        _open_cases(database, worker, person + 1000)
    with pytest.raises(PermissionDenied):
        _open_cases(database, actors[Role.MANAGER], person)
