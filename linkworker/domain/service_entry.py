"""A directory entry as typed into the service editor, checked field by field.

``parse_service`` reports every field's problem at once (``FormErrors``). Venues and times are
lists: a problem in one names it ("Venue 2: ..."), under the field ``locations`` or
``schedules``. What a schedule means (weekday daytime, evening, weekend) is the matching
rules' (``domain.schedule.Opening``); here a schedule only has to be complete and possible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Final, TypeVar, cast

from linkworker.domain import postcode
from linkworker.domain.directory import (
    ACCESS_ROUTE_LABELS,
    COST_LABELS,
    STATUS_LABELS,
    AccessRoute,
    CostKind,
    ServiceStatus,
)
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import parse_choice, parse_email, parse_notes, parse_optional_text, parse_phone
from linkworker.domain.schedule import Weekday

T = TypeVar("T")

OLDEST_AGE: Final = 120
URL_MAX: Final = 500
LIST_ITEM_MAX: Final = 100
LIST_MAX: Final = 20
# Where a UK venue can be: a box around the UK, Channel Islands and Isle of Man included.
UK_LATITUDE: Final = (49.0, 61.0)
UK_LONGITUDE: Final = (-8.7, 2.0)
_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
# A scheme before the address ("javascript:", "mailto:"); a colon followed by a digit is a port.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):(?![0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class LocationEntry:
    """A venue as typed; ``id`` is the stored venue's when editing one."""

    name: str = ""
    address_line_1: str = ""
    town: str = ""
    postcode: str = ""
    latitude: str = ""
    longitude: str = ""
    id: int | None = None


@dataclass(frozen=True)
class ScheduleEntry:
    """A weekly session as typed: ORUK day codes, times "18:30", and the venue's place in the list."""

    days: tuple[str, ...] = ()
    opens: str = ""
    closes: str = ""
    note: str = ""
    location_index: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class ServiceEntry:
    """Every field of the editor as typed; lists (accessibility, languages) one item a line or
    separated by semicolons."""

    organisation_name: str = ""
    name: str = ""
    description: str = ""
    needs: tuple[str, ...] = ()
    locations: tuple[LocationEntry, ...] = ()
    schedules: tuple[ScheduleEntry, ...] = ()
    cost_kind: str = ""
    cost_note: str = ""
    accessibility: str = ""
    languages: str = ""
    min_age: str = ""
    max_age: str = ""
    access_routes: tuple[str, ...] = ()
    url: str = ""
    email: str = ""
    phone: str = ""
    waiting_time: str = ""
    status: str = ""


@dataclass(frozen=True)
class LocationDetails:
    name: str | None
    address_line_1: str | None
    town: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    id: int | None = None


@dataclass(frozen=True)
class ScheduleDetails:
    days: tuple[Weekday, ...]
    opens: time | None
    closes: time | None
    note: str | None
    location_index: int | None
    id: int | None = None

    @property
    def byday(self) -> str:
        """The days as ORUK writes them ("TU,TH")."""
        return ",".join(day.value for day in self.days)


@dataclass(frozen=True)
class ServiceDetails:
    """An entry checked and normalised: what the service stores."""

    organisation_name: str
    name: str
    description: str | None
    needs: tuple[str, ...]
    locations: tuple[LocationDetails, ...]
    schedules: tuple[ScheduleDetails, ...]
    cost_kind: CostKind
    cost_note: str | None
    accessibility: tuple[str, ...]
    languages: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    access_routes: tuple[AccessRoute, ...]
    url: str | None
    email: str | None
    phone: str | None
    waiting_time: str | None
    status: ServiceStatus


class _Checks:
    """Runs each field's rule and keeps every refusal, so all are reported together."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, rule: Callable[[], T]) -> T:
        try:
            return rule()
        except ValidationError as error:
            if not any(known.field == error.field for known in self.errors):
                self.errors.append(error)
            return cast(T, None)  # never used: parse_service raises before building details


def parse_service(entry: ServiceEntry, needs: Mapping[str, str]) -> ServiceDetails:
    """Check every field; ``needs`` maps the codes the PCN may use to their labels."""
    checks = _Checks()
    locations = checks.run(lambda: parse_locations(entry.locations))
    ages = checks.run(lambda: parse_age_range(entry.min_age, entry.max_age))
    details = ServiceDetails(
        organisation_name=checks.run(
            lambda: _required(entry.organisation_name, "organisation_name", "organisation's name")
        ),
        name=checks.run(lambda: _required(entry.name, "name", "service's name")),
        description=checks.run(lambda: parse_notes(entry.description, "description", "description")),
        needs=checks.run(lambda: parse_service_needs(entry.needs, needs)),
        locations=locations,
        schedules=checks.run(lambda: parse_schedules(entry.schedules, len(entry.locations))),
        cost_kind=checks.run(lambda: parse_choice(COST_LABELS, entry.cost_kind, "cost_kind", "cost")),
        cost_note=checks.run(lambda: parse_optional_text(entry.cost_note, "cost_note", "note on cost")),
        accessibility=checks.run(lambda: parse_list(entry.accessibility, "accessibility", "access feature")),
        languages=checks.run(lambda: parse_list(entry.languages, "languages", "language")),
        min_age=None if ages is None else ages[0],
        max_age=None if ages is None else ages[1],
        access_routes=checks.run(lambda: parse_access_routes(entry.access_routes)),
        url=checks.run(lambda: parse_url(entry.url)),
        email=checks.run(lambda: parse_email(entry.email)),
        phone=checks.run(lambda: parse_phone(entry.phone, "phone")),
        waiting_time=checks.run(
            lambda: parse_optional_text(entry.waiting_time, "waiting_time", "waiting time")
        ),
        status=checks.run(
            lambda: parse_choice(
                STATUS_LABELS, entry.status, "status", "status", default=ServiceStatus.ACTIVE
            )
        ),
    )
    if checks.errors:
        raise FormErrors(checks.errors)
    return details


def _required(text: str, field: str, what: str) -> str:
    tidy = parse_optional_text(text, field, what)
    if tidy is None:
        raise ValidationError(field, f"Write the {what}.")
    return tidy


def parse_service_needs(typed: Collection[str], needs: Mapping[str, str]) -> tuple[str, ...]:
    """The needs a service helps with, each once, in the PCN's order; at least one, so it can be matched."""
    unknown = [code for code in typed if code not in needs]
    if unknown:
        raise ValidationError("needs", "A need chosen is not in the PCN's list of needs.")
    chosen = tuple(code for code in needs if code in typed)
    if not chosen:
        raise ValidationError("needs", "Choose at least one need the service helps with.")
    return chosen


def parse_list(text: str, field: str, what: str) -> tuple[str, ...]:
    """Items one a line or separated by semicolons, tidied, each once (case aside)."""
    items: list[str] = []
    for part in re.split(r"[;\n]", text or ""):
        item = " ".join(part.split())
        if not item or any(item.casefold() == kept.casefold() for kept in items):
            continue
        if len(item) > LIST_ITEM_MAX:
            raise ValidationError(field, f"Each {what} is {LIST_ITEM_MAX} characters at most.")
        items.append(item)
    if len(items) > LIST_MAX:
        raise ValidationError(field, f"List {LIST_MAX} at most.")
    return tuple(items)


def parse_age(text: str, field: str) -> int | None:
    typed = (text or "").strip()
    if not typed:
        return None
    if not typed.isdigit() or int(typed) > OLDEST_AGE:
        raise ValidationError(field, f"An age is a whole number from 0 to {OLDEST_AGE}.")
    return int(typed)


def parse_age_range(lowest: str, highest: str) -> tuple[int | None, int | None]:
    low = parse_age(lowest, "min_age")
    high = parse_age(highest, "max_age")
    if low is not None and high is not None and high < low:
        raise ValidationError("max_age", "The oldest age is below the youngest: please check them.")
    return low, high


def parse_access_routes(typed: Collection[str]) -> tuple[AccessRoute, ...]:
    known = {route.value for route in AccessRoute}
    if any(route not in known for route in typed):
        raise ValidationError("access_routes", "Choose how people get to the service from the list.")
    return tuple(route for route in ACCESS_ROUTE_LABELS if route.value in typed)


def parse_url(text: str, field: str = "url") -> str | None:
    """A web address (http or https; "example.org" is taken as https). Any other kind
    ("javascript:", "mailto:", "ftp://") is refused: a link in the directory only opens web pages."""
    typed = (text or "").strip()
    if not typed:
        return None
    scheme = _SCHEME.match(typed)
    if scheme and scheme.group(1).casefold() not in ("http", "https"):
        raise ValidationError(
            field, f"Only a web page's address (https://...) can be kept, not a “{scheme.group(1)}:” link."
        )
    if "://" not in typed:
        typed = f"https://{typed}"
    if len(typed) > URL_MAX or not _URL.match(typed):
        raise ValidationError(field, "This is not a web address: it looks like https://example.org.")
    return typed


def parse_time(text: str, field: str, what: str) -> time | None:
    """A time of day as 24-hour hours and minutes ("18:30", "9.00"); blank is not known."""
    typed = (text or "").strip()
    if not typed:
        return None
    match = _TIME.match(typed)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValidationError(field, f"Write the {what} as hours and minutes, like 18:30.")
    return time(int(match.group(1)), int(match.group(2)))


def parse_locations(entries: tuple[LocationEntry, ...]) -> tuple[LocationDetails, ...]:
    """Each venue: something to find it by, a UK postcode, coordinates both or neither, in the UK."""
    return tuple(_location(entry, f"Venue {number}") for number, entry in enumerate(entries, 1))


def _location(entry: LocationEntry, which: str) -> LocationDetails:
    def refuse(message: str) -> ValidationError:
        return ValidationError("locations", f"{which}: {message}")

    texts = {
        key: " ".join((value or "").split())
        for key, value in (("name", entry.name), ("address", entry.address_line_1), ("town", entry.town))
    }
    if any(len(value) > 200 for value in texts.values()):
        raise refuse("a name or address line is 200 characters at most.")
    try:
        code = postcode.parse(entry.postcode, "locations") if entry.postcode.strip() else None
    except ValidationError as error:
        raise refuse(error.message) from None
    if not (any(texts.values()) or code):
        raise refuse("give at least its name, address, town or postcode.")
    latitude = _coordinate(entry.latitude, UK_LATITUDE, "latitude", refuse)
    longitude = _coordinate(entry.longitude, UK_LONGITUDE, "longitude", refuse)
    if (latitude is None) != (longitude is None):
        raise refuse("give both latitude and longitude, or neither.")
    return LocationDetails(
        texts["name"] or None,
        texts["address"] or None,
        texts["town"] or None,
        code,
        latitude,
        longitude,
        entry.id,
    )


def _coordinate(
    text: str, bounds: tuple[float, float], what: str, refuse: Callable[[str], ValidationError]
) -> float | None:
    typed = (text or "").strip()
    if not typed:
        return None
    try:
        value = float(typed)
    except ValueError:
        raise refuse(f"the {what} is a number in degrees, like 51.27.") from None
    if not bounds[0] <= value <= bounds[1]:
        raise refuse(f"the {what} is outside the UK (from {bounds[0]} to {bounds[1]}).")
    return value


def parse_schedules(entries: tuple[ScheduleEntry, ...], venues: int) -> tuple[ScheduleDetails, ...]:
    """Each session: at least one day, times that make sense, a venue of this service if any."""
    return tuple(_schedule(entry, f"Time {number}", venues) for number, entry in enumerate(entries, 1))


def _schedule(entry: ScheduleEntry, which: str, venues: int) -> ScheduleDetails:
    def refuse(message: str) -> ValidationError:
        return ValidationError("schedules", f"{which}: {message}")

    days = tuple(day for day in Weekday if day.value in entry.days)
    if not days or len(days) != len(set(entry.days)):
        raise refuse("choose the days of the week it runs.")
    try:
        opens = parse_time(entry.opens, "schedules", "opening time")
        closes = parse_time(entry.closes, "schedules", "closing time")
        note = parse_optional_text(entry.note, "schedules", "note")
    except ValidationError as error:
        raise refuse(error.message) from None
    if closes is not None and opens is None:
        raise refuse("give the opening time as well as the closing time.")
    if opens is not None and closes is not None and closes <= opens:
        raise refuse("it closes before it opens: please check the times.")
    if entry.location_index is not None and not 0 <= entry.location_index < venues:
        raise refuse("choose one of this service's venues, or none.")
    return ScheduleDetails(days, opens, closes, note, entry.location_index, entry.id)
