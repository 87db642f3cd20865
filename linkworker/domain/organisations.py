"""Organisation Data Service (ODS) codes for PCNs and practices."""

from __future__ import annotations

import re

from linkworker.domain.errors import ValidationError

# ODS codes are 3 to 8 letters and digits; GP practices are one letter and five digits (G82001),
# PCNs a "U" and five digits (U12345). We accept the general form and normalise to upper case.
_ODS = re.compile(r"^[A-Z0-9]{3,8}$")


def parse_ods_code(text: str, field: str = "ods_code") -> str:
    code = (text or "").strip().upper()
    if not code:
        raise ValidationError(field, "Enter the ODS code.")
    if not _ODS.match(code):
        raise ValidationError(field, "An ODS code has 3 to 8 letters and digits, like G82001.")
    return code


def parse_name(text: str, field: str = "name", what: str = "name") -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ValidationError(field, f"Enter the {what}.")
    if len(name) > 200:
        raise ValidationError(field, f"The {what} is too long (200 characters at most).")
    return name
