"""Importing ORUK feeds: a preview that writes nothing, then every good service in one go, keyed on
the ORUK id (a re-import updates), bad records skipped or flagged, the taxonomy mapping applied."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.interchange.oruk import Term
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_import, taxonomy
from linkworker.services.directory.directory_import import ImportRefused
from linkworker.services.errors import Cancelled
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Service, ServiceNeed, ServiceTaxonomy, TaxonomyMapping
from tests.services.oruk_feeds import LIST, PAGE, TABLES, WALKS_ID, import_feed


def services(database: Database) -> dict[str, Service]:
    with database.session() as session:
        found = session.scalars(select(Service)).all()
        for service in found:
            _ = (service.locations, service.schedules, service.needs, service.taxonomy)
        session.expunge_all()
    return {service.oruk_id or "": service for service in found}


def test_the_preview_says_what_would_happen_and_writes_nothing(
    database: Database, actors: dict[Role, Actor]
) -> None:
    feed = directory_import.read_feed(PAGE)
    with database.session() as session:
        checked = directory_import.preview(session, actors[Role.MANAGER], feed)
    assert [service.oruk_id for service in checked.new] == [WALKS_ID, "svc-5", "svc-6"]
    assert checked.updated == () and checked.flagged == 2
    assert checked.unmapped_terms == (
        Term("esd-needs", "100", "Physical activity"),
        Term("esd-needs", "t-200", "Loneliness"),
    )
    lines = directory_import.report(checked)
    assert lines[1] == "Ready to import: 3 new services, 0 updates of services imported before."
    assert (
        "  Skipped: Service “Nameless id service” at page.json, $.contents[2]: "
        "The service has no id, so it cannot be kept up to date: skipped."
    ) in lines
    assert (
        "  Skipped: Service id svc-no-name at page.json, $.contents[1]: The service has no name: skipped."
        in lines
    )
    assert (
        "  Flagged: Service “Money Advice Drop-in” (id svc-5) at page.json, "
        "$.contents[4].service_at_locations[0].location: “75001” is not a UK postcode: left out."
    ) in lines
    assert services(database) == {}


def test_an_import_writes_the_good_services_and_flags_the_doubtful(
    database: Database, actors: dict[Role, Actor]
) -> None:
    result = import_feed(database, actors[Role.MANAGER], PAGE)
    assert (result.added, result.updated, result.flagged, result.skipped, result.unmapped_terms) == (
        3,
        0,
        2,
        4,
        2,
    )
    found = services(database)
    walks = found[WALKS_ID]
    assert walks.pcn_id == actors[Role.MANAGER].pcn_id
    assert walks.import_problems == [] and walks.cost_kind == "free"
    assert (
        walks.search_text
        == " riverside walking group testvale for health gentle led walks along the river then tea"
    )
    assert walks.last_verified_on == date(2026, 5, 1) and walks.verified_by_id is None
    assert walks.access_routes == ["self_referral", "link_worker_referral", "drop_in"]
    assert [(loc.postcode, loc.latitude) for loc in walks.locations] == [("ME14 1XX", 51.2721)]
    (schedule,) = walks.schedules
    assert (schedule.byday, schedule.opens_at, schedule.location_id) == (
        "TU,TH",
        time(18, 30),
        walks.locations[0].id,
    )
    assert {(term.vocabulary, term.term_id) for term in walks.taxonomy} == {
        ("esd-needs", "100"),
        ("esd-needs", "t-200"),
    }
    assert len(found["svc-5"].import_problems) == 3
    assert found["svc-5"].locations[0].postcode is None
    with database.session() as session:
        listed = session.scalars(select(TaxonomyMapping.term_id).order_by(TaxonomyMapping.term_id)).all()
        detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "directory_imported"))
        each = session.scalar(select(func.count()).where(AuditEvent.action == "service_imported"))
    assert listed == ["100", "t-200"]
    assert detail == "file=page.json; added=3; updated=0; unchanged=0; flagged=2; skipped=4; unmapped_terms=2"
    assert each == 3


def test_importing_again_updates_and_applies_the_mapping(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    before = services(database)[WALKS_ID]
    with database.session() as session:
        exercise = next(m for m in taxonomy.mappings(session, manager) if m.term_id == "100")
        taxonomy.set_mapping(session, manager, exercise.id, exercise.version, "physical_activity")
    result = import_feed(database, manager, PAGE)
    # Mapping the term gave the need already: the feed describes every service as it is.
    assert (result.added, result.updated, result.unchanged, result.unmapped_terms) == (0, 0, 3, 1)
    after = services(database)
    assert len(after) == 3
    walks = after[WALKS_ID]
    assert walks.id == before.id and walks.version_id > before.version_id
    assert [need.need_code for need in walks.needs] == ["physical_activity"]
    assert len(walks.locations) == 1 and len(walks.schedules) == 1  # replaced, not added to


def test_a_reimport_keeps_needs_set_by_hand_and_a_later_verification(
    database: Database, actors: dict[Role, Actor]
) -> None:
    import_feed(database, actors[Role.MANAGER], PAGE)
    with database.session() as session:
        walks = session.scalar(select(Service).where(Service.oruk_id == WALKS_ID))
        assert walks is not None
        walks.needs.append(ServiceNeed(need_code="loneliness"))
        walks.last_verified_on = date(2026, 9, 1)
        walks.verified_by_id = actors[Role.MANAGER].user_id
    import_feed(database, actors[Role.MANAGER], PAGE)
    walks = services(database)[WALKS_ID]
    assert [need.need_code for need in walks.needs] == ["loneliness"]
    assert walks.last_verified_on == date(2026, 9, 1) and walks.verified_by_id == actors[Role.MANAGER].user_id


def test_a_cancelled_import_writes_nothing(database: Database, actors: dict[Role, Actor]) -> None:
    feed = directory_import.read_feed(LIST)
    with pytest.raises(Cancelled), database.session() as session:
        directory_import.commit(session, actors[Role.MANAGER], feed, cancelled=lambda: True)
    assert services(database) == {}
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(TaxonomyMapping)) == 0


def test_progress_reaches_the_end(database: Database, actors: dict[Role, Actor]) -> None:
    seen: list[tuple[int, int]] = []
    feed = directory_import.read_feed(TABLES)
    with database.session() as session:
        directory_import.commit(session, actors[Role.ADMIN], feed, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2, 2)


def test_choosing_the_services_table_reads_its_folder_of_tables() -> None:
    """Someone given a folder of ORUK tables often picks services.csv itself, not the folder."""
    as_folder = directory_import.read_feed(TABLES)
    as_table = directory_import.read_feed(TABLES / "services.csv")
    assert [service.oruk_id for service in as_table.services] == [
        service.oruk_id for service in as_folder.services
    ]
    assert len(as_table.services) == 2


def test_a_service_of_another_pcn_is_not_touched(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        other = Pcn(ods_code="U99902", name="Other Valley PCN")
        session.add(other)
        session.flush()
        session.add(
            Service(
                pcn_id=other.id,
                oruk_id="list-1",
                organisation_name="Theirs",
                name="Their Cafe",
                cost_kind="free",
                status="active",
            )
        )
    feed = directory_import.read_feed(LIST)
    with database.session() as session:
        checked = directory_import.preview(session, actors[Role.MANAGER], feed)
    assert [item.oruk_id for item in checked.elsewhere] == ["list-1"]
    assert (
        "  Skipped: Service “Carers' Cafe” (id list-1) at list.json, $[0]: "
        "This service is in another PCN's directory: skipped."
    ) in directory_import.report(checked)
    import_feed(database, actors[Role.MANAGER], LIST)
    assert services(database)["list-1"].name == "Their Cafe"


def test_a_feed_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not valid JSON"):
        directory_import.read_feed(tmp_path / "feed.json")


def test_the_report_of_csv_tables_names_each_problems_service(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        checked = directory_import.preview(session, actors[Role.MANAGER], directory_import.read_feed(TABLES))
    lines = directory_import.report(checked)
    assert (
        "  Skipped: Service id svc-c at tables, services.csv line 7: The service has no name: skipped."
        in lines
    )
    assert (
        "  Flagged: Service “Men's Shed” (id svc-b) at tables, address.csv line 3: "
        "“NOT A CODE” is not a UK postcode: left out."
    ) in lines
    assert "  Note: tables, tables: Tables not used: notes.csv." in lines, "the folder's own notes name none"


def test_csv_tables_import_with_their_terms(database: Database, actors: dict[Role, Actor]) -> None:
    result = import_feed(database, actors[Role.ADMIN], TABLES)
    assert (result.added, result.flagged, result.skipped) == (2, 1, 3)
    larder = services(database)["svc-a"]
    assert [(t.vocabulary, t.term_id, t.term_name) for t in larder.taxonomy] == [
        ("esd-needs", "term-food", "Food poverty")
    ]
    with database.session() as session:
        kept = session.scalar(select(func.count()).select_from(ServiceTaxonomy))
    assert kept == 1
