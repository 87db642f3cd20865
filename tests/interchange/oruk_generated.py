"""Valid HSDS 3.0 services, generated (hypothesis), holding what Linkworker keeps of a service, and
the fields of one compared after a round trip (``kept_fields``).

Linkworker keeps one phone number per service, a language's name, a term's vocabulary, code and
name, and a venue's accessibility as the service's: the generated services give no more than that,
and ``kept_fields`` compares accessibility over all venues. Every generated service is checked
against hsds-3.0-service.schema.json by the tests that use it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from linkworker.domain.directory import ACCESS_ROUTE_LABELS

IDS = st.uuids().map(str)
WORDS = st.from_regex(r"[A-Z][a-z]{2,10}( [A-Za-z][a-z]{1,9}){0,3}", fullmatch=True)
SENTENCES = st.from_regex(r"[A-Z][a-z]{1,9}([ ,.'£0-9][a-z0-9]{1,9}){0,8}\.", fullmatch=True)
EMAILS = st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.example\.org", fullmatch=True)
URLS = st.from_regex(r"https://[a-z]{1,10}\.example\.org(/[a-z]{1,8})?", fullmatch=True)
LANDLINES = st.from_regex(r"01632 960[0-9]{3}", fullmatch=True)
MOBILES = st.from_regex(r"07700 900[0-9]{3}", fullmatch=True)
POSTCODES = st.sampled_from(["ME14 1XX", "ME20 7AA", "CT1 2AB", "TN23 1PL", "DA1 1BB"])
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIMES = st.builds(
    lambda hour, minute: f"{hour:02d}:{minute:02d}:00", st.integers(0, 23), st.sampled_from([0, 15, 30, 45])
)


def _optional(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(st.one_of(st.none(), strategy))


def _with(body: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """``body`` with the optional fields that have a value (HSDS leaves the others out)."""
    return {**body, **{key: value for key, value in optional.items() if value is not None}}


@st.composite
def schedules(draw: st.DrawFn, owner: dict[str, str]) -> dict[str, Any]:
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
    return _with(
        {"id": draw(IDS), **owner, "freq": "WEEKLY", "byday": ",".join(day for day in DAYS if day in days)},
        opens_at=_optional(draw, TIMES),
        closes_at=_optional(draw, TIMES),
        description=_optional(draw, SENTENCES),
    )


@st.composite
def service_at_locations(draw: st.DrawFn, service_id: str) -> dict[str, Any]:
    link_id, location_id = draw(IDS), draw(IDS)
    location = _with({"id": location_id, "location_type": "physical"}, name=_optional(draw, WORDS))
    if draw(st.booleans()):
        location["latitude"] = round(draw(st.floats(50.0, 58.0)), 5)
        location["longitude"] = round(draw(st.floats(-5.0, 1.5)), 5)
    if draw(st.booleans()):
        location["addresses"] = [
            {
                "id": draw(IDS),
                "location_id": location_id,
                "address_1": draw(WORDS),
                "city": draw(WORDS),
                "state_province": "England",
                "postal_code": draw(POSTCODES),
                "country": "GB",
                "address_type": "physical",
            }
        ]
    location["accessibility"] = [
        {"id": draw(IDS), "location_id": location_id, "description": text}
        for text in draw(st.lists(WORDS, max_size=2, unique=True))
    ]
    times = draw(st.lists(schedules({"service_at_location_id": link_id}), max_size=2))
    return {
        "id": link_id,
        "service_id": service_id,
        "location_id": location_id,
        "location": location,
        "schedules": times,
    }


@st.composite
def terms(draw: st.DrawFn, service_id: str) -> dict[str, Any]:
    term_id = draw(IDS)
    term = {
        "id": term_id,
        "code": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,15}", fullmatch=True)),
        "name": draw(WORDS),
        "description": draw(SENTENCES),
        "taxonomy": draw(st.sampled_from(["esd-needs", "esd-activities", "local-categories"])),
    }
    return {
        "id": draw(IDS),
        "link_id": service_id,
        "taxonomy_term_id": term_id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term": term,
    }


@st.composite
def contacts(draw: st.DrawFn, service_id: str) -> dict[str, Any]:
    contact_id = draw(IDS)
    contact = _with(
        {"id": contact_id, "service_id": service_id},
        name=_optional(draw, WORDS),
        title=_optional(draw, WORDS),
        email=_optional(draw, EMAILS),
    )
    if draw(st.booleans()):
        contact["phones"] = [{"id": draw(IDS), "contact_id": contact_id, "number": draw(MOBILES)}]
    return contact


@st.composite
def services(draw: st.DrawFn) -> dict[str, Any]:
    """One service as /services/{id} returns it, in HSDS 3.0."""
    service_id, organisation_id = draw(IDS), draw(IDS)
    organisation_name = draw(WORDS)
    organisation = _with(
        {
            "id": organisation_id,
            "name": organisation_name,
            "description": draw(
                SENTENCES.filter(lambda text: text.casefold() != organisation_name.casefold())
            ),
        },
        website=_optional(draw, URLS),
        email=_optional(draw, EMAILS),
    )
    youngest = _optional(draw, st.integers(0, 60))
    oldest = _optional(draw, st.integers(youngest or 0, 120))
    routes = draw(st.lists(st.sampled_from(list(ACCESS_ROUTE_LABELS.values())), unique=True, max_size=3))
    note = _optional(draw, SENTENCES.filter(lambda text: text.casefold() != "free"))
    body = _with(
        {
            "id": service_id,
            "organization_id": organisation_id,
            "name": draw(WORDS),
            "status": draw(st.sampled_from(["active", "temporarily closed", "defunct"])),
            "organization": organisation,
            "cost_options": [
                _with(
                    {
                        "id": draw(IDS),
                        "service_id": service_id,
                        "option": draw(st.sampled_from(["Free", "Low cost", "Paid"])),
                    },
                    amount_description=note,
                )
            ],
            "service_at_locations": draw(st.lists(service_at_locations(service_id), max_size=2)),
            "schedules": draw(st.lists(schedules({"service_id": service_id}), max_size=2)),
            "languages": [
                {"id": draw(IDS), "service_id": service_id, "name": name}
                for name in draw(
                    st.lists(st.sampled_from(["English", "Polish", "Urdu", "Welsh"]), unique=True)
                )
            ],
            "attributes": draw(
                st.lists(
                    terms(service_id),
                    max_size=3,
                    unique_by=lambda attribute: (
                        attribute["taxonomy_term"]["taxonomy"],
                        attribute["taxonomy_term"]["code"],
                    ),
                )
            ),
            "contacts": draw(st.lists(contacts(service_id), max_size=2)),
            "service_areas": [
                _with(
                    {"id": draw(IDS), "service_id": service_id},
                    name=name,
                    description=_optional(draw, SENTENCES),
                )
                for name in draw(st.lists(WORDS, max_size=2))
            ],
        },
        description=_optional(draw, SENTENCES),
        url=_optional(draw, URLS),
        email=_optional(draw, EMAILS),
        wait_time=_optional(draw, WORDS),
        minimum_age=youngest,
        maximum_age=oldest,
        assured_date=_optional(draw, st.dates().map(lambda day: day.isoformat())),
        application_process="; ".join(label for label in ACCESS_ROUTE_LABELS.values() if label in routes)
        or None,
    )
    if draw(st.booleans()):
        body["phones"] = [{"id": draw(IDS), "service_id": service_id, "number": draw(LANDLINES)}]
    return body


_SERVICE_TEXTS = (
    "id", "name", "description", "url", "email", "status", "wait_time", "assured_date", "application_process",
)  # fmt: skip


def kept_fields(service: dict[str, Any]) -> dict[str, Any]:
    """What Linkworker keeps of an HSDS service, field by field, in a form to compare."""
    organisation = service["organization"]
    links = service.get("service_at_locations", [])
    return {
        "service": (
            *(service.get(key) or None for key in _SERVICE_TEXTS),
            service.get("minimum_age"),
            service.get("maximum_age"),
        ),
        "organisation": tuple(
            organisation.get(key) or None for key in ("id", "name", "description", "website", "email")
        ),
        "phones": [(phone["id"], phone["number"]) for phone in service.get("phones", [])],
        "cost": [(option["option"], option.get("amount_description")) for option in service["cost_options"]],
        "languages": [language["name"] for language in service.get("languages", [])],
        "locations": sorted(_location(link) for link in links),
        "accessibility": sorted(
            {item["description"] for link in links for item in link["location"].get("accessibility", [])}
        ),
        "schedules": sorted(_schedule(schedule) for schedule in service.get("schedules", [])),
        "contacts": sorted(_contact(contact) for contact in service.get("contacts", [])),
        "service_areas": sorted(
            (area["id"], area.get("name"), area.get("description"))
            for area in service.get("service_areas", [])
        ),
        "terms": sorted(
            (term["id"], term.get("code") or term["id"], term["name"], term["taxonomy"])
            for term in (attribute["taxonomy_term"] for attribute in service.get("attributes", []))
        ),
    }  # fmt: skip


def _location(link: dict[str, Any]) -> tuple[Any, ...]:
    place = link["location"]
    address = next(iter(place.get("addresses", [])), None)
    return (
        place["id"],
        place.get("name"),
        place.get("latitude"),
        place.get("longitude"),
        None if address is None else (address["address_1"], address["city"], address["postal_code"]),
        tuple(sorted(_schedule(schedule) for schedule in link.get("schedules", []))),
    )


def _schedule(schedule: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(schedule.get(key) for key in ("id", "freq", "byday", "opens_at", "closes_at", "description"))


def _contact(contact: dict[str, Any]) -> tuple[Any, ...]:
    phones = tuple((phone["id"], phone["number"]) for phone in contact.get("phones", []))
    return (contact["id"], contact.get("name"), contact.get("title"), contact.get("email"), phones)
