"""A case closed as opened in error counts nowhere (issue 15), beyond the summary and the Overview
(tests/services/test_opened_in_error.py): how many referrals record a local need, a service's use
in the directory, the attendance record matching ranks by, and the codes for the GP record.

Each count is read with the PCN's real case alone, again with a mistaken case beside it (which
must change it), and once more after the mistaken case is closed as opened in error (which must
give back the first reading exactly)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from linkworker.domain.casework import ContactKind
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import gp_record, matching, needs
from linkworker.services.cases.casework import ContactEntry, add_contact, move_status
from linkworker.services.cases.connections import make_connection, record_outcome, service_usage
from linkworker.store.database import Database
from linkworker.store.models import Referral, Service
from tests.services.casework_builder import new_case


def _version(database: Database, case: int) -> int:
    with database.session() as session:
        return session.scalars(select(Referral.version_id).where(Referral.id == case)).one()


def _worked(database: Database, worker: Actor, case: int, service: int) -> None:
    """A call that reached the person, and a connection to the service they attended."""
    with database.session() as session:
        add_contact(
            session,
            worker,
            case,
            ContactEntry(ContactKind.PHONE, datetime.now(UTC) - timedelta(minutes=9), 20),
        )
        made = make_connection(session, worker, case, service, ConnectionStatus.REFERRED, date.today())
        record_outcome(session, worker, made.id, made.version, ConnectionStatus.ATTENDED, date.today(), None)


def _counts(database: Database, actors: dict[Role, Actor], service: int) -> dict[str, Any]:
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    with database.session() as session:
        return {
            "local need (worker)": [need.referrals for need in needs.local_needs(session, worker)],
            "local need (manager)": [need.referrals for need in needs.local_needs(session, manager)],
            "service usage (worker)": service_usage(session, worker, service),
            "service usage (manager)": service_usage(session, manager, service),
            "matching history": matching.history(session, worker).track(service),
        }


def test_a_case_closed_in_error_leaves_need_counts_service_use_and_matching_history(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        hoarding = needs.add_local_need(session, actors[Role.MANAGER], "Hoarding").code
        service = Service(
            pcn_id=worker.pcn_id,
            organisation_name="Maidstone Community Trust",
            name="Men in Sheds",
            cost_kind=CostKind.FREE.value,
            status=ServiceStatus.ACTIVE.value,
        )
        session.add(service)
        session.flush()
        service_id = service.id
    real = new_case(database, worker, needs=("loneliness",))
    _worked(database, worker, real, service_id)
    before = _counts(database, actors, service_id)

    mistaken = new_case(database, worker, given_name="Orlagh", needs=(hoarding,))
    _worked(database, worker, mistaken, service_id)
    during = _counts(database, actors, service_id)
    changed = [name for name in before if during[name] != before[name]]
    assert changed == [
        "local need (worker)",
        "local need (manager)",
        "service usage (worker)",
        "matching history",
    ]

    with database.session() as session:
        move_status(
            session,
            worker,
            mistaken,
            _version(database, mistaken),
            CaseStatus.CLOSED,
            ClosingReason.OPENED_IN_ERROR,
        )
    after = _counts(database, actors, service_id)
    for name in before:
        assert after[name] == before[name], name


def test_a_case_closed_in_error_is_due_no_gp_code_and_keeps_one_entered(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    mistaken = new_case(database, worker)
    entered = new_case(database, worker, given_name="Orlagh")
    for case in (mistaken, entered):
        with database.session() as session:
            add_contact(
                session,
                worker,
                case,
                ContactEntry(ContactKind.PHONE, datetime.now(UTC) - timedelta(minutes=9), 20),
            )
    with database.session() as session:
        (due,) = gp_record.codes_due(session, worker, entered)
        gp_record.mark_entered(session, worker, entered, due.code)
    for case in (mistaken, entered):
        with database.session() as session:
            move_status(
                session,
                worker,
                case,
                _version(database, case),
                CaseStatus.CLOSED,
                ClosingReason.OPENED_IN_ERROR,
            )

    with database.session() as session:
        assert gp_record.codes_due(session, worker, mistaken) == []
        (kept,) = gp_record.codes_due(session, worker, entered)
        with pytest.raises(ValidationError, match="opened in error"):
            gp_record.mark_entered(session, worker, mistaken, due.code)
    assert kept.code == due.code and kept.entered and not kept.due
