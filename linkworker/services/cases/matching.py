"""Ranked matches for a person: the directory's services they can use, best first, with reasons.

The PCN's directory is read once into a table (``services.directory_table``) and searched in
memory; the PCN's attendance record is read in one grouped query when the match screen opens.
A search then costs a couple of small queries (the person, whether the directory changed)
whether the directory holds 150 services or an ICB's 20,000.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from linkworker.domain import postcode
from linkworker.domain.access import access_needs_from
from linkworker.domain.connections import OUTCOMES
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.intake import case_number
from linkworker.domain.matching import Attendance, Home, Match, MatchCriteria, Track, check_criteria
from linkworker.domain.person import age_on
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.cases import needs
from linkworker.services.cases.case_record import case_in_pcn
from linkworker.services.cases.referrals import counted_in_figures
from linkworker.services.directory import postcodes
from linkworker.services.directory.directory_table import directory_table
from linkworker.store.models import Connection, Referral, ReferralNeed

# The most matches returned: more than a link worker reads, and a list that stays quick to show.
MAX_MATCHES = 200


@dataclass(frozen=True)
class NeedChoice:
    code: str
    label: str


@dataclass(frozen=True)
class MatchStart:
    """What the match screen opens with: the criteria the person's record suggests, and where
    distances are measured from (``home_text``: "from ME4 4QU", or why there is no distance)."""

    referral_id: int
    case_number: str
    person_name: str
    received_on: date  # the earliest day a connection can be made on
    case_open: bool  # connections are made on open cases only
    criteria: MatchCriteria
    needs: tuple[NeedChoice, ...]  # every need the PCN records, the person's first
    home_text: str
    located: bool
    history: Attendance  # read once per screen: it changes over weeks, not between searches


def start(session: Session, actor: Actor, referral_id: int, today: date | None = None) -> MatchStart:
    """Criteria prefilled from the case: its needs, the person's age, language and access needs."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    referral = case_in_pcn(session, actor, referral_id)
    patient = referral.patient
    labels = needs.need_labels(session, actor)
    own = _listed_needs(session, referral_id, labels)
    language = patient.language if patient.language and patient.language.strip() else None
    criteria = MatchCriteria(
        needs=frozenset(code for code in own if code in labels),
        access_needs=access_needs_from(patient.accessibility_needs),
        language=language,
        age=age_on(patient.date_of_birth, today or date.today()),
    )
    mine = [NeedChoice(code, labels[code]) for code in own if code in labels]
    others = sorted(
        (NeedChoice(code, label) for code, label in labels.items() if code not in own),
        key=lambda need: need.label.casefold(),
    )
    home = _home(session, patient.postcode, patient.town)
    return MatchStart(
        referral_id=referral.id,
        case_number=case_number(referral.id),
        person_name=f"{patient.given_name} {patient.family_name}",
        received_on=referral.received_on,
        case_open=CaseStatus(referral.status).is_open,
        criteria=criteria,
        needs=(*mine, *others),
        home_text=_home_text(patient.postcode, home),
        located=home.located,
        history=history(session, actor),
    )


def match(
    session: Session,
    actor: Actor,
    referral_id: int,
    criteria: MatchCriteria,
    limit: int = MAX_MATCHES,
    known: Attendance | None = None,
) -> list[Match]:
    """The services the person can use under ``criteria``, best first (the best ``limit``), each
    with its reason; the PCN's attendance record is read unless ``known`` (``MatchStart.history``)."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    if limit < 1:
        raise ValueError("at least one match must be asked for")
    check_criteria(criteria)
    referral = case_in_pcn(session, actor, referral_id)
    patient = referral.patient
    home = _home(session, patient.postcode, patient.town)
    labels = needs.need_labels(session, actor)
    return directory_table(session, actor.pcn_id).rank(
        criteria,
        home,
        labels,
        known or history(session, actor),
        _listed_needs(session, referral_id, labels),
        limit,
    )


def _listed_needs(session: Session, referral_id: int, labels: Mapping[str, str]) -> list[str]:
    """The referral's needs in the order its case record lists them (the PCN's list, the order
    of ``labels``): the first counts most in matching (``domain.matching.first_need``)."""
    codes = set(
        session.scalars(select(ReferralNeed.need_code).where(ReferralNeed.referral_id == referral_id))
    )
    return [code for code in labels if code in codes]


def _home(session: Session, typed_postcode: str | None, town: str | None) -> Home:
    """Where the person lives as the rules need it, with coordinates when the lookup has them."""
    canonical = postcode.placeable(typed_postcode)
    district = postcode.district(canonical) if canonical else None
    found = postcodes.locate(session, canonical) if canonical else None
    if found is None:
        return Home(town=town, district=district)
    approximate = found.precision != postcodes.POSTCODE
    return Home(town, district, found.latitude, found.longitude, approximate)


def _home_text(typed_postcode: str | None, home: Home) -> str:
    canonical = postcode.placeable(typed_postcode)
    if not typed_postcode:
        return "No postcode on the record: distances are unknown, so nearness goes by town."
    pseudo = postcodes.meaning(typed_postcode)
    if pseudo is not None:
        return (
            f"{postcode.parse(typed_postcode)} ({pseudo}): distances are unknown, so nearness goes by town."
        )
    if canonical is None:
        return "The record's postcode cannot be placed: distances are unknown, so nearness goes by town."
    if not home.located:
        return f"{canonical} is not in the postcode lookup: distances are unknown, so nearness goes by area."
    if home.approximate:
        return f"Distances from the middle of {home.district} ({canonical} is not in the lookup)."
    return f"Distances from {canonical}, in a straight line."


def history(session: Session, actor: Actor) -> Attendance:
    """Each service's outcomes and attendances among this PCN's connections, in one grouped query.
    Exact counts ("1 of 2 attended"), so for the roles that match people to services, who may
    see the records counted; a manager sees a service's use under the PCN's rule instead
    (``connections.service_usage``). A case closed as opened in error is no part of the record
    (``referrals.counted_in_figures``): nobody went, or failed to go, under it."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    attended = func.sum(case((Connection.status == ConnectionStatus.ATTENDED.value, 1), else_=0))
    rows = session.execute(
        select(Connection.service_id, func.count(), attended)
        .join(Referral, Referral.id == Connection.referral_id)
        .where(
            Referral.pcn_id == actor.pcn_id,
            Connection.status.in_([status.value for status in OUTCOMES]),
            counted_in_figures(),
        )
        .group_by(Connection.service_id)
    )
    tracks = {service_id: Track(outcomes, int(yes or 0)) for service_id, outcomes, yes in rows}
    return Attendance.of(tracks)
