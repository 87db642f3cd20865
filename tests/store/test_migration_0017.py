"""Upgrading a database with a postcode lookup in it to 0017: every postcode keeps its point and
has no area, rank or country yet (nothing is made up), a new import can give it them, and
practice populations can be stored once per extract; going back drops both and keeps the
points."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from linkworker.store import migrations
from linkworker.store.database import Database
from tests.helpers.databases import BOTH_DATABASES, database_at

KEPT = "SELECT postcode, latitude, longitude FROM postcode_point ORDER BY postcode"
POINTS = [("ME7 1AA", 51.38, 0.54), ("ME14 1XX", 51.28, 0.52), ("ME7", 51.38, 0.54)]
POPULATION = (
    "INSERT INTO practice_population (extract_date, practice_code, lsoa_code, patients) "
    "VALUES (:extract, 'G99001', 'E01024000', :patients)"
)


@pytest.fixture(params=BOTH_DATABASES)
def database_at_0016(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with database_at(request, tmp_path, "0016", _insert_points) as database:
        yield database


def _insert_points(connection: Connection) -> None:
    connection.execute(
        text("INSERT INTO postcode_point (postcode, latitude, longitude) VALUES (:postcode, :lat, :long)"),
        [{"postcode": code, "lat": lat, "long": long} for code, lat, long in POINTS],
    )


def _points(database: Database) -> list[tuple[object, ...]]:
    with database.engine.begin() as connection:
        return [tuple(row) for row in connection.execute(text(KEPT))]


def test_upgrading_from_0016_keeps_each_point_with_no_area_rank_or_country(
    database_at_0016: Database,
) -> None:
    before = _points(database_at_0016)
    result = migrations.upgrade_to_head(database_at_0016)

    assert result is not None and result.from_revision == "0016"
    assert _points(database_at_0016) == before
    with database_at_0016.engine.begin() as connection:
        assert connection.execute(
            text("SELECT lsoa_code, imd_rank, imd_index, country FROM postcode_point")
        ).all() == [(None, None, None, None)] * len(POINTS)
        connection.execute(
            text(
                "UPDATE postcode_point SET lsoa_code = 'E01024000', imd_rank = 3284, "
                "imd_index = 'IMD2019', country = 'E92000001' WHERE postcode = 'ME7 1AA'"
            )
        )
        assert connection.execute(
            text(
                "SELECT lsoa_code, imd_rank, imd_index, country FROM postcode_point "
                "WHERE postcode = 'ME7 1AA'"
            )
        ).one() == ("E01024000", 3284, "IMD2019", "E92000001")
        connection.execute(text(POPULATION), {"extract": date(2026, 10, 1), "patients": 812})
        connection.execute(text(POPULATION), {"extract": date(2026, 11, 1), "patients": 815})
        assert connection.execute(text("SELECT count(*) FROM practice_population")).scalar() == 2


def test_one_extract_holds_one_count_for_a_practice_and_area(database_at_0016: Database) -> None:
    migrations.upgrade_to_head(database_at_0016)
    with database_at_0016.engine.begin() as connection:
        connection.execute(text(POPULATION), {"extract": date(2026, 10, 1), "patients": 812})
    for patients in (9, -1):  # the same extract again, and a negative count
        extract = date(2026, 10, 1) if patients > 0 else date(2026, 11, 1)
        with pytest.raises(IntegrityError), database_at_0016.engine.begin() as connection:
            connection.execute(text(POPULATION), {"extract": extract, "patients": patients})


def test_going_back_to_0016_drops_the_new_columns_and_table_and_keeps_the_points(
    database_at_0016: Database,
) -> None:
    before = _points(database_at_0016)
    migrations.upgrade_to_head(database_at_0016)
    with database_at_0016.engine.begin() as connection:
        connection.execute(text("UPDATE postcode_point SET imd_rank = 10, country = 'E92000001'"))
        connection.execute(text(POPULATION), {"extract": date(2026, 10, 1), "patients": 812})
        command.downgrade(migrations.alembic_config(connection), "0016")
    inspector = inspect(database_at_0016.engine)
    columns = {column["name"] for column in inspector.get_columns("postcode_point")}
    assert not {"lsoa_code", "imd_rank", "imd_index", "country"} & columns
    assert "practice_population" not in inspector.get_table_names()
    assert _points(database_at_0016) == before
