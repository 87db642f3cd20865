"""Open Referral UK CSV: read a folder of ORUK tables, and write the directory as one.

A folder holds one CSV file per table (services.csv, organizations.csv, locations.csv,
service_at_location.csv, schedule.csv, taxonomy_terms.csv, attribute.csv, ...). Publishers name
some files in the singular and some in the plural, and leave out the tables they do not use:
only services.csv is needed. The reader joins the tables into HSDS's nested service objects,
marking each with the file and line it came from, and hands them to ``oruk.FeedReader``, so the
rules are the same as for JSON.

Tables are read as spreadsheets save them. Each file may separate its values with commas or with
semicolons (Excel does where the comma is the decimal mark, so a semicolon table's numbers may be
written "51,38"); it may start with a byte order mark; and a file that is not UTF-8 is read as
Windows-1252 (Excel's plain "CSV") with a note saying so. A file broken as hand-edited ones are (a
quoted value that never ends, a row with more values than its header has columns, a column named
twice, a services.csv that is empty or holds only its header) is refused with its name, line and
problem; a table missing that another names (locations.csv for service_at_location.csv) is noted
where it is first named.

A row of services.csv joined with its folder is a full record (see ``oruk``), with one exception:
a part of a service the folder has no table or column for is left out of the record, so an import
leaves it as it was rather than clearing it. The ORUK data package has no place for a service's
languages (languages.csv has no name column), waiting time or application process, nor for a
contact's email; a folder in that shape, such as the one written here, leaves them alone. A venue
with no row in address.csv keeps its address too (ORUK needs a postcode to write one).

The writer writes exactly the tables of the ORUK data package (datapackage.json), each with
exactly its fields in its order. Where the package has no field of HSDS's, a value goes where the
package puts it instead: a service's phone under a contact that names nobody (phones.csv has no
service_id), read back as the service's own phone; a term's code in taxonomy_terms.csv's ``term``;
a service area's description in its ``service_area``; the charges in ``fees`` beside the cost
option. A venue, organisation or term several services share by ORUK id is one row, read back by
each of them: a venue's accessibility rows hold what every service there has (Linkworker keeps
accessibility with the service), and a part one service keeps differently is written as its own
under another id (``_apart``), so each service reads back exactly what it had.

Both go through ``spreadsheet_cells`` (OWASP's CSV injection rule), since these tables are opened
in spreadsheets as often as they are read by programs: text a spreadsheet would run as a formula
(a name beginning "=", a phone number beginning "+") is written with a leading apostrophe, and
the reader takes it off again. Numbers the app writes (a longitude of -0.52) are written as they
are. Another program reading the tables sees the apostrophe: the price of a file that is safe to
open.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from linkworker.interchange.oruk import (
    SERVICE_FIELDS,
    Feed,
    FeedError,
    FeedReader,
    OrukService,
    export_id,
    hsds_service,
    shown_name,
    write_atomically,
)
from linkworker.interchange.referral_csv import CsvFileError, decode
from linkworker.interchange.spreadsheet_cells import neutralise, restore

FORM = "CSV tables"
SERVICES = "service"
# The table each file holds, under the names publishers give it.
TABLE_FILES: dict[str, tuple[str, ...]] = {
    SERVICES: ("services.csv", "service.csv"),
    "organization": ("organizations.csv", "organization.csv", "organisations.csv", "organisation.csv"),
    "location": ("locations.csv", "location.csv"),
    "address": ("address.csv", "addresses.csv"),
    "service_at_location": ("service_at_location.csv", "service_at_locations.csv"),
    "schedule": ("schedule.csv", "schedules.csv"),
    "contact": ("contacts.csv", "contact.csv"),
    "phone": ("phones.csv", "phone.csv"),
    "language": ("languages.csv", "language.csv"),
    "accessibility": ("accessibility.csv", "accessibility_for_disabilities.csv"),
    "taxonomy_term": ("taxonomy_terms.csv", "taxonomy_term.csv"),
    "taxonomy": ("taxonomies.csv", "taxonomy.csv"),
    "attribute": ("attribute.csv", "attributes.csv"),
    "cost_option": ("cost_options.csv", "cost_option.csv"),
    "service_area": ("service_areas.csv", "service_area.csv"),
}
# A table naming rows of another, and what goes unread when the folder lacks the other.
NEEDED: tuple[tuple[str, str, str, str, str], ...] = (
    (SERVICES, "organization_id", "organization", "Organisation", "organisations"),
    ("service_at_location", "location_id", "location", "Location", "locations"),
    ("schedule", "service_at_location_id", "service_at_location", "Link", "schedules at locations"),
    ("attribute", "taxonomy_term_id", "taxonomy_term", "Taxonomy term", "taxonomy terms"),
    ("phone", "contact_id", "contact", "Contact", "contacts' phones"),
)  # fmt: skip
# The tables written: ORUK's data package (datapackage.json), its fields in its order.
WRITTEN: dict[str, tuple[str, ...]] = {
    "organizations.csv": (
        "id", "name", "description", "email", "website", "logo", "uri", "parent_organization_id",
    ),
    "services.csv": (
        "id", "organization_id", "name", "description", "url", "email", "status", "fees", "accreditations",
        "minimum_age", "maximum_age", "assured_date", "assurer_email", "alert", "last_modified",
    ),
    "attribute.csv": ("id", "link_id", "taxonomy_term_id", "link_type"),
    "service_at_location.csv": ("id", "service_id", "location_id"),
    "locations.csv": (
        "id", "location_type", "name", "description", "latitude", "longitude", "external_identifier",
        "external_identifier_type",
    ),
    "phones.csv": ("id", "contact_id", "number", "description"),
    "contacts.csv": ("id", "service_id", "name", "title"),
    "address.csv": (
        "id", "location_id", "attention", "address_1", "city", "region", "state_province", "postal_code",
        "country", "address_type",
    ),
    "schedule.csv": (
        "id", "service_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "freq", "interval",
        "byday", "bymonthday", "description", "opens_at", "closes_at", "schedule_link", "attending_type",
        "notes",
    ),
    "funding.csv": ("id", "service_id", "source"),
    "service_areas.csv": ("id", "service_id", "name", "extent", "extent_type", "uri", "service_area"),
    "languages.csv": ("id", "service_id", "phone_id"),
    "accessibility.csv": ("id", "location_id", "description", "details", "url", "accessibility"),
    "taxonomy_terms.csv": (
        "id", "name", "description", "parent_id", "taxonomy", "taxonomy_id", "term_uri", "term",
    ),
    "cost_options.csv": (
        "id", "service_id", "valid_from", "valid_to", "option", "amount", "amount_description",
    ),
    "organization_identifiers.csv": (
        "id", "organization_id", "identifier_scheme", "identifier_type", "identifier",
    ),
    "taxonomies.csv": ("id", "name", "description", "uri", "version"),
}  # fmt: skip
SEPARATORS = (",", ";")
# The data package's number fields, which a semicolon table may write with a decimal comma.
_NUMBER_COLUMNS = frozenset({"latitude", "longitude", "minimum_age", "maximum_age", "interval", "amount"})
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_LINES_LISTED = 5

Row = dict[str, Any]
# A part of a service that several may share: ("organisation", 0), ("venue", index), ("term", index).
_Part = tuple[str, int]


@dataclass(frozen=True)
class _Table:
    """One file's records by (lower-case) heading, each marked with its line."""

    file: str
    header_line: int
    names: tuple[str, ...]
    headings: tuple[str, ...]
    rows: tuple[Row, ...]


# Reading


def read_csv_folder(path: Path) -> Feed:
    """Every service of a folder of ORUK tables, with the problems found. One of the tables
    (services.csv) stands for the folder it is in: the tables are only read together."""
    folder = _folder_of(path)
    files = {file.name.casefold(): file for file in folder.iterdir() if file.is_file()}
    found: dict[str, Path] = {}
    for table, names in TABLE_FILES.items():
        file = next((files[name] for name in names if name in files), None)
        if file is not None:
            found[table] = file
    if SERVICES not in found:
        raise FeedError(f"{folder} has no services.csv, so it is not a folder of ORUK tables.")
    reader = FeedReader(folder.name)
    if folder != path:
        reader.note(folder.name, f"{path.name} is one of the folder's tables: the whole folder is read.")
    tables: dict[str, _Table] = {}
    for table, file in found.items():
        read = _read_table(file, reader, required=table == SERVICES)
        if read is not None:
            tables[table] = read
    _check_services(tables[SERVICES])
    used = {file.name.casefold() for file in found.values()}
    unused = sorted(file.name for name, file in files.items() if name.endswith(".csv") and name not in used)
    if unused:
        reader.note(folder.name, f"Tables not used: {', '.join(unused)}.")
    missing = [names[0] for table, names in TABLE_FILES.items() if table not in found and table != SERVICES]
    if missing:
        reader.note(folder.name, f"Tables not in the folder (nothing to read there): {', '.join(missing)}.")
    _note_needed(tables, reader)
    for service in _services(tables, reader):
        reader.read(service, service["_where"])
    return reader.feed(FORM)


def _folder_of(path: Path) -> Path:
    """The folder of tables ``path`` names: itself, or the folder a table of ORUK's is in."""
    if not path.exists():
        raise FeedError(f"There is no folder {path}.")
    if path.is_dir():
        return path
    if path.name.casefold() in {name for names in TABLE_FILES.values() for name in names}:
        return path.parent
    raise FeedError(
        f"{path} is a file, and not one of ORUK's tables: an ORUK CSV feed is a folder of tables "
        "(services.csv, organizations.csv, locations.csv and the rest). Choose that folder."
    )


def _check_services(services: _Table) -> None:
    """services.csv has an id column and something under its header, or nothing can be imported."""
    if "id" not in services.headings:
        named = "”, “".join(name.strip() for name in services.names if name.strip())
        raise FeedError(
            f"{services.file} line {services.header_line} names no “id” column (it names: “{named}”). "
            "ORUK tables have their column names on the first line, separated by commas or semicolons."
        )
    if not services.rows:
        raise FeedError(
            f"{services.file} has only its header (line {services.header_line}): no services follow it."
        )


def _read_table(path: Path, reader: FeedReader, *, required: bool) -> _Table | None:
    """A table as read, or None for an empty file that is not needed (noted); ``FeedError`` for
    a file that cannot be read as a table, naming its line and problem."""
    text = _decoded(path, reader)
    separator = _separator(text)
    records = _records(text, path.name, separator)
    header = next((record for record in records if _values(record[1])), None)
    if header is None:
        if required:
            raise FeedError(
                f"{path.name} is empty (nothing on line 1): its first line should name the columns "
                "(id, name, status and the rest)."
            )
        reader.note(path.name, "This table is empty (nothing on line 1): nothing is read from it.")
        return None
    header_line, names = header
    headings = _headings(names, path.name, header_line)
    rows: list[Row] = []
    too_long: list[tuple[int, int]] = []
    for line, cells in records:
        values = _values(cells)
        if values > len(headings):
            too_long.append((line, values))
        elif values:
            row = {
                heading: _value(heading, cell, separator)
                for heading, cell in zip(headings, cells, strict=False)
                if heading
            }
            rows.append({**row, "_where": f"{path.name} line {line}"})
    if too_long:
        raise FeedError(_too_many_values(path.name, header_line, len(headings), separator, too_long))
    return _Table(path.name, header_line, tuple(names), headings, tuple(rows))


def _decoded(path: Path, reader: FeedReader) -> str:
    """The file's text; a file that is not UTF-8 is read as Windows-1252, and noted."""
    try:
        text, encoding = decode(path.read_bytes())
    except CsvFileError as error:
        raise FeedError(f"{path.name}: {error}") from None
    except OSError as error:
        raise FeedError(f"{path} cannot be read: {error.strerror or error}.") from None
    if not encoding.startswith("UTF-8"):
        reader.note(
            path.name,
            f"This table is not UTF-8: it is read as {encoding} (Excel's plain “CSV”). Check that letters "
            "such as é and signs such as £ read right; saving as “CSV UTF-8” avoids the guess.",
        )
    return text


def _separator(text: str) -> str:
    """The table's separator: of "," and ";", the one its header line holds more of outside
    quotes (a comma when it holds neither, as a table of one column does)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = started = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n" and started:
            break
        elif char in counts:
            counts[char] += 1
        started = started or not char.isspace()
    return max(SEPARATORS, key=counts.__getitem__)


def _records(text: str, file: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted value may run over several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FeedError(f"{file} line {start}: {_parse_problem(str(error), separator)}") from None
        yield start, cells


def _parse_problem(message: str, separator: str) -> str:
    """What Python's CSV reader found, as someone fixing the file in a spreadsheet would put it."""
    if "end of data" in message:
        return (
            'a quoted value never ends: its opening quote mark (") has no closing one, so the rest of '
            "the file would be read as one value. Add the closing quote mark."
        )
    if "expected after" in message:
        return (
            f"a quoted value is followed by more text before the next “{separator}”. Put the whole "
            'value in quote marks, and write each quote mark inside it twice ("").'
        )
    if "field limit" in message:
        return f'a value is longer than {csv.field_size_limit():,} characters: is a quote mark (") left open?'
    return f"the line cannot be read ({message})."


def _values(cells: list[str]) -> int:
    """How many cells a row fills: up to its last one that is not blank."""
    return next((index + 1 for index in range(len(cells) - 1, -1, -1) if cells[index].strip()), 0)


def _headings(names: list[str], file: str, line: int) -> tuple[str, ...]:
    """The header's columns in lower case; a column named twice is refused, since which of the
    two holds the value is anyone's guess."""
    headings = tuple(name.strip().casefold() for name in names)
    first: dict[str, int] = {}
    for column, heading in enumerate(headings, start=1):
        if heading in first:
            raise FeedError(
                f"{file} line {line}: the column “{heading}” is there twice "
                f"(columns {first[heading]} and {column}): keep one of them."
            )
        if heading:
            first[heading] = column
    return headings


def _too_many_values(
    file: str, header_line: int, columns: int, separator: str, rows: list[tuple[int, int]]
) -> str:
    (line, values), others = rows[0], [line for line, _values in rows[1:]]
    message = (
        f"{file} line {line} has {values} values but its header (line {header_line}) names {columns} "
        f'columns: a value holding a “{separator}” needs quote marks (") round it.'
    )
    if not others:
        return message
    listed = [str(line) for line in others[:_LINES_LISTED]]
    if len(others) > _LINES_LISTED:
        listed.append(f"{len(others) - _LINES_LISTED} more")
    lines = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
    return f"{message} Line{'s' if len(others) > 1 else ''} {lines} too."


def _value(heading: str, cell: str, separator: str) -> str:
    """A cell as the app wrote it (``restore``), with a number's decimal comma made a point in a
    semicolon table."""
    if not cell:
        return ""
    value = restore(cell).strip()
    if separator == ";" and heading in _NUMBER_COLUMNS and _DECIMAL_COMMA.match(value):
        return value.replace(",", ".")
    return value


def _note_needed(tables: Mapping[str, _Table], reader: FeedReader) -> None:
    """A table the folder lacks that another table names: noted once, where it is first named."""
    for table, column, target, label, lost in NEEDED:
        if table not in tables or target in tables:
            continue
        row = next((row for row in tables[table].rows if row.get(column)), None)
        if row is not None:
            reader.note(
                row["_where"],
                f"{label} {row[column]} is named here, but the folder has no {TABLE_FILES[target][0]}: "
                f"no {lost} are read.",
            )


def _by(rows: Iterable[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def _first_by_id(rows: Iterable[Row]) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for row in rows:
        if row.get("id"):
            found.setdefault(row["id"], row)
    return found


def _services(tables: Mapping[str, _Table], reader: FeedReader) -> Iterator[Row]:
    """Each row of services.csv as a nested HSDS service, joined with the rows of the other tables.

    A part whose table (or column) the folder lacks is left out of the service, so that an import
    leaves it alone; a part whose table is there but has no row for the service is given empty.
    A reference to a row that is not there (a location, a taxonomy term) is noted once, where it
    is, with the service the row belongs to.
    """
    services = tables[SERVICES]
    unknown = sorted({heading for heading in services.headings if heading and heading not in SERVICE_FIELDS})
    if unknown:
        reader.note(services.file, f"Columns ORUK does not have, left out: {', '.join(unknown)}.")
    named = _first_by_id(services.rows)
    organisations = _first_by_id(_rows(tables, "organization"))
    joined = _joined(tables, reader, named)
    for row in services.rows:
        service: Row = {key: value for key, value in row.items() if key in SERVICE_FIELDS or key == "_where"}
        organisation = organisations.get(row.get("organization_id", ""))
        if organisation is not None:
            service["organization"] = organisation
        if row.get("id"):
            service.update({part: rows.get(row["id"], []) for part, rows in joined.items()})
        yield service


def _rows(tables: Mapping[str, _Table], name: str) -> tuple[Row, ...]:
    return tables[name].rows if name in tables else ()


def _joined(
    tables: Mapping[str, _Table], reader: FeedReader, services: Mapping[str, Row]
) -> dict[str, dict[str, list[Row]]]:
    """The rows of each part of a service the folder has tables for, by service id."""
    joined: dict[str, dict[str, list[Row]]] = {}
    if "service_at_location" in tables and "location" in tables:
        joined["service_at_locations"] = _by(_linked_locations(tables, reader, services), "service_id")
    if "schedule" in tables:
        own = (row for row in tables["schedule"].rows if not row.get("service_at_location_id"))
        joined["schedules"] = _by(own, "service_id")
    if "phone" in tables:
        joined["phones"] = _by(_service_phones(tables), "service_id")
    if "contact" in tables:
        joined["contacts"] = _by(_contacts(tables, named=True), "service_id")
    if "language" in tables and {"name", "code"} & set(tables["language"].headings):
        joined["languages"] = _by(tables["language"].rows, "service_id")
    if "cost_option" in tables:
        joined["cost_options"] = _by(tables["cost_option"].rows, "service_id")
    if "attribute" in tables and "taxonomy_term" in tables:
        joined["attributes"] = _by(_attributes(tables, reader, services), "link_id")
    if "service_area" in tables:
        areas = (
            {**area, "description": area.get("description") or area.get("service_area", "")}
            for area in tables["service_area"].rows
        )
        joined["service_areas"] = _by(areas, "service_id")
    return joined


def _contacts(tables: Mapping[str, _Table], *, named: bool) -> list[Row]:
    """The contacts that name someone (``named``), or those that only carry a phone line: a
    contact with no name, title or email is the service's own phone (phones.csv has no
    service_id, so that is how ORUK's tables give a service a phone)."""
    phones = _by(_rows(tables, "phone"), "contact_id")
    return [
        {**contact, "phones": phones.get(contact.get("id", ""), [])}
        for contact in _rows(tables, "contact")
        if named == any(contact.get(key) for key in ("name", "title", "email"))
    ]


def _service_phones(tables: Mapping[str, _Table]) -> list[Row]:
    """The service's own phones: by service_id (HSDS's tables have it), or under a contact that
    names nobody."""
    direct = [phone for phone in tables["phone"].rows if phone.get("service_id")]
    lines = [
        {**phone, "service_id": contact.get("service_id", "")}
        for contact in _contacts(tables, named=False)
        for phone in contact["phones"]
    ]
    return direct + lines


def _note_for_service(
    reader: FeedReader, row: Row, service_id: str, services: Mapping[str, Row], message: str
) -> None:
    """Note a problem of a row that belongs to a service: named when services.csv has it."""
    service = services.get(service_id)
    if service is None:
        reader.note(row["_where"], message)
    else:
        reader.note(row["_where"], message, service_id, shown_name(service.get("name", "")))


def _linked_locations(
    tables: Mapping[str, _Table], reader: FeedReader, services: Mapping[str, Row]
) -> list[Row]:
    """service_at_location rows with their location (addresses, accessibility) and schedules.

    A location with no row in address.csv is given without addresses, so an import keeps the
    address it had: ORUK requires an address's postcode, so a venue known without one is written
    without its address (as in JSON), and reading it back must not clear the street and town.
    """
    locations = _first_by_id(_rows(tables, "location"))
    addresses = _by(_rows(tables, "address"), "location_id")
    accessibility = _by(_rows(tables, "accessibility"), "location_id")
    schedules_at = _by(_rows(tables, "schedule"), "service_at_location_id")
    linked = []
    for link in _rows(tables, "service_at_location"):
        place = locations.get(link.get("location_id", ""))
        if place is None:
            missing = link.get("location_id") or "(none)"
            message = f"Location {missing} is not in locations.csv."
            _note_for_service(reader, link, link.get("service_id", ""), services, message)
            continue
        location = {**place, "accessibility": accessibility.get(place["id"], [])}
        if place["id"] in addresses:
            location["addresses"] = addresses[place["id"]]
        linked.append({**link, "location": location, "schedules": schedules_at.get(link.get("id", ""), [])})
    return linked


def _attributes(tables: Mapping[str, _Table], reader: FeedReader, services: Mapping[str, Row]) -> list[Row]:
    """attribute rows with their taxonomy term, named by its vocabulary (taxonomies.csv); the
    term's code is its ``code`` (HSDS's tables) or else its ``term`` (ORUK's)."""
    terms = _first_by_id(_rows(tables, "taxonomy_term"))
    vocabularies = {row["id"]: row.get("name", "") for row in _rows(tables, "taxonomy") if row.get("id")}
    resolved = []
    for attribute in _rows(tables, "attribute"):
        term = terms.get(attribute.get("taxonomy_term_id", ""))
        if term is None:
            missing = attribute.get("taxonomy_term_id") or "(none)"
            message = f"Taxonomy term {missing} is not in taxonomy_terms.csv."
            _note_for_service(reader, attribute, attribute.get("link_id", ""), services, message)
            continue
        vocabulary = term.get("taxonomy") or vocabularies.get(term.get("taxonomy_id", ""), "")
        code = term.get("code") or term.get("term", "")
        resolved.append({**attribute, "taxonomy_term": {**term, "taxonomy": vocabulary, "code": code}})
    return resolved


# Writing


def tables_for(services: Sequence[OrukService]) -> dict[str, list[Row]]:
    """Every ORUK table's rows for these services (empty tables included); a row several services
    share (an organisation, a venue, a term) is written once (``_apart``)."""
    written, kept = _apart(services)
    tables: dict[str, list[Row]] = {name: [] for name in WRITTEN}
    for body in (service.body for service in written):
        tables["organizations.csv"].append(body["organization"])
        tables["services.csv"].append({**body, "fees": body.get("fees_description")})
        for link in body.get("service_at_locations", []):
            place = link["location"]
            tables["service_at_location.csv"].append(link)
            tables["locations.csv"].append(place)
            tables["address.csv"].extend(place.get("addresses", []))
            tables["accessibility.csv"].extend(
                row for row in place.get("accessibility", []) if row["description"] in kept[place["id"]]
            )
            tables["schedule.csv"].extend(link.get("schedules", []))
        tables["schedule.csv"].extend(body.get("schedules", []))
        contacts, phones = _contacts_and_phones(body)
        tables["contacts.csv"].extend(contacts)
        tables["phones.csv"].extend(phones)
        tables["cost_options.csv"].extend(body.get("cost_options", []))
        tables["service_areas.csv"].extend(
            {**area, "service_area": area.get("description")} for area in body.get("service_areas", [])
        )
        for attribute in body.get("attributes", []):
            term = attribute["taxonomy_term"]
            vocabulary_id = _vocabulary_id(term["taxonomy"])
            tables["taxonomies.csv"].append(
                {"id": vocabulary_id, "name": term["taxonomy"], "description": term["taxonomy"]}
            )
            tables["taxonomy_terms.csv"].append(
                {**term, "taxonomy_id": vocabulary_id, "term": term.get("code")}
            )
            tables["attribute.csv"].append(attribute)
    return {name: list(_first_by_id(rows).values()) for name, rows in tables.items()}


def _apart(services: Sequence[OrukService]) -> tuple[list[_Written], dict[str, tuple[str, ...]]]:
    """The services as written, and what each venue's accessibility rows hold.

    Each row is read back by every service that names it, so a row written once must suit them
    all. An organisation, venue or term a service shares with others by id, but keeps differently
    (edited for one service), or a venue whose shared accessibility would not give a service back
    its own, is written as that service's own, under an id made from its own: what Linkworker
    keeps stays exact, and only the id of the part set apart changes.
    """
    written = [_Written.of(service) for service in services]
    while True:
        kept = _accessibility_by_venue(written)
        clashes = _clashes(written, kept)
        if not clashes:
            return written, kept
        for index, part in clashes.items():
            written[index] = _Written.of(_set_apart(written[index].service, part))


@dataclass(frozen=True)
class _Written:
    """A service as written (``hsds_service``), with the ids its shared parts are written under."""

    service: OrukService
    body: dict[str, Any]
    organisation: str
    venues: tuple[str, ...]
    terms: tuple[str, ...]

    @classmethod
    def of(cls, service: OrukService) -> _Written:
        body = hsds_service(service)
        return cls(
            service,
            body,
            body["organization_id"],
            tuple(link["location_id"] for link in body["service_at_locations"]),
            tuple(attribute["taxonomy_term_id"] for attribute in body["attributes"]),
        )


def _accessibility_by_venue(services: Sequence[_Written]) -> dict[str, tuple[str, ...]]:
    """What each venue's accessibility rows hold: what every service there has (Linkworker keeps
    accessibility with the service, ORUK with the venue), in the order the first one has it."""
    kept: dict[str, tuple[str, ...]] = {}
    for written in services:
        own = written.service.accessibility
        for venue in written.venues:
            kept[venue] = tuple(text for text in kept.get(venue, own) if text in own)
    return kept


def _clashes(services: Sequence[_Written], kept: Mapping[str, tuple[str, ...]]) -> dict[int, _Part]:
    """Each service with a part that cannot share its row: kept differently from the service
    that names it first, or a venue whose rows would not give the service back its accessibility."""
    first: dict[tuple[str, str], object] = {}
    clashes: dict[int, _Part] = {}
    for index, written in enumerate(services):
        service = written.service
        parts: list[tuple[_Part, str, object]] = [
            (("organisation", 0), written.organisation, _organisation(service))
        ]
        parts += [
            (("venue", number), key, place)
            for number, (key, place) in enumerate(zip(written.venues, service.locations, strict=True))
        ]
        parts += [
            (("term", number), key, term)
            for number, (key, term) in enumerate(zip(written.terms, service.terms, strict=True))
        ]
        for part, key, content in parts:
            if first.setdefault((part[0], key), content) != content:
                clashes.setdefault(index, part)
        read = tuple(dict.fromkeys(text for venue in written.venues for text in kept[venue]))
        shared = [number for number, place in enumerate(service.locations) if place.oruk_id]
        if read != service.accessibility and shared:
            clashes.setdefault(index, ("venue", shared[0]))
    return clashes


def _organisation(service: OrukService) -> tuple[object, ...]:
    return (
        service.organisation_name or service.name,
        service.organisation_description,
        service.organisation_url,
        service.organisation_email,
    )


def _set_apart(service: OrukService, part: _Part) -> OrukService:
    """The service with one part (the organisation, a venue or a term) under an id of its own."""
    kind, number = part
    if kind == "organisation":
        own = f"{service.oruk_id}:{service.organisation_id or service.organisation_name}"
        return replace(service, organisation_id=own)
    if kind == "venue":
        places = service.locations
        return replace(
            service,
            locations=(*places[:number], replace(places[number], oruk_id=None), *places[number + 1 :]),
        )
    terms = service.terms
    term = terms[number]
    own = f"{service.oruk_id}:{term.vocabulary}:{term.term_id}"
    return replace(service, terms=(*terms[:number], replace(term, oruk_id=own), *terms[number + 1 :]))


def _contacts_and_phones(body: Mapping[str, Any]) -> tuple[list[Row], list[Row]]:
    """The service's contacts with their phones, and its own phones, each under a contact that
    names nobody (ORUK's phones.csv has no service_id)."""
    contacts: list[Row] = []
    phones: list[Row] = []
    for contact in body.get("contacts", []):
        contacts.append(contact)
        phones.extend({**phone, "contact_id": contact["id"]} for phone in contact.get("phones", []))
    for phone in body.get("phones", []):
        line = {"id": export_id("contact", f"phone:{phone['id']}"), "service_id": body["id"]}
        contacts.append(line)
        phones.append({**phone, "contact_id": line["id"]})
    return contacts, phones


def _vocabulary_id(name: str) -> str:
    return export_id("taxonomy", name)


def write_csv_folder(folder: Path, services: Sequence[OrukService]) -> list[Path]:
    """Write every ORUK table into ``folder`` (made if need be); each file whole or not at all."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FeedError(f"{folder} cannot be made: {error.strerror or error}.") from None
    written = []
    for name, rows in tables_for(services).items():
        path = folder / name
        columns = WRITTEN[name]

        def write(stream: TextIO, rows: list[Row] = rows, columns: tuple[str, ...] = columns) -> None:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in columns])

        write_atomically(path, write)
        written.append(path)
    return written


def _cell(value: object) -> str:
    """A value as written: text made inert for spreadsheets, numbers and flags as they are."""
    if isinstance(value, str):
        return str(neutralise(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
