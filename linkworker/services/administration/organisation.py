"""The PCN and its practices: first-run setup, the admin screen's practice list, and how long the
window may sit idle before it locks (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.organisations import parse_name, parse_pcn_code, parse_practice_code
from linkworker.domain.roles import Permission, Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, UserSummary, _checked_new_user, _insert_user
from linkworker.services.errors import AlreadySetUp, NotFound, StaleEdit
from linkworker.store.models import Pcn, Practice, UserAccount

# The idle lock's choices in minutes: a minute at the least, and an hour at the most, as a
# practice PC left longer than that is left for good.
IDLE_LOCK_RANGE: Final = (1, 60)


@dataclass(frozen=True)
class PracticeSummary:
    id: int
    ods_code: str
    name: str
    active: bool
    version: int


@dataclass(frozen=True)
class PcnSummary:
    id: int
    ods_code: str
    name: str


@dataclass(frozen=True)
class NewPractice:
    ods_code: str
    name: str


@dataclass(frozen=True)
class SetupRequest:
    pcn_name: str
    pcn_ods_code: str
    practices: list[NewPractice]
    admin: NewUser


def needs_setup(session: Session) -> bool:
    """True on a new database: no one can sign in until the setup wizard has run."""
    return not session.scalar(select(func.count()).select_from(UserAccount))


def set_up(session: Session, request: SetupRequest) -> UserSummary:
    """Create the PCN, its practices and the first administrator, all or nothing.

    Every detail is checked before anything is added to the session, so a refusal leaves the
    caller's unit of work untouched even if the caller goes on to commit it.
    """
    if not needs_setup(session):
        raise AlreadySetUp("Linkworker is already set up on this database; sign in instead.")
    if not request.practices:
        raise ValidationError("practices", "Add at least one practice of the PCN.")
    pcn = Pcn(
        name=parse_name(request.pcn_name, "pcn_name", "PCN name"),
        ods_code=parse_pcn_code(request.pcn_ods_code, "pcn_ods_code"),
    )
    seen: set[str] = {pcn.ods_code}
    for index, new in enumerate(request.practices):
        practice = _new_practice(new, f"practices[{index}]")
        if practice.ods_code in seen:
            raise ValidationError(f"practices[{index}]", f"The ODS code {practice.ods_code} is used twice.")
        seen.add(practice.ods_code)
        pcn.practices.append(practice)
    admin_details = _checked_new_user(replace(request.admin, role=Role.ADMIN), pcn_name=request.pcn_name)
    session.add(pcn)
    session.flush()
    admin = _insert_user(session, None, pcn.id, admin_details, administers_server=True)
    audit.record(
        session,
        None,
        "setup",
        "pcn",
        pcn.id,
        f"practices={len(request.practices)}",
        username=admin.username,
        pcn_id=pcn.id,
    )
    return admin


def _new_practice(new: NewPractice, field: str) -> Practice:
    return Practice(
        ods_code=parse_practice_code(new.ods_code, f"{field}.ods_code"),
        name=parse_name(new.name, f"{field}.name", "practice name"),
    )


def current_pcn(session: Session, actor: Actor) -> PcnSummary:
    pcn = session.get(Pcn, actor.pcn_id)
    if pcn is None:
        raise NotFound("Your PCN no longer exists on this database.")
    return PcnSummary(pcn.id, pcn.ods_code, pcn.name)


def list_practices(
    session: Session, actor: Actor, *, include_inactive: bool = False
) -> list[PracticeSummary]:
    query = select(Practice).where(Practice.pcn_id == actor.pcn_id).order_by(Practice.name)
    if not include_inactive:
        query = query.where(Practice.active.is_(True))
    return [PracticeSummary(p.id, p.ods_code, p.name, p.active, p.version_id) for p in session.scalars(query)]


def add_practice(session: Session, actor: Actor, new: NewPractice) -> PracticeSummary:
    actor.require(Permission.ADMINISTER)
    practice = _new_practice(new, "practice")
    if session.scalar(select(func.count()).where(Practice.ods_code == practice.ods_code)):
        raise ValidationError(
            "practice.ods_code", f"A practice with ODS code {practice.ods_code} exists already."
        )
    practice.pcn_id = actor.pcn_id
    session.add(practice)
    session.flush()
    audit.record(session, actor, "practice_added", "practice", practice.id)
    return PracticeSummary(
        practice.id, practice.ods_code, practice.name, practice.active, practice.version_id
    )


def set_practice_active(
    session: Session, actor: Actor, practice_id: int, version: int, active: bool
) -> PracticeSummary:
    actor.require(Permission.ADMINISTER)
    practice = session.get(Practice, practice_id)
    if practice is None or practice.pcn_id != actor.pcn_id:
        raise NotFound("That practice no longer exists.")
    if practice.version_id != version:
        raise StaleEdit("practice")
    practice.active = active
    session.flush()
    audit.record(
        session, actor, "practice_activated" if active else "practice_deactivated", "practice", practice.id
    )
    return PracticeSummary(
        practice.id, practice.ods_code, practice.name, practice.active, practice.version_id
    )


def idle_lock_minutes(session: Session, actor: Actor) -> int:
    """How many minutes without keyboard or mouse input lock the window of anyone in the PCN."""
    minutes = session.scalar(select(Pcn.idle_lock_minutes).where(Pcn.id == actor.pcn_id))
    if minutes is None:
        raise NotFound("Your PCN no longer exists on this database.")
    return minutes


def parse_idle_lock_minutes(value: int | str, field: str = "idle_lock_minutes") -> int:
    """The idle lock as typed: a whole number of minutes in ``IDLE_LOCK_RANGE``."""
    low, high = IDLE_LOCK_RANGE
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise ValidationError(field, "Write the number of minutes as a whole number, like 10.") from None
    if not low <= minutes <= high:
        raise ValidationError(field, f"Choose from {low} to {high} minutes.")
    return minutes


def set_idle_lock_minutes(session: Session, actor: Actor, minutes: int | str) -> int:
    """Change the idle lock for the whole PCN: an administrator's decision, audited with the
    minutes before and after (a longer lock leaves records open longer)."""
    actor.require(Permission.ADMINISTER)
    chosen = parse_idle_lock_minutes(minutes)
    pcn = session.get(Pcn, actor.pcn_id)
    if pcn is None:
        raise NotFound("Your PCN no longer exists on this database.")
    before = pcn.idle_lock_minutes
    if chosen != before:
        pcn.idle_lock_minutes = chosen
        audit.record(session, actor, "idle_lock_set", "pcn", pcn.id, f"idle_lock_minutes={before}->{chosen}")
    return chosen
