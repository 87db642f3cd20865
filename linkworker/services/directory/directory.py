"""The local directory: browse and search a page at a time, read an entry, edit it, verify it.

A PCN's directory is its own services and those shared across the server (``pcn_id`` null).
Search is over ``search_text``: every word typed must begin a word of the name, organisation
or description, case and accents aside. An entry is stale when not verified within the PCN's
period (``domain.directory.is_stale``), flagged when its import found problems. Anyone signed
in may browse; editing needs ``EDIT_DIRECTORY``; every change goes to the audit trail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, Final, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    Text,
    UnaryExpression,
    and_,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from linkworker import catalogues
from linkworker.domain.directory import (
    CostKind,
    ServiceStatus,
    is_stale,
    parse_stale_after_months,
    search_words,
    stale_cutoff,
)
from linkworker.domain.roles import Permission
from linkworker.domain.schedule import Opening, TimeSlot, parse_byday
from linkworker.domain.search_text import parse_search
from linkworker.domain.service_entry import ServiceDetails, ServiceEntry, parse_service
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import needs
from linkworker.services.cases.connections import ServiceUsage, service_usage
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import (
    LocalNeed,
    Pcn,
    Service,
    ServiceLocation,
    ServiceNeed,
    ServiceSchedule,
    UserAccount,
)

MAX_PAGE: Final = 500
# The most words of a search used: more narrow nothing a person would type.
_MAX_WORDS: Final = 8
# The columns of a query the filters are added to (``_filtered``).
_Columns = TypeVarTuple("_Columns")


class SortKey(StrEnum):
    NAME = "name"
    ORGANISATION = "organisation"
    STATUS = "status"
    COST = "cost"
    VERIFIED = "verified"


@dataclass(frozen=True)
class DirectoryQuery:
    search: str = ""
    need: str | None = None
    status: ServiceStatus | None = None
    cost: CostKind | None = None
    stale_only: bool = False
    flagged_only: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False


@dataclass(frozen=True)
class ServiceSummary:
    id: int
    oruk_id: str | None
    name: str
    organisation_name: str
    status: ServiceStatus
    cost_kind: CostKind
    needs: tuple[str, ...]  # labels, alphabetical
    last_verified_on: date | None
    stale: bool
    flagged: bool


@dataclass(frozen=True)
class DirectoryPage:
    rows: tuple[ServiceSummary, ...]
    offset: int
    has_more: bool


@dataclass(frozen=True)
class FirstPage:
    page: DirectoryPage
    total: int


@dataclass(frozen=True)
class LocationDetail:
    id: int
    name: str | None
    address_line_1: str | None
    town: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None

    @property
    def label(self) -> str:
        return ", ".join(part for part in (self.name, self.address_line_1, self.town, self.postcode) if part)


@dataclass(frozen=True)
class ScheduleDetail:
    id: int
    freq: str
    byday: str | None
    opens: time | None
    closes: time | None
    note: str | None
    location_id: int | None

    @property
    def opening(self) -> Opening:
        return Opening(parse_byday(self.byday), self.opens, self.closes)

    @property
    def slots(self) -> frozenset[TimeSlot]:
        """Weekday daytime, evening, weekend: what the matching rules make of this session."""
        return self.opening.slots


@dataclass(frozen=True)
class TaxonomyTerm:
    vocabulary: str
    term_id: str
    term_name: str


@dataclass(frozen=True)
class ServiceDetail:
    """Everything the editor shows of one entry; ``version`` guards the next save."""

    id: int
    version: int
    oruk_id: str | None
    shared: bool  # on the server's shared directory rather than this PCN's own
    organisation_name: str
    name: str
    description: str | None
    needs: tuple[str, ...]  # codes
    locations: tuple[LocationDetail, ...]
    schedules: tuple[ScheduleDetail, ...]
    cost_kind: CostKind
    cost_note: str | None
    accessibility: tuple[str, ...]
    languages: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    access_routes: tuple[str, ...]
    url: str | None
    email: str | None
    phone: str | None
    waiting_time: str | None
    status: ServiceStatus
    last_verified_on: date | None
    verified_by: str | None
    updated_at: datetime
    updated_by: str | None
    taxonomy: tuple[TaxonomyTerm, ...]
    import_problems: tuple[str, ...]
    stale: bool
    usage: ServiceUsage


@dataclass(frozen=True)
class NeedChoice:
    code: str
    label: str


@dataclass(frozen=True)
class DirectoryChoices:
    """What the list and the editor offer: the PCN's needs, its stale period, what the actor may do."""

    needs: tuple[NeedChoice, ...]
    stale_after_months: int
    may_edit: bool
    may_set_stale_period: bool


def choices(session: Session, actor: Actor) -> DirectoryChoices:
    return DirectoryChoices(
        tuple(NeedChoice(need.code, need.label) for need in needs.needs_for(session, actor)),
        _stale_after(session, actor),
        actor.may(Permission.EDIT_DIRECTORY),
        actor.may(Permission.SET_PCN_POLICY),
    )


def page(
    session: Session,
    actor: Actor,
    query: DirectoryQuery,
    offset: int,
    limit: int,
    *,
    today: date | None = None,
) -> DirectoryPage:
    """Entries ``offset`` to ``offset + limit`` of what the query finds, in its order."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page starts at 0 or later and holds 1 to {MAX_PAGE} rows")
    today = today or date.today()
    months = _stale_after(session, actor)
    columns = select(
        Service.id,
        Service.oruk_id,
        Service.name,
        Service.organisation_name,
        Service.status,
        Service.cost_kind,
        Service.last_verified_on,
        Service.import_problems,
    )
    statement = (
        _filtered(columns, actor, query, stale_cutoff(today, months))
        .order_by(*_order(query))
        .offset(offset)
        .limit(limit + 1)
    )
    found = session.execute(statement).all()
    shown = found[:limit]
    needs_of = _need_labels_of(session, actor, [row.id for row in shown])
    rows = tuple(
        ServiceSummary(
            id=row.id,
            oruk_id=row.oruk_id,
            name=row.name,
            organisation_name=row.organisation_name,
            status=ServiceStatus(row.status),
            cost_kind=CostKind(row.cost_kind),
            needs=needs_of.get(row.id, ()),
            last_verified_on=row.last_verified_on,
            stale=is_stale(row.last_verified_on, today, months),
            flagged=bool(row.import_problems),
        )
        for row in shown
    )
    return DirectoryPage(rows, offset, len(found) > limit)


def count(session: Session, actor: Actor, query: DirectoryQuery, *, today: date | None = None) -> int:
    cutoff = stale_cutoff(today or date.today(), _stale_after(session, actor))
    return session.scalar(_filtered(select(func.count(Service.id)), actor, query, cutoff)) or 0


def first_page(
    session: Session, actor: Actor, query: DirectoryQuery, limit: int, *, today: date | None = None
) -> FirstPage:
    """A new query's first page and its total; a page that holds everything is its own count."""
    shown = page(session, actor, query, 0, limit, today=today)
    total = count(session, actor, query, today=today) if shown.has_more else len(shown.rows)
    return FirstPage(shown, total)


def get_service(
    session: Session, actor: Actor, service_id: int, *, today: date | None = None
) -> ServiceDetail:
    service = _service_in_directory(session, actor, service_id)
    return _detail(session, actor, service, today or date.today())


def create_service(
    session: Session, actor: Actor, entry: ServiceEntry, *, verified: bool = False, today: date | None = None
) -> ServiceDetail:
    """Add an entry to this PCN's own directory; ``verified`` when its details were checked today."""
    actor.require(Permission.EDIT_DIRECTORY)
    details = parse_service(entry, needs.need_labels(session, actor))
    today = today or date.today()
    service = Service(pcn_id=actor.pcn_id, organisation_name=details.organisation_name, name=details.name)
    _apply(service, details, actor, today if verified else None)
    session.add(service)
    session.flush()
    _replace_schedules(session, service, details)
    audit.record(session, actor, "service_created", "service", service.id)
    return _detail(session, actor, service, today)


def update_service(
    session: Session,
    actor: Actor,
    service_id: int,
    version: int,
    entry: ServiceEntry,
    *,
    verified: bool = False,
    today: date | None = None,
) -> ServiceDetail:
    """Save an edited entry. Refused (``StaleEdit``) if someone saved it since ``version`` was read.

    The editor checks every field, so a saved entry no longer carries its import's problems.
    """
    actor.require(Permission.EDIT_DIRECTORY)
    details = parse_service(entry, needs.need_labels(session, actor))
    today = today or date.today()
    service = _service_in_directory(session, actor, service_id)
    _check_version(service, version)
    _apply(service, details, actor, today if verified else None)
    service.import_problems = []
    _flush(session)
    _replace_schedules(session, service, details)
    audit.record(session, actor, "service_updated", "service", service.id)
    return _detail(session, actor, service, today)


def mark_verified(
    session: Session, actor: Actor, service_id: int, version: int, *, today: date | None = None
) -> ServiceDetail:
    """Record that the entry's details were checked today, by the actor."""
    actor.require(Permission.EDIT_DIRECTORY)
    today = today or date.today()
    service = _service_in_directory(session, actor, service_id)
    _check_version(service, version)
    service.last_verified_on = today
    service.verified_by_id = actor.user_id
    _flush(session)
    audit.record(session, actor, "service_verified", "service", service.id)
    return _detail(session, actor, service, today)


def set_stale_after_months(session: Session, actor: Actor, months: int | str) -> int:
    """Change how long an entry stays current after it is verified, for the whole PCN."""
    actor.require(Permission.SET_PCN_POLICY)
    chosen = parse_stale_after_months(months)
    pcn = session.get(Pcn, actor.pcn_id)
    assert pcn is not None, "an actor belongs to a PCN"
    pcn.stale_after_months = chosen
    audit.record(session, actor, "stale_period_set", "pcn", pcn.id, f"months={chosen}")
    return chosen


def _stale_after(session: Session, actor: Actor) -> int:
    months = session.scalar(select(Pcn.stale_after_months).where(Pcn.id == actor.pcn_id))
    assert months is not None, "an actor belongs to a PCN"
    return months


def _in_directory(actor: Actor) -> ColumnElement[bool]:
    return or_(Service.pcn_id.is_(None), Service.pcn_id == actor.pcn_id)


def _filtered(
    statement: Select[*_Columns], actor: Actor, query: DirectoryQuery, cutoff: date
) -> Select[*_Columns]:
    conditions: list[ColumnElement[bool]] = [_in_directory(actor)]
    # A page of pasted text or a NUL byte gets a plain message, not a database error.
    for word in search_words(parse_search(query.search))[:_MAX_WORDS]:
        conditions.append(Service.search_text.like(f"% {word}%"))
    if query.need is not None:
        conditions.append(
            exists().where(ServiceNeed.service_id == Service.id, ServiceNeed.need_code == query.need)
        )
    if query.status is not None:
        conditions.append(Service.status == query.status.value)
    if query.cost is not None:
        conditions.append(Service.cost_kind == query.cost.value)
    if query.stale_only:
        conditions.append(or_(Service.last_verified_on.is_(None), Service.last_verified_on < cutoff))
    if query.flagged_only:
        conditions.append(_flagged())
    return statement.select_from(Service).where(and_(*conditions))


def _flagged() -> ColumnElement[bool]:
    """The import found problems: the stored list is not "[]" (JSON compares alike on neither
    database, its text does on both)."""
    return func.length(cast(Service.import_problems, Text)) > 2


def _order(query: DirectoryQuery) -> list[UnaryExpression[Any]]:
    """The sort column, then the name and the id, so equal keys keep one order; blanks last."""
    by_sort: dict[SortKey, list[SQLColumnExpression[Any]]] = {
        SortKey.NAME: [],
        SortKey.ORGANISATION: [func.lower(Service.organisation_name)],
        SortKey.STATUS: [Service.status],
        SortKey.COST: [Service.cost_kind],
        SortKey.VERIFIED: [Service.last_verified_on],
    }
    ordered: list[SQLColumnExpression[Any]] = [*by_sort[query.sort], func.lower(Service.name), Service.id]
    return [(key.desc() if query.descending else key.asc()).nulls_last() for key in ordered]


def _need_labels_of(session: Session, actor: Actor, service_ids: list[int]) -> dict[int, tuple[str, ...]]:
    labels = _all_need_labels(session, actor)
    found: dict[int, list[str]] = defaultdict(list)
    if service_ids:
        for service_id, code in session.execute(
            select(ServiceNeed.service_id, ServiceNeed.need_code).where(
                ServiceNeed.service_id.in_(service_ids)
            )
        ):
            found[service_id].append(labels.get(code, code))
    return {service_id: tuple(sorted(names, key=str.casefold)) for service_id, names in found.items()}


def _all_need_labels(session: Session, actor: Actor) -> dict[str, str]:
    """Labels of every need a service may carry here: national, and the PCN's own even once
    deactivated (entries keep them)."""
    local = session.execute(select(LocalNeed.code, LocalNeed.label).where(LocalNeed.pcn_id == actor.pcn_id))
    return {need.code: need.label for need in catalogues.needs()} | {code: label for code, label in local}


def _service_in_directory(session: Session, actor: Actor, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.pcn_id not in (None, actor.pcn_id):
        raise NotFound("That service is not in your directory.")
    return service


def _check_version(service: Service, version: int) -> None:
    if service.version_id != version:
        raise StaleEdit("directory entry")


def _flush(session: Session) -> None:
    """Write now, so a save that lost a race with another user's is refused, not merged."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit("directory entry") from None


def _apply(service: Service, details: ServiceDetails, actor: Actor, verified_on: date | None) -> None:
    """Put the checked details on the entry (schedules, which point at venues, come after a flush)."""
    service.organisation_name = details.organisation_name
    service.name = details.name
    service.description = details.description
    service.cost_kind = details.cost_kind.value
    service.cost_note = details.cost_note
    service.accessibility = list(details.accessibility)
    service.languages = list(details.languages)
    service.min_age = details.min_age
    service.max_age = details.max_age
    service.access_routes = [route.value for route in details.access_routes]
    service.url = details.url
    service.email = details.email
    service.phone = details.phone
    service.waiting_time = details.waiting_time
    service.status = details.status.value
    service.updated_by_id = actor.user_id
    service.updated_at = datetime.now(UTC)  # a new version even when only venues or times changed
    if verified_on is not None:
        service.last_verified_on = verified_on
        service.verified_by_id = actor.user_id
    kept_needs = {need.need_code: need for need in service.needs}
    service.needs = [kept_needs.get(code) or ServiceNeed(need_code=code) for code in details.needs]
    kept_venues = {location.id: location for location in service.locations}
    venues = []
    for venue in details.locations:
        location = kept_venues.get(venue.id) if venue.id is not None else None
        location = location or ServiceLocation()
        location.name = venue.name
        location.address_line_1 = venue.address_line_1
        location.town = venue.town
        location.postcode = venue.postcode
        location.latitude = venue.latitude
        location.longitude = venue.longitude
        venues.append(location)
    service.locations = venues


def _replace_schedules(session: Session, service: Service, details: ServiceDetails) -> None:
    """The entry's sessions as the editor lists them. A session whose days were left as they were
    keeps its ORUK day codes and frequency ("1MO", monthly) from an import."""
    before = {schedule.id: schedule for schedule in service.schedules}
    schedules = []
    for entry in details.schedules:
        old = before.get(entry.id) if entry.id is not None else None
        unchanged = old is not None and parse_byday(old.byday) == entry.days
        location = None if entry.location_index is None else service.locations[entry.location_index]
        schedules.append(
            ServiceSchedule(
                location_id=None if location is None else location.id,
                freq=old.freq if old is not None and unchanged else "WEEKLY",
                byday=old.byday
                if old is not None and unchanged
                else ",".join(day.value for day in entry.days),
                opens_at=entry.opens,
                closes_at=entry.closes,
                description=entry.note,
            )
        )
    service.schedules = schedules
    _flush(session)


def _name_of(session: Session, user_id: int | None) -> str | None:
    return (
        None
        if user_id is None
        else session.scalar(select(UserAccount.full_name).where(UserAccount.id == user_id))
    )


def _detail(session: Session, actor: Actor, service: Service, today: date) -> ServiceDetail:
    usage = service_usage(session, actor, service.id)
    months = _stale_after(session, actor)
    return ServiceDetail(
        id=service.id,
        version=service.version_id,
        oruk_id=service.oruk_id,
        shared=service.pcn_id is None,
        organisation_name=service.organisation_name,
        name=service.name,
        description=service.description,
        needs=tuple(need.need_code for need in service.needs),
        locations=tuple(
            LocationDetail(
                location.id,
                location.name,
                location.address_line_1,
                location.town,
                location.postcode,
                location.latitude,
                location.longitude,
            )
            for location in sorted(service.locations, key=lambda location: location.id)
        ),
        schedules=tuple(
            ScheduleDetail(
                schedule.id,
                schedule.freq,
                schedule.byday,
                schedule.opens_at,
                schedule.closes_at,
                schedule.description,
                schedule.location_id,
            )
            for schedule in sorted(service.schedules, key=lambda schedule: schedule.id)
        ),
        cost_kind=CostKind(service.cost_kind),
        cost_note=service.cost_note,
        accessibility=tuple(service.accessibility),
        languages=tuple(service.languages),
        min_age=service.min_age,
        max_age=service.max_age,
        access_routes=tuple(service.access_routes),
        url=service.url,
        email=service.email,
        phone=service.phone,
        waiting_time=service.waiting_time,
        status=ServiceStatus(service.status),
        last_verified_on=service.last_verified_on,
        verified_by=_name_of(session, service.verified_by_id),
        updated_at=service.updated_at,
        updated_by=_name_of(session, service.updated_by_id),
        taxonomy=tuple(
            TaxonomyTerm(term.vocabulary, term.term_id, term.term_name)
            for term in sorted(service.taxonomy, key=lambda term: (term.vocabulary, term.term_id))
        ),
        import_problems=tuple(service.import_problems),
        stale=is_stale(service.last_verified_on, today, months),
        usage=usage,
    )
