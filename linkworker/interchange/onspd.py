"""The ONS postcode directories as CSV: the ONSPD and the NSPL, whole-UK or one area's file.

Both name their columns the same way for what is read here: ``pcds`` (the postcode written the
usual way, "ME14 1XX"), ``pcd`` and ``pcd2`` (fixed-width forms, used when ``pcds`` is missing),
``lat`` and ``long`` (WGS84 degrees) and ``doterm`` (the month the postcode was terminated,
blank while it is live). Older releases write the names in capitals; about fifty other columns
(local authority, ward, deprivation, ...) are passed over. A postcode without a grid reference
has the placeholder 99.999999, 0.000000: it is read as "no coordinates". So is an NHS
pseudo-postcode (ZZ99 ..., such as "no fixed abode"), whatever point its row gives: it names
no place (the NHS Postcode Directory lists them with the real postcodes).

The whole-UK file is about 2.7 million rows and over a gigabyte, so it is read as a stream: one
row at a time, never the file in memory, with how far through the file the reading has got, for
a progress bar.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Self

from linkworker.domain import geo, postcode

POSTCODE_COLUMNS = ("pcds", "pcd2", "pcd")  # in order of preference
LATITUDE = "lat"
LONGITUDE = "long"
TERMINATED = "doterm"
LINES_KEPT = 20  # line numbers of unreadable rows kept for the report; the rest are counted
_ZIP_SIGNATURE = b"PK\x03\x04"


class OnspdFileError(Exception):
    """The file cannot be read as a postcode directory at all; the message says why, plainly."""


class PostcodeRecord(NamedTuple):
    """A live postcode with its coordinates: what the lookup keeps."""

    postcode: str
    latitude: float
    longitude: float


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
        postcode_at, latitude_at, longitude_at, terminated_at = self._columns
        width = max(index for index in self._columns if index is not None) + 1
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
            record = _record(row[postcode_at], latitude, longitude)
            if record is None:
                tally.unreadable_at(reader.line_num)
            elif postcode.is_pseudo(record.postcode) or not geo.in_uk(record.latitude, record.longitude):
                tally.without_coordinates += 1
            else:
                tally.live += 1
                yield record

    def _check_not_zip(self, path: Path) -> None:
        if self._binary.read(len(_ZIP_SIGNATURE)) == _ZIP_SIGNATURE:
            raise OnspdFileError(
                f"{path.name} is a ZIP file. Unzip it first, then choose the CSV file in its Data "
                "folder (for example ONSPD_NOV_2025_UK.csv)."
            )
        self._binary.seek(0)

    def _read_header(self, path: Path) -> tuple[int, int, int, int | None]:
        try:
            header = next(self._reader, None)
        except csv.Error:
            header = None
        names = {name.strip().lower(): index for index, name in enumerate(header or [])}
        postcode_at = next((names[name] for name in POSTCODE_COLUMNS if name in names), None)
        if postcode_at is None or LATITUDE not in names or LONGITUDE not in names:
            raise OnspdFileError(
                f"{path.name} is not an ONS postcode directory file: its first line should name the "
                "columns, including pcds (or pcd), lat and long, as the ONSPD and NSPL CSV files do."
            )
        return postcode_at, names[LATITUDE], names[LONGITUDE], names.get(TERMINATED)


def _record(written: str, latitude: str, longitude: str) -> PostcodeRecord | None:
    """The row's postcode and coordinates, or None when either cannot be read."""
    try:
        return PostcodeRecord(postcode.parse(written), float(latitude), float(longitude))
    except ValueError:  # a ValidationError from the postcode, or a number that is not one
        return None
