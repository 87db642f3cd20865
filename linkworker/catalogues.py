"""Code lists shipped in resources/ (needs, SNOMED CT codes, NHS pseudo-postcodes), read once into
frozen dataclasses.

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
from linkworker.domain.postcode import PseudoPostcode, PseudoPostcodes, is_pseudo, is_valid, parse

NEEDS_FILE = "needs.json"
SNOMED_FILE = "snomed_codes.json"
PSEUDO_POSTCODES_FILE = "pseudo_postcodes.json"
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
    needs = tuple(_need(path, index, entry) for index, entry in enumerate(_listed(path, raw, "needs")))
    for attribute in ("code", "label"):
        _each_once(path, [getattr(need, attribute) for need in needs], f"the {attribute} {{!r}} is used")
    return NeedsCatalogue(needs)


@cache
def needs() -> NeedsCatalogue:
    """The needs taxonomy this installation ships."""
    return load_needs(resources_dir() / NEEDS_FILE)


def _listed(path: Path, raw: Any, key: str) -> list[Any]:
    """The file's non-empty list under ``key``."""
    entries = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f'{path} must hold a non-empty list under "{key}".')
    return entries


def _each_once(path: Path, values: list[str], what: str) -> None:
    """Refuse a list holding a value twice; ``what`` names the first such value ("the code {}")."""
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise CatalogueError(f"{path}: {what.format(duplicates[0])} more than once.")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogueError(f"The code list {path} cannot be read: {error}") from None


def _need(path: Path, index: int, entry: Any) -> Need:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{path}: need {index + 1} must be an object.")
    values: dict[str, str] = {}
    for key in ("code", "label", "description"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{path}: need {index + 1} has no {key}.")
        values[key] = value
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
    codes = tuple(_snomed_code(path, index, entry) for index, entry in enumerate(_listed(path, raw, "codes")))
    _each_once(path, [code.code for code in codes], "the code {} is listed")
    return SnomedCatalogue(codes)


@cache
def snomed_codes() -> SnomedCatalogue:
    """The SNOMED CT code list this installation ships."""
    return load_snomed_codes(resources_dir() / SNOMED_FILE)


def _snomed_code(path: Path, index: int, entry: Any) -> SnomedCode:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{path}: code {index + 1} must be an object.")
    values: dict[str, str] = {}
    for key in ("code", "term", "trigger", "guidance"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{path}: code {index + 1} has no {key}.")
        values[key] = value
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


def load_pseudo_postcodes(path: Path) -> PseudoPostcodes:
    """Read and check a pseudo-postcode list: each code of the NHS form, listed once, with its
    meaning and at least one of the file's named sources."""
    raw = _read_json(path)
    entries = _listed(path, raw, "postcodes")
    sources = raw.get("sources")
    named = set(sources) if isinstance(sources, dict) else set()
    listed = tuple(_pseudo_postcode(path, index, entry, named) for index, entry in enumerate(entries))
    _each_once(path, [entry.postcode for entry in listed], "the code {} is listed")
    return PseudoPostcodes(listed)


@cache
def pseudo_postcodes() -> PseudoPostcodes:
    """The NHS pseudo-postcodes, with their meanings, this installation ships."""
    return load_pseudo_postcodes(resources_dir() / PSEUDO_POSTCODES_FILE)


def _pseudo_postcode(path: Path, index: int, entry: Any, sources: set[str]) -> PseudoPostcode:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{path}: pseudo-postcode {index + 1} must be an object.")
    code, meaning, cited = entry.get("postcode"), entry.get("meaning"), entry.get("sources")
    if not isinstance(code, str) or not is_valid(code) or not is_pseudo(parse(code)):
        raise CatalogueError(f"{path}: {code!r} is not an NHS pseudo-postcode (ZZ99, a digit, a letter, Z).")
    if not isinstance(meaning, str) or not meaning.strip():
        raise CatalogueError(f"{path}: {code} has no meaning.")
    if not isinstance(cited, list) or not cited:
        raise CatalogueError(f"{path}: {code} names no source.")
    unknown = [source for source in cited if source not in sources]
    if unknown:
        raise CatalogueError(f"{path}: {code} cites the unknown source {unknown[0]!r}.")
    return PseudoPostcode(parse(code), meaning.strip())
