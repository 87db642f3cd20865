"""The ONS postcode directories as CSV: the ONSPD and the NSPL, whole-UK or one area's file.

Both name their columns the same way for what is read here: ``pcds`` (the postcode written the
usual way, "ME14 1XX"), ``pcd``/``pcd7`` and ``pcd2``/``pcd8`` (fixed-width forms, used when
``pcds`` is missing), ``lat`` and ``long`` (WGS84 degrees) and ``doterm`` (the month the
postcode was terminated, blank while it is live). Older releases write the names in capitals.

For where people live (issue 18) three more are kept: the country (``ctry``; ``ctry25cd``,
``ctry26cd``, ... since the ONS put the year of the boundaries in the names in 2025: the newest
is read), the small area (``lsoa11``/``lsoa11cd``: the 2011 LSOA, or in Scotland the 2011 data
zone and in Northern Ireland the Super Output Area; ``lsoa21``/``lsoa21cd``: the 2021 LSOA) and
the deprivation rank of that area in its own nation's index (``imd``, later ``imd20ind``: the
English IMD 2019, the Welsh IMD 2019, the Scottish IMD 2020 or the Northern Ireland MDM 2017,
each on the areas of about 2011; and since the August 2026 edition ``imd25ind``: the English IMD
2025 on the 2021 LSOAs). In a file with the 2025 column every English postcode takes its 2025
rank and 2021 LSOA; in an older file, the older rank and the 2011 LSOA (or the 2021 one where
that is all the file has, as in the NSPL: most LSOAs kept their codes in 2021).
A rank that is blank, not a number, or not a rank of its nation's index is left out: the postcode
is still placed, without a rank. About forty other columns (local authority, ward, ...) are
passed over.

A postcode without a grid reference has the placeholder 99.999999, 0.000000: it is read as "no
coordinates". So is an NHS pseudo-postcode (ZZ99 ..., such as "no fixed abode"), whatever point
its row gives: it names no place (the NHS Postcode Directory lists them with the real postcodes).

The whole-UK file is about 2.7 million rows and over a gigabyte, so it is read as a stream: one
row at a time, never the file in memory, with how far through the file the reading has got, for
a progress bar.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Self

from linkworker.domain import deprivation, geo, postcode

POSTCODE_COLUMNS = ("pcds", "pcd8", "pcd2", "pcd7", "pcd")  # in order of preference
LATITUDE = "lat"
LONGITUDE = "long"
TERMINATED = "doterm"
COUNTRY = re.compile(r"ctry(\d\d)?(cd)?")  # ctry, ctry25cd, ctry26cd, ...
LSOA_2011 = ("lsoa11cd", "lsoa11")
LSOA_2021 = ("lsoa21cd", "lsoa21")
RANK = ("imd20ind", "imd")  # the older indices (domain.deprivation.DIRECTORY_INDEX)
RANK_2025 = "imd25ind"  # the English IMD 2025
_NO_AREA = "99999999"  # the tail of the ONS's "no area" codes (E99999999, S99999999, ...)
LINES_KEPT = 20  # line numbers of unreadable rows kept for the report; the rest are counted
_ZIP_SIGNATURE = b"PK\x03\x04"


class OnspdFileError(Exception):
    """The file cannot be read as a postcode directory at all; the message says why, plainly."""


class PostcodeRecord(NamedTuple):
    """A live postcode with its coordinates, and (where the file gives them) its small area,
    that area's deprivation rank and index, and its country: what the lookup keeps."""

    postcode: str
    latitude: float
    longitude: float
    lsoa_code: str | None = None
    imd_rank: int | None = None
    imd_index: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Columns:
    """Where each column read is in a row (None: the file has no such column)."""

    postcode: int
    latitude: int
    longitude: int
    terminated: int | None
    country: int | None
    lsoa_2011: int | None
    lsoa_2021: int | None
    rank: int | None
    rank_2025: int | None

    @property
    def width(self) -> int:
        """How many fields a row needs to hold the point (a row cut short is unreadable)."""
        return max(self.postcode, self.latitude, self.longitude, self.terminated or 0) + 1


@dataclass
class Tally:
    """What reading found so far: every data row is exactly one of live, terminated, without
    coordinates or unreadable."""

    rows: int = 0
    live: int = 0
    terminated: int = 0
    without_coordinates: int = 0
    unreadable: int = 0
    unreadable_lines: list[int] = field(default_factory=list)
    # Live postcodes with a deprivation rank, by index code ("IMD2019": 1203): a subset of live.
    ranked: Counter[str] = field(default_factory=Counter)

    def unreadable_at(self, line: int) -> None:
        self.unreadable += 1
        if len(self.unreadable_lines) < LINES_KEPT:
            self.unreadable_lines.append(line)


class PostcodeFile:
    """An ONSPD or NSPL CSV file, opened and its header checked. Use it in a ``with`` block,
    iterate ``records()`` once, and read ``position`` and ``tally`` as it goes."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            self._binary = path.open("rb")
        except OSError as error:
            raise OnspdFileError(f"{path} cannot be opened: {error.strerror or error}.") from None
        try:
            self.size = max(path.stat().st_size, 1)
            self._check_not_zip(path)
            self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", errors="replace", newline="")
            self._reader = csv.reader(self._text)
            self._columns = self._read_header(path)
            self._rankings: dict[str, _Ranking | None] = {}
        except BaseException:
            self._binary.close()
            raise
        self.tally = Tally()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._binary.close()

    @property
    def position(self) -> int:
        """Bytes read so far (to the nearest buffer), out of ``size``."""
        return self._binary.tell() if not self._binary.closed else self.size

    def records(self) -> Iterator[PostcodeRecord]:
        """The live postcodes that have coordinates, in file order; every other row is counted
        in ``tally``. Raises ``OnspdFileError`` where the file stops being CSV at all."""
        columns = self._columns
        postcode_at, latitude_at, longitude_at = columns.postcode, columns.latitude, columns.longitude
        terminated_at = columns.terminated
        width = columns.width
        tally = self.tally
        reader = self._reader
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise OnspdFileError(
                    f"{self.name} cannot be read past line {reader.line_num} ({error}): it may be "
                    "damaged; download it again."
                ) from None
            if not row:
                continue  # a blank line, often the last one
            tally.rows += 1
            if len(row) < width:
                tally.unreadable_at(reader.line_num)
                continue
            if terminated_at is not None and row[terminated_at].strip():
                tally.terminated += 1
                continue
            latitude, longitude = row[latitude_at].strip(), row[longitude_at].strip()
            if not latitude or not longitude:
                tally.without_coordinates += 1
                continue
            point = _point(row[postcode_at], latitude, longitude)
            if point is None:
                tally.unreadable_at(reader.line_num)
            elif postcode.is_pseudo(point[0]) or not geo.in_uk(point[1], point[2]):
                tally.without_coordinates += 1
            else:
                tally.live += 1
                yield self._placed(point, row)

    def _placed(self, point: tuple[str, float, float], row: list[str]) -> PostcodeRecord:
        """The point with its country, and its area and that area's rank when the row gives
        them (how each country is ranked is worked out once: a file has a handful)."""
        country = _field(row, self._columns.country).upper()
        if country not in self._rankings:
            self._rankings[country] = _ranking(country, self._columns)
        ranking = self._rankings[country]
        if ranking is None:
            return PostcodeRecord(*point, country=country or None)
        rank = _rank(_field(row, ranking.rank_at), ranking.deprivation_index)
        code = None
        if rank is not None:
            code = ranking.deprivation_index.code
            self.tally.ranked[code] += 1
        return PostcodeRecord(*point, _area(row, ranking.areas), rank, code, country)

    def _check_not_zip(self, path: Path) -> None:
        if self._binary.read(len(_ZIP_SIGNATURE)) == _ZIP_SIGNATURE:
            raise OnspdFileError(
                f"{path.name} is a ZIP file. Unzip it first, then choose the CSV file in its Data "
                "folder (for example ONSPD_NOV_2025_UK.csv)."
            )
        self._binary.seek(0)

    def _read_header(self, path: Path) -> Columns:
        try:
            header = next(self._reader, None)
        except csv.Error:
            header = None
        names = {name.strip().lower(): index for index, name in enumerate(header or [])}
        postcode_at = _first(names, POSTCODE_COLUMNS)
        if postcode_at is None or LATITUDE not in names or LONGITUDE not in names:
            raise OnspdFileError(
                f"{path.name} is not an ONS postcode directory file: its first line should name the "
                "columns, including pcds (or pcd), lat and long, as the ONSPD and NSPL CSV files do."
            )
        return Columns(
            postcode=postcode_at,
            latitude=names[LATITUDE],
            longitude=names[LONGITUDE],
            terminated=names.get(TERMINATED),
            country=_newest(names, COUNTRY),
            lsoa_2011=_first(names, LSOA_2011),
            lsoa_2021=_first(names, LSOA_2021),
            rank=_first(names, RANK),
            rank_2025=names.get(RANK_2025),
        )


def _first(names: Mapping[str, int], wanted: tuple[str, ...]) -> int | None:
    """Where the first of ``wanted`` that the header names is."""
    return next((names[name] for name in wanted if name in names), None)


def _newest(names: Mapping[str, int], pattern: re.Pattern[str]) -> int | None:
    """Where the column matching ``pattern`` with the latest year in its name is ("ctry26cd"
    over "ctry25cd"; a name without a year, "ctry", if that is all there is)."""
    found = sorted(
        (match.group(1) or "", index) for name, index in names.items() if (match := pattern.fullmatch(name))
    )
    return found[-1][1] if found else None


class _Ranking(NamedTuple):
    """How the rows of one country are ranked: by which index, from which column, in the area
    of which columns (the first that names one)."""

    # Not "index": a NamedTuple field of that name would hide tuple.index.
    deprivation_index: deprivation.DeprivationIndex
    rank_at: int | None
    areas: tuple[int | None, int | None]


def _ranking(country: str, columns: Columns) -> _Ranking | None:
    """How a postcode of ``country`` (an ONS code) is ranked; None for a place with no index."""
    nation = deprivation.nation_of(country)
    if nation is None:
        return None
    if nation is deprivation.Nation.ENGLAND and columns.rank_2025 is not None:
        # A file with the 2025 index ranks every English postcode by it alone, so no lookup
        # built from one file holds English ranks of two indices.
        return _Ranking(deprivation.IMD_2025, columns.rank_2025, (columns.lsoa_2021, columns.lsoa_2011))
    index = deprivation.DIRECTORY_INDEX[nation]
    return _Ranking(index, columns.rank, (columns.lsoa_2011, columns.lsoa_2021))


def _field(row: list[str], at: int | None) -> str:
    """The stripped value at ``at``; blank for no such column or a short row."""
    if at is None or at >= len(row):
        return ""
    return row[at].strip()


def _area(row: list[str], columns: tuple[int | None, int | None]) -> str | None:
    """The first area code of ``columns`` that names an area (not blank, not "no area")."""
    for at in columns:
        code = _field(row, at)
        if code and len(code) <= 9 and not code.endswith(_NO_AREA):
            return code.upper()
    return None


def _rank(written: str, index: deprivation.DeprivationIndex) -> int | None:
    """The rank as a number, if it is one of ``index``'s ranks."""
    if not (written.isascii() and written.isdigit()):
        return None
    rank = int(written)
    return rank if 1 <= rank <= index.areas else None


def _point(written: str, latitude: str, longitude: str) -> tuple[str, float, float] | None:
    """The row's postcode and coordinates, or None when either cannot be read."""
    try:
        return postcode.parse(written), float(latitude), float(longitude)
    except ValueError:  # a ValidationError from the postcode, or a number that is not one
        return None
