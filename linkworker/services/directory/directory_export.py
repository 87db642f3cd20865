"""Exporting the directory as Open Referral UK: a JSON list (or page) of services, or a folder of
CSV tables, valid against the ORUK schemas.

Every service of this PCN's directory goes out, with its needs as terms of Linkworker's own
taxonomy (``linkworker-needs``) beside the terms it was imported with. A service keeps the id
it was imported under, and so do its organisation (with its description, web address and email),
venues, times, phone, contacts, service areas and terms; one entered by hand, or a part of it,
is exported under an id made from its Linkworker id, the same every time, so importing the export
again matches it rather than adding it twice, and changes nothing.
Neither the file nor the folder, nor any table written into it, is one of the database's own
files (``Location.is_own_file``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from linkworker.domain.roles import Permission
from linkworker.interchange.oruk import NEEDS_VOCABULARY, FeedError, OrukService, Term
from linkworker.interchange.oruk_csv import WRITTEN, write_csv_folder
from linkworker.interchange.oruk_json import write_json
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases.needs import need_labels
from linkworker.services.directory.directory_import import stored_service
from linkworker.services.errors import ServiceError
from linkworker.services.files_out import refuse_own_files
from linkworker.store.models import LocalNeed, Service

_AUDIT_NAME_MAX: Final = 200


class ExportRefused(ServiceError):
    """The export could not be written; nothing was left half-written."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    services: int
    form: str


def directory_services(session: Session, actor: Actor) -> list[OrukService]:
    """Every service of this PCN's directory in ORUK terms, by name."""
    actor.require(Permission.EDIT_DIRECTORY)
    labels = need_labels(session, actor)
    # Needs a PCN has since deactivated still name a service's needs.
    rows = session.execute(select(LocalNeed.code, LocalNeed.label).where(LocalNeed.pcn_id == actor.pcn_id))
    labels.update({code: label for code, label in rows if code not in labels})
    services = session.scalars(
        select(Service)
        .where(or_(Service.pcn_id.is_(None), Service.pcn_id == actor.pcn_id))
        .options(
            selectinload(Service.needs),
            selectinload(Service.locations),
            selectinload(Service.schedules),
            selectinload(Service.taxonomy),
        )
        .order_by(Service.name, Service.id)
    )
    return [_oruk(service, labels) for service in services]


def export_json(session: Session, actor: Actor, path: Path, *, as_page: bool = False) -> ExportResult:
    services = directory_services(session, actor)
    refuse_own_files(session, [path], "the export", refusal=ExportRefused)
    try:
        write_json(path, services, as_page=as_page)
    except FeedError as error:
        raise ExportRefused(str(error)) from None
    return _done(session, actor, ExportResult(path, len(services), "JSON page" if as_page else "JSON"))


def export_csv(session: Session, actor: Actor, folder: Path) -> ExportResult:
    services = directory_services(session, actor)
    refuse_own_files(
        session, [folder, *(folder / name for name in WRITTEN)], "the export", refusal=ExportRefused
    )
    try:
        write_csv_folder(folder, services)
    except FeedError as error:
        raise ExportRefused(str(error)) from None
    return _done(session, actor, ExportResult(folder, len(services), "CSV tables"))


def export(session: Session, actor: Actor, path: Path) -> ExportResult:
    """JSON for a path ending .json, else a folder of CSV tables."""
    if path.suffix.casefold() == ".json":
        return export_json(session, actor, path)
    return export_csv(session, actor, path)


def _done(session: Session, actor: Actor, result: ExportResult) -> ExportResult:
    audit.record(
        session,
        actor,
        "directory_exported",
        detail=f"to={result.path.name[:_AUDIT_NAME_MAX]}; form={result.form}; services={result.services}",
    )
    return result


def _oruk(service: Service, labels: dict[str, str]) -> OrukService:
    """The service as kept (its parts with their ORUK ids), with its needs as terms first."""
    needs = [
        Term(NEEDS_VOCABULARY, need.need_code, labels.get(need.need_code, need.need_code))
        for need in service.needs
    ]
    stored = stored_service(service)
    return replace(stored, terms=tuple(sorted(needs, key=lambda term: term.term_id)) + stored.terms)
