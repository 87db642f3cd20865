"""Importing an Open Referral UK feed into the directory: a preview first, then every service in
one transaction.

A feed is a JSON file (a page of ``/services`` or a list of services) or a folder of ORUK CSV
tables; ``interchange.oruk`` reads it and finds each record's problems. The import is keyed on
the ORUK id: a service imported before (``service.oruk_id``, or the id Linkworker exported it
under) is updated, never added twice. A service the feed describes replaces what the directory
knew from the feed (its venues, times, terms, and its flags: ``import_problems``); the needs a
service has are kept, and the needs its terms are mapped to (``services.taxonomy``) are added.
Terms the PCN has not listed yet are listed, unmapped, for a manager to map.

``commit`` reads nothing from the preview: it checks the feed again in its own transaction, and
a cancellation or any error rolls the whole import back. A dry run (the preview alone) is
audited as one (``record_dry_run``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from linkworker.domain.roles import Permission
from linkworker.interchange.oruk import (
    NEEDS_VOCABULARY,
    Feed,
    FeedError,
    FeedProblem,
    OrukService,
    Severity,
    Term,
    export_id,
    shown_name,
)
from linkworker.interchange.oruk_csv import read_csv_folder
from linkworker.interchange.oruk_json import read_json
from linkworker.services import audit, taxonomy
from linkworker.services.actor import Actor
from linkworker.services.batch import insert_all
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
    feed_name: str
    added: int
    updated: int
    flagged: int
    skipped: int
    unmapped_terms: int


def local_key(service_id: int, oruk_id: str | None) -> str:
    """The ORUK id a service is exported under before ``export_id`` makes it a UUID: its own ORUK
    id, or one made from its Linkworker id for a service entered by hand."""
    return oruk_id or f"linkworker-service-{service_id}"


def read_feed(path: Path) -> Feed:
    """A JSON file or a folder of CSV tables; ``ImportRefused`` says why one cannot be used."""
    try:
        return read_csv_folder(path) if path.is_dir() else read_json(path)
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
    for chunk in _chunks(plan.updated):
        _stop_if(cancelled)
        ids = [existing[service.oruk_id] for service in chunk]
        models = {
            model.id: model
            for model in session.scalars(
                select(Service)
                .where(Service.id.in_(ids))
                .options(
                    selectinload(Service.needs),
                    selectinload(Service.locations),
                    selectinload(Service.schedules),
                    selectinload(Service.taxonomy),
                )
            )
        }
        for service_id in ids:
            _clear(models[service_id])
        session.flush()  # the old venues, times and terms go before the new ones come
        for service_id, service in zip(ids, chunk, strict=True):
            _update_service(models[service_id], actor, service, needs)
        session.flush()
        insert_all(
            session,
            ServiceSchedule,
            [
                row
                for service_id, service in zip(ids, chunk, strict=True)
                for row in _schedule_rows(models[service_id], service)
            ],
        )
        done += len(chunk)
        _report(progress, done, total)
    _stop_if(cancelled)
    audit.record_each(
        session, actor, "service_imported", "service", [(service_id, None) for service_id in added]
    )
    audit.record_each(
        session,
        actor,
        "service_updated_by_import",
        "service",
        [(existing[service.oruk_id], None) for service in plan.updated],
    )
    result = DirectoryImportResult(
        feed_name=feed.name,
        added=len(plan.new),
        updated=len(plan.updated),
        flagged=plan.flagged,
        skipped=plan.skipped,
        unmapped_terms=len(plan.unmapped_terms),
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
    return (
        list(feed.problems_of(Severity.SKIPPED))
        + elsewhere
        + list(feed.problems_of(Severity.FLAGGED))
        + list(feed.problems_of(Severity.NOTE))
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
            updated.append(service)
    terms = {(term.vocabulary, term.term_id): term for service in new + updated for term in service.terms}
    needs = taxonomy.needs_of_terms(session, actor, terms.values())
    unmapped = tuple(
        term for key, term in sorted(terms.items()) if needs.get(key) is None and key[0] != NEEDS_VOCABULARY
    )
    return DirectoryImportPreview(feed, tuple(new), tuple(updated), tuple(elsewhere), unmapped), existing


def _new_service(actor: Actor, service: OrukService, needs: dict[tuple[str, str], str | None]) -> Service:
    model = Service(
        pcn_id=actor.pcn_id,
        oruk_id=service.oruk_id,
        organisation_name=service.organisation_name,
        name=service.name,
        description=service.description,
        last_verified_on=service.verified_on,
        needs=[ServiceNeed(need_code=code) for code in _needs(service, needs)],
    )
    _fill(model, actor, service)
    return model


def _clear(model: Service) -> None:
    model.schedules = []
    model.locations = []
    model.taxonomy = []


def _update_service(
    model: Service, actor: Actor, service: OrukService, needs: dict[tuple[str, str], str | None]
) -> None:
    model.organisation_name = service.organisation_name
    model.name = service.name
    model.description = service.description
    if service.verified_on is not None and (
        model.last_verified_on is None or service.verified_on > model.last_verified_on
    ):
        model.last_verified_on = service.verified_on
        model.verified_by_id = None
    had = {need.need_code for need in model.needs}
    model.needs.extend(ServiceNeed(need_code=code) for code in _needs(service, needs) if code not in had)
    model.oruk_id = model.oruk_id or service.oruk_id
    _fill(model, actor, service)
    model.updated_at = datetime.now(UTC)


def _fill(model: Service, actor: Actor, service: OrukService) -> None:
    """The fields the feed decides, venues and terms included (times come after a flush)."""
    model.url = service.url
    model.email = service.email
    model.phone = service.phone
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
    model.updated_by_id = actor.user_id
    model.locations = [
        ServiceLocation(
            name=place.name,
            address_line_1=place.address_1,
            town=place.town,
            postcode=place.postcode,
            latitude=place.latitude,
            longitude=place.longitude,
        )
        for place in service.locations
    ]
    model.taxonomy = [
        ServiceTaxonomy(vocabulary=term.vocabulary, term_id=term.term_id, term_name=term.name)
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
        }
        for schedule in service.schedules
    ]


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
        f"flagged={result.flagged}; skipped={result.skipped}; unmapped_terms={result.unmapped_terms}"
    )


def _count(number: int, singular: str) -> str:
    return f"{number:,} {singular}{'' if number == 1 else 's'}"
