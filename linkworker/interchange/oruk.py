"""Open Referral UK (HSDS 3.0) services in Linkworker's terms, shared by the JSON and CSV forms.

Both readers hand this module one service at a time in HSDS's nested JSON shape (the CSV reader
first joins its tables into that shape), so every rule about a feed's values is written once:
what is skipped (no id, no name, an id seen before, a record that is not a service), what is
imported but flagged (coordinates out of range, a postcode that is not a UK one, an email, web
address or phone number the service editor would refuse, an unknown status, ...), and what is
only noted (fields ORUK does not have). Each problem names the file and the place in it (line or
JSON path) that someone fixing the feed looks for, and the service it is about (its name and id,
as far as the feed gives them) that a link worker knows it by.

Full records and summaries. A feed keeps a directory up to date by being imported again and
again, and not every shape of it says everything about a service:

- a full record is a service as ``/services/{id}`` returns it: a JSON file holding one service,
  a JSON list of services, or a row of services.csv joined with the other tables of its folder;
- a summary is an item of a ``/services`` page (``{"contents": [...]}``): ORUK's
  service_list schema gives it the service's own fields and its organisation, but none of its
  tables (locations and their schedules, schedules, phones, languages, cost options, attributes
  and taxonomy terms, contacts, service areas), and APIs often list those tables empty on a page
  where they were never loaded.

Either way a record updates only what it carries (``OrukService.carried``, by ``PARTS``): a field
or table absent from the record leaves the stored value alone, and a field present but empty
(``"description": ""``, ``"url": null``, ``"service_at_locations": []`` in a full record) clears
it. In a summary a table counts as carried only when it has something in it. A value refused on
import (a bad email) is not carried either: the service is flagged, and keeps what it had. A full
record's flags replace the ones stored with the service; a summary's are added to them, since it
cannot tell whether what it leaves out was put right (``merged``).

Documents that are not services (an organisation, a location, a taxonomy, a taxonomy term, as
their own ORUK endpoints return them) are told apart by the fields only they have
(``record_kind``): one among services is skipped, and a file of nothing else is refused whole.

A service's taxonomy is read both ways ORUK lists it: ``attributes`` linking to a term (nested as
``taxonomy_term``, or by ``taxonomy_term_id`` to a term of the service's ``taxonomy_terms``), and
the ``taxonomy_terms`` array UK-profile services carry (and the older ``service_taxonomys``).

The other way, ``hsds_service`` turns a ``OrukService`` into a service object that validates
against hsds-3.0-service.schema.json. The ORUK ids of a service's organisation, locations,
schedules, phone, contacts, service areas and taxonomy terms are kept when imported and exported
again as they came. ORUK identifiers are UUIDs: an id that is not one (or a part that has none,
entered in Linkworker) is exported under a UUID derived from it, so exporting twice gives the same
ids, and importing the export matches them again (``same_id``). An address is exported only when
its first line, town and postcode are all known, as ORUK requires of an address.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from linkworker.domain import postcode
from linkworker.domain.directory import ACCESS_ROUTE_LABELS, COST_LABELS, AccessRoute, CostKind, ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import parse_email, parse_phone
from linkworker.domain.service_entry import OLDEST_AGE, UK_LATITUDE, UK_LONGITUDE, parse_url
from linkworker.whole_file import not_written, text_written_whole

# Needs are exported as terms of this taxonomy, and recognised by it when imported again.
NEEDS_VOCABULARY = "linkworker-needs"
UNNAMED_VOCABULARY = "unnamed"
_NAMESPACE = uuid.UUID("6f1f8d5e-2b8a-4c39-9d0e-6c1b5a1e7d42")

# The widths of the columns the values go into (store/models.py).
NAME_MAX = 200
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
# The fields UK-profile services carry besides HSDS's: their taxonomy, listed on the service.
UK_PROFILE_FIELDS = frozenset({"taxonomy_terms", "service_taxonomys"})
# The fields of a /services page item (hsds-3.0-service_list.schema.json): a summary has no tables.
_SUMMARY_FIELDS = frozenset(
    {
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email",
        "status", "interpretation_services", "application_process", "fees_description", "wait_time",
        "fees", "accreditations", "eligibility_description", "minimum_age", "maximum_age",
        "assured_date", "assurer_email", "licenses", "alert", "last_modified", "organization", "program",
    }
)  # fmt: skip

# The parts of a service an import may update, each with the fields of a record that carry it and
# the ``OrukService`` fields it sets. Service-level schedules are "schedules"; a location's
# schedules and accessibility come with "locations". The organisation's description, website and
# email are parts of their own, carried by those fields of the nested organisation
# (``_ORGANISATION_KEYS``): a page item may give the organisation by its id and name alone.
PART_KEYS: dict[str, tuple[str, ...]] = {
    "organisation": ("organization",),
    "description": ("description",),
    "url": ("url",),
    "email": ("email",),
    "phone": ("phones",),
    "status": ("status",),
    "cost": ("cost_options", "fees_description", "fees"),
    "access_routes": ("application_process",),
    "languages": ("languages",),
    "min_age": ("minimum_age",),
    "max_age": ("maximum_age",),
    "waiting_time": ("wait_time",),
    "verified_on": ("assured_date",),
    "locations": ("service_at_locations",),
    "schedules": ("schedules",),
    "terms": ("attributes", "taxonomy_terms", "service_taxonomys"),
    "contacts": ("contacts",),
    "service_areas": ("service_areas",),
}
PARTS: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation_name", "organisation_id"),
    "organisation_description": ("organisation_description",),
    "organisation_url": ("organisation_url",),
    "organisation_email": ("organisation_email",),
    "description": ("description",),
    "url": ("url",),
    "email": ("email",),
    "phone": ("phone", "phone_id"),
    "status": ("status",),
    "cost": ("cost_kind", "cost_note"),
    "access_routes": ("access_routes",),
    "languages": ("languages",),
    "min_age": ("min_age",),
    "max_age": ("max_age",),
    "waiting_time": ("waiting_time",),
    "verified_on": ("verified_on",),
    "locations": ("locations", "accessibility"),
    "schedules": (),
    "terms": ("terms",),
    "contacts": ("contacts",),
    "service_areas": ("service_areas",),
}  # fmt: skip

_ORGANISATION_KEYS = {
    "description": "organisation_description",
    "website": "organisation_url",
    "email": "organisation_email",
}
# Flags about a part the record does not carry: true of a new service, which gets the default;
# an update keeps what the service had, so they are not kept with it (``merged``).
NO_ORGANISATION = "No organisation is given."
NO_STATUS = "No status is given: recorded as active."
NO_COST = "The cost is not given: recorded as free."
_ABSENT_FLAGS = {NO_ORGANISATION: "organisation", NO_STATUS: "status", NO_COST: "cost"}

# Fields only a service has; and, for other ORUK documents, fields that tell them apart.
_SERVICE_ONLY = frozenset(
    {
        "status", "organization", "service_at_locations", "cost_options", "fees", "fees_description",
        "application_process", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
        "assurer_email", "wait_time", "interpretation_services", "accreditations", "licenses", "alert",
        "service_areas", "required_documents", "program_id", "program", "taxonomy_terms",
        "service_taxonomys",
    }
)  # fmt: skip
_OTHER_KINDS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("an ORUK API's description (its / address)", "API descriptions", frozenset({"openapi_url", "profile"})),
    (
        "a location",
        "locations",
        frozenset(
            {"location_type", "latitude", "longitude", "addresses", "transportation", "external_identifier"}
        ),
    ),
    (
        "a taxonomy term",
        "taxonomy terms",
        frozenset({"code", "taxonomy_id", "parent_id", "term_uri", "taxonomy", "language"}),
    ),
    (
        "an organisation",
        "organisations",
        frozenset(
            {
                "website", "legal_status", "organization_identifiers", "year_incorporated", "logo",
                "tax_status", "tax_id", "parent_organization_id", "programs", "services", "locations",
            }
        ),
    ),
    ("a taxonomy", "taxonomies", frozenset({"version", "uri"})),
)  # fmt: skip
WHAT_IMPORTS = (
    "A directory import reads services: a page of /services, a list of services, one service as "
    "/services/{id} returns it, or a folder of ORUK CSV tables."
)


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
    """A taxonomy term a service carries: its vocabulary, its code (or id) there, and its name;
    ``oruk_id`` is the term's own ORUK id when the feed gave one."""

    vocabulary: str
    term_id: str
    name: str
    # Not part of what the term is (its vocabulary and code): compared apart (``part_ids``).
    oruk_id: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OrukLocation:
    name: str | None = None
    address_1: str | None = None
    town: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    oruk_id: str | None = field(default=None, compare=False)
    # Whether the record gave the venue's address (an export leaves out one it cannot give whole).
    has_address: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class OrukSchedule:
    """Weekly (or monthly) opening, in ORUK's terms; ``location`` indexes the service's locations."""

    freq: str = "WEEKLY"
    byday: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    description: str | None = None
    location: int | None = None
    oruk_id: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OrukContact:
    """Someone to contact about the service, with one phone number."""

    oruk_id: str | None = None
    name: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_id: str | None = None


@dataclass(frozen=True)
class OrukServiceArea:
    """Where the service is offered, as the feed describes it (``extent`` as given, e.g. GeoJSON)."""

    oruk_id: str | None = None
    name: str | None = None
    description: str | None = None
    extent: str | None = None
    extent_type: str | None = None


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
    organisation_id: str | None = None
    organisation_description: str | None = None
    organisation_url: str | None = None
    organisation_email: str | None = None
    phone_id: str | None = None
    contacts: tuple[OrukContact, ...] = ()
    service_areas: tuple[OrukServiceArea, ...] = ()
    # The parts of ``PARTS`` the record carried (None: all, as for a service exported whole).
    carried: frozenset[str] | None = None
    summary: bool = False


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
        # Records that are other ORUK documents, by what they are (``record_kind``).
        self.others: dict[str, int] = {}
        self._first_seen: dict[str, str] = {}

    def note(self, where: str, message: str, record_id: str | None = None, name: str | None = None) -> None:
        """Note something found at ``where``: about the file, or about the service ``record_id``."""
        self.problems.append(FeedProblem(self.file, where, record_id, Severity.NOTE, message, name))

    def read(self, raw: object, where: str, *, summary: bool = False) -> None:
        """Read one service object found at ``where`` (a JSON path or a CSV line); ``summary``
        for an item of a ``/services`` page (see the module's docstring)."""
        self.records += 1
        if not isinstance(raw, Mapping):
            self._problem(where, None, None, "This is not a service object: skipped.")
            return
        record_id = _text(raw.get("id"))
        name = _text(raw.get("name"))
        shown = shown_name(name)
        kind = record_kind(raw)
        if kind is not None:
            self.others[kind] = self.others.get(kind, 0) + 1
            self._problem(where, record_id[:40] or None, shown, f"This is {kind}, not a service: skipped.")
            return
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
        known = SERVICE_FIELDS | UK_PROFILE_FIELDS
        unknown = sorted(key for key in raw if isinstance(key, str) and key not in known)
        unknown = [key for key in unknown if not key.startswith("_")]
        if unknown:
            record.add(Severity.NOTE, f"Fields ORUK does not have, left out: {', '.join(unknown)}.")
        self.services.append(_service(raw, record_id, name, record, summary))
        self.problems.extend(record.problems)

    def _problem(self, where: str, record_id: str | None, name: str | None, message: str) -> None:
        self.problems.append(FeedProblem(self.file, where, record_id, Severity.SKIPPED, message, name))

    def feed(self, form: str) -> Feed:
        """The feed as read; ``FeedError`` when it holds other ORUK documents and no service."""
        if self.others and not self.services and sum(self.others.values()) == self.records:
            raise FeedError(not_services(self.file, self.others))
        return Feed(self.file, form, tuple(self.services), tuple(self.problems), self.records)


def record_kind(raw: Mapping[str, Any]) -> str | None:
    """What an ORUK document is when it is not a service ("a location"), told by the fields only
    it has; None for a service, and for a record too bare to tell (read as a service)."""
    keys = set(raw)
    if "id" not in keys or keys & _SERVICE_ONLY:
        return None
    return next((kind for kind, _plural, fields in _OTHER_KINDS if keys & fields), None)


def not_services(file: str, kinds: Mapping[str, int]) -> str:
    """Why a file of other ORUK documents is refused: what it holds, and what an import reads."""
    plurals = {kind: plural for kind, plural, _fields in _OTHER_KINDS}
    one = sum(kinds.values()) == 1
    held = next(iter(kinds)) if one else " and ".join(plurals[kind] for kind in kinds)
    return f"{file} holds {held}, not services. {WHAT_IMPORTS}"


def _stands_in(organisation: Mapping[str, Any], service_id: str, service_name: str) -> bool:
    """Whether ``organisation`` is the one an export made up for a service that had none (ORUK
    requires one: ``hsds_service``): the service's own name, under the id made for it from the
    service's id, and nothing else. Read back, it is no organisation, so the round trip changes
    nothing; a real organisation that happens to share the service's name has an id of its own."""
    made_up = {
        "id": stand_in_organisation_id(service_id),
        "name": service_name,
        "description": service_name,
    }
    given = {
        key: value
        for key, value in organisation.items()
        if value not in (None, "", [], {}) and not key.startswith("_")  # "_where": a table's line
    }
    return bool(service_name) and given == made_up


def stand_in_organisation_id(service_id: str) -> str:
    """The id of the organisation an export makes up for the service exported as ``service_id``."""
    return export_id("organization", f"standing in for service {service_id}")


def _service(
    raw: Mapping[str, Any], record_id: str, name: str, record: _Record, summary: bool
) -> OrukService:
    carried = _carried(raw, summary)
    organisation = _object(raw.get("organization"))
    if _stands_in(organisation, record_id, name):
        organisation = {}
    organisation_name = _text(organisation.get("name"))
    if not organisation_name:
        record.add(Severity.FLAGGED, NO_ORGANISATION)
    pairs = [
        (_where(item, f"{record.where}.service_at_locations[{index}]"), item)
        for index, item in enumerate(_objects(raw.get("service_at_locations")))
    ]
    locations: list[OrukLocation] = []
    accessibility: list[str] = []
    schedules: list[OrukSchedule] = []
    for index, (at, link) in enumerate(pairs):
        place = _object(link.get("location"))
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
    min_age = _age(raw.get("minimum_age"), "minimum age", record, carried, "min_age")
    max_age = _age(raw.get("maximum_age"), "maximum age", record, carried, "max_age")
    if min_age is not None and max_age is not None and min_age > max_age:
        record.add(
            Severity.FLAGGED, f"The minimum age ({min_age}) is above the maximum ({max_age}): both left out."
        )
        min_age = max_age = None
        carried -= {"min_age", "max_age"}
    cost_kind, cost_note = _cost(raw, record)
    phone, phone_id = _phone(raw, record, carried)
    url = _checked(raw.get("url"), parse_url, "web address", record, carried, "url")
    email = _checked(raw.get("email"), parse_email, "email address", record, carried, "email")
    website = _checked(
        organisation.get("website"),
        parse_url,
        "organisation's web address",
        record,
        carried,
        "organisation_url",
    )
    mailbox = _checked(
        organisation.get("email"),
        parse_email,
        "organisation's email address",
        record,
        carried,
        "organisation_email",
    )
    contacts = tuple(_contact(item, record) for item in _objects(raw.get("contacts")))
    return OrukService(
        oruk_id=record_id,
        name=_fit(name, NAME_MAX, "name", record),
        organisation_name=_fit(organisation_name, NAME_MAX, "organisation", record),
        description=_text(raw.get("description")) or None,
        url=url,
        email=email,
        phone=phone,
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
        organisation_id=_id(organisation.get("id")),
        organisation_description=_organisation_description(organisation),
        organisation_url=website,
        organisation_email=mailbox,
        phone_id=phone_id,
        contacts=contacts,
        service_areas=tuple(_service_area(item) for item in _objects(raw.get("service_areas"))),
        carried=frozenset(carried),
        summary=summary,
    )


def _organisation_description(organisation: Mapping[str, Any]) -> str | None:
    """What the organisation does; one that only repeats its name says nothing, and is what an
    export writes for an organisation with no description (ORUK requires one), so it is not kept."""
    description = _text(organisation.get("description"))
    return (
        None if description.casefold() == _text(organisation.get("name")).casefold() else description or None
    )


def _carried(raw: Mapping[str, Any], summary: bool) -> set[str]:
    """The parts a record carries: those with a field present; in a summary, a table only when it
    has something in it (a page may list tables empty that were never loaded)."""

    def present(key: str) -> bool:
        if key not in raw:
            return False
        return not summary or key in _SUMMARY_FIELDS or bool(_objects(raw[key]))

    carried = {part for part, keys in PART_KEYS.items() if any(present(key) for key in keys)}
    organisation = raw.get("organization")
    if isinstance(organisation, Mapping):
        carried |= {part for key, part in _ORGANISATION_KEYS.items() if key in organisation}
    return carried


def _id(value: object) -> str | None:
    """A part's ORUK id as kept (an overlong one is not an id anyone can match: none is kept)."""
    text = _text(value)
    return text if text and len(text) <= ID_MAX else None


def _checked(
    value: object,
    rule: Callable[[str], str | None],
    what: str,
    record: _Record,
    carried: set[str] | None = None,
    part: str = "",
) -> str | None:
    """An email, web address or phone number checked as the service editor checks it: a bad one
    is left out and the service flagged with the reason; the service keeps what it had."""
    text = _text(value)
    try:
        return rule(text)
    except ValidationError as error:
        shown = text if len(text) <= 60 else f"{text[:57]}..."
        record.add(Severity.FLAGGED, f"The {what} “{shown}” is left out: {error.message}")
        if carried is not None:
            carried.discard(part)
        return None


def _contact(item: Mapping[str, Any], record: _Record) -> OrukContact:
    phone = next((phone for phone in _objects(item.get("phones")) if _text(phone.get("number"))), {})
    return OrukContact(
        oruk_id=_id(item.get("id")),
        name=_text(item.get("name"))[:NAME_MAX] or None,
        title=_text(item.get("title"))[:NAME_MAX] or None,
        email=_checked(item.get("email"), parse_email, "contact's email address", record),
        phone=_checked(phone.get("number"), _phone_rule, "contact's phone number", record),
        phone_id=_id(phone.get("id")),
    )


def _service_area(item: Mapping[str, Any]) -> OrukServiceArea:
    return OrukServiceArea(
        oruk_id=_id(item.get("id")),
        name=_text(item.get("name"))[:NAME_MAX] or None,
        description=_text(item.get("description")) or None,
        extent=_text(item.get("extent")) or None,
        extent_type=_text(item.get("extent_type"))[:NAME_MAX] or None,
    )


def _where(item: Mapping[str, Any], path: str) -> str:
    """The place of a nested object: its CSV line when the CSV reader marked one, else its path."""
    marked = item.get("_where")
    return marked if isinstance(marked, str) else path


def _object(value: object) -> Mapping[str, Any]:
    """``value`` when it is an object, else an empty one (a missing or malformed part reads as empty)."""
    return value if isinstance(value, Mapping) else {}


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


def _age(value: object, what: str, record: _Record, carried: set[str], part: str) -> int | None:
    if _text(value) == "":
        return None
    number = _number(value)
    if number is None or number < 0 or number > OLDEST_AGE or number != int(number):
        record.add(Severity.FLAGGED, f"The {what} “{_text(value)}” is not an age in whole years: left out.")
        carried.discard(part)
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
        record.add(Severity.FLAGGED, NO_STATUS)
    return ServiceStatus.ACTIVE


def _phone_rule(text: str) -> str | None:
    return parse_phone(text, "phone")


def _phone(raw: Mapping[str, Any], record: _Record, carried: set[str]) -> tuple[str | None, str | None]:
    """The service's first phone number and its id; else its organisation's number, kept without
    the id (it is the organisation's phone, not the service's)."""
    organisation = _object(raw.get("organization"))
    for owned, items in ((True, _objects(raw.get("phones"))), (False, _objects(organisation.get("phones")))):
        for item in items:
            if _text(item.get("number")):
                number = _checked(item.get("number"), _phone_rule, "phone number", record, carried, "phone")
                return number, _id(item.get("id")) if owned and number else None
    return None, None


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
        record.add(Severity.FLAGGED, NO_COST)
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
        oruk_id=_id(place.get("id")),
        name=_fit(_text(place.get("name")), NAME_MAX, "location name", record) or None,
        address_1=_fit(_text(physical.get("address_1")), NAME_MAX, "address", record) or None,
        town=_fit(_text(physical.get("city")), TOWN_MAX, "town", record) or None,
        postcode=code,
        latitude=latitude,
        longitude=longitude,
        has_address="addresses" in place,
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
        oruk_id=_id(item.get("id")),
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
    """The service's terms, both ways ORUK lists them: attributes linking to a term (nested, or by
    id to one of the service's ``taxonomy_terms``), and the ``taxonomy_terms`` (UK profile) and
    ``service_taxonomys`` (its first version) arrays themselves."""
    listed = [
        (term, _where(term, f"{record.where}.taxonomy_terms[{index}]"))
        for index, term in enumerate(_objects(raw.get("taxonomy_terms")))
    ]
    listed += [
        (link["taxonomy"], _where(link, f"{record.where}.service_taxonomys[{index}]"))
        for index, link in enumerate(_objects(raw.get("service_taxonomys")))
        if isinstance(link.get("taxonomy"), Mapping)
    ]
    by_id = {_text(term.get("id")): term for term, _where_found in listed if _text(term.get("id"))}
    found: list[tuple[Mapping[str, Any], str]] = []
    for index, attribute in enumerate(_objects(raw.get("attributes"))):
        where = _where(attribute, f"{record.where}.attributes[{index}]")
        term = attribute.get("taxonomy_term")
        if isinstance(term, Mapping):
            found.append((term, where))
        elif _text(attribute.get("taxonomy_term_id")) in by_id:
            found.append((by_id[_text(attribute.get("taxonomy_term_id"))], where))
        elif _text(attribute.get("taxonomy_term_id")):
            record.add(
                Severity.NOTE,
                f"The taxonomy term {_text(attribute.get('taxonomy_term_id'))[:40]} is not given with the "
                "service: left out.",
                where,
            )
    terms: dict[tuple[str, str], Term] = {}
    for term, where in found + listed:
        read = _term(term, where, record)
        if read is not None:
            terms.setdefault((read.vocabulary, read.term_id), read)
    return tuple(terms.values())


def _term(term: Mapping[str, Any], where: str, record: _Record) -> Term | None:
    detail = _object(term.get("taxonomy_detail"))
    vocabulary = (
        _text(term.get("taxonomy")) or _text(detail.get("name")) or _text(term.get("vocabulary"))
    ) or UNNAMED_VOCABULARY
    term_id = _text(term.get("code")) or _text(term.get("id"))
    name = _text(term.get("name")) or term_id
    if not term_id:
        record.add(Severity.NOTE, "A taxonomy term without an id or code: left out.", where)
        return None
    return Term(vocabulary[:VOCABULARY_MAX], term_id[:TERM_MAX], name[:TERM_MAX], _id(term.get("id")))


# Updating


def merged(current: OrukService, incoming: OrukService) -> OrukService:
    """``current`` (a service as kept, its parts with their ids: ``with_part_ids``) updated by what
    ``incoming`` (a record read) carries, as the module's docstring says.

    Ids that match a kept part's (``same_id``) stay as they were kept, and a venue given without
    its address keeps the one it had, so importing what was exported changes nothing. A record
    that changes the service brings its flags in place of the kept ones (a summary adds them, as
    it cannot tell whether what it leaves out was put right); one that changes nothing leaves them.
    """
    carried = set(PARTS) if incoming.carried is None else set(incoming.carried)
    changes: dict[str, Any] = {name: getattr(incoming, name) for part in carried for name in PARTS[part]}
    with_places = incoming if "locations" in carried else current
    alone = incoming if "schedules" in carried else current
    changes["schedules"] = tuple(item for item in with_places.schedules if item.location is not None) + tuple(
        item for item in alone.schedules if item.location is None
    )
    later = incoming.verified_on is not None and (
        current.verified_on is None or incoming.verified_on > current.verified_on
    )
    changes["verified_on"] = incoming.verified_on if later else current.verified_on
    target = replace(current, **changes, name=incoming.name, where="", carried=None, summary=False)
    target = _kept_ids(with_part_ids(target), current)
    if target == current and part_ids(target) == part_ids(current):
        return target
    absent = absent_flags(incoming)
    flags = tuple(flag for flag in incoming.problems if flag not in absent)
    return replace(
        target, problems=tuple(dict.fromkeys(current.problems + flags)) if incoming.summary else flags
    )


def absent_flags(service: OrukService) -> frozenset[str]:
    """The flags of a record read about parts it does not carry ("The cost is not given: recorded
    as free"): true of a new service, not of one it updates, which keeps what it had."""
    carried = set(PARTS) if service.carried is None else service.carried
    return frozenset(
        flag for flag in service.problems if flag in _ABSENT_FLAGS and _ABSENT_FLAGS[flag] not in carried
    )


def part_ids(service: OrukService) -> tuple[object, ...]:
    """Every ORUK id a service keeps: with the service itself, what tells whether an import changed it."""
    return (
        service.organisation_id,
        service.phone_id,
        tuple(place.oruk_id for place in service.locations),
        tuple(schedule.oruk_id for schedule in service.schedules),
        tuple(term.oruk_id for term in service.terms),
    )


def same_id(kind: str, first: str | None, second: str | None) -> bool:
    """Whether two ids name the same part once exported (an id, and the UUID it is exported under)."""
    return first is not None and second is not None and export_id(kind, first) == export_id(kind, second)


def _kept(kind: str, new: str | None, kept: Iterable[str | None]) -> str | None:
    return next((old for old in kept if same_id(kind, new, old)), new)


def _kept_location(place: OrukLocation, kept: Sequence[OrukLocation]) -> OrukLocation:
    """A venue read, with its kept id, and its kept address if the record gave none."""
    same = next((old for old in kept if same_id("location", place.oruk_id, old.oruk_id)), None)
    if same is None:
        return place
    if place.has_address:
        return replace(place, oruk_id=same.oruk_id)
    return replace(
        place, oruk_id=same.oruk_id, address_1=same.address_1, town=same.town, postcode=same.postcode
    )


def _kept_ids(target: OrukService, current: OrukService) -> OrukService:
    times = [schedule.oruk_id for schedule in current.schedules]
    terms = [term.oruk_id for term in current.terms]
    people = [contact.oruk_id for contact in current.contacts]
    areas = [area.oruk_id for area in current.service_areas]
    return replace(
        target,
        organisation_id=_kept("organization", target.organisation_id, [current.organisation_id]),
        phone_id=_kept("phone", target.phone_id, [current.phone_id]),
        locations=tuple(_kept_location(place, current.locations) for place in target.locations),
        schedules=tuple(
            replace(item, oruk_id=_kept("schedule", item.oruk_id, times)) for item in target.schedules
        ),
        terms=tuple(
            sorted(
                (replace(term, oruk_id=_kept("taxonomy_term", term.oruk_id, terms)) for term in target.terms),
                key=lambda term: (term.vocabulary, term.term_id),
            )
        ),
        contacts=tuple(
            replace(contact, oruk_id=_kept("contact", contact.oruk_id, people)) for contact in target.contacts
        ),
        service_areas=tuple(
            replace(area, oruk_id=_kept("service_area", area.oruk_id, areas)) for area in target.service_areas
        ),
    )


# Writing


@lru_cache(maxsize=65_536)  # a 20,000-service export asks for the same few ids again and again
def export_id(kind: str, key: str) -> str:
    """The UUID a record is exported under: its own id when that is a UUID, else one derived from it."""
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def with_part_ids(service: OrukService) -> OrukService:
    """The service with an id for each of its parts: its own ORUK id, else one made from the
    service's and the part's place (a term's from its vocabulary and code), as it is exported."""
    service_id = export_id("service", service.oruk_id)
    organisation = (service.organisation_name or service.name).casefold()
    return replace(
        service,
        organisation_id=service.organisation_id or organisation,
        phone_id=service.phone_id or (f"{service_id}:phone" if service.phone else None),
        locations=tuple(
            replace(place, oruk_id=place.oruk_id or f"{service_id}:{index}")
            for index, place in enumerate(service.locations)
        ),
        schedules=tuple(
            replace(item, oruk_id=item.oruk_id or f"{service_id}:{number}")
            for number, item in enumerate(service.schedules)
        ),
        terms=tuple(
            replace(term, oruk_id=term.oruk_id or f"{term.vocabulary}:{term.term_id}")
            for term in service.terms
        ),
        contacts=tuple(
            replace(contact, oruk_id=contact.oruk_id or f"{service_id}:{index}")
            for index, contact in enumerate(service.contacts)
        ),
        service_areas=tuple(
            replace(area, oruk_id=area.oruk_id or f"{service_id}:{index}")
            for index, area in enumerate(service.service_areas)
        ),
    )


def _part_id(kind: str, own: str | None) -> str:
    """A part's id as exported (``with_part_ids`` has given every part one)."""
    return export_id(kind, own or "")


def hsds_service(service: OrukService) -> dict[str, Any]:
    """The service as ``/services/{id}`` returns it in HSDS 3.0, nested and fully identified."""
    service = with_part_ids(service)
    service_id = export_id("service", service.oruk_id)
    # A service imported without its organisation is exported as its own organisation, under an
    # id of its own (_stands_in reads it back as none).
    organisation_name = service.organisation_name or service.name
    if service.organisation_name:
        organisation_id = _part_id("organization", service.organisation_id)
    else:
        organisation_id = stand_in_organisation_id(service_id)
    organisation: dict[str, Any] = {
        "id": organisation_id,
        "name": organisation_name,
        "description": service.organisation_description or organisation_name,
    }
    organisation.update(
        {
            key: value
            for key, value in (("website", service.organisation_url), ("email", service.organisation_email))
            if value
        }
    )
    locations = [_hsds_location(service, place) for place in service.locations]
    at_location = []
    for index, location in enumerate(locations):
        link_id = export_id("service_at_location", f"{service_id}:{location['id']}")
        at_location.append(
            {
                "id": link_id,
                "service_id": service_id,
                "location_id": location["id"],
                "schedules": [
                    _hsds_schedule(service_id, number, schedule, link_id)
                    for number, schedule in enumerate(service.schedules)
                    if schedule.location == index
                ],
                "location": location,
            }
        )
    body: dict[str, Any] = {
        "id": service_id,
        "organization_id": organisation_id,
        "name": service.name,
        "description": service.description or "",
        "status": STATUS_TO_ORUK[service.status],
        "organization": organisation,
        "service_at_locations": at_location,
        "schedules": [
            _hsds_schedule(service_id, number, schedule, None)
            for number, schedule in enumerate(service.schedules)
            if schedule.location is None
        ],
        "cost_options": [
            {
                "id": export_id("cost_option", f"{service_id}:cost"),
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
        "contacts": [_hsds_contact(service_id, contact) for contact in service.contacts],
        "service_areas": [_hsds_service_area(service_id, area) for area in service.service_areas],
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
        phone_id = _part_id("phone", service.phone_id)
        body["phones"] = [{"id": phone_id, "service_id": service_id, "number": service.phone}]
    return body


def _hsds_location(service: OrukService, place: OrukLocation) -> dict[str, Any]:
    location_id = _part_id("location", place.oruk_id)
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
    service_id: str, number: int, schedule: OrukSchedule, link_id: str | None
) -> dict[str, Any]:
    schedule_id = _part_id("schedule", schedule.oruk_id)
    body: dict[str, Any] = {"id": schedule_id, "freq": schedule.freq}
    if link_id is None:
        body["service_id"] = service_id
    else:
        body["service_at_location_id"] = link_id
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
    term_id = _part_id("taxonomy_term", term.oruk_id)
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


def _hsds_contact(service_id: str, contact: OrukContact) -> dict[str, Any]:
    contact_id = _part_id("contact", contact.oruk_id)
    body: dict[str, Any] = {"id": contact_id, "service_id": service_id}
    body.update(
        {
            key: value
            for key, value in (("name", contact.name), ("title", contact.title), ("email", contact.email))
            if value
        }
    )
    if contact.phone:
        phone_id = export_id("phone", contact.phone_id or f"{contact_id}:phone")
        body["phones"] = [{"id": phone_id, "contact_id": contact_id, "number": contact.phone}]
    return body


def _hsds_service_area(service_id: str, area: OrukServiceArea) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": _part_id("service_area", area.oruk_id),
        "service_id": service_id,
    }
    fields = (
        ("name", area.name),
        ("description", area.description),
        ("extent", area.extent),
        ("extent_type", area.extent_type),
    )
    body.update({key: value for key, value in fields if value})
    return body


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
