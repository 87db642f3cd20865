"""NHS numbers: ten digits with a Modulus 11 check digit.

The check itself is the ``nhs-number`` package's; this module adds the tolerant parsing a
form or a CSV needs (spaces and dashes) and the 999 test range used for synthetic people.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The package's own module: its top level re-exports these without declaring them public.
from nhs_number import validate as _nhs

from linkworker.domain.errors import ValidationError, accepts

TEST_RANGE_PREFIX = "999"
_SEPARATORS = re.compile(r"[\s-]+")


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None where no valid number exists.

    The package returns 10 for a remainder of 1; no NHS number has that check digit.
    """
    digit = _nhs.calculate_checksum(first_nine)
    return None if digit is None or digit == 10 else digit


def parse(text: str, field: str = "nhs_number") -> str:
    """Ten digits from what a person typed ("943 476 5919", "943-476-5919"), or a clear error."""
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise ValidationError(field, "Enter the NHS number.")
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(field, "An NHS number has only digits (spaces and dashes are fine).")
    if len(digits) != 10:
        raise ValidationError(field, f"An NHS number has 10 digits; this has {len(digits)}.")
    if not _nhs.is_valid(digits):
        raise ValidationError(field, "This is not a valid NHS number: please check each digit.")
    return digits


def is_valid(text: str) -> bool:
    return accepts(parse, text)


def formatted(digits: str) -> str:
    """The 3-3-4 form people read: "999 000 0018"."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def is_test_number(digits: str) -> bool:
    return digits.startswith(TEST_RANGE_PREFIX)


def synthetic_numbers(start_serial: int = 0) -> Iterator[str]:
    """Valid NHS numbers of the 999 test range, in order; for synthetic people only.

    About 909,000 exist: serials whose check digit would be 10 are skipped.
    """
    for serial in range(start_serial, 1_000_000):
        first_nine = f"{TEST_RANGE_PREFIX}{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield f"{first_nine}{digit}"
