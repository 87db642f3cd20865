"""Code lists shipped in resources/ (needs, SNOMED CT codes), read once into frozen dataclasses.

Codes live in files, not in code, so a PCN's list can change without a new release of the
rules. A broken file is a packaging fault: ``CatalogueError`` names the file and the problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from linkworker.config import resources_dir
from linkworker.domain.errors import ValidationError
from linkworker.domain.gp_codes import GpCodeTrigger, SnomedCode, is_concept_id

NEEDS_FILE = "needs.json"
SNOMED_FILE = "snomed_codes.json"
# Need codes are stored in referral_need and service_need (40 characters at most).
_NEED_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class CatalogueError(Exception):
    """A code list in resources/ is missing or malformed."""


@dataclass(frozen=True)
class Need:
    """One entry of the needs taxonomy: what a person wants help with, and what a service meets."""

    code: str
    label: str
    description: str


@dataclass(frozen=True)
class NeedsCatalogue:
    needs: tuple[Need, ...]

    def __iter__(self) -> Iterator[Need]:
        return iter(self.needs)

    def __len__(self) -> int:
        return len(self.needs)

    def __contains__(self, code: object) -> bool:
        return any(need.code == code for need in self.needs)

    def codes(self) -> tuple[str, ...]:
        return tuple(need.code for need in self.needs)

    def get(self, code: str, field: str = "need") -> Need:
        """The need with this code; a ``ValidationError`` for a code the taxonomy does not hold."""
        for need in self.needs:
            if need.code == code:
                return need
        raise ValidationError(field, "This need is not in the PCN's list of needs.")


def load_needs(path: Path) -> NeedsCatalogue:
    """Read and check a needs file: every code well formed, codes and labels unique."""
    raw = _read_json(path)
    entries = raw.get("needs") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f'{path} must hold a non-empty list under "needs".')
    needs = tuple(_need(path, index, entry) for index, entry in enumerate(entries))
    for attribute in ("code", "label"):
        values = [getattr(need, attribute) for need in needs]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            raise CatalogueError(f"{path}: the {attribute} {duplicates[0]!r} is used more than once.")
    return NeedsCatalogue(needs)


@cache
def needs() -> NeedsCatalogue:
    """The needs taxonomy this installation ships."""
    return load_needs(resources_dir() / NEEDS_FILE)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogueError(f"The code list {path} cannot be read: {error}") from None


def _need(path: Path, index: int, entry: Any) -> Need:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{path}: need {index + 1} must be an object.")
    values = {key: entry.get(key) for key in ("code", "label", "description")}
    for key, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{path}: need {index + 1} has no {key}.")
    if not _NEED_CODE.match(values["code"]):
        raise CatalogueError(
            f"{path}: need code {values['code']!r} must be lower case letters, digits and underscores."
        )
    return Need(code=values["code"], label=values["label"].strip(), description=values["description"].strip())


@dataclass(frozen=True)
class SnomedCatalogue:
    """The SNOMED CT codes an episode puts back into the GP record, in the file's order."""

    codes: tuple[SnomedCode, ...]

    def __iter__(self) -> Iterator[SnomedCode]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def get(self, code: str, field: str = "code") -> SnomedCode:
        """The entry for a concept id; a ``ValidationError`` for one this list does not hold."""
        for entry in self.codes:
            if entry.code == code:
                return entry
        raise ValidationError(field, "This is not one of the social prescribing codes for the GP record.")


def load_snomed_codes(path: Path) -> SnomedCatalogue:
    """Read and check a code list: well-formed concept ids, known triggers, no code twice."""
    raw = _read_json(path)
    entries = raw.get("codes") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f'{path} must hold a non-empty list under "codes".')
    codes = tuple(_snomed_code(path, index, entry) for index, entry in enumerate(entries))
    values = [code.code for code in codes]
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise CatalogueError(f"{path}: the code {duplicates[0]} is listed more than once.")
    return SnomedCatalogue(codes)


@cache
def snomed_codes() -> SnomedCatalogue:
    """The SNOMED CT code list this installation ships."""
    return load_snomed_codes(resources_dir() / SNOMED_FILE)


def _snomed_code(path: Path, index: int, entry: Any) -> SnomedCode:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{path}: code {index + 1} must be an object.")
    values = {key: entry.get(key) for key in ("code", "term", "trigger", "guidance")}
    for key, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{path}: code {index + 1} has no {key}.")
    if not is_concept_id(values["code"]):
        raise CatalogueError(f"{path}: {values['code']!r} is not a valid SNOMED CT concept id.")
    triggers = [trigger.value for trigger in GpCodeTrigger]
    if values["trigger"] not in triggers:
        raise CatalogueError(
            f"{path}: code {values['code']} has trigger {values['trigger']!r}; "
            f"use one of {', '.join(triggers)}."
        )
    return SnomedCode(
        code=values["code"],
        term=values["term"].strip(),
        trigger=GpCodeTrigger(values["trigger"]),
        guidance=values["guidance"].strip(),
    )
