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

A family name typed alone (the given name not known, or not typed) is compared with the record's
family name, and given name, alone: see ``family_name_similarity`` for the one-letter slip.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

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


def similar_name_reason(similarity: int, other_nhs_number_differs: bool, *, family_only: bool = False) -> str:
    """Why a record born on the same day is shown (``family_only``: for a family name typed
    alone); a different NHS number is said, since it usually means a different person (a twin)
    and the worker should look twice."""
    likeness = ", similar family name" if family_only else " and a similar name"
    reason = f"same date of birth{likeness} ({similarity}%)"
    return f"{reason}, but a different NHS number" if other_nhs_number_differs else reason


# One slip of the keys: a letter left out, added or changed, or two neighbours swapped.
SLIPS_FORGIVEN = 1


def family_name_similarity(family_name: str, given_b: str, family_b: str) -> int | None:
    """How alike a family name typed alone is to a record's (0-100), or None when it is not alike
    enough to show; the record's given name is tried too (a name typed into the other box).

    Alone, without a given name to add letters to compare, a name of a few letters is too short
    for the percentage: "Sing" for Singh is 89%, but "Lea" for Lee only 67%. So a family name one
    slip away (``SLIPS_FORGIVEN``, by optimal string alignment) is shown whatever its percentage,
    as is one at the usual threshold (part of a double-barrelled name). Only people born on the
    day typed are compared, so a looser rule costs a line or two to read, never a long list.
    """
    typed = search_key(family_name)
    if not typed:
        return None
    best: int | None = None
    for recorded in (search_key(family_b), search_key(given_b)):
        similarity = round(fuzz.ratio(typed, recorded))
        if is_similar_name(similarity) or OSA.distance(typed, recorded) <= SLIPS_FORGIVEN:
            best = max(best or 0, similarity)
    return best
