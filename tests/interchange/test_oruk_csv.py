"""Reading folders of ORUK CSV tables (messy ones too) and writing the directory as one."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest

from linkworker.domain.directory import AccessRoute, CostKind, ServiceStatus
from linkworker.interchange.oruk import FeedError, OrukLocation, Severity, Term, export_id
from linkworker.interchange.oruk_csv import WRITTEN, read_csv_folder, write_csv_folder
from tests.interchange.oruk_services import SERVICES, WALKS, as_read
from tests.interchange.oruk_standard import datapackage_resources, table_errors

TABLES = Path(__file__).parent / "oruk" / "tables"


def test_the_tables_are_joined_into_services() -> None:
    feed = read_csv_folder(TABLES)
    assert feed.records == 5
    larder, shed = feed.services
    assert (larder.oruk_id, larder.name, larder.organisation_name) == (
        "svc-a",
        "Community Larder",
        "Testvale Larders",
    )
    assert larder.cost_kind is CostKind.LOW_COST and larder.cost_note == "£1.50 a visit"
    assert larder.access_routes == (AccessRoute.DROP_IN,)
    assert larder.locations[0].name == "St Mary's Hall" and larder.locations[0].postcode == "ME4 4AA"
    assert larder.schedules[0].byday == "SA" and larder.schedules[0].opens_at == time(10)
    assert larder.schedules[0].location == 0
    assert larder.terms == (Term("esd-needs", "term-food", "Food poverty"),)
    assert larder.problems == ()
    assert shed.description == "A workshop\nto make and mend"  # a value over two lines
    assert shed.status is ServiceStatus.TEMPORARILY_CLOSED and shed.min_age == 18
    assert shed.schedules[0].byday == "MO,WE" and shed.schedules[0].location is None


def test_each_problem_names_its_service_table_and_line() -> None:
    feed = read_csv_folder(TABLES)
    assert [problem.text() for problem in feed.problems_of(Severity.SKIPPED)] == [
        "Service “No Id Here” at tables, services.csv line 5: "
        "The service has no id, so it cannot be kept up to date: skipped.",
        "Service “Community Larder again” (id svc-a) at tables, services.csv line 6: "
        "The same id as the service at services.csv line 2: skipped (the first is kept).",
        "Service id svc-c at tables, services.csv line 7: The service has no name: skipped.",
    ]
    flagged = [problem.text() for problem in feed.problems_of(Severity.FLAGGED)]
    assert (
        "Service “Men's Shed” (id svc-b) at tables, address.csv line 3: "
        "“NOT A CODE” is not a UK postcode: left out."
    ) in flagged
    shed = feed.services[1]
    assert shed.problems == (
        "No organisation is given.",
        "locations.csv line 3: The coordinates (95, 0.5) are out of range: left out.",
        "address.csv line 3: “NOT A CODE” is not a UK postcode: left out.",
    )
    notes = [problem.text() for problem in feed.problems_of(Severity.NOTE)]
    assert "tables, tables: Tables not used: notes.csv." in notes
    assert "tables, services.csv: Columns ORUK does not have, left out: colour." in notes
    assert (
        "Service “Men's Shed” (id svc-b) at tables, service_at_locations.csv line 4: "
        "Location loc-gone is not in locations.csv."
    ) in notes
    assert (
        "Service “Community Larder” (id svc-a) at tables, attributes.csv line 3: "
        "Taxonomy term term-unknown is not in taxonomy_terms.csv."
    ) in notes
    assert any("cost_options.csv" in note for note in notes)


def test_a_table_chosen_stands_for_its_folder() -> None:
    feed = read_csv_folder(TABLES / "services.csv")
    assert feed.records == read_csv_folder(TABLES).records
    assert "tables, tables: services.csv is one of the folder's tables: the whole folder is read." in [
        problem.text() for problem in feed.problems
    ]


def test_a_row_of_a_service_without_a_name_names_it_by_its_id(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text(
        "id,name,status\r\nclub-1,Knit and Natter,active\r\nclub-2,,active\r\n", encoding="utf-8"
    )
    (tmp_path / "service_at_location.csv").write_text(
        "id,service_id,location_id\r\nl1,club-1,loc-1\r\nl2,club-2,loc-2\r\nl3,club-9,loc-3\r\n",
        encoding="utf-8",
    )
    (tmp_path / "locations.csv").write_text("id,name\r\nloc-1,Library\r\n", encoding="utf-8")
    (tmp_path / "address.csv").write_text(
        "id,location_id,address_1,city,postal_code\r\na1,loc-1,1 High St,Chatham,NOT A CODE\r\n",
        encoding="utf-8",
    )
    feed = read_csv_folder(tmp_path)
    service_of = {problem.where: (problem.service_name, problem.record_id) for problem in feed.problems}
    assert service_of["service_at_location.csv line 3"] == (None, "club-2")
    assert service_of["address.csv line 2"] == ("Knit and Natter", "club-1")
    assert service_of["services.csv line 2"] == ("Knit and Natter", "club-1")
    assert service_of["services.csv line 3"] == (None, "club-2")
    assert f"{tmp_path.name}, service_at_location.csv line 4: Location loc-3 is not in locations.csv." in [
        problem.text() for problem in feed.problems
    ], "a row of a service that is not in services.csv names none"


def test_a_folder_without_services_is_refused(tmp_path: Path) -> None:
    (tmp_path / "locations.csv").write_text("id,name\r\n")
    with pytest.raises(FeedError, match=r"no services\.csv"):
        read_csv_folder(tmp_path)
    with pytest.raises(FeedError, match=r"no services\.csv"):
        read_csv_folder(tmp_path / "locations.csv")
    (tmp_path / "directory.csv").write_text("id,name\r\n")
    with pytest.raises(FeedError, match="is a file, and not one of ORUK's tables"):
        read_csv_folder(tmp_path / "directory.csv")
    with pytest.raises(FeedError, match="no folder"):
        read_csv_folder(tmp_path / "absent")


def test_an_unclosed_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text('id,name,status\r\na,"Choir,active\r\n', encoding="utf-8")
    with pytest.raises(FeedError, match=r"services\.csv line 2"):
        read_csv_folder(tmp_path)


def test_windows_1252_tables_are_read(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_bytes(
        "id,name,status,fees_description\r\nw1,Café,active,£2\r\n".encode("cp1252")
    )
    (service,) = read_csv_folder(tmp_path).services
    assert service.name == "Café" and service.cost_note == "£2"


def test_the_export_follows_the_data_package(tmp_path: Path) -> None:
    written = write_csv_folder(tmp_path / "out", SERVICES)
    assert {path.name for path in written} == set(WRITTEN) == set(datapackage_resources())
    assert table_errors(tmp_path / "out") == []
    with (tmp_path / "out" / "taxonomy_terms.csv").open(encoding="utf-8", newline="") as stream:
        terms = {(row["taxonomy"], row["term"]) for row in csv.DictReader(stream)}
    assert terms == {("linkworker-needs", "physical_activity"), ("esd-needs", "100")}, "code in term"


def test_a_table_check_finds_what_breaks_the_package(tmp_path: Path) -> None:
    """The check the export passes is not one that passes anything."""
    write_csv_folder(tmp_path, SERVICES)
    services = tmp_path / "services.csv"
    text = services.read_text(encoding="utf-8").replace("temporarily closed", "sometimes")
    services.write_text(text, encoding="utf-8")
    (tmp_path / "phones.csv").unlink()
    errors = table_errors(tmp_path)
    assert "phones.csv: missing" in errors
    assert any("'sometimes' is not one of" in error for error in errors)


def test_an_exported_folder_read_back_gives_the_same_services(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, SERVICES)
    feed = read_csv_folder(tmp_path)
    assert [problem for problem in feed.problems if problem.severity is not Severity.NOTE] == []
    back = {service.name: as_read(service) for service in feed.services}
    assert back[WALKS.name].oruk_id == export_id("service", WALKS.oruk_id)
    assert back[WALKS.name].locations == WALKS.locations
    assert back[WALKS.name].schedules == WALKS.schedules
    assert back[WALKS.name].terms == WALKS.terms
    assert back[WALKS.name].accessibility == WALKS.accessibility
    assert back[WALKS.name].languages == (), "the data package has no column for a language's name"
    assert "languages" not in (back[WALKS.name].carried or ()), "so an import leaves them as they were"
    assert [(back[s.name].status, back[s.name].cost_kind, back[s.name].cost_note) for s in SERVICES] == [
        (s.status, s.cost_kind, s.cost_note) for s in SERVICES
    ]
    assert back[WALKS.name].verified_on == WALKS.verified_on
    assert back[WALKS.name].access_routes == (), "nor for its application process (access routes)"
    assert "access_routes" not in (back[WALKS.name].carried or ())


def test_writing_twice_gives_the_same_files(tmp_path: Path) -> None:
    write_csv_folder(tmp_path / "a", SERVICES)
    write_csv_folder(tmp_path / "b", SERVICES)
    for name in WRITTEN:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# Cells a spreadsheet would run (OWASP CSV injection)

FORMULAS = replace(
    WALKS,
    name='=HYPERLINK("http://example.org","Walks")',
    organisation_name="+Testvale Walkers",
    description="-2+3 led walks",
    cost_note="@SUM(1) a session",
    waiting_time="\t=1+1",
    accessibility=("\r=1+1", "Hearing loop"),
    phone="+44 1632 960123",
    locations=(OrukLocation("=Pavilion", "1 Mill Lane", "Maidstone", "ME14 1XX", 51.2721, -0.5227),),
    schedules=(),
)


def test_text_a_spreadsheet_would_run_is_written_inert_and_read_back_as_it_was(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, [FORMULAS])

    for name in WRITTEN:
        with (tmp_path / name).open(encoding="utf-8", newline="") as stream:
            for line in csv.reader(stream):
                assert all(not cell or cell[0] not in "=+@\t\r" for cell in line), (name, line)
                assert all(not cell.startswith("-") or _number(cell) for cell in line), (name, line)
    with (tmp_path / "services.csv").open(encoding="utf-8", newline="") as stream:
        [service] = csv.DictReader(stream)
    assert (service["name"], service["description"], service["fees"]) == (
        "'" + FORMULAS.name, "'-2+3 led walks", "'@SUM(1) a session",
    )  # fmt: skip
    with (tmp_path / "locations.csv").open(encoding="utf-8", newline="") as stream:
        [location] = csv.DictReader(stream)
    assert location["longitude"] == "-0.5227", "a number the app wrote stays a number"
    [back] = read_csv_folder(tmp_path).services
    assert (back.name, back.organisation_name, back.description, back.cost_note, back.phone) == (
        FORMULAS.name, FORMULAS.organisation_name, FORMULAS.description, FORMULAS.cost_note, FORMULAS.phone,
    )  # fmt: skip
    assert back.locations[0].name == "=Pavilion"
    assert back.locations[0].longitude == -0.5227


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
