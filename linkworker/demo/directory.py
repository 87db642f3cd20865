"""A made-up directory of community services across Kent and Medway, as rows for bulk insert.

Each service follows a template of the kinds of support link workers use (friendship
clubs, health walks, money advice, carers' cafes, ...), placed in a real town with an
invented venue and postcode. Names of organisations are invented; web and e-mail addresses
use the reserved example.org domain; phone numbers are Ofcom's drama numbers.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from linkworker.demo import names
from linkworker.demo.geography import PostcodeMaker, Town
from linkworker.demo.names import NamePools
from linkworker.demo.people import OTHER_LANGUAGES
from linkworker.demo.timeline import moment
from linkworker.domain.directory import AccessRoute, CostKind, ServiceStatus, service_search_text

# When a service runs: daytime on weekdays, evenings, weekends, office hours, or a phone line.
DAYTIME, EVENING, WEEKEND, OFFICE, PHONE = "daytime", "evening", "weekend", "office", "phone"


@dataclass(frozen=True)
class Template:
    needs: tuple[str, ...]
    name: str
    organisation: str
    description: str
    cost: CostKind
    when: str
    min_age: int | None = None
    max_age: int | None = None


TEMPLATES: tuple[Template, ...] = (
    Template(("loneliness",), "{town} Friendship Club", "{town} Good Neighbours",
             "A friendly weekly get-together with tea, cake and a chat.", CostKind.LOW_COST, DAYTIME),
    Template(("loneliness", "food"), "Over 50s Lunch Club", "{town} Community Association",
             "A hot two-course lunch and company, with transport for those who need it.",
             CostKind.LOW_COST, DAYTIME, 50),
    Template(("loneliness", "volunteering_learning"), "{town} Men's Shed", "{town} Men's Shed",
             "A workshop where people meet to make, mend and chat.", CostKind.FREE, DAYTIME),
    Template(("loneliness",), "Telephone Befriending", "{area} Befriending Service",
             "A volunteer rings for a friendly chat at the same time each week.", CostKind.FREE, PHONE, 60),
    Template(("low_mood", "loneliness"), "Talking Cafe", "{area} Wellbeing Network",
             "Drop-in peer support for people feeling low, worried or stressed.", CostKind.FREE, EVENING),
    Template(("low_mood",), "Stress Less Course", "{area} Recovery College",
             "A six-week course on understanding and managing stress and anxiety.", CostKind.FREE, DAYTIME),
    Template(("physical_activity", "loneliness"), "{town} Health Walk", "{area} Walking for Wellbeing",
             "Led walks of 30 to 60 minutes at an easy pace, then a cuppa.", CostKind.FREE, DAYTIME),
    Template(("physical_activity", "mobility_falls"), "Chair-based Exercise", "{town} Leisure Trust",
             "Seated exercise to music to build strength and confidence.", CostKind.LOW_COST, DAYTIME, 60),
    Template(("physical_activity",), "Walking Football", "{town} Community Sports Club",
             "Friendly walking football for all abilities.", CostKind.LOW_COST, EVENING, 40),
    Template(("physical_activity", "low_mood"), "Gentle Yoga", "{town} Yoga Studio",
             "Slow-paced yoga and relaxation for beginners.", CostKind.PAID, WEEKEND),
    Template(("weight", "physical_activity"), "Healthy Weight Programme", "{area} Healthy Lifestyles",
             "Twelve weeks of support on eating well and moving more.", CostKind.FREE, EVENING),
    Template(("debt_money",), "Money Advice Drop-in", "{area} Money Advice Centre",
             "Free, confidential advice on debts, budgeting and bills.", CostKind.FREE, OFFICE),
    Template(("benefits", "debt_money"), "Benefits Check Clinic", "{area} Welfare Rights",
             "Help to check what you are entitled to and to fill in claim forms.", CostKind.FREE, OFFICE),
    Template(("housing",), "Housing Advice Line", "{area} Housing Options",
             "Advice on repairs, tenancies and anyone at risk of losing their home.", CostKind.FREE, PHONE),
    Template(("employment", "volunteering_learning"), "Work Club", "{town} Jobs and Skills Hub",
             "Help with CVs, job searching and interview practice.", CostKind.FREE, DAYTIME, 18, 66),
    Template(("carer_support",), "Carers' Cafe", "{area} Carers Network",
             "A break, a chat and practical advice for unpaid carers.", CostKind.FREE, DAYTIME),
    Template(("bereavement",), "Bereavement Support Group", "{area} Bereavement Care",
             "A small group for people grieving the death of someone close.", CostKind.FREE, EVENING),
    Template(("long_term_condition",), "Living Well with Diabetes", "{area} Self-Management Programme",
             "A free course on managing diabetes day to day.", CostKind.FREE, DAYTIME),
    Template(("long_term_condition", "physical_activity"), "Better Breathing Group",
             "{town} Lung Health Group", "Singing and exercise for people with COPD or asthma.",
             CostKind.LOW_COST, DAYTIME),
    Template(("long_term_condition", "low_mood"), "Pain Management Peer Group", "{area} Pain Network",
             "People living with long-term pain sharing what helps.", CostKind.FREE, EVENING),
    Template(("substance_use",), "Alcohol and Drug Support", "{area} Recovery Service",
             "Confidential one-to-one and group support to cut down or stop.", CostKind.FREE, OFFICE),
    Template(("digital_inclusion",), "Get Online Sessions", "{town} Library",
             "Help with phones, tablets, e-mail and the NHS App.", CostKind.FREE, DAYTIME),
    Template(("food", "debt_money"), "Community Larder", "{town} Community Larder",
             "Members choose low-cost groceries each week.", CostKind.LOW_COST, DAYTIME),
    Template(("food",), "Food Bank", "{town} Food Bank",
             "Emergency food parcels with a referral voucher.", CostKind.FREE, DAYTIME),
    Template(("food", "weight"), "Cook and Eat on a Budget", "{area} Community Kitchen",
             "Learn to cook simple, cheap meals and eat together.", CostKind.FREE, EVENING),
    Template(("transport",), "Community Transport", "{area} Community Transport",
             "Door-to-door minibus and volunteer car scheme for people who cannot use buses.",
             CostKind.LOW_COST, PHONE),
    Template(("energy_costs", "debt_money"), "Warm Homes Advice", "{area} Energy Advice",
             "Help with energy bills, grants and keeping the home warm.", CostKind.FREE, PHONE),
    Template(("smoking",), "Stop Smoking Clinic", "{area} Smokefree Service",
             "Weekly support and stop smoking aids.", CostKind.FREE, OFFICE),
    Template(("volunteering_learning",), "Volunteer Centre", "{area} Volunteer Centre",
             "Find a volunteering role that suits your interests and time.", CostKind.FREE, OFFICE),
    Template(("volunteering_learning", "digital_inclusion"), "Adult Learning Taster Courses",
             "{area} Adult Education", "Short courses in English, maths, IT and crafts.",
             CostKind.PAID, EVENING, 19),
    Template(("arts_creativity", "low_mood"), "Arts for Wellbeing", "{town} Arts Collective",
             "Relaxed art and craft sessions; all materials provided.", CostKind.LOW_COST, DAYTIME),
    Template(("arts_creativity", "loneliness"), "Community Choir", "{town} Community Choir",
             "No auditions and no need to read music.", CostKind.LOW_COST, EVENING),
    Template(("nature_green", "physical_activity"), "Community Garden", "{town} Community Garden",
             "Grow fruit and vegetables together; no experience needed.", CostKind.FREE, DAYTIME),
    Template(("nature_green", "volunteering_learning"), "Conservation Volunteers", "{area} Green Gym",
             "Outdoor conservation work in local parks and woods.", CostKind.FREE, WEEKEND),
    Template(("relationships_family",), "Family Support Service", "{area} Family Hub",
             "Support with parenting, relationships and family life.", CostKind.FREE, OFFICE),
    Template(("memory_dementia", "carer_support"), "Memory Cafe", "{town} Memory Cafe",
             "A welcoming cafe for people living with dementia and those who support them.",
             CostKind.FREE, DAYTIME),
    Template(("mobility_falls",), "Strength and Balance Classes", "{area} Falls Prevention",
             "A 24-week programme to improve strength and balance.", CostKind.FREE, DAYTIME, 65),
    Template(("legal_advice",), "Free Legal Advice Clinic", "{area} Law Centre",
             "Appointments with a volunteer solicitor on housing, work and family questions.",
             CostKind.FREE, EVENING),
    Template(("domestic_abuse",), "Domestic Abuse Support", "{area} Domestic Abuse Service",
             "Confidential support, safety planning and refuge referrals.", CostKind.FREE, PHONE),
)  # fmt: skip

_VENUES = (
    "{town} Library", "St {saint}'s Church Hall", "{stem} Community Centre", "{town} Methodist Hall",
    "The {stem} Centre", "{town} Leisure Centre", "{stem} Park Pavilion", "{town} Village Hall",
)  # fmt: skip
_SAINTS = ("Mary", "John", "Peter", "Andrew", "Margaret", "George", "Nicholas", "Luke", "Stephen")
_ACCESSIBILITY = (
    "Wheelchair accessible", "Step-free access", "Accessible toilet", "Hearing loop",
    "Large print materials", "Parking nearby", "BSL interpreter on request",
)  # fmt: skip
_LOW_COST_NOTES = ("£2 a session", "£3 including refreshments", "£1.50 a week", "Pay what you can")
_PAID_NOTES = ("£6 a class", "£45 for the course", "£8 a session; concessions available")
_WAITS = ("No wait", "About 2 weeks", "4 to 6 weeks")
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = dict(
    zip(
        _DAY_CODES,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)


@dataclass
class ServiceRows:
    services: list[dict[str, object]] = field(default_factory=list)
    needs: list[dict[str, object]] = field(default_factory=list)
    locations: list[dict[str, object]] = field(default_factory=list)
    schedules: list[dict[str, object]] = field(default_factory=list)


@dataclass
class DirectoryMaker:
    rng: random.Random
    pools: NamePools
    postcodes: PostcodeMaker
    today: date
    known_needs: frozenset[str]
    _names: set[tuple[str, str]] = field(default_factory=set)

    def service(
        self, ids: ServiceIds, where: Town, pcn_id: int | None, verifiers: tuple[int, ...], rows: ServiceRows
    ) -> None:
        """One service in ``where``: its row, needs, venues and weekly schedules."""
        rng = self.rng
        template = rng.choice(TEMPLATES)
        service_id = ids.next_service()
        venue = self._venue(where)
        name = template.name.format(town=where.name, area=where.area)
        if (name, where.name) in self._names:
            name = f"{name} at {venue}"
        self._names.add((name, where.name))
        organisation = template.organisation.format(town=where.name, area=where.area)
        slug = re.sub(r"[^a-z0-9]+", "-", organisation.lower()).strip("-")
        verified = self._verified_on()
        created = moment(rng, verified - timedelta(days=rng.randint(0, 700)))
        rows.services.append(
            {
                "id": service_id,
                "pcn_id": pcn_id,
                "oruk_id": None,
                "organisation_name": organisation,
                "name": name,
                "description": template.description,
                "url": f"https://{slug}.example.org",
                "email": f"hello@{slug}.example.org",
                "phone": names.landline(rng),
                "cost_kind": template.cost.value,
                "cost_note": _cost_note(rng, template.cost),
                "access_routes": _access_routes(rng, template),
                "accessibility": sorted(rng.sample(_ACCESSIBILITY, rng.randint(0, 4))),
                "languages": ["English", rng.choice(OTHER_LANGUAGES)] if rng.random() < 0.1 else ["English"],
                "min_age": template.min_age if template.min_age else (18 if rng.random() < 0.3 else None),
                "max_age": template.max_age,
                "waiting_time": rng.choice(_WAITS) if rng.random() < 0.3 else None,
                "status": _status(rng).value,
                "last_verified_on": verified,
                "verified_by_id": rng.choice(verifiers),
                "search_text": service_search_text(name, organisation, template.description),
                "import_problems": [],
                "created_at": created,
                "updated_at": max(created, moment(rng, verified)),
                "version_id": 1,
            }
        )
        rows.needs.extend(
            {"service_id": service_id, "need_code": code}
            for code in template.needs
            if code in self.known_needs
        )
        if template.when == PHONE:
            rows.schedules.append(
                _schedule(
                    ids.next_schedule(), service_id, None, ("MO", "TU", "WE", "TH", "FR"), time(9), time(17)
                )
            )
            return
        for index in range(2 if rng.random() < 0.06 else 1):
            location_id = ids.next_location()
            point = self.postcodes.make(where)
            line_1, _ = names.street_address(self.pools, rng)
            rows.locations.append(
                {
                    "id": location_id,
                    "service_id": service_id,
                    "name": venue if index == 0 else self._venue(where),
                    "address_line_1": line_1,
                    "town": where.name,
                    "postcode": point.postcode,
                    "latitude": point.latitude,
                    "longitude": point.longitude,
                }
            )
            days, opens, closes = _times(rng, template.when)
            rows.schedules.append(
                _schedule(ids.next_schedule(), service_id, location_id, days, opens, closes)
            )
            if template.when == DAYTIME and rng.random() < 0.15:
                days, opens, closes = _times(rng, EVENING)
                rows.schedules.append(
                    _schedule(ids.next_schedule(), service_id, location_id, days, opens, closes)
                )

    def _venue(self, where: Town) -> str:
        pattern = self.rng.choice(_VENUES)
        return pattern.format(
            town=where.name, saint=self.rng.choice(_SAINTS), stem=self.pools.family_name(self.rng)
        )

    def _verified_on(self) -> date:
        """Most checked in the last six months; about one in seven not for over a year (stale)."""
        roll = self.rng.random()
        if roll < 0.7:
            return self.today - timedelta(days=self.rng.randint(0, 180))
        if roll < 0.86:
            return self.today - timedelta(days=self.rng.randint(181, 365))
        return self.today - timedelta(days=self.rng.randint(366, 900))


@dataclass
class ServiceIds:
    service: int
    location: int
    schedule: int

    def next_service(self) -> int:
        self.service += 1
        return self.service

    def next_location(self) -> int:
        self.location += 1
        return self.location

    def next_schedule(self) -> int:
        self.schedule += 1
        return self.schedule


def _status(rng: random.Random) -> ServiceStatus:
    roll = rng.random()
    if roll < 0.9:
        return ServiceStatus.ACTIVE
    return ServiceStatus.TEMPORARILY_CLOSED if roll < 0.96 else ServiceStatus.DEFUNCT


def _cost_note(rng: random.Random, cost: CostKind) -> str | None:
    if cost is CostKind.LOW_COST:
        return rng.choice(_LOW_COST_NOTES)
    if cost is CostKind.PAID:
        return rng.choice(_PAID_NOTES)
    return None


def _access_routes(rng: random.Random, template: Template) -> list[str]:
    routes = [
        route.value for route in AccessRoute if rng.random() < (0.3 if route is AccessRoute.DROP_IN else 0.7)
    ]
    if template.when == OFFICE and AccessRoute.DROP_IN.value not in routes:
        routes.append(AccessRoute.DROP_IN.value)
    return routes or [AccessRoute.LINK_WORKER_REFERRAL.value]


def _times(rng: random.Random, when: str) -> tuple[tuple[str, ...], time, time]:
    if when == OFFICE:
        return ("MO", "TU", "WE", "TH", "FR"), time(9, 30), time(16, 30)
    if when == WEEKEND:
        opens = time(rng.choice((9, 10, 11)), rng.choice((0, 30)))
        return (rng.choice(("SA", "SU")),), opens, time(opens.hour + rng.choice((2, 3)), opens.minute)
    if when == EVENING:
        opens = time(rng.choice((18, 19)), rng.choice((0, 30)))
        return (rng.choice(_DAY_CODES[:5]),), opens, time(opens.hour + 2, opens.minute)
    if rng.random() < 0.08:
        return ("SA",), time(10), time(12)  # a Saturday morning session
    days = tuple(sorted(rng.sample(range(5), rng.choice((1, 1, 1, 2)))))
    opens = time(rng.choice((9, 10, 10, 11, 13, 14)), rng.choice((0, 30)))
    return (
        tuple(_DAY_CODES[day] for day in days),
        opens,
        time(opens.hour + rng.choice((1, 2, 3)), opens.minute),
    )


def _schedule(
    schedule_id: int,
    service_id: int,
    location_id: int | None,
    days: tuple[str, ...],
    opens: time,
    closes: time,
) -> dict[str, object]:
    return {
        "id": schedule_id,
        "service_id": service_id,
        "location_id": location_id,
        "freq": "WEEKLY",
        "byday": ",".join(days),
        "opens_at": opens,
        "closes_at": closes,
        "description": f"{_day_list(days)}, {opens:%H:%M} to {closes:%H:%M}",
    }


def _day_list(days: tuple[str, ...]) -> str:
    if days == ("MO", "TU", "WE", "TH", "FR"):
        return "Monday to Friday"
    spelled = [_DAY_NAMES[day] for day in days]
    return "Every " + (" and ".join(spelled) if len(spelled) <= 2 else ", ".join(spelled))
