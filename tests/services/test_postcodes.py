"""The postcode lookup on SQLite and PostgreSQL: importing ONSPD files (adding, updating, area
files one after another, all or nothing), finding a postcode or its district's middle, and each
postcode's area and deprivation rank."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.deprivation import IMD_2019, IMD_2025, AreaRank
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.directory import postcodes
from linkworker.services.directory.postcodes import (
    DISTRICT,
    POSTCODE,
    Located,
    LookupSize,
    PostcodeArea,
    PostcodeFileRefused,
    PostcodeImport,
    import_file,
    locate,
)
from linkworker.services.errors import Cancelled, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, PostcodePoint
from tests.interchange.postcode_files import (
    NSPL_HEADER,
    ONSPD_2026_HEADER,
    SAMPLE,
    SAMPLE_RANKED,
    row,
    write,
)


def points(database: Database) -> dict[str, tuple[float, float]]:
    with database.read_session() as session:
        return {
            code: (round(latitude, 6), round(longitude, 6))
            for code, latitude, longitude in session.execute(
                select(PostcodePoint.postcode, PostcodePoint.latitude, PostcodePoint.longitude)
            )
        }


def imported(database: Database, actor: Actor, path: Path, **options: object) -> PostcodeImport:
    with database.session() as session:
        return import_file(session, actor, path, **options)  # type: ignore[arg-type]


def test_an_import_stores_each_live_postcode_and_each_districts_middle(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    reports: list[tuple[int, int]] = []
    with database.read_session() as session:
        assert postcodes.lookup_size(session) == LookupSize(postcodes=0, districts=0)

    result = imported(
        database,
        actors[Role.MANAGER],
        write(tmp_path / "ONSPD.csv", SAMPLE),
        progress=lambda *p: reports.append(p),
    )

    assert result == PostcodeImport(
        file_name="ONSPD.csv",
        rows=6,
        imported=4,
        terminated=1,
        without_coordinates=1,
        unreadable=0,
        unreadable_lines=(),
        districts=2,
    )
    with database.read_session() as session:
        assert postcodes.lookup_size(session) == LookupSize(postcodes=4, districts=2)
    assert points(database) == {
        "ME7 1AA": (51.38, 0.54),
        "ME7 2BB": (51.37, 0.56),
        "ME14 1XX": (51.28, 0.52),
        "ME14 2YY": (51.29, 0.54),
        "ME7": (51.375, 0.55),
        "ME14": (51.285, 0.53),
    }
    total = reports[-1][1]
    assert reports[-1] == (total, total) and all(done <= total for done, _total in reports)
    with database.read_session() as session:
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "postcodes_imported")
        ).all()
    assert details == ["file=ONSPD.csv; rows=6; imported=4; districts=2"]


def test_a_postcode_is_found_however_it_is_typed_else_its_district_middle(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    imported(database, actors[Role.ADMIN], write(tmp_path / "ONSPD.csv", SAMPLE))

    with database.read_session() as session:
        assert locate(session, " me71aa ") == Located(51.38, 0.54, POSTCODE)
        assert locate(session, "ME14 2YY") == Located(51.29, 0.54, POSTCODE)
        new_here = locate(session, "ME7 9ZZ")
        assert new_here is not None and new_here.precision == DISTRICT
        assert (round(new_here.latitude, 6), round(new_here.longitude, 6)) == (51.375, 0.55)
        terminated = locate(session, "ME7 3DD")  # left out of the lookup: placed by its district
        assert terminated is not None and terminated.precision == DISTRICT
        assert locate(session, "TN1 1AA") is None  # neither it nor its district is known
        assert locate(session, "ZZ99 3VZ") is None  # no fixed abode
        assert locate(session, "not a postcode") is None
        assert locate(session, "") is None


def test_importing_again_updates_points_and_area_files_add_up(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    manager = actors[Role.MANAGER]
    imported(database, manager, write(tmp_path / "ONSPD_ME.csv", SAMPLE))
    moved = [row("ME7 1AA", "51.390000", "0.550000"), row("ME7 4EE", "51.400000", "0.560000")]
    imported(database, manager, write(tmp_path / "ONSPD_ME_update.csv", moved))
    tunbridge = [row("TN1 1AA", "51.130000", "0.260000"), row("TN1 2BB", "51.140000", "0.270000")]

    result = imported(database, manager, write(tmp_path / "NSPL_TN.csv", tunbridge, NSPL_HEADER))

    assert (result.imported, result.districts) == (2, 3)
    stored = points(database)
    assert stored["ME7 1AA"] == (51.39, 0.55)  # updated, not repeated
    assert stored["ME14 1XX"] == (51.28, 0.52)  # kept from the first file
    assert stored["ME7"] == (51.386667, 0.556667)  # the middle of the three ME7 postcodes now
    assert stored["TN1"] == (51.135, 0.265)
    assert len(stored) == 7 + 3


def test_a_cancelled_import_leaves_the_lookup_as_it_was(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(database, actors[Role.ADMIN], write(tmp_path / "first.csv", SAMPLE[:2]))
    before = points(database)
    monkeypatch.setattr(postcodes, "BATCH", 2)  # several batches, the first written before the stop
    batches: list[int] = []

    with pytest.raises(Cancelled, match="cancelled: the lookup is as it was before"):
        imported(
            database,
            actors[Role.ADMIN],
            write(tmp_path / "second.csv", [row("ME7 1AA", "52.0", "1.0"), *SAMPLE[1:]]),
            progress=lambda done, total: batches.append(done),
            cancelled=lambda: len(batches) >= 1,
        )

    assert len(batches) == 1
    assert points(database) == before


def test_districts_are_worked_out_for_points_written_another_way(database: Database) -> None:
    with database.session() as session:
        session.add_all(
            [
                PostcodePoint(postcode="CT1 1AA", latitude=51.28, longitude=1.08),
                PostcodePoint(postcode="CT1 2BB", latitude=51.26, longitude=1.06),
                PostcodePoint(postcode="CT10 1AA", latitude=51.36, longitude=1.43),
                PostcodePoint(postcode="CT9", latitude=0.0, longitude=0.0),  # a district with no points now
                PostcodePoint(postcode="AB10 1AA", latitude=57.14, longitude=-2.1),  # the first letter
                PostcodePoint(postcode="ZE1 0AA", latitude=60.15, longitude=-1.15),  # and the last
            ]
        )
        session.flush()
        slices: list[tuple[int, int]] = []
        assert postcodes.refresh_districts(session, progress=lambda *step: slices.append(step)) == 4

    assert slices == [(n, 26) for n in range(1, 27)]
    assert {code: point for code, point in points(database).items() if " " not in code} == {
        "AB10": (57.14, -2.1),
        "CT1": (51.27, 1.07),
        "CT10": (51.36, 1.43),
        "ZE1": (60.15, -1.15),
    }


@pytest.mark.parametrize(
    "content", [b"NHS number,Forename\n9990000018,Ada\n", b"PK\x03\x04zip"], ids=["not ONSPD", "zip"]
)
def test_a_file_that_is_not_a_postcode_directory_is_refused_and_nothing_written(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "chosen.csv"
    path.write_bytes(content)

    with pytest.raises(PostcodeFileRefused, match="chosen"):
        imported(database, actors[Role.MANAGER], path)

    assert points(database) == {}
    with database.read_session() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "postcodes_imported")) == 0


def test_a_file_damaged_part_way_is_refused_and_what_was_written_rolled_back(
    database: Database, actors: dict[Role, Actor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postcodes, "BATCH", 1)  # the first rows are written before the damage
    path = write(tmp_path / "damaged.csv", SAMPLE)
    with path.open("ab") as stream:
        stream.write(b'"ME7 3DD,' + b"ME7 3DD,51.3,0.5\r\n" * 10_000)  # a quote never closed

    with pytest.raises(PostcodeFileRefused, match=r"damaged\.csv cannot be read past line"):
        imported(database, actors[Role.MANAGER], path)

    assert points(database) == {}


def test_the_summary_says_what_was_left_out_and_where() -> None:
    result = PostcodeImport(
        file_name="ONSPD_NOV_2025_UK.csv",
        rows=2_700_000,
        imported=1_790_000,
        terminated=900_000,
        without_coordinates=9_978,
        unreadable=22,
        unreadable_lines=tuple(range(2, 22)),
        districts=3_000,
    )

    assert postcodes.summary(result) == [
        "ONSPD_NOV_2025_UK.csv: 2,700,000 postcodes read.",
        "Imported or updated: 1,790,000 live postcodes, in 3,000 districts.",
        "Left out as no longer in use (terminated): 900,000.",
        "Left out as they have no map position: 9,978.",
        "Rows that could not be read: 22 (lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
        "19, 20, 21 and more).",
    ]
    clean = PostcodeImport("a.csv", 1, 1, 0, 0, 0, (), 1)
    assert postcodes.summary(clean) == [
        "a.csv: 1 postcode read.",
        "Imported or updated: 1 live postcode, in 1 district.",
    ]


def test_link_workers_may_not_replace_the_lookup(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        imported(database, actors[Role.LINK_WORKER], write(tmp_path / "ONSPD.csv", SAMPLE))
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(PostcodePoint)) == 0


def areas(database: Database) -> dict[str, tuple[object, ...]]:
    with database.read_session() as session:
        return {
            code: (lsoa, rank, index, country)
            for code, lsoa, rank, index, country in session.execute(
                select(
                    PostcodePoint.postcode,
                    PostcodePoint.lsoa_code,
                    PostcodePoint.imd_rank,
                    PostcodePoint.imd_index,
                    PostcodePoint.country,
                )
            )
        }


def test_each_postcode_keeps_its_area_rank_and_country_and_a_district_none(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    result = imported(database, actors[Role.MANAGER], write(tmp_path / "ONSPD.csv", SAMPLE_RANKED))

    assert result.ranked == (("IMD2019", 4),)
    assert areas(database) == {
        "ME7 1AA": ("E01016001", 3284, "IMD2019", "E92000001"),
        "ME7 2BB": ("E01016002", 12000, "IMD2019", "E92000001"),
        "ME14 1XX": ("E01024001", 20000, "IMD2019", "E92000001"),
        "ME14 2YY": ("E01024002", 32000, "IMD2019", "E92000001"),
        "ME7": (None, None, None, None),
        "ME14": (None, None, None, None),
    }
    with database.read_session() as session:
        found = postcodes.areas_of(session, ["me71aa", "ME14 2YY", "ME7 9ZZ", "nonsense", "ZZ99 3VZ"])
        ranks = postcodes.lsoa_ranks(session, ["E01016001", "E01024002", "E01099999"])
        detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "postcodes_imported"))
    assert found == {
        "me71aa": PostcodeArea("E01016001", AreaRank(IMD_2019, 3284), "E92000001"),
        "ME14 2YY": PostcodeArea("E01024002", AreaRank(IMD_2019, 32000), "E92000001"),
    }
    assert (found["me71aa"].rank.decile, found["ME14 2YY"].rank.decile) == (1, 10)  # type: ignore[union-attr]
    assert ranks == {"E01016001": AreaRank(IMD_2019, 3284), "E01024002": AreaRank(IMD_2019, 32000)}
    assert detail == "file=ONSPD.csv; rows=6; imported=4; districts=2; ranked=IMD2019:4"
    assert postcodes.summary(result)[2] == (
        "With a deprivation rank: 4 postcodes (English Index of Multiple Deprivation 2019)."
    )


def test_a_later_file_replaces_a_postcodes_area_and_rank_with_its_own(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    """The 2026 edition ranks English postcodes by the 2025 index on the 2021 LSOAs; a postcode
    it lists keeps none of the 2019 figures, and one it does not list keeps them (area files)."""
    manager = actors[Role.MANAGER]
    imported(database, manager, write(tmp_path / "ONSPD_NOV_2024.csv", SAMPLE_RANKED))
    newer = [row("ME7 1AA", "51.38", "0.54", lsoa11="E01016001", lsoa21="E01034001", imd="3284", imd25="40")]

    imported(database, manager, write(tmp_path / "ONSPD_AUG_2026.csv", newer, ONSPD_2026_HEADER))

    stored = areas(database)
    assert stored["ME7 1AA"] == ("E01034001", 40, "IMD2025", "E92000001")
    assert stored["ME7 2BB"] == ("E01016002", 12000, "IMD2019", "E92000001")
    with database.read_session() as session:
        ranks = postcodes.lsoa_ranks(session, ["E01034001", "E01016002"])
    assert ranks == {"E01034001": AreaRank(IMD_2025, 40), "E01016002": AreaRank(IMD_2019, 12000)}


def test_a_stored_rank_the_domain_does_not_know_is_never_guessed_at(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    imported(database, actors[Role.MANAGER], write(tmp_path / "ONSPD.csv", SAMPLE_RANKED))
    with database.session() as session:
        point = session.get(PostcodePoint, "ME7 2BB")
        assert point is not None
        point.imd_index = "IMD2015"

    with database.read_session() as session:
        found = postcodes.areas_of(session, ["ME7 2BB"])
    assert found == {"ME7 2BB": PostcodeArea("E01016002", None, "E92000001")}
