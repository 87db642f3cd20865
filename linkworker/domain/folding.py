"""Text compared for meaning (a town, a language, an accessibility feature), whatever its case,
accents or punctuation."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Text compared for meaning: no case or accents, punctuation as spaces, spaces single."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(
        (ch if ch.isalnum() else " ") for ch in decomposed.casefold() if not unicodedata.combining(ch)
    )
    return " ".join(plain.split())


@lru_cache(maxsize=16384)
def folded(directory_text: str) -> str:
    """``fold`` remembered, for the directory's own words (names, towns, languages, features),
    which a directory repeats many times over; never for what a person's record says."""
    return fold(directory_text)
