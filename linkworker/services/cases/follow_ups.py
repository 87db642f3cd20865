"""Follow-ups of a case: booking one, completing it, moving it to another day, cancelling it.

Each needs a role that sees and edits cases, on a case of the actor's PCN; follows the rules in
``domain.follow_ups``; is dated and signed (who booked, completed, moved or cancelled it); and
goes to the audit trail with the case's and the follow-up's ids, never the note or the reason.
A change is made over the version of the follow-up the user saw: if someone else changed it in
the meantime, nothing is written and the refusal says what they did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker.domain.case_entries import parse_text
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.follow_ups import (
    FollowUpAction,
    FollowUpState,
    attendance_check_day,
    check_action,
    check_case_open,
    check_due_on,
    check_new_day,
    parse_reason,
    state_of,
)
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import (
    FollowUpRecord,
    Names,
    case_in_pcn,
    follow_up_record,
)
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import FollowUp, FollowUpReschedule, Referral, utc_now


@dataclass(frozen=True)
class NewFollowUp:
    """A follow-up to book: its day, what it is, whose it is, and a note."""

    due_on: date
    kind: FollowUpKind
    owner_id: int
    note: str = ""


class FollowUpChanged(StaleEdit):
    """The follow-up was changed by someone else after the user saw it; says what they did."""

    def __init__(self, what_happened: str) -> None:
        Exception.__init__(
            self,
            f"{what_happened} after you opened this case, so your change was not saved. "
            "The list now shows it as it is.",
        )


def schedule(session: Session, actor: Actor, referral_id: int, entry: NewFollowUp) -> FollowUpRecord:
    """Book a follow-up on an open case, for a link worker of the PCN (usually the actor)."""
    referral = _case(session, actor, referral_id)
    check_case_open(CaseStatus(referral.status).is_open)
    kind = FollowUpKind(entry.kind)
    due_on = check_due_on(entry.due_on, date.today())
    if entry.owner_id not in {option.id for option in casework.case_workers(session, actor)}:
        raise ValidationError("owner", "Choose an active link worker of this PCN.")
    follow_up = FollowUp(
        referral_id=referral.id,
        due_on=due_on,
        kind=kind.value,
        owner_id=entry.owner_id,
        note=parse_text(entry.note, "note", "note"),
        created_at=utc_now(),
        created_by_id=actor.user_id,
    )
    session.add(follow_up)
    session.flush()
    detail = f"follow-up {follow_up.id}, {kind.value} due {due_on.isoformat()}, owner {entry.owner_id}"
    audit.record(session, actor, "follow_up_scheduled", "referral", referral.id, detail)
    return follow_up_record(follow_up, [], Names(session))


def complete(session: Session, actor: Actor, follow_up_id: int, version: int) -> FollowUpRecord:
    """Mark the follow-up done, now, by the actor."""
    follow_up, _referral = _changeable(session, actor, follow_up_id, version, FollowUpAction.COMPLETE)
    follow_up.done_at = utc_now()
    follow_up.done_by_id = actor.user_id
    return _saved(session, actor, follow_up, "follow_up_completed", f"follow-up {follow_up.id}")


def reschedule(
    session: Session, actor: Actor, follow_up_id: int, version: int, due_on: date, reason: str
) -> FollowUpRecord:
    """Move the follow-up to another day, keeping the day it had and why it moved."""
    follow_up, _referral = _changeable(session, actor, follow_up_id, version, FollowUpAction.RESCHEDULE)
    new_day = check_new_day(due_on, follow_up.due_on, date.today())
    why = parse_reason(reason)
    moved_from = follow_up.due_on
    follow_up.reschedules.append(
        FollowUpReschedule(
            from_due_on=moved_from,
            to_due_on=new_day,
            reason=why,
            rescheduled_at=utc_now(),
            rescheduled_by_id=actor.user_id,
        )
    )
    follow_up.due_on = new_day
    detail = f"follow-up {follow_up.id}, {moved_from.isoformat()} -> {new_day.isoformat()}"
    return _saved(session, actor, follow_up, "follow_up_rescheduled", detail)


def cancel(session: Session, actor: Actor, follow_up_id: int, version: int, reason: str) -> FollowUpRecord:
    """Cancel the follow-up, now, by the actor, with the reason."""
    follow_up, _referral = _changeable(session, actor, follow_up_id, version, FollowUpAction.CANCEL)
    follow_up.cancelled_reason = parse_reason(reason)
    follow_up.cancelled_at = utc_now()
    follow_up.cancelled_by_id = actor.user_id
    return _saved(session, actor, follow_up, "follow_up_cancelled", f"follow-up {follow_up.id}")


def attendance_check(
    actor: Actor, made_on: date, service_name: str, today: date | None = None
) -> NewFollowUp:
    """The follow-up offered after a connection is made: check the person went, two weeks on,
    for the actor. The user may accept it, change it or skip it."""
    return NewFollowUp(
        due_on=attendance_check_day(made_on, today or date.today()),
        kind=FollowUpKind.CHECK_ATTENDANCE,
        owner_id=actor.user_id,
        note=f"Did they go to {service_name}?",
    )


def _case(session: Session, actor: Actor, referral_id: int) -> Referral:
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    return case_in_pcn(session, actor, referral_id)


def _changeable(
    session: Session, actor: Actor, follow_up_id: int, version: int, action: FollowUpAction
) -> tuple[FollowUp, Referral]:
    """The follow-up, for ``action`` by ``actor``, as the user saw it (``version``)."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    actor.require(Permission.EDIT_CASES)
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("That follow-up is not in your PCN's records.")
    try:
        referral = case_in_pcn(session, actor, follow_up.referral_id)
    except NotFound:
        raise NotFound("That follow-up is not in your PCN's records.") from None
    if follow_up.version_id != version:
        raise FollowUpChanged(_what_happened(session, follow_up))
    check_action(
        state_of(follow_up.done_at, follow_up.cancelled_at), action, CaseStatus(referral.status).is_open
    )
    return follow_up, referral


def _what_happened(session: Session, follow_up: FollowUp) -> str:
    """The latest change to a follow-up in words: "Lee Linker completed this follow-up at 10:42"."""
    names = Names(session)
    state = state_of(follow_up.done_at, follow_up.cancelled_at)
    if state is FollowUpState.DONE:
        who, did, when = names.of(follow_up.done_by_id), "completed this follow-up", follow_up.done_at
    elif state is FollowUpState.CANCELLED:
        who, did, when = (
            names.of(follow_up.cancelled_by_id),
            "cancelled this follow-up",
            follow_up.cancelled_at,
        )
    elif follow_up.reschedules:
        move = follow_up.reschedules[-1]
        who, when = names.of(move.rescheduled_by_id), move.rescheduled_at
        did = f"moved this follow-up to {move.to_due_on:%d/%m/%Y}"
    else:
        return "Someone else changed this follow-up"
    moment = f" at {when.astimezone():%H:%M on %d/%m/%Y}" if when is not None else ""
    return f"{who or 'Someone else'} {did}{moment}"


def _saved(session: Session, actor: Actor, follow_up: FollowUp, action: str, detail: str) -> FollowUpRecord:
    try:
        session.flush()
    except StaleDataError:  # someone else saved it between our read and this write
        raise StaleEdit("follow-up") from None
    audit.record(session, actor, action, "referral", follow_up.referral_id, detail)
    return follow_up_record(follow_up, follow_up.reschedules, Names(session))
