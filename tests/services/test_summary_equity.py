"""The summary's tables of who is reached (issue 18) against an independent count.

The generated episodes of tests/services/test_summary.py are written as they are there; each
person is then given a postcode from a small lookup made here, whose areas are ranked so that
each one's quintile is known by construction (and two in Wales, which the English figures must
never place), each service a place and perhaps an evening or weekend session, and each practice
its registered patients by area (an older and a later extract too, which must not be used). The
expected figures are computed in plain Python from these records alone, then compared with the
service's figures, the PDF's text and the CSV's cells.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from linkworker.domain import measures
from linkworker.domain.casework import Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.disclosure import NHS_DIGITAL, shown
from linkworker.domain.gp_codes import taken_up_on
from linkworker.domain.roles import Role
from linkworker.domain.summary import FigureTable, Summary
from linkworker.interchange.summary_csv import write as write_csv
from linkworker.services.actor import Actor
from linkworker.services.summary.summary import build
from linkworker.store.database import Database
from linkworker.store.models import (
    Patient,
    PostcodePoint,
    Practice,
    PracticePopulation,
    Service,
    ServiceLocation,
    ServiceSchedule,
)
from tests.reports.test_summary_pdf import read, text
from tests.services.test_summary import LAST, MONTH, OUTCOMES, Case, counted, generate, write

ENGLAND_AREAS = 32_844  # LSOAs ranked in the English IMD 2019
HOME = (51.38, 0.52)  # where the made-up postcodes gather (Medway)


@dataclass(frozen=True)
class Place:
    postcode: str
    lsoa: str
    quintile: int | None  # by construction; None for an area in Wales
    latitude: float
    longitude: float


def rank_in(quintile: int) -> int:
    """A rank well inside the quintile: the 10th area of it."""
    return (quintile - 1) * ENGLAND_AREAS // 5 + 10


PLACES = [
    Place(
        f"ME{1 + n % 9} {1 + n % 7}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[n // 8 % 8]}",
        f"E0199{n % 10:04d}",
        1 + n % 10 // 2,
        HOME[0] + (n % 6) * 0.01,
        HOME[1] + (n // 6) * 0.012,
    )
    for n in range(30)
] + [Place("CF10 1AA", "W01000001", None, 51.48, -3.18), Place("CF10 1AB", "W01000001", None, 51.48, -3.18)]
LSOA_QUINTILE = {place.lsoa: place.quintile for place in PLACES}
# Every sixth person has no postcode, and every seventh one the lookup does not hold.
NOT_IN_LOOKUP = "ME99 9ZZ"
POPULATION = {("G99001", f"E0199{n:04d}"): 300 + 37 * n for n in range(10)} | {
    ("G99002", f"E0199{n:04d}"): 120 + 11 * n for n in range(0, 10, 2)
}
POPULATION[("G99001", "W01000001")] = 50
POPULATION[("G99002", "E0100000X")] = 400  # an area the lookup does not rank
SERVICE_PLACE = (51.40, 0.55)


def postcode_of(person_number: int) -> str | None:
    if person_number % 6 == 5:
        return None
    if person_number % 7 == 6:
        return NOT_IN_LOOKUP
    return PLACES[person_number % len(PLACES)].postcode


def quintile_of(typed: str | None) -> int | None:
    return next((place.quintile for place in PLACES if place.postcode == typed), None)


def point_of(typed: str | None) -> tuple[float, float] | None:
    return next(((place.latitude, place.longitude) for place in PLACES if place.postcode == typed), None)


def service_place(number: int) -> tuple[float, float] | None:
    """The k-th service made: every fifth has no place; the others lie further and further out."""
    return None if number % 5 == 4 else (SERVICE_PLACE[0] + number * 0.004, SERVICE_PLACE[1] - number * 0.003)


def out_of_hours(number: int) -> bool:
    return number % 3 == 0


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine on a sphere of 6,371.0088 km, written out here."""
    (la1, lo1), (la2, lo2) = ((math.radians(x), math.radians(y)) for x, y in (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def place_the_world(database: Database, cases: list[Case]) -> None:
    """Postcodes, the lookup, service places and sessions, and registered patients, as above."""
    people = list(dict.fromkeys(case.patient for case in cases))
    with database.session() as session:
        for place in PLACES:
            wales = place.quintile is None
            session.add(
                PostcodePoint(
                    postcode=place.postcode,
                    latitude=place.latitude,
                    longitude=place.longitude,
                    lsoa_code=place.lsoa,
                    imd_rank=600 if wales else rank_in(place.quintile or 1),
                    imd_index="WIMD2019" if wales else "IMD2019",
                    country="W92000004" if wales else "E92000001",
                )
            )
        patients = list(session.scalars(select(Patient).order_by(Patient.id)))
        for number, patient in zip(people, patients, strict=True):
            patient.postcode = postcode_of(number)
        for number, service in enumerate(session.scalars(select(Service).order_by(Service.id))):
            where = service_place(number)
            session.add(
                ServiceLocation(
                    service_id=service.id, latitude=where and where[0], longitude=where and where[1]
                )
            )
            day = "SA" if number % 2 else "TU"
            opens = time(18) if day == "TU" else time(10)
            session.add(
                ServiceSchedule(
                    service_id=service.id,
                    byday=day if out_of_hours(number) else "WE",
                    opens_at=opens if out_of_hours(number) else time(10),
                    closes_at=time(20) if out_of_hours(number) else time(12),
                )
            )
        for extract, scale in ((date(2026, 7, 1), 2), (date(2026, 10, 1), 1), (date(2026, 11, 1), 3)):
            for (practice, lsoa), patients_there in POPULATION.items():
                session.add(
                    PracticePopulation(
                        extract_date=extract,
                        practice_code=practice,
                        lsoa_code=lsoa,
                        patients=patients_there * scale,
                    )
                )


# ---- the expectation ----


@dataclass(frozen=True)
class Expected:
    referrals: Counter[int | None]
    registered: Counter[int | None]
    connections: dict[int | None, list[tuple[ConnectionStatus, float | None, bool]]]
    waits: dict[int | None, list[int]]
    ons4: dict[int | None, list[list[int]]]
    swemwbs: dict[int | None, list[float]]


def expected(cases: list[Case], practices: set[str]) -> Expected:
    people = list(dict.fromkeys(case.patient for case in cases))
    postcode = {number: postcode_of(number) for number in people}
    mine = [case for case in counted(cases) if case.practice in practices]
    referrals = Counter(quintile_of(postcode[c.patient]) for c in mine if MONTH <= c.received_on <= LAST)
    registered: Counter[int | None] = Counter()
    for (practice, lsoa), patients in POPULATION.items():
        if practice in practices:
            registered[LSOA_QUINTILE.get(lsoa)] += patients
    connections: dict[int | None, list[tuple[ConnectionStatus, float | None, bool]]] = {}
    number = 0
    for case in cases:  # services were made one per connection, in this order
        for made, status, _needs in case.connections:
            home, there = point_of(postcode[case.patient]), service_place(number)
            if case in mine and MONTH <= made <= LAST:
                distance = km(home, there) if home and there else None
                connections.setdefault(quintile_of(postcode[case.patient]), []).append(
                    (status, distance, out_of_hours(number))
                )
            number += 1
    waits: dict[int | None, list[int]] = {}
    for case in mine:
        day = taken_up_on(case.history())
        if day is not None and MONTH <= day <= LAST:
            waits.setdefault(quintile_of(postcode[case.patient]), []).append((day - case.received_on).days)
    ons4: dict[int | None, list[list[int]]] = {}
    swemwbs: dict[int | None, list[float]] = {}
    for case in mine:
        ended = case.ended
        if not (case.received_on <= LAST and (ended is None or ended[0] >= MONTH)):
            continue
        for instrument in Instrument:
            taken = sorted(
                (r for r in case.measures if r[1] is instrument and r[0] <= LAST), key=lambda r: r[0]
            )
            baselines = [r for r in taken if r[2] is MeasureStage.BASELINE]
            after = (
                [r for r in taken[taken.index(baselines[0]) + 1 :] if r[2] is MeasureStage.FOLLOW_UP]
                if baselines
                else []
            )
            if not after:
                continue
            before, latest = baselines[0][3], after[-1][3]
            where = quintile_of(postcode[case.patient])
            if instrument is Instrument.ONS4:
                ons4.setdefault(where, []).append([latest[i] - before[i] for i in range(4)])
            else:
                gain = measures.swemwbs_metric(sum(latest)) - measures.swemwbs_metric(sum(before))
                swemwbs.setdefault(where, []).append(gain)
    return Expected(referrals, registered, connections, waits, ons4, swemwbs)


QUINTILE_ROWS = [1, 2, 3, 4, 5, None]


def _table(summary: Summary, title: str) -> FigureTable:
    return next(table for table in summary.tables if table.title == title)


def _close(value: float | None, wanted: float | None) -> bool:
    return value == wanted or (value is not None and wanted is not None and abs(value - wanted) < 1e-6)


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def check(summary: Summary, wanted: Expected) -> None:
    """Every figure of the tables of who is reached against the expectation."""
    rule = NHS_DIGITAL
    by_quintile = _table(summary, "New referrals by deprivation quintile")
    rows = [*by_quintile.rows]
    assert [label for label, _cells in rows] == [
        "Quintile 1 (most deprived 20%)",
        "Quintile 2",
        "Quintile 3",
        "Quintile 4",
        "Quintile 5 (least deprived 20%)",
        "Area not known or outside England",
    ]
    for where, (_label, (referrals, registered, rate)) in zip(QUINTILE_ROWS, rows, strict=True):
        assert referrals.exact == wanted.referrals[where], where
        assert registered.exact == wanted.registered[where], where
        shown_count = shown(referrals, rule)
        if where is None or not shown_count.removesuffix("†").isdigit():
            assert rate.exact is None
        else:
            assert _close(rate.exact, int(shown_count.removesuffix("†")) * 1000 / wanted.registered[where])
    assert by_quintile.total is not None
    assert by_quintile.total[0].exact == sum(wanted.referrals.values())
    assert by_quintile.total[1].exact == sum(wanted.registered.values())
    core20 = _table(summary, "Core20: referrals from the most deprived 20% of areas")
    ((_label, (referral_share, population_share)),) = core20.rows
    assert _close(population_share.exact, wanted.registered[1] / sum(wanted.registered.values()))
    q1, total = shown(rows[0][1][0], rule), shown(by_quintile.total[0], rule)
    if q1.removesuffix("†").isdigit() and total.removesuffix("†").isdigit() and int(total.removesuffix("†")):
        assert _close(referral_share.exact, int(q1.removesuffix("†")) / int(total.removesuffix("†")))
    else:
        assert referral_share.exact is None

    connections = _table(summary, "Connections to services by deprivation quintile")
    everything = [made for where in QUINTILE_ROWS for made in wanted.connections.get(where, [])]
    assert connections.total is not None
    groups = [wanted.connections.get(where, []) for where in QUINTILE_ROWS] + [everything]
    rows_shown = [cells for _label, cells in connections.rows] + [connections.total]
    places: list[object] = [*QUINTILE_ROWS, "all"]
    for place, made, (number, distance, attended, evenings) in zip(places, groups, rows_shown, strict=True):
        assert number.exact == len(made), place
        assert _close(distance.exact, _median([d for _s, d, _o in made if d is not None])), place
        outcomes = [s for s, _d, _o in made if s in OUTCOMES]
        attended_share = (
            sum(s is ConnectionStatus.ATTENDED for s in outcomes) / len(outcomes) if outcomes else None
        )
        assert _close(attended.exact, attended_share), place
        assert _close(evenings.exact, sum(o for _s, _d, o in made) / len(made) if made else None), place
    bands = _table(summary, "Connections attended by distance to the service")
    limits = [
        ("Under 1 km", 0, 1),
        ("1 km to under 2 km", 1, 2),
        ("2 km to under 5 km", 2, 5),
        ("5 km or more", 5, 1e9),
    ]
    for (label, low, high), (shown_label, (number, _attended)) in zip(limits, bands.rows, strict=False):
        assert label == shown_label
        assert number.exact == sum(1 for _s, d, _o in everything if d is not None and low <= d < high)
    assert bands.rows[-1][1][0].exact == sum(1 for _s, d, _o in everything if d is None)

    waits = _table(summary, "First contacts by deprivation quintile")
    for where, (_label, (number, wait)) in zip(QUINTILE_ROWS, waits.rows, strict=True):
        days = wanted.waits.get(where, [])
        assert number.exact == len(days) and _close(wait.exact, _median(days)), where
    ons4 = _table(summary, "ONS4 change by deprivation quintile")
    for where, (_label, (people, *changes)) in zip(QUINTILE_ROWS, ons4.rows, strict=True):
        rows_of = wanted.ons4.get(where, [])
        assert people.exact == len(rows_of), where
        for index, change in enumerate(changes):
            assert _close(change.exact, _mean([row[index] for row in rows_of])), (where, index)
    swemwbs = _table(summary, "SWEMWBS change by deprivation quintile")
    for where, (_label, (people, change)) in zip(QUINTILE_ROWS, swemwbs.rows, strict=True):
        gains = wanted.swemwbs.get(where, [])
        assert people.exact == len(gains) and _close(change.exact, _mean(gains)), where


@pytest.mark.parametrize("seed", [3, 4])
def test_the_tables_of_who_is_reached_match_an_independent_count(
    database: Database, actors: dict[Role, Actor], seed: int, tmp_path: Path
) -> None:
    cases = generate(seed, ["G99001", "G99002"])
    write(database, actors[Role.LINK_WORKER], cases, seed)
    place_the_world(database, cases)
    with database.session() as session:
        whole = build(session, actors[Role.MANAGER], MONTH)
        ids = {code: pid for code, pid in session.execute(select(Practice.ods_code, Practice.id))}
        singles = {
            code: build(session, actors[Role.MANAGER], MONTH, practice_ids=[ids[code]]) for code in ids
        }
    wanted = expected(cases, {"G99001", "G99002"})
    # The records fill the tables: several quintiles, distances, people outside the lookup.
    assert len([where for where, number in wanted.referrals.items() if where and number]) >= 3
    assert wanted.referrals[None] and wanted.waits and wanted.swemwbs
    assert any(d is not None for made in wanted.connections.values() for _s, d, _o in made)
    check(whole, wanted)
    for code, single in singles.items():
        check(single, expected(cases, {code}))
    # The whole PCN's table by practice repeats each practice's own rates as its summary shows them.
    by_practice = _table(whole, "New referrals per 1,000 registered patients, by practice and quintile")
    for name, cells in by_practice.rows:
        single = next(s for s in singles.values() if s.practices == (name,))
        own = _table(single, "New referrals by deprivation quintile")
        assert [shown(c, NHS_DIGITAL) for c in cells[:5]] == [
            shown(r[1][2], NHS_DIGITAL) for r in own.rows[:5]
        ]
    # The index and its year are named, and the extract used is the one before the month's end.
    note = next(note for note in whole.notes if note.startswith("Deprivation:"))
    assert "English Index of Multiple Deprivation 2019" in note and "1 October 2026" in note

    # The PDF and the CSV show each figure as the rule shows it.
    words = text(read(whole, NHS_DIGITAL))
    write_csv(whole, NHS_DIGITAL, tmp_path / "summary.csv")
    with (tmp_path / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        csv_cells = {(s, label, column): value for s, label, column, value in csv.reader(stream)}
    assert "English Index of Multiple Deprivation 2019" in words
    for table in whole.tables[-8:]:
        assert table.title in words
        for label, figures in [*table.rows, *([("Total", table.total)] if table.total else [])]:
            values = [shown(figure, NHS_DIGITAL) for figure in figures]
            for column, value in zip(table.columns, values, strict=True):
                assert csv_cells[(table.title, label, column)] == value
            shown_text = " ".join([label, *values])
            too_few = "Too few people in this month" in words
            assert shown_text in words or too_few, shown_text
    assert any(key[1] == "Core20" for key in csv_cells)


def test_no_figure_without_deprivation_data_and_the_outputs_say_why(
    database: Database, actors: dict[Role, Actor]
) -> None:
    cases = generate(6, ["G99001", "G99002"])
    write(database, actors[Role.LINK_WORKER], cases, 6)
    with database.session() as session:
        made = build(session, actors[Role.MANAGER], MONTH)
    by_quintile = _table(made, "New referrals by deprivation quintile")
    assert all(cells[0].exact == 0 for _label, cells in by_quintile.rows[:5])
    assert by_quintile.rows[5][0] == "Area not known"
    assert any("no deprivation ranks are on this database" in note for note in made.notes)
    assert "Import the postcode directory" in text(read(made, NHS_DIGITAL))
