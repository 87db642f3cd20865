"""Importing an Open Referral UK feed into the directory: a preview first, then every service in
one transaction.

A feed is a JSON file (a page of ``/services`` or a list of services) or a folder of ORUK CSV
tables; ``interchange.oruk`` reads it and finds each record's problems. A file that holds other
ORUK documents (an organisation, a location, a taxonomy) is refused whole (``ImportRefused``),
saying what it is and what an import reads. The import is keyed on the ORUK id: a service
imported before (``service.oruk_id``, or the id Linkworker exported it under) is updated, never
added twice.

An update changes only what the record carries (``oruk.merged``): a full record (``/services/{id}``)
sets each field and table it has, and clears those it has empty; a summary (an item of a
``/services`` page) sets the service's own fields and leaves its venues, times, terms, cost and
the rest as they were. A service the record leaves as it was is not written at all: no new
version, no audit event, counted as unchanged. The ORUK ids of the organisation, venues, times,
phone, contacts, service areas and terms are kept, so an export gives them back. The needs a
service has are kept, and the needs its terms are mapped to (``services.taxonomy``) are added.
Terms the PCN has not listed yet are listed, unmapped, for a manager to map.

``commit`` reads nothing from the preview: it checks the feed again in its own transaction, and
a cancellation or any error rolls the whole import back. A dry run (the preview alone) is
audited as one (``record_dry_run``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from linkworker.domain.directory import AccessRoute, CostKind, ServiceStatus
from linkworker.domain.roles import Permission
from linkworker.interchange.oruk import (
    NEEDS_VOCABULARY,
    Feed,
    FeedError,
    FeedProblem,
    OrukContact,
    OrukLocation,
    OrukSchedule,
    OrukService,
    OrukServiceArea,
    Severity,
    Term,
    absent_flags,
    export_id,
    merged,
    part_ids,
    shown_name,
    with_part_ids,
)
from linkworker.interchange.oruk_csv import read_csv_folder
from linkworker.interchange.oruk_json import read_json
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.batch import insert_all
from linkworker.services.directory import taxonomy
from linkworker.services.errors import Cancelled, ServiceError
from linkworker.store.models import Service, ServiceLocation, ServiceNeed, ServiceSchedule, ServiceTaxonomy

T = TypeVar("T")
Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]

# Services written per flush: few statements, and progress and cancelling seen often.
_CHUNK: Final = 200
_AUDIT_NAME_MAX: Final = 200
ANOTHER_PCN: Final = "This service is in another PCN's directory: skipped."
_SEVERITY_WORDS: Final = {Severity.SKIPPED: "Skipped", Severity.FLAGGED: "Flagged", Severity.NOTE: "Note"}


class ImportRefused(ServiceError):
    """The feed cannot be imported at all; nothing was written."""


@dataclass(frozen=True)
class SkippedService:
    where: str
    oruk_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class DirectoryImportPreview:
    feed: Feed
    new: tuple[OrukService, ...]
    updated: tuple[OrukService, ...]
    elsewhere: tuple[SkippedService, ...]
    unmapped_terms: tuple[Term, ...]
    # (ORUK id, flag) of updates' flags about what their records leave out (``oruk.absent_flags``):
    # the service keeps what it had, so they are not shown.
    muted: frozenset[tuple[str, str]] = frozenset()

    @property
    def flagged(self) -> int:
        return sum(1 for service in self.new + self.updated if service.problems)

    @property
    def skipped(self) -> int:
        """Records left out: bad ones, repeated ids, and services of another PCN's directory."""
        return len(self.feed.problems_of(Severity.SKIPPED)) + len(self.elsewhere)

    @property
    def importable(self) -> int:
        return len(self.new) + len(self.updated)


@dataclass(frozen=True)
class DirectoryImportResult:
    """What an import did; ``updated`` counts the services it changed, ``unchanged`` those the
    feed described as they already were (not written)."""

    feed_name: str
    added: int
    updated: int
    flagged: int
    skipped: int
    unmapped_terms: int
    unchanged: int = 0


def local_key(service_id: int, oruk_id: str | None) -> str:
    """The ORUK id a service is exported under before ``export_id`` makes it a UUID: its own ORUK
    id, or one made from its Linkworker id for a service entered by hand."""
    return oruk_id or f"linkworker-service-{service_id}"


def read_feed(path: Path) -> Feed:
    """A JSON file or a folder of CSV tables (or one of its tables, meaning its folder);
    ``ImportRefused`` says why one cannot be used."""
    as_tables = path.is_dir() or path.suffix.casefold() == ".csv"
    try:
        return read_csv_folder(path) if as_tables else read_json(path)
    except FeedError as error:
        raise ImportRefused(str(error)) from None


def preview(session: Session, actor: Actor, feed: Feed) -> DirectoryImportPreview:
    """What importing ``feed`` would do. Writes nothing."""
    actor.require(Permission.EDIT_DIRECTORY)
    return _plan(session, actor, feed)[0]


def commit(
    session: Session,
    actor: Actor,
    feed: Feed,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> DirectoryImportResult:
    """Import every importable service of ``feed`` in the caller's transaction, and audit it.

    Raises ``Cancelled`` when ``cancelled()`` turns true between chunks; the caller's unit
    of work then rolls back, so nothing is written.
    """
    actor.require(Permission.EDIT_DIRECTORY)
    plan, existing = _plan(session, actor, feed)
    total = max(plan.importable, 1)
    terms = [term for service in plan.new + plan.updated for term in service.terms]
    taxonomy.list_terms(session, actor, terms)
    needs = taxonomy.needs_of_terms(session, actor, terms)
    done = 0
    added: list[int] = []
    for chunk in _chunks(plan.new):
        _stop_if(cancelled)
        services = [_new_service(actor, service, needs) for service in chunk]
        session.add_all(services)
        session.flush()
        insert_all(
            session,
            ServiceSchedule,
            [
                row
                for model, service in zip(services, chunk, strict=True)
                for row in _schedule_rows(model, service)
            ],
        )
        added.extend(model.id for model in services)
        done += len(chunk)
        _report(progress, done, total)
    changed: list[int] = []
    for chunk in _chunks(plan.updated):
        _stop_if(cancelled)
        changed.extend(
            _update_chunk(session, actor, [(existing[item.oruk_id], item) for item in chunk], needs)
        )
        done += len(chunk)
        _report(progress, done, total)
    _stop_if(cancelled)
    audit.record_each(
        session, actor, "service_imported", "service", [(service_id, None) for service_id in added]
    )
    audit.record_each(
        session, actor, "service_updated_by_import", "service", [(service_id, None) for service_id in changed]
    )
    result = DirectoryImportResult(
        feed_name=feed.name,
        added=len(plan.new),
        updated=len(changed),
        flagged=plan.flagged,
        skipped=plan.skipped,
        unmapped_terms=len(plan.unmapped_terms),
        unchanged=len(plan.updated) - len(changed),
    )
    audit.record(session, actor, "directory_imported", detail=_audit_detail(result))
    _report(progress, total, total)
    return result


def record_dry_run(session: Session, actor: Actor, checked: DirectoryImportPreview) -> None:
    """Audit a dry run of an import: what it would have done, by the counts and the feed's name."""
    actor.require(Permission.EDIT_DIRECTORY)
    audit.record(
        session,
        actor,
        "directory_import_dry_run",
        detail=(
            f"dry run; file={checked.feed.name[:_AUDIT_NAME_MAX]}; would_add={len(checked.new)}; "
            f"would_update={len(checked.updated)}; flagged={checked.flagged}; skipped={checked.skipped}; "
            f"unmapped_terms={len(checked.unmapped_terms)}"
        ),
    )


def summary(checked: DirectoryImportPreview) -> list[str]:
    """The preview in a few lines of plain text."""
    feed = checked.feed
    lines = [
        f"{feed.name} ({feed.form}): {_count(feed.records, 'service record')}.",
        f"Ready to import: {_count(len(checked.new), 'new service')}, "
        f"{_count(len(checked.updated), 'update')} of services imported before.",
        f"Flagged for checking: {checked.flagged}. Skipped: {checked.skipped}.",
    ]
    if checked.unmapped_terms:
        lines.append(
            f"Taxonomy terms not mapped to a need yet: {len(checked.unmapped_terms)} "
            "(map them under Directory > Taxonomy mapping; the next import applies them)."
        )
    return lines


def problem_list(checked: DirectoryImportPreview) -> list[FeedProblem]:
    """Every problem with the record it came from and the service it is about: skipped records
    first, then flags, then notes."""
    feed = checked.feed
    elsewhere = [
        FeedProblem(feed.name, item.where, item.oruk_id, Severity.SKIPPED, item.reason, shown_name(item.name))
        for item in checked.elsewhere
    ]
    flagged = [
        problem
        for problem in feed.problems_of(Severity.FLAGGED)
        if (problem.record_id, problem.message) not in checked.muted
    ]
    return (
        list(feed.problems_of(Severity.SKIPPED)) + elsewhere + flagged + list(feed.problems_of(Severity.NOTE))
    )


def problems(checked: DirectoryImportPreview) -> list[str]:
    """Each problem as a line of text: what it means for the record, the service, then the place."""
    return [f"{_SEVERITY_WORDS[problem.severity]}: {problem.text()}" for problem in problem_list(checked)]


def report(checked: DirectoryImportPreview) -> list[str]:
    """The summary, then every problem: what the command prints."""
    return summary(checked) + [f"  {line}" for line in problems(checked)]


def _plan(session: Session, actor: Actor, feed: Feed) -> tuple[DirectoryImportPreview, dict[str, int]]:
    """Which services are new, which update one imported before (their ids), which are another PCN's."""
    owners: dict[str, tuple[int, int | None]] = {}
    for service_id, oruk_id, pcn_id in session.execute(select(Service.id, Service.oruk_id, Service.pcn_id)):
        key = local_key(service_id, oruk_id)
        owners[export_id("service", key)] = (service_id, pcn_id)
        if oruk_id:
            owners[oruk_id] = (service_id, pcn_id)
    new: list[OrukService] = []
    updated: list[OrukService] = []
    elsewhere: list[SkippedService] = []
    existing: dict[str, int] = {}
    taken: set[int] = set()
    muted: set[tuple[str, str]] = set()
    for service in feed.services:
        owner = owners.get(service.oruk_id)
        if owner is None:
            new.append(service)
        elif owner[1] not in (None, actor.pcn_id):
            elsewhere.append(SkippedService(service.where, service.oruk_id, service.name, ANOTHER_PCN))
        elif owner[0] in taken:
            elsewhere.append(
                SkippedService(
                    service.where,
                    service.oruk_id,
                    service.name,
                    "Another record of this feed updates the same service: skipped.",
                )
            )
        else:
            taken.add(owner[0])
            existing[service.oruk_id] = owner[0]
            absent = absent_flags(service)
            muted.update((service.oruk_id, flag) for flag in absent)
            updated.append(replace(service, problems=tuple(f for f in service.problems if f not in absent)))
    terms = {(term.vocabulary, term.term_id): term for service in new + updated for term in service.terms}
    needs = taxonomy.needs_of_terms(session, actor, terms.values())
    unmapped = tuple(
        term for key, term in sorted(terms.items()) if needs.get(key) is None and key[0] != NEEDS_VOCABULARY
    )
    plan = DirectoryImportPreview(
        feed, tuple(new), tuple(updated), tuple(elsewhere), unmapped, frozenset(muted)
    )
    return plan, existing


def _new_service(actor: Actor, service: OrukService, needs: dict[tuple[str, str], str | None]) -> Service:
    model = Service(
        pcn_id=actor.pcn_id,
        oruk_id=service.oruk_id,
        last_verified_on=service.verified_on,
        needs=[ServiceNeed(need_code=code) for code in _needs(service, needs)],
    )
    _fill(model, actor, service)
    _fill_places(model, service)
    _fill_terms(model, service)
    return model


def _update_chunk(
    session: Session,
    actor: Actor,
    pairs: list[tuple[int, OrukService]],
    needs: dict[tuple[str, str], str | None],
) -> list[int]:
    """Update the services of ``pairs`` (id, record) that the records change; their ids."""
    models = {
        model.id: model
        for model in session.scalars(
            select(Service)
            .where(Service.id.in_([service_id for service_id, _record in pairs]))
            .options(
                selectinload(Service.needs),
                selectinload(Service.locations),
                selectinload(Service.schedules),
                selectinload(Service.taxonomy),
            )
        )
    }
    changes: list[_Change] = []
    for service_id, record in pairs:
        model = models[service_id]
        current = stored_service(model)
        # Terms of Linkworker's own needs taxonomy are needs (below), not terms kept.
        own = tuple(term for term in record.terms if term.vocabulary != NEEDS_VOCABULARY)
        target = merged(current, replace(record, terms=own))
        had = {need.need_code for need in model.needs}
        change = _Change(
            model,
            target,
            record.oruk_id,
            places=_places(target) != _places(current),
            terms=_terms_kept(target) != _terms_kept(current),
            needs=[code for code in _needs(record, needs) if code not in had],
        )
        same = target == current and part_ids(target) == part_ids(current)
        if same and not change.needs and model.oruk_id is not None:
            continue
        if change.places:
            model.schedules = []
            model.locations = []
        if change.terms:
            model.taxonomy = []
        changes.append(change)
    session.flush()  # the old venues, times and terms go before the new ones come
    for change in changes:
        model, target = change.model, change.target
        if target.verified_on != model.last_verified_on:
            model.last_verified_on = target.verified_on
            model.verified_by_id = None
        model.needs.extend(ServiceNeed(need_code=code) for code in change.needs)
        model.oruk_id = model.oruk_id or change.oruk_id
        _fill(model, actor, target)
        if change.places:
            _fill_places(model, target)
        if change.terms:
            _fill_terms(model, target)
        model.updated_at = datetime.now(UTC)
    session.flush()
    insert_all(
        session,
        ServiceSchedule,
        [row for change in changes if change.places for row in _schedule_rows(change.model, change.target)],
    )
    return [change.model.id for change in changes]


@dataclass(frozen=True)
class _Change:
    """A service an import changes: what it becomes, and which of its lists are written again."""

    model: Service
    target: OrukService
    oruk_id: str
    places: bool
    terms: bool
    needs: list[str]


def _places(service: OrukService) -> tuple[object, ...]:
    """Venues and times with their ids: written again together when either changes."""
    return (
        service.locations,
        service.schedules,
        tuple(place.oruk_id for place in service.locations),
        tuple(schedule.oruk_id for schedule in service.schedules),
    )


def _terms_kept(service: OrukService) -> tuple[tuple[str, str, str, str | None], ...]:
    return tuple((term.vocabulary, term.term_id, term.name, term.oruk_id) for term in service.terms)


def _fill(model: Service, actor: Actor, service: OrukService) -> None:
    """The service's own fields, as the feed (or the feed merged with what was kept) has them."""
    model.organisation_name = service.organisation_name
    model.name = service.name
    model.description = service.description
    model.organisation_oruk_id = service.organisation_id
    model.organisation_description = service.organisation_description
    model.organisation_url = service.organisation_url
    model.organisation_email = service.organisation_email
    model.url = service.url
    model.email = service.email
    model.phone = service.phone
    model.phone_oruk_id = service.phone_id
    model.cost_kind = service.cost_kind.value
    model.cost_note = service.cost_note
    model.access_routes = [route.value for route in service.access_routes]
    model.accessibility = list(service.accessibility)
    model.languages = list(service.languages)
    model.min_age = service.min_age
    model.max_age = service.max_age
    model.waiting_time = service.waiting_time
    model.status = service.status.value
    model.import_problems = list(service.problems)
    model.oruk_contacts = [_contact_row(contact) for contact in service.contacts]
    model.oruk_service_areas = [_area_row(area) for area in service.service_areas]
    model.updated_by_id = actor.user_id


def _fill_places(model: Service, service: OrukService) -> None:
    """The venues (their times come after a flush, by ``_schedule_rows``)."""
    model.locations = [
        ServiceLocation(
            name=place.name,
            address_line_1=place.address_1,
            town=place.town,
            postcode=place.postcode,
            latitude=place.latitude,
            longitude=place.longitude,
            oruk_id=place.oruk_id,
        )
        for place in service.locations
    ]


def _fill_terms(model: Service, service: OrukService) -> None:
    model.taxonomy = [
        ServiceTaxonomy(
            vocabulary=term.vocabulary, term_id=term.term_id, term_name=term.name, oruk_id=term.oruk_id
        )
        for term in service.terms
        if term.vocabulary != NEEDS_VOCABULARY
    ]


def _schedule_rows(model: Service, service: OrukService) -> list[dict[str, object]]:
    """The service's times as rows for one batch insert, pointing at its venues (flushed by now)."""
    return [
        {
            "service_id": model.id,
            "location_id": None if schedule.location is None else model.locations[schedule.location].id,
            "freq": schedule.freq,
            "byday": schedule.byday,
            "opens_at": schedule.opens_at,
            "closes_at": schedule.closes_at,
            "description": schedule.description,
            "oruk_id": schedule.oruk_id,
        }
        for schedule in service.schedules
    ]


def stored_service(model: Service) -> OrukService:
    """A service of the directory in ORUK terms, every part with its id, its needs left out (an
    export adds them as terms). A venue or a time entered in Linkworker has an id made from its
    own row's, so it keeps its id when another is taken away; other parts have ``with_part_ids``'s."""
    index = {location.id: number for number, location in enumerate(model.locations)}
    service = OrukService(
        oruk_id=local_key(model.id, model.oruk_id),
        name=model.name,
        organisation_name=model.organisation_name,
        description=model.description,
        url=model.url,
        email=model.email,
        phone=model.phone,
        status=ServiceStatus(model.status),
        cost_kind=CostKind(model.cost_kind),
        cost_note=model.cost_note,
        access_routes=tuple(AccessRoute(route) for route in model.access_routes),
        accessibility=tuple(model.accessibility),
        languages=tuple(model.languages),
        min_age=model.min_age,
        max_age=model.max_age,
        waiting_time=model.waiting_time,
        verified_on=model.last_verified_on,
        locations=tuple(
            OrukLocation(
                location.name,
                location.address_line_1,
                location.town,
                location.postcode,
                location.latitude,
                location.longitude,
                location.oruk_id or f"linkworker-location-{location.id}",
            )
            for location in model.locations
        ),
        schedules=tuple(
            OrukSchedule(
                schedule.freq,
                schedule.byday,
                schedule.opens_at,
                schedule.closes_at,
                schedule.description,
                index.get(schedule.location_id) if schedule.location_id is not None else None,
                schedule.oruk_id or f"linkworker-schedule-{schedule.id}",
            )
            for schedule in model.schedules
        ),
        terms=tuple(
            sorted(
                (
                    Term(term.vocabulary, term.term_id, term.term_name, term.oruk_id)
                    for term in model.taxonomy
                ),
                key=lambda term: (term.vocabulary, term.term_id),
            )
        ),
        problems=tuple(model.import_problems),
        organisation_id=model.organisation_oruk_id,
        organisation_description=model.organisation_description,
        organisation_url=model.organisation_url,
        organisation_email=model.organisation_email,
        phone_id=model.phone_oruk_id,
        contacts=tuple(OrukContact(**row) for row in model.oruk_contacts),
        service_areas=tuple(OrukServiceArea(**row) for row in model.oruk_service_areas),
    )
    return with_part_ids(service)


def _contact_row(contact: OrukContact) -> dict[str, str | None]:
    return {
        "oruk_id": contact.oruk_id,
        "name": contact.name,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
        "phone_id": contact.phone_id,
    }


def _area_row(area: OrukServiceArea) -> dict[str, str | None]:
    return {
        "oruk_id": area.oruk_id,
        "name": area.name,
        "description": area.description,
        "extent": area.extent,
        "extent_type": area.extent_type,
    }


def _needs(service: OrukService, needs: dict[tuple[str, str], str | None]) -> list[str]:
    found = (needs.get((term.vocabulary, term.term_id)) for term in service.terms)
    return list(dict.fromkeys(code for code in found if code is not None))


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _stop_if(cancelled: ShouldStop | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("The import was cancelled: nothing was imported.")


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(min(done, total), total)


def _audit_detail(result: DirectoryImportResult) -> str:
    return (
        f"file={result.feed_name[:_AUDIT_NAME_MAX]}; added={result.added}; updated={result.updated}; "
        f"unchanged={result.unchanged}; flagged={result.flagged}; skipped={result.skipped}; "
        f"unmapped_terms={result.unmapped_terms}"
    )


def _count(number: int, singular: str) -> str:
    return f"{number:,} {singular}{'' if number == 1 else 's'}"
