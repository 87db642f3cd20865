"""A lossless round trip through the directory, on generated services: each valid HSDS 3.0 service
imported, then exported, gives back what Linkworker keeps of it field by field (ids included),
and importing the export again changes nothing: no new version, no audit event of a change."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_export
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Service
from tests.interchange.oruk_generated import kept_fields, services
from tests.interchange.oruk_records import write
from tests.interchange.oruk_standard import service_errors
from tests.services.oruk_feeds import import_feed


def versions(database: Database) -> tuple[dict[int, int], int]:
    """Each service's version, and how many changes by import were audited."""
    with database.session() as session:
        kept = {key: version for key, version in session.execute(select(Service.id, Service.version_id))}
        changes = session.scalar(select(func.count()).where(AuditEvent.action == "service_updated_by_import"))
    return kept, changes or 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=services())
def test_a_service_imported_and_exported_keeps_every_field_and_importing_it_again_changes_nothing(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, generated: dict[str, Any]
) -> None:
    assert service_errors(generated) == []
    # A new service each time: the database is the same for every example hypothesis draws.
    generated = json.loads(json.dumps(generated).replace(generated["id"], str(uuid.uuid4())))
    manager = actors[Role.MANAGER]
    result = import_feed(database, manager, write(tmp_path / "generated.json", generated))
    assert (result.added, result.flagged, result.skipped) == (1, 0, 0)
    export = tmp_path / "export.json"
    with database.session() as session:
        directory_export.export_json(session, manager, export)
    exported = {service["id"]: service for service in json.loads(export.read_text(encoding="utf-8"))}
    assert service_errors(exported[generated["id"]]) == []
    assert kept_fields(exported[generated["id"]]) == kept_fields(generated)
    before = versions(database)
    again = import_feed(database, manager, export)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(exported))
    assert versions(database) == before
