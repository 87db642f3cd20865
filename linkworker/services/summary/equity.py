"""Who is reached (issue 18): the monthly summary's deprivation, distance and fairness tables.

Nothing about a person is stored for these: each person's area, its rank and so its quintile are
looked up from their postcode when the figures are made (services.postcodes), and the practices'
registered patients by area come from NHS Digital's extract imported on or before the month's
end (chosen as services.practice_populations.registered chooses it, for many groups of
practices at once). One index only: the PCN's nation's (England's unless most
of its registered patients live elsewhere), the newest edition the lookup holds for most of
them; a person whose area is ranked in another index, or not at all, is counted as "area not
known", never placed by another nation's ranks.

The tables hold exact counts, like the rest of the summary; their rates and Core20 share are
worked out from the counts as shown, after disclosure control (domain.equity.derived).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from linkworker.domain import equity, geo, postcode
from linkworker.domain.connections import OUTCOMES, ROUTES
from linkworker.domain.deprivation import QUINTILES, AreaRank, DeprivationIndex, quintile
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.equity import (
    ATTENDED,
    CONNECTIONS,
    CONNECTIONS_MADE,
    DISTANCE_BANDS,
    DISTANCE_NOT_KNOWN,
    EVENINGS_OR_WEEKENDS,
    FIRST_CONTACTS,
    MEDIAN_DISTANCE,
    MEDIAN_WAIT,
    ONS4_PEOPLE,
    PEOPLE,
    PER_THOUSAND,
    QUINTILE_LABELS,
    REFERRALS,
    REGISTERED,
    SWEMWBS_PEOPLE,
)
from linkworker.domain.errors import ValidationError
from linkworker.domain.measures import Ons4Change, Ons4Question, SwemwbsChange
from linkworker.domain.schedule import Opening, TimeSlot, parse_byday
from linkworker.domain.summary import Figure, FigureTable, Kind, count, mean, median, share
from linkworker.interchange.practice_population_csv import PopulationRow
from linkworker.services.directory import postcodes
from linkworker.store.models import (
    Connection,
    Patient,
    PostcodePoint,
    PracticePopulation,
    Referral,
    ServiceLocation,
    ServiceSchedule,
)

Quintile = int | None  # None: the area is not known in the index
K = TypeVar("K")
T = TypeVar("T")
PRACTICE_COLUMNS = ("Q1 (most deprived)", "Q2", "Q3", "Q4", "Q5 (least deprived)", equity.ALL_AREAS)
ONS4_COLUMNS = (
    "Mean change: life satisfaction",
    "Mean change: worthwhile",
    "Mean change: happiness",
    "Mean change: anxiety (a fall is better)",
)
_OUT_OF_HOURS = frozenset({TimeSlot.EVENING, TimeSlot.WEEKEND})


@dataclass(frozen=True)
class Areas:
    """The month's deprivation look-ups for some practices: the index, the population extract,
    each practice's registered patients by quintile, and each postcode's quintile."""

    index: DeprivationIndex | None
    extract: date | None
    patients: dict[str, Counter[Quintile]] = field(default_factory=dict)  # by practice ODS code
    quintiles: dict[str, Quintile] = field(default_factory=dict)  # by postcode as stored

    def quintile_of(self, typed: str | None) -> Quintile:
        return self.quintiles.get(typed) if typed else None

    def registered(self, practice_codes: Iterable[str]) -> Counter[Quintile]:
        total: Counter[Quintile] = Counter()
        for code in practice_codes:
            total.update(self.patients.get(code.upper(), Counter()))
        return total

    def note(self) -> str:
        extract = f"{self.extract.day} {self.extract:%B %Y}" if self.extract else None
        return equity.index_note(self.index, extract)


def areas(session: Session, practice_codes: Sequence[str], last: date, people: Iterable[str | None]) -> Areas:
    """The look-ups for the practices' figures of a month ending ``last``, and for ``people``'s
    postcodes (any spacing; None for a person without one)."""
    return areas_of_groups(session, {0: (practice_codes, people)}, last)[0]


def areas_of_groups(
    session: Session, groups: Mapping[K, tuple[Sequence[str], Iterable[str | None]]], last: date
) -> dict[K, Areas]:
    """``areas`` for several groups of practices at once (the ICB's PCNs), each with its own
    extract, index and people, in a few queries for them all."""
    wanted = {
        key: (practices, {code for code in people if code}) for key, (practices, people) in groups.items()
    }
    rows_of = _populations(session, {key: practices for key, (practices, _people) in wanted.items()}, last)
    ranks = postcodes.lsoa_ranks(
        session, {row.lsoa_code for _newest, rows in rows_of.values() for row in rows}
    )
    places = postcodes.areas_of(session, {code for _practices, people in wanted.values() for code in people})
    found: dict[K, Areas] = {}
    for key, (_practices, people) in wanted.items():
        newest, rows = rows_of[key]
        ranked = [row for row in rows if row.lsoa_code in ranks]
        theirs = {code: places[code] for code in people if code in places}
        if ranked:
            index = choose_index([ranks[row.lsoa_code] for row in ranked], [row.patients for row in ranked])
        else:
            index = choose_index([place.rank for place in theirs.values() if place.rank is not None])
        patients: dict[str, Counter[Quintile]] = defaultdict(Counter)
        of_area = {lsoa: _quintile(ranks.get(lsoa), index) for lsoa in {row.lsoa_code for row in rows}}
        for row in rows:
            patients[row.practice_code][of_area[row.lsoa_code]] += row.patients
        quintiles = {code: _quintile(place.rank, index) for code, place in theirs.items()}
        found[key] = Areas(index, newest, dict(patients), quintiles)
    return found


def _populations(
    session: Session, groups: Mapping[K, Sequence[str]], last: date
) -> dict[K, tuple[date | None, list[PopulationRow]]]:
    """Each group's registered patients by practice and LSOA from the newest extract on or
    before ``last`` holding any of its practices (as ``practice_populations.registered``)."""
    codes = sorted({code.upper() for practices in groups.values() for code in practices})
    newest_of: dict[str, date] = {}
    for chunk in _chunks(codes):
        newest_of.update(
            session.execute(
                select(PracticePopulation.practice_code, func.max(PracticePopulation.extract_date))
                .where(PracticePopulation.practice_code.in_(chunk), PracticePopulation.extract_date <= last)
                .group_by(PracticePopulation.practice_code)
            ).all()
        )
    newest = {
        key: max((newest_of[code.upper()] for code in practices if code.upper() in newest_of), default=None)
        for key, practices in groups.items()
    }
    by_date: dict[date, set[str]] = defaultdict(set)
    for key, practices in groups.items():
        when = newest[key]
        if when is not None:
            by_date[when].update(code.upper() for code in practices)
    rows: dict[tuple[date, str], list[PopulationRow]] = defaultdict(list)
    for extract, held in by_date.items():
        for chunk in _chunks(sorted(held)):
            for practice, lsoa, patients in session.execute(
                select(
                    PracticePopulation.practice_code,
                    PracticePopulation.lsoa_code,
                    PracticePopulation.patients,
                )
                .where(
                    PracticePopulation.extract_date == extract, PracticePopulation.practice_code.in_(chunk)
                )
                .order_by(PracticePopulation.practice_code, PracticePopulation.lsoa_code)
            ):
                rows[(extract, practice)].append(PopulationRow(practice, lsoa, patients, 0))
    return {
        key: (when, [row for code in practices for row in rows.get((when, code.upper()), [])] if when else [])
        for key, practices in groups.items()
        for when in (newest[key],)
    }


def choose_index(ranks: Sequence[AreaRank], weights: Sequence[int] | None = None) -> DeprivationIndex | None:
    """The one index the figures use: England's unless most of the areas (weighted by patients)
    are in another nation; within the nation, the index holding most of them (the newer on a tie)."""
    if not ranks:
        return None
    weighed = weights if weights is not None else [1] * len(ranks)
    nations: Counter[str] = Counter()
    indices: Counter[DeprivationIndex] = Counter()
    for area, weight in zip(ranks, weighed, strict=True):
        nations[area.index.nation.value] += weight
        indices[area.index] += weight
    nation = max(nations, key=lambda code: (nations[code], code == "E92000001"))
    return max(
        (index for index in indices if index.nation.value == nation),
        key=lambda index: (indices[index], index.year),
    )


def _quintile(rank: AreaRank | None, index: DeprivationIndex | None) -> Quintile:
    if rank is None or index is None or rank.index != index:
        return None
    return quintile(rank.rank, index)


def _rows(
    values: dict[Quintile, tuple[Figure, ...]], index: DeprivationIndex | None
) -> tuple[tuple[str, tuple[Figure, ...]], ...]:
    """The quintile rows in order, then the row of areas not known."""
    return (
        *((label, values[number]) for number, label in enumerate(QUINTILE_LABELS, 1)),
        (equity.not_known_label(index), values[None]),
    )


_QUINTILES: tuple[Quintile, ...] = (*range(1, QUINTILES + 1), None)


def referral_tables(
    areas_now: Areas, practice_codes: Sequence[str], referred: Iterable[Quintile], *, whole: bool
) -> tuple[FigureTable, ...]:
    """New referrals by quintile with the registered patients (rates left to domain.equity.derived),
    the table by practice for the whole PCN (filled then too), and Core20's shares."""
    counted = Counter(referred)
    patients = areas_now.registered(practice_codes)

    def cells(number: Quintile) -> tuple[Figure, ...]:
        rate = Figure(PER_THOUSAND, Kind.MEAN, None, 0 if number is None else 1)
        return count(REFERRALS, counted[number]), count(REGISTERED, patients[number]), rate

    by_quintile = FigureTable(
        equity.REFERRALS_BY_QUINTILE,
        (REFERRALS, REGISTERED, PER_THOUSAND),
        _rows({number: cells(number) for number in _QUINTILES}, areas_now.index),
        (
            count(REFERRALS, sum(counted.values()), "referrals"),
            count(REGISTERED, sum(patients.values())),
            Figure(PER_THOUSAND, Kind.MEAN, None, 1),
        ),
        parts_add_up=True,
    )
    core20 = FigureTable(
        equity.CORE20,
        (equity.SHARE_OF_REFERRALS, equity.SHARE_OF_REGISTERED),
        (
            (
                equity.CORE20_ROW,
                (
                    Figure(equity.SHARE_OF_REFERRALS, Kind.SHARE, None, 0),
                    equity.population_share(equity.SHARE_OF_REGISTERED, patients[1], sum(patients.values())),
                ),
            ),
        ),
    )
    tables = [by_quintile, core20]
    if whole:
        tables.insert(1, FigureTable(equity.PRACTICE_RATES, PRACTICE_COLUMNS, ()))
    return tuple(tables)


@dataclass(frozen=True)
class Made:
    """One connection made in the month, with what its tables need."""

    quintile: Quintile
    status: ConnectionStatus
    km: float | None
    out_of_hours: bool


def connections_made(
    session: Session, scope: ColumnElement[bool], first: date, last: date
) -> list[tuple[str | None, ConnectionStatus, float | None, bool]]:
    """The connections made in the month (a route, as the summary counts them): each person's
    postcode, its status, the straight-line distance from their postcode to the service's
    nearest place (None when either is not known) and whether the service runs evenings or
    weekends."""
    rows = list(
        session.execute(
            select(Connection.status, Connection.service_id, Patient.postcode)
            .join(Referral, Referral.id == Connection.referral_id)
            .join(Patient, Patient.id == Referral.patient_id)
            .where(
                scope,
                Connection.route.in_([route.value for route in ROUTES]),
                Connection.made_on >= first,
                Connection.made_on <= last,
            )
        )
    )
    services = sorted({service_id for _status, service_id, _postcode in rows})
    places: dict[int, list[tuple[float, float]]] = defaultdict(list)
    out_of_hours: set[int] = set()
    for chunk in _chunks(services):
        for service_id, latitude, longitude in session.execute(
            select(ServiceLocation.service_id, ServiceLocation.latitude, ServiceLocation.longitude).where(
                ServiceLocation.service_id.in_(chunk),
                ServiceLocation.latitude.is_not(None),
                ServiceLocation.longitude.is_not(None),
            )
        ):
            if latitude is not None and longitude is not None:
                places[service_id].append((latitude, longitude))
        for service_id, byday, opens, closes in session.execute(
            select(
                ServiceSchedule.service_id,
                ServiceSchedule.byday,
                ServiceSchedule.opens_at,
                ServiceSchedule.closes_at,
            ).where(ServiceSchedule.service_id.in_(chunk))
        ):
            if Opening(parse_byday(byday), opens, closes).slots & _OUT_OF_HOURS:
                out_of_hours.add(service_id)
    homes = points(session, [typed for _status, _service, typed in rows])
    made = []
    for status, service_id, typed in rows:
        home = homes.get(typed) if typed else None
        km = (
            min(geo.distance_km(*home, *place) for place in places[service_id])
            if home is not None and places[service_id]
            else None
        )
        made.append((typed, ConnectionStatus(status), km, service_id in out_of_hours))
    return made


def points(session: Session, typed: Iterable[str | None]) -> dict[str, tuple[float, float]]:
    """Where each postcode (as stored) is, from the lookup's own point for it (a district's middle
    is too rough for a distance); one the lookup lacks is left out."""
    canonical: dict[str, list[str]] = defaultdict(list)
    for given in {code for code in typed if code}:
        try:
            canonical[postcode.parse(given)].append(given)
        except ValidationError:
            continue
    found: dict[str, tuple[float, float]] = {}
    for chunk in _chunks(sorted(canonical)):
        for code, latitude, longitude in session.execute(
            select(PostcodePoint.postcode, PostcodePoint.latitude, PostcodePoint.longitude).where(
                PostcodePoint.postcode.in_(chunk)
            )
        ):
            found.update(dict.fromkeys(canonical[code], (latitude, longitude)))
    return found


def connection_tables(
    made: Sequence[Made], index: DeprivationIndex | None
) -> tuple[FigureTable, FigureTable]:
    """Connections by quintile (median distance, share attended, share to services open evenings
    or weekends) and by distance band (share attended)."""

    def attended(group: Sequence[Made]) -> Figure:
        outcomes = [one for one in group if one.status in OUTCOMES]
        return share(
            ATTENDED, sum(1 for one in outcomes if one.status is ConnectionStatus.ATTENDED), len(outcomes)
        )

    def by_quintile(group: Sequence[Made]) -> tuple[Figure, ...]:
        distances = [one.km for one in group if one.km is not None]
        return (
            count(CONNECTIONS, len(group)),
            Figure(MEDIAN_DISTANCE, Kind.MEDIAN, median(distances), len(distances)),
            attended(group),
            share(EVENINGS_OR_WEEKENDS, sum(1 for one in group if one.out_of_hours), len(group)),
        )

    def total(cells: tuple[Figure, ...]) -> tuple[Figure, ...]:
        return (replace(cells[0], quantity=CONNECTIONS_MADE), *cells[1:])

    quintiles = FigureTable(
        equity.CONNECTIONS_BY_QUINTILE,
        (CONNECTIONS, MEDIAN_DISTANCE, ATTENDED, EVENINGS_OR_WEEKENDS),
        _rows(
            {number: by_quintile([one for one in made if one.quintile == number]) for number in _QUINTILES},
            index,
        ),
        total(by_quintile(made)),
        parts_add_up=True,
    )
    bands = [*DISTANCE_BANDS, DISTANCE_NOT_KNOWN]
    in_band = {band: [one for one in made if equity.distance_band(one.km) == band] for band in bands}
    distances = FigureTable(
        equity.ATTENDED_BY_DISTANCE,
        (CONNECTIONS, ATTENDED),
        tuple((band, (count(CONNECTIONS, len(in_band[band])), attended(in_band[band]))) for band in bands),
        total((count(CONNECTIONS, len(made)), attended(made))),
        parts_add_up=True,
    )
    return quintiles, distances


def wait_table(waits: Sequence[tuple[Quintile, int]], index: DeprivationIndex | None) -> FigureTable:
    """First contacts in the month by quintile, with the median days from referral."""

    def cells(days: Sequence[int], quantity: str = "") -> tuple[Figure, ...]:
        return (
            count(FIRST_CONTACTS, len(days), quantity),
            Figure(MEDIAN_WAIT, Kind.MEDIAN, median(days), len(days)),
        )

    grouped = {number: [days for q, days in waits if q == number] for number in _QUINTILES}
    return FigureTable(
        equity.WAITS_BY_QUINTILE,
        (FIRST_CONTACTS, MEDIAN_WAIT),
        _rows({number: cells(days) for number, days in grouped.items()}, index),
        cells([days for _q, days in waits], "first_contacts"),
        parts_add_up=True,
    )


def wellbeing_tables(
    ons4: Sequence[tuple[Quintile, tuple[Ons4Change, ...]]],
    swemwbs: Sequence[tuple[Quintile, SwemwbsChange]],
    index: DeprivationIndex | None,
) -> tuple[FigureTable, FigureTable]:
    """The mean change from baseline to latest follow-up by quintile: each ONS4 question (never
    summed) and the SWEMWBS metric score."""

    def ons4_cells(changes: Sequence[tuple[Ons4Change, ...]], quantity: str = "") -> tuple[Figure, ...]:
        people = len(changes)
        return (
            count(PEOPLE, people, quantity),
            *(
                Figure(column, Kind.MEAN, mean(change[number].change for change in changes), people)
                for number, (column, _question) in enumerate(zip(ONS4_COLUMNS, Ons4Question, strict=True))
            ),
        )

    def swemwbs_cells(changes: Sequence[SwemwbsChange], quantity: str = "") -> tuple[Figure, ...]:
        people = len(changes)
        return (
            count(PEOPLE, people, quantity),
            Figure("Mean change", Kind.MEAN, mean(change.metric_change for change in changes), people),
        )

    ons4_table = FigureTable(
        equity.ONS4_BY_QUINTILE,
        (PEOPLE, *ONS4_COLUMNS),
        _rows({n: ons4_cells([c for q, c in ons4 if q == n]) for n in _QUINTILES}, index),
        ons4_cells([c for _q, c in ons4], ONS4_PEOPLE),
        parts_add_up=True,
    )
    swemwbs_table = FigureTable(
        equity.SWEMWBS_BY_QUINTILE,
        (PEOPLE, "Mean change"),
        _rows({n: swemwbs_cells([c for q, c in swemwbs if q == n]) for n in _QUINTILES}, index),
        swemwbs_cells([c for _q, c in swemwbs], SWEMWBS_PEOPLE),
        parts_add_up=True,
    )
    return ons4_table, swemwbs_table


def _chunks(values: Sequence[T], size: int = 500) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
