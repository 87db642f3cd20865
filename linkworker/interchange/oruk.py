"""Open Referral UK (HSDS 3.0) services in Linkworker's terms, shared by the JSON and CSV forms.

Both readers hand this module one service at a time in HSDS's nested JSON shape (the CSV reader
first joins its tables into that shape), so every rule about a feed's values is written once:
what is skipped (no id, no name, an id seen before), what is imported but flagged (coordinates
out of range, a postcode that is not a UK one, an unknown status, ...), and what is only noted
(fields ORUK does not have). Each problem names the file and the place in it (line or JSON path)
that someone fixing the feed looks for, and the service it is about (its name and id, as far as
the feed gives them) that a link worker knows it by.

The other way, ``hsds_service`` turns a ``OrukService`` into a service object that validates
against hsds-3.0-service.schema.json. ORUK identifiers are UUIDs: a service whose own id is not
one is exported under a UUID derived from it, and the same for organisations, locations and
terms, so exporting twice gives the same ids. An address is exported only when its first line,
town and postcode are all known, as ORUK requires of an address.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from linkworker.domain import postcode
from linkworker.domain.directory import ACCESS_ROUTE_LABELS, COST_LABELS, AccessRoute, CostKind, ServiceStatus
from linkworker.domain.service_entry import OLDEST_AGE, UK_LATITUDE, UK_LONGITUDE, URL_MAX
from linkworker.whole_file import not_written, text_written_whole

# Needs are exported as terms of this taxonomy, and recognised by it when imported again.
NEEDS_VOCABULARY = "linkworker-needs"
UNNAMED_VOCABULARY = "unnamed"
_NAMESPACE = uuid.UUID("6f1f8d5e-2b8a-4c39-9d0e-6c1b5a1e7d42")

# The widths of the columns the values go into (store/models.py).
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
TOWN_MAX = 100
BYDAY_MAX = 40
ID_MAX = 100
TERM_MAX = 200
VOCABULARY_MAX = 100
# PCNs are in England; the county is not kept, and ORUK requires an address's state or province.
STATE_PROVINCE = "England"
# A charge of at most this many pounds a session counts as low cost.
LOW_COST_MOST = 5.0

# How Linkworker's vocabularies are written in ORUK, and recognised when read.
STATUS_TO_ORUK = {
    ServiceStatus.ACTIVE: "active",
    ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed",
    ServiceStatus.DEFUNCT: "defunct",
}
_STATUS_FROM_ORUK = {
    "active": ServiceStatus.ACTIVE,
    "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
    "temporarilyclosed": ServiceStatus.TEMPORARILY_CLOSED,
    "temporarily_closed": ServiceStatus.TEMPORARILY_CLOSED,
    "inactive": ServiceStatus.TEMPORARILY_CLOSED,
    "defunct": ServiceStatus.DEFUNCT,
}
# Access routes and costs are written (and recognised) as the directory labels them.
ACCESS_ROUTE_WORDS = ACCESS_ROUTE_LABELS
COST_OPTION_WORDS = COST_LABELS
_COST_FROM_WORDS = {words.casefold(): kind for kind, words in COST_OPTION_WORDS.items()}
_BYDAY = re.compile(r"^(?:[+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$")
_MONEY = re.compile(r"£\s*(\d+(?:\.\d{1,2})?)")

# The fields of an HSDS 3.0 service; any other is noted as not ORUK's.
SERVICE_FIELDS = frozenset(
    {
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
        "email", "status", "interpretation_services", "application_process", "fees_description",
        "wait_time", "fees", "accreditations", "eligibility_description", "minimum_age",
        "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified",
        "phones", "schedules", "service_areas", "service_at_locations", "languages",
        "organization", "funding", "cost_options", "program", "required_documents", "contacts",
        "attributes", "metadata",
    }
)  # fmt: skip


class FeedError(ValueError):
    """The file as a whole cannot be read as a directory feed; the message says why."""


class Severity(StrEnum):
    SKIPPED = "skipped"  # the record is not imported
    FLAGGED = "flagged"  # imported, and marked for someone to check
    NOTE = "note"  # imported as it is; worth knowing


@dataclass(frozen=True)
class FeedProblem:
    """One problem, with the record it came from: file, place (line or JSON path), and the
    service's id and name where the feed gives them (a problem of the file itself has neither)."""

    file: str
    where: str
    record_id: str | None
    severity: Severity
    message: str
    service_name: str | None = None

    @property
    def known_as(self) -> str:
        """What a person knows the service by: its name, else its id ("" for a file's problem)."""
        if self.service_name:
            return self.service_name
        return f"id {self.record_id}" if self.record_id else ""

    @property
    def service(self) -> str:
        """The service in a line of text: its name and id, or as much of them as the feed gives."""
        if not self.service_name:
            return f"Service {self.known_as}" if self.record_id else ""
        record = f" (id {self.record_id})" if self.record_id else ""
        return f"Service “{self.service_name}”{record}"

    def text(self) -> str:
        place, service = f"{self.file}, {self.where}", self.service
        return f"{service} at {place}: {self.message}" if service else f"{place}: {self.message}"


def shown_name(name: str) -> str | None:
    """A service's name as a problem shows it: on one line and no longer than a kept name."""
    return " ".join(name.split())[:NAME_MAX] or None


@dataclass(frozen=True)
class Term:
    """A taxonomy term a service carries: its vocabulary, its code (or id) there, and its name."""

    vocabulary: str
    term_id: str
    name: str


@dataclass(frozen=True)
class OrukLocation:
    name: str | None = None
    address_1: str | None = None
    town: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class OrukSchedule:
    """Weekly (or monthly) opening, in ORUK's terms; ``location`` indexes the service's locations."""

    freq: str = "WEEKLY"
    byday: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    description: str | None = None
    location: int | None = None


@dataclass(frozen=True)
class OrukService:
    """One service as Linkworker keeps it. ``problems`` are the flags an import stores with it;
    ``where`` is the record it came from (empty for one being exported)."""

    oruk_id: str
    name: str
    organisation_name: str
    description: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    status: ServiceStatus = ServiceStatus.ACTIVE
    cost_kind: CostKind = CostKind.FREE
    cost_note: str | None = None
    access_routes: tuple[AccessRoute, ...] = ()
    accessibility: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    waiting_time: str | None = None
    verified_on: date | None = None
    locations: tuple[OrukLocation, ...] = ()
    schedules: tuple[OrukSchedule, ...] = ()
    terms: tuple[Term, ...] = ()
    problems: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class Feed:
    """A whole feed as read: the services to import and every problem found on the way."""

    name: str
    form: str
    services: tuple[OrukService, ...]
    problems: tuple[FeedProblem, ...]
    records: int

    def problems_of(self, severity: Severity) -> tuple[FeedProblem, ...]:
        return tuple(problem for problem in self.problems if problem.severity is severity)


# Reading


@dataclass
class _Record:
    """The problems of one service being read; ``where`` is its place in the file."""

    file: str
    where: str
    record_id: str | None
    name: str | None
    problems: list[FeedProblem] = field(default_factory=list)

    def add(self, severity: Severity, message: str, where: str | None = None) -> None:
        self.problems.append(
            FeedProblem(self.file, where or self.where, self.record_id, severity, message, self.name)
        )

    def flags(self) -> tuple[str, ...]:
        return tuple(
            problem.message if problem.where == self.where else f"{problem.where}: {problem.message}"
            for problem in self.problems
            if problem.severity is Severity.FLAGGED
        )


class FeedReader:
    """Turns nested HSDS service objects into ``OrukService``s, keeping the first of each id."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.services: list[OrukService] = []
        self.problems: list[FeedProblem] = []
        self.records = 0
        self._first_seen: dict[str, str] = {}

    def note(self, where: str, message: str, record_id: str | None = None, name: str | None = None) -> None:
        """Note something found at ``where``: about the file, or about the service ``record_id``."""
        self.problems.append(FeedProblem(self.file, where, record_id, Severity.NOTE, message, name))

    def read(self, raw: object, where: str) -> None:
        """Read one service object found at ``where`` (a JSON path or a CSV line)."""
        self.records += 1
        if not isinstance(raw, Mapping):
            self._problem(where, None, None, "This is not a service object: skipped.")
            return
        record_id = _text(raw.get("id"))
        name = _text(raw.get("name"))
        shown = shown_name(name)
        if not record_id:
            self._problem(
                where, None, shown, "The service has no id, so it cannot be kept up to date: skipped."
            )
            return
        if len(record_id) > ID_MAX:
            self._problem(
                where, record_id[:40], shown, f"The id is longer than {ID_MAX} characters: skipped."
            )
            return
        if record_id in self._first_seen:
            self._problem(
                where,
                record_id,
                shown,
                f"The same id as the service at {self._first_seen[record_id]}: skipped (the first is kept).",
            )
            return
        if not name:
            self._problem(where, record_id, None, "The service has no name: skipped.")
            return
        self._first_seen[record_id] = where
        record = _Record(self.file, where, record_id, shown)
        unknown = sorted(key for key in raw if isinstance(key, str) and key not in SERVICE_FIELDS)
        unknown = [key for key in unknown if not key.startswith("_")]
        if unknown:
            record.add(Severity.NOTE, f"Fields ORUK does not have, left out: {', '.join(unknown)}.")
        self.services.append(_service(raw, record_id, name, record))
        self.problems.extend(record.problems)

    def _problem(self, where: str, record_id: str | None, name: str | None, message: str) -> None:
        self.problems.append(FeedProblem(self.file, where, record_id, Severity.SKIPPED, message, name))

    def feed(self, form: str) -> Feed:
        return Feed(self.file, form, tuple(self.services), tuple(self.problems), self.records)


def _service(raw: Mapping[str, Any], record_id: str, name: str, record: _Record) -> OrukService:
    organisation = raw.get("organization") if isinstance(raw.get("organization"), Mapping) else {}
    organisation_name = _text(organisation.get("name"))
    if not organisation_name:
        record.add(Severity.FLAGGED, "No organisation is given.")
    pairs = [
        (_where(item, f"{record.where}.service_at_locations[{index}]"), item)
        for index, item in enumerate(_objects(raw.get("service_at_locations")))
    ]
    locations: list[OrukLocation] = []
    accessibility: list[str] = []
    schedules: list[OrukSchedule] = []
    for index, (at, link) in enumerate(pairs):
        place = link.get("location") if isinstance(link.get("location"), Mapping) else {}
        locations.append(_location(place, _where(place, f"{at}.location"), record))
        accessibility.extend(
            description
            for item in _objects(place.get("accessibility"))
            if (description := _text(item.get("description")) or _text(item.get("details")))
        )
        for number, item in enumerate(_objects(link.get("schedules"))):
            schedules.append(_schedule(item, _where(item, f"{at}.schedules[{number}]"), record, index))
    for number, item in enumerate(_objects(raw.get("schedules"))):
        schedules.append(_schedule(item, _where(item, f"{record.where}.schedules[{number}]"), record, None))
    min_age = _age(raw.get("minimum_age"), "minimum age", record)
    max_age = _age(raw.get("maximum_age"), "maximum age", record)
    if min_age is not None and max_age is not None and min_age > max_age:
        record.add(
            Severity.FLAGGED, f"The minimum age ({min_age}) is above the maximum ({max_age}): both left out."
        )
        min_age = max_age = None
    cost_kind, cost_note = _cost(raw, record)
    return OrukService(
        oruk_id=record_id,
        name=_fit(name, NAME_MAX, "name", record),
        organisation_name=_fit(organisation_name, NAME_MAX, "organisation", record),
        description=_text(raw.get("description")) or None,
        url=_fit(_text(raw.get("url")) or _text(organisation.get("website")), URL_MAX, "web address", record)
        or None,
        email=_fit(_text(raw.get("email")) or _text(organisation.get("email")), EMAIL_MAX, "e-mail", record)
        or None,
        phone=_phone(raw, record),
        status=_status(raw.get("status"), record),
        cost_kind=cost_kind,
        cost_note=cost_note,
        access_routes=_access_routes(_text(raw.get("application_process"))),
        accessibility=tuple(dict.fromkeys(item[:NAME_MAX] for item in accessibility)),
        languages=tuple(
            dict.fromkeys(
                language[:NAME_MAX]
                for item in _objects(raw.get("languages"))
                if (language := _text(item.get("name")) or _text(item.get("code")))
            )
        ),
        min_age=min_age,
        max_age=max_age,
        waiting_time=_fit(_text(raw.get("wait_time")), NAME_MAX, "waiting time", record) or None,
        verified_on=_date(raw.get("assured_date"), "assured date", record),
        locations=tuple(locations),
        schedules=tuple(schedules),
        terms=_terms(raw, record),
        problems=record.flags(),
        where=record.where,
    )


def _where(item: Mapping[str, Any], path: str) -> str:
    """The place of a nested object: its CSV line when the CSV reader marked one, else its path."""
    marked = item.get("_where")
    return marked if isinstance(marked, str) else path


def _objects(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _text(value: object) -> str:
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    return str(value).strip()


def _fit(value: str, most: int, what: str, record: _Record) -> str:
    if len(value) <= most:
        return value
    record.add(Severity.FLAGGED, f"The {what} is longer than {most} characters: cut short.")
    return value[:most]


def _number(value: object) -> float | None:
    """A number written as a number or as text; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    try:
        number = float(_text(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _age(value: object, what: str, record: _Record) -> int | None:
    if _text(value) == "":
        return None
    number = _number(value)
    if number is None or number < 0 or number > OLDEST_AGE or number != int(number):
        record.add(Severity.FLAGGED, f"The {what} “{_text(value)}” is not an age in whole years: left out.")
        return None
    return int(number)


def _date(value: object, what: str, record: _Record) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        record.add(Severity.FLAGGED, f"The {what} “{text}” is not a date (like 2026-03-31): left out.")
        return None


def _status(value: object, record: _Record) -> ServiceStatus:
    text = _text(value)
    status = _STATUS_FROM_ORUK.get(text.casefold())
    if status is not None:
        return status
    if text:
        record.add(Severity.FLAGGED, f"The status “{text}” is not one ORUK has: recorded as active.")
    else:
        record.add(Severity.FLAGGED, "No status is given: recorded as active.")
    return ServiceStatus.ACTIVE


def _phone(raw: Mapping[str, Any], record: _Record) -> str | None:
    organisation = raw.get("organization") if isinstance(raw.get("organization"), Mapping) else {}
    for item in _objects(raw.get("phones")) + _objects(organisation.get("phones")):
        number = _text(item.get("number"))
        if number:
            return _fit(number, PHONE_MAX, "phone number", record)
    return None


def _cost(raw: Mapping[str, Any], record: _Record) -> tuple[CostKind, str | None]:
    """Free, low cost or paid, from the cost options, or else the fees text; a note to go with it."""
    options = _objects(raw.get("cost_options"))
    described = _text(raw.get("fees_description")) or _text(raw.get("fees"))
    kinds: list[CostKind] = []
    notes: list[str] = []
    for option in options:
        words = _text(option.get("option"))
        amount = _number(option.get("amount"))
        named = _COST_FROM_WORDS.get(words.casefold())
        if named is not None:
            kinds.append(named)
        elif amount is not None:
            kinds.append(_cost_of(amount))
        elif "free" in words.casefold():
            kinds.append(CostKind.FREE)
        notes.extend(text for text in (_text(option.get("amount_description")),) if text)
        if words and named is None:
            notes.append(words)
    if not kinds and described:
        amounts = [float(found) for found in _MONEY.findall(described)]
        if amounts:
            kinds.append(_cost_of(max(amounts)))
        elif "free" in described.casefold():
            kinds.append(CostKind.FREE)
    note = described or "; ".join(dict.fromkeys(notes))
    if not kinds:
        record.add(Severity.FLAGGED, "The cost is not given: recorded as free.")
        return CostKind.FREE, _fit(note, NAME_MAX, "cost note", record) or None
    order = list(CostKind)
    kind = max(kinds, key=order.index)
    if kind is CostKind.FREE and note.casefold() in {"free", ""}:
        note = ""
    return kind, _fit(note, NAME_MAX, "cost note", record) or None


def _cost_of(amount: float) -> CostKind:
    if amount <= 0:
        return CostKind.FREE
    return CostKind.LOW_COST if amount <= LOW_COST_MOST else CostKind.PAID


def _access_routes(text: str) -> tuple[AccessRoute, ...]:
    folded = re.sub(r"[^a-z]", "", text.casefold())
    return tuple(
        route
        for route, words in ACCESS_ROUTE_WORDS.items()
        if re.sub(r"[^a-z]", "", words.casefold()) in folded
    )


def _location(place: Mapping[str, Any], where: str, record: _Record) -> OrukLocation:
    addresses = _objects(place.get("addresses"))
    physical = next(
        (item for item in addresses if _text(item.get("address_type")).casefold() != "postal"),
        addresses[0] if addresses else {},
    )
    latitude, longitude = _coordinates(place, where, record)
    code = _postcode(_text(physical.get("postal_code")), _where(physical, where), record)
    if code is not None and postcode.is_pseudo(code) and latitude is not None:
        record.add(
            Severity.FLAGGED,
            f"{code} is an NHS pseudo-postcode, not a place: the venue's coordinates are left out.",
            where,
        )
        latitude = longitude = None
    return OrukLocation(
        name=_fit(_text(place.get("name")), NAME_MAX, "location name", record) or None,
        address_1=_fit(_text(physical.get("address_1")), NAME_MAX, "address", record) or None,
        town=_fit(_text(physical.get("city")), TOWN_MAX, "town", record) or None,
        postcode=code,
        latitude=latitude,
        longitude=longitude,
    )


def _coordinates(place: Mapping[str, Any], where: str, record: _Record) -> tuple[float | None, float | None]:
    raw_latitude, raw_longitude = place.get("latitude"), place.get("longitude")
    if _text(raw_latitude) == "" and _text(raw_longitude) == "":
        return None, None
    latitude, longitude = _number(raw_latitude), _number(raw_longitude)
    shown = f"({_text(raw_latitude) or 'none'}, {_text(raw_longitude) or 'none'})"
    if latitude is None or longitude is None:
        record.add(Severity.FLAGGED, f"The coordinates {shown} are not both numbers: left out.", where)
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        record.add(Severity.FLAGGED, f"The coordinates {shown} are out of range: left out.", where)
        return None, None
    if not (UK_LATITUDE[0] <= latitude <= UK_LATITUDE[1] and UK_LONGITUDE[0] <= longitude <= UK_LONGITUDE[1]):
        record.add(
            Severity.FLAGGED,
            f"The coordinates {shown} are outside the UK (latitude and longitude swapped?): left out.",
            where,
        )
        return None, None
    return latitude, longitude


def _postcode(text: str, where: str, record: _Record) -> str | None:
    if not text:
        return None
    if postcode.is_valid(text):
        return postcode.parse(text)
    record.add(Severity.FLAGGED, f"“{text[:40]}” is not a UK postcode: left out.", where)
    return None


def _schedule(item: Mapping[str, Any], where: str, record: _Record, location: int | None) -> OrukSchedule:
    freq = _text(item.get("freq")).upper() or "WEEKLY"
    if freq not in {"WEEKLY", "MONTHLY"}:
        record.add(Severity.FLAGGED, f"The schedule's frequency “{freq}” is not WEEKLY or MONTHLY.", where)
        freq = "WEEKLY"
    days = [day.strip().upper() for day in _text(item.get("byday")).split(",") if day.strip()]
    bad = [day for day in days if not _BYDAY.match(day)]
    if bad:
        record.add(
            Severity.FLAGGED, f"The schedule's days “{', '.join(bad)}” are not ORUK days (MO to SU).", where
        )
    good = [day for day in days if _BYDAY.match(day)]
    return OrukSchedule(
        freq=freq,
        byday=",".join(good)[:BYDAY_MAX] or None,
        opens_at=_time(item.get("opens_at"), "opening time", where, record),
        closes_at=_time(item.get("closes_at"), "closing time", where, record),
        description=(_text(item.get("description")) or _text(item.get("notes")))[:NAME_MAX] or None,
        location=location,
    )


def _time(value: object, what: str, where: str, record: _Record) -> time | None:
    text = _text(value)
    if not text:
        return None
    match = _TIME.match(text)
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return time(int(match.group(1)), int(match.group(2)))
    record.add(Severity.FLAGGED, f"The {what} “{text[:20]}” is not a time (like 18:30): left out.", where)
    return None


def _terms(raw: Mapping[str, Any], record: _Record) -> tuple[Term, ...]:
    terms: dict[tuple[str, str], Term] = {}
    for index, attribute in enumerate(_objects(raw.get("attributes"))):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, Mapping):
            continue
        detail = term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), Mapping) else {}
        vocabulary = _text(term.get("taxonomy")) or _text(detail.get("name")) or UNNAMED_VOCABULARY
        term_id = _text(term.get("code")) or _text(term.get("id"))
        name = _text(term.get("name")) or term_id
        if not term_id:
            where = _where(attribute, f"{record.where}.attributes[{index}]")
            record.add(Severity.NOTE, "A taxonomy term without an id or code: left out.", where)
            continue
        key = (vocabulary[:VOCABULARY_MAX], term_id[:TERM_MAX])
        terms.setdefault(key, Term(key[0], key[1], name[:TERM_MAX]))
    return tuple(terms.values())


# Writing


def export_id(kind: str, key: str) -> str:
    """The UUID a record is exported under: its own id when that is a UUID, else one derived from it."""
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def hsds_service(service: OrukService) -> dict[str, Any]:
    """The service as ``/services/{id}`` returns it in HSDS 3.0, nested and fully identified."""
    service_id = export_id("service", service.oruk_id)
    # A service imported without its organisation is exported as its own organisation.
    organisation = service.organisation_name or service.name
    organisation_id = export_id("organization", organisation.casefold())
    locations = [_hsds_location(service, index, place) for index, place in enumerate(service.locations)]
    at_location = [
        {
            "id": export_id("service_at_location", f"{service_id}:{index}"),
            "service_id": service_id,
            "location_id": location["id"],
            "schedules": [
                _hsds_schedule(service_id, number, schedule, index)
                for number, schedule in enumerate(service.schedules)
                if schedule.location == index
            ],
            "location": location,
        }
        for index, location in enumerate(locations)
    ]
    body: dict[str, Any] = {
        "id": service_id,
        "organization_id": organisation_id,
        "name": service.name,
        "description": service.description or "",
        "status": STATUS_TO_ORUK[service.status],
        "organization": {"id": organisation_id, "name": organisation, "description": organisation},
        "service_at_locations": at_location,
        "schedules": [
            _hsds_schedule(service_id, number, schedule, None)
            for number, schedule in enumerate(service.schedules)
            if schedule.location is None
        ],
        "cost_options": [
            {
                "id": export_id("cost_option", service_id),
                "service_id": service_id,
                "option": COST_OPTION_WORDS[service.cost_kind],
                "currency": "GBP",
                **({"amount": 0} if service.cost_kind is CostKind.FREE else {}),
                **({"amount_description": service.cost_note} if service.cost_note else {}),
            }
        ],
        "languages": [
            {"id": export_id("language", f"{service_id}:{name}"), "service_id": service_id, "name": name}
            for name in service.languages
        ],
        "attributes": [_hsds_attribute(service_id, term) for term in service.terms],
    }
    optional = {
        "url": service.url,
        "email": service.email,
        "fees_description": service.cost_note,
        "application_process": "; ".join(ACCESS_ROUTE_WORDS[route] for route in service.access_routes),
        "wait_time": service.waiting_time,
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "assured_date": service.verified_on.isoformat() if service.verified_on else None,
    }
    body.update({key: value for key, value in optional.items() if value not in (None, "")})
    if service.phone:
        body["phones"] = [
            {"id": export_id("phone", service_id), "service_id": service_id, "number": service.phone}
        ]
    return body


def _hsds_location(service: OrukService, index: int, place: OrukLocation) -> dict[str, Any]:
    location_id = export_id("location", f"{export_id('service', service.oruk_id)}:{index}")
    location: dict[str, Any] = {"id": location_id, "location_type": "physical"}
    if place.name:
        location["name"] = place.name
    if place.latitude is not None and place.longitude is not None:
        location["latitude"] = place.latitude
        location["longitude"] = place.longitude
    if place.address_1 and place.town and place.postcode:
        location["addresses"] = [
            {
                "id": export_id("address", location_id),
                "location_id": location_id,
                "address_1": place.address_1,
                "city": place.town,
                "state_province": STATE_PROVINCE,
                "postal_code": place.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ]
    location["accessibility"] = [
        {
            "id": export_id("accessibility", f"{location_id}:{text}"),
            "location_id": location_id,
            "description": text,
        }
        for text in service.accessibility
    ]
    return location


def _hsds_schedule(
    service_id: str, number: int, schedule: OrukSchedule, location: int | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"id": export_id("schedule", f"{service_id}:{number}"), "freq": schedule.freq}
    if location is None:
        body["service_id"] = service_id
    else:
        body["service_at_location_id"] = export_id("service_at_location", f"{service_id}:{location}")
    if schedule.byday:
        body["byday"] = schedule.byday
    if schedule.opens_at is not None:
        body["opens_at"] = schedule.opens_at.strftime("%H:%M:%S")
    if schedule.closes_at is not None:
        body["closes_at"] = schedule.closes_at.strftime("%H:%M:%S")
    if schedule.description:
        body["description"] = schedule.description
    return body


def _hsds_attribute(service_id: str, term: Term) -> dict[str, Any]:
    term_id = export_id("taxonomy_term", f"{term.vocabulary}:{term.term_id}")
    return {
        "id": export_id("attribute", f"{service_id}:{term_id}"),
        "link_id": service_id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": term.term_id,
            "name": term.name,
            "description": term.name,
            "taxonomy": term.vocabulary,
        },
    }


def page(services: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A single page of ``/services`` holding every service."""
    contents = list(services)
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def write_atomically(path: Path, write: Callable[[TextIO], None], encoding: str = "utf-8") -> None:
    """Write a feed whole or not at all (linkworker.whole_file); a failure is a FeedError."""
    try:
        with text_written_whole(path, encoding) as stream:
            write(stream)
    except OSError as error:
        raise FeedError(not_written(path, error)) from None
