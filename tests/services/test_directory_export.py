"""Exporting the directory as ORUK JSON and CSV tables: valid against the standard's schemas, needs
as terms beside the imported ones, and an export imported again updates rather than duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.interchange.oruk import export_id
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_export, directory_import
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Service, ServiceNeed
from tests.interchange.oruk_standard import page_errors, service_errors, table_errors
from tests.services.oruk_feeds import PAGE, import_feed


def add_by_hand(database: Database, actor: Actor) -> int:
    """A service entered in Linkworker (no ORUK id), with a need."""
    with database.session() as session:
        service = Service(
            pcn_id=actor.pcn_id,
            organisation_name="Testvale Library",
            name="Get Online Sessions",
            description="Help with phones and tablets.",
            cost_kind="free",
            status="active",
            needs=[ServiceNeed(need_code="digital_inclusion")],
        )
        session.add(service)
        session.flush()
        return service.id


def test_the_json_export_is_valid_hsds_with_needs_as_terms(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    add_by_hand(database, manager)
    path = tmp_path / "directory.json"
    with database.session() as session:
        result = directory_export.export(session, manager, path)
    assert (result.services, result.form) == (4, "JSON")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [service["name"] for service in document] == [
        "Get Online Sessions",
        "Money Advice Drop-in",
        "Riverside Walking Group",
        "Swapped Coordinates Club",
    ]
    for service in document:
        assert service_errors(service) == []
    terms = [
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"], a["taxonomy_term"]["name"])
        for a in document[0]["attributes"]
    ]
    assert terms == [("linkworker-needs", "digital_inclusion", "Digital inclusion")]
    walks = document[2]
    assert {a["taxonomy_term"]["code"] for a in walks["attributes"]} == {"100", "t-200"}
    with database.session() as session:
        detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "directory_exported"))
    assert detail == "to=directory.json; form=JSON; services=4"


def test_the_page_and_csv_exports_are_valid(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    admin = actors[Role.ADMIN]
    import_feed(database, admin, PAGE)
    with database.session() as session:
        directory_export.export_json(session, admin, tmp_path / "page.json", as_page=True)
        result = directory_export.export(session, admin, tmp_path / "tables")
    assert page_errors(json.loads((tmp_path / "page.json").read_text(encoding="utf-8"))) == []
    assert result.form == "CSV tables" and table_errors(tmp_path / "tables") == []


@pytest.mark.parametrize("name", ["directory.json", "tables"])
def test_an_export_imported_again_matches_every_service(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, name: str
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    by_hand = add_by_hand(database, manager)
    with database.session() as session:
        directory_export.export(session, manager, tmp_path / name)
    result = import_feed(database, manager, tmp_path / name)
    assert (result.added, result.updated + result.unchanged, result.unmapped_terms) == (0, 4, 2)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Service)) == 4
        hand = session.get(Service, by_hand)
        assert hand is not None
        # Matched by the id it was exported under, which it now keeps.
        assert hand.oruk_id == export_id("service", directory_import.local_key(by_hand, None))
        assert [need.need_code for need in hand.needs] == ["digital_inclusion"]


def test_the_json_export_imported_again_changes_nothing_but_a_hand_entered_services_id(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    by_hand = add_by_hand(database, manager)
    with database.session() as session:
        directory_export.export(session, manager, tmp_path / "directory.json")
        before = {key: version for key, version in session.execute(select(Service.id, Service.version_id))}
    result = import_feed(database, manager, tmp_path / "directory.json")
    assert (result.updated, result.unchanged) == (1, 3)
    with database.session() as session:
        after = {key: version for key, version in session.execute(select(Service.id, Service.version_id))}
        changed = session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "service_updated_by_import")
        ).all()
    assert {key for key in after if after[key] != before[key]} == {by_hand}
    assert [int(entity) for entity in changed] == [by_hand]
    # A second time nothing at all changes.
    again = import_feed(database, manager, tmp_path / "directory.json")
    assert (again.updated, again.unchanged) == (0, 4)
