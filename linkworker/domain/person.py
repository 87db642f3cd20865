"""Rules about a person's details: names as they are written and folded for searching, and age."""

from __future__ import annotations

import unicodedata
from datetime import date

from linkworker.domain.errors import ValidationError
from linkworker.domain.text_checks import check_visible

NAME_MAX = 100
# Letters of any script, and the marks names use between them: "O'Brien", "Fenwick-Hale", "St. John".
_NAME_MARKS = frozenset(" -'.\u2019")  # \u2019: the typographic apostrophe
# The zero-width non-joiner and joiner some scripts spell names with; ``check_visible`` has
# already refused them anywhere else.
_NAME_JOINERS = frozenset("\u200c\u200d")


def search_key(name: str) -> str:
    """A name folded for searching: no case, accents, spaces or punctuation ("O'Brien" -> "obrien")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))


def parse_name(text: str, field: str, what: str) -> str:
    """A given or family name as the person writes it, with spaces tidied; ``what`` names it in messages.

    Digits and symbols are refused: in a name they are almost always a slip (a date of birth typed
    one box too soon, a stray key), and a record with a wrong name is hard to find again. Hidden
    characters are refused first, with a message that says so (``domain.text_checks``).
    """
    check_visible(text or "", field, what)
    name = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not name:
        raise ValidationError(field, f"Enter the {what}.")
    if len(name) > NAME_MAX:
        raise ValidationError(field, f"The {what} is too long ({NAME_MAX} characters at most).")
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(field, f"The {what} needs at least one letter.")
    if any(
        not (ch.isalpha() or ch in _NAME_MARKS or ch in _NAME_JOINERS or unicodedata.combining(ch))
        for ch in name
    ):
        raise ValidationError(
            field, f"The {what} can have letters, spaces, hyphens and apostrophes only; please check it."
        )
    return name


def age_on(born: date, today: date) -> int:
    """Whole years between ``born`` and ``today``; someone born on 29 February has their birthday on
    1 March in other years, as English law counts it."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - before_birthday


def age_text(born: date, today: date) -> str:
    """How a form shows an age: "Age 76", or "Age 0 (4 months)" for a baby, whose months matter."""
    years = age_on(born, today)
    if years >= 1:
        return f"Age {years}"
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return f"Age 0 ({months} month{'' if months == 1 else 's'})"
