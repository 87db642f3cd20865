"""When two records may be the same person: the same NHS number, or the same date of birth and a
similar name.

Names are compared with rapidfuzz's normalised Indel similarity (``fuzz.ratio``, 0-100) on the
folded "given family" name, and again with the record's names swapped, because given and
family names typed into each other's boxes are a common slip.

The threshold, 75, is tuned for finding duplicates rather than for being sure: a name is only
compared with people born on the same day (one or two in a PCN of 50,000), so a false alarm
costs one extra line the link worker reads, while a miss creates a second record of the same
person. At 75, spelling variants (Mohammed / Muhammad Khan, 85), short forms (Chris /
Christopher Wood, 77; Bob / Robert Smith, 76), double-barrelled names (Orla Fenwick /
Fenwick-Hale, 86) and swapped names (100) are shown, while different people who share a
surname and a birthday, like twins, mostly fall below it (Aaron / Sarah Patel, 73; Ann / Ben
Lee, 71).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from linkworker.domain.person import search_key

SIMILAR_NAME_THRESHOLD = 75


def folded_name(given_name: str, family_name: str) -> str:
    return f"{search_key(given_name)} {search_key(family_name)}"


def name_similarity(given_a: str, family_a: str, given_b: str, family_b: str) -> int:
    """How alike two people's names are, 0-100, ignoring case, accents, punctuation and order."""
    first = folded_name(given_a, family_a)
    second = folded_name(given_b, family_b)
    swapped = folded_name(family_b, given_b)
    return round(max(fuzz.ratio(first, second), fuzz.ratio(first, swapped)))


def is_similar_name(similarity: int) -> bool:
    return similarity >= SIMILAR_NAME_THRESHOLD


SAME_NHS_NUMBER = "same NHS number"


def similar_name_reason(similarity: int, other_nhs_number_differs: bool) -> str:
    """Why a record born on the same day is shown; a different NHS number is said, since it
    usually means a different person (a twin) and the worker should look twice."""
    reason = f"same date of birth and a similar name ({similarity}%)"
    return f"{reason}, but a different NHS number" if other_nhs_number_differs else reason
