"""Connecting a person to a service, recording how it went, and how much a service is used.

Making a connection and recording its outcome act on an identifiable case, so they need a
role that edits cases; both follow ``domain.connections`` and go to the audit trail with the
case's id, the connection's and the service's, never the feedback written. How often a service
has been used is a count of this PCN's people, for anyone who sees anonymised figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain.case_entries import parse_text
from linkworker.domain.connections import check_made_on, check_outcome, is_waiting, parse_route
from linkworker.domain.directory import ConnectionStatus, ServiceStatus
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.case_record import ConnectionRecord, Names, case_in_pcn, connection_record
from linkworker.services.errors import NotFound, ServiceError, StaleEdit
from linkworker.store.models import Connection, Referral, Service


@dataclass(frozen=True)
class ServiceUsage:
    """How many of this PCN's people a service has been used for, and how many of them attended."""

    people: int
    attended: int


def make_connection(
    session: Session,
    actor: Actor,
    referral_id: int,
    service_id: int,
    route: ConnectionStatus | str,
    made_on: date,
) -> ConnectionRecord:
    """Record that the person was referred or signposted to a service on ``made_on``.

    A suggestion of the same service on this case is taken up rather than repeated; a
    connection to it still waiting for its outcome is refused, so it is not counted twice.
    """
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    referral = case_in_pcn(session, actor, referral_id)
    service = _service_for(session, actor, service_id)
    chosen = parse_route(route)
    made_on = check_made_on(made_on, referral.received_on, date.today())
    if not CaseStatus(referral.status).is_open:
        raise ServiceError("This case has ended, so no new connection is made on it.")
    if service.status != ServiceStatus.ACTIVE.value:
        raise ServiceError(
            f"{service.name} is {service.status.replace('_', ' ')} in the directory, "
            "so no one can be connected to it now."
        )
    existing = list(
        session.scalars(
            select(Connection)
            .where(Connection.referral_id == referral.id, Connection.service_id == service.id)
            .order_by(Connection.id)
        )
    )
    waiting = [row for row in existing if is_waiting(ConnectionStatus(row.status))]
    if waiting:
        raise ServiceError(
            f"This person was already {waiting[0].status} to {service.name} on "
            f"{waiting[0].made_on:%d/%m/%Y}: record how that went instead."
        )
    suggested = [row for row in existing if row.status == ConnectionStatus.SUGGESTED.value]
    row = suggested[0] if suggested else Connection(referral_id=referral.id, service_id=service.id)
    row.route = row.status = chosen.value
    row.made_on = row.status_on = made_on
    row.recorded_by_id = actor.user_id
    if not suggested:
        session.add(row)
    _flush(session)
    detail = f"connection {row.id} to service {service.id}, {chosen.value}"
    audit.record(session, actor, "connection_made", "referral", referral.id, detail)
    return connection_record(row, service, Names(session))


def record_outcome(
    session: Session,
    actor: Actor,
    connection_id: int,
    version: int,
    status: ConnectionStatus | str,
    on: date,
    feedback: str | None,
) -> ConnectionRecord:
    """Record how a connection went (attended, did not attend, declined) on ``on``, with feedback,
    over the version the user saw: if someone else recorded one since, ``StaleEdit``."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    row = session.get(Connection, connection_id)
    referral = session.get(Referral, row.referral_id) if row is not None else None
    if row is None or referral is None or referral.pcn_id != actor.pcn_id:
        raise NotFound("That connection is not in your PCN's records.")
    if row.version_id != version:
        raise StaleEdit("connection")
    outcome = check_outcome(
        ConnectionStatus(row.status), status, on, row.made_on, row.status_on, date.today()
    )
    row.status = outcome.value
    row.status_on = on
    row.feedback = parse_text(feedback, "feedback", "feedback")
    row.recorded_by_id = actor.user_id
    _flush(session)
    detail = f"connection {row.id}, {outcome.value}"
    audit.record(session, actor, "connection_outcome", "referral", referral.id, detail)
    service = session.get(Service, row.service_id)
    assert service is not None
    return connection_record(row, service, Names(session))


def service_usage(session: Session, actor: Actor, service_id: int) -> ServiceUsage:
    """How many of the actor's PCN's people have been connected to the service (a suggestion
    is not a connection), and how many of them attended it."""
    actor.require(Permission.SEE_AGGREGATES)
    service = _service_for(session, actor, service_id)
    connected = (
        select(Referral.patient_id, Connection.status)
        .join(Referral, Referral.id == Connection.referral_id)
        .where(
            Connection.service_id == service.id,
            Referral.pcn_id == actor.pcn_id,
            Connection.status != ConnectionStatus.SUGGESTED.value,
        )
        .subquery()
    )
    attended = case((connected.c.status == ConnectionStatus.ATTENDED.value, connected.c.patient_id))
    people, went = session.execute(
        select(func.count(distinct(connected.c.patient_id)), func.count(distinct(attended)))
    ).one()
    return ServiceUsage(people, went)


def _service_for(session: Session, actor: Actor, service_id: int) -> Service:
    """A service of the actor's directory: the PCN's own, or one shared across the server."""
    service = session.get(Service, service_id)
    if service is None or service.pcn_id not in (None, actor.pcn_id):
        raise NotFound("That service is not in your directory.")
    return service


def _flush(session: Session) -> None:
    """Write now, so a change that lost a race with another user's is refused, not merged."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit("connection") from None
