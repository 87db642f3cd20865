"""A contact that reached the person moves a referred case to contacted in the same save (issue
15), so the case's status, the letter to the GP and the figures say the same thing: a phone call
counted as a first contact in the summary no longer leaves the case "referred" on the letter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.case_entries import TIMED_KINDS
from linkworker.domain.casework import ContactKind
from linkworker.domain.gp_codes import reaches
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import gp_record
from linkworker.services.cases.case_record import open_case
from linkworker.services.cases.casework import CaseChanged, ContactEntry, add_contact
from linkworker.services.network import network
from linkworker.services.summary import summary
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Contact, Referral, StatusChange
from tests.services.casework_builder import new_case, past_status

REACHING = [kind for kind in ContactKind if reaches(kind)]
NOT_REACHING = [kind for kind in ContactKind if not reaches(kind)]


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


def _entry(kind: ContactKind) -> ContactEntry:
    minutes = 20 if kind in TIMED_KINDS else None
    return ContactEntry(kind, datetime.now(UTC) - timedelta(minutes=5), minutes)


def _status(database: Database, case: int) -> CaseStatus:
    with database.session() as session:
        return CaseStatus(session.scalars(select(Referral.status).where(Referral.id == case)).one())


def _moves(database: Database, case: int) -> list[tuple[str | None, str, int | None]]:
    with database.session() as session:
        return [
            (move.from_status, move.to_status, move.changed_by_id)
            for move in session.scalars(
                select(StatusChange).where(StatusChange.referral_id == case).order_by(StatusChange.id)
            )
        ]


def _add(database: Database, actor: Actor, case: int, kind: ContactKind) -> None:
    with database.session() as session:
        add_contact(session, actor, case, _entry(kind))


def test_the_kinds_that_reach_the_person_are_the_four_the_issue_names_and_a_text() -> None:
    """gp_codes.reaches decides for the figures and the GP codes; the move follows it."""
    assert set(NOT_REACHING) == {ContactKind.UNABLE_TO_CONTACT, ContactKind.DID_NOT_ATTEND}
    assert {ContactKind.PHONE, ContactKind.FACE_TO_FACE, ContactKind.HOME_VISIT, ContactKind.VIDEO} <= set(
        REACHING
    )


@pytest.mark.parametrize("kind", REACHING)
def test_a_contact_that_reached_the_person_moves_a_referred_case_to_contacted(
    database: Database, worker: Actor, kind: ContactKind
) -> None:
    case = new_case(database, worker)
    _add(database, worker, case, kind)
    assert _status(database, case) is CaseStatus.CONTACTED
    assert _moves(database, case) == [
        (None, "referred", worker.user_id),
        ("referred", "contacted", worker.user_id),
    ]
    with database.session() as session:
        [contact_id] = session.scalars(select(Contact.id).where(Contact.referral_id == case))
        details = [
            (event.action, event.detail)
            for event in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "referral", AuditEvent.entity_id == case)
                .order_by(AuditEvent.id)
            )
        ][1:]
    assert details == [
        ("contact_added", f"contact {contact_id}, {kind.value}"),
        ("case_status_changed", f"referred -> contacted (contact {contact_id})"),
    ]


@pytest.mark.parametrize("kind", NOT_REACHING)
def test_a_contact_that_did_not_reach_them_leaves_the_case_referred(
    database: Database, worker: Actor, kind: ContactKind
) -> None:
    case = new_case(database, worker)
    _add(database, worker, case, kind)
    assert _status(database, case) is CaseStatus.REFERRED
    assert len(_moves(database, case)) == 1


@pytest.mark.parametrize("status", [CaseStatus.CONTACTED, CaseStatus.ASSESSED, CaseStatus.CONNECTED])
def test_a_case_further_on_stays_where_it_is(database: Database, worker: Actor, status: CaseStatus) -> None:
    case = new_case(database, worker)
    past_status(database, case, worker, 3, status)
    _add(database, worker, case, ContactKind.PHONE)
    assert _status(database, case) is status
    assert len(_moves(database, case)) == 2


def test_the_letter_and_the_figures_then_agree(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = new_case(database, worker, received_days_ago=0)
    _add(database, worker, case, ContactKind.VIDEO)
    today = datetime.now().astimezone().date()
    with database.session() as session:
        letter = gp_record.letter(session, worker, case)
        cases = network.open_cases(session, worker)
        made = summary.build(session, worker, today.replace(day=1))
    assert letter.status.status is CaseStatus.CONTACTED
    by_status = dict(zip(network.OPEN_STATUSES, cases.by_status, strict=True))
    assert by_status[CaseStatus.CONTACTED].exact == 1 and by_status[CaseStatus.REFERRED].exact == 0
    first_contacts = next(figure for figure in made.key_figures if figure.label == "First contacts")
    assert first_contacts.exact == 1


def test_a_colleague_who_moved_the_case_meanwhile_is_told_and_nothing_is_written(
    database: Database, worker: Actor
) -> None:
    """A race on a shared server: their move lands between this save's read and its write."""
    case = new_case(database, worker)

    def race(session: Session) -> None:
        referral = session.get(Referral, case)
        assert referral is not None
        session.execute(Referral.__table__.update().values(version_id=referral.version_id + 1))
        add_contact(session, worker, case, _entry(ContactKind.PHONE))

    with pytest.raises(CaseChanged), database.session() as session:
        race(session)
    with database.session() as session:
        assert session.scalars(select(Contact).where(Contact.referral_id == case)).all() == []
        assert open_case(session, worker, case).header.status is CaseStatus.REFERRED
