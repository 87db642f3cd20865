"""Rules of a connection: how a person is linked to a service, and how its outcome may move.

A connection starts with its route (referred or signposted) on the day it was made; its
outcome comes later. Outcomes may follow one another where that happens in life: someone who
did not attend may go later or decline; someone who declined may change their mind; an
attendance may be recorded again with later feedback. Each rule raises a ``ValidationError``
naming its field, so a form shows the message beside it.
"""

from __future__ import annotations

from datetime import date

from linkworker.domain.case_entries import check_day
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.referrals import CaseStatus, can_move

ROUTES = (ConnectionStatus.REFERRED, ConnectionStatus.SIGNPOSTED)
OUTCOMES = (ConnectionStatus.ATTENDED, ConnectionStatus.DID_NOT_ATTEND, ConnectionStatus.DECLINED)
# Made, with no outcome recorded yet: a case holds at most one such connection per service.
WAITING = ROUTES

_NEXT: dict[ConnectionStatus, tuple[ConnectionStatus, ...]] = {
    # A suggestion not taken up can only be turned down; taking it up is making the connection.
    ConnectionStatus.SUGGESTED: (ConnectionStatus.DECLINED,),
    ConnectionStatus.REFERRED: OUTCOMES,
    ConnectionStatus.SIGNPOSTED: OUTCOMES,
    ConnectionStatus.DID_NOT_ATTEND: OUTCOMES,
    ConnectionStatus.DECLINED: (ConnectionStatus.ATTENDED,),
    ConnectionStatus.ATTENDED: (ConnectionStatus.ATTENDED,),
}

_MADE_WORDS = {
    ConnectionStatus.REFERRED: "referred",
    ConnectionStatus.SIGNPOSTED: "signposted",
    ConnectionStatus.SUGGESTED: "suggested",
}


def parse_route(route: ConnectionStatus | str | None) -> ConnectionStatus:
    """How the person was connected: referred (the link worker passed them on) or signposted."""
    if route in {value.value for value in ROUTES}:
        return ConnectionStatus(route)
    raise ValidationError("route", "Choose whether the person was referred or signposted.")


def check_made_on(made_on: date, received_on: date, today: date) -> date:
    """The day of the referral or signposting: within the episode, not in the future."""
    return check_day(made_on, received_on, today, "made_on", "day the connection was made")


def is_waiting(status: ConnectionStatus) -> bool:
    """Made, with no outcome recorded yet: a second connection to the same service would repeat it."""
    return status in WAITING


def moves_case_on(status: CaseStatus) -> bool:
    """Whether making a connection moves the case to connected: from any open status before it.
    A case already connected stays so; one that has ended gets no connection at all."""
    return can_move(CaseStatus(status), CaseStatus.CONNECTED)


def outcomes_after(status: ConnectionStatus) -> tuple[ConnectionStatus, ...]:
    """The outcomes that may be recorded on a connection at ``status``, in the order offered."""
    return _NEXT[ConnectionStatus(status)]


def check_outcome(
    current: ConnectionStatus,
    target: ConnectionStatus | str | None,
    on: date,
    made_on: date,
    status_on: date,
    today: date,
) -> ConnectionStatus:
    """An outcome allowed after ``current``, on a day from the connection (or the outcome
    already recorded) to today."""
    current = ConnectionStatus(current)
    if target not in {value.value for value in OUTCOMES}:
        raise ValidationError("status", "Choose attended, did not attend or declined.")
    target = ConnectionStatus(target)
    allowed = outcomes_after(current)
    if target not in allowed:
        raise ValidationError(
            "status",
            f"A connection that is {_said(current)} can next be {_either(allowed)}, not {_said(target)}.",
        )
    if on > today:
        raise ValidationError("on", "The outcome's date cannot be in the future.")
    if on < made_on:
        made = _MADE_WORDS.get(current, "connected")
        raise ValidationError(
            "on", f"The outcome's date cannot be before the person was {made} ({made_on:%d/%m/%Y})."
        )
    if current in OUTCOMES and on < status_on:
        raise ValidationError(
            "on",
            f"The outcome's date cannot be before the outcome already recorded ({status_on:%d/%m/%Y}).",
        )
    return target


def _said(status: ConnectionStatus) -> str:
    return status.value.replace("_", " ")


def _either(statuses: tuple[ConnectionStatus, ...]) -> str:
    named = [_said(status) for status in statuses]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
