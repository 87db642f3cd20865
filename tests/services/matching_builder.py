"""A small directory around a synthetic person in Maidstone, for the matching tests.

Services, venues, timetables, postcode points and past connections are written through the
ORM: the directory's own services are not what these tests are about. Distances are set by
placing venues due north of the person's home (one degree of latitude is about 111.2 km).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.intake import ReferralDetails
from linkworker.domain.nhs_number import synthetic_numbers
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import ReferralSource, Urgency
from linkworker.services.actor import Actor
from linkworker.services.cases.referrals import create_referral
from linkworker.store.database import Database
from linkworker.store.models import (
    Connection,
    Patient,
    Pcn,
    PostcodePoint,
    Practice,
    Referral,
    Service,
    ServiceLocation,
    ServiceNeed,
    ServiceSchedule,
)

_numbers = synthetic_numbers(610_000)  # a serial range of the 999 test range no other builder uses

HOME_POSTCODE = "ME15 6AA"
HOME = (51.2700, 0.5220)
KM_PER_DEGREE = 111.195


def north_of_home(km: float) -> tuple[float, float]:
    return HOME[0] + km / KM_PER_DEGREE, HOME[1]


@dataclass(frozen=True)
class Weekly:
    byday: str
    opens: time | None
    closes: time | None


EVENINGS = Weekly("TU,TH", time(18, 30), time(20, 30))
MORNINGS = Weekly("MO", time(10), time(12))
SATURDAY = Weekly("SA", time(10), time(12))


@dataclass
class Spec:
    name: str
    needs: tuple[str, ...]
    km: float | None = 1.0
    town: str = "Maidstone"
    postcode: str | None = "ME14 1AA"
    cost: CostKind = CostKind.FREE
    status: ServiceStatus = ServiceStatus.ACTIVE
    shared: bool = False  # pcn_id NULL: the ICB-wide directory
    elsewhere: bool = False  # another PCN's own service
    sessions: tuple[Weekly, ...] = (EVENINGS,)
    accessibility: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("English",)
    min_age: int | None = None
    max_age: int | None = None
    venue: bool = True
    ids: list[int] = field(default_factory=list)


def other_pcn(database: Database) -> int:
    with database.session() as session:
        found = session.scalar(select(Pcn.id).where(Pcn.ods_code == "U99902"))
        if found is not None:
            return found
        pcn = Pcn(ods_code="U99902", name="Other Valley PCN")
        session.add(pcn)
        session.flush()
        return pcn.id


def add_services(database: Database, actor: Actor, *specs: Spec) -> dict[str, int]:
    """Each spec as a service of the actor's PCN (or shared, or another PCN's); ids by name."""
    elsewhere = other_pcn(database) if any(spec.elsewhere for spec in specs) else None
    ids = {}
    with database.session() as session:
        for spec in specs:
            service = Service(
                pcn_id=None if spec.shared else elsewhere if spec.elsewhere else actor.pcn_id,
                organisation_name=f"{spec.name} Trust",
                name=spec.name,
                description="A made-up service for tests.",
                cost_kind=spec.cost.value,
                cost_note="£2 a session" if spec.cost is CostKind.LOW_COST else None,
                status=spec.status.value,
                accessibility=list(spec.accessibility),
                languages=list(spec.languages),
                min_age=spec.min_age,
                max_age=spec.max_age,
                access_routes=[],
            )
            session.add(service)
            session.flush()
            session.add_all(ServiceNeed(service_id=service.id, need_code=code) for code in spec.needs)
            location_id = None
            if spec.venue:
                latitude, longitude = north_of_home(spec.km) if spec.km is not None else (None, None)
                location = ServiceLocation(
                    service_id=service.id,
                    name=f"{spec.town} Hall",
                    town=spec.town,
                    postcode=spec.postcode,
                    latitude=latitude,
                    longitude=longitude,
                )
                session.add(location)
                session.flush()
                location_id = location.id
            session.add_all(
                ServiceSchedule(
                    service_id=service.id,
                    location_id=location_id,
                    freq="WEEKLY",
                    byday=each.byday,
                    opens_at=each.opens,
                    closes_at=each.closes,
                )
                for each in spec.sessions
            )
            ids[spec.name] = service.id
    return ids


def add_postcode_points(database: Database, *points: tuple[str, float, float]) -> None:
    with database.session() as session:
        session.add_all(
            PostcodePoint(postcode=code, latitude=lat, longitude=lon) for code, lat, lon in points
        )


def person_case(
    database: Database,
    worker: Actor,
    *,
    needs: tuple[str, ...] = ("loneliness", "physical_activity"),
    postcode: str | None = HOME_POSTCODE,
    town: str | None = "Maidstone",
    language: str | None = "English",
    accessibility: str | None = None,
    born: date = date(1948, 11, 2),
) -> int:
    """A referral, received a month ago, for a new synthetic person living at ``postcode``; its id."""
    with database.session() as session:
        practice = session.scalars(
            select(Practice).where(Practice.pcn_id == worker.pcn_id).order_by(Practice.ods_code)
        ).first()
        assert practice is not None
        patient = Patient(
            nhs_number=next(_numbers),
            given_name="Orla",
            family_name="Fenwick-Hale",
            date_of_birth=born,
            sex=Sex.FEMALE.value,
            ethnic_category=EthnicCategory.B.value,
            town=town,
            postcode=postcode,
            language=language,
            accessibility_needs=accessibility,
            registered_practice_id=practice.id,
        )
        session.add(patient)
        session.flush()
        return create_referral(
            session,
            worker,
            patient.id,
            ReferralDetails(
                referring_practice_id=practice.id,
                referring_practice_ods=practice.ods_code,
                source=ReferralSource.GP,
                referrer_name=None,
                received_on=date.today() - timedelta(days=30),
                needs=needs,
                consent_share_gp=True,
                consent_share_services=True,
                urgency=Urgency.ROUTINE,
                notes=None,
            ),
        ).id


def past_outcomes(
    database: Database, worker: Actor, service_id: int, attended: int, other: int, *, pcn_case: int
) -> None:
    """``attended`` connections that were attended and ``other`` that were not, on one case."""
    made = date.today() - timedelta(days=60)
    statuses = [ConnectionStatus.ATTENDED] * attended + [ConnectionStatus.DID_NOT_ATTEND] * other
    with database.session() as session:
        session.add_all(
            Connection(
                referral_id=pcn_case,
                service_id=service_id,
                route=ConnectionStatus.REFERRED.value,
                made_on=made,
                status=status.value,
                status_on=made + timedelta(days=14),
                recorded_by_id=worker.user_id,
            )
            for status in statuses
        )


def other_pcn_case(database: Database, worker: Actor) -> int:
    """A referral of the other PCN (through the ORM: no one of that PCN is signed in)."""
    mine = person_case(database, worker)
    pcn_id = other_pcn(database)
    with database.session() as session:
        referral = session.get(Referral, mine)
        assert referral is not None
        referral.pcn_id = pcn_id
    return mine
