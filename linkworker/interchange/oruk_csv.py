"""Open Referral UK CSV: read a folder of ORUK tables, and write the directory as one.

A folder holds one CSV file per table (services.csv, organizations.csv, locations.csv,
service_at_location.csv, schedule.csv, taxonomy_terms.csv, attribute.csv, ...). Publishers name
some files in the singular and some in the plural, and leave out the tables they do not use:
only services.csv is needed. The reader joins the tables into HSDS's nested service objects,
marking each with the file and line it came from, and hands them to ``oruk.FeedReader``, so the
rules are the same as for JSON.

The writer writes every table of the ORUK data package (datapackage.json), with its fields in
order and a few more from the HSDS 3.0 tabular schema where ORUK's list has no room for what
Linkworker keeps (a language's name, a service's application process and waiting time).

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
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
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
    "phone": ("phones.csv", "phone.csv"),
    "language": ("languages.csv", "language.csv"),
    "accessibility": ("accessibility.csv", "accessibility_for_disabilities.csv"),
    "taxonomy_term": ("taxonomy_terms.csv", "taxonomy_term.csv"),
    "taxonomy": ("taxonomies.csv", "taxonomy.csv"),
    "attribute": ("attribute.csv", "attributes.csv"),
    "cost_option": ("cost_options.csv", "cost_option.csv"),
}
# The tables written, in the ORUK data package's order, with their columns.
WRITTEN: dict[str, tuple[str, ...]] = {
    "organizations.csv": (
        "id", "name", "description", "email", "website", "logo", "uri", "parent_organization_id",
    ),
    "services.csv": (
        "id", "organization_id", "name", "description", "url", "email", "status", "fees", "accreditations",
        "minimum_age", "maximum_age", "assured_date", "assurer_email", "alert", "last_modified",
        "application_process", "fees_description", "wait_time",
    ),
    "attribute.csv": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity"),
    "service_at_location.csv": ("id", "service_id", "location_id"),
    "locations.csv": (
        "id", "location_type", "name", "description", "latitude", "longitude", "external_identifier",
        "external_identifier_type",
    ),
    "phones.csv": ("id", "contact_id", "number", "description", "service_id"),
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
    "languages.csv": ("id", "service_id", "phone_id", "name", "code"),
    "accessibility.csv": ("id", "location_id", "description", "details", "url", "accessibility"),
    "taxonomy_terms.csv": (
        "id", "name", "description", "parent_id", "taxonomy", "taxonomy_id", "term_uri", "term", "code",
    ),
    "cost_options.csv": (
        "id", "service_id", "valid_from", "valid_to", "option", "amount", "amount_description", "currency",
    ),
    "organization_identifiers.csv": (
        "id", "organization_id", "identifier_scheme", "identifier_type", "identifier",
    ),
    "taxonomies.csv": ("id", "name", "description", "uri", "version"),
}  # fmt: skip

Row = dict[str, Any]


# Reading


def read_csv_folder(folder: Path) -> Feed:
    """Every service of a folder of ORUK tables, with the problems found."""
    if not folder.exists():
        raise FeedError(f"There is no folder {folder}.")
    if not folder.is_dir():
        raise FeedError(
            f"{folder} is a file: choose the folder that holds services.csv and the other tables."
        )
    files = {path.name.casefold(): path for path in folder.iterdir() if path.is_file()}
    found: dict[str, Path] = {}
    for table, names in TABLE_FILES.items():
        path = next((files[name] for name in names if name in files), None)
        if path is not None:
            found[table] = path
    if SERVICES not in found:
        raise FeedError(f"{folder} has no services.csv, so it is not a folder of ORUK tables.")
    reader = FeedReader(folder.name)
    tables = {table: _rows(path) for table, path in found.items()}
    used = {path.name.casefold() for path in found.values()}
    unused = sorted(path.name for name, path in files.items() if name.endswith(".csv") and name not in used)
    if unused:
        reader.note(folder.name, f"Tables not used: {', '.join(unused)}.")
    missing = [names[0] for table, names in TABLE_FILES.items() if table not in found and table != SERVICES]
    if missing:
        reader.note(folder.name, f"Tables not in the folder (nothing to read there): {', '.join(missing)}.")
    for service in _services(tables, reader):
        reader.read(service, service["_where"])
    return reader.feed(FORM)


def _rows(path: Path) -> list[Row]:
    """The records of one table as dicts by (lower-case) heading, each marked with its line."""
    try:
        text, _encoding = decode(path.read_bytes())
    except CsvFileError as error:
        raise FeedError(f"{path.name}: {error}") from None
    except OSError as error:
        raise FeedError(f"{path} cannot be read: {error.strerror or error}.") from None
    records = _records(text, path.name)
    header = next(records, None)
    if header is None:
        return []
    headings = [heading.strip().casefold() for heading in header[1]]
    rows = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        row: Row = {
            heading: restore(cell).strip() for heading, cell in zip(headings, cells, strict=False) if heading
        }
        row["_where"] = f"{path.name} line {line}"
        rows.append(row)
    return rows


def _records(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise FeedError(
                f"{name} line {start} cannot be read: a value in quotes is not closed. "
                'Check the quote marks (") on that line.'
            ) from None
        yield start, cells


def _by(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def _first_by_id(rows: list[Row]) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for row in rows:
        if row.get("id"):
            found.setdefault(row["id"], row)
    return found


def _services(tables: Mapping[str, list[Row]], reader: FeedReader) -> Iterator[Row]:
    """Each row of services.csv as a nested HSDS service, joined with the rows of the other tables.

    A reference to a row that is not there (a location, a taxonomy term) is noted once, where it is,
    with the service the row belongs to.
    """

    def table(name: str) -> list[Row]:
        return tables.get(name, [])

    organisations = _first_by_id(table("organization"))
    services = table(SERVICES)
    unknown = sorted(
        {key for row in services for key in row if key not in SERVICE_FIELDS and key != "_where"}
    )
    if unknown:
        reader.note(
            services[0]["_where"].split(" line ")[0],
            f"Columns ORUK does not have, left out: {', '.join(unknown)}.",
        )
    named = _first_by_id(services)
    links = _by(_linked_locations(tables, reader, named), "service_id")
    schedules_of_service = _by(table("schedule"), "service_id")
    phones = _by(table("phone"), "service_id")
    languages = _by(table("language"), "service_id")
    costs = _by(table("cost_option"), "service_id")
    attributes = _by(_attributes(tables, reader, named), "link_id")
    for row in services:
        service: Row = {key: value for key, value in row.items() if key in SERVICE_FIELDS or key == "_where"}
        organisation = organisations.get(row.get("organization_id", ""))
        if organisation is not None:
            service["organization"] = organisation
        service_id = row.get("id", "")
        if service_id:
            service["service_at_locations"] = links.get(service_id, [])
            service["schedules"] = schedules_of_service.get(service_id, [])
            service["phones"] = phones.get(service_id, [])
            service["languages"] = languages.get(service_id, [])
            service["cost_options"] = costs.get(service_id, [])
            service["attributes"] = attributes.get(service_id, [])
        yield service


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
    tables: Mapping[str, list[Row]], reader: FeedReader, services: Mapping[str, Row]
) -> list[Row]:
    """service_at_location rows with their location (addresses, accessibility) and schedules."""
    locations = _first_by_id(tables.get("location", []))
    addresses = _by(tables.get("address", []), "location_id")
    accessibility = _by(tables.get("accessibility", []), "location_id")
    schedules_at = _by(tables.get("schedule", []), "service_at_location_id")
    linked = []
    for link in tables.get("service_at_location", []):
        place = locations.get(link.get("location_id", ""))
        if place is None:
            missing = link.get("location_id") or "(none)"
            message = f"Location {missing} is not in locations.csv."
            _note_for_service(reader, link, link.get("service_id", ""), services, message)
            continue
        location = {
            **place,
            "addresses": addresses.get(place["id"], []),
            "accessibility": accessibility.get(place["id"], []),
        }
        linked.append({**link, "location": location, "schedules": schedules_at.get(link.get("id", ""), [])})
    return linked


def _attributes(
    tables: Mapping[str, list[Row]], reader: FeedReader, services: Mapping[str, Row]
) -> list[Row]:
    """attribute rows with their taxonomy term, named by its vocabulary (taxonomies.csv)."""
    terms = _first_by_id(tables.get("taxonomy_term", []))
    vocabularies = {row["id"]: row.get("name", "") for row in tables.get("taxonomy", []) if row.get("id")}
    resolved = []
    for attribute in tables.get("attribute", []):
        term = terms.get(attribute.get("taxonomy_term_id", ""))
        if term is None:
            missing = attribute.get("taxonomy_term_id") or "(none)"
            message = f"Taxonomy term {missing} is not in taxonomy_terms.csv."
            _note_for_service(reader, attribute, attribute.get("link_id", ""), services, message)
            continue
        vocabulary = term.get("taxonomy") or vocabularies.get(term.get("taxonomy_id", ""), "")
        resolved.append({**attribute, "taxonomy_term": {**term, "taxonomy": vocabulary}})
    return resolved


# Writing


def tables_for(services: Sequence[OrukService]) -> dict[str, list[Row]]:
    """Every ORUK table's rows for these services (empty tables included)."""
    tables: dict[str, list[Row]] = {name: [] for name in WRITTEN}
    organisations: dict[str, Row] = {}
    terms: dict[str, Row] = {}
    vocabularies: dict[str, Row] = {}
    for service in services:
        body = hsds_service(service)
        organisation = body["organization"]
        organisations.setdefault(organisation["id"], organisation)
        tables["services.csv"].append(body)
        for link in body["service_at_locations"]:
            place = link["location"]
            tables["service_at_location.csv"].append(link)
            tables["locations.csv"].append(place)
            tables["address.csv"].extend(place.get("addresses", []))
            tables["accessibility.csv"].extend(place["accessibility"])
            tables["schedule.csv"].extend(link["schedules"])
        tables["schedule.csv"].extend(body["schedules"])
        tables["phones.csv"].extend(body.get("phones", []))
        tables["languages.csv"].extend(body["languages"])
        tables["cost_options.csv"].extend(body["cost_options"])
        for attribute in body["attributes"]:
            term = attribute["taxonomy_term"]
            vocabulary_id = _vocabulary_id(term["taxonomy"])
            vocabularies.setdefault(
                vocabulary_id,
                {"id": vocabulary_id, "name": term["taxonomy"], "description": term["taxonomy"]},
            )
            terms.setdefault(term["id"], {**term, "taxonomy_id": vocabulary_id})
            tables["attribute.csv"].append(attribute)
    tables["organizations.csv"] = list(organisations.values())
    tables["taxonomy_terms.csv"] = list(terms.values())
    tables["taxonomies.csv"] = list(vocabularies.values())
    return tables


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
