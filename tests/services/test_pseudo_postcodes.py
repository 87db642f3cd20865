"""NHS pseudo-postcodes on both databases: accepted where a postcode is asked, shown with their
meaning, never given a point (whatever the ONS file or a directory feed says), and measured from
by no one: matching treats the distance as unknown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from linkworker.domain.matching import MatchCriteria, Nearness
from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import parse_referral_csv
from linkworker.services.actor import Actor
from linkworker.services.cases import matching, referral_import
from linkworker.services.directory import directory_import, postcodes
from linkworker.store.database import Database
from linkworker.store.models import Patient, PostcodePoint, Service, ServiceLocation
from tests.interchange.files import csv_bytes, row
from tests.interchange.postcode_files import SAMPLE, write
from tests.interchange.postcode_files import row as ons_row
from tests.services.matching_builder import (
    HOME,
    HOME_POSTCODE,
    Spec,
    add_postcode_points,
    add_services,
    person_case,
)

TODAY = date(2026, 11, 23)
LONELINESS = frozenset({"loneliness"})


def lookup(database: Database) -> set[str]:
    with database.read_session() as session:
        return set(session.scalars(select(PostcodePoint.postcode)))


def test_an_ons_row_for_a_pseudo_postcode_gets_no_point_even_with_coordinates(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    rows = [*SAMPLE, ons_row("ZZ99 3VZ", "51.27", "0.52"), ons_row("ZZ99 1WZ", "55.95", "-3.19")]
    with database.session() as session:
        result = postcodes.import_file(session, actors[Role.MANAGER], write(tmp_path / "NHSPD.csv", rows))
    assert result.without_coordinates == 3  # the sample's own row without a point, and the two
    assert not {code for code in lookup(database) if code.startswith("ZZ99")}
    with database.read_session() as session:
        assert postcodes.locate(session, "ZZ99 3VZ") is None


def test_a_point_an_earlier_release_let_in_is_never_used_and_goes_at_the_next_import(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    add_postcode_points(database, ("ZZ99 3VZ", *HOME), ("ZZ99 4QZ", *HOME), ("ZZ99", *HOME))
    with database.read_session() as session:
        assert postcodes.locate(session, "zz99 3vz") is None
        assert postcodes.locate(session, "ZZ99 4QZ") is None
    with database.session() as session:
        postcodes.import_file(session, actors[Role.MANAGER], write(tmp_path / "ONSPD.csv", SAMPLE))
    assert not {code for code in lookup(database) if code.startswith("ZZ99")}


def test_the_meaning_of_a_postcode_is_read_from_the_shipped_list() -> None:
    assert postcodes.meaning("zz99 1wz") == "Scotland, postcode not given"
    assert postcodes.meaning("ZZ99 8QZ") == "Abroad: a country code not in Linkworker's list"
    assert postcodes.meaning("ME14 1XX") is None
    assert postcodes.meaning(None) is None


@pytest.mark.parametrize(
    ("written", "meaning"),
    [
        ("ZZ99 1WZ", "Scotland, postcode not given"),
        ("ZZ99 3VZ", "No fixed abode"),
        ("ZZ99 4QZ", "Abroad: Germany"),
    ],
)
def test_matching_treats_the_distance_from_a_pseudo_postcode_as_unknown(
    database: Database, actors: dict[Role, Actor], written: str, meaning: str
) -> None:
    """Not nearest, not 0 km: no point, even when the lookup holds one for the code or its "district"."""
    worker = actors[Role.LINK_WORKER]
    case = person_case(database, worker, postcode=written, town=None)
    add_postcode_points(database, (written, *HOME), ("ZZ99", *HOME))
    add_services(
        database,
        worker,
        Spec("Near walk", ("loneliness",), km=0.5, postcode="ME15 6AB"),
        Spec("Same code", ("loneliness",), km=None, town="Leeds", postcode=written),
    )
    with database.session() as session:
        started = matching.start(session, worker, case, TODAY)
        found = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS, max_distance_km=1))
    assert not started.located
    assert started.home_text.startswith(f"{written} ({meaning}): distances are unknown")
    assert {match.name for match in found} == {"Near walk", "Same code"}  # nothing is too far
    assert {match.nearness for match in found} == {Nearness.UNKNOWN}
    assert all(match.reason.split(" - ")[1] == "distance unknown" for match in found)


def test_a_venue_with_a_pseudo_postcode_is_not_placed_from_the_lookup(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    worker = actors[Role.LINK_WORKER]
    rows = [ons_row(HOME_POSTCODE, str(HOME[0]), str(HOME[1])), ons_row("ZZ99 3VZ", "51.2701", "0.5221")]
    with database.session() as session:
        postcodes.import_file(session, actors[Role.MANAGER], write(tmp_path / "NHSPD.csv", rows))
    case = person_case(database, worker)
    add_services(
        database, worker, Spec("Outreach", ("loneliness",), km=None, town="Leeds", postcode="ZZ99 3VZ")
    )
    with database.session() as session:
        [found] = matching.match(session, worker, case, MatchCriteria(needs=LONELINESS))
    assert found.nearness is Nearness.UNKNOWN


def oruk_feed(tmp_path: Path, written: str) -> Path:
    """An ORUK JSON feed of one service meeting at a venue with ``written`` and coordinates."""
    service = {
        "id": "5b4c7a0e-3c1a-4c53-9d0c-5d2a8e1b7f10",
        "name": "Street outreach",
        "description": "Tea and a chat for people sleeping rough.",
        "organization": {"id": "0f3f5c52-6a1e-4d7b-8d1e-1c9b2a6e4f21", "name": "Outreach Trust"},
        "service_at_locations": [
            {
                "id": "8d6f1a2b-4c3e-4f5a-9b8c-7d6e5f4a3b2c",
                "location": {
                    "id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
                    "name": "The bus station",
                    "latitude": 51.2701,
                    "longitude": 0.5221,
                    "addresses": [{"address_1": "Bus station", "city": "Maidstone", "postal_code": written}],
                },
            }
        ],
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    return path


def test_a_directory_feed_venue_with_a_pseudo_postcode_keeps_the_code_but_not_the_point(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    feed = directory_import.read_feed(oruk_feed(tmp_path, "zz99 3vz"))
    with database.session() as session:
        checked = directory_import.preview(session, manager, feed)
        directory_import.commit(session, manager, feed)
    with database.read_session() as session:
        venue = session.scalars(select(ServiceLocation).join(Service)).one()
        assert (venue.postcode, venue.latitude, venue.longitude) == ("ZZ99 3VZ", None, None)
    flagged = [
        problem.message for problem in directory_import.problem_list(checked) if "ZZ99" in problem.message
    ]
    assert flagged == [
        "ZZ99 3VZ is an NHS pseudo-postcode, not a place: the venue's coordinates are left out."
    ]


def test_a_referral_file_with_any_pseudo_postcode_is_accepted(
    database: Database, actors: dict[Role, Actor]
) -> None:
    written = ["ZZ99 1WZ", "ZZ99 2WZ", "ZZ99 3GZ", "zz99 6cz", "ZZ99 8QZ"]
    rows = [row(index, Postcode=code) for index, code in enumerate(written)]
    file = parse_referral_csv(csv_bytes(rows))
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        checked = referral_import.preview(session, worker, file, TODAY)
        assert checked.rejected == ()
        referral_import.commit(session, worker, file, TODAY)
    with database.read_session() as session:
        stored = set(session.scalars(select(Patient.postcode)))
    assert stored == {"ZZ99 1WZ", "ZZ99 2WZ", "ZZ99 3GZ", "ZZ99 6CZ", "ZZ99 8QZ"}
