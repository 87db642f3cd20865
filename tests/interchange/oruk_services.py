"""Directory services in Linkworker's ORUK terms, for export and round-trip tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from linkworker.domain.directory import AccessRoute, CostKind, ServiceStatus
from linkworker.interchange.oruk import NEEDS_VOCABULARY, OrukLocation, OrukSchedule, OrukService, Term

WALKS = OrukService(
    oruk_id="walks-1",
    name="Riverside Health Walk",
    organisation_name="Testvale Walking for Wellbeing",
    description="Led walks at an easy pace, then a cuppa.",
    url="https://walks.example.org",
    email="hello@walks.example.org",
    phone="01632 960123",
    status=ServiceStatus.TEMPORARILY_CLOSED,
    cost_kind=CostKind.LOW_COST,
    cost_note="£2 a session",
    access_routes=(AccessRoute.SELF_REFERRAL, AccessRoute.DROP_IN),
    accessibility=("Step-free access", "Hearing loop"),
    languages=("English", "Polish"),
    min_age=18,
    max_age=99,
    waiting_time="About 2 weeks",
    verified_on=date(2026, 4, 30),
    locations=(
        OrukLocation("Riverside Pavilion", "1 Mill Lane", "Maidstone", "ME14 1XX", 51.2721, 0.5227),
        OrukLocation("Old Forge Hall", None, None, None, 51.30, 0.47),
    ),
    schedules=(
        OrukSchedule("WEEKLY", "TU,TH", time(18, 30), time(20), "Tuesday and Thursday evenings", 0),
        OrukSchedule("WEEKLY", "SA", time(10), time(12), None, 1),
        OrukSchedule("WEEKLY", "MO,TU,WE,TH,FR", time(9), time(17), "Phone line", None),
    ),
    terms=(
        Term(NEEDS_VOCABULARY, "physical_activity", "Physical activity"),
        Term("esd-needs", "100", "Exercise"),
    ),
)
LINE = OrukService(
    oruk_id="7d3c2a1b-0000-4000-8000-00000000abcd",
    name="Money Advice Line",
    organisation_name="Testvale Money Advice",
    cost_kind=CostKind.FREE,
)
PAID = replace(LINE, oruk_id="paid-1", name="Gentle Yoga", cost_kind=CostKind.PAID, cost_note="£6 a class")
SERVICES = (WALKS, LINE, PAID)


def as_read(service: OrukService) -> OrukService:
    """What matters of a read service: everything but where it was found, what its record carried
    and the ids an export made for its organisation and phone."""
    return replace(
        service, where="", problems=(), organisation_id=None, phone_id=None, carried=None, summary=False
    )
