"""UK postcodes: format checks and the canonical "OUTWARD INWARD" form, and the NHS
pseudo-postcodes.

Format is not existence: only the ONS postcode directory says a postcode is real.

The NHS records a person without a usable postcode under a pseudo-postcode beginning ZZ99 (no
fixed abode, address not known, a UK country with no postcode given, or, for someone who lives
abroad, their country). The NHS Data Dictionary (POSTCODE OF USUAL ADDRESS) gives them one form:
ZZ99, a space, a digit, a letter and Z. Every code of that form is accepted, since the full
country list (ODS, "Country names and pseudo country postcodes") is longer than the part
Linkworker ships; what each means lives in resources/pseudo_postcodes.json, read into
``PseudoPostcodes``. A pseudo-postcode names no place, so it is never placed on a map.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from linkworker.domain.errors import ValidationError, accepts

# The outward code of every NHS pseudo-postcode; no real postcode has Z second, so none is ZZ99.
PSEUDO_OUTWARD = "ZZ99"
_PSEUDO_INWARD = re.compile(r"^[0-9][A-Z]Z$")
UNLISTED_MEANING = "Abroad: a country code not in Linkworker's list"

_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # never Q, V, X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # never I, J, Z
_THIRD_A9A = "ABCDEFGHJKPSTUW"
_FOURTH_AA9A = "ABEHMNPRVWXY"
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O, V

_OUTWARD = re.compile(
    rf"^(?:[{_FIRST}][0-9]{{1,2}}"
    rf"|[{_FIRST}][{_SECOND}][0-9]{{1,2}}"
    rf"|[{_FIRST}][0-9][{_THIRD_A9A}]"
    rf"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH_AA9A}])$"
)
_INWARD = re.compile(rf"^[0-9][{_INWARD_LETTERS}]{{2}}$")


def parse(text: str, field: str = "postcode") -> str:
    """The canonical form ("ME14 1XX") of a postcode typed any way ("me141xx", " ME14  1XX ")."""
    squashed = re.sub(r"\s+", "", text or "").upper()
    if not squashed:
        raise ValidationError(field, "Enter the postcode.")
    if len(squashed) < 5 or len(squashed) > 7:
        raise ValidationError(field, "A UK postcode has 5 to 7 letters and digits, like ME14 1XX.")
    outward, inward = squashed[:-3], squashed[-3:]
    canonical = f"{outward} {inward}"
    if is_pseudo(canonical) or canonical == "GIR 0AA":
        return canonical
    if not _OUTWARD.match(outward) or not _INWARD.match(inward):
        raise ValidationError(field, "This is not a UK postcode: please check it (like ME14 1XX).")
    return canonical


def is_valid(text: str) -> bool:
    return accepts(parse, text)


def is_pseudo(canonical: str) -> bool:
    """Whether a canonical postcode is an NHS pseudo-postcode (of the Data Dictionary's form)."""
    outward, _space, inward = canonical.partition(" ")
    return outward == PSEUDO_OUTWARD and _PSEUDO_INWARD.match(inward) is not None


def district(canonical: str) -> str:
    """The outward code ("ME14"), used when a full postcode is not in the lookup."""
    return canonical.split(" ", 1)[0]


def placeable(text: str | None) -> str | None:
    """``text`` as a canonical postcode that names a place (so not a pseudo-postcode), or None
    when it is empty or not a UK postcode."""
    if not text or not is_valid(text):
        return None
    canonical = parse(text)
    return None if is_pseudo(canonical) else canonical


@dataclass(frozen=True)
class PseudoPostcode:
    """One listed pseudo-postcode and what it stands for, in words a link worker reads."""

    postcode: str
    meaning: str


@dataclass(frozen=True)
class PseudoPostcodes:
    """The pseudo-postcodes whose meaning is known (resources/pseudo_postcodes.json)."""

    entries: tuple[PseudoPostcode, ...]

    def __iter__(self) -> Iterator[PseudoPostcode]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def meaning(self, text: str | None) -> str | None:
        """What ``text`` stands for when it is a pseudo-postcode (typed any way); None for a real
        postcode, an empty one or one that is not a postcode at all. A code of the form that the
        list does not hold is a country abroad: only the UK codes are in use besides them."""
        if not text or not is_valid(text):
            return None
        canonical = parse(text)
        if not is_pseudo(canonical):
            return None
        return next(
            (entry.meaning for entry in self.entries if entry.postcode == canonical), UNLISTED_MEANING
        )
