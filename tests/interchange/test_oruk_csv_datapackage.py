"""The CSV export against the ORUK data package (tests/standards/oruk/datapackage.json, a copy of
the published standard), read here field by field: exactly its tables, exactly their columns in
its order, required values given, and each value of the type and format the package names; every
text cell written inert for spreadsheets; and what is written reads back as it was."""

from __future__ import annotations

import csv
import json
import re
import uuid
from dataclasses import fields as fields_of
from dataclasses import is_dataclass, replace
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from linkworker.domain.directory import CostKind, ServiceStatus
from linkworker.interchange.oruk import (
    NEEDS_VOCABULARY,
    OrukLocation,
    OrukSchedule,
    OrukService,
    Severity,
    Term,
)
from linkworker.interchange.oruk_csv import read_csv_folder, write_csv_folder
from linkworker.interchange.spreadsheet_cells import FORMULA_STARTS
from tests.interchange.oruk_services import SERVICES, as_read

DATAPACKAGE = Path(__file__).resolve().parents[1] / "standards" / "oruk" / "datapackage.json"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")

# Text a spreadsheet would run, and text a CSV file has to quote, in every field that is written.
AWKWARD = OrukService(
    oruk_id="awkward-1",
    name='=HYPERLINK("http://example.org","Walks")',
    organisation_name='+Testvale; Walkers, "Friends"',
    description='-2+3 led walks\nover two lines; with "quotes", commas',
    url="https://awkward.example.org/a?b=c;d",
    email="hello@awkward.example.org",
    phone="+44 1632 960123",
    status=ServiceStatus.ACTIVE,
    cost_kind=CostKind.PAID,
    cost_note="@SUM(1) a session; £6",
    accessibility=("=1+1 steps", "Hearing loop; step-free"),
    min_age=0,
    max_age=120,
    verified_on=date(2026, 11, 30),
    locations=(
        OrukLocation("=Pavilion", "-1 Mill Lane", "@Maidstone", "ME14 1XX", 51.2721, -0.5227),
        OrukLocation("Hall, upstairs", None, None, None, None, None),
    ),
    schedules=(
        OrukSchedule("WEEKLY", "MO,WE", time(9, 30), time(11), "=Mornings; bring a mug", 0),
        OrukSchedule("MONTHLY", "1TH", time(19), None, None, None),
    ),
    terms=(
        Term("esd-needs", "-7", "+Loneliness"),
        Term(NEEDS_VOCABULARY, "physical_activity", "Physical activity"),
    ),
)
EXPORTED = (*SERVICES, AWKWARD)


@cache
def resources() -> dict[str, dict[str, Any]]:
    """The data package's tables by file name, as the package lists them."""
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    return {resource["path"]: resource for resource in package["resources"]}


def fields(path: str) -> list[dict[str, Any]]:
    return list(resources()[path]["schema"]["fields"])


def read_table(file: Path) -> tuple[list[str], list[list[str]]]:
    with file.open(encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream, strict=True))
    return header, rows


def package_errors(folder: Path) -> list[str]:
    """Every way the tables in ``folder`` break the data package, as the package itself states it:
    tables, columns and their order, required values, types, formats, enums, unique ids and the
    foreign keys between tables."""
    errors: list[str] = []
    written = sorted(path.name for path in folder.iterdir())
    if written != sorted(resources()):
        errors.append(f"tables {written} are not the package's {sorted(resources())}")
    values: dict[str, list[dict[str, str]]] = {}
    for path, resource in resources().items():
        if not (folder / path).exists():
            continue
        header, rows = read_table(folder / path)
        names = [field["name"] for field in fields(path)]
        if header != names:
            errors.append(f"{path}: columns {header} are not the package's {names}")
            continue
        values[resource["name"]] = []
        for line, cells in enumerate(rows, start=2):
            if len(cells) != len(header):
                errors.append(f"{path} line {line}: {len(cells)} cells for {len(header)} columns")
                continue
            row = dict(zip(header, cells, strict=True))
            values[resource["name"]].append(row)
            errors += [f"{path} line {line}: {problem}" for problem in row_errors(path, row)]
        key = resource["schema"]["primaryKey"]
        keys = [row[key] for row in values[resource["name"]]]
        if len(keys) != len(set(keys)):
            errors.append(f"{path}: {key} repeated")
    for path, resource in resources().items():
        for foreign in resource["schema"].get("foreignKeys", []):
            target = foreign["reference"]
            known = {row[target["fields"]] for row in values.get(target["resource"], [])}
            for line, row in enumerate(values.get(resource["name"], []), start=2):
                value = row[foreign["fields"]]
                if value and value not in known:
                    errors.append(
                        f"{path} line {line}: {foreign['fields']} {value} not in {target['resource']}"
                    )
    return errors


def row_errors(path: str, row: dict[str, str]) -> list[str]:
    errors = []
    for field in fields(path):
        value = row[field["name"]]
        constraints = field.get("constraints", {})
        if value == "":
            if constraints.get("required"):
                errors.append(f"{field['name']} is required")
            continue
        if not valid(field["type"], field.get("format"), value):
            errors.append(f"{field['name']} {value!r} is not a {field.get('format') or field['type']}")
        if "enum" in constraints and value not in constraints["enum"]:
            errors.append(f"{field['name']} {value!r} is not one of {constraints['enum']}")
        if field["type"] == "string" and value[:1] in FORMULA_STARTS:
            errors.append(f"{field['name']} {value!r} would run in a spreadsheet")
    return errors


def valid(kind: str, form: str | None, value: str) -> bool:
    """Whether ``value`` is of the package's type and format (frictionless's reading of them)."""
    checks = {
        "number": lambda: float(value) == float(value),
        "date": lambda: date.fromisoformat(value) is not None,
        "datetime": lambda: datetime.fromisoformat(value) is not None,
        "time": lambda: TIME.match(value) is not None,
        "uuid": lambda: str(uuid.UUID(value)) == value,
        "email": lambda: EMAIL.match(value) is not None,
        "uri": lambda: urlsplit(value).scheme in {"http", "https"} and urlsplit(value).netloc != "",
    }
    check = checks.get(form or "") or checks.get(kind)
    if check is None:
        return kind == "string"
    try:
        return bool(check())
    except ValueError:
        return False


def test_the_package_read_here_is_the_one_the_standard_publishes() -> None:
    assert [resource["name"] for resource in resources().values()][:3] == [
        "organization",
        "service",
        "attribute",
    ]
    assert all(
        field["type"] in {"string", "number", "date", "datetime", "time"}
        for path in resources()
        for field in fields(path)
    ), "every type the package uses is one checked here"
    assert {field.get("format") for path in resources() for field in fields(path)} <= {
        None, "uuid", "email", "uri",
    }  # fmt: skip


def test_the_export_has_exactly_the_packages_tables_and_columns_in_order(tmp_path: Path) -> None:
    written = write_csv_folder(tmp_path, EXPORTED)
    assert [path.name for path in written] == list(resources())
    for path in resources():
        header, _rows = read_table(tmp_path / path)
        assert header == [field["name"] for field in fields(path)], path


def test_the_exports_values_meet_the_package(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, EXPORTED)
    assert package_errors(tmp_path) == []
    assert sum(len(read_table(tmp_path / path)[1]) for path in resources()) > 40, (
        "there is something to check"
    )


def test_the_package_check_finds_what_breaks_the_package(tmp_path: Path) -> None:
    """The check the export passes is not one that passes anything."""
    write_csv_folder(tmp_path, EXPORTED)
    header, rows = read_table(tmp_path / "services.csv")
    rows[0][header.index("status")] = "sometimes"
    rows[1][header.index("name")] = ""
    rows[2][header.index("organization_id")] = str(uuid.uuid4())
    rows[3][header.index("name")] = "=1+1"
    with (tmp_path / "services.csv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([[*header, "wait_time"], *[[*row, ""] for row in rows]])
    header, rows = read_table(tmp_path / "schedule.csv")
    rows[0][header.index("opens_at")] = "half nine"
    with (tmp_path / "schedule.csv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([list(reversed(header)), *[list(reversed(row)) for row in rows]])
    (tmp_path / "funding.csv").unlink()
    (tmp_path / "notes.csv").write_text("id\r\n", encoding="utf-8")
    errors = package_errors(tmp_path)
    assert any(error.startswith("tables ") for error in errors)
    assert any(error.startswith("services.csv: columns") for error in errors)
    assert any(error.startswith("schedule.csv: columns") for error in errors)
    (tmp_path / "notes.csv").unlink()
    write_csv_folder(tmp_path / "again", EXPORTED)
    header, rows = read_table(tmp_path / "again" / "services.csv")
    rows[0][header.index("status")] = "sometimes"
    rows[1][header.index("name")] = ""
    rows[2][header.index("organization_id")] = str(uuid.uuid4())
    rows[3][header.index("name")] = "=1+1"
    rows[3][header.index("email")] = "not-an-email"
    with (tmp_path / "again" / "services.csv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    errors = package_errors(tmp_path / "again")
    assert any("'sometimes' is not one of" in error for error in errors)
    assert "services.csv line 3: name is required" in errors
    assert any("organization_id" in error and "not in organization" in error for error in errors)
    assert "services.csv line 5: name '=1+1' would run in a spreadsheet" in errors
    assert "services.csv line 5: email 'not-an-email' is not a email" in errors


def test_text_a_spreadsheet_would_run_is_written_inert(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, [AWKWARD])
    for path in resources():
        header, rows = read_table(tmp_path / path)
        numbers = [field["type"] == "number" for field in fields(path)]
        for row in rows:
            for cell, number in zip(row, numbers, strict=True):
                assert cell[:1] not in FORMULA_STARTS or (number and float(cell) < 0), (path, cell)
    header, [service] = read_table(tmp_path / "services.csv")
    assert service[header.index("name")] == "'" + AWKWARD.name
    header, [first, _second] = read_table(tmp_path / "locations.csv")
    assert first[header.index("longitude")] == "-0.5227", "a number the app wrote stays a number"


def test_what_is_written_reads_back_as_it_was(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, EXPORTED)
    feed = read_csv_folder(tmp_path)
    assert [problem for problem in feed.problems if problem.severity is not Severity.NOTE] == []
    back = {service.name: service for service in feed.services}
    for service in EXPORTED:
        assert carried(back[service.name]) == carried(service), service.name


def test_what_is_read_back_keeps_every_id_it_was_written_with(tmp_path: Path) -> None:
    write_csv_folder(tmp_path / "first", EXPORTED)
    first = read_csv_folder(tmp_path / "first").services
    write_csv_folder(tmp_path / "second", first)
    second = read_csv_folder(tmp_path / "second").services
    assert [as_read(service) for service in second] == [as_read(service) for service in first]
    awkward = next(service for service in second if service.name == AWKWARD.name)
    assert all(place.oruk_id for place in awkward.locations) and awkward.phone_id
    assert all(schedule.oruk_id for schedule in awkward.schedules)
    assert all(term.oruk_id for term in awkward.terms) and all(c.oruk_id for c in awkward.contacts)
    assert all(area.oruk_id for area in awkward.service_areas) and awkward.organisation_id
    assert [contact.phone_id for contact in awkward.contacts if contact.phone] != [None]


def carried(service: OrukService) -> OrukService:
    """What the data package has room for, ids aside: not a service's languages, waiting time or
    access routes, nor a contact's email (ORUK's tables have no columns for them; an import of the
    tables leaves them as they were)."""
    plain: OrukService = _without_ids(service)
    return replace(
        plain,
        languages=(),
        waiting_time=None,
        access_routes=(),
        contacts=tuple(replace(_without_ids(contact), email=None) for contact in service.contacts),
        where="",
        problems=(),
        carried=None,
    )


def _without_ids(part: Any) -> Any:
    """The part with the ORUK ids the export gives it taken off again, and those of its parts."""
    changes: dict[str, Any] = {}
    for field in fields_of(part):
        value = getattr(part, field.name)
        if field.name in {"oruk_id", "organisation_id", "phone_id"}:
            changes[field.name] = None
        elif isinstance(value, tuple) and value and is_dataclass(value[0]):
            changes[field.name] = tuple(_without_ids(item) for item in value)
    return replace(part, **changes)


def test_exporting_what_was_read_back_writes_the_same_files(tmp_path: Path) -> None:
    write_csv_folder(tmp_path / "first", EXPORTED)
    services = read_csv_folder(tmp_path / "first").services
    write_csv_folder(tmp_path / "second", [as_read(service) for service in services])
    for path in resources():
        assert (tmp_path / "first" / path).read_bytes() == (tmp_path / "second" / path).read_bytes(), path
