"""Connecting a person to a service, recording how it went, and how much a service is used.

Making a connection and recording its outcome act on an identifiable case, so they need a
role that edits cases; both follow ``domain.connections`` (and a connection's method and note
``domain.connection_methods``) and go to the audit trail with the case's id, the connection's
and the service's, never the note or feedback written. How often a service
has been used is a count of this PCN's people, for anyone who sees anonymised figures: exactly
for a role that may see records, under the PCN's disclosure rule for others (a PCN manager), so
"used for 1" reads as "used for *". Its two counts (people connected, and those of them who
attended) are not parts of a shown total: the people who did not attend are never shown, and
the first less the second ranges over at least 9 values (or starts at 0), so it pins no one.
Nor do they add up across services (a person may use several) or to the monthly summary's
connections (connections made in a month, not people ever connected).

An outcome is recorded over the version of the connection the user saw. If someone else changed
it since (before this save, or in a race with it on a shared server), nothing is written and
``ConnectionChanged`` says who recorded what and when, read from the connection's audit trail
(or, failing that, from who recorded its latest state): never patient details or feedback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain.breakdowns import Count, alone, rule_reading
from linkworker.domain.case_entries import parse_text
from linkworker.domain.connection_methods import ConnectionMethod, parse_method, parse_note
from linkworker.domain.connections import (
    OUTCOMES,
    WAITING,
    check_made_on,
    check_outcome,
    moves_case_on,
    parse_route,
)
from linkworker.domain.directory import ConnectionStatus, ServiceStatus
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import ConnectionRecord, Names, case_in_pcn, connection_record
from linkworker.services.cases.casework import CHANGES_TOLD, CaseChange, CaseChanged
from linkworker.services.cases.referrals import counted_in_figures
from linkworker.services.errors import NotFound, ServiceError
from linkworker.services.summary.disclosure import rule_for_reader
from linkworker.store.models import AuditEvent, Connection, Referral, Service

MADE = "connection_made"  # audit actions on a connection, recorded against its case
OUTCOME = "connection_outcome"


@dataclass(frozen=True)
class ServiceUsage:
    """How many of this PCN's people a service has been used for, and how many of them attended,
    as the reader may see them; ``note`` says how to read protected counts (None: exact)."""

    people: Count
    attended: Count
    note: str | None


class ConnectionChanged(CaseChanged):
    """An outcome saved over a connection that was changed after the user opened it.

    ``summary`` says who recorded what, when; ``connection`` is the connection as it now
    stands, so a form can keep the user's entry and apply it over theirs.
    """

    def __init__(self, changes: list[CaseChange], connection: ConnectionRecord) -> None:
        super().__init__("connection", changes)
        self.connection = connection


def make_connection(
    session: Session,
    actor: Actor,
    referral_id: int,
    service_id: int,
    route: ConnectionStatus | str,
    made_on: date,
    *,
    method: ConnectionMethod | str | None = None,
    note: str | None = None,
) -> ConnectionRecord:
    """Record that the person was referred or signposted to a service on ``made_on``, by the actor,
    ``method`` (email, phone, in person...: ``domain.connection_methods``) with the actor's ``note``.
    A caller that does not know the method may leave it None, as older connections have it; the
    form asks for one.

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
    how = parse_method(method, required=False)
    written = parse_note(how, note)
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
    seen = row.version_id if suggested is not None else 0
    try:
        with session.begin_nested():  # on a refusal, the rest of the caller's work stands
            row.route = row.status = chosen.value
            row.made_on = row.status_on = made_on
            row.method = how.value if how is not None else None
            row.note = written
            row.made_by_id = row.recorded_by_id = actor.user_id
            session.add(row)
            session.flush()
    except IntegrityError:
        _refuse_repeat(session, referral.id, service)  # another user's, saved since the check
        raise
    except StaleDataError:  # the suggestion was taken up or turned down since it was read
        _refuse_repeat(session, referral.id, service)
        raise _connection_changed(session, actor, row, seen) from None
    detail = f"connection {row.id} to service {service.id}, {chosen.value}"
    audit.record(session, actor, MADE, "referral", referral.id, detail)
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
    over the version the user saw: if someone else changed it since, ``ConnectionChanged``."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    row = session.get(Connection, connection_id)
    referral = session.get(Referral, row.referral_id) if row is not None else None
    if row is None or referral is None or referral.pcn_id != actor.pcn_id:
        raise NotFound("That connection is not in your PCN's records.")
    if row.version_id != version:
        raise _connection_changed(session, actor, row, version)
    outcome = check_outcome(
        ConnectionStatus(row.status), status, on, row.made_on, row.status_on, date.today()
    )
    written = parse_text(feedback, "feedback", "feedback")
    try:
        with session.begin_nested():  # a lost race undoes only this, so what won can be read
            row.status = outcome.value
            row.status_on = on
            row.feedback = written
            row.recorded_by_id = actor.user_id
            session.flush()
    except StaleDataError:
        raise _connection_changed(session, actor, row, version) from None
    detail = f"connection {row.id}, {outcome.value}"
    audit.record(session, actor, OUTCOME, "referral", referral.id, detail)
    service = session.get(Service, row.service_id)
    assert service is not None
    return connection_record(row, service, Names(session))


def service_usage(session: Session, actor: Actor, service_id: int) -> ServiceUsage:
    """How many of the actor's PCN's people have been connected to the service (a suggestion
    is not a connection), and how many of them attended it; a case closed as opened in error
    counts in no figure (``referrals.counted_in_figures``)."""
    actor.require(Permission.SEE_AGGREGATES)
    service = _service_for(session, actor, service_id)
    connected = (
        select(Referral.patient_id, Connection.status)
        .join(Referral, Referral.id == Connection.referral_id)
        .where(
            Connection.service_id == service.id,
            Referral.pcn_id == actor.pcn_id,
            Connection.status != ConnectionStatus.SUGGESTED.value,
            counted_in_figures(),
        )
        .subquery()
    )
    attended = case((connected.c.status == ConnectionStatus.ATTENDED.value, connected.c.patient_id))
    people, went = session.execute(
        select(func.count(distinct(connected.c.patient_id)), func.count(distinct(attended)))
    ).one()
    rule = rule_for_reader(session, actor)
    return ServiceUsage(alone(people, rule), alone(went, rule), None if rule is None else rule_reading(rule))


def _service_for(session: Session, actor: Actor, service_id: int) -> Service:
    """A service of the actor's directory: the PCN's own, or one shared across the server."""
    service = session.get(Service, service_id)
    if service is None or service.pcn_id not in (None, actor.pcn_id):
        raise NotFound("That service is not in your directory.")
    return service


def _connection_changed(session: Session, actor: Actor, row: Connection, seen: int) -> ConnectionChanged:
    """The refusal of a change over version ``seen`` of the connection: each save of it is one
    version, so the newest of its audit events say what the changes since were."""
    session.refresh(row)
    newer = max(1, min(row.version_id - seen, CHANGES_TOLD))
    names = Names(session)
    events = session.execute(
        select(AuditEvent.user_id, AuditEvent.action, AuditEvent.detail, AuditEvent.occurred_at)
        .where(
            AuditEvent.entity == "referral",
            AuditEvent.entity_id == row.referral_id,
            or_(
                and_(AuditEvent.action == OUTCOME, AuditEvent.detail.startswith(f"connection {row.id},")),
                and_(AuditEvent.action == MADE, AuditEvent.detail.startswith(f"connection {row.id} to ")),
            ),
        )
        .order_by(AuditEvent.id.desc())
        .limit(newer)
    ).all()
    changes = [
        CaseChange.made(actor, user_id, _done(action, detail), at, names)
        for user_id, action, detail, at in events
    ]
    if not changes:  # written by something that leaves no audit event: its latest state, then
        what = ConnectionStatus(row.status)
        done = _done(OUTCOME if what in OUTCOMES else MADE, f", {what.value}")
        changes = [CaseChange.made(actor, row.recorded_by_id, done, row.updated_at, names)]
    service = session.get(Service, row.service_id)
    assert service is not None  # a connection's service is never deleted
    return ConnectionChanged(changes[::-1], connection_record(row, service, names))


def _done(action: str, detail: str | None) -> str:
    """What a connection's audit event (its action, and its detail ending ", status") says, in words."""
    status = ConnectionStatus((detail or "").rpartition(", ")[2])
    if action == MADE:
        return f"{status.value} the person to it"
    return f"recorded {status.value.replace('_', ' ').capitalize()}"
