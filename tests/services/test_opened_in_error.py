"""A case opened in error (issue 15): closed with that reason it leaves every figure, as if it
had never been made. Each figure is read with the PCN's real case alone, again with a mistaken
case made beside it (a referral with needs, a call that reached the person, wellbeing measures, a
connection, a follow-up), which must change each figure, and once more after the mistaken case
is closed as opened in error, which must give back the first reading exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from linkworker.domain.casework import ContactKind, FollowUpKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import (
    CaseStatus,
    ClosingReason,
    check_move,
    counts_in_figures,
    ending_status,
)
from linkworker.domain.roles import Role
from linkworker.reports import gp_letter
from linkworker.services.actor import Actor
from linkworker.services.cases import caseload, gp_record
from linkworker.services.cases.caseload import CaseloadQuery, Scope
from linkworker.services.cases.casework import (
    ContactEntry,
    MeasureEntry,
    add_contact,
    assign_worker,
    move_status,
    record_measure,
)
from linkworker.services.cases.connections import make_connection, record_outcome
from linkworker.services.cases.follow_ups import NewFollowUp, schedule
from linkworker.services.network import network, overview
from linkworker.services.summary import summary
from linkworker.store.database import Database
from linkworker.store.models import Referral, Service
from tests.services.casework_builder import new_case

S, R = CaseStatus, ClosingReason


def test_opened_in_error_is_a_way_to_close_that_counts_in_no_figure() -> None:
    assert ending_status(R.OPENED_IN_ERROR) is S.CLOSED
    for status in (S.REFERRED, S.CONTACTED, S.ASSESSED, S.CONNECTED):
        assert check_move(status, S.CLOSED, R.OPENED_IN_ERROR) is R.OPENED_IN_ERROR
    with pytest.raises(ValidationError):
        check_move(S.REFERRED, S.DECLINED, R.OPENED_IN_ERROR)
    assert [reason for reason in ClosingReason if not counts_in_figures(reason)] == [R.OPENED_IN_ERROR]
    assert counts_in_figures(None)


def _version(database: Database, case: int) -> int:
    with database.session() as session:
        return session.scalars(select(Referral.version_id).where(Referral.id == case)).one()


def _worked(database: Database, worker: Actor, case: int, service: int) -> None:
    """A call that reached the person, both wellbeing measures twice, a connection to the service
    they attended, a follow-up."""
    with database.session() as session:
        add_contact(
            session,
            worker,
            case,
            ContactEntry(ContactKind.PHONE, datetime.now(UTC) - timedelta(minutes=9), 20),
        )
        for stage, answers in ((MeasureStage.BASELINE, (3, 4, 3, 8)), (MeasureStage.FOLLOW_UP, (7, 8, 7, 3))):
            record_measure(session, worker, case, MeasureEntry(Instrument.ONS4, stage, date.today(), answers))
        for stage, answers in ((MeasureStage.BASELINE, (2,) * 7), (MeasureStage.FOLLOW_UP, (4,) * 7)):
            record_measure(
                session, worker, case, MeasureEntry(Instrument.SWEMWBS, stage, date.today(), answers)
            )
        made = make_connection(session, worker, case, service, ConnectionStatus.REFERRED, date.today())
        record_outcome(session, worker, made.id, made.version, ConnectionStatus.ATTENDED, date.today(), None)
        schedule(
            session,
            worker,
            case,
            NewFollowUp(date.today() + timedelta(days=2), FollowUpKind.CALL, worker.user_id),
        )


def _figures(database: Database, worker: Actor) -> dict[str, Any]:
    """Every figure the PCN's screens and its monthly summary show, as a link worker reads them
    (exactly: the disclosure rule would hide a difference of one)."""
    with database.session() as session:
        made = summary.build(session, worker, date.today().replace(day=1))
        return {
            **{f"summary: {figure.label}": figure for figure in made.key_figures},
            **{f"summary: {table.title}": table for table in made.tables},
            "summary trend": made.trend,
            "overview": overview.overview(session, worker),
            "network figures": network.figures(session, worker),
            "network open cases (workload)": network.open_cases(session, worker),
            "open cases of the PCN": caseload.count(session, worker, CaseloadQuery(scope=Scope.PCN)),
            "my open cases": caseload.count(session, worker, CaseloadQuery()),
        }


def test_a_case_closed_as_opened_in_error_leaves_every_figure(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    real = new_case(database, worker, received_days_ago=0)
    with database.session() as session:
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
    _worked(database, worker, real, service_id)
    before = _figures(database, worker)

    mistaken = new_case(database, worker, given_name="Orlagh", received_days_ago=0, needs=("debt_money",))
    with database.session() as session:
        assign_worker(session, worker, mistaken, _version(database, mistaken), worker.user_id)
    _worked(database, worker, mistaken, service_id)
    during = _figures(database, worker)
    unchanged = [name for name in before if during[name] == before[name]]
    # Each figure counts the mistaken case while it stands; but nothing has ended yet, so those
    # ending in the month are the same (closed in error, the case must not join them).
    # No practice population is imported here, so the rates per 1,000 patients and the Core20
    # shares have no denominator and show nothing either way.
    assert unchanged == [
        "summary: Cases ended",
        "summary: Median contacts per ended case",
        "summary: Declines",
        "summary: Cases ended by reason",
        "summary: New referrals per 1,000 registered patients, by practice and quintile",
        "summary: Core20: referrals from the most deprived 20% of areas",
    ]

    with database.session() as session:
        move_status(session, worker, mistaken, _version(database, mistaken), S.CLOSED, R.OPENED_IN_ERROR)
    after = _figures(database, worker)
    for name in before:
        assert after[name] == before[name], name


def test_the_letter_of_a_case_closed_in_error_says_so(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    case = new_case(database, worker)
    with database.session() as session:
        move_status(session, worker, case, _version(database, case), S.CLOSED, R.OPENED_IN_ERROR)
    with database.session() as session:
        letter = gp_record.letter(session, worker, case)
    assert letter.status.closing_reason is R.OPENED_IN_ERROR
    assert gp_letter.render(letter).startswith(b"%PDF")
