"""UK postcodes: format checks and the canonical "OUTWARD INWARD" form.

Format is not existence: only the ONS postcode directory says a postcode is real.
"""

from __future__ import annotations

import re

from linkworker.domain.errors import ValidationError, accepts

# NHS pseudo-postcodes, which break the letter rules on purpose.
NO_FIXED_ABODE = "ZZ99 3VZ"
NOT_KNOWN = "ZZ99 3WZ"
ENGLAND_NOT_STATED = "ZZ99 3CZ"
PSEUDO_POSTCODES = frozenset({NO_FIXED_ABODE, NOT_KNOWN, ENGLAND_NOT_STATED})

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
    if canonical in PSEUDO_POSTCODES or canonical == "GIR 0AA":
        return canonical
    if not _OUTWARD.match(outward) or not _INWARD.match(inward):
        raise ValidationError(field, "This is not a UK postcode: please check it (like ME14 1XX).")
    return canonical


def is_valid(text: str) -> bool:
    return accepts(parse, text)


def district(canonical: str) -> str:
    """The outward code ("ME14"), used when a full postcode is not in the lookup."""
    return canonical.split(" ", 1)[0]


def placeable(text: str | None) -> str | None:
    """``text`` as a canonical postcode that names a place (so not "no fixed abode" and the like),
    or None when it is empty or not a UK postcode."""
    if not text or not is_valid(text):
        return None
    canonical = parse(text)
    return None if canonical in PSEUDO_POSTCODES else canonical
