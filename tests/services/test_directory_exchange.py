"""Keeping a directory in step with a feed imported again and again, without loss (issue 16): a
summary after a full record, ids and organisation details through an export and back, documents
that are not services, taxonomy_terms arrays, and bad emails and web addresses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.interchange.oruk import Term
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_export, directory_import
from linkworker.services.directory.directory_import import ImportRefused
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Service, ServiceLocation, TaxonomyMapping
from tests.interchange.oruk_records import (
    CONTACT_ID,
    LOCATION,
    LOCATION_ID,
    ORGANISATION,
    ORGANISATION_ID,
    PHONE_ID,
    SCHEDULE_ID,
    SERVICE_ID,
    TAXONOMY,
    TAXONOMY_TERM,
    TERM_ID,
    full_record,
    page_of,
    summary_record,
    write,
)
from tests.interchange.oruk_standard import service_errors
from tests.services.oruk_feeds import import_feed


def kept(database: Database) -> Service:
    with database.session() as session:
        service = session.scalars(select(Service).where(Service.oruk_id == SERVICE_ID)).one()
        _ = (service.locations, service.schedules, service.taxonomy, service.needs)
        session.expunge_all()
    return service


def changes_audited(database: Database) -> int:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).where(AuditEvent.action == "service_updated_by_import")) or 0
        )


def test_a_services_page_after_a_full_record_keeps_venues_times_terms_and_cost(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, write(tmp_path / "yoga.json", full_record()))
    before = kept(database)
    assert (len(before.locations), len(before.schedules), len(before.taxonomy)) == (1, 2, 1)
    page = page_of(summary_record(description="Gentle yoga sitting down, now with tea."))
    result = import_feed(database, manager, write(tmp_path / "page.json", page))
    after = kept(database)
    assert after.description == "Gentle yoga sitting down, now with tea."
    assert [location.oruk_id for location in after.locations] == [LOCATION_ID]
    assert [(schedule.byday, schedule.oruk_id) for schedule in after.schedules] == [
        ("WE", SCHEDULE_ID),
        ("MO", "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e0b"),
    ]
    assert [(term.term_id, term.oruk_id) for term in after.taxonomy] == [("yoga", TERM_ID)]
    assert (after.cost_kind, after.cost_note) == ("paid", "£6 a class")
    assert (after.phone, after.min_age) == ("01632 960555", 50)
    assert after.import_problems == []
    assert (result.updated, result.unchanged) == (1, 0)


def test_the_preview_of_a_summary_does_not_flag_what_an_update_keeps(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    page = write(tmp_path / "page.json", page_of(summary_record()))
    with database.session() as session:
        first = directory_import.preview(session, manager, directory_import.read_feed(page))
    assert first.flagged == 1, "a new service with no cost given is recorded as free, and flagged"
    import_feed(database, manager, write(tmp_path / "yoga.json", full_record()))
    with database.session() as session:
        checked = directory_import.preview(session, manager, directory_import.read_feed(page))
    assert (checked.flagged, directory_import.problems(checked)) == (0, [])


def test_a_full_record_with_a_field_empty_clears_it(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, write(tmp_path / "yoga.json", full_record()))
    emptied = full_record(description="", url=None, service_at_locations=[], attributes=[])
    import_feed(database, manager, write(tmp_path / "emptied.json", emptied))
    after = kept(database)
    assert (after.description, after.url, after.locations, after.taxonomy) == (None, None, [], [])
    assert [schedule.byday for schedule in after.schedules] == ["MO"], "the service's own times stay"


def test_an_export_keeps_every_id_and_the_organisation_and_importing_it_changes_nothing(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, write(tmp_path / "yoga.json", full_record()))
    with database.session() as session:
        directory_export.export(session, manager, tmp_path / "export.json")
    (exported,) = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert service_errors(exported) == []
    assert exported["organization"] == {
        "id": ORGANISATION_ID,
        "name": "Testvale Yoga Trust",
        "description": "A charity teaching yoga to older people.",
        "website": "https://trust.example.org",
        "email": "office@trust.example.org",
    }
    link = exported["service_at_locations"][0]
    assert (link["location"]["id"], link["schedules"][0]["id"]) == (LOCATION_ID, SCHEDULE_ID)
    assert exported["phones"][0]["id"] == PHONE_ID and exported["contacts"][0]["id"] == CONTACT_ID
    assert [a["taxonomy_term"]["id"] for a in exported["attributes"]] == [TERM_ID]
    version = kept(database).version_id
    audited = changes_audited(database)
    result = import_feed(database, manager, tmp_path / "export.json")
    assert (result.added, result.updated, result.unchanged) == (0, 0, 1)
    assert kept(database).version_id == version
    assert changes_audited(database) == audited


@pytest.mark.parametrize(
    ("document", "what"),
    [
        (ORGANISATION, "organisation.json holds an organisation, not services."),
        (LOCATION, "location.json holds a location, not services."),
        (TAXONOMY, "taxonomy.json holds a taxonomy, not services."),
        (TAXONOMY_TERM, "taxonomy-term.json holds a taxonomy term, not services."),
    ],
)
def test_a_document_that_is_not_a_service_is_refused_and_nothing_is_written(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, document: object, what: str
) -> None:
    path = write(tmp_path / what.split(" ")[0], document)
    with pytest.raises(ImportRefused) as refused:
        directory_import.read_feed(path)
    assert str(refused.value).startswith(f"{what} A directory import reads services: a page of /services")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Service)) == 0


def test_terms_listed_in_taxonomy_terms_arrays_are_listed_for_mapping(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    terms = [
        {"id": "t-1", "code": "HEALTH-3", "name": "Mental health", "taxonomy": "esd-needs"},
        {"id": "t-2", "name": "Carers", "taxonomy": "esd-needs"},
    ]
    record = full_record(attributes=[{"id": "a-1", "taxonomy_term_id": "t-2"}], taxonomy_terms=terms)
    path = write(tmp_path / "uk.json", record)
    with database.session() as session:
        checked = directory_import.preview(session, manager, directory_import.read_feed(path))
    assert checked.unmapped_terms == (
        Term("esd-needs", "HEALTH-3", "Mental health"),
        Term("esd-needs", "t-2", "Carers"),
    )
    import_feed(database, manager, path)
    with database.session() as session:
        listed = session.scalars(select(TaxonomyMapping.term_id).order_by(TaxonomyMapping.term_id)).all()
    assert listed == ["HEALTH-3", "t-2"]
    assert sorted(term.term_id for term in kept(database).taxonomy) == ["HEALTH-3", "t-2"]


def test_a_bad_email_and_web_address_are_left_out_flagged_and_the_export_stays_valid(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    bad = full_record(email="not-an-email", url="javascript:alert(1)")
    result = import_feed(database, manager, write(tmp_path / "bad.json", bad))
    assert result.flagged == 1
    service = kept(database)
    assert (service.email, service.url) == (None, None)
    assert [flag.split(":")[0] for flag in service.import_problems] == [
        "The web address “javascript",
        "The email address “not-an-email” is left out",
    ]
    with database.session() as session:
        directory_export.export(session, manager, tmp_path / "export.json")
    (exported,) = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert service_errors(exported) == []


def test_a_venue_entered_by_hand_keeps_its_exported_id_when_another_goes(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    with database.session() as session:
        service = Service(
            pcn_id=manager.pcn_id,
            organisation_name="Testvale Library",
            name="Get Online Sessions",
            cost_kind="free",
            status="active",
            locations=[ServiceLocation(name="Main Library"), ServiceLocation(name="Branch Library")],
        )
        session.add(service)

    def venues() -> dict[str, str]:
        with database.session() as session:
            directory_export.export(session, manager, tmp_path / "export.json")
        (exported,) = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
        return {link["location"]["name"]: link["location"]["id"] for link in exported["service_at_locations"]}

    before = venues()
    with database.session() as session:
        main = session.scalars(select(ServiceLocation).where(ServiceLocation.name == "Main Library")).one()
        session.delete(main)
    assert venues() == {"Branch Library": before["Branch Library"]}
