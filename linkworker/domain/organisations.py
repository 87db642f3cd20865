"""Organisation Data Service (ODS) codes for PCNs and practices.

The general form (any organisation a referral file may name) is 3 to 8 letters and digits. A
PCN's and a GP practice's own codes have narrower shapes, which the first-run wizard checks as
its hints describe them:
- a PCN's code is 6 characters, "U" and five digits (U12345): NHS Digital, "Primary Care
  Networks - publication of Organisational Data Service (ODS) codes" (25 November 2019);
- a GP practice's code is one letter and five digits (G82001): the NHS Data Model and
  Dictionary's ORGANISATION CODE, G frame (organisation type identifier, then the practice
  identifier), and the NHS Prescription Pricing Division's practice codes of "1 alpha and
  5 numerics" issued since April 2003.
"""

from __future__ import annotations

import re

from linkworker.domain.errors import ValidationError

_ODS = re.compile(r"^[A-Z0-9]{3,8}$")
_PCN = re.compile(r"^U[0-9]{5}$")
_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")
PCN_CODE_RULE = "A PCN's ODS code is U and five digits, like U12345."
PRACTICE_CODE_RULE = "A practice's ODS code is a letter and five digits, like G82001."


def parse_ods_code(text: str, field: str = "ods_code") -> str:
    """Any organisation's code, in upper case."""
    code = (text or "").strip().upper()
    if not code:
        raise ValidationError(field, "Enter the ODS code.")
    if not _ODS.match(code):
        raise ValidationError(field, "An ODS code has 3 to 8 letters and digits, like G82001.")
    return code


def parse_pcn_code(text: str, field: str = "ods_code") -> str:
    """A PCN's own code: "U" and five digits."""
    return _shaped(text, field, _PCN, PCN_CODE_RULE)


def parse_practice_code(text: str, field: str = "ods_code") -> str:
    """A GP practice's own code: a letter and five digits."""
    return _shaped(text, field, _PRACTICE, PRACTICE_CODE_RULE)


def _shaped(text: str, field: str, shape: re.Pattern[str], rule: str) -> str:
    code = (text or "").strip().upper()
    if not code:
        raise ValidationError(field, "Enter the ODS code.")
    if not shape.match(code):
        raise ValidationError(field, rule)
    return code


def parse_name(text: str, field: str = "name", what: str = "name") -> str:
    name = " ".join((text or "").split())
    if not name:
        raise ValidationError(field, f"Enter the {what}.")
    if len(name) > 200:
        raise ValidationError(field, f"The {what} is too long (200 characters at most).")
    return name
