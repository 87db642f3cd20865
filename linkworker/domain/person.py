"""Rules about a person's details: names folded for searching."""

from __future__ import annotations

import unicodedata


def search_key(name: str) -> str:
    """A name folded for searching: no case, accents, spaces or punctuation ("O'Brien" -> "obrien")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))
