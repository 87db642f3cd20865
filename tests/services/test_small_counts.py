"""No count from 1 to 7 of people reaches a PCN manager (issue 13), wherever they look.

A PCN holds 1 to 7 people, each with an open case of the one link worker, an overdue follow-up,
a local need, and a connection to one service that they attended: every figure of people is
then 1 to 7. Each figure a manager is given (the Network screen, the Overview, a service's use
in the directory, the PCN's own needs) is walked for every count in it: none is a number from 1
to 7, each is under the PCN's rule. The link worker, who may open the records counted, is given
the same counts exactly, so the walk does find the small counts where they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from linkworker.domain.breakdowns import Count
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import connections, needs
from linkworker.services.directory import directory
from linkworker.services.errors import PermissionDenied
from linkworker.services.network import network, overview
from linkworker.store.database import Database
from linkworker.store.models import Connection, FollowUp, Referral, Service
from tests.conftest import WORKER_PASSWORD
from tests.services.casework_builder import new_case

TODAY = date.today()
SMALL = [str(number) for number in range(1, 8)]

# What a manager looks at, each called as the reader given.
FIGURES = {
    "network figures": lambda session, reader, pcn: network.figures(session, reader, TODAY),
    "network open cases": lambda session, reader, pcn: network.open_cases(session, reader),
    "overview": lambda session, reader, pcn: overview.overview(session, reader, TODAY),
    "a service's use": lambda session, reader, pcn: connections.service_usage(session, reader, pcn.service),
    "a service in the directory": lambda session, reader, pcn: directory.get_service(
        session, reader, pcn.service, today=TODAY
    ),
    "the PCN's own needs": lambda session, reader, pcn: needs.local_needs(session, reader),
}


@dataclasses.dataclass(frozen=True)
class SmallPcn:
    people: int
    service: int
    worker: Actor
    manager: Actor


@pytest.fixture(params=range(1, 8), ids=[f"{n} people" for n in range(1, 8)])
def small_pcn(request: pytest.FixtureRequest, database: Database, actors: dict[Role, Actor]) -> SmallPcn:
    people = request.param
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    with database.session() as session:
        need = needs.add_local_need(session, manager, "Allotment wait").code
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
    for index in range(people):
        case = new_case(database, worker, family_name=f"Quennell-{'abcdefg'[index]}", needs=(need,))
        with database.session() as session:
            _work_on(session, worker, case, service_id)
    return SmallPcn(people, service_id, worker, manager)


def _work_on(session: Session, worker: Actor, case: int, service_id: int) -> None:
    """The worker's open case, with a follow-up gone past its day and the service attended."""
    session.get_one(Referral, case).assigned_worker_id = worker.user_id
    session.add(
        FollowUp(
            referral_id=case,
            due_on=TODAY - timedelta(days=2),
            kind=FollowUpKind.CALL.value,
            owner_id=worker.user_id,
        )
    )
    session.add(
        Connection(
            referral_id=case,
            service_id=service_id,
            route=ConnectionStatus.REFERRED.value,
            made_on=TODAY - timedelta(days=10),
            status=ConnectionStatus.ATTENDED.value,
            status_on=TODAY - timedelta(days=3),
            recorded_by_id=worker.user_id,
        )
    )


def counts_in(value: object) -> Iterator[Count]:
    """Every Count in a service's answer, however deep."""
    if isinstance(value, Count):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from counts_in(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from counts_in(item)


def shown(database: Database, figure: str, reader: Actor, pcn: SmallPcn) -> list[Count]:
    with database.session() as session:
        return list(counts_in(FIGURES[figure](session, reader, pcn)))


@pytest.mark.parametrize("figure", FIGURES)
def test_a_manager_sees_no_count_from_1_to_7(database: Database, small_pcn: SmallPcn, figure: str) -> None:
    seen = shown(database, figure, small_pcn.manager, small_pcn)
    assert seen, "the figure holds counts"
    for count in seen:
        assert count.exact is None
        assert count.text.replace(",", "") not in SMALL


@pytest.mark.parametrize("figure", FIGURES)
def test_a_link_worker_is_given_the_small_counts_exactly(
    database: Database, small_pcn: SmallPcn, figure: str
) -> None:
    """The same figure for a reader of records: it does hold the PCN's small counts."""
    seen = shown(database, figure, small_pcn.worker, small_pcn)
    assert small_pcn.people in {count.exact for count in seen}


def test_a_manager_moving_work_is_not_given_a_workers_exact_load(
    database: Database, small_pcn: SmallPcn, actors: dict[Role, Actor]
) -> None:
    """No list of the worker's cases one by one (its length would be their load): a manager moves
    their whole work, or a number of their oldest cases, and is told what moved under the rule."""
    manager, worker, admin = small_pcn.manager, small_pcn.worker, actors[Role.ADMIN]
    with database.session() as session:
        second = create_user(
            session, admin, NewUser("second", "Bea Second", Role.LINK_WORKER, WORKER_PASSWORD)
        )
    with database.session() as session, pytest.raises(PermissionDenied):
        network.work_of(session, manager, worker.user_id, TODAY)
    with database.session() as session:
        moved = network.move_share(session, manager, worker.user_id, second.id, None)
    for count in (moved.cases, moved.follow_ups):
        assert count.exact is None and count.text not in SMALL
    # A reader of records moving the work back is told exactly how much it was.
    with database.session() as session:
        back = network.move_share(session, admin, second.id, worker.user_id, None)
    assert (back.cases.exact, back.follow_ups.exact) == (small_pcn.people, small_pcn.people)
