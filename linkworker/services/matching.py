"""Ranked matches for a person: the directory's services they can use, best first, with reasons.

SQL narrows the directory to what could match at all (active, visible to the PCN, meeting one
of the needs, open to the person's age, within their cost limit); the rules in
``domain.matching`` decide the rest. The services found, with their venues and timetables, come
in one query, and the PCN's attendance record in one grouped query, so a match costs the same
handful of queries whether the directory holds 150 services or an ICB's 20,000.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from linkworker.domain import geo, postcode
from linkworker.domain.access import access_needs_from
from linkworker.domain.connections import OUTCOMES
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.intake import case_number
from linkworker.domain.matching import (
    Candidate,
    Home,
    Match,
    MatchCriteria,
    Track,
    Venue,
    check_criteria,
    costs_within,
    overall_rate,
    rank,
    reach,
)
from linkworker.domain.person import age_on
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.domain.schedule import Opening, parse_byday
from linkworker.services import needs, postcodes
from linkworker.services.actor import Actor
from linkworker.services.case_record import case_in_pcn
from linkworker.store.models import (
    Connection,
    Referral,
    ReferralNeed,
    Service,
    ServiceLocation,
    ServiceNeed,
    ServiceSchedule,
)

# The most matches returned: more than a link worker reads, and a list that stays quick to show.
MAX_MATCHES = 200
_NO_TRACK = Track()
_COST_KINDS = {kind.value: kind for kind in CostKind}


@dataclass(frozen=True)
class History:
    """The PCN's attendance record: each service's outcomes, and the rate across them all. Read
    once when the match screen opens and passed to each search from it: it changes over weeks,
    not between one search and the next, and reading it is a match's largest query."""

    tracks: Mapping[int, Track]
    overall: float


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
    history: History


def start(session: Session, actor: Actor, referral_id: int, today: date | None = None) -> MatchStart:
    """Criteria prefilled from the case: its needs, the person's age, language and access needs."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    referral = case_in_pcn(session, actor, referral_id)
    patient = referral.patient
    labels = needs.need_labels(session, actor)
    own = _referral_needs(session, referral_id)
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
    home, _ = _home(session, patient.postcode, patient.town)
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
    known: History | None = None,
) -> list[Match]:
    """The services the person can use under ``criteria``, best first (the best ``limit``), each
    with its reason; the PCN's attendance record is read unless ``known`` (``MatchStart.history``)."""
    actor.require(Permission.SEE_IDENTIFIABLE)
    if limit < 1:
        raise ValueError("at least one match must be asked for")
    check_criteria(criteria)
    referral = case_in_pcn(session, actor, referral_id)
    patient = referral.patient
    home, point = _home(session, patient.postcode, patient.town)
    record = known or history(session, actor)
    candidates = _candidates(session, _narrowed(actor, criteria, point), point, record.tracks)
    return rank(
        candidates,
        criteria,
        home,
        needs.need_labels(session, actor),
        record.overall,
        _referral_needs(session, referral_id),
        limit,
    )


def _referral_needs(session: Session, referral_id: int) -> list[str]:
    return list(
        session.scalars(
            select(ReferralNeed.need_code)
            .where(ReferralNeed.referral_id == referral_id)
            .order_by(ReferralNeed.need_code)
        )
    )


def _home(
    session: Session, typed_postcode: str | None, town: str | None
) -> tuple[Home, tuple[float, float] | None]:
    """Where the person lives as the rules need it, and its coordinates when the lookup has them."""
    canonical = _canonical(typed_postcode)
    district = postcode.district(canonical) if canonical else None
    found = postcodes.locate(session, canonical) if canonical else None
    if found is None:
        return Home(town=town, district=district), None
    approximate = found.precision != postcodes.POSTCODE
    home = Home(town=town, district=district, located=True, approximate=approximate)
    return home, (found.latitude, found.longitude)


def _home_text(typed_postcode: str | None, home: Home) -> str:
    canonical = _canonical(typed_postcode)
    if not typed_postcode:
        return "No postcode on the record: distances are unknown, so nearness goes by town."
    if canonical is None:
        return "The record's postcode cannot be placed: distances are unknown, so nearness goes by town."
    if not home.located:
        return f"{canonical} is not in the postcode lookup: distances are unknown, so nearness goes by area."
    if home.approximate:
        return f"Distances from the middle of {home.district} ({canonical} is not in the lookup)."
    return f"Distances from {canonical}, in a straight line."


def _canonical(typed: str | None) -> str | None:
    """The postcode in its canonical form, or None when there is none or it is not a UK one."""
    if not typed or not postcode.is_valid(typed):
        return None
    canonical = postcode.parse(typed)
    return None if canonical in postcode.PSEUDO_POSTCODES else canonical


def _narrowed(
    actor: Actor, criteria: MatchCriteria, point: tuple[float, float] | None
) -> list[ColumnElement[bool]]:
    """SQL's share of the hard limits, on service joined to the needs it meets of the person's.
    With a distance limit and a home to measure from, a box round home sieves out services whose
    every venue is plainly too far (those with a venue of unknown place, or none, stay)."""
    conditions = [
        ServiceNeed.need_code.in_(sorted(criteria.needs)),
        Service.status == ServiceStatus.ACTIVE.value,
        or_(Service.pcn_id.is_(None), Service.pcn_id == actor.pcn_id),
    ]
    if criteria.age is not None:
        conditions.append(or_(Service.min_age.is_(None), Service.min_age <= criteria.age))
        conditions.append(or_(Service.max_age.is_(None), Service.max_age >= criteria.age))
    if criteria.max_cost is not None:
        conditions.append(Service.cost_kind.in_([cost.value for cost in costs_within(criteria.max_cost)]))
    if point is not None and criteria.max_distance_km is not None:
        south, north, west, east = reach(*point, criteria.max_distance_km)
        place = aliased(ServiceLocation)  # not the venues the main query joins
        venue = place.service_id == Service.id
        unplaced = or_(place.latitude.is_(None), place.longitude.is_(None))
        inside = and_(place.latitude.between(south, north), place.longitude.between(west, east))
        conditions.append(or_(exists().where(venue, or_(unplaced, inside)), ~exists().where(venue)))
    return conditions


def history(session: Session, actor: Actor) -> History:
    """Each service's outcomes and attendances among this PCN's connections, in one grouped query."""
    actor.require(Permission.SEE_AGGREGATES)
    attended = func.sum(case((Connection.status == ConnectionStatus.ATTENDED.value, 1), else_=0))
    rows = session.execute(
        select(Connection.service_id, func.count(), attended)
        .join(Referral, Referral.id == Connection.referral_id)
        .where(Referral.pcn_id == actor.pcn_id, Connection.status.in_([status.value for status in OUTCOMES]))
        .group_by(Connection.service_id)
    )
    tracks = {service_id: Track(outcomes, int(yes or 0)) for service_id, outcomes, yes in rows}
    return History(tracks, overall_rate(tracks.values()))


def _candidates(
    session: Session,
    narrowed: list[ColumnElement[bool]],
    point: tuple[float, float] | None,
    tracks: Mapping[int, Track],
) -> list[Candidate]:
    """The narrowed services with what the rules weigh, in one query: a row for each need met,
    venue and session of each service (most have one of each), gathered here. One walk over
    the directory, and no list of ids sent back, which for an ICB's directory would be long."""
    found: dict[int, _Found] = {}
    # Through the connection: plain rows, without the ORM's per-row work.
    rows = session.connection().execute(
        select(
            Service.id,
            Service.name,
            Service.organisation_name,
            Service.cost_kind,
            Service.cost_note,
            # The lists as the JSON text stored: the same few hundred recur, each decoded once.
            cast(Service.accessibility, Text),
            cast(Service.languages, Text),
            Service.min_age,
            Service.max_age,
            ServiceNeed.need_code,
            ServiceLocation.id,
            ServiceLocation.town,
            ServiceLocation.postcode,
            ServiceLocation.latitude,
            ServiceLocation.longitude,
            ServiceSchedule.id,
            ServiceSchedule.byday,
            ServiceSchedule.opens_at,
            ServiceSchedule.closes_at,
        )
        .select_from(ServiceNeed)
        .join(Service, Service.id == ServiceNeed.service_id)
        .outerjoin(ServiceLocation, ServiceLocation.service_id == Service.id)
        .outerjoin(ServiceSchedule, ServiceSchedule.service_id == Service.id)
        .where(*narrowed)
    )
    for row in rows:
        need, location_id, town, written, latitude, longitude, schedule_id, byday, opens, closes = row[9:]
        service = found.get(row[0])
        if service is None:
            service = found[row[0]] = _Found(row[:9])
        service.needs.add(need)
        if location_id is not None and location_id not in service.venues:
            service.venues[location_id] = _venue(town, written, latitude, longitude, point)
        if schedule_id is not None and schedule_id not in service.openings:
            service.openings[schedule_id] = _opening(byday, opens, closes)
    return [service.candidate(tracks.get(service_id, _NO_TRACK)) for service_id, service in found.items()]


class _Found:
    """One service as its rows come in; ``columns`` are its own (id to maximum age)."""

    def __init__(self, columns: tuple[Any, ...]) -> None:
        self.columns = columns
        self.needs: set[str] = set()
        self.venues: dict[int, Venue] = {}
        self.openings: dict[int, Opening] = {}

    def candidate(self, track: Track) -> Candidate:
        service_id, name, organisation, kind, note, access, spoken, min_age, max_age = self.columns
        return Candidate(
            service_id=service_id,
            name=name,
            organisation=organisation,
            needs=frozenset(self.needs),
            cost=_COST_KINDS[kind],
            cost_note=note,
            accessibility=_words(access),
            languages=_words(spoken),
            min_age=min_age,
            max_age=max_age,
            venues=tuple(venue for _, venue in sorted(self.venues.items())),
            openings=tuple(opening for _, opening in sorted(self.openings.items())),
            track=track,
        )


def _venue(
    town: str | None,
    written: str | None,
    latitude: float | None,
    longitude: float | None,
    point: tuple[float, float] | None,
) -> Venue:
    distance = None
    if point is not None and latitude is not None and longitude is not None:
        distance = geo.distance_km(point[0], point[1], latitude, longitude)
    return Venue(town, _district(written), distance)


@lru_cache(maxsize=4096)
def _words(stored: str | None) -> tuple[str, ...]:
    """A JSON list of strings as stored (accessibility features, languages), as a tuple."""
    found = json.loads(stored) if stored else None
    return tuple(str(word) for word in found) if isinstance(found, list) else ()


@lru_cache(maxsize=4096)
def _opening(byday: str | None, opens: time | None, closes: time | None) -> Opening:
    """One session; the same few hundred timetables recur across a directory, so each is made
    (and its times of the week worked out) once."""
    return Opening(parse_byday(byday), opens, closes)


@lru_cache(maxsize=65536)
def _district(written: str | None) -> str | None:
    canonical = _canonical(written)
    return postcode.district(canonical) if canonical else None
