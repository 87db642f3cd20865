"""The directory as matching reads it, kept in memory between searches while it is unchanged.

Reading an ICB's 20,000 services with their needs, venues and timetables takes the best part of a
second; a search over them, once read, a few milliseconds. So the table of a PCN's services
(``domain.ranking.DirectoryTable``) is kept per database and PCN, and each search first asks the
database whether the directory changed since: the number of services and the sum of their
version counters, which every edit, import or taxonomy mapping raises (the index
``ix_service_version_id`` answers it without reading the services). Another user's change on a
shared server is therefore seen by the next search.

When it changed, only what changed is read again: the services' ids and versions (whatever their
status), compared with those the table was read at, name the services added, edited, closed,
moved or deleted since, and the table is made again from the services held and those few read.
An edit to one service then costs the columns' build (about 155 ms for 18,000 services), not
the whole directory's read (about 870 ms more).
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Engine, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from linkworker.domain import postcode
from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.domain.matching import Candidate, Venue
from linkworker.domain.ranking import DirectoryTable
from linkworker.domain.schedule import Opening, parse_byday
from linkworker.services.batch import SLICE
from linkworker.store.models import PostcodePoint, Service, ServiceLocation, ServiceNeed, ServiceSchedule

Stamp = tuple[int, int]

_COST_KINDS = {kind.value: kind for kind in CostKind}
_FEW = 1000  # changed services read by id; more than this (and a quarter of all) are read whole
_lock = threading.Lock()


@dataclass(frozen=True)
class _Held:
    """A table and what it was read at: the stamp, and the version of each service the PCN sees."""

    stamp: Stamp
    versions: dict[int, int]
    table: DirectoryTable


# Per engine (forgotten with it), per PCN.
_tables: weakref.WeakKeyDictionary[Engine, dict[int | None, _Held]] = weakref.WeakKeyDictionary()
# How many services' rows have been read into tables, so tests can see a refresh read only the changed.
services_read = 0


def directory_table(session: Session, pcn_id: int | None) -> DirectoryTable:
    """The active services PCN ``pcn_id`` can match to (its own and the shared ones), current."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    # The stamp and versions first: a change committed between them and the services' rows makes
    # the next search read that service again, never keeps a table older than its stamp.
    stamp = _stamp(session)
    with _lock:
        held = _tables.get(engine, {}).get(pcn_id)
    if held is not None and held.stamp == stamp:
        return held.table
    versions = _versions(session, pcn_id)
    table = _refreshed(session, pcn_id, held, versions) if held is not None else None
    if table is None:
        table = DirectoryTable(_candidates(session, pcn_id))
    with _lock:
        _tables.setdefault(engine, {})[pcn_id] = _Held(stamp, versions, table)
    return table


def forget() -> None:
    """Drop every table held: the postcode lookup changed, which places venues given only a
    postcode but changes no service's version. (Another app on a shared server keeps its
    tables until the directory next changes or it restarts.)"""
    with _lock:
        _tables.clear()


def _stamp(session: Session) -> Stamp:
    versions = func.coalesce(func.sum(Service.version_id), 0)
    count, total = session.execute(select(func.count(), versions)).one()
    return int(count), int(total)


def _versions(session: Session, pcn_id: int | None) -> dict[int, int]:
    """The version of every service PCN ``pcn_id`` sees, whatever its status; on SQLite of every
    service, as the index ``ix_service_version_id`` holds each one's id beside its version and is
    read whole quicker (27 ms for 20,000) than the PCN's rows are looked up (97 ms). PostgreSQL's
    index holds no id, so there the PCN's rows are found through ``ix_service_pcn_id``."""
    query = select(Service.id, Service.version_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.where(_seen_by(pcn_id))
    rows = session.connection().execute(query)
    return {service_id: version for service_id, version in rows}


def _refreshed(
    session: Session, pcn_id: int | None, held: _Held, versions: dict[int, int]
) -> DirectoryTable | None:
    """The held table brought up to ``versions``, reading only the services whose version is new
    (or that are new); None when so many changed (an import) that reading them all is quicker."""
    changed = [
        service_id for service_id, version in versions.items() if held.versions.get(service_id) != version
    ]
    gone = held.versions.keys() - versions.keys()
    if len(changed) > max(_FEW, len(versions) // 4):
        return None
    read = [
        candidate
        for start in range(0, len(changed), SLICE)
        for candidate in _candidates(session, pcn_id, changed[start : start + SLICE])
    ]
    stale = gone.union(changed)
    if not read and not any(candidate.service_id in stale for candidate in held.table.candidates):
        return held.table  # none of the changes is one the PCN can match to
    kept = [candidate for candidate in held.table.candidates if candidate.service_id not in stale]
    return DirectoryTable(kept + read)


def _seen_by(pcn_id: int | None) -> ColumnElement[bool]:
    """The PCN's own services and the shared ones."""
    return or_(Service.pcn_id.is_(None), Service.pcn_id == pcn_id)


def _candidates(session: Session, pcn_id: int | None, only: Sequence[int] | None = None) -> list[Candidate]:
    """The services (those of ``only``, when given) with what the rules weigh, in one query: a
    row for each need, venue and session of each service (most have one of each), gathered here."""
    global services_read
    found: dict[int, _Found] = {}
    chosen = [Service.status == ServiceStatus.ACTIVE.value, _seen_by(pcn_id)]
    if only is not None:
        chosen.append(Service.id.in_(only))
    # Through the connection: plain rows, without the ORM's per-row work.
    rows = session.connection().execute(
        select(
            Service.id,
            Service.name,
            Service.organisation_name,
            Service.cost_kind,
            Service.cost_note,
            # The lists as the JSON text stored: the same few hundred recur, each decoded once.
            cast(Service.accessibility, Text),
            cast(Service.languages, Text),
            Service.min_age,
            Service.max_age,
            ServiceNeed.need_code,
            ServiceLocation.id,
            ServiceLocation.town,
            ServiceLocation.postcode,
            # A venue given only a postcode is placed at the postcode's centre, when the lookup has it.
            func.coalesce(ServiceLocation.latitude, PostcodePoint.latitude),
            func.coalesce(ServiceLocation.longitude, PostcodePoint.longitude),
            ServiceSchedule.id,
            ServiceSchedule.byday,
            ServiceSchedule.opens_at,
            ServiceSchedule.closes_at,
        )
        .select_from(ServiceNeed)
        .join(Service, Service.id == ServiceNeed.service_id)
        .outerjoin(ServiceLocation, ServiceLocation.service_id == Service.id)
        .outerjoin(
            PostcodePoint,
            and_(ServiceLocation.latitude.is_(None), PostcodePoint.postcode == ServiceLocation.postcode),
        )
        .outerjoin(ServiceSchedule, ServiceSchedule.service_id == Service.id)
        .where(*chosen)
    )
    for row in rows:
        need, location_id, town, written, latitude, longitude, schedule_id, byday, opens, closes = row[9:]
        service = found.get(row[0])
        if service is None:
            service = found[row[0]] = _Found(row[:9])
        service.needs.add(need)
        if location_id is not None and location_id not in service.venues:
            service.venues[location_id] = Venue(town, _district(written), latitude, longitude)
        if schedule_id is not None and schedule_id not in service.openings:
            service.openings[schedule_id] = _opening(byday, opens, closes)
    with _lock:
        services_read += len(found)
    return [service.candidate() for service in found.values()]


class _Found:
    """One service as its rows come in; ``columns`` are its own (id to maximum age)."""

    def __init__(self, columns: tuple[Any, ...]) -> None:
        self.columns = columns
        self.needs: set[str] = set()
        self.venues: dict[int, Venue] = {}
        self.openings: dict[int, Opening] = {}

    def candidate(self) -> Candidate:
        service_id, name, organisation, kind, note, access, spoken, min_age, max_age = self.columns
        return Candidate(
            service_id=service_id,
            name=name,
            organisation=organisation,
            needs=frozenset(self.needs),
            cost=_COST_KINDS[kind],
            cost_note=note,
            accessibility=_words(access),
            languages=_words(spoken),
            min_age=min_age,
            max_age=max_age,
            venues=tuple(venue for _, venue in sorted(self.venues.items())),
            openings=tuple(opening for _, opening in sorted(self.openings.items())),
        )


@lru_cache(maxsize=4096)
def _words(stored: str | None) -> tuple[str, ...]:
    """A JSON list of strings as stored (accessibility features, languages), as a tuple."""
    found = json.loads(stored) if stored else None
    return tuple(str(word) for word in found) if isinstance(found, list) else ()


@lru_cache(maxsize=4096)
def _opening(byday: str | None, opens: time | None, closes: time | None) -> Opening:
    """One session; the same few hundred timetables recur across a directory, so each is made
    (and its times of the week worked out) once."""
    return Opening(parse_byday(byday), opens, closes)


@lru_cache(maxsize=65536)
def _district(written: str | None) -> str | None:
    """A venue's postcode district ("ME4"), when its postcode names a place."""
    canonical = postcode.placeable(written)
    return postcode.district(canonical) if canonical else None
