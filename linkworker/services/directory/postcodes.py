"""The postcode lookup: importing the ONS postcode directory, and finding where a postcode is.

The lookup holds one row per live postcode ("ME7 1AA") and one per postcode district ("ME7"),
the district's row being the average of its postcodes' points. A full postcode that is not in
the lookup (too new, mistyped in the last letters, from before the last import) is then placed
at its district's middle in a single primary-key look-up, and ``Located.precision`` says so.
The two kinds never collide: a full postcode always has its space, a district never does.
An NHS pseudo-postcode (ZZ99 ..., such as "no fixed abode") names no place: the lookup never holds
one, and ``locate`` never places one; ``meaning`` says what it stands for.

Each full postcode also keeps, where the file gives them, its small area (LSOA), that area's
deprivation rank and index, and its country (issue 18): ``areas_of`` and ``lsoa_ranks`` give them
to the figures, which work out deciles in ``domain.deprivation``. Nothing about a person is
stored for it: their postcode is enough.

An import adds and updates, never deletes: the ONSPD also comes as one file per area, which can
be imported one after another, and a postcode terminated since is still worth placing someone
by. A postcode in the file takes everything the file gives it, a rank it no longer has too, so
the lookup never holds a postcode's point from one edition and its rank from another. It runs
in the caller's transaction, in batches, so it is all or nothing: a cancellation or an error
leaves the lookup as it was. A dry run (``check_file``) reads the whole file and
counts what an import would do, writing nothing; it is audited as one (``record_dry_run``).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, delete, func, insert, literal_column, select
from sqlalchemy.orm import Session

from linkworker import catalogues
from linkworker.domain import deprivation, postcode
from linkworker.domain.deprivation import AreaRank
from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Permission
from linkworker.interchange.onspd import OnspdFileError, PostcodeFile, PostcodeRecord
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.directory import directory_table
from linkworker.services.errors import Cancelled, ServiceError
from linkworker.store.models import PostcodePoint

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]
Row = tuple[str, float, float, str | None, int | None, str | None, str | None]

POSTCODE = "postcode"
DISTRICT = "district"
# Rows written per batch: few round trips, yet progress moves and a cancellation is seen at
# once. Larger batches are no faster on SQLite and little faster on PostgreSQL, where psycopg
# holds Python's lock while it sends a batch: at 5,000 rows the window's thread then waited up
# to 60 ms at a time, at 1,000 under 30 ms (benchmarks/postcodes.py).
BATCH = 1000
# The share of the progress bar for working out the districts' middles after the rows are in.
_DISTRICT_SHARE = 20
_UNIT = 1024  # progress counts kilobytes: a whole-UK file's bytes overflow a Qt signal's int
_COLUMNS = "postcode, latitude, longitude, lsoa_code, imd_rank, imd_index, country"
_ON_CONFLICT = (
    "ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude, "
    "lsoa_code = excluded.lsoa_code, imd_rank = excluded.imd_rank, imd_index = excluded.imd_index, "
    "country = excluded.country"
)
_UPSERT_ROW = f"INSERT INTO postcode_point ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) {_ON_CONFLICT}"
_INCOMING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS postcode_incoming "
    "(postcode varchar(8), latitude double precision, longitude double precision, lsoa_code varchar(9), "
    "imd_rank integer, imd_index varchar(12), country varchar(9)) ON COMMIT DROP"
)
_MERGE = f"INSERT INTO postcode_point ({_COLUMNS}) SELECT {_COLUMNS} FROM postcode_incoming {_ON_CONFLICT}"
_LOOKUP_CHUNK = 500  # codes per IN list in ``areas_of`` and ``lsoa_ranks``


@dataclass(frozen=True)
class Located:
    """Where a postcode is: its own point, or its district's middle (``precision`` "district")."""

    latitude: float
    longitude: float
    precision: str


@dataclass(frozen=True)
class LookupSize:
    postcodes: int
    districts: int


@dataclass(frozen=True)
class PostcodeImport:
    """What an import did (or, in a dry run, would do); every row of the file is counted once.
    ``ranked`` counts the imported postcodes with a deprivation rank, by index code."""

    file_name: str
    rows: int
    imported: int
    terminated: int
    without_coordinates: int
    unreadable: int
    unreadable_lines: tuple[int, ...]
    districts: int
    dry_run: bool = False
    ranked: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class PostcodeArea:
    """Where a postcode is, for deprivation figures: its small area, that area's rank (None when
    the lookup has none) and its country's ONS code."""

    lsoa_code: str | None
    rank: AreaRank | None
    country: str | None


class PostcodeFileRefused(ServiceError):
    """The file is not a postcode directory that can be read; nothing was written."""


def locate(session: Session, typed: str) -> Located | None:
    """Where ``typed`` (any spacing or case) is: its own point, else its district's middle,
    else None (not a UK postcode, a pseudo-postcode, or neither it nor its district is in the
    lookup)."""
    try:
        canonical = postcode.parse(typed)
    except ValidationError:
        return None
    if postcode.is_pseudo(canonical):
        return None
    district = postcode.district(canonical)
    found = {
        code: (latitude, longitude)
        for code, latitude, longitude in session.execute(
            select(PostcodePoint.postcode, PostcodePoint.latitude, PostcodePoint.longitude).where(
                PostcodePoint.postcode.in_([canonical, district])
            )
        )
    }
    if canonical in found:
        return Located(*found[canonical], POSTCODE)
    if district in found:
        return Located(*found[district], DISTRICT)
    return None


def meaning(typed: str | None) -> str | None:
    """What a pseudo-postcode (typed any way) stands for, in plain words ("No fixed abode"); None
    for a real postcode or text that is not a postcode."""
    return catalogues.pseudo_postcodes().meaning(typed)


def areas_of(session: Session, typed: Iterable[str]) -> dict[str, PostcodeArea]:
    """The area and rank of each postcode of ``typed`` (any spacing or case) that the lookup
    holds, keyed by the postcode as given; a postcode not in it, or not a postcode, is left out."""
    canonical: dict[str, list[str]] = {}
    for given in typed:
        try:
            canonical.setdefault(postcode.parse(given), []).append(given)
        except ValidationError:
            continue
    found: dict[str, PostcodeArea] = {}
    columns = (
        PostcodePoint.postcode,
        PostcodePoint.lsoa_code,
        PostcodePoint.imd_rank,
        PostcodePoint.imd_index,
    )
    for chunk in _chunks(list(canonical)):
        query = select(*columns, PostcodePoint.country).where(PostcodePoint.postcode.in_(chunk))
        for code, lsoa, rank, index, country in session.execute(query):
            area = PostcodeArea(lsoa, _area_rank(rank, index), country)
            found.update(dict.fromkeys(canonical[code], area))
    return found


def lsoa_ranks(session: Session, lsoa_codes: Iterable[str]) -> dict[str, AreaRank]:
    """Each LSOA's rank as the lookup's postcodes give it (for practice populations, which
    count patients by LSOA); an LSOA no ranked postcode lies in is left out. Should postcodes of
    one area carry ranks of two indices (imports of two editions), the later index is taken."""
    found: dict[str, AreaRank] = {}
    for chunk in _chunks(sorted(set(lsoa_codes))):
        query = (
            select(PostcodePoint.lsoa_code, PostcodePoint.imd_index, PostcodePoint.imd_rank)
            .where(PostcodePoint.lsoa_code.in_(chunk), PostcodePoint.imd_rank.is_not(None))
            .distinct()
        )
        for lsoa, index, rank in session.execute(query):
            assert lsoa is not None  # the IN list matches no null
            area = _area_rank(rank, index)
            if area is not None and (lsoa not in found or area.index.year > found[lsoa].index.year):
                found[lsoa] = area
    return found


def _chunks(codes: list[str]) -> Iterator[list[str]]:
    """``codes`` a few hundred at a time: an IN list far below either database's limit."""
    for start in range(0, len(codes), _LOOKUP_CHUNK):
        yield codes[start : start + _LOOKUP_CHUNK]


def _area_rank(rank: int | None, index: str | None) -> AreaRank | None:
    """The stored rank as an ``AreaRank``, or None when there is none or it is not one (a code
    or rank that the domain does not know is never guessed at)."""
    if rank is None or index is None:
        return None
    try:
        return AreaRank(deprivation.index_named(index), rank)
    except ValidationError:
        return None


def lookup_size(session: Session) -> LookupSize:
    """How many postcodes and districts the lookup holds (anyone may see it: no one's data)."""
    full = PostcodePoint.postcode.like("% %")
    postcodes, districts = session.execute(
        select(func.count().filter(full), func.count().filter(~full)).select_from(PostcodePoint)
    ).one()
    return LookupSize(postcodes or 0, districts or 0)


def import_file(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> PostcodeImport:
    """Add or update every live postcode of an ONSPD or NSPL CSV file, then the districts'
    middles, in the caller's transaction; audited.

    Raises ``PostcodeFileRefused`` if the file cannot be read as one, and
    ``Cancelled`` when ``cancelled()`` turns true (checked between batches); the
    caller's unit of work then rolls back, so the lookup is left as it was. The lookup serves
    every PCN on the database, so only managers and administrators (``SET_PCN_POLICY``) replace
    it, not each link worker.
    """
    actor.require(Permission.SET_PCN_POLICY)
    try:
        with PostcodeFile(path) as file:
            total = (file.size + file.size // _DISTRICT_SHARE) // _UNIT + 1
            write = _writer(session)
            for batch in _batches(file.records()):
                _stop_if(cancelled)
                write(batch)
                if progress is not None:
                    progress(file.position // _UNIT, total)
            read = file.position // _UNIT
    except OnspdFileError as error:
        raise PostcodeFileRefused(str(error)) from None
    districts = refresh_districts(session, progress=_from(read, total, progress), cancelled=cancelled)
    result = _counted(file, districts)
    audit.record(
        session,
        actor,
        "postcodes_imported",
        detail=(
            f"file={file.name}; rows={result.rows}; imported={result.imported}; districts={districts}"
            f"{_ranked_detail(result)}"
        ),
    )
    directory_table.forget()
    if progress is not None:
        progress(total, total)
    return result


def check_file(
    actor: Actor,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: ShouldStop | None = None,
) -> PostcodeImport:
    """What importing the file would do, read to its end and counted (its districts too): a dry
    run, which touches no database. The same people as ``import_file`` may run it."""
    actor.require(Permission.SET_PCN_POLICY)
    districts: set[str] = set()
    try:
        with PostcodeFile(path) as file:
            total = file.size // _UNIT + 1
            for count, record in enumerate(file.records()):
                districts.add(postcode.district(record.postcode))
                if count % BATCH == 0:
                    _stop_if(cancelled)
                    if progress is not None:
                        progress(file.position // _UNIT, total)
    except OnspdFileError as error:
        raise PostcodeFileRefused(str(error)) from None
    if progress is not None:
        progress(total, total)
    return _counted(file, len(districts), dry_run=True)


def record_dry_run(session: Session, actor: Actor, result: PostcodeImport) -> None:
    """Audit a dry run (``check_file``): the file's name and what it would have imported."""
    actor.require(Permission.SET_PCN_POLICY)
    audit.record(
        session,
        actor,
        "postcodes_import_dry_run",
        detail=(
            f"dry run; file={result.file_name}; rows={result.rows}; would_import={result.imported}; "
            f"districts={result.districts}{_ranked_detail(result)}"
        ),
    )


def _counted(file: PostcodeFile, districts: int, *, dry_run: bool = False) -> PostcodeImport:
    tally = file.tally
    return PostcodeImport(
        file_name=file.name,
        rows=tally.rows,
        imported=tally.live,
        terminated=tally.terminated,
        without_coordinates=tally.without_coordinates,
        unreadable=tally.unreadable,
        unreadable_lines=tuple(tally.unreadable_lines),
        districts=districts,
        dry_run=dry_run,
        ranked=tuple(sorted(tally.ranked.items())),
    )


def _ranked_detail(result: PostcodeImport) -> str:
    """The audit detail's count of ranked postcodes per index ("; ranked=IMD2019:1203")."""
    if not result.ranked:
        return ""
    return "; ranked=" + ",".join(f"{code}:{count}" for code, count in result.ranked)


def summary(result: PostcodeImport) -> list[str]:
    """The import in a few lines of plain text: what the command prints and the screen shows."""
    lines = [
        f"{result.file_name}: {_count(result.rows, 'postcode')} read.",
        f"{'Would import or update' if result.dry_run else 'Imported or updated'}: "
        f"{_count(result.imported, 'live postcode')}, "
        f"in {_count(result.districts, 'district')}.",
    ]
    for code, count in result.ranked:
        lines.append(
            f"With a deprivation rank: {_count(count, 'postcode')} ({deprivation.INDICES[code].name})."
        )
    if result.terminated:
        lines.append(f"Left out as no longer in use (terminated): {result.terminated:,}.")
    if result.without_coordinates:
        lines.append(f"Left out as they have no map position: {result.without_coordinates:,}.")
    if result.unreadable:
        shown = ", ".join(str(line) for line in result.unreadable_lines)
        more = " and more" if result.unreadable > len(result.unreadable_lines) else ""
        lines.append(f"Rows that could not be read: {result.unreadable:,} (lines {shown}{more}).")
    return lines


def refresh_districts(
    session: Session, *, progress: Progress | None = None, cancelled: ShouldStop | None = None
) -> int:
    """Work out every district's middle again from all the full postcodes now in the lookup
    (``import_file`` ends with it; call it after writing points any other way, as the demo
    does). Returns the number of districts. Pseudo-postcodes an earlier release let in go first.

    The district is the postcode less its space and three-character inward code; the numbers
    are SQL literals, not parameters, so PostgreSQL sees the same expression in GROUP BY. It
    goes one first letter at a time, so the database sorts a slice of the lookup at once, not
    all of it (SQLCipher sorts in memory), with progress and a chance to cancel between slices.
    A range from one capital letter to the next holds the same postcodes whatever the
    database's collation; the first and last slices are open-ended for the same reason.
    """
    full = PostcodePoint.postcode.like("% %")
    session.execute(
        delete(PostcodePoint).where(~full | PostcodePoint.postcode.like(f"{postcode.PSEUDO_OUTWARD} %"))
    )
    district = func.substr(
        PostcodePoint.postcode, literal_column("1"), func.length(PostcodePoint.postcode) - literal_column("4")
    )
    letters = string.ascii_uppercase
    for index, letter in enumerate(letters):
        _stop_if(cancelled)
        in_slice: list[ColumnElement[bool]] = [full]
        if index > 0:
            in_slice.append(PostcodePoint.postcode >= letter)
        if index < len(letters) - 1:
            in_slice.append(PostcodePoint.postcode < letters[index + 1])
        session.execute(
            insert(PostcodePoint).from_select(
                ["postcode", "latitude", "longitude"],
                select(district, func.avg(PostcodePoint.latitude), func.avg(PostcodePoint.longitude))
                .where(*in_slice)
                .group_by(district),
            )
        )
        if progress is not None:
            progress(index + 1, len(letters))
    return session.scalar(select(func.count()).select_from(PostcodePoint).where(~full)) or 0


def _from(start: int, total: int, progress: Progress | None) -> Progress | None:
    """``progress`` for a last step that moves the bar from ``start`` to ``total``."""
    if progress is None:
        return None
    return lambda done, steps: progress(start + (total - start) * done // steps, total)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _writer(session: Session) -> Callable[[list[Row]], None]:
    """What writes a batch: on SQLite, one INSERT run for every row by the driver (in C); on
    PostgreSQL, where a statement per row costs a round trip, COPY into a temporary table and
    one statement that merges it in: several times faster."""
    connection = session.connection()

    def upsert(rows: list[Row]) -> None:
        connection.exec_driver_sql(_UPSERT_ROW, rows)

    if connection.dialect.name != "postgresql":
        return upsert
    connection.exec_driver_sql(_INCOMING)
    driver = connection.connection.driver_connection
    assert driver is not None

    def copy_and_merge(rows: list[Row]) -> None:
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY postcode_incoming ({_COLUMNS}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            cursor.execute(_MERGE)
            cursor.execute("TRUNCATE postcode_incoming")

    return copy_and_merge


def _batches(records: Iterable[PostcodeRecord]) -> Iterator[list[Row]]:
    """Rows in batches of ``BATCH``; a postcode repeated within a batch is sent once (its last
    row), since one statement may not update the same row twice.

    Plain tuples of strings, numbers and None, not dicts: Python's garbage collector stops
    tracking such tuples, so millions of rows passing through do not set off its full
    collections, each of which would hold up the window's thread for about 100 ms.
    """
    batch: dict[str, Row] = {}
    for record in records:
        batch[record.postcode] = tuple(record)  # type: ignore[assignment]
        if len(batch) >= BATCH:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


def _stop_if(cancelled: ShouldStop | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("The postcode import was cancelled: the lookup is as it was before.")
