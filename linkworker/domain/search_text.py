"""What a search box may hold: one short line of visible text, checked before it reaches SQL.

Nothing anyone searches for is long: a name, an NHS number, a case number, a service's name.
A whole page pasted into a search box (100,000 characters), a NUL byte (which PostgreSQL refuses
in any query) or another hidden character (``domain.text_checks``) is refused with a plain
message beside the box, rather than sent to the database or compared with every name on record.
"""

from __future__ import annotations

from typing import Final

from linkworker.domain.errors import ValidationError
from linkworker.domain.text_checks import check_visible

SEARCH_MAX: Final = 100


def parse_search(text: str, field: str = "search", what: str = "search") -> str:
    """The text to search for, without the spaces around it; ``what`` names the box in messages."""
    wanted = (text or "").strip()
    if len(wanted) > SEARCH_MAX:
        raise ValidationError(
            field, f"The {what} is too long to search for: type at most {SEARCH_MAX} characters."
        )
    return check_visible(wanted, field, what)
