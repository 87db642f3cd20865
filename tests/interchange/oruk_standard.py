"""The ORUK reference files (tests/standards/oruk/, a copy of the published standard) as
validators, for checking exports."""

from __future__ import annotations

import csv
import json
import re
import uuid
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

STANDARD = Path(__file__).resolve().parents[1] / "standards" / "oruk"
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")


@cache
def _json(name: str) -> Any:
    return json.loads((STANDARD / name).read_text(encoding="utf-8"))


def service_errors(document: Any) -> list[str]:
    """Every way ``document`` breaks hsds-3.0-service.schema.json (formats checked too)."""
    validator = Draft202012Validator(_json("hsds-3.0-service.schema.json"), format_checker=FormatChecker())
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def page_errors(document: Any) -> list[str]:
    """Every way ``document`` breaks a page of /services: the openapi Page, items per service_list."""
    page_schema = _json("openapi30.json")["components"]["schemas"]["Page"]
    schema = {
        **page_schema,
        "required": ["contents"],
        "properties": {
            **page_schema["properties"],
            "contents": {"type": "array", "items": _json("hsds-3.0-service_list.schema.json")},
        },
    }
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def datapackage_resources() -> dict[str, dict[str, Any]]:
    """The ORUK data package's tables by file name."""
    return {resource["path"]: resource for resource in _json("datapackage.json")["resources"]}


def tabular_fields(table: str) -> set[str]:
    """The HSDS 3.0 tabular schema's fields of a table (by its resource name)."""
    return set(_json("hsds-3.0-tabular.schema.json")["properties"][table]["items"]["properties"])


def table_errors(folder: Path) -> list[str]:
    """Every way the CSV files in ``folder`` break the ORUK data package: missing files or fields,
    fields the HSDS tabular schema does not have, required values left blank, values of the wrong
    type or format, duplicated keys and foreign keys to rows that are not there."""
    errors: list[str] = []
    resources = datapackage_resources()
    keys: dict[str, set[str]] = {}
    rows_of: dict[str, list[dict[str, str]]] = {}
    for path, resource in resources.items():
        file = folder / path
        if not file.exists():
            errors.append(f"{path}: missing")
            continue
        with file.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            header = reader.fieldnames or []
            rows = list(reader)
        rows_of[resource["name"]] = rows
        fields = {field["name"]: field for field in resource["schema"]["fields"]}
        errors += [f"{path}: no column {name}" for name in fields if name not in header]
        extra = set(header) - set(fields) - tabular_fields(resource["name"])
        errors += [f"{path}: column {name} is in neither schema" for name in sorted(extra)]
        for line, row in enumerate(rows, start=2):
            for name, field in fields.items():
                value = row.get(name, "")
                if value == "":
                    if field.get("constraints", {}).get("required"):
                        errors.append(f"{path} line {line}: {name} is required")
                    continue
                problem = _type_problem(field, value)
                if problem:
                    errors.append(f"{path} line {line}: {name} {problem}")
        ids = [row["id"] for row in rows]
        if len(ids) != len(set(ids)):
            errors.append(f"{path}: duplicated ids")
        keys[resource["name"]] = set(ids)
    for path, resource in resources.items():
        for foreign in resource["schema"].get("foreignKeys", []):
            target = foreign["reference"]["resource"]
            for line, row in enumerate(rows_of.get(resource["name"], []), start=2):
                value = row.get(foreign["fields"], "")
                if value and value not in keys.get(target, set()):
                    errors.append(f"{path} line {line}: {foreign['fields']} {value} is not in {target}")
    return errors


def _type_problem(field: dict[str, Any], value: str) -> str | None:
    kind, form = field.get("type"), field.get("format")
    enum = field.get("constraints", {}).get("enum")
    try:
        if kind == "number":
            float(value)
        elif kind == "date":
            date.fromisoformat(value)
        elif kind == "datetime":
            datetime.fromisoformat(value)
        elif kind == "time" and not TIME.match(value):
            return f"{value!r} is not a time"
        elif form == "uuid" and str(uuid.UUID(value)) != value:
            return f"{value!r} is not a uuid"
    except ValueError:
        return f"{value!r} is not a {form or kind}"
    if form == "email" and "@" not in value:
        return f"{value!r} is not an email"
    if enum and value not in enum:
        return f"{value!r} is not one of {enum}"
    return None
