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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain.case_entries import parse_text
from linkworker.domain.connections import WAITING, check_made_on, check_outcome, moves_case_on, parse_route
from linkworker.domain.directory import ConnectionStatus, ServiceStatus
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services import audit, casework
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
    """Record that the person was referred or signposted to a service on ``made_on``, by the actor.

    A suggestion of the same service on this case is taken up rather than repeated; a
    connection to it still waiting for its outcome is refused, so it is not counted twice. The
    database refuses that too (a partial unique index), for two people saving at the same
    moment: the one who saves second gets the same refusal, and nothing of theirs is written.
    A case not yet connected moves to connected, recorded as any status move is.
    """
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    referral = case_in_pcn(session, actor, referral_id)
    service = _service_for(session, actor, service_id)
    chosen = parse_route(route)
    made_on = check_made_on(made_on, referral.received_on, date.today())
    if moves_case_on(CaseStatus(referral.status)):
        # Two people connecting a case at once: the second waits here for the first, then finds
        # the case connected, rather than failing on a case moved since it was read.
        session.refresh(referral, with_for_update=True)
    status = CaseStatus(referral.status)
    if not status.is_open:
        raise ServiceError("This case has ended, so no new connection is made on it.")
    if service.status != ServiceStatus.ACTIVE.value:
        raise ServiceError(
            f"{service.name} is {service.status.replace('_', ' ')} in the directory, "
            "so no one can be connected to it now."
        )
    _refuse_repeat(session, referral.id, service)
    suggested = session.scalars(
        select(Connection)
        .where(
            Connection.referral_id == referral.id,
            Connection.service_id == service.id,
            Connection.status == ConnectionStatus.SUGGESTED.value,
        )
        .order_by(Connection.id)
        .limit(1)
    ).first()
    row = suggested or Connection(referral_id=referral.id, service_id=service.id)
    try:
        with session.begin_nested():  # on a refusal, the rest of the caller's work stands
            row.route = row.status = chosen.value
            row.made_on = row.status_on = made_on
            row.made_by_id = row.recorded_by_id = actor.user_id
            session.add(row)
            session.flush()
    except IntegrityError:
        _refuse_repeat(session, referral.id, service)  # another user's, saved since the check
        raise
    except StaleDataError:
        raise StaleEdit("connection") from None
    detail = f"connection {row.id} to service {service.id}, {chosen.value}"
    audit.record(session, actor, "connection_made", "referral", referral.id, detail)
    if moves_case_on(status):
        casework.move_status(session, actor, referral.id, referral.version_id, CaseStatus.CONNECTED)
    return connection_record(row, service, Names(session))


def _refuse_repeat(session: Session, referral_id: int, service: Service) -> None:
    """Refuse a second connection to the service while one is still waiting for its outcome."""
    waiting = session.scalars(
        select(Connection)
        .where(
            Connection.referral_id == referral_id,
            Connection.service_id == service.id,
            Connection.status.in_([status.value for status in WAITING]),
        )
        .limit(1)
    ).first()
    if waiting is not None:
        raise ServiceError(
            f"Already {waiting.status} to {service.name} on {waiting.made_on.day} {waiting.made_on:%b %Y}; "
            "record its outcome first."
        )


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
