"""Reading ORUK JSON feeds (messy ones too) and writing the directory as valid HSDS 3.0 JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest

from linkworker.domain.directory import AccessRoute, CostKind, ServiceStatus
from linkworker.interchange.oruk import FeedError, OrukLocation, Severity, Term, export_id
from linkworker.interchange.oruk_json import (
    LIST_FORM,
    ONE_FORM,
    PAGE_FORM,
    parse_json,
    read_json,
    services_json,
    write_json,
)
from tests.interchange.oruk_services import LINE, SERVICES, WALKS, as_read
from tests.interchange.oruk_standard import page_errors, service_errors

FEEDS = Path(__file__).parent / "oruk"


def test_a_page_gives_its_good_services_and_every_problem_with_its_record() -> None:
    feed = read_json(FEEDS / "page.json")
    assert feed.form == PAGE_FORM
    assert feed.records == 7
    assert [service.oruk_id for service in feed.services] == [
        "1b0c3a52-4d0e-4c8e-9a51-0d6f3e1f2a01",
        "svc-5",
        "svc-6",
    ]
    skipped = {(problem.where, problem.record_id) for problem in feed.problems_of(Severity.SKIPPED)}
    assert skipped == {
        ("$.contents[1]", "svc-no-name"),
        ("$.contents[2]", None),
        ("$.contents[3]", "1b0c3a52-4d0e-4c8e-9a51-0d6f3e1f2a01"),
        ("$.contents[6]", None),
    }
    duplicate = next(p for p in feed.problems_of(Severity.SKIPPED) if p.where == "$.contents[3]")
    assert "$.contents[0]" in duplicate.message
    assert [problem.text() for problem in feed.problems_of(Severity.NOTE)] == [
        "Service “Money Advice Drop-in” (id svc-5) at page.json, $.contents[4]: "
        "Fields ORUK does not have, left out: favourite_colour."
    ]


def test_each_problem_names_its_service_by_name_else_id_and_keeps_its_place() -> None:
    services = [
        {
            "id": "walk-1",
            "name": "Chatham  Walking\nGroup",
            "status": "active",
            "organization": {"name": "Walks"},
            "cost_options": [{"option": "Free"}],
            "service_at_locations": [{"location": {"latitude": 151.2, "longitude": 0.5}}],
        },
        {"id": "walk-2", "status": "active"},
        {"name": "Nameless Id Club", "status": "active"},
        {"id": "walk-1", "name": "Chatham Walking Group again"},
        "not a service",
    ]
    feed = parse_json(json.dumps(services).encode(), "walks.json")
    assert [problem.text() for problem in feed.problems] == [
        "Service “Chatham Walking Group” (id walk-1) at walks.json, $[0].service_at_locations[0].location: "
        "The coordinates (151.2, 0.5) are out of range: left out.",
        "Service id walk-2 at walks.json, $[1]: The service has no name: skipped.",
        "Service “Nameless Id Club” at walks.json, $[2]: "
        "The service has no id, so it cannot be kept up to date: skipped.",
        "Service “Chatham Walking Group again” (id walk-1) at walks.json, $[3]: "
        "The same id as the service at $[0]: skipped (the first is kept).",
        "walks.json, $[4]: This is not a service object: skipped.",
    ]
    assert [(problem.service_name, problem.record_id) for problem in feed.problems] == [
        ("Chatham Walking Group", "walk-1"),
        (None, "walk-2"),
        ("Nameless Id Club", None),
        ("Chatham Walking Group again", "walk-1"),
        (None, None),
    ]
    assert feed.services[0].problems == (
        "$[0].service_at_locations[0].location: The coordinates (151.2, 0.5) are out of range: left out.",
    ), "the flags kept with the service need not name it"


def test_a_good_service_is_read_in_linkworker_terms() -> None:
    walks = read_json(FEEDS / "page.json").services[0]
    assert walks.name == "Riverside Walking Group"
    assert walks.organisation_name == "Testvale Walking for Health"
    assert walks.phone == "01632 960001"
    assert walks.cost_kind is CostKind.FREE and walks.cost_note is None
    assert walks.access_routes == tuple(AccessRoute)
    assert walks.languages == ("English", "pl")
    assert walks.accessibility == ("Step-free access",)
    assert walks.locations[0].postcode == "ME14 1XX"
    assert (walks.locations[0].latitude, walks.locations[0].longitude) == (51.2721, 0.5227)
    schedule = walks.schedules[0]
    assert (schedule.byday, schedule.opens_at, schedule.closes_at, schedule.location) == (
        "TU,TH",
        time(18, 30),
        time(20),
        0,
    )
    assert walks.terms == (
        Term("esd-needs", "100", "Physical activity", "t-100"),
        Term("esd-needs", "t-200", "Loneliness", "t-200"),
    )
    assert walks.problems == ()


def test_bad_values_are_left_out_and_the_service_flagged_with_where_they_were() -> None:
    _, advice, club = read_json(FEEDS / "page.json").services
    assert advice.status is ServiceStatus.ACTIVE
    assert advice.cost_kind is CostKind.LOW_COST and advice.cost_note == "£3 a session"
    assert advice.locations[0].latitude is None and advice.locations[0].postcode is None
    assert advice.problems == (
        "$.contents[4].service_at_locations[0].location: The coordinates (151.2, 0.5) are out of range: "
        "left out.",
        "$.contents[4].service_at_locations[0].location: “75001” is not a UK postcode: left out.",
        "The status “paused” is not one ORUK has: recorded as active.",
    )
    assert club.status is ServiceStatus.TEMPORARILY_CLOSED
    assert club.cost_kind is CostKind.PAID
    assert club.locations[0].latitude is None
    assert (club.min_age, club.max_age) == (None, None)
    assert club.schedules[0].byday == "TU" and club.schedules[0].opens_at is None
    assert any("swapped" in problem for problem in club.problems)
    assert len(club.problems) == 4


def test_a_list_and_a_single_service_are_feeds_too() -> None:
    listed = read_json(FEEDS / "list.json")
    assert listed.form == LIST_FORM
    assert [(s.oruk_id, s.status, s.cost_kind, s.cost_note) for s in listed.services] == [
        ("list-1", ServiceStatus.ACTIVE, CostKind.LOW_COST, "£2 a visit"),
        ("list-2", ServiceStatus.DEFUNCT, CostKind.FREE, None),
    ]
    one = parse_json(b'{"id": "x1", "name": "Choir", "status": "active"}', "one.json")
    assert one.form == ONE_FORM and one.services[0].name == "Choir"
    assert one.services[0].problems == (
        "No organisation is given.",
        "The cost is not given: recorded as free.",
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{not json", "not valid JSON (line 1"),
        (b'{"services": []}', "not a directory feed"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_feed_is_refused_whole(data: bytes, words: str) -> None:
    with pytest.raises(FeedError, match=words.replace("(", r"\(")):
        parse_json(data, "feed.json")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="no file"):
        read_json(tmp_path / "absent.json")


def test_long_values_are_cut_to_fit_and_flagged() -> None:
    data = json.dumps([{"id": "long", "name": "N" * 250, "status": "active", "organization": {"name": "O"}}])
    service = parse_json(data.encode(), "long.json").services[0]
    assert len(service.name) == 200
    assert "The name is longer than 200 characters: cut short." in service.problems
    names = {problem.service_name for problem in parse_json(data.encode(), "long.json").problems}
    assert names == {"N" * 200}, "a problem names the service as it is kept"


def test_the_export_is_a_list_of_valid_hsds_services(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    write_json(path, SERVICES)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, list) and len(document) == 3
    for service in document:
        assert service_errors(service) == []
    assert [term["taxonomy_term"]["taxonomy"] for term in document[0]["attributes"]] == [
        "linkworker-needs",
        "esd-needs",
    ]


def test_the_export_as_a_page_is_valid_and_ids_are_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_json(first, SERVICES, as_page=True)
    write_json(second, SERVICES, as_page=True)
    document = json.loads(first.read_text(encoding="utf-8"))
    assert page_errors(document) == []
    assert document["total_items"] == 3 and document["last_page"] is True
    assert first.read_bytes() == second.read_bytes()
    assert document["contents"][1]["id"] == LINE.oruk_id  # a UUID is kept as it is


def test_an_export_read_back_gives_the_same_services(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    write_json(path, SERVICES)
    feed = read_json(path)
    assert feed.problems == ()
    back = {service.name: service for service in feed.services}
    assert as_read(back[WALKS.name]) == replace(WALKS, oruk_id=export_id("service", WALKS.oruk_id))
    assert [as_read(back[s.name]).cost_kind for s in SERVICES] == [s.cost_kind for s in SERVICES]


def test_an_address_is_exported_only_whole() -> None:
    partial = replace(LINE, locations=(OrukLocation("Hall", None, "Aylesford", "ME20 7AA", None, None),))
    (document,) = services_json([partial], as_page=False)
    location = document["service_at_locations"][0]["location"]
    assert "addresses" not in location and location["name"] == "Hall"
